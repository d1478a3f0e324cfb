"""Greedy and beam search on hand-built Markov "models" (testkit.MarkovLM); the KV cache on a small
random MiniGPT (the student's own class, loaded with the reference's weights)."""
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect
from grader.worker.testkit import MarkovLM

# Token 0 is EOS. From 1 the likeliest next token is 2 (0.5), but every path through 2 is flat,
# while 3 (0.4) continues almost surely: greedy takes 2, the best beam takes 3.
BEAM_TABLE = [
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.1, 0.0, 0.5, 0.4, 0.0, 0.0],
    [0.2, 0.2, 0.2, 0.2, 0.1, 0.1],
    [0.02, 0.0, 0.0, 0.0, 0.95, 0.03],
    [0.05, 0.0, 0.0, 0.0, 0.05, 0.9],
    [0.7, 0.05, 0.05, 0.05, 0.05, 0.1],
]
# Here the beam ranked by the last step's probability alone (not the running sum) ends elsewhere:
# greedy 1 → 3 → 4 → 2, best beam (width 2, 3 steps) 1 → 3 → 1 → 3.
DETOUR_TABLE = [
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.05, 0.22, 0.01, 0.54, 0.04, 0.14],
    [0.71, 0.0, 0.0, 0.24, 0.05, 0.0],
    [0.24, 0.34, 0.02, 0.02, 0.38, 0.0],
    [0.19, 0.09, 0.45, 0.12, 0.13, 0.02],
    [0.34, 0.56, 0.09, 0.0, 0.0, 0.01],
]
# From 1 the two likeliest tokens (2, 3) both end almost surely: width 2 finishes both beams at step 2,
# long before max_new_tokens.
EARLY_END_TABLE = [
    [1.0, 0.0, 0.0, 0.0, 0.0],
    [0.1, 0.0, 0.5, 0.4, 0.0],
    [0.9, 0.0, 0.05, 0.0, 0.05],
    [0.85, 0.0, 0.0, 0.1, 0.05],
    [0.2, 0.2, 0.2, 0.2, 0.2],
]
# Position-sensitive walk (no ties): 4 → 2 → 5 → 1 → 3 → 6 → 0 (EOS), and 0 → 6.
WALK_TABLE = [
    [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.7],
    [0.05, 0.05, 0.05, 0.6, 0.1, 0.1, 0.05],
    [0.05, 0.1, 0.05, 0.05, 0.1, 0.6, 0.05],
    [0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 0.6],
    [0.05, 0.1, 0.6, 0.05, 0.05, 0.1, 0.05],
    [0.1, 0.6, 0.05, 0.05, 0.05, 0.1, 0.05],
    [0.6, 0.05, 0.05, 0.1, 0.1, 0.05, 0.05],
]


def _tokens(got):
    return [int(t) for t in torch.as_tensor(got).reshape(-1).tolist()]


@pytest.mark.cell("test_greedy_decode")
@pytest.mark.points(5)
def test_greedy_toy_model(student, ref):
    """룩업 테이블 모델에서 greedy 결과가 기대한 토큰열과 같은지 확인합니다."""
    prompt = [3, 4]
    want = ref.greedy_decode(MarkovLM(WALK_TABLE), prompt, 5)
    assert_equal(_tokens(student.greedy_decode(MarkovLM(WALK_TABLE), prompt, 5)), want,
                 hint="다음 토큰은 마지막 위치의 로짓 model(ids)[0, -1]에서 argmax(어휘 축)로 고르고, 프롬프트도 함께 돌려주세요.")


@pytest.mark.cell("test_greedy_decode")
@pytest.mark.points(3)
def test_greedy_stops_at_eos(student, ref):
    """greedy가 EOS를 만들면 그 토큰까지 붙이고 멈추는지 확인합니다."""
    prompt = [5]
    want = ref.greedy_decode(MarkovLM(WALK_TABLE), prompt, 20, eos_id=0)
    assert_equal(_tokens(student.greedy_decode(MarkovLM(WALK_TABLE), prompt, 20, eos_id=0)), want,
                 hint="eos_id를 만들면 그 토큰까지 붙이고 멈추세요.")


def _beam(student, *args, table=BEAM_TABLE, **kwargs):
    got = student.beam_search(MarkovLM(table), *args, **kwargs)
    expect(isinstance(got, (tuple, list)) and len(got) == 2, "beam_search는 (tokens, score)를 돌려줘야 합니다.")
    return _tokens(got[0]), float(got[1])


@pytest.mark.cell("test_beam_search")
@pytest.mark.points(5)
def test_beam_toy_markov(student, ref):
    """greedy와 빔 서치가 갈리는 확률표에서 가장 좋은 빔과 그 점수를 확인합니다."""
    want_tokens, want_score = ref.beam_search(MarkovLM(BEAM_TABLE), [1], 2, 3)
    tokens, score = _beam(student, [1], 2, 3)
    assert_equal(tokens, want_tokens, hint="후보는 누적 로그 확률로, 모든 빔의 후보를 한데 모아 상위 beam_width개를 고르세요.")
    assert_close(score, want_score, atol=1e-5, hint="점수 = 생성 토큰 로그 확률의 합 / (생성 길이 ** length_penalty) 입니다.")
    want_tokens, want_score = ref.beam_search(MarkovLM(DETOUR_TABLE), [1], 2, 3)
    tokens, score = _beam(student, [1], 2, 3, table=DETOUR_TABLE)
    assert_equal(tokens, want_tokens, hint="후보의 순위는 그 단계의 확률이 아니라 처음부터의 누적 로그 확률로 매기세요.")
    assert_close(score, want_score, atol=1e-5, hint="점수 = 생성 토큰 로그 확률의 합 / (생성 길이 ** length_penalty) 입니다.")


@pytest.mark.cell("test_beam_search")
@pytest.mark.points(5)
def test_beam_eos_and_length_penalty(student, ref):
    """EOS로 끝난 빔의 처리와 길이 보정(length_penalty)을 확인합니다."""
    for prompt, width, steps, penalty in (([2, 1], 3, 6, 1.0), ([2, 1], 3, 6, 0.0), ([1], 2, 5, 2.0)):
        want_tokens, want_score = ref.beam_search(MarkovLM(BEAM_TABLE), prompt, width, steps,
                                                  eos_id=0, length_penalty=penalty)
        tokens, score = _beam(student, prompt, width, steps, eos_id=0, length_penalty=penalty)
        assert_equal(tokens, want_tokens,
                     hint="EOS로 끝난 빔은 더 늘리지 말고 완료 목록에 두었다가 마지막에 함께 비교하세요; 길이 보정에 프롬프트는 넣지 않습니다.")
        assert_close(score, want_score, atol=1e-5,
                     hint="점수 = 생성 토큰 로그 확률의 합 / (생성 길이 ** length_penalty) 입니다 (EOS 포함, 프롬프트 제외).")


# ----------------------------------------------------------------------------- KV cache

def _tiny_gpt(student, ref, rng, n_layers=2):
    """The reference MiniGPT with random weights, and the student's MiniGPT holding the same weights."""
    model = ref.MiniGPT(11, 24, 12, n_layers, 3, 20)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.5, dtype=torch.float32))
    model.eval()
    handle = student.MiniGPT(11, 24, 12, n_layers, 3, 20)
    handle.load_state_dict(model.state_dict())
    handle.eval()
    return model, handle


@pytest.mark.cell("test_kv_cache")
@pytest.mark.points(3)
def test_forward_with_cache_matches_full(student, ref, rng):
    """캐시로 나눠 계산한 로짓이 한 번에 계산한 로짓과 같은지 확인합니다."""
    model, handle = _tiny_gpt(student, ref, rng)
    ids = torch.tensor(rng.integers(0, 11, (2, 8)))
    with torch.no_grad():
        want = model(ids)
    first = student.forward_with_cache(handle, ids[:, :5], None)
    expect(isinstance(first, (tuple, list)) and len(first) == 2, "forward_with_cache는 (logits, cache)를 돌려줘야 합니다.")
    assert_close(first[0], want[:, :5], atol=1e-4, hint="캐시가 없을 때는 보통의 순전파와 같아야 합니다.")
    logits, _ = student.forward_with_cache(handle, ids[:, 5:], first[1])
    assert_close(logits, want[:, 5:], atol=1e-4,
                 hint="새 토큰의 위치는 캐시 길이부터 시작하고, 인과 마스크는 (새 토큰 수 × 전체 키 수)이며 캐시 길이만큼 대각선이 밀립니다.")


@pytest.mark.cell("test_kv_cache")
@pytest.mark.points(1)
def test_cached_greedy_equals_greedy(student, ref, rng):
    """KV 캐시로 만든 greedy 결과가 캐시 없는 greedy와 같은지 확인합니다."""
    model, handle = _tiny_gpt(student, ref, rng)
    prompt = [int(t) for t in rng.integers(0, 11, 4)]
    for eos in (None, int(ref.greedy_decode(model, prompt, 3)[-1])):
        want = ref.greedy_decode(model, prompt, 12, eos_id=eos)
        assert_equal(_tokens(student.greedy_decode_cached(handle, prompt, 12, eos_id=eos)), want,
                     hint="프롬프트로 캐시를 채운 뒤 매 단계 새 토큰 하나만 넣으세요; EOS에서 멈추는 규칙도 greedy_decode와 같아야 합니다.")


@pytest.mark.cell("test_greedy_decode")
@pytest.mark.points(2)
def test_greedy_leaves_the_prompt_alone(student, ref):
    """greedy_decode가 받은 프롬프트 목록을 바꾸지 않고, 1차원 텐서 프롬프트에도 같은 목록을 돌려주는지 확인합니다."""
    prompt = [3, 4]
    want = ref.greedy_decode(MarkovLM(WALK_TABLE), prompt, 4)
    got, args, _ = student.call_with_args("greedy_decode", MarkovLM(WALK_TABLE), list(prompt), 4)
    assert_equal([int(t) for t in args[1]], prompt,
                 hint="받은 프롬프트 목록에 토큰을 덧붙이지 말고 새 목록을 만드세요 (tokens = list(input_ids)).")
    assert_equal(_tokens(got), want, hint="greedy_decode는 프롬프트 + 생성한 토큰을 돌려줘야 합니다.")
    from_tensor = student.greedy_decode(MarkovLM(WALK_TABLE), torch.tensor(prompt), 4)
    assert_equal(_tokens(from_tensor), want,
                 hint="프롬프트가 1차원 텐서여도 같은 결과의 list[int]를 돌려주세요 (int(t)로 바꿔 담으세요).")


@pytest.mark.cell("test_beam_search")
@pytest.mark.points(1)
def test_beam_leaves_the_prompt_alone(student, ref):
    """beam_search가 받은 프롬프트 목록을 바꾸지 않고, 1차원 텐서 프롬프트에도 같은 빔을 돌려주는지 확인합니다."""
    prompt = [2, 1]
    want_tokens, _ = ref.beam_search(MarkovLM(BEAM_TABLE), prompt, 2, 4, eos_id=0)
    got, args, _ = student.call_with_args("beam_search", MarkovLM(BEAM_TABLE), list(prompt), 2, 4, eos_id=0)
    assert_equal([int(t) for t in args[1]], prompt, hint="받은 프롬프트 목록을 바꾸지 마세요.")
    expect(isinstance(got, (tuple, list)) and len(got) == 2, "beam_search는 (tokens, score)를 돌려줘야 합니다.")
    assert_equal(_tokens(got[0]), want_tokens, hint="빔 서치의 결과가 기대와 다릅니다.")
    tokens, _ = _beam(student, torch.tensor(prompt), 2, 4, eos_id=0)
    assert_equal(tokens, want_tokens, hint="프롬프트가 1차원 텐서여도 같은 결과를 돌려주세요.")


@pytest.mark.cell("test_beam_search")
@pytest.mark.points(1)
def test_beam_ends_when_every_beam_has_ended(student, ref):
    """살아 있는 빔이 모두 EOS로 끝나 max_new_tokens 전에 멈출 때도 (tokens, score)를 돌려주는지 확인합니다."""
    want_tokens, want_score = ref.beam_search(MarkovLM(EARLY_END_TABLE), [1], 2, 8, eos_id=0)
    tokens, score = _beam(student, [1], 2, 8, table=EARLY_END_TABLE, eos_id=0)
    assert_equal(tokens, want_tokens,
                 hint="살아 있는 빔이 없으면 반복을 멈추고, 완료된 빔 중 점수가 가장 큰 것을 고르세요.")
    assert_close(score, want_score, atol=1e-5,
                 hint="점수 = 생성 토큰 로그 확률의 합 / (생성 길이 ** length_penalty) 입니다 (EOS 포함, 프롬프트 제외).")


@pytest.mark.cell("test_kv_cache")
@pytest.mark.points(2)
def test_cached_greedy_equals_greedy_on_several_models(student, ref, rng):
    """무작위 가중치의 여러 MiniGPT(층 1~3개)와 프롬프트에서 KV 캐시 greedy가 캐시 없는 greedy와 같은지 확인합니다."""
    for n_layers in (1, 3, 2, 2):
        model, handle = _tiny_gpt(student, ref, rng, n_layers)
        prompt = [int(t) for t in rng.integers(0, 11, int(rng.integers(2, 6)))]
        want = ref.greedy_decode(model, prompt, 10)
        assert_equal(_tokens(student.greedy_decode_cached(handle, prompt, 10)), want,
                     hint="프롬프트로 캐시를 채운 뒤, 매 단계 새 토큰 하나와 그때까지의 캐시(직전 forward_with_cache가 "
                          "돌려준 것)를 forward_with_cache에 넣으세요.")


@pytest.mark.cell("test_kv_cache")
@pytest.mark.points(1)
def test_cached_greedy_fills_the_context(student, ref, rng):
    """생성한 문장이 모델의 최대 길이(n_ctx)를 꽉 채울 때도 KV 캐시 greedy가 greedy와 같은지 확인합니다."""
    model, handle = _tiny_gpt(student, ref, rng)
    prompt = [int(t) for t in rng.integers(0, 11, 4)]
    steps = model.n_ctx - len(prompt) + 1   # greedy_decode's last call sees exactly n_ctx tokens
    want = ref.greedy_decode(model, prompt, steps)
    assert_equal(_tokens(student.greedy_decode_cached(handle, prompt, steps)), want,
                 hint="n_ctx를 꽉 채우는 길이에서도 greedy_decode와 같은 토큰열을 돌려줘야 합니다.")
