"""Time the reference `train_bpe` of 05_tokenization against Hugging Face `tokenizers`.

Same text (all konlpy corpora: constitution + bills, read at run time), same vocabulary size, the
same GPT-2 pre-tokenization (HF ByteLevel with use_regex=True, no prefix space). Prints the best of
`--repeat` runs for each and the ratio; the goal for the reference is at most 10x HF.

    python benchmarks/bench_05_bpe.py [--vocab-size 2048 4096] [--repeat 3]

HF `tokenizers` uses several threads where it can (RAYON_NUM_THREADS); the reference is one
Python thread. Wall-clock ratios depend on the machine's load, so the CPU-time ratio (all threads
of the process) is printed too; with RAYON_NUM_THREADS=1 it compares the same resources.
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_time(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock seconds and best CPU seconds (all threads of this process) over `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab-size", type=int, nargs="+", default=[2048, 4096])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    bpe = _load(ROOT / "solutions" / "05_tokenization.py", "solution_05_tokenization")
    text = _load(ROOT / "solutions" / "korean_text.py", "korean_text").load_konlpy_text()
    print(f"konlpy text: {len(text):,} chars, {len(text.encode()):,} bytes; "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    for vocab_size in args.vocab_size:
        ours, ours_cpu = best_time(functools.partial(bpe.train_bpe, text, vocab_size), args.repeat)
        theirs, theirs_cpu = best_time(functools.partial(bpe.hf_bpe, text, vocab_size), args.repeat)
        print(f"vocab {vocab_size}: reference train_bpe {ours:.3f} s, HF tokenizers {theirs:.3f} s, "
              f"ratio {ours / theirs:.1f}x (goal <= 10x); CPU time {ours_cpu:.3f} s vs "
              f"{theirs_cpu:.3f} s, ratio {ours_cpu / theirs_cpu:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
