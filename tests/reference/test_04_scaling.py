"""The 04_scaling reference against a torch GPT-2-style module, published figures and numpy; the
committed measurements (scaling_runs.csv) and the script that makes them (scripts/scaling_runs.py)."""
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from hypothesis import given, settings, strategies as st

from grader.assignments import load_module_from, load_solution

s = load_solution("04_scaling")


class _Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)


class _GPT(nn.Module):
    def __init__(self, n_layer, d, vocab, n_ctx):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(n_ctx, d)
        self.h = nn.ModuleList(_Block(d) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # tied: counted once by parameters()


@pytest.mark.parametrize("config", [(1, 4, 9, 2), (3, 16, 50, 7), (2, 24, 101, 13)])
def test_gpt_params_equals_torch_module(config):
    model = _GPT(*config)
    assert s.gpt_params(*config) == sum(p.numel() for p in model.parameters())


def test_published_models():
    assert s.gpt_params(12, 768, 50257, 1024) == 124_439_808          # GPT-2 small (HF count)
    assert abs(s.gpt_params(96, 12288, 50257, 2048) / 175e9 - 1) < 0.01  # GPT-3 175B
    assert s.training_flops(175e9, 300e9) == pytest.approx(3.14e23, rel=0.01)  # GPT-3 paper
    n, d = s.chinchilla_optimal(s.training_flops(70e9, 1.4e12))
    assert n == pytest.approx(70e9, rel=1e-12) and d == pytest.approx(1.4e12, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-3, 1e3), st.floats(-2, 2), st.integers(3, 20))
def test_power_law_recovers_exact_parameters(a, b, n):
    x = np.logspace(0, 8, n)
    got_a, got_b = s.fit_power_law(x, a * x ** b)
    assert got_b == pytest.approx(b, abs=1e-8) and got_a == pytest.approx(a, rel=1e-7)


def test_power_law_equals_lstsq_on_logs():
    rng = np.random.default_rng(0)
    x = np.logspace(3, 9, 15)
    y = 2 * x ** -0.3 * np.exp(rng.normal(0, 0.3, 15))
    design = np.column_stack([np.ones(15), np.log(x)])
    (log_a, b), *_ = np.linalg.lstsq(design, np.log(y), rcond=None)
    assert s.fit_power_law(x, y) == pytest.approx((math.exp(log_a), b), rel=1e-10)


def test_prompt_and_parser_round_trip():
    examples = [("1+1?", "2"), ("수도?", "서울")]
    prompt = s.few_shot_prompt(examples, "2+2?", 2)
    assert prompt.endswith("Q: 2+2?\nA:") and prompt.count("Q:") == 3
    # a completion that continues the pattern yields the first answer only
    assert s.parse_answer(" 4\n\nQ: 3+3?\nA: 6") == "4"
    assert s.parse_answer("\n") is None


# ---------------------------------------------------------------- input checks and the IsoFLOP minimum

@pytest.mark.parametrize("x, y", [([1, 2, 3], [1, 2]), ([1], [1]), ([1, 0, 3], [1, 2, 3]), ([1, 2], [-1, 2])])
def test_power_law_rejects_inputs_without_logarithms(x, y):
    with pytest.raises(ValueError):
        s.fit_power_law(x, y)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 2.0), st.floats(3.0, 14.0), st.floats(1.0, 6.0), st.integers(3, 8))
def test_isoflop_minimum_recovers_the_vertex(curvature, log_n_opt, loss_opt, n_points):
    n = np.exp(np.linspace(log_n_opt - 2.5, log_n_opt + 1.5, n_points))
    got = s.isoflop_minimum(n, curvature * (np.log(n) - log_n_opt) ** 2 + loss_opt)
    assert got[0] == pytest.approx(math.exp(log_n_opt), rel=1e-6) and got[1] == pytest.approx(loss_opt, rel=1e-9)


def test_isoflop_minimum_equals_polyfit_and_rejects_concave_curves():
    rng = np.random.default_rng(0)
    n = np.array([1e3, 3e3, 1e4, 3e4, 1e5])
    loss = 0.3 * (np.log(n) - 9) ** 2 + 3 + rng.normal(0, 0.05, 5)
    c2, c1, c0 = np.polyfit(np.log(n), loss, 2)
    assert s.isoflop_minimum(n, loss)[0] == pytest.approx(math.exp(-c1 / (2 * c2)), rel=1e-9)
    with pytest.raises(ValueError):
        s.isoflop_minimum(n, -loss)
    with pytest.raises(ValueError):
        s.isoflop_minimum(n[:2], loss[:2])


# ---------------------------------------------------------------- the committed measurements

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "assignments" / "04_scaling" / "scaling_runs.csv"


def test_measurements_cover_every_size_and_budget():
    rows = s.read_scaling_runs(RUNS)
    header = [line for line in RUNS.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any(line.startswith("# command: python scripts/scaling_runs.py") for line in header)
    assert any("seed: 0" in line for line in header)
    widths = {r["d_model"] for r in rows}
    assert len(widths) == 8
    for budget in (1e10, 3e10, 1e11, 3e11, 1e12):
        assert len([r for r in rows if r["budget"] == budget]) >= 4
    assert len([r for r in rows if r["tokens"] == 1_572_864]) == 8       # L(N) at the same data
    assert all(r["flops"] == pytest.approx(6 * r["params"] * r["tokens"], rel=1e-3) for r in rows)


def _scaling_script():
    return load_module_from(ROOT / "scripts" / "scaling_runs.py", "scaling_runs")


def _run(script, args):
    threads = torch.get_num_threads()
    try:
        return script.main(args)
    finally:
        torch.set_num_threads(threads)


def test_scaling_script_is_deterministic(tmp_path):
    """Two short runs on konlpy text (always installed) give the same losses (a few seconds)."""
    build = load_module_from(ROOT / "scripts" / "build_corpus.py", "build_corpus")
    build.main(["--out", str(tmp_path / "corpus"), "--no-apt"])
    args = ["--corpus", str(tmp_path / "corpus"), "--widths", "8", "--max-steps", "12", "--out", str(tmp_path / "a.csv")]
    first, second = _run(_scaling_script(), args), _run(_scaling_script(), args)
    assert [r["loss"] for r in first] == [r["loss"] for r in second] and len(first) >= 3


def test_scaling_script_reproduces_the_committed_prefix(tmp_path):
    """With the corpus the CSV was measured on, the first steps of the smallest model come out again."""
    corpus = ROOT / "build" / "corpus"
    script = _scaling_script()
    if not (corpus / "train.txt").exists() or script.sha256(corpus / "train.txt") not in RUNS.read_text(encoding="utf-8"):
        pytest.skip("build/corpus is missing or differs from the measured one (python scripts/build_corpus.py)")
    rows = _run(script, ["--widths", "8", "--max-steps", "24", "--out", str(tmp_path / "prefix.csv")])
    committed = {r["step"]: r["loss"] for r in s.read_scaling_runs(RUNS) if r["d_model"] == 8}
    common = [r for r in rows if r["step"] in committed]
    assert len(common) >= 4
    for r in common:
        assert r["loss"] == pytest.approx(committed[r["step"]], abs=2e-3)
