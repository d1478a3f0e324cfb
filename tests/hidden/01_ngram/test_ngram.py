"""Hidden suite for 01_ngram (100 points)."""
import importlib.util
import math
import os
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from grader.checks import assert_close, assert_equal, expect

# Small hand corpora (Korean). V below is fixed by the spec: training words + </s> + <unk>.
TWO = [["나는", "학생", "이다"], ["너는", "선생", "이다"]]          # V = 5 + 2 = 7
TOY = [["오늘", "날씨", "가", "맑다"], ["오늘", "기분", "이", "좋다"],
       ["날씨", "가", "좋다"], ["오늘", "날씨", "가", "좋다"]]      # V = 7 + 2 = 9


def _korean_chars():
    """Syllable-level sentences from the konlpy corpora (read in the trusted grader)."""
    root = os.path.join(list(importlib.util.find_spec("konlpy").submodule_search_locations)[0],
                        "data", "corpus")
    law = open(os.path.join(root, "kolaw", "constitution.txt"), encoding="utf-8").read()
    bills = "".join(open(os.path.join(root, "kobill", name), encoding="utf-8").read()
                    for name in sorted(os.listdir(os.path.join(root, "kobill"))))
    to_sentences = lambda text: [list(line.replace(" ", "")) for line in text.split("\n")
                                 if line.strip()]
    return to_sentences(bills), [c for c in law if not c.isspace()]


# ---------------------------------------------------------------- pad
@pytest.mark.cell("test_pad")
@pytest.mark.points(3)
def test_pad_trigram(student):
    """trigram(n=3)이면 문장 앞에 `<s>`를 2개, 뒤에 `</s>`를 1개 붙여야 합니다."""
    got = student.pad(["오늘", "날씨", "맑음"], 3)
    assert_equal(got, ["<s>", "<s>", "오늘", "날씨", "맑음", "</s>"],
                 hint="문장 앞에는 `<s>`를 n-1개, 뒤에는 `</s>`를 1개 붙입니다.")


@pytest.mark.cell("test_pad")
@pytest.mark.points(3)
def test_pad_unigram_and_empty(student):
    """n=1이면 `<s>`가 없고, 빈 문장도 `</s>`는 붙어야 합니다."""
    assert_equal(student.pad(["가", "나"], 1), ["가", "나", "</s>"],
                 hint="n=1이면 `<s>`를 붙이지 않습니다 (n-1 = 0개).")
    assert_equal(student.pad([], 4), ["<s>", "<s>", "<s>", "</s>"],
                 hint="빈 문장도 `<s>` n-1개와 `</s>`로 패딩해야 합니다.")


# ---------------------------------------------------------------- count_ngrams
def _as_dict(counter):
    expect(isinstance(counter, dict), "count_ngrams는 Counter(딕셔너리)를 반환해야 합니다.")
    return {tuple(key): value for key, value in counter.items() if value}


@pytest.mark.cell("test_count_ngrams")
@pytest.mark.points(5)
def test_bigram_counts_two_sentences(student):
    """두 문장의 bigram 개수가 정확해야 하고, 문장 경계를 넘는 bigram은 없어야 합니다."""
    got = _as_dict(student.count_ngrams(TWO, 2))
    want = {("<s>", "나는"): 1, ("나는", "학생"): 1, ("학생", "이다"): 1, ("이다", "</s>"): 2,
            ("<s>", "너는"): 1, ("너는", "선생"): 1, ("선생", "이다"): 1}
    expect(("이다", "너는") not in got,
           "한 문장의 끝과 다음 문장의 시작을 잇는 n-gram이 생겼습니다. 문장마다 따로 패딩하고 세세요.")
    expect(got == want, "bigram 개수가 다릅니다. n-gram은 문장마다 `<s>`/`</s>` 패딩을 한 뒤 셉니다.")


@pytest.mark.cell("test_count_ngrams")
@pytest.mark.points(4)
def test_trigram_counts_match_reference(student, ref):
    """trigram 개수가 기대값과 같아야 합니다 (`<s>` 2개 패딩 포함)."""
    got = _as_dict(student.count_ngrams(TOY, 3))
    expect(got == dict(ref.count_ngrams(TOY, 3)),
           "trigram 개수가 다릅니다. 패딩 길이(n-1)와 슬라이딩 창 범위를 확인하세요.")


@pytest.mark.cell("test_count_ngrams")
@pytest.mark.points(3)
def test_unigram_counts_include_end_token(student):
    """unigram(n=1)은 `</s>`를 문장 수만큼 세고 `<s>`는 세지 않아야 합니다."""
    got = _as_dict(student.count_ngrams(TOY, 1))
    expect(got.get(("</s>",)) == 4 and ("<s>",) not in got and got.get(("오늘",)) == 3,
           "unigram 개수가 다릅니다. n=1이면 `<s>`는 붙지 않고 `</s>`는 문장마다 하나씩 셉니다.")


# ---------------------------------------------------------------- NGramLM.prob
def _fit(student, n, k, sentences):
    lm = student.NGramLM(n, k)
    lm.fit(sentences)
    return lm


LM = pytest.mark.cell("test_ngramlm")


@LM
@pytest.mark.points(5)
def test_mle_hand_example(student):
    """k=0(MLE) 확률이 손으로 계산한 분수와 같아야 합니다: c(문맥, 단어) / c(문맥)."""
    lm = _fit(student, 2, 0.0, TOY)
    cases = {("날씨", ("오늘",)): Fraction(2, 3), ("좋다", ("가",)): Fraction(2, 3),
             ("</s>", ("좋다",)): Fraction(1), ("오늘", ("<s>",)): Fraction(3, 4),
             ("맑다", ("날씨",)): Fraction(0)}
    for (word, context), want in cases.items():
        assert_close(lm.prob(word, list(context)), float(want), atol=1e-12,
                     hint="MLE 확률은 c(문맥, 단어) / c(문맥)입니다. 문맥 개수는 그 문맥 뒤에 토큰이 온 횟수(패딩 포함)입니다.")


@LM
@pytest.mark.points(5)
def test_laplace_hand_example(student):
    """add-k 확률이 손으로 계산한 분수와 같아야 합니다 (V = 학습 단어 + `</s>` + `<unk>`)."""
    for k, sentences, cases in [
        (1.0, TWO, {("나는", ("<s>",)): Fraction(2, 9), ("</s>", ("이다",)): Fraction(1, 3)}),
        (0.5, TOY, {("날씨", ("오늘",)): Fraction(1, 3), ("맑다", ("가",)): Fraction(1, 5),
                    ("오늘", ("<s>",)): Fraction(7, 17)}),
    ]:
        lm = _fit(student, 2, k, sentences)
        for (word, context), want in cases.items():
            assert_close(lm.prob(word, list(context)), float(want), atol=1e-12,
                         hint="add-k 확률은 (c(문맥, 단어) + k) / (c(문맥) + k·V)입니다. 어휘 크기 V에 "
                              "`</s>`와 `<unk>`는 넣고 `<s>`는 빼야 합니다.")


@LM
@pytest.mark.points(3)
@pytest.mark.parametrize("n,k", [(2, 0.0), (3, 0.3), (2, 1.0)])
def test_ngram_probs_normalize(student, ref, n, k):
    """학습에서 본 모든 문맥에서 어휘 전체에 대한 확률의 합이 1이어야 합니다."""
    lm = _fit(student, n, k, TOY)
    model = ref.NGramLM(n, k).fit(TOY)
    for context in sorted(model.context_counts):
        total = sum(lm.prob(word, list(context)) for word in model.vocab)
        assert_close(total, 1.0, atol=1e-12,
                     hint="한 문맥에서 어휘 전체의 확률 합이 1이 아닙니다. 분모 c(문맥) + k·V의 "
                          "c(문맥)과 V를 확인하세요.")


@LM
@pytest.mark.points(4)
def test_unseen_context_is_uniform(student):
    """k=0이고 학습에서 본 적 없는 문맥이면 오류 없이 균등분포 1/V를 돌려줘야 합니다."""
    lm = _fit(student, 3, 0.0, TOY)
    for word in ["오늘", "</s>", "맑다"]:
        assert_close(lm.prob(word, ["좋다", "오늘"]), 1 / 9, atol=1e-12,
                     hint="본 적 없는 문맥(c(문맥) = 0)에서는 0으로 나누지 말고 1/V를 돌려주세요.")


@LM
@pytest.mark.points(4)
def test_oov_maps_to_unk(student):
    """어휘에 없는 단어(문맥 속 단어 포함)는 `<unk>`로 바꿔 계산해야 합니다."""
    lm = _fit(student, 2, 0.5, TOY)
    assert_close(lm.prob("비", ["오늘"]), lm.prob("<unk>", ["오늘"]), atol=1e-12,
                 hint="어휘에 없는 단어의 확률은 `<unk>`의 확률과 같아야 합니다.")
    assert_close(lm.prob("비", ["오늘"]), 1 / 15, atol=1e-12,
                 hint="어휘에 없는 단어도 add-k 평활화로 0보다 큰 확률을 받아야 합니다.")
    assert_close(lm.prob("좋다", ["눈"]), lm.prob("좋다", ["<unk>"]), atol=1e-12,
                 hint="문맥 속의 모르는 단어도 `<unk>`로 바꿔야 합니다.")


# ---------------------------------------------------------------- perplexity
DYADIC = [["가", "가", "가", "가", "나", "나", "다"]]   # unigram: 가 1/2, 나 1/4, 다 1/8, </s> 1/8


@LM
@pytest.mark.points(5)
def test_perplexity_dyadic(student):
    """확률 (1/2, 1/4, 1/8)을 받는 세 토큰의 퍼플렉서티는 정확히 4여야 합니다."""
    lm = _fit(student, 1, 0.0, DYADIC)
    assert_close(lm.perplexity([["가", "나"]]), 4.0, rtol=1e-12,
                 hint="퍼플렉서티는 exp(음의 로그확률의 평균)입니다. 합이 아니라 평균이고, 자연로그와 exp를 짝지어 씁니다.")


@LM
@pytest.mark.points(4)
def test_perplexity_uniform_equals_vocab_size(student):
    """모든 토큰에 1/V를 주는 (거의) 균등한 모델의 퍼플렉서티는 V여야 합니다."""
    lm = _fit(student, 2, 1e9, TOY)
    assert_close(lm.perplexity([["오늘", "날씨", "가", "좋다"], ["기분", "맑다"]]), 9.0, rtol=1e-6,
                 hint="균등 모델의 퍼플렉서티는 어휘 크기 V여야 합니다. V와 로그의 밑을 확인하세요.")


@LM
@pytest.mark.points(4)
def test_perplexity_token_count(student, ref):
    """평균은 예측한 토큰 수(문장 토큰 + `</s>`, `<s>` 제외)로 나눠야 합니다."""
    held_out = [["오늘", "기분", "가", "맑다"], ["날씨", "이", "좋다"], ["오늘"]]
    lm = _fit(student, 3, 0.1, TOY)
    want = ref.NGramLM(3, 0.1).fit(TOY).perplexity(held_out)
    assert_close(lm.perplexity(held_out), want, rtol=1e-9,
                 hint="퍼플렉서티 값이 다릅니다. 평균은 예측한 토큰마다(문장 끝 `</s>` 포함, `<s>` 제외) 냅니다.")


@LM
@pytest.mark.points(4)
def test_perplexity_with_oov_is_finite(student, ref):
    """모르는 단어가 섞인 평가 문장도 add-k에서는 유한한 퍼플렉서티가 나와야 합니다."""
    held_out = [["오늘", "비", "가", "온다"], ["눈", "이", "좋다"]]
    lm = _fit(student, 2, 0.2, TOY)
    want = ref.NGramLM(2, 0.2).fit(TOY).perplexity(held_out)
    assert_close(lm.perplexity(held_out), want, rtol=1e-9,
                 hint="모르는 단어를 `<unk>`로 바꾸지 않으면 log(0)이 생깁니다.")


@LM
@pytest.mark.points(4)
def test_perplexity_long_korean_text(student, ref):
    """음절 5,000개짜리 긴 문장에서도 퍼플렉서티가 유한하고 정확해야 합니다."""
    train, law = _korean_chars()
    held_out = [law[:5000]]
    lm = _fit(student, 2, 0.1, train)
    want = ref.NGramLM(2, 0.1).fit(train).perplexity(held_out)
    got = lm.perplexity(held_out)
    expect(got is not None and math.isfinite(float(got)),
           "긴 문장에서 퍼플렉서티가 무한대가 되었습니다. 확률을 곱하지 말고 로그확률을 더하세요.")
    assert_close(got, want, rtol=1e-9,
                 hint="긴 문장의 퍼플렉서티가 다릅니다. 퍼플렉서티는 exp(음의 로그확률의 평균)입니다.")


# ---------------------------------------------------------------- generate
@LM
@pytest.mark.points(4)
def test_generate_follows_the_only_path(student):
    """다음 토큰이 하나뿐인 모델은 학습 문장을 그대로 만들어야 합니다 (`<s>`/`</s>` 제외)."""
    lm = _fit(student, 3, 0.0, [["봄", "이", "오면", "꽃", "이", "핀다"]])
    got = lm.generate(np.random.default_rng(3))
    assert_equal(list(got), ["봄", "이", "오면", "꽃", "이", "핀다"],
                 hint="생성은 `<s>` n-1개로 시작해 문맥을 한 칸씩 밀며 뽑고, `</s>`에서 멈춰야 합니다 "
                      "(반환값에는 `<s>`/`</s>`를 넣지 않습니다).")
    got = lm.generate(np.random.default_rng(4), max_len=3)
    assert_equal(list(got), ["봄", "이", "오면"], hint="max_len개를 만들면 멈춰야 합니다.")
    sentence = ["가을", "하늘", "은", "높고", "푸르다"]
    got = _fit(student, 2, 0.0, [sentence]).generate(np.random.default_rng(5))
    assert_equal(list(got), sentence,
                 hint="bigram(n = 2)에서는 문맥이 바로 앞 토큰 하나입니다. 토큰을 뽑을 때마다 문맥을 한 칸 밀어 "
                      "마지막 n-1개를 남기세요.")


@LM
@pytest.mark.points(4)
def test_generate_is_reproducible_with_rng(student):
    """같은 시드의 rng면 같은 문장, 다른 시드면 (대체로) 다른 문장이 나와야 합니다."""
    lm = _fit(student, 2, 0.5, TOY)
    first = [lm.generate(np.random.default_rng(seed), max_len=8) for seed in range(6)]
    again = [lm.generate(np.random.default_rng(seed), max_len=8) for seed in range(6)]
    expect(first == again, "같은 시드의 rng로 다른 문장이 나옵니다. 전달받은 rng만 사용하세요.")
    expect(len({tuple(s) for s in first}) > 1,
           "시드가 달라도 같은 문장만 나옵니다. 다음 토큰은 전달받은 rng로 확률에 따라 뽑습니다.")


@LM
@pytest.mark.points(4)
def test_generate_frequencies(student):
    """뽑힌 토큰의 빈도와 문장 길이가 모델의 확률을 따라야 합니다 (시드 고정, 4σ 이상 여유)."""
    # unigram MLE: 가 0.6, 나 0.3, </s> 0.1 -> among tokens 가 = 2/3; mean length 9.
    lm = _fit(student, 1, 0.0, [["가"] * 6 + ["나"] * 3])
    # One generator per call: the worker receives a copy of each argument, so a shared generator
    # would arrive in the same state every time.
    sentences = [lm.generate(np.random.default_rng([2024, i]), max_len=1000) for i in range(100)]
    tokens = [t for s in sentences for t in s]
    expect(set(tokens) <= {"가", "나"} and tokens,
           "확률이 0인 토큰이 뽑혔거나 아무 토큰도 뽑히지 않았습니다.")
    share = tokens.count("가") / len(tokens)
    expect(abs(share - 2 / 3) < 0.07,
           "뽑힌 토큰의 빈도가 모델의 확률과 다릅니다. 토큰은 모델의 확률에 비례해 뽑습니다.")
    expect(4.5 < len(tokens) / len(sentences) < 13.5,
           "문장 길이가 기대와 다릅니다. `</s>`도 어휘의 하나로 확률에 따라 뽑고, 나오면 멈추세요.")


# ---------------------------------------------------------------- edges the notebook states
@pytest.mark.cell("test_pad")
@pytest.mark.points(2)
def test_pad_leaves_the_tokens_alone(student):
    """pad가 호출한 쪽의 토큰 리스트를 바꾸지 않고 새 리스트를 돌려주는지 확인합니다."""
    tokens = ["오늘", "날씨"]
    got, args, _ = student.call_with_args("pad", tokens, 2)
    assert_equal(list(got), ["<s>", "오늘", "날씨", "</s>"], hint="bigram이면 `<s>` 하나와 `</s>` 하나를 붙입니다.")
    expect(list(args[0]) == ["오늘", "날씨"], "입력 리스트가 바뀌었습니다. 새 리스트를 만들어 돌려주세요.")


@pytest.mark.cell("test_count_ngrams")
@pytest.mark.points(3)
def test_counts_of_empty_and_short_sentences(student):
    """빈 문장과 n보다 짧은 문장도 길이 L마다 L+1개의 n-gram을 만드는지 확인합니다 (n = 4)."""
    got = _as_dict(student.count_ngrams([[], ["가"]], 4))
    want = {("<s>", "<s>", "<s>", "</s>"): 1, ("<s>", "<s>", "<s>", "가"): 1, ("<s>", "<s>", "가", "</s>"): 1}
    expect(got == want, "빈 문장이나 n보다 짧은 문장의 n-gram이 다릅니다. 문장마다 `<s>` n-1개와 `</s>`로 패딩한 뒤 "
                        "창을 미세요 (길이 L이면 L+1개).")


@LM
@pytest.mark.points(2)
def test_context_given_as_a_tuple(student):
    """문맥을 튜플로 줘도 리스트로 줄 때와 같은 확률인지 확인합니다."""
    lm = _fit(student, 3, 0.5, TOY)
    assert_close(lm.prob("가", ("오늘", "날씨")), lm.prob("가", ["오늘", "날씨"]), atol=1e-12,
                 hint="context는 리스트일 수도, 튜플일 수도 있습니다. 어느 쪽이든 같은 문맥으로 다루세요.")
    assert_close(lm.prob("가", ("오늘", "날씨")), 5 / 13, atol=1e-12, hint="튜플 문맥의 add-k 확률이 다릅니다.")


@LM
@pytest.mark.points(3)
def test_mle_perplexity_with_an_unseen_ngram_is_infinite(student):
    """k = 0에서 평가 문장에 확률 0인 n-gram이 있으면 오류 없이 무한대(math.inf)인지 확인합니다."""
    lm = _fit(student, 2, 0.0, TOY)
    got = lm.perplexity([["오늘", "날씨", "가", "좋다"], ["오늘", "맑다"]])
    expect(got is not None and math.isinf(float(got)) and float(got) > 0,
           "확률이 0인 토큰이 있으면 퍼플렉서티는 무한대(math.inf)입니다. log(0)에서 멈추지 말고 inf를 돌려주세요.")


@LM
@pytest.mark.points(1)
def test_generate_with_no_room(student):
    """max_len = 0이면 빈 문장을 돌려주는지 확인합니다."""
    lm = _fit(student, 2, 0.5, TOY)
    assert_equal(list(lm.generate(np.random.default_rng(0), max_len=0)), [],
                 hint="토큰이 max_len개가 되면 멈춥니다: max_len = 0이면 빈 리스트입니다.")


@LM
@pytest.mark.points(2)
def test_default_k_is_mle(student):
    """k를 주지 않으면 평활화 없는 MLE(k = 0)인지 확인합니다."""
    lm = student.NGramLM(2)
    lm.fit(TOY)
    assert_close(lm.prob("날씨", ["오늘"]), 2 / 3, atol=1e-12,
                 hint="NGramLM(n)의 기본값은 k = 0(MLE)입니다: c(문맥, 단어) / c(문맥).")
    assert_close(lm.prob("맑다", ["날씨"]), 0.0, atol=1e-12,
                 hint="k = 0이면 학습에서 본 적 없는 n-gram의 확률은 0입니다.")


@LM
@pytest.mark.points(3)
def test_unk_counted_when_the_corpus_has_it(student):
    """학습 문장에 `<unk>`가 들어 있으면 모르는 단어(예측할 단어와 문맥 속 단어)가 그 `<unk>`의 개수로 계산되는지 확인합니다."""
    corpus = TOY + [["오늘", "<unk>", "이", "좋다"]]              # V = 9: <unk> is a training token here
    lm = _fit(student, 2, 0.0, corpus)
    assert_close(lm.prob("비", ["오늘"]), 1 / 4, atol=1e-12,
                 hint="어휘에 없는 단어는 `<unk>`로 바꾼 뒤 세야 합니다: 학습 문장에 `<unk>`가 있으면 그 개수가 쓰입니다.")
    assert_close(lm.prob("이", ["눈"]), 1.0, atol=1e-12,
                 hint="문맥 속의 모르는 단어도 `<unk>`로 바꾼 뒤 문맥 개수를 찾아야 합니다.")
    assert_close(lm.prob("<unk>", ["오늘"]), 1 / 4, atol=1e-12, hint="`<unk>` 자체의 확률이 다릅니다.")


@LM
@pytest.mark.points(2)
def test_longer_context_uses_its_last_tokens(student):
    """n-1개보다 긴 문맥을 주면 마지막 n-1개만 보고, n = 1이면 문맥을 보지 않는지 확인합니다."""
    trigram = _fit(student, 3, 0.5, TOY)
    assert_close(trigram.prob("가", ["기분", "오늘", "날씨"]), 5 / 13, atol=1e-12,
                 hint="문맥이 n-1개보다 길면 마지막 n-1개 토큰만 문맥으로 씁니다 (n-gram의 가정).")
    bigram = _fit(student, 2, 0.0, TOY)
    assert_close(bigram.prob("날씨", ("좋다", "<s>", "오늘")), 2 / 3, atol=1e-12,
                 hint="문맥이 n-1개보다 길면 마지막 n-1개 토큰만 문맥으로 씁니다 (n-gram의 가정).")
    unigram = _fit(student, 1, 0.0, TOY)
    assert_close(unigram.prob("오늘", ["날씨", "가"]), 3 / 19, atol=1e-12,
                 hint="n = 1(unigram)이면 문맥을 보지 않습니다: 확률은 c(단어) / 전체 토큰 수입니다.")


@LM
@pytest.mark.points(2)
def test_certain_model_has_perplexity_one(student):
    """모든 토큰을 확률 1로 맞히는 모델의 퍼플렉서티는 정확히 1인지 확인합니다."""
    sentence = ["봄", "이", "오면", "꽃", "이", "핀다"]
    lm = _fit(student, 3, 0.0, [sentence])
    got = lm.perplexity([sentence])
    expect(got is not None and math.isfinite(float(got)),
           "확률이 1인 토큰만 있는데 퍼플렉서티가 유한하지 않습니다. 무한대는 확률이 0인 토큰이 있을 때뿐입니다.")
    assert_close(got, 1.0, rtol=1e-12, hint="모든 확률이 1이면 로그확률의 평균이 0이므로 퍼플렉서티는 exp(0) = 1입니다.")


@LM
@pytest.mark.points(2)
def test_generate_stops_at_the_default_max_len(student):
    """max_len을 주지 않으면 `</s>`가 거의 나오지 않는 모델에서 기본값 30개에서 멈추는지 확인합니다."""
    # unigram MLE with P(</s>) = 1/20001: the chance of stopping before 30 tokens is below 0.15 %.
    lm = _fit(student, 1, 0.0, [["가"] * 20000])
    got = lm.generate(np.random.default_rng(6))
    assert_equal(len(got), 30, hint="max_len의 기본값은 30입니다: 토큰이 30개가 되면 멈춥니다.")
