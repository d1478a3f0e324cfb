"""Tokens per second of greedy generation with and without the KV cache (09_generation reference),
on the course's pretrained Korean GPT (assignments/09_generation/course_model/).

Both decoders produce the same tokens (checked). Without the cache each step reruns the whole
sequence; with it, each step runs one token against the stored keys and values. Prints the best of
`--repeat` runs, wall-clock and CPU-time ratios (CPU time is steadier on a loaded machine).

    python benchmarks/bench_09_kv_cache.py [--new-tokens 100] [--repeat 3] [--threads 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))
from course_model import load_course_model  # noqa: E402

from grader.assignments import load_solution  # noqa: E402

PROMPT = "대한민국의 주권은 국민에게 있고,"


def best_time(decode, model, ids, new_tokens, repeat):
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = decode(model, ids, new_tokens)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu), out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new-tokens", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    gen = load_solution("09_generation")
    model, tokenizer, config = load_course_model(ROOT / "assignments" / "09_generation" / "course_model")
    ids = tokenizer.encode(PROMPT)
    assert len(ids) + args.new_tokens <= config["model"]["n_ctx"], "prompt + new tokens exceed the context"
    plain = best_time(gen.greedy_decode, model, ids, args.new_tokens, args.repeat)
    cached = best_time(gen.greedy_decode_cached, model, ids, args.new_tokens, args.repeat)
    assert plain[2] == cached[2], "the cached decoder must return exactly what greedy_decode returns"
    result = {"prompt_tokens": len(ids), "new_tokens": args.new_tokens,
              "no_cache_tokens_per_s": args.new_tokens / plain[0],
              "kv_cache_tokens_per_s": args.new_tokens / cached[0],
              "speedup_wall": plain[0] / cached[0], "speedup_cpu": plain[1] / cached[1]}
    print(f"prompt {len(ids)} tokens, {args.new_tokens} new tokens, {args.threads} thread(s), best of {args.repeat}")
    print(f"no cache : {result['no_cache_tokens_per_s']:8.1f} tokens/s")
    print(f"KV cache : {result['kv_cache_tokens_per_s']:8.1f} tokens/s")
    print(f"speed-up : {result['speedup_wall']:.2f}x wall, {result['speedup_cpu']:.2f}x CPU time")
    print("sample   :", tokenizer.decode(cached[2]))
    return result


if __name__ == "__main__":
    main()
