"""LoRALinear: identity at init, scale alpha / r, learning signal, frozen base, dropout position,
merge / unmerge — on non-square layers (in != out != r)."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from grader.checks import assert_close, assert_equal, expect

pytestmark = pytest.mark.cell("test_lora")


def _linear(rng, n_in, n_out):
    layer = nn.Linear(n_in, n_out)
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(rng.normal(0, 0.5, (n_out, n_in)), dtype=torch.float32))
        layer.bias.copy_(torch.as_tensor(rng.normal(0, 0.5, n_out), dtype=torch.float32))
    return layer


def _x(rng, *shape):
    return torch.as_tensor(rng.normal(0, 1, shape), dtype=torch.float32)


def _set_ab(student_layer, rng, r, n_in, n_out):
    a = _x(rng, r, n_in)
    b = _x(rng, n_out, r)
    student_layer.load_state_dict({"lora_A": a, "lora_B": b}, strict=False)
    return a, b


@pytest.mark.points(5)
def test_lora_identity_at_init(student, rng):
    """처음 만든 LoRALinear의 출력은 감싼 base 층의 출력과 정확히 같아야 합니다 (B = 0)."""
    base = _linear(rng, 5, 3)
    layer = student.LoRALinear(base, 4, 8)
    x = _x(rng, 7, 5)
    assert_equal(tuple(layer.lora_A.detach().shape), (4, 5), hint="lora_A의 모양은 (r, in_features)입니다.")
    assert_equal(tuple(layer.lora_B.detach().shape), (3, 4), hint="lora_B의 모양은 (out_features, r)입니다.")
    assert_close(layer(x), base(x).detach(), atol=0, rtol=0,
                 hint="처음에는 base와 같은 출력이어야 합니다: lora_B를 0으로 초기화했는지 확인하세요.")
    expect(bool((torch.as_tensor(layer.lora_B.detach()) == 0).all()), "lora_B는 0으로 초기화해야 합니다.")


@pytest.mark.points(6)
def test_lora_scaling(student, rng):
    """출력은 base(x) + x·Aᵀ·Bᵀ·(alpha / r)이어야 합니다."""
    base = _linear(rng, 6, 4)
    layer = student.LoRALinear(base, 4, 8)
    assert_close(float(layer.scaling), 2.0, atol=1e-12, hint="scaling = alpha / r 입니다.")
    a, b = _set_ab(layer, rng, 4, 6, 4)
    x = _x(rng, 2, 3, 6)
    expected = base(x).detach() + (x @ a.T @ b.T) * 2.0
    assert_close(layer(x), expected, atol=1e-5, rtol=1e-5,
                 hint="LoRA 갱신 x·Aᵀ·Bᵀ에는 scaling = alpha / r을 곱합니다.",
                 likely={"LoRA 갱신에 alpha / r 대신 alpha를 곱했습니다.":
                         base(x).detach() + (x @ a.T @ b.T) * 8.0,
                         "LoRA 갱신에 alpha / r 대신 alpha / √r을 곱했습니다.":
                         base(x).detach() + (x @ a.T @ b.T) * 4.0})


@pytest.mark.points(6)
def test_lora_grad_flows_and_a_is_kaiming(student, rng):
    """A는 0이 아닌 Kaiming 균등 분포로 초기화해, 첫 걸음부터 B가 학습되어야 합니다."""
    base = _linear(rng, 6, 4)
    layer = student.LoRALinear(base, 3, 3)
    x = _x(rng, 8, 6)
    labels = torch.as_tensor(rng.integers(0, 4, 8))
    student.train_steps(layer, (x,), labels, 1, 0.1)
    expect(float(torch.as_tensor(layer.lora_B.detach()).abs().max()) > 0,
           "한 번 학습한 뒤 lora_B가 바뀌지 않았습니다: lora_B의 기울기는 lora_A를 거쳐 흐르므로 lora_A는 0이 아닌 값으로 초기화합니다.")
    big = student.LoRALinear(nn.Linear(256, 48), 16, 16)
    values = np.sort(torch.as_tensor(big.lora_A.detach()).double().numpy().ravel())
    bound = 1 / math.sqrt(256)
    expect(values.min() >= -bound - 1e-7 and values.max() <= bound + 1e-7,
           "lora_A는 PEFT처럼 kaiming_uniform_(a=√5), 즉 U(-1/√in, 1/√in)로 초기화해야 합니다.")
    cdf = (values + bound) / (2 * bound)
    n = len(values)
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    expect(ks < 2.0 / math.sqrt(n), "lora_A의 값이 균등 분포 U(-1/√in, 1/√in)처럼 퍼져 있지 않습니다.")


@pytest.mark.points(6)
def test_lora_base_frozen(student, rng):
    """base 층은 얼리고(requires_grad=False) lora_A, lora_B만 학습해야 합니다."""
    base = _linear(rng, 7, 5)
    layer = student.LoRALinear(base, 2, 4)
    assert_equal(student.trainable_parameter_names(layer), ["lora_A", "lora_B"],
                 hint="학습되는 파라미터는 lora_A와 lora_B뿐이어야 합니다: base를 얼렸는지 확인하세요.")
    assert_equal(student.count_trainable_parameters(layer), 2 * (7 + 5),
                 hint="학습되는 원소 수는 r·(in + out)이어야 합니다.")
    x = _x(rng, 6, 7)
    student.train_steps(layer, (x,), torch.as_tensor(rng.integers(0, 5, 6)), 3, 0.05, 0.1)
    assert_close(layer.base.weight.detach(), base.weight.detach(), atol=0, rtol=0,
                 hint="학습한 뒤 base의 가중치가 바뀌었습니다: base를 얼렸는지 확인하세요.")


@pytest.mark.points(6)
def test_lora_dropout_position(student, rng):
    """드롭아웃을 A에 들어가는 입력 x에만(학습 모드에서만) 적용하는지 확인합니다."""
    n_in, n_out, r = 4, 6, 4
    base = _linear(rng, n_in, n_out)
    layer = student.LoRALinear(base, r, r, 0.5)
    b = _x(rng, n_out, r)
    layer.load_state_dict({"lora_A": torch.eye(r), "lora_B": b}, strict=False)
    x = _x(rng, 16, n_in) + 3.0
    layer.train()
    delta = torch.as_tensor(layer(x)).double() - base(x).detach().double()
    # delta = dropout(x) @ Bᵀ (A = I, scaling 1): recover dropout(x), whose entries are 0 or 2·x
    z = torch.linalg.lstsq(b.double(), delta.T).solution.T
    x64 = x.double()
    kept = (z - 2 * x64).abs() < 1e-3
    dropped = z.abs() < 1e-3
    expect(bool((kept | dropped).all()) and bool(kept.any()) and bool(dropped.any()),
           "학습 모드의 LoRA 갱신이 dropout(x)·Aᵀ·Bᵀ·scaling과 맞지 않습니다: 드롭아웃을 A의 입력에 적용하세요.")
    layer.eval()
    assert_close(layer(x), (base(x) + x @ b.T).detach(), atol=1e-4, rtol=1e-5,
                 hint="평가 모드에서는 드롭아웃이 없어야 합니다 (nn.Dropout을 쓰세요).")


@pytest.mark.points(7)
def test_lora_merge_unmerge(student, rng):
    """merge()는 W + B·A·scaling을 접어 넣고(두 번 해도 한 번), unmerge()는 W를 되돌려야 합니다."""
    base = _linear(rng, 5, 3)
    w0 = base.weight.detach().clone()
    layer = student.LoRALinear(base, 2, 6)
    a, b = _set_ab(layer, rng, 2, 5, 3)
    x = _x(rng, 4, 5)
    before = torch.as_tensor(layer(x))
    expect(layer.merged is False, "처음에는 merged가 False여야 합니다.")
    layer.merge()
    expect(layer.merged is True, "merge() 뒤에는 merged가 True여야 합니다.")
    assert_close(layer.base.weight.detach(), w0 + 3.0 * (b @ a), atol=1e-5, rtol=1e-5,
                 hint="merge()는 base.weight에 (B @ A) · scaling을 더해야 합니다 (모양 (out, in)).")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5,
                 hint="merge() 뒤의 출력이 합치기 전과 달라졌습니다: 합친 뒤에는 LoRA 갱신이 가중치 안에서 한 번만 더해집니다.")
    layer.merge()
    assert_close(layer.base.weight.detach(), w0 + 3.0 * (b @ a), atol=1e-5, rtol=1e-5,
                 hint="merge()를 두 번 불러도 한 번 부른 것과 같아야 합니다.")
    layer.unmerge()
    expect(layer.merged is False, "unmerge() 뒤에는 merged가 False여야 합니다.")
    assert_close(layer.base.weight.detach(), w0, atol=1e-6, rtol=0,
                 hint="unmerge()는 merge()가 더한 것을 정확히 빼서 원래 가중치로 돌려야 합니다.")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, hint="unmerge() 뒤의 출력이 처음과 달라졌습니다.")


@pytest.mark.points(3)
def test_lora_scaling_is_a_true_division(student, rng):
    """alpha가 r로 나누어떨어지지 않을 때(r = 4, alpha = 6) scaling = 1.5이고 출력에 그 값을 쓰는지 확인합니다."""
    base = _linear(rng, 5, 7)
    layer = student.LoRALinear(base, 4, 6)
    assert_close(float(layer.scaling), 1.5, atol=1e-12,
                 hint="scaling = alpha / r는 실수 나눗셈입니다 (정수 나눗셈 // 을 쓰면 6 // 4 = 1이 됩니다).")
    a, b = _set_ab(layer, rng, 4, 5, 7)
    x = _x(rng, 3, 5)
    assert_close(layer(x), base(x).detach() + (x @ a.T @ b.T) * 1.5, atol=1e-5, rtol=1e-5,
                 hint="LoRA 갱신에 scaling = alpha / r (여기서는 1.5)을 곱하세요.")


# AdamW with betas (0, 0) and lr = eps = 1e8 moves each parameter by lr·g / (|g| + eps) = g (to float32
# precision): one step of train_steps (the notebook's given AdamW) reveals the gradient itself.
GRADIENT_STEP = dict(steps=1, lr=1e8, weight_decay=0.0, betas=(0.0, 0.0), eps=1e8)


def _one_gradient_step(train_steps, layer, x, labels):
    s = GRADIENT_STEP
    train_steps(layer, (x,), labels, s["steps"], s["lr"], s["weight_decay"], s["betas"], s["eps"])


@pytest.mark.points(4)
def test_lora_gradients_reach_a_and_b(student, ref, rng):
    """역전파한 손실의 기울기가 lora_A와 lora_B에 모두 (수식대로) 전해지는지 확인합니다."""
    base = _linear(rng, 6, 4)
    a, b = _x(rng, 3, 6), _x(rng, 4, 3)
    x, labels = _x(rng, 8, 6), torch.as_tensor(rng.integers(0, 4, 8))
    mine = ref.LoRALinear(_copy(base), 3, 5)
    mine.load_state_dict({"lora_A": a, "lora_B": b}, strict=False)
    _one_gradient_step(ref.train_steps, mine, x, labels)
    layer = student.LoRALinear(_copy(base), 3, 5)
    layer.load_state_dict({"lora_A": a, "lora_B": b}, strict=False)
    _one_gradient_step(student.train_steps, layer, x, labels)
    got_b = torch.as_tensor(layer.lora_B.detach())
    expect(not torch.equal(got_b, b),
           "lora_B에 기울기가 전해지지 않았습니다: 순전파에서 lora_B를 detach()하거나 .data로 쓰지 마세요.")
    assert_close(got_b, mine.lora_B.detach(), atol=1e-5,
                 hint="lora_B의 기울기가 수식과 다릅니다: 출력 = base(x) + dropout(x)·Aᵀ·Bᵀ·scaling 을 그대로 계산하세요.")
    got_a = torch.as_tensor(layer.lora_A.detach())
    expect(not torch.equal(got_a, a),
           "lora_A에 기울기가 전해지지 않았습니다: 순전파에서 lora_A를 detach()하거나 .data로 쓰지 마세요.")
    assert_close(got_a, mine.lora_A.detach(), atol=1e-5,
                 hint="lora_A의 기울기가 수식과 다릅니다: 출력 = base(x) + dropout(x)·Aᵀ·Bᵀ·scaling 을 그대로 계산하세요.")


def _copy(layer):
    twin = nn.Linear(layer.in_features, layer.out_features)
    twin.load_state_dict(layer.state_dict())
    return twin


@pytest.mark.points(2)
def test_lora_keeps_the_base_dtype(student, rng):
    """float64 base를 감싸면 lora_A, lora_B와 출력도 float64인지 확인합니다."""
    base = _linear(rng, 5, 3).double()
    layer = student.LoRALinear(base, 2, 3)
    dtypes = {torch.as_tensor(layer.lora_A.detach()).dtype, torch.as_tensor(layer.lora_B.detach()).dtype}
    expect(dtypes == {torch.float64},
           "lora_A와 lora_B는 base.weight와 같은 dtype으로 만드세요 (dtype=base.weight.dtype).")
    x = torch.as_tensor(rng.normal(0, 1, (4, 5)), dtype=torch.float64)
    b = torch.as_tensor(rng.normal(0, 1, (3, 2)), dtype=torch.float64)
    layer.load_state_dict({"lora_B": b}, strict=False)
    a = torch.as_tensor(layer.lora_A.detach())
    got = torch.as_tensor(layer(x))
    expect(got.dtype == torch.float64, "float64 입력과 float64 base의 출력은 float64여야 합니다.")
    assert_close(got, base(x).detach() + (x @ a.T @ b.T) * 1.5, atol=1e-12,
                 hint="float64 모델에서도 base(x) + x·Aᵀ·Bᵀ·scaling을 float64로 계산하세요.")
