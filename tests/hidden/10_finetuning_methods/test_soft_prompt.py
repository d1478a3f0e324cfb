"""SoftPrompt: prepends the prompt, extends the mask with ones and the labels with -100; the prompt
is what trains; initialisation from text cycles / truncates the ids to n_virtual."""
from pathlib import Path

import pytest
import torch
from torch import nn

from grader.assignments import load_module_from
from grader.checks import assert_close, assert_equal, expect

small_models = load_module_from(Path(__file__).with_name("small_models.py"), "small_models_10")


pytestmark = pytest.mark.cell("test_soft_prompt")


@pytest.mark.points(5)
def test_prompt_tuning_shapes_and_values(student, rng):
    """가상 토큰을 앞에 붙이고, 마스크는 1로, 레이블은 -100으로 n_virtual만큼 늘려야 합니다."""
    prompt = student.SoftPrompt(5, 6)
    weight = torch.as_tensor(prompt.embedding.weight.detach())
    embeds = torch.as_tensor(rng.normal(0, 1, (3, 4, 6)), dtype=torch.float32)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]])
    labels = torch.tensor([[2, 7, 1, 3], [4, 5, -100, -100], [9, -100, -100, -100]])
    out_embeds, out_mask, out_labels = prompt(embeds, mask, labels)
    assert_equal(tuple(out_embeds.shape), (3, 9, 6), hint="임베딩의 모양은 (B, n_virtual + T, d)입니다.")
    assert_close(out_embeds, torch.cat([weight.expand(3, 5, 6), embeds], dim=1), atol=1e-6,
                 hint="가상 토큰을 입력 임베딩 **앞에** 붙여야 합니다 (배치의 모든 예제에 같은 프롬프트).")
    assert_equal(torch.as_tensor(out_mask).long().tolist(),
                 torch.cat([torch.ones(3, 5, dtype=torch.long), mask], dim=1).tolist(),
                 hint="어텐션 마스크도 앞에 1을 n_virtual개 붙여 늘려야 합니다.")
    assert_equal(torch.as_tensor(out_labels).long().tolist(),
                 torch.cat([torch.full((3, 5), -100), labels], dim=1).tolist(),
                 hint="레이블도 앞에 -100을 n_virtual개 붙여 늘려야 합니다 (가상 토큰은 손실에서 빠짐).")
    _, _, none = prompt(embeds, mask)
    expect(none is None, "labels를 주지 않으면 세 번째 값은 None이어야 합니다.")


@pytest.mark.points(5)
def test_prompt_tuning_trainable(student, rng):
    """프롬프트 튜닝에서는 소프트 프롬프트가 학습되고 GPT 본체는 그대로여야 합니다."""
    classifier = small_models.worker_classifier(student)
    prompt = student.SoftPrompt(4, small_models.D_MODEL)
    model = student.PromptTunedClassifier(classifier, prompt)
    before = model.state_dict()
    ids, mask, labels = small_models.classification_batch(rng)
    student.train_steps(model, (ids, mask), labels, 3, 0.05)
    after = model.state_dict()
    expect(not torch.allclose(torch.as_tensor(after["soft_prompt.embedding.weight"]),
                              torch.as_tensor(before["soft_prompt.embedding.weight"])),
           "학습한 뒤에도 소프트 프롬프트가 그대로입니다: 프롬프트 가중치를 떼어 내지(detach) 말고 "
           "학습되는 파라미터로 두세요.")
    assert_close(after["classifier.gpt.tok_emb.weight"], before["classifier.gpt.tok_emb.weight"], atol=0,
                 hint="GPT의 토큰 임베딩은 얼려 두어야 합니다.")


@pytest.mark.points(5)
def test_prompt_init_from_text(student, rng):
    """글로 초기화할 때 토큰 id가 모자라면 되풀이하고, 넘치면 앞의 n_virtual개만 써야 합니다."""
    embedding = nn.Embedding(10, 6)
    with torch.no_grad():
        embedding.weight.copy_(torch.as_tensor(rng.normal(0, 1, (10, 6)), dtype=torch.float32))
    table = embedding.weight.detach()
    prompt = student.SoftPrompt(7, 6)
    prompt.init_from_text([3, 1, 4], embedding)
    assert_close(prompt.embedding.weight.detach(), table[[3, 1, 4, 3, 1, 4, 3]], atol=1e-6,
                 hint="id 3개로 가상 토큰 7개를 채우려면 id를 처음부터 되풀이해야 합니다 (a b c a b c a).")
    short = student.SoftPrompt(2, 6)
    short.init_from_text([5, 6, 7], embedding)
    assert_close(short.embedding.weight.detach(), table[[5, 6]], atol=1e-6,
                 hint="id가 n_virtual보다 많으면 앞의 n_virtual개만 써야 합니다.")
    assert_equal(student.count_trainable_parameters(short), 2 * 6,
                 hint="글로 초기화한 뒤에도 가상 토큰은 학습되는 파라미터여야 합니다.")


@pytest.mark.points(1)
def test_prompt_follows_the_input_dtype(student, rng):
    """float16 입력 임베딩 앞에 붙인 가상 토큰도 float16으로 바뀌어, 이어 붙인 임베딩이 float16인지 확인합니다."""
    prompt = student.SoftPrompt(3, 4)
    weight = torch.as_tensor(prompt.embedding.weight.detach())
    embeds = torch.as_tensor(rng.normal(0, 1, (2, 5, 4)), dtype=torch.float16)
    out, mask, _ = prompt(embeds, torch.ones(2, 5, dtype=torch.long))
    out = torch.as_tensor(out)
    expect(out.dtype == torch.float16,
           "가상 토큰을 input_embeds의 dtype으로 바꿔 붙이세요 (float16 입력이면 float16 임베딩).")
    assert_close(out.float(), torch.cat([weight.half().expand(2, 3, 4), embeds], dim=1).float(), atol=0,
                 hint="가상 토큰을 입력 임베딩 앞에 붙여야 합니다 (배치의 모든 예제에 같은 프롬프트).")
    assert_equal(torch.as_tensor(mask).long().tolist(), [[1] * 8] * 2,
                 hint="어텐션 마스크도 앞에 1을 n_virtual개 붙여 늘려야 합니다.")
