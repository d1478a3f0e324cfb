"""Fine-tune 11's classifier and store its test-set predictions for 12_evaluation.

12 evaluates the classifier that 11's notebook fine-tunes (§9 "과정의 한국어 GPT를 파인 튜닝하기"), but a
notebook about metrics should not spend a minute training. This script runs the same recipe with the
reference code of 11 (set_seed, stratified_split, collate, train_one_epoch, evaluate, warmup_cosine,
EarlyStopping, save/load_checkpoint) and 10's GPTClassifier on the course GPT, once per data source of
solutions/korean_text.py, and writes only numbers it made:

    assignments/12_evaluation/classifier_predictions.json
      {"settings": {...}, "sources": {"libreoffice": {...}, "konlpy": {...}}}
      each source: label_names, n_examples, test_indices (into classification_task()["texts"]),
      labels, probabilities (softmax of the best checkpoint, one row per test example),
      test_texts_sha256 (so a notebook can tell that it reads the same paragraphs), history
      (per-epoch losses and accuracies), best_epoch, test_accuracy.

The text itself is never stored: 12's notebook reads it again at run time. The LibreOffice source
needs `python scripts/build_corpus.py` first; without it only the konlpy source is (re)made and the
other entry of the existing file is kept.

    python scripts/classifier_predictions.py                    # both sources, the committed file
    python scripts/classifier_predictions.py --sources konlpy --epochs 1 --out build/preds.json

tests/reference/test_12_evaluation.py checks that the settings equal 11's notebook and that one
epoch of this script reproduces the committed first epoch.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))
import korean_text  # noqa: E402
from course_model import load_course_model  # noqa: E402

from grader.assignments import load_solution  # noqa: E402

OUT = ROOT / "assignments" / "12_evaluation" / "classifier_predictions.json"
COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"
# 11's notebook, §9 (tests/reference/test_12_evaluation.py checks that these still agree with it)
SETTINGS = {"n_train": 320, "n_valid": 160, "n_test": 160, "epochs": 8, "batch": 16, "max_lr": 3e-4,
            "max_tokens": 32, "patience": 2, "dropout": 0.1, "weight_decay": 0.01, "min_lr_ratio": 0.1,
            "seed": 0, "threads": 1}


def load_task(source: str, tree=korean_text.HELP_TREE) -> dict:
    """The data of classification_task() for one named source ("libreoffice" or "konlpy")."""
    if source == "libreoffice":
        texts, labels = korean_text.help_module_task(ROOT / tree)
        names = list(korean_text.HELP_MODULE_NAMES)
    else:
        texts, labels = korean_text.konlpy_source_task()
        names = ["헌법", "국회 의안"]
    return {"texts": texts, "labels": labels, "label_names": names}


def texts_sha256(texts: list[str], indices) -> str:
    """Fingerprint of the test paragraphs, in order: a notebook recomputes it to know the data matches."""
    return hashlib.sha256("\n".join(texts[int(i)] for i in indices).encode("utf-8")).hexdigest()


def finetune(task: dict, epochs: int = SETTINGS["epochs"], log=print) -> dict:
    """11's §9 with the reference functions, in the notebook's order of random draws."""
    s = SETTINGS
    p11 = load_solution("11_finetuning_process")
    classifier_class = load_solution("10_finetuning_methods").GPTClassifier
    torch.set_num_threads(s["threads"])
    steps_per_epoch = math.ceil(s["n_train"] / s["batch"])
    total_steps = s["epochs"] * steps_per_epoch
    warmup_steps = total_steps // 10
    gpt, tokenizer, _ = load_course_model(COURSE_MODEL)

    p11.set_seed(s["seed"])
    labels = np.array(task["labels"])
    _, pool = p11.stratified_split(labels, s["n_train"] + s["n_valid"] + s["n_test"], seed=0)
    fit, test = p11.stratified_split(labels[pool], s["n_test"], seed=1)
    train, valid = p11.stratified_split(labels[pool][fit], s["n_valid"], seed=2)
    train, valid, test = pool[fit][train], pool[fit][valid], pool[test]
    token_ids = {int(i): tokenizer.encode(task["texts"][i])[:s["max_tokens"]]
                 for i in np.concatenate([train, valid, test])}

    def make_batches(indices, batch_size, shuffle):
        indices = [int(i) for i in indices]
        if shuffle:
            indices = [indices[j] for j in torch.randperm(len(indices)).tolist()]
        batches = []
        for start in range(0, len(indices), batch_size):
            chunk = indices[start:start + batch_size]
            input_ids, attention_mask = p11.collate([token_ids[i] for i in chunk], pad_id=0)
            batches.append({"input_ids": input_ids, "attention_mask": attention_mask,
                            "labels": torch.tensor(labels[chunk])})
        return batches

    model = classifier_class(gpt, len(task["label_names"]))
    model.head = nn.Sequential(nn.Dropout(s["dropout"]), model.head)
    optimizer = torch.optim.AdamW(model.parameters(), lr=s["max_lr"], weight_decay=s["weight_decay"])
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: p11.warmup_cosine(step, warmup_steps, total_steps, 1.0, s["min_lr_ratio"]))
    stopper = p11.EarlyStopping(patience=s["patience"])
    valid_batches = make_batches(valid, 80, shuffle=False)
    train_probe = make_batches(train[:160], 80, shuffle=False)
    history = {"train_loss": [], "train_acc": [], "valid_loss": [], "valid_acc": []}
    best_epoch, step = 0, 0
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = Path(folder) / "best.pt"
        for epoch in range(1, epochs + 1):
            train_loss = p11.train_one_epoch(model, make_batches(train, s["batch"], shuffle=True),
                                             optimizer, scheduler)
            step += steps_per_epoch
            train_metrics = p11.evaluate(model, train_probe)
            valid_metrics = p11.evaluate(model, valid_batches)
            for key, value in (("train_loss", train_loss), ("train_acc", train_metrics["accuracy"]),
                               ("valid_loss", valid_metrics["loss"]), ("valid_acc", valid_metrics["accuracy"])):
                history[key].append(round(float(value), 6))
            previous_best = stopper.best
            should_stop = stopper.step(valid_metrics["loss"])
            if stopper.best != previous_best:
                p11.save_checkpoint(checkpoint, model, optimizer, scheduler, step)
                best_epoch = epoch
            log(f"  epoch {epoch}: train loss {train_loss:.4f}, valid loss {valid_metrics['loss']:.4f}, "
                f"valid accuracy {valid_metrics['accuracy']:.3f}")
            if should_stop:
                break
        p11.load_checkpoint(checkpoint, model, optimizer, scheduler)
    test_batches = make_batches(test, 80, shuffle=False)
    model.eval()
    with torch.no_grad():
        probabilities = torch.cat([torch.softmax(model(b["input_ids"], b["attention_mask"]), dim=-1)
                                   for b in test_batches])
    predicted = probabilities.argmax(dim=-1).numpy()
    return {"label_names": task["label_names"], "n_examples": len(task["texts"]),
            "test_indices": [int(i) for i in test], "labels": [int(v) for v in labels[test]],
            "probabilities": [[round(float(p), 6) for p in row] for row in probabilities],
            "test_texts_sha256": texts_sha256(task["texts"], test),
            "history": history, "best_epoch": best_epoch,
            "test_accuracy": round(float(np.mean(predicted == labels[test])), 6)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", nargs="+", default=["libreoffice", "konlpy"],
                        choices=["libreoffice", "konlpy"])
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"],
                        help="stop after this many epochs (a short check of the committed run)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {"sources": {}}
    result["made_by"] = "scripts/classifier_predictions.py"
    result["settings"] = SETTINGS
    for source in args.sources:
        try:
            task = load_task(source)
        except FileNotFoundError as error:
            print(f"{source}: skipped ({error})")
            continue
        print(f"{source}: {len(task['texts'])} examples, classes {task['label_names']}")
        start = time.perf_counter()
        result["sources"][source] = finetune(task, epochs=args.epochs)
        entry = result["sources"][source]
        print(f"  best epoch {entry['best_epoch']}, test accuracy {entry['test_accuracy']:.3f} "
              f"({time.perf_counter() - start:.0f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
