"""08 피드 포워드와 층 쌓기 — hidden suite (100 points).

Weights are always passed in (load_state_dict); shapes keep B != T != D, d_ff != 4·d_model, H > 1.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grader.checks import assert_close, assert_equal, expect, student_vjp
from grader.inputs import randn, randn64
from grader.worker.testkit_torch import BackwardProbe

GPT = dict(vocab_size=11, n_ctx=8, d_model=12, n_layers=2, n_heads=3, d_ff=20)


GRAPH_HINT = ("기울기가 PyTorch와 다릅니다. torch 연산만으로 계산해 자동 미분이 흐르게 하세요(.detach(), .numpy(), "
              ".item(), .data, torch.no_grad()로 계산 그래프를 끊지 마세요).")
DTYPE_HINT = "float64 입력에는 float64 결과를 돌려주세요(float32로 바꾸는 .float()이나 dtype=torch.float32를 빼세요)."


def module_gradients_match(handle, model, inputs, cotangent, what, hints=None):
    """The student's module (float64, the reference's weights loaded) against the reference module:
    output dtype, and the gradients of its first input (when float) and of every reference parameter."""
    handle.register_forward_hook(BackwardProbe(cotangent))
    first = inputs[0].clone().requires_grad_(True) if inputs[0].is_floating_point() else inputs[0]
    output = handle(first, *inputs[1:])
    expect(torch.as_tensor(output).dtype == torch.float64,
           f"float64 가중치와 입력에는 {what}도 float64 결과를 돌려주세요(계산 중에 float32로 바꾸지 마세요).")
    got = handle.probe_grads
    expect(got is not None, f"{what}의 출력에 기울기가 흐르지 않습니다. " + GRAPH_HINT)
    leaf = inputs[0].clone().requires_grad_(True) if inputs[0].is_floating_point() else inputs[0]
    model(leaf, *inputs[1:]).backward(cotangent)
    want = {name: p.grad for name, p in model.named_parameters()}
    if leaf.is_floating_point():
        want["input"] = leaf.grad
    for name, grad in want.items():
        expect(got.get(name) is not None, f"{what}의 `{name}`에 기울기가 오지 않습니다. " + GRAPH_HINT)
        assert_close(got[name], grad, atol=1e-9,
                     hint=(hints or {}).get(name, f"{what}의 `{name}`에 대한 " + GRAPH_HINT
                                            + " (출력 테스트가 실패했다면 그것부터 고치세요.)"))


def randomized(module, rng, scale=0.5):
    """The reference module with every parameter drawn from the test's rng (shared ones once)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(randn(rng, *p.shape, scale=scale))
    return module.eval()


def load_into(handle, model):
    """Load `model`'s weights into the student's module; keys the student lacks are left out.

    A student head with its own key (any name) of the token embedding's shape gets the token
    embedding, so a consistent tied state is loaded whatever the head is called.
    """
    theirs = handle.state_dict()
    ours = model.state_dict()
    state = {name: value for name, value in ours.items() if name in theirs}
    if "tok_emb.weight" in ours:
        for name, value in theirs.items():
            if name not in ours and tuple(value.shape) == tuple(ours["tok_emb.weight"].shape):
                state[name] = ours["tok_emb.weight"]
    handle.load_state_dict(state, strict=False)
    handle.eval()
    return handle


def expect_layout(state, shapes, what):
    for name, shape in shapes.items():
        expect(name in state, f"{what}에 `{name}` 파라미터가 없습니다. 약속한 속성 이름을 쓰세요.")
        expect(tuple(state[name].shape) == shape, f"{what}의 `{name}` 모양이 약속과 다릅니다.")


# ----------------------------------------------------------------------------- layer_norm

@pytest.mark.cell("test_layer_norm")
@pytest.mark.points(6)
def test_layer_norm_matches_torch(student, rng):
    """layer_norm이 같은 weight, bias, eps의 nn.LayerNorm과 같은 값을 내는지 확인합니다."""
    x, weight, bias = randn(rng, 2, 3, 4, scale=2.0) + 1.0, randn(rng, 4), randn(rng, 4)
    got, (x_after, _, _), _ = student.call_with_args("layer_norm", x, weight, bias)
    assert_close(got, F.layer_norm(x, (4,), weight, bias, eps=1e-5),
                 atol=1e-5, hint="분산은 D로 나누는 편향 분산이어야 합니다(torch.var의 기본값은 D-1). "
                                 "마지막 축으로 정규화했는지, weight는 곱하고 bias는 더했는지 확인하세요.")
    assert_close(x_after, x, atol=0.0,
                 hint="layer_norm이 입력 x를 바꿨습니다. x -= mean 같은 제자리(in-place) 연산 대신 새 텐서를 만드세요.")


@pytest.mark.cell("test_layer_norm")
@pytest.mark.points(5)
def test_layer_norm_eps_inside_sqrt(student, rng):
    """큰 ε에서도 ε이 제곱근 안, (x − μ) / √(σ² + ε)에 들어가는지 확인합니다."""
    x, weight, bias = randn(rng, 3, 2, 5, scale=0.3), randn(rng, 5), randn(rng, 5)
    assert_close(student.layer_norm(x, weight, bias, eps=0.1), F.layer_norm(x, (5,), weight, bias, eps=0.1),
                 atol=1e-5, hint="ε은 제곱근 안에 더해야 합니다: (x - μ) / √(σ² + ε). `eps` 인자를 썼는지도 확인하세요.")


@pytest.mark.cell("test_layer_norm")
@pytest.mark.points(4)
def test_layer_norm_normalizes_each_token(student, rng):
    """각 토큰(마지막 축)이 평균 0, 분산 1로 정규화되어야 합니다."""
    x = randn(rng, 4, 3, 6) * torch.arange(1.0, 5.0)[:, None, None] + torch.arange(3.0)[None, :, None]
    got = torch.as_tensor(student.layer_norm(x, torch.ones(6), torch.zeros(6))).double()
    expect(tuple(got.shape) == (4, 3, 6), "출력 모양은 입력과 같아야 합니다.")
    assert_close(got.mean(-1), np.zeros((4, 3)), atol=1e-5,
                 hint="마지막 축의 평균이 0이 아닙니다. 배치나 시간 축이 아니라 특징 축(dim=-1)으로 정규화하세요.")
    assert_close(got.var(-1, unbiased=False), np.ones((4, 3)), atol=1e-3,
                 hint="마지막 축의 분산이 1이 아닙니다. 편향 분산과 특징 축(dim=-1)을 쓰세요.")


@pytest.mark.cell("test_layer_norm")
@pytest.mark.points(4)
def test_layer_norm_float64_value_dtype_and_gradients(student, rng):
    """float64 입력에서 layer_norm의 값, dtype, x·weight·bias에 대한 기울기를 F.layer_norm과 비교합니다."""
    x, weight, bias = randn64(rng, 2, 3, 5, scale=2.0) + 1.0, randn64(rng, 5), randn64(rng, 5)
    cotangent = randn64(rng, 2, 3, 5)
    output, grads = student_vjp(student, "layer_norm", (x, weight, bias), cotangent)
    expect(torch.as_tensor(output).dtype == torch.float64, DTYPE_HINT)
    leaves = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    F.layer_norm(leaves[0], (5,), leaves[1], leaves[2], eps=1e-5).backward(cotangent)
    assert_close(output, F.layer_norm(x, (5,), weight, bias, eps=1e-5), atol=1e-12,
                 hint="float64 입력에서 값이 nn.LayerNorm과 다릅니다(다른 layer_norm 테스트가 실패했다면 그것부터 고치세요).")
    for name, got, leaf in zip(("x", "weight", "bias"), grads, leaves):
        assert_close(got, leaf.grad, atol=1e-10, hint=f"`{name}`에 대한 " + GRAPH_HINT)


# ----------------------------------------------------------------------------- gelu

@pytest.mark.cell("test_gelu")
@pytest.mark.points(5)
def test_gelu_is_exact(student):
    """gelu가 정확한 GELU 0.5·x·(1 + erf(x/√2))와 같은 값을 내는지 확인합니다."""
    x = torch.linspace(-5, 5, 201)
    assert_close(student.gelu(x), F.gelu(x), atol=1e-6,
                 hint="정확한 GELU는 0.5·x·(1 + erf(x/√2))입니다.",
                 likely={"tanh 근사식의 값입니다: 정확한 식 0.5·x·(1 + erf(x/√2))를 씁니다.":
                         F.gelu(x, approximate="tanh")})


@pytest.mark.cell("test_gelu")
@pytest.mark.points(2)
def test_gelu_is_elementwise(student, rng):
    """gelu는 모양을 유지하며 원소마다 적용되어야 합니다."""
    x = randn(rng, 2, 3, 4, scale=2.0)
    assert_close(student.gelu(x), F.gelu(x), atol=1e-6, hint="gelu는 입력과 같은 모양으로 원소마다 적용하세요.")


@pytest.mark.cell("test_gelu")
@pytest.mark.points(2)
def test_gelu_float64_value_dtype_and_gradient(student, rng):
    """float64 입력에서 gelu의 값, dtype, 기울기를 정확한 GELU(F.gelu)와 비교합니다."""
    x, cotangent = randn64(rng, 4, 7, scale=2.0), randn64(rng, 4, 7)
    output, grads = student_vjp(student, "gelu", (x,), cotangent)
    expect(torch.as_tensor(output).dtype == torch.float64, DTYPE_HINT)
    leaf = x.clone().requires_grad_(True)
    F.gelu(leaf).backward(cotangent)
    assert_close(output, F.gelu(x), atol=1e-12, hint="float64 입력에서 값이 정확한 GELU와 다릅니다.")
    assert_close(grads[0], leaf.grad, atol=1e-10, hint=GRAPH_HINT)


# ----------------------------------------------------------------------------- FeedForward

@pytest.mark.cell("test_feed_forward")
@pytest.mark.points(3)
def test_feed_forward_layout(student):
    """FeedForward의 파라미터 이름과 모양이 과제 설명과 같은지 확인합니다."""
    state = student.FeedForward(6, 10).state_dict()
    expect_layout(state, {"fc1.weight": (10, 6), "fc1.bias": (10,), "fc2.weight": (6, 10), "fc2.bias": (6,)},
                  "FeedForward")


@pytest.mark.cell("test_feed_forward")
@pytest.mark.points(6)
def test_feed_forward_matches_reference(student, ref, rng):
    """같은 가중치에서 FeedForward 출력이 fc2(gelu(fc1(x)))와 같은지 확인합니다."""
    model = randomized(ref.FeedForward(6, 10), rng)
    handle = load_into(student.FeedForward(6, 10), model)
    x = randn(rng, 2, 3, 6)
    with torch.no_grad():
        want = model(x)
    assert_close(handle(x), want, atol=1e-5,
                 hint="FFN(x) = fc2(gelu(fc1(x)))인지 확인하세요(활성화 함수는 가운데 한 번, gelu가 틀렸다면 그것부터).")


# ----------------------------------------------------------------------------- TransformerBlock

@pytest.mark.cell("test_transformer_block")
@pytest.mark.points(3)
def test_block_layout(student):
    """TransformerBlock의 파라미터 이름과 모양이 과제 설명과 같은지 확인합니다."""
    state = student.TransformerBlock(12, 3, 20).state_dict()
    shapes = {"ln1.weight": (12,), "ln1.bias": (12,), "ln2.weight": (12,), "ln2.bias": (12,),
              "ff.fc1.weight": (20, 12), "ff.fc2.weight": (12, 20)}
    shapes.update({f"attn.{p}_proj.weight": (12, 12) for p in "qkvo"})
    expect_layout(state, shapes, "TransformerBlock")


@pytest.mark.cell("test_transformer_block")
@pytest.mark.points(10)
def test_block_matches_reference(student, ref, rng):
    """같은 가중치에서 트랜스포머 블록(프리-LN) 출력이 기대한 값과 같은지 확인합니다."""
    model = randomized(ref.TransformerBlock(12, 3, 20), rng)
    handle = load_into(student.TransformerBlock(12, 3, 20), model)
    x = randn(rng, 2, 5, 12)
    with torch.no_grad():
        want = model(x)
    assert_close(handle(x), want, atol=1e-5,
                 hint="(FeedForward 테스트가 실패했다면 그것부터 고치세요.) "
                      "프리-LN 순서인지 확인하세요: h = x + attn(ln1(x), 인과 마스크), 출력 = h + ff(ln2(h)). "
                      "잔차에는 정규화하기 전의 값을 더합니다.")


@pytest.mark.cell("test_transformer_block")
@pytest.mark.points(4)
def test_block_is_causal(student, ref, rng):
    """블록의 앞 위치 출력이 뒤 위치 입력의 영향을 받지 않는지 확인합니다."""
    model = randomized(ref.TransformerBlock(12, 3, 20), rng)
    handle = load_into(student.TransformerBlock(12, 3, 20), model)
    x = randn(rng, 3, 6, 12)
    changed = x.clone()
    changed[:, 4:] += randn(rng, 3, 2, 12)
    before, after = torch.as_tensor(handle(x)), torch.as_tensor(handle(changed))
    assert_close(after[:, :4], before[:, :4], atol=1e-5,
                 hint="뒤 토큰을 바꿨더니 앞 위치의 출력이 바뀌었습니다. 입력 길이 T에 맞는 causal_mask(T)를 어텐션에 넘기세요.")


@pytest.mark.cell("test_transformer_block")
@pytest.mark.points(4)
def test_block_gradients_match_reference(student, ref, rng):
    """float64 가중치에서 트랜스포머 블록의 출력 dtype, 입력과 모든 파라미터에 대한 기울기를 비교합니다."""
    model = randomized(ref.TransformerBlock(12, 3, 20).double(), rng)
    handle = student.TransformerBlock(12, 3, 20)
    handle.double()
    load_into(handle, model)
    module_gradients_match(handle, model, (randn64(rng, 2, 5, 12),), randn64(rng, 2, 5, 12), "TransformerBlock")


# ----------------------------------------------------------------------------- MiniGPT

@pytest.mark.cell("test_mini_gpt")
@pytest.mark.points(11)
def test_mini_gpt_matches_reference(student, ref, rng):
    """같은 가중치에서 MiniGPT의 logits가 기대한 값과 같은지 확인합니다."""
    model = randomized(ref.MiniGPT(**GPT), rng)
    handle = load_into(student.MiniGPT(**GPT), model)
    ids = torch.from_numpy(rng.integers(0, GPT["vocab_size"], (2, 5)))
    with torch.no_grad():
        want = model(ids)
    assert_close(handle(ids), want, atol=1e-4,
                 hint="(TransformerBlock 테스트가 실패했다면 그것부터 고치세요.) 토큰 임베딩 + 위치 임베딩(0..T-1) "
                      "→ 블록들 → ln_f → 출력 헤드(tok_emb 가중치) 순서인지, 마지막 LayerNorm(ln_f)을 빠뜨리지 "
                      "않았는지, logits 모양이 (B, T, V)인지 확인하세요.")


@pytest.mark.cell("test_mini_gpt")
@pytest.mark.points(4)
def test_mini_gpt_other_lengths(student, ref, rng):
    """배치 크기와 길이가 달라도 logits가 (B, T, vocab_size)로 맞아야 합니다."""
    model = randomized(ref.MiniGPT(**GPT), rng)
    handle = load_into(student.MiniGPT(**GPT), model)
    for shape in ((3, 1), (1, 8), (4, 7)):
        ids = torch.from_numpy(rng.integers(0, GPT["vocab_size"], shape))
        with torch.no_grad():
            want = model(ids)
        assert_close(handle(ids), want, atol=1e-4,
                     hint="길이나 배치 크기를 바꾸면 틀립니다(다른 MiniGPT 테스트도 실패했다면 그것부터 고치세요). 위치 임베딩 (T, d)가 배치 축이 아니라 시간 축을 따라 "
                          "더해지는지, 위치를 0부터 T-1까지 썼는지, logits 모양이 (B, T, V)인지 확인하세요.")


@pytest.mark.cell("test_mini_gpt")
@pytest.mark.points(7)
def test_mini_gpt_head_is_tied_to_token_embedding(student, ref, rng):
    """출력 헤드가 토큰 임베딩과 같은 가중치(같은 텐서)를 써야 합니다."""
    model = randomized(ref.MiniGPT(**GPT), rng)
    # One student model gets every weight (its head, whatever its name, set to tok_emb); another gets
    # only the named parts. A tied head follows tok_emb, so both agree; a copied head keeps its own
    # initial values. Comparing the student with itself keeps other bugs out of this test.
    everything = load_into(student.MiniGPT(**GPT), model)
    named_only = student.MiniGPT(**GPT)
    named = ("tok_emb.", "pos_emb.", "blocks.", "ln_f.")
    named_only.load_state_dict({k: v for k, v in model.state_dict().items() if k.startswith(named)}, strict=False)
    named_only.eval()
    ids = torch.from_numpy(rng.integers(0, GPT["vocab_size"], (2, 6)))
    assert_close(named_only(ids), everything(ids), atol=1e-5,
                 hint="토큰 임베딩을 바꿨는데 출력 헤드가 따라 바뀌지 않습니다. 헤드 가중치를 복사하지 말고 "
                      "같은 Parameter를 가리키게 하세요(head.weight = tok_emb.weight, 또는 h @ tok_emb.weight.T).")


@pytest.mark.cell("test_mini_gpt")
@pytest.mark.points(4)
def test_mini_gpt_is_causal(student, ref, rng):
    """앞 위치의 logits가 뒤 토큰의 영향을 받지 않는지 확인합니다."""
    model = randomized(ref.MiniGPT(**GPT), rng)
    handle = load_into(student.MiniGPT(**GPT), model)
    ids = torch.from_numpy(rng.integers(0, GPT["vocab_size"], (2, 7)))
    changed = ids.clone()
    changed[:, 5:] = (changed[:, 5:] + 3) % GPT["vocab_size"]
    before, after = torch.as_tensor(handle(ids)), torch.as_tensor(handle(changed))
    assert_close(after[:, :5], before[:, :5], atol=1e-5,
                 hint="뒤 토큰을 바꿨더니 앞 위치의 logits가 바뀌었습니다. 블록이 인과 마스크를 쓰는지 확인하세요.")


@pytest.mark.cell("test_mini_gpt")
@pytest.mark.points(4)
def test_mini_gpt_gradients_match_reference(student, ref, rng):
    """float64 가중치에서 MiniGPT logits의 dtype과 모든 파라미터(공유된 헤드 포함)에 대한 기울기를 비교합니다."""
    model = randomized(ref.MiniGPT(**GPT).double(), rng)
    handle = student.MiniGPT(**GPT)
    handle.double()
    load_into(handle, model)
    ids = torch.from_numpy(rng.integers(0, GPT["vocab_size"], (2, 6)))
    tied = ("`tok_emb.weight`의 기울기가 다릅니다. 출력 헤드가 tok_emb와 같은 Parameter를 쓰면 조회와 헤드 두 쓰임의 "
            "기울기가 한 텐서에 더해집니다(헤드를 복사하면 따로 쌓입니다). 계산 그래프를 끊지 않았는지도 확인하세요.")
    module_gradients_match(handle, model, (ids,), randn64(rng, 2, 6, GPT["vocab_size"]), "MiniGPT",
                           hints={"tok_emb.weight": tied})


# ----------------------------------------------------------------------------- count_parameters

@pytest.mark.cell("test_count_parameters")
@pytest.mark.points(7)
def test_count_parameters_small_models(student, ref):
    """파라미터 수 공식이 작은 모델들의 실제 파라미터 수와 같은지 확인합니다."""
    for config in ((11, 8, 12, 2, 20), (50, 16, 16, 3, 64), (7, 4, 8, 1, 5), (300, 32, 24, 5, 40)):
        assert_equal(student.count_parameters(*config), ref.count_parameters(*config),
                     hint="부품별로 세어 보세요: 블록마다 LayerNorm 2개(γ, β), 어텐션 투영 4개(가중치 + bias), "
                          "FFN 2층(가중치 + bias). d_ff는 인자로 받은 값을 쓰고, 공유된 헤드는 한 번만 셉니다.")


@pytest.mark.cell("test_count_parameters")
@pytest.mark.points(5)
def test_count_parameters_gpt2_small(student):
    """GPT-2 small 설정의 파라미터 수를 확인합니다."""
    assert_equal(student.count_parameters(50257, 1024, 768, 12, 3072), 124_439_808,
                 hint="GPT-2 small 설정의 파라미터 수가 틀립니다. 토큰 임베딩(= 출력 헤드), 위치 임베딩, "
                      "마지막 LayerNorm을 빠뜨리거나 두 번 세지 않았는지 확인하세요.")
