"""The 06 reference against torch.nn.Embedding, the formulas, and RoPE's relative-position property."""
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from grader.assignments import ROOT, load_module_from, load_solution

ref = load_solution("06_embedding")


@settings(max_examples=40, deadline=None)
@given(vocab=st.integers(1, 12), d=st.integers(1, 6), shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       seed=st.integers(0, 2**16))
def test_lookup_and_grad_match_nn_embedding(vocab, d, shape, seed):
    g = torch.Generator().manual_seed(seed)
    emb = torch.nn.Embedding(vocab, d, dtype=torch.float64)
    ids = torch.randint(0, vocab, shape, generator=g)  # small vocabularies: many repeated ids
    out = emb(ids)
    assert torch.equal(ref.embedding_lookup(emb.weight.detach(), ids), out.detach())
    grad_output = torch.randn(out.shape, generator=g, dtype=torch.float64)
    out.backward(grad_output)
    torch.testing.assert_close(ref.embedding_grad(grad_output, ids, vocab), emb.weight.grad, atol=1e-12, rtol=0)


def test_sinusoidal_positions_follow_the_formula():
    t, d = 9, 12
    pe = ref.sinusoidal_positions(t, d)
    assert pe.shape == (t, d)
    for p in range(t):
        for i in range(d // 2):
            angle = p / 10000 ** (2 * i / d)
            assert math.isclose(pe[p, 2 * i], math.sin(angle), abs_tol=1e-6)
            assert math.isclose(pe[p, 2 * i + 1], math.cos(angle), abs_tol=1e-6)
    assert pe[0].tolist() == [0.0, 1.0] * (d // 2)


def _rope_complex(x, positions, theta):
    """An independent RoPE: pairs as complex numbers, multiplied by e^{i·p·θ^(-2i/d)}."""
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    rotation = torch.polar(torch.ones(len(positions), d // 2, dtype=torch.float64),
                           torch.as_tensor(positions, dtype=torch.float64)[:, None] * freqs)
    pairs = torch.view_as_complex(x.double().reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(pairs * rotation).reshape(x.shape)


@settings(max_examples=40, deadline=None)
@given(t=st.integers(1, 6), half_d=st.integers(1, 5), theta=st.sampled_from([10000.0, 100.0, 2.0]),
       seed=st.integers(0, 2**16))
def test_rope_matches_complex_rotation(t, half_d, theta, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 3, t, 2 * half_d, generator=g, dtype=torch.float64)
    positions = torch.randint(0, 50, (t,), generator=g)
    got = ref.apply_rope(x, positions, theta)
    torch.testing.assert_close(got, _rope_complex(x, positions, theta), atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(got.norm(dim=-1), x.norm(dim=-1))


@settings(max_examples=30, deadline=None)
@given(m=st.integers(0, 40), n=st.integers(0, 40), shift=st.integers(-30, 30), seed=st.integers(0, 2**16))
def test_rope_scores_depend_only_on_relative_position(m, n, shift, seed):
    g = torch.Generator().manual_seed(seed)
    q, k = torch.randn(2, 1, 8, generator=g, dtype=torch.float64)
    score = (ref.apply_rope(q, [m]) * ref.apply_rope(k, [n])).sum()
    shifted = (ref.apply_rope(q, [m + shift + 30]) * ref.apply_rope(k, [n + shift + 30])).sum()
    assert math.isclose(score, shifted, rel_tol=1e-9, abs_tol=1e-9)


def test_rope_hand_values():
    x = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    got = ref.apply_rope(x, [1, 1])
    want = torch.tensor([[math.cos(1), math.sin(1), 0, 0], [0, 0, math.cos(0.01), math.sin(0.01)]])
    torch.testing.assert_close(got, want)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_cosine_similarity_and_neighbours_match_torch(seed):
    g = torch.Generator().manual_seed(seed)
    weight = torch.randn(15, 6, generator=g, dtype=torch.float64) * torch.rand(15, 1, generator=g, dtype=torch.float64) * 5
    a, b = torch.randn(2, 3, 1, 6, generator=g, dtype=torch.float64)
    torch.testing.assert_close(ref.cosine_similarity(a, b.transpose(0, 1)),
                               F.cosine_similarity(a, b.transpose(0, 1), dim=-1), atol=1e-12, rtol=0)
    index = int(torch.randint(0, 15, (1,), generator=g))
    sims = F.cosine_similarity(weight, weight[index : index + 1], dim=-1)
    order = [i for i in torch.argsort(sims, descending=True).tolist() if i != index]
    assert ref.nearest_neighbors(weight, index, 4) == order[:4]


# ----------------------------------------------------------------------------- the course model (section 6)

COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"


@pytest.fixture(scope="module")
def course():
    """The shipped checkpoint's token embeddings and tokenizer, read as the notebook reads them."""
    course_model = load_module_from(ROOT / "solutions" / "course_model.py", "course_model_06")
    state, tokenizer, _ = course_model.load_course_checkpoint(COURSE_MODEL)
    token_id = {token: i for i, token in tokenizer.vocab.items()}
    return state["tok_emb.weight"], tokenizer, token_id


def test_course_embeddings_show_what_the_notebook_says(course):
    """Section 6's text names tokens and neighbours of the shipped checkpoint: a retrained model must
    keep them true (or the text must change with it)."""
    E, tokenizer, token_id = course
    assert E.shape == (4096, 128)
    assert len(tokenizer.encode("안녕")) == 3 and len(tokenizer.encode(" 국민")) == 1
    claims = {"을": ["를", "으로", "이"], "하여": ["하거나", "하고", "하면"],
              " 대통령": [" 국무총리", " 국회의원"], " 파일": [" 문서"]}
    for word, neighbours in claims.items():
        top5 = ref.nearest_neighbors(E, token_id[word.encode()], 5)
        assert {token_id[n.encode()] for n in neighbours} <= set(top5), word


def test_course_embedding_groups_cluster(course):
    """The figure's claim: every chosen token but the one the text names (" 다운로드") is, on average,
    closer (cosine) to its own group than to any other group, in all 128 dimensions, not only in the
    2-D projection."""
    E, _, token_id = course
    groups = {  # the notebook's groups
        "조사": ["을", "를", "이", "가", "은", "는", "의", "에서", "으로"],
        "어미": ["하여", "하고", "하면", "하는", "하거나", "하며", "되는"],
        "법·행정": [" 국민", " 정부", " 대통령", " 국회", " 법률", " 헌법", " 국무총리", " 예산"],
        "컴퓨터": [" 파일", " 문서", " 프로그램", " 설치", " 다운로드", " 설정", " 디렉토리"],
        "숫자": [" 0", " 1", " 2", " 3", " 5", " 10"],
    }
    rows = {g: E[[token_id[w.encode()] for w in words]] for g, words in groups.items()}
    misplaced = []
    for group, words in groups.items():
        for k, word in enumerate(words):
            vector = rows[group][k]
            mean_cos = {g: float(ref.cosine_similarity(r, vector).sum() - (1.0 if g == group else 0.0))
                        / (len(r) - (g == group)) for g, r in rows.items()}
            if max(mean_cos, key=mean_cos.get) != group:
                misplaced.append(word)
    assert misplaced == [" 다운로드"], misplaced
