"""Data side of fine-tuning: stratified split, padding collate, SFT examples, masked mean, pooling."""
import numpy as np
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect


def _ints(value):
    return sorted(int(i) for i in np.asarray(value).reshape(-1))


# ----------------------------------------------------------------------------- stratified_split

def _imbalanced_labels(rng):
    # 3 classes, 60 / 27 / 13 examples, shuffled: a plain random split misses the small class's share
    labels = np.array([0] * 60 + [1] * 27 + [2] * 13)
    return rng.permutation(labels)


@pytest.mark.cell("test_stratified_split")
@pytest.mark.points(2)
def test_split_is_disjoint_and_complete(student, rng):
    """학습용과 평가용 인덱스는 겹치지 않고, 합치면 모든 인덱스가 한 번씩 나와야 합니다."""
    labels = _imbalanced_labels(rng)
    train, test = student.stratified_split(labels, 0.25, 3)
    train, test = _ints(train), _ints(test)
    expect(not set(train) & set(test), "학습용과 평가용에 같은 인덱스가 들어 있습니다.")
    assert_equal(sorted(train + test), list(range(len(labels))),
                 hint="두 인덱스 묶음을 합치면 0..N-1이 빠짐없이 한 번씩 나와야 합니다.")
    assert_equal(len(test), 25, hint="test_size가 비율이면 평가용 개수는 ceil(test_size · N)입니다.")


@pytest.mark.cell("test_stratified_split")
@pytest.mark.points(3)
def test_split_keeps_class_shares(student, rng):
    """평가용의 클래스별 개수가 전체 비율에서 한 개 넘게 벗어나지 않는지 확인합니다 (층화 분할)."""
    for seed, test_size in ((0, 0.3), (1, 0.2), (2, 0.5), (5, 17)):
        labels = _imbalanced_labels(np.random.default_rng(seed))
        train, test = student.stratified_split(labels, test_size, seed)
        test = np.asarray(_ints(test))
        n_test = len(test)
        for c, n_c in zip(*np.unique(labels, return_counts=True)):
            got = int(np.sum(labels[test] == c))
            expect(abs(got - n_test * n_c / len(labels)) < 1,
                   "평가용 안의 클래스 개수가 전체 비율과 맞지 않습니다: 클래스마다 따로 나눠 고르세요.")
        expect(n_test == (int(np.ceil(test_size * len(labels))) if isinstance(test_size, float) else test_size),
               "평가용 개수가 test_size와 맞지 않습니다 (비율이면 올림, 정수면 그 개수).")


@pytest.mark.cell("test_stratified_split")
@pytest.mark.points(2)
def test_split_is_deterministic_per_seed(student, rng):
    """같은 시드면 같은 분할, 다른 시드면 (대개) 다른 분할이어야 합니다."""
    labels = _imbalanced_labels(rng)
    a = _ints(student.stratified_split(labels, 0.3, 11)[1])
    b = _ints(student.stratified_split(labels, 0.3, 11)[1])
    c = _ints(student.stratified_split(labels, 0.3, 12)[1])
    assert_equal(a, b, hint="같은 seed로 두 번 나누면 결과가 같아야 합니다 (전역 난수 대신 seed로 만든 생성기).")
    expect(a != c, "seed가 바뀌어도 분할이 그대로입니다: 클래스 안에서 seed로 섞어 고르세요.")


# ----------------------------------------------------------------------------- collate

@pytest.mark.cell("test_collate")
@pytest.mark.points(4)
def test_collate_right_pads_with_mask(student, ref):
    """collate는 가장 긴 길이에 맞춰 오른쪽에 pad_id를 채우고 실제 토큰 자리만 마스크 1인, 둘 다 torch.long인 텐서를 돌려줘야 합니다."""
    sequences = [[5, 3, 8], [7], [2, 9, 4, 1, 6], [3, 3]]
    got_ids, got_mask = student.collate(sequences, 10)
    want_ids, want_mask = ref.collate(sequences, 10)
    assert_close(torch.as_tensor(got_ids), want_ids, hint="input_ids: 오른쪽에 pad_id를 채웠는지, 길이가 가장 긴 문장과 같은지 확인하세요.")
    assert_close(torch.as_tensor(got_mask), want_mask, hint="attention_mask는 실제 토큰 1, 패딩 0입니다.")
    expect(torch.as_tensor(got_ids).dtype == torch.long and torch.as_tensor(got_mask).dtype == torch.long,
           "input_ids와 attention_mask는 둘 다 torch.long 텐서로 돌려주세요.")


# ----------------------------------------------------------------------------- SFT examples

def _sft(student, ref, prompts, outputs, pad_id):
    got = student.tokenize_prompt_and_output(prompts, outputs, pad_id)
    want = ref.tokenize_prompt_and_output(prompts, outputs, pad_id)
    expect(isinstance(got, dict) and {"input_ids", "labels", "response_mask"} <= set(got),
           "tokenize_prompt_and_output는 input_ids, labels, response_mask 키의 dict를 돌려줘야 합니다.")
    return got, want


@pytest.mark.cell("test_tokenize_prompt_and_output")
@pytest.mark.points(4)
def test_tokenize_prompt_and_output(student, ref):
    """프롬프트 + 응답을 한 칸 밀어 input_ids / labels를 만들고, 응답 토큰을 예측하는 자리만 마스크 1이어야 합니다 (셋 다 torch.long)."""
    prompts = [[11, 12, 13, 14], [21, 22], [31, 32, 33]]
    outputs = [[15, 16], [23, 24, 25, 26], [34]]
    got, want = _sft(student, ref, prompts, outputs, 0)
    expect(tuple(torch.as_tensor(got["input_ids"]).shape) == tuple(want["input_ids"].shape),
           "모양은 (B, 가장 긴 (프롬프트 + 응답) 길이 - 1)입니다.")
    # Real positions only: whether the pad area repeats the last token (pad first, then shift) or
    # holds pad_id is a convention; the response mask is 0 there either way.
    real = torch.tensor([[t < len(p) + len(o) - 1 for t in range(want["input_ids"].shape[1])]
                         for p, o in zip(prompts, outputs)])
    assert_close(torch.as_tensor(got["input_ids"])[real], want["input_ids"][real],
                 hint="input_ids = (프롬프트 + 응답)[:-1] 입니다.")
    assert_close(torch.as_tensor(got["labels"])[real], want["labels"][real],
                 hint="labels = (프롬프트 + 응답)[1:] — 입력보다 한 칸 앞선 토큰입니다.")
    assert_close(torch.as_tensor(got["response_mask"]).long(), want["response_mask"],
                 hint="손실은 응답 토큰에서만 계산합니다: 프롬프트를 예측하는 자리와 패딩은 마스크 0이어야 합니다.")
    expect(all(torch.as_tensor(got[key]).dtype == torch.long for key in ("input_ids", "labels", "response_mask")),
           "input_ids, labels, response_mask는 모두 torch.long 텐서로 돌려주세요.")


@pytest.mark.cell("test_tokenize_prompt_and_output")
@pytest.mark.points(3)
def test_response_mask_after_the_shift(student, ref):
    """토큰 3개짜리 프롬프트: 레이블이 한 칸 밀렸으므로 위치 2(프롬프트의 마지막)부터 마스크 1이어야 합니다."""
    got, want = _sft(student, ref, [[7, 8, 9]], [[4, 5, 6, 3]], 1)
    assert_close(torch.as_tensor(got["response_mask"]).long(), want["response_mask"],
                 hint="레이블은 한 칸 밀려 있습니다: 응답의 첫 토큰은 프롬프트의 마지막 위치(P - 1)에서 예측합니다.")


# ----------------------------------------------------------------------------- collate_lm

@pytest.mark.cell("test_collate_lm")
@pytest.mark.points(5)
def test_collate_keeps_first_eos(student, ref):
    """레이블에서 문장 끝의 첫 EOS는 남기고, 그 뒤의 패딩만 -100이어야 합니다 (모델이 멈추는 법을 배움; 세 텐서 모두 torch.long)."""
    sequences = [[4, 5, 6], [7, 8, 9, 2, 3], [1]]
    got = student.collate_lm(sequences, 0)
    want = ref.collate_lm(sequences, 0)
    expect(isinstance(got, dict) and {"input_ids", "labels", "attention_mask"} <= set(got),
           "collate_lm은 input_ids, labels, attention_mask 키의 dict를 돌려줘야 합니다.")
    labels = torch.as_tensor(got["labels"])
    expect(tuple(labels.shape) == tuple(want["labels"].shape), "labels의 모양이 (B, 가장 긴 길이)가 아닙니다.")
    first_eos = [int(labels[b, len(s) - 1]) for b, s in enumerate(sequences)]
    expect(first_eos == [0, 0, 0], "문장 끝의 첫 EOS까지 -100으로 가렸습니다: 첫 EOS는 레이블로 남겨야 합니다.")
    assert_close(labels, want["labels"],
                 hint="첫 EOS 뒤의 패딩 레이블은 -100이어야 합니다 (패딩까지 학습하지 않도록).")
    assert_close(torch.as_tensor(got["input_ids"]), want["input_ids"],
                 hint="input_ids = (문장 + EOS 패딩)[:-1] 입니다.")
    assert_close(torch.as_tensor(got["attention_mask"]).long(), want["attention_mask"],
                 hint="attention_mask는 실제 토큰 자리만 1입니다.")
    expect(all(torch.as_tensor(got[key]).dtype == torch.long for key in ("input_ids", "labels", "attention_mask")),
           "input_ids, labels, attention_mask는 모두 torch.long 텐서로 돌려주세요.")


# ----------------------------------------------------------------------------- masked_mean

@pytest.mark.cell("test_masked_mean")
@pytest.mark.points(5)
def test_masked_mean_dims(student, ref, rng):
    """masked_mean은 마스크가 1인 원소의 합을 마스크의 합(1인 개수)으로 나눠야 합니다 (dim 0, 1, -1, None)."""
    x = torch.tensor(rng.normal(size=(4, 7)), dtype=torch.float32)
    mask = torch.tensor(rng.random((4, 7)) < 0.6)
    mask[:, 0] = True
    mask[0, :] = True
    for dim in (None, 0, 1, -1):
        got = student.masked_mean(x, mask, dim)
        assert_close(torch.as_tensor(got, dtype=torch.float64), ref.masked_mean(x, mask, dim).double(),
                     atol=1e-5, hint="분모는 전체 원소 수가 아니라 마스크가 1인 원소 수(그 축을 따라)입니다.")


# ----------------------------------------------------------------------------- pool_last_token

@pytest.mark.cell("test_pool_last_token")
@pytest.mark.points(5)
def test_classifier_uses_last_token(student, ref, rng):
    """오른쪽 패딩 배치에서 문장마다 마지막 실제 토큰의 은닉 상태를 골라야 합니다 (첫 토큰도, 패딩도 아님)."""
    hidden = torch.tensor(rng.normal(size=(4, 6, 5)), dtype=torch.float32)
    mask = torch.tensor([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
    got = student.pool_last_token(hidden, mask)
    assert_close(torch.as_tensor(got), ref.pool_last_token(hidden, mask), atol=1e-6,
                 hint="마지막 실제 토큰의 위치는 (마스크의 합 - 1)입니다: 위치 0이나 마지막 열(패딩)이 아닙니다.")


# ----------------------------------------------------------------------------- sentinels that are also data

@pytest.mark.cell("test_collate")
@pytest.mark.points(2)
def test_collate_pad_id_also_a_token(student, ref):
    """pad_id와 같은 값이 실제 토큰으로도 나올 때 attention_mask가 값이 아니라 문장 길이로 정해지는지 확인합니다."""
    sequences = [[0, 3, 0], [5], [0, 0, 2, 0], [4, 0]]
    got_ids, got_mask = student.collate(sequences, 0)
    want_ids, want_mask = ref.collate(sequences, 0)
    assert_close(torch.as_tensor(got_mask).long(), want_mask,
                 hint="마스크는 토큰 값(≠ pad_id)이 아니라 문장 길이로 정하세요: 실제 토큰이 pad_id와 같을 수도 있습니다.")
    assert_close(torch.as_tensor(got_ids), want_ids, hint="input_ids: 오른쪽에 pad_id를 채웁니다.")


@pytest.mark.cell("test_collate")
@pytest.mark.points(1)
def test_collate_leaves_sequences_alone(student):
    """collate가 받은 문장 목록을 바꾸지 않는지 확인합니다 (패딩은 새 텐서에만)."""
    sequences = [[5, 3, 8], [7], [2, 9, 4, 1]]
    _, args, _ = student.call_with_args("collate", [list(s) for s in sequences], 10)
    assert_equal([[int(t) for t in s] for s in args[0]], sequences,
                 hint="받은 목록에 pad_id를 덧붙이지 말고 새 텐서를 만들어 채우세요.")


@pytest.mark.cell("test_collate_lm")
@pytest.mark.points(2)
def test_collate_lm_eos_inside_a_sentence(student, ref):
    """문장 안에 EOS와 같은 id가 있어도 레이블의 -100과 마스크가 문장 길이로 정해지는지 확인합니다."""
    sequences = [[4, 0, 6], [0], [7, 8, 0, 9, 3], [5, 5]]
    got = student.collate_lm(sequences, 0)
    want = ref.collate_lm(sequences, 0)
    expect(isinstance(got, dict) and {"input_ids", "labels", "attention_mask"} <= set(got),
           "collate_lm은 input_ids, labels, attention_mask 키의 dict를 돌려줘야 합니다.")
    assert_close(torch.as_tensor(got["labels"]), want["labels"],
                 hint="-100으로 가릴 자리는 값(= EOS)이 아니라 문장 길이로 정하세요: 문장 안의 EOS와 같은 토큰도 레이블이고, "
                      "문장 끝에 붙인 첫 EOS도 레이블입니다.")
    assert_close(torch.as_tensor(got["attention_mask"]).long(), want["attention_mask"],
                 hint="attention_mask도 토큰 값이 아니라 문장 길이로 정하세요.")
    assert_close(torch.as_tensor(got["input_ids"]), want["input_ids"], hint="input_ids = (문장 + EOS 패딩)[:-1] 입니다.")


@pytest.mark.cell("test_collate_lm")
@pytest.mark.points(1)
def test_collate_lm_leaves_sequences_alone(student):
    """collate_lm이 받은 문장 목록을 바꾸지 않는지 확인합니다 (EOS는 새 텐서에만)."""
    sequences = [[4, 5, 6], [7, 8, 9, 2, 3], [1]]
    _, args, _ = student.call_with_args("collate_lm", [list(s) for s in sequences], 0)
    assert_equal([[int(t) for t in s] for s in args[0]], sequences,
                 hint="받은 문장에 EOS를 덧붙이지(append) 말고 새 목록이나 텐서에 담으세요.")


@pytest.mark.cell("test_tokenize_prompt_and_output")
@pytest.mark.points(2)
def test_response_mask_with_pad_id_inside_the_response(student, ref):
    """응답 안에 pad_id와 같은 토큰이 있어도 그 자리의 response_mask가 1인지 확인합니다 (마스크는 위치로 정함)."""
    prompts, outputs = [[5, 6], [7, 8, 9], [3]], [[0, 4, 0], [0], [2, 0]]
    got, want = _sft(student, ref, prompts, outputs, 0)
    assert_close(torch.as_tensor(got["response_mask"]).long(), want["response_mask"],
                 hint="response_mask는 레이블 값(≠ pad_id)이 아니라 위치로 정하세요: P - 1부터 문장 끝까지 1, 패딩만 0입니다.")


@pytest.mark.cell("test_tokenize_prompt_and_output")
@pytest.mark.points(1)
def test_tokenize_leaves_prompts_and_outputs_alone(student):
    """tokenize_prompt_and_output이 받은 프롬프트와 응답 목록을 바꾸지 않는지 확인합니다."""
    prompts, outputs = [[11, 12, 13], [21]], [[14, 15], [22, 23, 24]]
    _, args, _ = student.call_with_args("tokenize_prompt_and_output", [list(p) for p in prompts],
                                        [list(o) for o in outputs], 0)
    assert_equal([[[int(t) for t in s] for s in group] for group in args[:2]], [prompts, outputs],
                 hint="프롬프트에 응답을 이어 붙일 때 받은 목록을 늘리지(+=, extend) 말고 새 목록을 만드세요 (prompt + output).")


@pytest.mark.cell("test_masked_mean")
@pytest.mark.points(1)
def test_masked_mean_leaves_inputs_alone(student, rng):
    """masked_mean이 받은 x와 mask를 바꾸지 않는지 확인합니다."""
    x = torch.tensor(rng.normal(size=(3, 5)), dtype=torch.float32)
    mask = torch.tensor(rng.random((3, 5)) < 0.5)
    mask[:, 0] = True
    _, args, _ = student.call_with_args("masked_mean", x.clone(), mask.clone(), 1)
    assert_close(args[0], x, atol=0, hint="x를 제자리에서 0으로 채우거나 곱하지 말고 새 텐서로 계산하세요.")
    assert_close(torch.as_tensor(args[1]).long(), mask.long(), atol=0, hint="mask를 바꾸지 마세요.")


@pytest.mark.cell("test_tokenize_prompt_and_output")
@pytest.mark.points(1)
def test_sft_padding_holds_pad_id(student):
    """SFT 배치의 오른쪽 패딩 자리(labels는 t ≥ L_b - 1, input_ids는 t ≥ L_b)가 pad_id(주지 않으면 0)로 채워지는지 확인합니다."""
    prompts, outputs = [[5, 6, 7], [8], [4, 2]], [[9, 3, 1], [7], [6]]
    lengths = [len(p) + len(o) for p, o in zip(prompts, outputs)]
    for pad_id in (None, 3):
        got = (student.tokenize_prompt_and_output(prompts, outputs) if pad_id is None
               else student.tokenize_prompt_and_output(prompts, outputs, pad_id))
        expect(isinstance(got, dict) and {"input_ids", "labels"} <= set(got),
               "tokenize_prompt_and_output는 input_ids, labels, response_mask 키의 dict를 돌려줘야 합니다.")
        ids, labels = torch.as_tensor(got["input_ids"]), torch.as_tensor(got["labels"])
        expect(tuple(labels.shape) == (3, max(lengths) - 1), "모양은 (B, 가장 긴 (프롬프트 + 응답) 길이 - 1)입니다.")
        want = 0 if pad_id is None else pad_id
        padding = [int(labels[b, t]) for b, n in enumerate(lengths) for t in range(n - 1, labels.shape[1])]
        padding += [int(ids[b, t]) for b, n in enumerate(lengths) for t in range(n, ids.shape[1])]
        expect(padding and all(value == want for value in padding),
               "오른쪽 패딩 자리는 pad_id로 채웁니다 (pad_id를 주지 않으면 기본값 0).")
