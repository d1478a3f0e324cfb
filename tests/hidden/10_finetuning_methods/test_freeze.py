"""Partial fine-tuning (freeze_lower_layers): exactly the expected trainable names, and frozen
parameters bitwise unchanged after AdamW steps with weight decay."""
from pathlib import Path

import pytest
import torch

from grader.assignments import load_module_from
from grader.checks import assert_close, assert_equal, expect

small_models = load_module_from(Path(__file__).with_name("small_models.py"), "small_models_10")


pytestmark = pytest.mark.cell("test_freeze")


def _expected(n_trainable_blocks):
    model = small_models.host_classifier()
    n_layers = len(model.gpt.blocks)
    keep = [f"gpt.blocks.{i}." for i in range(n_layers - n_trainable_blocks, n_layers)] + ["gpt.ln_f.", "head."]
    return sorted(name for name, _ in model.named_parameters() if any(name.startswith(k) for k in keep))


@pytest.mark.points(3)
@pytest.mark.parametrize("n_trainable_blocks", [1, 2, 0])
def test_trainable_param_names(student, n_trainable_blocks):
    """위쪽 n개 블록, 마지막 LayerNorm, 분류 헤드만 학습되어야 합니다 (임베딩과 아래 블록은 얼림)."""
    model = small_models.worker_classifier(student)
    student.freeze_lower_layers(model, n_trainable_blocks)
    assert_equal(student.trainable_parameter_names(model), _expected(n_trainable_blocks),
                 hint="학습되는 파라미터 이름이 다릅니다: 블록 인덱스(위쪽 n개 = blocks[L-n:], n = 0이면 "
                      "없음)와 새 분류 헤드를 학습하는지 확인하세요.")


@pytest.mark.points(6)
def test_frozen_params_bitwise_unchanged(student, rng):
    """AdamW(weight_decay=0.1)로 몇 걸음 학습한 뒤에도 얼린 파라미터는 비트 하나 바뀌지 않아야 합니다."""
    model = small_models.worker_classifier(student)
    student.freeze_lower_layers(model, 1)
    before = model.state_dict()
    ids, mask, labels = small_models.classification_batch(rng)
    student.train_steps(model, (ids, mask), labels, 5, 0.01, 0.1)
    after = model.state_dict()
    trainable = set(_expected(1))
    for name, value in before.items():
        if name in trainable or name == "gpt.head.weight":
            continue
        assert_close(after[name], value, atol=0, rtol=0,
                     hint="얼린 파라미터가 학습 중에 바뀌었습니다: 기울기를 0으로 만드는 대신 "
                          "requires_grad=False로 얼리세요 (AdamW의 가중치 감쇠는 기울기가 0이어도 움직입니다).")
    expect(not torch.equal(torch.as_tensor(after["head.weight"]), torch.as_tensor(before["head.weight"])),
           "분류 헤드는 학습되어야 합니다.")
