"""The five fine-tuning methods of 10_finetuning_methods on the Korean classification task, measured.

Runs the notebook's experiment (the same shared code: `run_method` in solutions/10_finetuning_methods.py)
on the course's pretrained Korean GPT (assignments/09_generation/course_model/): full fine-tuning,
partial (top block), bottleneck adapters, prompt tuning (8 virtual tokens, text init) and LoRA
(r = 8 on q_proj, v_proj). For each: trainable parameters, training wall time, memory (the training
state — parameters + grads + AdamW states — plus the activations autograd saved for backward in the
largest forward pass, measured with torch.autograd.graph.saved_tensors_hooks), test accuracy with all
training labels and with `--few` of them. Ratios are against full fine-tuning measured in the same
run (time: CPU seconds of the process, steadier than wall time on a shared machine; both printed).

    python benchmarks/bench_10_methods.py [--steps 60] [--few 300] [--max-len 64] [--threads 1]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))
from course_model import load_course_model  # noqa: E402
from korean_text import classification_task  # noqa: E402

from grader.assignments import load_solution  # noqa: E402

ORDER = ("full", "partial", "adapter", "prompt", "lora")


def prepare(ref, max_len, n_test=1000, seed=0):
    gpt, tokenizer, config = load_course_model(ROOT / "assignments/09_generation/course_model")
    task = classification_task(ROOT / "build/corpus/debs/tree")
    eot = tokenizer.encode(config["eot"])[0]
    t0 = time.perf_counter()
    ids, mask = ref.encode_texts(tokenizer, task["texts"], max_len, eot)
    labels = torch.tensor(task["labels"])
    train, test = ref.split_indices(len(labels), n_test, seed)
    data = {"train": (ids[train], mask[train], labels[train]), "test": (ids[test], mask[test], labels[test]),
            "n_classes": len(task["label_names"])}
    prompt_ids = tokenizer.encode("이 문단은 다음 프로그램의 도움말입니다:")
    return gpt, data, prompt_ids, task, time.perf_counter() - t0


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--few", type=int, default=300)
    parser.add_argument("--max-len", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--methods", nargs="*", default=list(ORDER))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    ref = load_solution("10_finetuning_methods")
    gpt, data, prompt_ids, task, encode_s = prepare(ref, args.max_len)
    lengths = data["train"][1].sum(dim=1).float()
    print(f"tokens per example: mean {lengths.mean():.1f}, {(lengths == args.max_len).float().mean():.0%} truncated")
    print(f"data: {task['source']} — {len(task['texts'])} examples, {data['n_classes']} classes; "
          f"train {len(data['train'][2])}, test {len(data['test'][2])}; encoded in {encode_s:.1f} s")
    print(f"threads {args.threads}, steps {args.steps}, batch 32, max_len {args.max_len}, "
          f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    for method in args.methods:
        t0, c0 = time.perf_counter(), time.process_time()
        row = ref.run_method(method, gpt, data, steps=args.steps, prompt_ids=prompt_ids)
        few = ref.run_method(method, gpt, data, n_train=args.few, steps=args.steps, prompt_ids=prompt_ids)
        row["few_accuracy"] = few["accuracy"]
        row["total_s"], row["total_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
        rows.append(row)
        print(f"  {method}: {row['total_s']:.1f} s wall, {row['total_cpu_s']:.1f} s CPU "
              f"(load {os.getloadavg()[0]:.2f})", flush=True)
    memory = lambda r: r["state_mb"] + r["activation_mb"]  # noqa: E731
    base = next((r for r in rows if r["method"] == "full"), rows[0])
    print(f"\n{'method':8} {'trainable':>10} {'%full':>7} {'train s':>8} {'CPU s':>6} {'x full':>7} {'state MB':>9} "
          f"{'act MB':>7} {'mem x':>6} {'acc':>6} {'acc@' + str(args.few):>8} {'total s':>8} {'tot CPU':>8}")
    for r in rows:
        print(f"{r['method']:8} {r['trainable']:>10,} {100 * r['trainable'] / base['trainable']:>6.2f}% "
              f"{r['seconds']:>8.1f} {r['cpu_seconds']:>6.1f} {r['cpu_seconds'] / base['cpu_seconds']:>7.2f} {r['state_mb']:>9.2f} "
              f"{r['activation_mb']:>7.2f} {memory(r) / memory(base):>6.2f} {r['accuracy']:>6.3f} {r['few_accuracy']:>8.3f} {r['total_s']:>8.1f} {r['total_cpu_s']:>8.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return rows


if __name__ == "__main__":
    main()
