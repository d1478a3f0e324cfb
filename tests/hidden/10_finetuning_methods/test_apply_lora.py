"""apply_lora: every nn.Linear whose qualified name ends with a target (nested too), nothing else;
every other parameter frozen."""
import pytest
import torch
from torch import nn

from grader.checks import assert_close, assert_equal, expect

pytestmark = pytest.mark.cell("test_apply_lora")


def _model():
    torch.manual_seed(0)
    layer = lambda: nn.ModuleDict({"q_proj": nn.Linear(6, 4), "k_proj": nn.Linear(6, 4),  # noqa: E731
                                   "v_proj": nn.Linear(6, 5)})
    return nn.ModuleDict({"layers": nn.ModuleList([layer(), layer()]),
                          "v_proj": nn.Linear(3, 2), "norm": nn.LayerNorm(6), "head": nn.Linear(6, 3)})


WRAPPED = {"layers.0.q_proj", "layers.0.v_proj", "layers.1.q_proj", "layers.1.v_proj", "v_proj"}


@pytest.mark.points(4)
def test_replace_counts(student):
    """이름이 대상 이름으로 끝나는 모든 nn.Linear(중첩된 것까지)를, 그리고 그것만 감싸야 합니다."""
    model = student.apply_lora(_model(), ["q_proj", "v_proj"], 2, 4)
    state = model.state_dict()
    wrapped = {name.rsplit(".", 1)[0] for name in state if name.endswith(".lora_A") or name == "lora_A"}
    assert_equal(sorted(wrapped), sorted(WRAPPED),
                 hint="감싼 층의 목록이 다릅니다: 중첩된 모듈까지 named_modules()로 찾고, 대상이 아닌 층"
                      "(헤드 등)과 새로 만든 LoRALinear 안의 base는 감싸지 마세요.")
    assert_equal(tuple(state["layers.1.v_proj.lora_B"].shape), (5, 2),
                 hint="각 층의 lora_B 모양은 (그 층의 out_features, r)입니다.")


@pytest.mark.points(3)
def test_everything_else_frozen(student, rng):
    """apply_lora 뒤에는 LoRA 파라미터만 학습되고, 감싼 층의 출력은 처음에 그대로여야 합니다."""
    original = _model()
    model = student.apply_lora(_model(), ["q_proj", "v_proj"], 2, 4)
    expected = sorted(f"{name}.{p}" for name in WRAPPED for p in ("lora_A", "lora_B"))
    assert_equal(student.trainable_parameter_names(model), expected,
                 hint="LoRA 파라미터 말고는 모두 얼려야 합니다 (requires_grad=False).")
    x = torch.as_tensor(rng.normal(0, 1, (2, 6)), dtype=torch.float32)
    assert_close(model.get_submodule("layers.1.v_proj")(x), original["layers"][1]["v_proj"](x).detach(),
                 atol=1e-6, hint="감싼 층은 처음에 원래 층과 같은 출력을 내야 합니다.")


def _name_trap():
    torch.manual_seed(1)
    return nn.ModuleDict({
        "attn": nn.ModuleDict({"v_proj": nn.Linear(4, 3), "kv_proj": nn.Linear(4, 5)}),
        "norm": nn.ModuleDict({"v_proj": nn.LayerNorm(4)}),   # named like a target, but not an nn.Linear
        "v_proj_head": nn.Linear(4, 2),                        # the target name is only a prefix here
    })


@pytest.mark.points(3)
def test_target_names_match_whole_name_parts(student):
    """대상 이름이 전체 이름의 마지막 부분과 통째로 같은 nn.Linear만 감싸는지 확인합니다 (kv_proj, v_proj_head, LayerNorm은 그대로)."""
    model = student.apply_lora(_name_trap(), ["v_proj"], 2, 3)
    state = model.state_dict()
    wrapped = sorted(name.rsplit(".", 1)[0] for name in state if name.endswith("lora_A"))
    assert_equal(wrapped, ["attn.v_proj"],
                 hint="이름이 대상 이름과 같거나 \".\" + 대상 이름으로 끝나는 nn.Linear만 감싸세요 "
                      "(\"kv_proj\"는 \"v_proj\"로 끝나지만 대상이 아니고, nn.Linear가 아닌 층도 감싸지 않습니다).")
    assert_equal(student.trainable_parameter_names(model), ["attn.v_proj.lora_A", "attn.v_proj.lora_B"],
                 hint="LoRA 파라미터 말고는 모두 얼려야 합니다.")


@pytest.mark.points(2)
def test_wrapped_layers_get_r_alpha_and_dropout(student, rng):
    """apply_lora가 감싼 층마다 받은 r와 alpha(scaling = alpha / r)를, dropout은 주면 그 값(학습 모드에서만)을, 주지 않으면 0을 쓰는지 확인합니다."""
    original = _model()["layers"][1]["v_proj"]
    a = torch.as_tensor(rng.normal(0, 1, (2, 6)), dtype=torch.float32)
    b = torch.as_tensor(rng.normal(0, 1, (5, 2)), dtype=torch.float32)
    x = torch.as_tensor(rng.normal(0, 1, (16, 6)), dtype=torch.float32) + 2.0
    plain = (original(x) + (x @ a.T @ b.T) * 1.5).detach()
    layers = {}
    for dropout in (None, 0.5):
        args = (2, 3) if dropout is None else (2, 3, dropout)
        model = student.apply_lora(_model(), ["q_proj", "v_proj"], *args)
        layer = model.get_submodule("layers.1.v_proj")
        assert_close(float(layer.scaling), 1.5, atol=1e-12,
                     hint="감싼 층의 scaling은 apply_lora가 받은 alpha / r (여기서는 3 / 2)이어야 합니다.")
        layer.load_state_dict({"lora_A": a, "lora_B": b}, strict=False)
        layer.train()
        layers[dropout] = layer
    assert_close(layers[None](x), plain, atol=1e-5, rtol=1e-5,
                 hint="dropout을 주지 않으면 학습 모드에서도 드롭아웃이 없어야 합니다 (기본값 0.0).")
    expect(not torch.allclose(torch.as_tensor(layers[0.5](x)), plain, atol=1e-3),
           "apply_lora(..., dropout=0.5)로 감싼 층은 학습 모드에서 A의 입력에 드롭아웃을 적용해야 합니다: "
           "받은 dropout을 LoRALinear에 넘기세요.")
    layers[0.5].eval()
    assert_close(layers[0.5](x), plain, atol=1e-5, rtol=1e-5,
                 hint="평가 모드에서는 드롭아웃이 없어야 합니다.")
