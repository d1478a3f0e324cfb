"""06 임베딩 — hidden suite (100 points)."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grader.checks import assert_close, assert_equal, expect
from grader.inputs import randn


def ids_with_repeats(rng, vocab, shape):
    ids = rng.integers(0, vocab, shape)
    ids.flat[1] = ids.flat[0]  # at least one repeat, whatever the draw
    return torch.from_numpy(ids)


# ----------------------------------------------------------------------------- lookup

@pytest.mark.cell("test_embedding_lookup")
@pytest.mark.points(7)
def test_lookup_is_exact_row_selection(student, rng):
    """임베딩 조회 결과가 weight[ids]와 정확히 같아야 합니다."""
    weight = randn(rng, 9, 5, dtype=np.float64) * 1e3 + 1e-3
    ids = ids_with_repeats(rng, 9, (3, 4))
    got = student.embedding_lookup(weight, ids)
    assert_close(got, weight[ids], atol=0.0,
                 hint="weight[ids]처럼 각 id의 행을 그대로 꺼냅니다 (값과 dtype이 weight와 같음).")
    expect(torch.as_tensor(got).dtype == torch.float64, "조회 결과의 dtype은 weight와 같아야 합니다.")


@pytest.mark.cell("test_embedding_lookup")
@pytest.mark.points(4)
def test_lookup_keeps_the_ids_shape(student, rng):
    """조회 결과의 모양은 ids의 모양 + (d,)여야 합니다."""
    weight = randn(rng, 6, 3)
    for shape in ((7,), (2, 3, 4)):
        ids = torch.from_numpy(rng.integers(0, 6, shape))
        assert_close(student.embedding_lookup(weight, ids), weight[ids], atol=0.0,
                     hint="ids가 1차원이든 여러 차원이든 결과는 ids.shape + (d,) 모양이어야 합니다.")


# ----------------------------------------------------------------------------- gradient

@pytest.mark.cell("test_embedding_grad")
@pytest.mark.points(8)
def test_grad_matches_nn_embedding(student, rng):
    """임베딩 기울기가 nn.Embedding의 기울기와 같은지 확인합니다."""
    emb = torch.nn.Embedding(8, 5)
    ids = ids_with_repeats(rng, 8, (3, 6))
    grad_output = randn(rng, 3, 6, 5)
    emb(ids).backward(grad_output)
    assert_close(student.embedding_grad(grad_output, ids, 8), emb.weight.grad, atol=1e-5,
                 hint="각 id의 행에는 그 id가 나온 모든 위치의 기울기를 더합니다 (같은 id가 여러 번 나오면 "
                      "누적, 예: index_add_).")


@pytest.mark.cell("test_embedding_grad")
@pytest.mark.points(2)
def test_grad_keeps_the_dtype_of_grad_output(student, rng):
    """float64 grad_output의 기울기가 float64 nn.Embedding의 기울기와 같은 값, 같은 dtype인지 확인합니다."""
    emb = torch.nn.Embedding(7, 3, dtype=torch.float64)
    ids = ids_with_repeats(rng, 7, (2, 5))
    grad_output = randn(rng, 2, 5, 3, dtype=np.float64)
    emb(ids).backward(grad_output)
    got = torch.as_tensor(student.embedding_grad(grad_output, ids, 7))
    expect(got.dtype == torch.float64,
           "기울기의 dtype은 grad_output과 같아야 합니다. 0으로 채운 행렬을 만들 때 dtype=grad_output.dtype을 주세요.")
    assert_close(got, emb.weight.grad, atol=1e-12,
                 hint="float64 grad_output에서도 각 id의 행에 그 id가 나온 모든 위치의 기울기를 더합니다.")


@pytest.mark.cell("test_embedding_grad")
@pytest.mark.points(4)
def test_grad_accumulates_repeated_ids(student):
    """같은 id가 여러 번 나오면 기울기가 더해져야 합니다."""
    ids = torch.tensor([2, 2, 2, 0])
    grad_output = torch.tensor([[1.0, 0.5], [2.0, 0.25], [4.0, 0.125], [8.0, 1.0]])
    want = torch.tensor([[8.0, 1.0], [0.0, 0.0], [7.0, 0.875]])
    assert_close(student.embedding_grad(grad_output, ids, 3), want, atol=1e-6,
                 hint="같은 id가 세 번 나오면 그 행의 기울기는 세 위치 기울기의 합이어야 합니다.")


@pytest.mark.cell("test_embedding_grad")
@pytest.mark.points(4)
def test_grad_has_a_row_per_embedding(student, rng):
    """기울기는 (num_embeddings, d) 모양이고, 나오지 않은 id의 행은 0이어야 합니다."""
    ids = torch.tensor([[1, 3], [3, 1]])
    grad_output = randn(rng, 2, 2, 4)
    got = torch.as_tensor(student.embedding_grad(grad_output, ids, 10))
    expect(tuple(got.shape) == (10, 4), "기울기의 모양은 (num_embeddings, d)여야 합니다(가장 큰 id가 아니라 인자를 쓰세요).")
    unused = [0, 2] + list(range(4, 10))
    assert_close(got[unused], np.zeros((8, 4)), atol=0.0, hint="한 번도 나오지 않은 id의 기울기는 0이어야 합니다.")


# ----------------------------------------------------------------------------- sinusoidal positions

def _formula(t, d):
    pe = np.zeros((t, d))
    for p in range(t):
        for i in range(d // 2):
            pe[p, 2 * i] = math.sin(p / 10000 ** (2 * i / d))
            pe[p, 2 * i + 1] = math.cos(p / 10000 ** (2 * i / d))
    return pe


@pytest.mark.cell("test_sinusoidal_positions")
@pytest.mark.points(5)
def test_pe_row0(student):
    """위치 0의 인코딩은 [0, 1, 0, 1, …]이어야 합니다."""
    got = torch.as_tensor(student.sinusoidal_positions(4, 8))
    expect(tuple(got.shape) == (4, 8), "모양은 (t, d)여야 합니다.")
    assert_close(got[0], [0.0, 1.0] * 4, atol=1e-6,
                 hint="위치는 0부터 시작하고, 짝수 열은 sin, 홀수 열은 cos로 번갈아 놓여야 합니다.")


@pytest.mark.cell("test_sinusoidal_positions")
@pytest.mark.points(8)
def test_sinusoidal_values(student):
    """사인파 위치 인코딩 값이 공식 PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(같은 각)과 같은지 확인합니다."""
    assert_close(torch.as_tensor(student.sinusoidal_positions(5, 8))[3], _formula(5, 8)[3], atol=1e-5,
                 hint="PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(같은 각)입니다. 지수가 2i/d인지, "
                      "sin과 cos가 번갈아(interleaved) 놓였는지 확인하세요.")
    assert_close(student.sinusoidal_positions(10, 16), _formula(10, 16), atol=1e-5,
                 hint="PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(같은 각)입니다.")


@pytest.mark.cell("test_sinusoidal_positions")
@pytest.mark.points(3)
def test_sinusoidal_shape_t_not_d(student):
    """t와 d가 달라도 (t, d) 모양이어야 합니다."""
    assert_close(student.sinusoidal_positions(7, 12), _formula(7, 12), atol=1e-5,
                 hint="행은 위치(t개), 열은 차원(d개)입니다. 두 축이 바뀌지 않았는지 확인하세요.")


@pytest.mark.cell("test_sinusoidal_positions")
@pytest.mark.points(2)
def test_sinusoidal_odd_number_of_pairs(student):
    """d/2가 홀수인 차원(d = 10)과 위치 하나(t = 1)에서도 사인파 위치 인코딩을 공식과 비교합니다."""
    for t, d in ((13, 10), (1, 6)):
        assert_close(student.sinusoidal_positions(t, d), _formula(t, d), atol=1e-5,
                     hint="d가 4의 배수가 아니거나(d = 10) 위치가 하나뿐일 때(t = 1) 값이 공식과 다릅니다. 쌍의 개수는 "
                          "d/2이고, 각 쌍 i의 각도는 p / 10000^(2i/d)입니다.")


# ----------------------------------------------------------------------------- RoPE

@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(7)
def test_rope_hand_values(student):
    """간단한 벡터에 RoPE를 적용한 결과가 손으로 계산한 값과 같은지 확인합니다."""
    x = torch.tensor([[[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]]])
    got = student.apply_rope(x, torch.tensor([1, 1, 2]))
    want = [[[math.cos(1), math.sin(1), 0, 0], [0, 0, math.cos(0.01), math.sin(0.01)],
             [-math.sin(2), math.cos(2), 0, 0]]]
    assert_close(got, want, atol=1e-6,
                 hint="이웃한 두 성분 (x_2i, x_2i+1)을 한 쌍으로 회전하세요(앞 절반/뒤 절반으로 나누는 방식이 아님). "
                      "x'_2i = x_2i cos − x_2i+1 sin, x'_2i+1 = x_2i sin + x_2i+1 cos, 각도는 p·θ^(-2i/d).")


@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(5)
def test_rope_matches_reference(student, ref, rng):
    """(배치, 헤드, 위치, d) 텐서에 RoPE를 적용한 결과가 정의대로 회전한 값과 같은지 확인합니다."""
    x = randn(rng, 2, 3, 6, 8)
    positions = torch.arange(6)
    got, (x_after, _), _ = student.call_with_args("apply_rope", x, positions)
    assert_close(got, ref.apply_rope(x, positions), atol=1e-5,
                 hint="각도 p·θ^(-2i/d)를 쌍마다(i = 0..d/2-1) 쓰고, 앞쪽 축(배치, 헤드)은 그대로 두세요.")
    assert_close(x_after, x, atol=0.0,
                 hint="apply_rope가 입력 x를 바꿨습니다. 회전한 값은 새 텐서(torch.empty_like 등)에 쓰세요.")


@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(5)
def test_rope_token_positions(student, ref, rng):
    """주어진 위치(연속이 아닐 수 있음)를 써서 회전해야 합니다."""
    x = randn(rng, 3, 5, 6)
    positions = torch.tensor([5, 2, 9, 0, 17])
    assert_close(student.apply_rope(x, positions), ref.apply_rope(x, positions), atol=1e-5,
                 hint="(다른 RoPE 테스트도 실패했다면 그것부터 고치세요.) 회전 각도에는 positions 인자로 받은 위치(연속이 아닐 수 있음)를 씁니다.")


@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(4)
def test_rope_relative_property(student, rng):
    """RoPE를 적용한 q·k는 두 위치의 차이에만 의존해야 합니다."""
    q, k = randn(rng, 1, 8, dtype=np.float64), randn(rng, 1, 8, dtype=np.float64)
    scores = []
    for m, n in ((3, 10), (10, 17)):  # both shifted by 7
        rq = torch.as_tensor(student.apply_rope(q, torch.tensor([m]))).double()
        rk = torch.as_tensor(student.apply_rope(k, torch.tensor([n]))).double()
        scores.append(float((rq * rk).sum()))
    assert_close(scores[1], scores[0], atol=1e-5,
                 hint="두 위치를 똑같이 7만큼 옮겼는데 ⟨R_m q, R_n k⟩가 바뀌었습니다. 주파수 θ^(-2i/d)와 위치를 확인하세요.")


@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(3)
def test_rope_theta_argument(student, ref, rng):
    """theta 인자를 써야 합니다."""
    x = randn(rng, 4, 6)
    positions = torch.arange(4)
    assert_close(student.apply_rope(x, positions, theta=100.0), ref.apply_rope(x, positions, theta=100.0),
                 atol=1e-5, hint="(다른 RoPE 테스트도 실패했다면 그것부터 고치세요.) 각도의 밑(base)은 theta 인자입니다.")


@pytest.mark.cell("test_apply_rope")
@pytest.mark.points(3)
def test_rope_positions_per_example(student, ref, rng):
    """예제마다 다른 위치((B, T) 모양의 positions, x.shape[:-1]로 브로드캐스트)로 회전하는지 확인합니다."""
    x = randn(rng, 2, 4, 6)
    positions = torch.tensor([[0, 1, 2, 3], [7, 3, 11, 5]])
    assert_close(student.apply_rope(x, positions), ref.apply_rope(x, positions), atol=1e-5,
                 hint="positions가 (B, T) 모양이면 예제(배치)마다 자기 위치로 회전해야 합니다. 첫 예제의 위치를 "
                      "모두에 쓰지 말고, 각도 (..., T, d/2)를 positions의 모양 그대로 브로드캐스트하세요.")


# ----------------------------------------------------------------------------- cosine similarity

@pytest.mark.cell("test_cosine_similarity")
@pytest.mark.points(6)
def test_cosine_matches_torch(student, rng):
    """코사인 유사도가 torch의 F.cosine_similarity(dim=-1)와 같은 값인지 확인합니다 (브로드캐스트 포함)."""
    a, b = randn(rng, 4, 6, scale=3.0), randn(rng, 4, 6)
    assert_close(student.cosine_similarity(a, b), F.cosine_similarity(a, b, dim=-1), atol=1e-5,
                 hint="cos(a, b) = a·b / (‖a‖ ‖b‖)를 마지막 축을 따라 계산하세요(두 벡터 모두의 길이로 나눔).")
    a, b = randn(rng, 3, 1, 5), randn(rng, 1, 4, 5)
    assert_close(student.cosine_similarity(a, b), F.cosine_similarity(a, b, dim=-1), atol=1e-5,
                 hint="앞쪽 축은 브로드캐스트되어야 합니다: (3, 1, d)와 (1, 4, d) → (3, 4).")


@pytest.mark.cell("test_cosine_similarity")
@pytest.mark.points(3)
def test_cosine_ignores_length(student, rng):
    """코사인 유사도는 벡터의 길이와 무관해야 합니다."""
    a = randn(rng, 5)
    got = [float(student.cosine_similarity(a, 7.0 * a)), float(student.cosine_similarity(a, -0.5 * a))]
    assert_close(got, [1.0, -1.0], atol=1e-5, hint="같은 방향이면 1, 반대 방향이면 -1이어야 합니다 (내적을 두 벡터의 길이로 나눈 값).")


# ----------------------------------------------------------------------------- nearest neighbours

def _weights_with_varied_norms(rng):
    # Norms differ a lot, so the dot product and the cosine rank neighbours differently.
    return randn(rng, 20, 6) * torch.from_numpy(rng.uniform(0.1, 10.0, (20, 1)).astype(np.float32))


@pytest.mark.cell("test_nearest_neighbors")
@pytest.mark.points(8)
def test_nearest_neighbors_match_reference(student, ref, rng):
    """최근접 이웃이 코사인 유사도가 큰 순서의 k개(자기 자신 제외)와 같은지 확인합니다."""
    weight = _weights_with_varied_norms(rng)
    for index in (0, 7, 19):
        got = student.nearest_neighbors(weight, index, 3)
        assert_equal([int(i) for i in got], ref.nearest_neighbors(weight, index, 3),
                     hint="(cosine_similarity가 틀렸다면 그것부터 고치세요.) "
                          "내적이 아니라 코사인 유사도로 순위를 매기고, 가장 비슷한 것부터 k개를 돌려주세요. "
                          "자기 자신은 빼야 합니다.")


@pytest.mark.cell("test_nearest_neighbors")
@pytest.mark.points(5)
def test_nearest_neighbors_exclude_itself(student, rng):
    """자기 자신은 이웃에서 빠져야 합니다."""
    weight = _weights_with_varied_norms(rng)
    weight[11] = 3.0 * weight[4]  # same direction as token 4
    got = [int(i) for i in student.nearest_neighbors(weight, 4, 5)]
    expect(len(got) == 5, "정확히 k개의 id를 돌려주세요.")
    expect(4 not in got, "자기 자신(index)은 이웃에서 빼야 합니다.")
    expect(got[0] == 11, "방향이 같은 토큰(코사인 유사도 1)이 가장 먼저 나와야 합니다. 이웃은 유사도가 큰 순서입니다.")


@pytest.mark.cell("test_nearest_neighbors")
@pytest.mark.points(4)
def test_nearest_neighbors_k_up_to_all_others_and_weight_untouched(student, ref, rng):
    """k = V − 1이면 자기 자신을 뺀 모든 토큰을 유사도 순서로 돌려주는지, weight를 바꾸지 않는지 확인합니다."""
    weight = _weights_with_varied_norms(rng)[:7]
    weight[5] = -2.0 * weight[2]  # the opposite direction: cosine -1, the last neighbour of token 2
    got, after, _ = student.call_with_args("nearest_neighbors", weight, 2, 6)
    assert_equal([int(i) for i in got], ref.nearest_neighbors(weight, 2, 6),
                 hint="k가 V − 1이면 자기 자신을 뺀 토큰 모두를 코사인 유사도가 큰 것부터 돌려줘야 합니다(방향이 반대인 "
                      "토큰은 맨 끝). 자기 자신을 빼는 값으로 -1 같은 유한한 수를 쓰지 말고 -∞를 쓰거나 아예 빼세요.")
    assert_close(torch.as_tensor(after[0]), weight, atol=0.0,
                 hint="nearest_neighbors가 weight를 바꿨습니다. 행을 정규화하거나 자기 자신을 가릴 때 weight /= ... 같은 "
                      "제자리 연산 대신 새 텐서를 만드세요.")
