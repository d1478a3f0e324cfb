"""The 04_scaling reference against a torch GPT-2-style module, published figures and numpy."""
import math

import numpy as np
import pytest
import torch.nn as nn
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.assignments import load_solution


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
