"""Pretrain the course's small Korean GPT: 05's BPE tokenizer + 08's MiniGPT on build/corpus/.

    python scripts/build_corpus.py            # once: the corpus (ignored cache)
    python scripts/pretrain.py                # the shipped checkpoint (37 min at load ~7 on 2 cores)
    python scripts/pretrain.py --steps 20 --out build/pretrain_smoke   # a short run

Fixed seed, a fixed number of steps (not a time budget), so the same command gives the same losses.
Writes OUT/{config.json, model.safetensors, tokenizer.json} (see solutions/course_model.py) and
build/pretrain/valid_curve.png, and prints a summary. The default OUT is the shipped checkpoint,
assignments/09_generation/course_model/.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))
from course_model import save_course_model  # noqa: E402

from grader.assignments import load_solution  # noqa: E402

EOT = "<|endoftext|>"
DEFAULTS = dict(vocab_size=4096, n_ctx=128, d_model=128, n_layers=4, n_heads=4, d_ff=512)


def batches(data: torch.Tensor, n_ctx: int, batch_size: int, generator: torch.Generator):
    """Random windows of n_ctx + 1 tokens: inputs and the next-token targets."""
    starts = torch.randint(0, len(data) - n_ctx - 1, (batch_size,), generator=generator)
    window = torch.stack([data[s:s + n_ctx + 1] for s in starts.tolist()])
    return window[:, :-1], window[:, 1:]


@torch.no_grad()
def mean_loss(model, data: torch.Tensor, n_ctx: int, max_windows: int = 64) -> float:
    """Mean next-token cross-entropy (nats/token) over consecutive, non-overlapping windows."""
    model.eval()
    n = min(max_windows, (len(data) - 1) // n_ctx)
    x = data[:n * n_ctx].view(n, n_ctx)
    y = data[1:n * n_ctx + 1].view(n, n_ctx)
    losses = [torch.nn.functional.cross_entropy(model(x[i:i + 16]).flatten(0, 1), y[i:i + 16].flatten(),
                                                reduction="sum") for i in range(0, n, 16)]
    model.train()
    return float(sum(losses) / y.numel())


def init_weights(model: torch.nn.Module) -> None:
    """GPT-2 style init: weights N(0, 0.02), biases 0. (PyTorch's default N(0, 1) embedding, tied to
    the output head, starts with logits in the tens: a loss near 60 instead of ln 4096 ≈ 8.3.)"""
    for name, p in model.named_parameters():
        if p.dim() == 2:
            torch.nn.init.normal_(p, std=0.02)
        elif name.endswith("bias"):
            torch.nn.init.zeros_(p)


def lr_at(step: int, total: int, max_lr: float, warmup: int) -> float:
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.1 * max_lr + 0.9 * max_lr * 0.5 * (1 + math.cos(math.pi * progress))


def vars_json(args) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "build" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "assignments" / "09_generation" / "course_model")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tokenizer-chars", type=int, default=400_000,
                        help="BPE is trained on the first N characters (pure Python, 05's trainer)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # denormal floats make CPU matmuls many times slower
    started = time.perf_counter()

    if not (args.corpus / "train.txt").exists():
        sys.exit(f"{args.corpus}/train.txt is missing: run python scripts/build_corpus.py first")
    train_text = (args.corpus / "train.txt").read_text(encoding="utf-8")
    valid_text = (args.corpus / "valid.txt").read_text(encoding="utf-8")

    bpe = load_solution("05_tokenization")
    gpt = load_solution("08_transformer_block")
    t0 = time.perf_counter()
    vocab, merges = bpe.train_bpe(train_text[:args.tokenizer_chars], DEFAULTS["vocab_size"], [EOT])
    tokenizer = bpe.BPETokenizer(vocab, merges, [EOT])
    train = torch.tensor(tokenizer.encode(train_text), dtype=torch.long)
    valid = torch.tensor(tokenizer.encode(valid_text), dtype=torch.long)
    tok_seconds = time.perf_counter() - t0
    print(f"tokenizer: vocab {len(vocab)}, {tok_seconds:.1f} s; train {len(train):,} tokens "
          f"({len(train_text) / len(train):.2f} chars/token), valid {len(valid):,} tokens", flush=True)

    torch.manual_seed(args.seed)
    model = gpt.MiniGPT(**DEFAULTS)
    init_weights(model)
    n_params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1, betas=(0.9, 0.95))
    generator = torch.Generator().manual_seed(args.seed)
    curve = {"step": [], "train": [], "valid": []}
    running = None
    t1 = time.perf_counter()
    bar = tqdm(range(args.steps), desc="pretrain", unit="step", mininterval=5, file=sys.stdout)
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, args.steps, args.lr, warmup=min(100, args.steps // 10 + 1))
        x, y = batches(train, DEFAULTS["n_ctx"], args.batch_size, generator)
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
            v = mean_loss(model, valid, DEFAULTS["n_ctx"])
            curve["step"].append(step + 1)
            curve["train"].append(running)
            curve["valid"].append(v)
            bar.set_postfix(train=f"{running:.3f}", valid=f"{v:.3f}")
            print(f"\nstep {step + 1}: train {running:.3f}, valid {v:.3f} (ppl {math.exp(v):.1f})", flush=True)
            if not args.no_save:  # a checkpoint at every evaluation: a killed run still leaves one
                partial = {"model": DEFAULTS, "eot": EOT,
                           "training": {"partial": True, "step": step + 1, "of_steps": args.steps,
                                        "valid_loss": round(v, 4), **vars_json(args), "curve": curve}}
                save_course_model(args.out, model, vocab, merges, [EOT], partial)
    train_seconds = time.perf_counter() - t1

    final_valid = mean_loss(model, valid, DEFAULTS["n_ctx"], max_windows=10_000)
    summary = {"steps": args.steps, "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
               "threads": args.threads, "parameters": n_params,
               "train_tokens": len(train), "valid_tokens": len(valid),
               "final_train_loss": round(running, 4), "final_valid_loss": round(final_valid, 4),
               "final_valid_perplexity": round(math.exp(final_valid), 2),
               "tokenizer_seconds": round(tok_seconds, 1), "train_seconds": round(train_seconds, 1),
               "wall_seconds": round(time.perf_counter() - started, 1), "curve": curve}
    if not args.no_save:
        config = {"model": DEFAULTS, "eot": EOT, "training": summary}
        save_course_model(args.out, model, vocab, merges, [EOT], config)
        plot_dir = ROOT / "build" / "pretrain"
        plot_dir.mkdir(parents=True, exist_ok=True)
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(curve["step"], curve["train"], label="train (EMA)")
        ax.plot(curve["step"], curve["valid"], label="validation (first 64 windows)")
        ax.set_xlabel("step")
        ax.set_ylabel("loss (nats/token)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(plot_dir / "valid_curve.png", dpi=100)
    print("\n== summary ==")
    print(json.dumps({k: v for k, v in summary.items() if k != "curve"}, indent=1))
    if not args.no_save:
        print(f"checkpoint: {args.out}  curve: build/pretrain/valid_curve.png")
    return summary


if __name__ == "__main__":
    main()
