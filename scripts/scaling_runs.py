"""Measure scaling laws on CPU: learning curves of 08's MiniGPT at 8 sizes, for 04_scaling's notebook.

    python scripts/build_corpus.py            # once: the corpus (ignored cache), as for pretrain.py
    nice python scripts/scaling_runs.py       # the committed CSV: 56 min on a shared 2-core machine (load ~12)
    python scripts/scaling_runs.py --widths 8 --max-steps 32 --out /tmp/check.csv    # a quick check

Every size is trained once, from the same seed, on random windows of the training text, and its
validation loss is measured along the way: at steps that put the run at fixed compute budgets
C = 6·N·D (N = all parameters, embeddings included, as Chinchilla counts them; D = tokens seen), at
D = 1,572,864 tokens (the same data for every size), and at log-spaced steps in between. After a
short warmup the learning rate stays constant, so the first k steps of a run do not depend on how
long it goes on: a shorter run reproduces a prefix of the CSV exactly
(tests/reference/test_04_scaling.py). One thread, fixed seed: the same command gives the same
numbers on the same machine and torch version.

Data: build/corpus/{train,valid}.txt (scripts/build_corpus.py: konlpy + Debian LibreOffice help
+ Debian FAQ, Korean), one character per token; characters seen fewer than 10 times in the
training text share one <unk> id; documents are separated by a newline. Validation: the first
VALID_TOKENS characters of valid.txt. Model: MiniGPT with 2 blocks, context 64, head size 16,
d_ff = 4·d_model, GPT-2 style initialisation and AdamW as in scripts/pretrain.py.
"""
from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grader.assignments import load_module_from, load_solution  # noqa: E402

_pretrain = load_module_from(ROOT / "scripts" / "pretrain.py", "pretrain")

N_CTX, N_LAYERS, HEAD_SIZE, BATCH = 64, 2, 16, 16
TOKENS_PER_STEP = N_CTX * BATCH
WIDTHS = (8, 12, 16, 24, 32, 48, 64, 96)
BUDGETS = (1e10, 3e10, 1e11, 3e11, 1e12)           # compute checkpoints (FLOPs), 6·N·D
MAX_BUDGET_SMALL, MAX_BUDGET_LARGE = 3e11, 1e12    # widths < 32 stop at the first, the rest at the second
FIXED_TOKENS_STEPS = 1536                          # every size sees D = 1536 · 1024 tokens
LR, WARMUP_STEPS, MIN_COUNT, VALID_TOKENS = 3e-3, 30, 10, 8_193
EOT = "<|endoftext|>"
DEFAULT_CORPUS = ROOT / "build" / "corpus"
DEFAULT_OUT = ROOT / "assignments" / "04_scaling" / "scaling_runs.csv"
COLUMNS = ("d_model", "n_heads", "params", "params_nonembedding", "step", "tokens", "flops", "budget",
           "loss", "seconds")


def load_corpus(folder: Path) -> tuple[str, str]:
    if not (folder / "train.txt").exists():
        sys.exit(f"{folder}/train.txt is missing: run python scripts/build_corpus.py first")
    read = lambda name: (folder / name).read_text(encoding="utf-8").replace(EOT, "\n")  # noqa: E731
    return read("train.txt"), read("valid.txt")


def encode(train_text: str, valid_text: str) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Character ids; id 0 is <unk> (characters seen fewer than MIN_COUNT times in training)."""
    counts = collections.Counter(train_text)
    vocab = {ch: i + 1 for i, ch in enumerate(sorted(ch for ch, n in counts.items() if n >= MIN_COUNT))}
    ids = lambda text: torch.tensor([vocab.get(ch, 0) for ch in text], dtype=torch.long)  # noqa: E731
    return ids(train_text), ids(valid_text[:VALID_TOKENS]), len(vocab) + 1


def nonembedding_params(d_model: int) -> int:
    """Kaplan et al.'s N: the blocks only, 12d² + 13d each (no embeddings, no final LayerNorm)."""
    return N_LAYERS * (12 * d_model * d_model + 13 * d_model)


def checkpoints(n_params: int, max_steps: int | None, d_model: int) -> tuple[int, dict[int, float]]:
    """(last step, {step: budget}) — budget steps round 6·N·D = C to the nearest step."""
    max_budget = MAX_BUDGET_LARGE if d_model >= 32 else MAX_BUDGET_SMALL
    steps_for = lambda budget: round(budget / (6 * n_params * TOKENS_PER_STEP))  # noqa: E731
    last = max(FIXED_TOKENS_STEPS, steps_for(max_budget))
    if max_steps is not None:
        last = min(last, max_steps)
    budgets = {steps_for(b): b for b in BUDGETS if 1 <= steps_for(b) <= last}
    return last, budgets


def eval_steps(last: int, budgets: dict[int, float]) -> list[int]:
    """Budget steps, the fixed-data step, and 6 log-spaced steps per decade, up to `last`."""
    steps = set(budgets) | {last} | ({FIXED_TOKENS_STEPS} if FIXED_TOKENS_STEPS <= last else set())
    steps |= {s for s in (round(10 ** (k / 6)) for k in range(0, 30)) if 4 <= s <= last}
    return sorted(steps)


@torch.no_grad()
def valid_loss(model, valid: torch.Tensor) -> float:
    """Mean next-token cross-entropy (nats/token) over every full window of the validation slice."""
    model.eval()
    n = (len(valid) - 1) // N_CTX
    x, y = valid[:n * N_CTX].view(n, N_CTX), valid[1:n * N_CTX + 1].view(n, N_CTX)
    loss = sum(torch.nn.functional.cross_entropy(model(x[i:i + 64]).flatten(0, 1), y[i:i + 64].flatten(),
                                                 reduction="sum") for i in range(0, n, 64))
    model.train()
    return float(loss / y.numel())


def learning_curve(d_model: int, train: torch.Tensor, valid: torch.Tensor, vocab_size: int, seed: int,
                   max_steps: int | None) -> list[dict]:
    gpt = load_solution("08_transformer_block")
    n_heads = max(1, d_model // HEAD_SIZE)
    torch.manual_seed(seed)
    model = gpt.MiniGPT(vocab_size, N_CTX, d_model, N_LAYERS, n_heads, 4 * d_model)
    _pretrain.init_weights(model)
    n_params = sum(p.numel() for p in model.parameters())
    last, budgets = checkpoints(n_params, max_steps, d_model)
    wanted = eval_steps(last, budgets)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95), weight_decay=0.1)
    generator = torch.Generator().manual_seed(seed)
    rows, started = [], time.perf_counter()
    for step in range(1, last + 1):
        for group in optimizer.param_groups:
            group["lr"] = LR * min(1.0, step / WARMUP_STEPS)
        x, y = _pretrain.batches(train, N_CTX, BATCH, generator)
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step in wanted:
            tokens = step * TOKENS_PER_STEP
            rows.append({"d_model": d_model, "n_heads": n_heads, "params": n_params,
                         "params_nonembedding": nonembedding_params(d_model), "step": step, "tokens": tokens,
                         "flops": f"{6 * n_params * tokens:.4g}",
                         "budget": f"{budgets[step]:.0e}".replace("+", "") if step in budgets else "",
                         "loss": round(valid_loss(model, valid), 4),
                         "seconds": round(time.perf_counter() - started, 1)})
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--widths", type=int, nargs="*", default=list(WIDTHS))
    parser.add_argument("--max-steps", type=int, default=None, help="stop every run after this many steps")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # the same arithmetic every time, and fair to a shared machine
    train, valid, vocab_size = encode(*load_corpus(args.corpus))
    print(f"train {len(train):,} tokens, valid {len(valid):,} tokens, vocabulary {vocab_size}", flush=True)
    rows = []
    for d_model in args.widths:
        curve = learning_curve(d_model, train, valid, vocab_size, args.seed, args.max_steps)
        rows += curve
        print(f"d_model {d_model}: {curve[-1]['step']} steps, loss {curve[-1]['loss']}, "
              f"{curve[-1]['seconds']} s", flush=True)
    command = "python scripts/scaling_runs.py" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        handle.write(
            f"# command: {command}\n"
            f"# seed: {args.seed}; torch {torch.__version__}, python {platform.python_version()}, 1 thread\n"
            f"# corpus: scripts/build_corpus.py -> train.txt sha256 {sha256(args.corpus / 'train.txt')}, "
            f"valid.txt sha256 {sha256(args.corpus / 'valid.txt')}; {len(train)} training tokens "
            f"(characters), validation = first {len(valid)} characters of valid.txt, vocabulary {vocab_size}\n"
            f"# model: MiniGPT (solutions/08), {N_LAYERS} blocks, context {N_CTX}, head size {HEAD_SIZE}, "
            f"d_ff = 4 d_model; batch {BATCH} x {N_CTX} tokens; AdamW lr {LR} (warmup {WARMUP_STEPS} steps, "
            f"then constant), weight decay 0.1, gradient clipping 1.0\n"
            f"# columns: params = all parameters (tied head once); flops = 6 * params * tokens; budget = "
            f"the compute checkpoint this row was measured at (empty otherwise); loss = validation "
            f"cross-entropy in nats/token; seconds = wall time of the run so far\n")
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
