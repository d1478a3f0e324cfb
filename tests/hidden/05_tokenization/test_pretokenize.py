"""05 토큰화 — 사전 토큰화 (GPT-2 정규식)."""
import unicodedata

import pytest

from grader.checks import assert_equal, expect

pytestmark = pytest.mark.cell("test_pretokenize")

_POOL = list("abcXYZ019 \t\n\n.,!?'-·") + ["가", "한", "국", "어", "😀", "🇰🇷", "\u0301", "\u1112", "\u1161",
                                          "\u11ab", "'s", "'ll", "  ", "\u00a0", "\u3000", "٣"]


def _random_texts(rng, n=12):
    return ["".join(rng.choice(_POOL, size=int(rng.integers(0, 30)))) for _ in range(n)]


@pytest.mark.points(4)
def test_pretokenize_gpt2_pattern(student):
    """pretokenize는 GPT-2 정규식(\\p{L}, \\p{N} 포함)대로 텍스트를 나눠야 합니다."""
    got = student.pretokenize("Hello, 세계! 123")
    assert_equal(got, ["Hello", ",", " 세계", "!", " 123"],
                 hint="\"Hello, 세계! 123\"의 조각이 GPT-2 패턴과 다릅니다. 표준 `re`가 아니라 `regex` "
                      "패키지로 GPT2_PATTERN 전체를 그대로 쓰고 있는지 확인하세요.")


@pytest.mark.points(4)
def test_pretokenize_matches_pattern_on_mixed_text(student, ref):
    """축약, 공백 여러 개, 줄바꿈, 숫자, 기호, 이모지, NFD 한글에서도 GPT-2 패턴과 같아야 합니다."""
    texts = ["I'm sure they'll say it's fine", "a  b\n\n c\t\td  ", "3·1운동과 4·19혁명 (1960년)",
             "대한민국헌법\n\n제1조 ①", "🙃🙃 good!! 😀", unicodedata.normalize("NFD", "한국어 토큰화"),
             "   ", "x\u00a0y\u3000z"]
    for text in texts:
        assert_equal(student.pretokenize(text), ref.pretokenize(text),
                     hint="일부 텍스트에서 사전 토큰이 GPT-2 패턴과 다릅니다. 축약('s, 'll …), 공백 처리"
                          "(\\s+(?!\\S)), 단어 앞 공백 하나가 붙는 규칙을 확인하세요.")


@pytest.mark.points(4)
def test_pretokenize_pieces_join_back(student, ref, rng):
    """사전 토큰을 이어 붙이면 원래 텍스트가 되어야 하고(빠지는 문자 없음), 결과는 문자열 리스트여야 합니다."""
    for text in _random_texts(rng):
        got = student.pretokenize(text)
        expect(isinstance(got, list) and all(isinstance(p, str) for p in got),
               "pretokenize는 문자열의 리스트를 반환해야 합니다.")
        expect("".join(got) == text,
               "사전 토큰을 이어 붙이면 원래 텍스트와 같아야 합니다. 공백이나 기호가 빠지지 않았는지 확인하세요.")
        assert_equal(got, ref.pretokenize(text),
                     hint="무작위 텍스트에서 사전 토큰이 GPT-2 패턴과 다릅니다.")
