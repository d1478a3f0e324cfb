"""Hidden suite for 00_intro (100 points): counting tokens, self-supervised examples, parameters, prompts."""
import numpy as np
import pytest

from grader.checks import assert_equal, expect, student_raises

# ---------------------------------------------------------------- count_tokens
COUNT = pytest.mark.cell("test_count_tokens")


def _counts(student, text):
    got = student.count_tokens(text)
    expect(isinstance(got, dict) and {"words", "characters", "bytes"} <= set(got),
           'count_tokens는 "words", "characters", "bytes" 세 키의 딕셔너리를 반환해야 합니다.')
    expect(all(isinstance(got[k], int) and not isinstance(got[k], bool) for k in ("words", "characters", "bytes")),
           "세는 값은 정수(int)여야 합니다.")
    return {k: got[k] for k in ("words", "characters", "bytes")}


@COUNT
@pytest.mark.points(5)
def test_counts_of_korean_text_with_mixed_whitespace(student):
    """탭·줄바꿈·여러 칸 공백이 섞인 한글·영문·숫자 글의 어절, 글자, 바이트 수를 확인합니다."""
    text = "제1조  대한민국은\t민주공화국이다.\n\nGPT-3는 1750억 개!"
    assert_equal(_counts(student, text), {"words": 6, "characters": 29, "bytes": 70},
                 hint="세 값 중 하나가 다릅니다. 어절은 text.split()의 개수, 글자는 공백 문자(isspace)를 뺀 글자 수, "
                      "바이트는 글 전체(공백 포함)를 UTF-8로 인코딩한 길이입니다.")


@COUNT
@pytest.mark.points(4)
def test_bytes_depend_on_the_script(student):
    """한글 음절 3바이트, 영문 1바이트, 이모지 4바이트가 글자 수와 다르게 세어지는지 확인합니다."""
    assert_equal(_counts(student, "한a🙂"), {"words": 1, "characters": 3, "bytes": 8},
                 hint='"한a🙂"은 글자 3개, UTF-8로 3 + 1 + 4 = 8바이트입니다. 바이트는 len(text.encode("utf-8"))입니다.')


@COUNT
@pytest.mark.points(3)
def test_empty_and_blank_text(student):
    """빈 문자열은 모두 0이고, 공백뿐인 글은 어절·글자 0개에 공백의 바이트만 세는지 확인합니다."""
    assert_equal(_counts(student, ""), {"words": 0, "characters": 0, "bytes": 0},
                 hint="빈 문자열은 어절, 글자, 바이트 모두 0입니다.")
    assert_equal(_counts(student, " \n\t "), {"words": 0, "characters": 0, "bytes": 4},
                 hint="공백뿐인 글은 어절과 글자가 0개이고, 바이트에는 공백 4개가 들어갑니다.")


# ---------------------------------------------------------------- causal_lm_pairs
PAIRS = pytest.mark.cell("test_causal_lm_pairs")


def _pairs(student, tokens, block_size):
    got = student.causal_lm_pairs(tokens, block_size)
    expect(isinstance(got, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in got),
           "causal_lm_pairs는 (inputs, targets) 쌍의 리스트를 반환해야 합니다.")
    return [(list(x), list(y)) for x, y in got]


@PAIRS
@pytest.mark.points(7)
def test_targets_are_inputs_shifted_by_one(student):
    """정수 0…11을 block_size 5로 자르면 모든 쌍에서 정답이 입력 + 1인지 확인합니다."""
    got = _pairs(student, list(range(12)), 5)
    expect(got, "예제가 하나도 없습니다.")
    expect(all(len(x) == len(y) and y == [t + 1 for t in x] for x, y in got),
           "정답은 입력을 한 칸 민 것(다음 토큰)이어야 합니다. inputs[i] 다음 토큰이 targets[i]입니다.")


@PAIRS
@pytest.mark.points(6)
def test_windows_do_not_overlap_and_cover_every_target_once(student):
    """겹치지 않는 창이 block_size씩 옮겨 가고, 첫 토큰을 뺀 모든 토큰이 정확히 한 번 정답인지 확인합니다."""
    tokens = list("대한민국은민주공화국이다")            # 12 tokens, repeated 국 and 민
    got = _pairs(student, tokens, 5)
    assert_equal(got, [(list("대한민국은"), list("한민국은민")), (list("민주공화국"), list("주공화국이")),
                       (list("이"), list("다"))],
                 hint="창이 다릅니다. start = 0, block_size, 2·block_size, … 에서 n = min(block_size, "
                      "len - 1 - start)개씩, 마지막 창은 남은 만큼만 만드세요.")


@PAIRS
@pytest.mark.points(4)
def test_short_inputs_and_large_blocks(student):
    """토큰이 0개나 1개면 예제가 없고, block_size가 글보다 길면 쌍이 하나뿐인지 확인합니다."""
    assert_equal(_pairs(student, [], 3), [], hint="토큰이 없으면 빈 리스트입니다.")
    assert_equal(_pairs(student, ["가"], 3), [], hint="토큰이 하나뿐이면 맞힐 다음 토큰이 없어 빈 리스트입니다.")
    assert_equal(_pairs(student, ["가", "나", "다"], 10), [(["가", "나"], ["나", "다"])],
                 hint="block_size가 글보다 길면 (tokens[:-1], tokens[1:]) 하나입니다.")
    assert_equal(_pairs(student, ["가", "나", "다"], 1), [(["가"], ["나"]), (["나"], ["다"])],
                 hint="block_size = 1이면 (앞 토큰, 다음 토큰) 쌍을 하나씩 만듭니다 (bigram).")


@PAIRS
@pytest.mark.points(4)
def test_invalid_block_size_is_rejected(student):
    """block_size가 0, 음수, 실수, True이면 ValueError가 나는지 확인합니다."""
    for bad in (0, -2, 2.5, True):
        with student_raises(ValueError, hint="block_size가 1 이상의 정수(True/False 제외)가 아니면 ValueError를 "
                                             "내세요."):
            student.causal_lm_pairs(list("가나다라"), bad)


@PAIRS
@pytest.mark.points(3)
def test_pairs_leave_the_tokens_alone(student):
    """입력 리스트를 바꾸지 않고, 돌려준 리스트도 입력과 따로인지 확인합니다."""
    tokens = list("가나다라마")
    got, args, _ = student.call_with_args("causal_lm_pairs", tokens, 2)
    expect(list(args[0]) == list("가나다라마"), "입력 리스트가 바뀌었습니다. 새 리스트를 만들어 돌려주세요.")
    expect([(list(x), list(y)) for x, y in got] == [(list("가나"), list("나다")), (list("다라"), list("라마"))],
           "예제가 기대와 다릅니다.")


# ---------------------------------------------------------------- masked_lm_example
MLM = pytest.mark.cell("test_masked_lm_example")
SENTENCE = ["오늘", "달은", "밝다", "오늘", "별은", "빛난다", "내일", "해는", "뜨겁다"]


def _example(student, tokens, n_mask, seed, **kwargs):
    got = student.masked_lm_example(tokens, n_mask, np.random.default_rng(seed), **kwargs)
    expect(isinstance(got, (list, tuple)) and len(got) == 2, "masked_lm_example는 (inputs, labels)를 반환해야 합니다.")
    inputs, labels = list(got[0]), list(got[1])
    expect(len(inputs) == len(tokens) and len(labels) == len(tokens), "inputs와 labels는 tokens와 길이가 같아야 합니다.")
    return inputs, labels


@MLM
@pytest.mark.points(7)
def test_masked_positions_and_labels_agree(student):
    """가린 위치가 정확히 n_mask개이고, 그 위치의 정답은 원래 토큰, 나머지는 None이며 입력은 그대로인지 확인합니다."""
    for seed in range(5):
        inputs, labels = _example(student, SENTENCE, 3, seed)
        chosen = [i for i, label in enumerate(labels) if label is not None]
        expect(len(chosen) == 3, "정확히 n_mask개의 위치에 정답이 있어야 합니다 (서로 다른 위치).")
        expect(all(labels[i] == SENTENCE[i] and inputs[i] == "[MASK]" for i in chosen),
               "가린 위치의 inputs는 mask_token, labels는 그 위치의 원래 토큰이어야 합니다.")
        expect(all(inputs[i] == SENTENCE[i] for i in range(len(SENTENCE)) if labels[i] is None),
               "가리지 않은 위치의 입력은 그대로이고 정답은 None이어야 합니다.")


@MLM
@pytest.mark.points(6)
def test_positions_are_uniform_and_follow_the_rng(student):
    """같은 시드는 같은 결과를 내고, 시드 400개에서 각 위치가 가려진 빈도가 균등(1/3 ± 0.1)인지 확인합니다."""
    first, again = _example(student, SENTENCE, 3, 11), _example(student, SENTENCE, 3, 11)
    expect(first == again, "같은 시드의 rng로 다른 결과가 나옵니다. 전달받은 rng만 쓰세요.")
    hits = np.zeros(len(SENTENCE))
    for seed in range(400):
        _, labels = _example(student, SENTENCE, 3, 1000 + seed)
        hits += [label is not None for label in labels]
    share = hits / 400
    expect(np.all(np.abs(share - 1 / 3) < 0.1),           # > 4 sigma per position
           "위치마다 가려지는 빈도가 고르지 않습니다. 모든 위치에서 같은 확률로, 서로 다른 위치를 고르세요.")


@MLM
@pytest.mark.points(5)
def test_mask_token_that_is_also_data(student):
    """글에 원래 mask_token과 같은 토큰이 있어도 정답이 고른 위치로만 정해지는지 확인합니다 (사용자 mask_token)."""
    tokens = ["<m>", "가", "<m>", "나", "다", "라"]
    for seed in range(6):
        inputs, labels = _example(student, tokens, 2, seed, mask_token="<m>")
        chosen = [i for i, label in enumerate(labels) if label is not None]
        expect(len(chosen) == 2 and all(labels[i] == tokens[i] for i in chosen),
               "정답은 고른 위치에만, 원래 토큰으로 두세요. 글에 원래 있던 mask_token은 가린 것이 아닙니다.")
        expect(all(inputs[i] == "<m>" for i in chosen) and
               all(inputs[i] == tokens[i] for i in range(len(tokens)) if i not in chosen),
               "고른 위치만 mask_token으로 바꾸세요 (mask_token 인자를 쓰세요).")


@MLM
@pytest.mark.points(4)
def test_mask_none_or_all(student):
    """n_mask = 0이면 아무것도 가리지 않고, n_mask = len(tokens)이면 모두 가리는지 확인합니다."""
    inputs, labels = _example(student, SENTENCE[:4], 0, 1)
    expect(inputs == SENTENCE[:4] and labels == [None] * 4, "n_mask = 0이면 입력은 그대로, 정답은 모두 None입니다.")
    inputs, labels = _example(student, SENTENCE[:4], 4, 2)
    expect(inputs == ["[MASK]"] * 4 and labels == SENTENCE[:4], "n_mask = len(tokens)이면 모든 위치를 가립니다.")
    inputs, labels = _example(student, [], 0, 3)
    expect(inputs == [] and labels == [], "빈 글에서 n_mask = 0이면 빈 리스트 두 개입니다.")


@MLM
@pytest.mark.points(3)
def test_invalid_mask_counts_are_rejected(student):
    """n_mask가 글보다 많거나, 음수, 실수, True이면 ValueError가 나는지 확인합니다."""
    for bad in (len(SENTENCE) + 1, -1, 1.5, True):
        with student_raises(ValueError, hint="n_mask가 0 이상 len(tokens) 이하의 정수(True/False 제외)가 아니면 "
                                             "ValueError를 내세요."):
            student.masked_lm_example(SENTENCE, bad, np.random.default_rng(0))


@MLM
@pytest.mark.points(2)
def test_masking_leaves_the_tokens_alone(student):
    """호출한 쪽의 토큰 리스트를 바꾸지 않는지 확인합니다."""
    tokens = list(SENTENCE)
    _, args, _ = student.call_with_args("masked_lm_example", tokens, 4, np.random.default_rng(5))
    expect(list(args[0]) == SENTENCE, "입력 리스트가 바뀌었습니다. inputs는 새 리스트로 만드세요.")


# ---------------------------------------------------------------- count_parameters
PARAMS = pytest.mark.cell("test_count_parameters")


def _torch(student):
    return student.value("torch")


@PARAMS
@pytest.mark.points(5)
def test_parameters_of_tiny_models(student):
    """TinyLM(13, 6)과 편향 없는 nn.Linear(7, 3)의 파라미터 수를 확인합니다."""
    assert_equal(student.count_parameters(student.TinyLM(13, 6)), 13 * 6 + 6 * 13 + 13,
                 hint="TinyLM(V, d)는 임베딩 V·d + 출력층 가중치 d·V + 편향 V입니다. 모든 파라미터 텐서의 원소 수를 더하세요.")
    assert_equal(student.count_parameters(_torch(student).nn.Linear(7, 3, bias=False)), 21,
                 hint="편향이 없는 nn.Linear(7, 3)은 21개입니다.")


@PARAMS
@pytest.mark.points(4)
def test_tied_weights_count_once(student):
    """출력층이 임베딩과 가중치를 공유하는 TinyLM(13, 6, tied=True)에서 공유 텐서를 한 번만 세는지 확인합니다."""
    assert_equal(student.count_parameters(student.TinyLM(13, 6, tied=True)), 13 * 6 + 13,
                 hint="공유한(tied) 가중치를 두 번 셌습니다. model.parameters()는 같은 텐서를 한 번만 돌려줍니다.")


@PARAMS
@pytest.mark.points(3)
def test_buffers_are_not_parameters(student):
    """nn.BatchNorm1d(5)의 이동 평균 같은 버퍼를 빼고 파라미터(γ, β)만 세는지 확인합니다."""
    assert_equal(student.count_parameters(_torch(student).nn.BatchNorm1d(5)), 10,
                 hint="버퍼(running_mean, running_var …)는 파라미터가 아닙니다. state_dict() 대신 parameters()를 세세요.")


@PARAMS
@pytest.mark.points(2)
def test_frozen_parameters_still_count(student):
    """학습하지 않도록 얼린(requires_grad=False) 파라미터도 세는지 확인합니다."""
    model = _torch(student).nn.Linear(4, 6).requires_grad_(False)   # built and frozen in the worker
    assert_equal(student.count_parameters(model), 30,
                 hint="requires_grad와 상관없이 모든 파라미터를 셉니다 (얼린 파라미터도 모델의 일부입니다).")


# ---------------------------------------------------------------- build_prompt
PROMPT = pytest.mark.cell("test_build_prompt")
EXAMPLES = [("사과", "apple"), ("바다", "sea"), ("하늘", "sky")]


@PROMPT
@pytest.mark.points(7)
def test_few_shot_prompt_exact(student):
    """지시문, 예시 세 개(주어진 순서), 질문이 정해진 형식으로 이어지는지 확인합니다."""
    got = student.build_prompt("영어로 번역하세요.", EXAMPLES, "나무")
    want = ("영어로 번역하세요.\n\n입력: 사과\n출력: apple\n\n입력: 바다\n출력: sea\n\n입력: 하늘\n출력: sky\n\n"
            "입력: 나무\n출력:")
    assert_equal(got, want, hint="프롬프트 문자열이 다릅니다. \"{지시문}\\n\\n\" 뒤에 예시마다 \"입력: x\\n출력: y\\n\\n\"을 "
                                 "주어진 순서대로, 끝에 \"입력: {질문}\\n출력:\"을 붙이세요.")


@PROMPT
@pytest.mark.points(4)
def test_zero_shot_prompt(student):
    """예시가 없으면 지시문 뒤에 바로 질문이 오는지 확인합니다."""
    assert_equal(student.build_prompt("요약하세요.", [], "긴 글"), "요약하세요.\n\n입력: 긴 글\n출력:",
                 hint="예시가 없으면 \"{지시문}\\n\\n입력: {질문}\\n출력:\"입니다.")


@PROMPT
@pytest.mark.points(4)
def test_prompt_without_instruction(student):
    """지시문이 빈 문자열이면 앞에 빈 줄 없이 예시부터 시작하는지 확인합니다."""
    assert_equal(student.build_prompt("", EXAMPLES[:1], "나무"), "입력: 사과\n출력: apple\n\n입력: 나무\n출력:",
                 hint="지시문이 빈 문자열이면 지시문 부분(빈 줄 포함)을 빼세요.")
    assert_equal(student.build_prompt("", [], "나무"), "입력: 나무\n출력:",
                 hint="지시문도 예시도 없으면 \"입력: {질문}\\n출력:\"만 남습니다.")


@PROMPT
@pytest.mark.points(4)
def test_examples_given_as_lists(student):
    """예시가 리스트들의 튜플로 주어져도 같은 프롬프트가 되는지 확인합니다."""
    got = student.build_prompt("번역", (["사과", "apple"], ["바다", "sea"]), "하늘")
    assert_equal(got, "번역\n\n입력: 사과\n출력: apple\n\n입력: 바다\n출력: sea\n\n입력: 하늘\n출력:",
                 hint="예시는 (x, y) 두 값의 묶음이면 튜플이든 리스트든 같게 다루세요.")


@PROMPT
@pytest.mark.points(4)
def test_query_is_asked_once_at_the_end(student):
    """풀 질문이 예시에 섞이지 않고 맨 끝에 한 번만 나오는지 확인합니다 (질문이 예시와 같아도)."""
    got = student.build_prompt("번역", EXAMPLES, "바다")
    expect(isinstance(got, str) and got.endswith("입력: 바다\n출력:") and got.count("입력: 바다") == 2
           and got.count("출력: sea") == 1,
           "질문은 맨 끝에 \"입력: {질문}\\n출력:\"으로 한 번만 붙입니다 (예시 목록은 그대로 둡니다).")
