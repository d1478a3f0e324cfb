"""Partial fine-tuning (freeze_lower_layers): exactly the expected trainable names, and frozen
parameters bitwise unchanged after AdamW steps with weight decay."""
import pytest
import torch

from grader.assignments import load_solution
from grader.checks import assert_close, assert_equal, expect

# Small models built inside the worker from the notebook's given code (08's MiniGPT, GPTClassifier);
# shape hygiene: vocabulary 13, context 11, d_model 8, 3 blocks, batch 3, length 5, 3 classes.
VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF, N_CLASSES = 13, 11, 8, 3, 2, 12, 3


def worker_classifier(student):
    """The student's GPTClassifier around a MiniGPT (both given code in the notebook)."""
    gpt = student.MiniGPT(VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF)
    return student.GPTClassifier(gpt, N_CLASSES)


def host_classifier():
    """The same architecture on the grader's side (for parameter names only)."""
    gpt = load_solution("08_transformer_block").MiniGPT(VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF)
    return load_solution("10_finetuning_methods").GPTClassifier(gpt, N_CLASSES)


def classification_batch(rng):
    ids = torch.as_tensor(rng.integers(0, VOCAB, (3, 5)))
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0]])
    labels = torch.as_tensor(rng.integers(0, N_CLASSES, 3))
    return ids, mask, labels


pytestmark = pytest.mark.cell("test_freeze")


def _expected(n_trainable_blocks):
    model = host_classifier()
    n_layers = len(model.gpt.blocks)
    keep = [f"gpt.blocks.{i}." for i in range(n_layers - n_trainable_blocks, n_layers)] + ["gpt.ln_f.", "head."]
    return sorted(name for name, _ in model.named_parameters() if any(name.startswith(k) for k in keep))


@pytest.mark.points(3)
@pytest.mark.parametrize("n_trainable_blocks", [1, 2, 0])
def test_trainable_param_names(student, n_trainable_blocks):
    """위쪽 n개 블록, 마지막 LayerNorm, 분류 헤드만 학습되어야 합니다 (임베딩과 아래 블록은 얼림)."""
    model = worker_classifier(student)
    student.freeze_lower_layers(model, n_trainable_blocks)
    assert_equal(student.trainable_parameter_names(model), _expected(n_trainable_blocks),
                 hint="학습되는 파라미터 이름이 다릅니다: 블록 인덱스(위쪽 n개 = blocks[L-n:], n = 0이면 "
                      "없음)와 새 분류 헤드를 학습하는지 확인하세요.")


@pytest.mark.points(7)
def test_frozen_params_bitwise_unchanged(student, rng):
    """AdamW(weight_decay=0.1)로 몇 걸음 학습한 뒤에도 얼린 파라미터는 비트 하나 바뀌지 않아야 합니다."""
    model = worker_classifier(student)
    student.freeze_lower_layers(model, 1)
    before = model.state_dict()
    ids, mask, labels = classification_batch(rng)
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
