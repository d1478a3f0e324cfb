"""07 셀프 어텐션 — hidden suite (100 points).

Shapes follow the catalog's hygiene: n_q != n_k, d_k > 1, d_v != d_k, several heads, B != T != D.
"""
import numpy as np
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect, student_vjp
from grader.inputs import randn, randn64
from grader.worker.testkit_torch import BackwardProbe

GRAPH_HINT = ("기울기가 PyTorch와 다릅니다. torch 연산만으로 계산해 자동 미분이 흐르게 하세요(.detach(), .numpy(), "
              ".item(), torch.no_grad()로 계산 그래프를 끊지 마세요).")
DTYPE_HINT = "float64 입력에는 float64 결과를 돌려주세요(float32로 바꾸는 .float()이나 dtype=torch.float32를 빼세요)."


def random_mask(rng, *shape):
    """Boolean mask, True = may attend; every query row keeps at least one key."""
    mask = rng.random(shape) < 0.5
    rows = mask.reshape(-1, shape[-1])
    rows[np.arange(rows.shape[0]), rng.integers(0, shape[-1], rows.shape[0])] = True
    return torch.from_numpy(rows.reshape(shape))


def mha_pair(student, ref, rng, d_model, n_heads):
    """A student MHA handle and a reference MHA holding the same random weights (biases non-zero)."""
    model = ref.MultiHeadSelfAttention(d_model, n_heads)
    state = {name: randn(rng, *value.shape, scale=0.5) for name, value in model.state_dict().items()}
    model.load_state_dict(state)
    handle = student.MultiHeadSelfAttention(d_model, n_heads)
    handle.load_state_dict(state)
    return handle, model


# ----------------------------------------------------------------------------- softmax

@pytest.mark.cell("test_softmax")
@pytest.mark.points(5)
def test_softmax_matches_reference(student, ref, rng):
    """소프트맥스가 마지막 축을 따라 torch.softmax와 같은 값을 내는지 확인합니다."""
    x = randn(rng, 3, 4, 5, scale=2.0)
    assert_close(student.softmax(x), ref.softmax(x), atol=1e-6,
                 hint="softmax(x)_i = exp(x_i) / Σ_j exp(x_j) 를 마지막 축(dim=-1)으로 계산했는지 확인하세요.")


@pytest.mark.cell("test_softmax")
@pytest.mark.points(4)
def test_softmax_respects_dim(student, ref, rng):
    """`dim` 인자를 따라 정규화해야 합니다."""
    x = randn(rng, 3, 4, 5)
    for dim in (0, 1):
        assert_close(student.softmax(x, dim=dim), ref.softmax(x, dim=dim), atol=1e-6,
                     hint="`dim` 인자로 받은 축을 따라 합이 1이 되어야 합니다 (최댓값과 합도 그 축에서 구합니다).")


@pytest.mark.cell("test_softmax")
@pytest.mark.points(6)
def test_softmax_is_stable_for_huge_logits(student, ref, rng):
    """아주 큰 점수에서도 소프트맥스가 inf/NaN 없이 계산되어야 합니다."""
    x = randn(rng, 4, 6)
    for big in (1000.0 * x, x + 100.0):
        got = student.softmax(big)
        expect(torch.isfinite(torch.as_tensor(got)).all(),
               "큰 입력에서 inf나 NaN이 나옵니다. exp를 취하기 전에 최댓값을 빼세요.")
        # float32 spacing at |x| ~ 1000 is 6e-5: stable forms that round differently (exp(x - logsumexp))
        # are as right as the reference's, so the bound is that spacing, not 1e-6.
        assert_close(got, ref.softmax(big), atol=1e-4,
                     hint="큰 입력에서 값이 틀립니다. 최댓값을 빼는 안정화(stable softmax)를 했는지 확인하세요.")


@pytest.mark.cell("test_softmax")
@pytest.mark.points(3)
def test_softmax_float64_value_dtype_and_gradient(student, rng):
    """float64 입력에서 소프트맥스의 값, dtype, 기울기를 torch.softmax와 비교합니다."""
    x, cotangent = randn64(rng, 3, 5, scale=3.0), randn64(rng, 3, 5)
    output, grads = student_vjp(student, "softmax", (x,), cotangent)
    expect(torch.as_tensor(output).dtype == torch.float64, DTYPE_HINT)
    leaf = x.clone().requires_grad_(True)
    torch.softmax(leaf, dim=-1).backward(cotangent)
    assert_close(output, torch.softmax(x, dim=-1), atol=1e-12,
                 hint="float64 입력에서 값이 torch.softmax와 다릅니다(마지막 축, 최댓값 빼기를 확인하세요).")
    assert_close(grads[0], leaf.grad, atol=1e-10, hint=GRAPH_HINT)


@pytest.mark.cell("test_softmax")
@pytest.mark.points(2)
def test_softmax_leaves_its_input_alone(student, rng):
    """softmax가 입력 텐서를 바꾸지 않는지 확인합니다."""
    x = randn(rng, 4, 6, scale=3.0)
    _, after, _ = student.call_with_args("softmax", x)
    assert_close(torch.as_tensor(after[0]), x, atol=0.0,
                 hint="softmax가 입력 x를 바꿨습니다. x -= x.max(...)나 x.exp_() 같은 제자리(in-place) 연산 대신 "
                      "새 텐서를 만드세요.")


# ----------------------------------------------------------------------------- causal mask

@pytest.mark.cell("test_causal_mask")
@pytest.mark.points(6)
def test_causal_mask_values(student, ref):
    """인과 마스크가 자기 자신과 앞 위치에서만 True인지 확인합니다."""
    for t in (1, 4, 7):
        got = torch.as_tensor(student.causal_mask(t))
        expect(tuple(got.shape) == (t, t), "causal_mask(t)의 모양은 (t, t)여야 합니다.")
        assert_equal(got.bool().tolist(), ref.causal_mask(t).tolist(),
                     hint="i번째 쿼리는 키 0..i(자기 자신 포함)만 볼 수 있어야 합니다(True = 어텐션 가능). "
                          "대각선이 포함되는지, True/False가 뒤집히지 않았는지 확인하세요.")


@pytest.mark.cell("test_causal_mask")
@pytest.mark.points(2)
def test_causal_mask_is_boolean(student):
    """causal_mask는 불리언(torch.bool) 텐서를 돌려줘야 합니다."""
    got = student.causal_mask(5)
    expect(isinstance(got, torch.Tensor) and got.dtype == torch.bool,
           "causal_mask는 dtype이 torch.bool인 텐서를 돌려줘야 합니다.")


# ----------------------------------------------------------------------------- attention weights

@pytest.mark.cell("test_attention_weights")
@pytest.mark.points(4)
def test_weights_match_reference(student, ref, rng):
    """어텐션 가중치가 softmax(Q Kᵀ / √d_k)와 같은지 확인합니다."""
    q, k = randn(rng, 2, 6, 8), randn(rng, 2, 7, 8)
    got = student.attention_weights(q, k)
    assert_close(got, ref.attention_weights(q, k), atol=1e-6,
                 hint="A = softmax(Q Kᵀ / √d_k)를 키 축(마지막 축)으로 정규화했는지, "
                      "d_k(마지막 축의 크기)의 제곱근으로 나눴는지 확인하세요.")


@pytest.mark.cell("test_attention_weights")
@pytest.mark.points(6)
def test_weights_with_random_mask(student, ref, rng):
    """무작위 마스크를 적용한 어텐션 가중치가 정의와 같은지 확인합니다."""
    q, k = randn(rng, 2, 3, 6, 8), randn(rng, 2, 3, 7, 8)
    mask = random_mask(rng, 6, 7)
    assert_close(student.attention_weights(q, k, mask), ref.attention_weights(q, k, mask), atol=1e-6,
                 hint="마스크를 준 가중치가 틀립니다(마스크 없는 테스트도 실패했다면 그것부터 고치세요). "
                      "마스크는 True = 어텐션 가능(PyTorch 규칙)이고, False인 자리만 -∞로 가려야 합니다.")


@pytest.mark.cell("test_attention_weights")
@pytest.mark.points(6)
def test_masked_weights_are_exactly_zero(student, rng):
    """가려진 자리의 가중치는 정확히 0, 각 행의 합은 1이어야 합니다."""
    q, k = randn(rng, 3, 5, 4), randn(rng, 3, 9, 4)
    mask = random_mask(rng, 3, 5, 9)
    got = torch.as_tensor(student.attention_weights(q, k, mask)).double()
    expect(tuple(got.shape) == (3, 5, 9), "가중치의 모양은 (..., T_q, T_k)여야 합니다.")
    expect(bool((got[~mask] == 0).all()),
           "가려진(False) 자리의 가중치가 0이 아닙니다. False인 자리의 점수를 -∞로 바꾼 뒤 소프트맥스를 합니다"
           " (True = 어텐션 가능).")
    assert_close(got.sum(-1), np.ones((3, 5)), atol=1e-5,
                 hint="각 쿼리의 가중치 합이 1이 아닙니다: 가릴 자리를 -∞로 바꾼 뒤 소프트맥스로 정규화합니다.")


# ----------------------------------------------------------------------------- scaled dot-product attention

@pytest.mark.cell("test_sdpa")
@pytest.mark.points(6)
def test_sdpa_matches_reference(student, ref, rng):
    """어텐션 출력이 softmax(Q Kᵀ / √d_k) V와 같은지 확인합니다."""
    q, k, v = randn(rng, 2, 6, 8), randn(rng, 2, 7, 8), randn(rng, 2, 7, 3)
    assert_close(student.scaled_dot_product_attention(q, k, v),
                 ref.scaled_dot_product_attention(q, k, v), atol=1e-5,
                 hint="출력은 softmax(Q Kᵀ / √d_k) V 입니다(attention_weights가 틀렸다면 그것부터 고치세요). "
                      "√d_k로 나눴는지, 키 축으로 정규화했는지 확인하세요.")


@pytest.mark.cell("test_sdpa")
@pytest.mark.points(7)
def test_sdpa_with_broadcast_masks(student, ref, rng):
    """브로드캐스트되는 마스크를 적용한 어텐션 출력이 정의와 같은지 확인합니다."""
    q, k, v = randn(rng, 2, 3, 6, 8), randn(rng, 2, 3, 7, 8), randn(rng, 2, 3, 7, 5)
    # The last mask is causal for 6 new queries after 1 cached key: query i sees keys 0..i+1.
    for mask in (random_mask(rng, 6, 7), random_mask(rng, 2, 1, 6, 7), torch.ones(6, 7, dtype=torch.bool).tril(1)):
        assert_close(student.scaled_dot_product_attention(q, k, v, mask),
                     ref.scaled_dot_product_attention(q, k, v, mask), atol=1e-5,
                     hint="마스크를 준 출력이 틀립니다(마스크 없는 테스트도 실패했다면 그것부터 고치세요). "
                          "마스크는 True = 어텐션 가능이며 (..., T_q, T_k)로 브로드캐스트됩니다. T_q ≠ T_k인 "
                          "직사각형 마스크도 그대로 쓰세요.")


@pytest.mark.cell("test_sdpa")
@pytest.mark.points(5)
def test_sdpa_causal_ignores_the_future(student, ref, rng):
    """인과 마스크를 쓰면 앞 토큰의 출력은 뒤 토큰에 영향을 받지 않아야 합니다."""
    t = 6
    mask = ref.causal_mask(t)
    q, k, v = randn(rng, 2, t, 8), randn(rng, 2, t, 8), randn(rng, 2, t, 5)
    before = torch.as_tensor(student.scaled_dot_product_attention(q, k, v, mask))
    expect(bool(torch.isfinite(before).all()),
           "인과 마스크를 적용한 출력에 NaN이 있습니다. 어떤 쿼리의 키가 전부 가려지지 않았나요? "
           "True = 어텐션 가능이라는 마스크 규칙을 확인하세요.")
    assert_close(before[:, 0], v[:, 0], atol=1e-5,
                 hint="첫 토큰은 자기 자신만 볼 수 있으므로 출력이 v_0과 같아야 합니다.")
    k2, v2 = k.clone(), v.clone()
    k2[:, 3:] += 5.0
    v2[:, 3:] -= 5.0
    after = student.scaled_dot_product_attention(q, k2, v2, mask)
    assert_close(torch.as_tensor(after)[:, :3], before[:, :3], atol=1e-5,
                 hint="미래 토큰의 키/값을 바꿨더니 앞 토큰의 출력이 달라졌습니다: 인과 마스크는 각 쿼리의 미래 키를 가립니다.")


@pytest.mark.cell("test_sdpa")
@pytest.mark.points(4)
def test_sdpa_is_stable_for_huge_scores(student, ref, rng):
    """점수가 아주 커도 어텐션 출력이 inf/NaN 없이 계산되어야 합니다."""
    q, k, v = randn(rng, 2, 5, 8, scale=40.0), randn(rng, 2, 7, 8, scale=40.0), randn(rng, 2, 7, 3)
    got = student.scaled_dot_product_attention(q, k, v)
    expect(bool(torch.isfinite(torch.as_tensor(got)).all()),
           "점수가 클 때 출력에 inf나 NaN이 있습니다. 소프트맥스에서 최댓값을 빼세요.")
    assert_close(got, ref.scaled_dot_product_attention(q, k, v), atol=1e-4,
                 hint="점수가 클 때 출력이 틀립니다. 안정된 소프트맥스를 쓰는지 확인하세요.")


@pytest.mark.cell("test_sdpa")
@pytest.mark.points(4)
def test_sdpa_leaves_its_inputs_alone(student, rng):
    """어텐션은 입력 텐서(q, k, v, mask)를 바꾸지 않아야 합니다."""
    q, k, v = randn(rng, 2, 4, 6), randn(rng, 2, 7, 6), randn(rng, 2, 7, 3)
    mask = random_mask(rng, 4, 7)
    _, after, _ = student.call_with_args("scaled_dot_product_attention", q, k, v, mask)
    for name, before, left in zip(("q", "k", "v", "mask"), (q, k, v, mask), after):
        assert_close(torch.as_tensor(left).double(), before.double(), atol=0.0,
                     hint=f"`scaled_dot_product_attention`이(가) 입력 `{name}`을(를) 바꿨습니다. 제자리(in-place) 연산"
                          "(q /= ..., q.mul_(), masked_fill_ 등) 대신 새 텐서를 만드세요.")
    x = randn(rng, 3, 5, 6)
    # The student's own answer for three separate copies is the yardstick, so only an in-place
    # change of an input (which then also changes the other two) can fail this test.
    separate = student.scaled_dot_product_attention(x.clone(), x.clone(), x.clone())
    shared = student.scaled_dot_product_attention(x, x, x)
    assert_close(shared, separate, atol=1e-6,
                 hint="같은 텐서를 q, k, v로 넘기면 결과가 틀립니다. 입력 텐서를 제자리(in-place, 예: q /= ..., "
                      "q.mul_())에서 바꾸지 말고 새 텐서를 만드세요.")


@pytest.mark.cell("test_sdpa")
@pytest.mark.points(4)
def test_sdpa_float64_value_dtype_and_gradients(student, rng):
    """float64 입력에서 어텐션 출력의 값, dtype, q·k·v에 대한 기울기를 PyTorch의 scaled_dot_product_attention과 비교합니다."""
    q, k, v = randn64(rng, 2, 4, 6), randn64(rng, 2, 5, 6), randn64(rng, 2, 5, 3)
    cotangent = randn64(rng, 2, 4, 3)
    output, grads = student_vjp(student, "scaled_dot_product_attention", (q, k, v), cotangent)
    expect(torch.as_tensor(output).dtype == torch.float64, DTYPE_HINT)
    leaves = [t.clone().requires_grad_(True) for t in (q, k, v)]
    torch.nn.functional.scaled_dot_product_attention(*leaves).backward(cotangent)
    assert_close(output, torch.nn.functional.scaled_dot_product_attention(q, k, v), atol=1e-12,
                 hint="float64 입력에서 출력이 다릅니다(다른 어텐션 테스트가 실패했다면 그것부터 고치세요).")
    for name, got, leaf in zip("qkv", grads, leaves):
        assert_close(got, leaf.grad, atol=1e-10, hint=f"`{name}`에 대한 " + GRAPH_HINT)


# ----------------------------------------------------------------------------- multi-head self-attention

@pytest.mark.cell("test_mha")
@pytest.mark.points(4)
def test_mha_parameters_have_the_promised_layout(student):
    """MultiHeadSelfAttention의 파라미터 이름과 모양이 과제 설명과 같은지 확인합니다."""
    state = student.MultiHeadSelfAttention(12, 3).state_dict()
    for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
        expect(f"{name}.weight" in state and f"{name}.bias" in state,
               f"`{name}`은 bias가 있는 nn.Linear여야 합니다(`{name}.weight`, `{name}.bias`).")
        expect(tuple(state[f"{name}.weight"].shape) == (12, 12) and tuple(state[f"{name}.bias"].shape) == (12,),
               f"`{name}`은 nn.Linear(d_model, d_model)이어야 합니다.")


@pytest.mark.cell("test_mha")
@pytest.mark.points(8)
def test_mha_matches_reference(student, ref, rng):
    """같은 가중치에서 멀티 헤드 어텐션 출력이 기대한 값과 같은지 확인합니다."""
    handle, model = mha_pair(student, ref, rng, d_model=16, n_heads=4)
    x = randn(rng, 2, 5, 16)
    with torch.no_grad():
        want = model(x)
    assert_close(handle(x), want, atol=1e-5,
                 hint="헤드 h는 투영 출력의 열 h·d_head:(h+1)·d_head를 씁니다. (B, T, H, d_head)로 나눈 뒤 "
                      "transpose했는지, 합칠 때 순서를 되돌렸는지, √d_head(헤드 차원)로 나눴는지, "
                      "o_proj(bias 포함)를 마지막에 적용했는지 확인하세요.")


@pytest.mark.cell("test_mha")
@pytest.mark.points(6)
def test_mha_with_causal_mask(student, ref, rng):
    """인과 마스크를 준 멀티 헤드 어텐션 출력이 기대한 값과 같은지 확인합니다."""
    handle, model = mha_pair(student, ref, rng, d_model=24, n_heads=3)
    x = randn(rng, 3, 7, 24)
    mask = ref.causal_mask(7)
    with torch.no_grad():
        want = model(x, mask)
    assert_close(handle(x, mask), want, atol=1e-5,
                 hint="인과 마스크를 준 출력이 틀립니다(마스크 없는 테스트도 실패했다면 그것부터 고치세요). "
                      "마스크를 모든 헤드에 똑같이 (T, T)로 브로드캐스트해 적용했는지 확인하세요.")


@pytest.mark.cell("test_mha")
@pytest.mark.points(4)
def test_mha_eval_is_deterministic(student, ref, rng):
    """eval() 모드에서 같은 입력의 출력은 매번 같아야 합니다."""
    handle, model = mha_pair(student, ref, rng, d_model=20, n_heads=5)
    handle.eval()
    x = randn(rng, 2, 6, 20)
    first, second = handle(x), handle(x)
    assert_close(first, second, atol=0.0,
                 hint="eval() 모드인데 출력이 매번 다릅니다: eval() 모드에서는 무작위 연산(드롭아웃 등)이 없어야 합니다.")


@pytest.mark.cell("test_mha")
@pytest.mark.points(4)
def test_mha_gradients_match_reference(student, ref, rng):
    """float64 가중치에서 인과 마스크를 준 멀티 헤드 어텐션의 출력 dtype, 입력과 모든 파라미터에 대한 기울기를 비교합니다."""
    d_model, n_heads, t = 12, 3, 5
    model = ref.MultiHeadSelfAttention(d_model, n_heads).double()
    state = {name: randn64(rng, *value.shape, scale=0.5) for name, value in model.state_dict().items()}
    model.load_state_dict(state)
    handle = student.MultiHeadSelfAttention(d_model, n_heads)
    handle.double()
    handle.load_state_dict(state)
    x, cotangent = randn64(rng, 2, t, d_model), randn64(rng, 2, t, d_model)
    mask = ref.causal_mask(t)
    handle.register_forward_hook(BackwardProbe(cotangent))
    output = handle(x.clone().requires_grad_(True), mask)
    expect(torch.as_tensor(output).dtype == torch.float64,
           "float64 가중치와 입력에는 float64 결과를 돌려주세요(계산 중에 float32로 바꾸지 마세요).")
    got = handle.probe_grads
    expect(got is not None, "출력에 기울기가 흐르지 않습니다. " + GRAPH_HINT)
    leaf = x.clone().requires_grad_(True)
    model(leaf, mask).backward(cotangent)
    want = {"input": leaf.grad, **{name: p.grad for name, p in model.named_parameters()}}
    for name, grad in want.items():
        expect(got.get(name) is not None, f"`{name}`에 기울기가 오지 않습니다. " + GRAPH_HINT)
        assert_close(got[name], grad, atol=1e-9,
                     hint=f"`{name}`에 대한 " + GRAPH_HINT + " (출력 테스트가 실패했다면 그것부터 고치세요.)")
