"""05 토큰화 — BPETokenizer의 encode와 decode."""
import unicodedata

import numpy as np
import pytest

from grader.assignments import ROOT, load_module_from
from grader.checks import assert_equal, expect, student_raises

pytestmark = pytest.mark.cell("test_tokenizer")

SPECIALS = ["<|endoftext|>", "<|endoftext|><|endoftext|>"]


def _konlpy_text(corpora=("kolaw",)):
    return load_module_from(ROOT / "solutions" / "korean_text.py", "korean_text_05").load_konlpy_text(corpora)


@pytest.fixture(scope="module")
def trained(ref):
    """Merges learned by the reference on the constitution, so encode is graded on its own."""
    text = _konlpy_text()
    vocab, merges = ref.train_bpe(text, 256 + 300 + len(SPECIALS), SPECIALS)
    return vocab, merges, text


def _encode(tokenizer, text):
    ids = tokenizer.encode(text)
    if hasattr(ids, "tolist"):  # a numpy array or torch tensor of ids is accepted too
        ids = ids.tolist()
    expect(isinstance(ids, (list, tuple)) and all(isinstance(i, (int, np.integer)) and not isinstance(i, bool)
                                                  for i in ids),
           "encode는 정수 id의 리스트를 반환해야 합니다.")
    return [int(i) for i in ids]


@pytest.mark.points(5)
def test_encode_matches_reference_ids(student, ref, trained):
    """encode는 사전 토큰마다 병합 순위(rank)가 가장 낮은 쌍부터 병합해야 합니다."""
    vocab, merges, text = trained
    tok = student.BPETokenizer(vocab, merges)
    want_tok = ref.BPETokenizer(vocab, merges)
    samples = [text[:400], _konlpy_text(("kobill",))[:600], "국민의 자유와 권리는 헌법에 열거되지 아니한 이유로 경시되지 아니한다."]
    for sample in samples:
        assert_equal(_encode(tok, sample), want_tok.encode(sample),
                     hint="encode 결과가 다릅니다. 가장 긴 토큰이나 빈도가 아니라 merges의 순서(rank)가 "
                          "가장 앞선 쌍부터 병합하세요.")


@pytest.mark.points(4)
def test_encode_wikipedia_example(student, ref):
    """"aaabdaaabac"를 병합 3번으로 학습한 vocab에서 encode 결과가 [258, 100, 258, 97, 99]여야 합니다."""
    vocab, merges = ref.train_bpe("aaabdaaabac", 256 + 3)
    tok = student.BPETokenizer(vocab, merges)
    assert_equal(_encode(tok, "aaabdaaabac"), [258, 100, 258, 97, 99],
                 hint="\"aaabdaaabac\" 예제의 encode 결과가 다릅니다. 병합을 학습한 순서대로 적용하세요.")


@pytest.mark.points(5)
def test_decode_korean_roundtrip(student, ref):
    """토큰이 한글 음절(3바이트)을 쪼개도 decode는 바이트를 모두 이은 뒤 한 번에 디코딩해야 합니다."""
    vocab, merges = ref.train_bpe(_konlpy_text()[:1500], 256 + 40)
    tok = student.BPETokenizer(vocab, merges)
    for text in ["안녕하세요", "토큰화는 바이트에서 시작합니다.", "밝힘 흙 닭"]:
        ids = ref.BPETokenizer(vocab, merges).encode(text)
        assert_equal(tok.decode(ids), text,
                     hint="한글이 깨졌습니다(�). 토큰마다 디코딩하지 말고 모든 토큰의 바이트를 먼저 이어 "
                          "붙인 뒤 한 번에 UTF-8로 디코딩하세요.")
    assert_equal(tok.decode([0xEC]), "\ufffd",  # a lone lead byte of a Hangul syllable
                 hint="완성되지 않은 UTF-8 바이트는 errors=\"replace\"로 �(U+FFFD)가 되어야 합니다.")


@pytest.mark.points(4)
def test_overlapping_special_tokens(student, ref, trained):
    """겹치는 특수 토큰은 긴 것이 먼저 일치해야 하고, 특수 토큰은 쪼개지지 않아야 합니다."""
    vocab, merges, _ = trained
    tok = student.BPETokenizer(vocab, merges, SPECIALS)
    want_tok = ref.BPETokenizer(vocab, merges, SPECIALS)
    for text in ["헌법<|endoftext|><|endoftext|>국민<|endoftext|>", "<|endoftext|>" * 3 + "끝",
                 "a<|endoftext|b<|endoftext|>"]:
        ids = _encode(tok, text)
        assert_equal(ids, want_tok.encode(text),
                     hint="특수 토큰의 처리가 다릅니다. 특수 토큰은 긴 것부터 찾아 id 하나로 바꾸고, 그 밖의 "
                          "텍스트만 사전 토큰화하세요.")
        assert_equal(tok.decode(ids), text, hint="특수 토큰이 든 텍스트가 decode 뒤 원래대로 돌아오지 않습니다.")


@pytest.mark.points(4)
def test_roundtrip_edge_cases(student, trained):
    """빈 문자열, 한 글자, 이모지, 공백만 있는 텍스트도 decode(encode(t)) == t 여야 합니다."""
    vocab, merges, _ = trained
    tok = student.BPETokenizer(vocab, merges, SPECIALS)
    for text in ["", "s", "🙃", "한", " \n\t", "?"]:
        assert_equal(tok.decode(_encode(tok, text)), text,
                     hint="짧은 텍스트(빈 문자열, 한 글자, 이모지, 공백)에서 encode/decode 왕복이 실패합니다. "
                          "쌍이 없는 사전 토큰(1바이트)도 처리하세요.")


@pytest.mark.points(3)
def test_no_unicode_normalization(student, trained):
    """NFD(자모로 분해된) 한글도 정규화 없이 바이트 그대로 왕복해야 합니다."""
    vocab, merges, _ = trained
    tok = student.BPETokenizer(vocab, merges, SPECIALS)
    text = unicodedata.normalize("NFD", "한국어 토큰화와 헌법 제1조")
    got = tok.decode(_encode(tok, text))
    expect(isinstance(got, str) and got.encode("utf-8") == text.encode("utf-8"),
           "NFD 텍스트가 바이트 그대로 돌아오지 않습니다. 유니코드 정규화(NFC/NFD)를 하지 마세요.")


@pytest.mark.points(3)
def test_special_token_ids(student, trained):
    """특수 토큰은 vocab에 있는 자기 id 하나로 바뀌어야 합니다."""
    vocab, merges, _ = trained
    tok = student.BPETokenizer(vocab, merges, SPECIALS)
    first = 256 + len(merges)
    assert_equal(_encode(tok, "<|endoftext|>"), [first],
                 hint="특수 토큰이 자기 id 하나로 바뀌지 않습니다. vocab에서 특수 토큰의 바이트열에 해당하는 id를 쓰세요.")
    assert_equal(_encode(tok, "<|endoftext|><|endoftext|>"), [first + 1],
                 hint="긴 특수 토큰이 자기 id 하나로 바뀌지 않습니다.")


@pytest.mark.points(2)
def test_tokenizer_requires_its_special_tokens_in_vocab(student, trained):
    """vocab에 없는 특수 토큰을 받으면 BPETokenizer가 ValueError를 내는지 확인합니다."""
    vocab, merges, _ = trained
    with student_raises(ValueError, hint="vocab에 없는 특수 토큰을 받으면 BPETokenizer가 ValueError를 내야 합니다."):
        student.BPETokenizer(vocab, merges, ["<|endoftext|>", "<|not-in-vocab|>"])


@pytest.mark.points(2)
def test_tokenizer_leaves_its_arguments_alone(student, trained):
    """BPETokenizer를 만들어도 넘겨준 vocab, merges, special_tokens가 그대로인지 확인합니다."""
    vocab, merges, _ = trained
    _, after, _ = student.call_with_args("BPETokenizer", dict(vocab), list(merges), list(SPECIALS))  # shortest first
    for name, given, left in zip(("vocab", "merges", "special_tokens"), (vocab, list(merges), SPECIALS), after):
        expect(left == given, f"BPETokenizer가 넘겨준 `{name}`을(를) 바꿨습니다. 정렬하거나 고칠 때는 복사본을 쓰세요.")
