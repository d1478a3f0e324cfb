"""The 09 reference against brute force and torch, and the course's pretrained Korean GPT.

- top-k equals torch.topk's survivors; top-p keeps the smallest prefix of the sorted distribution
  whose mass reaches p (checked in float64 on random logits); sampling frequencies match softmax.
- the repetition penalty equals transformers' RepetitionPenaltyLogitsProcessor (bitwise, batched and
  one row at a time), and its hand example is exact.
- beam search: width 1 is greedy; width V with length_penalty 0 is exhaustive search.
- KV cache: equal logits and equal greedy output on random MiniGPTs.
- The shipped checkpoint (assignments/09_generation/course_model/) loads offline without pickle,
  generates Korean, and its perplexity on held-out konlpy text is below a stated bound.
- scripts/pretrain.py: a short run is deterministic (same seed, same losses).
"""
import ast
import itertools
import math
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))

from grader.assignments import load_module_from, load_solution  # noqa: E402
from grader.worker.testkit import MarkovLM  # noqa: E402

ref = load_solution("09_generation")
COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"
# Held-out text: scripts/build_corpus.py keeps this konlpy file out of the training corpus.
HELD_OUT = "kobill/1809899.txt"
# Measured on the shipped checkpoint (1000 steps): 230 on this slice (an untrained model: ~4,000;
# the same run's checkpoint at step 350: 323). Bill text is a small share of the training corpus, so
# this is higher than the mixed validation set's 95.7 reported in config.json.
PERPLEXITY_BOUND = 300.0


def test_minigpt_is_08s():
    """09 gives 08's MiniGPT from one source (load_solution here, support cells in the notebook)."""
    assert ref.MiniGPT is load_solution("08_transformer_block").MiniGPT


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), v=st.integers(2, 12), k=st.integers(1, 12))
def test_top_k_equals_torch_topk(seed, v, k):
    logits = torch.randn(3, v, generator=torch.Generator().manual_seed(seed))
    got = ref.top_k_filter(logits, k)
    kk = min(k, v)
    values, indices = torch.topk(logits, kk, dim=-1)
    assert torch.equal(torch.isfinite(got).sum(-1), torch.full((3,), kk))
    assert torch.equal(got.gather(-1, indices), values)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), v=st.integers(1, 12), p=st.floats(1e-6, 1.0))
def test_top_p_is_smallest_prefix_reaching_p(seed, v, p):
    logits = torch.randn(v, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 2
    kept = torch.isfinite(ref.top_p_filter(logits, p))
    probs = torch.softmax(logits, -1)
    order = torch.argsort(probs, descending=True, stable=True)
    n = int(kept.sum())
    assert kept[order[:n]].all()                          # a prefix of the sorted distribution
    mass = probs[order].cumsum(0)
    assert n == v or mass[n - 1] >= p - 1e-12             # reaches p ...
    assert n == 1 or mass[n - 2] < p                      # ... and one fewer does not


def test_dyadic_boundaries():
    logits = torch.tensor([0.5, 0.25, 0.125, 0.0625, 0.0625]).log()
    counts = {p: int(torch.isfinite(ref.top_p_filter(logits, p)).sum()) for p in (0.8, 0.75, 0.5, 1e-9, 1.0)}
    assert counts == {0.8: 3, 0.75: 2, 0.5: 1, 1e-9: 1, 1.0: 5}
    assert int(torch.isfinite(ref.top_k_filter(torch.tensor([3.0, 2, 2, 1]), 2)).sum()) == 2


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), v=st.integers(2, 12), length=st.integers(1, 15),
       penalty=st.sampled_from([0.5, 0.9, 1.0, 1.2, 2.0, 3.7]))
def test_repetition_penalty_equals_transformers(seed, v, length, penalty):
    from transformers.generation.logits_process import RepetitionPenaltyLogitsProcessor

    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(3, v, generator=g) * 3
    scores[0, 0] = 0.0
    previous = torch.randint(0, v, (3, length), generator=g)
    want = RepetitionPenaltyLogitsProcessor(penalty)(previous, scores.clone())
    assert torch.equal(ref.apply_repetition_penalty(scores, previous, penalty), want)
    assert torch.equal(ref.apply_repetition_penalty(scores[1], previous[1].tolist(), penalty), want[1])


def test_repetition_penalty_hand_example_and_limits():
    logits = torch.tensor([2.0, -1.0, 0.0, 3.0])
    assert ref.apply_repetition_penalty(logits, [0, 1, 1, 2], 2.0).tolist() == [1.0, -2.0, 0.0, 3.0]
    assert torch.equal(ref.apply_repetition_penalty(logits, [], 2.0), logits)
    assert logits.tolist() == [2.0, -1.0, 0.0, 3.0]
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError):
            ref.apply_repetition_penalty(logits, [0], bad)


def test_sampling_frequencies_and_seed():
    logits = torch.tensor([1.0, 0.0, -1.0, 2.0])
    draws = ref.sample_next(logits.repeat(40_000, 1), torch.Generator().manual_seed(0), temperature=0.7)
    freq = torch.bincount(draws, minlength=4) / 40_000
    assert torch.allclose(freq, torch.softmax(logits / 0.7, -1), atol=0.01)
    again = ref.sample_next(logits.repeat(40_000, 1), torch.Generator().manual_seed(0), temperature=0.7)
    assert torch.equal(draws, again)
    assert ref.sample_next(logits, torch.Generator(), temperature=0).item() == 3


def _random_table(seed, v):
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(v, v, generator=g) * 2, -1).tolist()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_beam_width_one_is_greedy(seed):
    table = _random_table(seed, 5)
    tokens, _ = ref.beam_search(MarkovLM(table), [1], 1, 4)
    assert tokens == ref.greedy_decode(MarkovLM(table), [1], 4)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), steps=st.integers(1, 3))
def test_full_width_beam_is_exhaustive_search(seed, steps):
    v = 4
    table = _random_table(seed, v)
    logp = torch.tensor(table, dtype=torch.float64).log()
    best = max(itertools.product(range(v), repeat=steps),
               key=lambda seq: sum(float(logp[a, b]) for a, b in zip((2,) + seq, seq)))
    tokens, score = ref.beam_search(MarkovLM(table), [2], v ** steps, steps, length_penalty=0.0)
    assert tokens == [2, *best]
    assert math.isclose(score, sum(float(logp[a, b]) for a, b in zip((2,) + best, best)), abs_tol=1e-5)


def test_greedy_differs_from_beam_on_the_hidden_suite_tables():
    source = (ROOT / "tests/hidden/09_generation/test_decoding.py").read_text(encoding="utf-8")
    tables = {n.targets[0].id: ast.literal_eval(n.value) for n in ast.parse(source).body
              if isinstance(n, ast.Assign) and n.targets[0].id.endswith("_TABLE")}
    for table in (tables["BEAM_TABLE"], tables["DETOUR_TABLE"]):
        assert ref.beam_search(MarkovLM(table), [1], 2, 3)[0] != ref.greedy_decode(MarkovLM(table), [1], 3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kv_cache_equals_full_forward(seed):
    torch.manual_seed(seed)
    model = ref.MiniGPT(17, 20, 12, 2, 3, 20).eval()
    ids = torch.randint(0, 17, (2, 9))
    with torch.no_grad():
        full = model(ids)
    a, cache = ref.forward_with_cache(model, ids[:, :6])
    b, cache = ref.forward_with_cache(model, ids[:, 6:8], cache)
    c, _ = ref.forward_with_cache(model, ids[:, 8:], cache)
    assert torch.allclose(torch.cat([a, b, c], 1), full, atol=1e-5)
    prompt = ids[0, :3].tolist()
    assert ref.greedy_decode_cached(model, prompt, 15) == ref.greedy_decode(model, prompt, 15)


# ----------------------------------------------------------------------------- the course model

@pytest.fixture(scope="module")
def course():
    from course_model import load_course_model
    return load_course_model(COURSE_MODEL)


def test_checkpoint_is_small_and_pickle_free():
    names = sorted(p.name for p in COURSE_MODEL.iterdir())
    assert names == ["config.json", "model.safetensors", "tokenizer.json"]
    assert sum(p.stat().st_size for p in COURSE_MODEL.iterdir()) < 6_000_000


def test_course_model_perplexity_on_held_out_text(course):
    from korean_text import konlpy_corpus_dir
    model, tokenizer, config = course
    text = (konlpy_corpus_dir() / HELD_OUT).read_text(encoding="utf-8").replace("\r\n", "\n").strip()
    ids = torch.tensor(tokenizer.encode(text))
    n_ctx = config["model"]["n_ctx"]
    n = min(12, (len(ids) - 1) // n_ctx)
    x, y = ids[:n * n_ctx].view(n, n_ctx), ids[1:n * n_ctx + 1].view(n, n_ctx)
    with torch.no_grad():
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
    assert math.exp(loss) < PERPLEXITY_BOUND, f"held-out perplexity {math.exp(loss):.1f}"


def test_course_model_writes_korean(course):
    model, tokenizer, _ = course
    out = tokenizer.decode(ref.greedy_decode_cached(model, tokenizer.encode("대한민국의 주권은"), 20))
    hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in out)
    assert hangul >= 15, out


def test_pretraining_is_deterministic(tmp_path):
    """Two 3-step runs on konlpy text with the same seed give the same losses (a few seconds)."""
    build = load_module_from(ROOT / "scripts" / "build_corpus.py", "build_corpus")
    pretrain = load_module_from(ROOT / "scripts" / "pretrain.py", "pretrain")
    build.main(["--out", str(tmp_path), "--no-apt"])
    args = ["--corpus", str(tmp_path), "--steps", "3", "--eval-every", "3", "--batch-size", "4",
            "--tokenizer-chars", "5000", "--no-save"]
    try:
        first, second = pretrain.main(args), pretrain.main(args)
    finally:
        # pretrain flushes denormals to zero for speed; left on, it breaks every later float
        # test in this process (hypothesis refuses to run without subnormals).
        torch.set_flush_denormal(False)
    assert first["final_train_loss"] == pytest.approx(second["final_train_loss"], abs=1e-6)
    assert first["final_valid_loss"] == pytest.approx(second["final_valid_loss"], abs=1e-6)

