"""05 토큰화 — BPE 학습 (train_bpe)."""
import pytest

from grader.assignments import ROOT, load_module_from
from grader.checks import assert_equal, expect, student_raises

pytestmark = pytest.mark.cell("test_train_bpe")

_WHITESPACE = b" \t\n\r\x0b\x0c"
SENNRICH = " ".join(["low"] * 5 + ["lower"] * 2 + ["widest"] * 3 + ["newest"] * 6)


def _konlpy_text(corpora=("kolaw",)):
    return load_module_from(ROOT / "solutions" / "korean_text.py", "korean_text_05").load_konlpy_text(corpora)


def _train(student, text, vocab_size, specials=()):
    result = student.train_bpe(text, vocab_size, list(specials))
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           "train_bpe는 (vocab, merges) 두 값을 반환해야 합니다.")
    vocab, merges = result
    expect(isinstance(vocab, dict), "vocab은 {id: bytes} 딕셔너리여야 합니다.")
    expect(isinstance(merges, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in merges),
           "merges는 (bytes, bytes) 쌍의 리스트여야 합니다.")
    return dict(vocab), [tuple(pair) for pair in merges]


@pytest.mark.points(6)
def test_bpe_sennrich_example(student):
    """low×5 lower×2 widest×3 newest×6 예제의 처음 병합들이 명세(동점이면 가장 큰 바이트 쌍)와 같아야 합니다."""
    _, merges = _train(student, SENNRICH, 256 + 6)
    assert_equal(merges, [(b"s", b"t"), (b"e", b"st"), (b"o", b"w"), (b"l", b"ow"), (b"w", b"est"),
                          (b"n", b"e")],
                 hint="Sennrich 예제의 병합 순서가 다릅니다. 빈도가 같을 때 처음 본 쌍이 아니라 "
                      "바이트열로 비교해 사전식으로 가장 큰 쌍을 골랐는지 확인하세요.")


@pytest.mark.points(4)
def test_bpe_tie_order_invariant(student, ref, rng):
    """텍스트의 단어 순서를 섞어도 병합 결과가 같아야 합니다(결정적인 동점 규칙)."""
    words = ["low"] * 3 + ["lower"] * 2 + ["slow"] * 2 + ["newer"] * 2 + ["가나"] * 3 + ["나가"] * 3 + ["ab"] * 2
    want = ref.train_bpe("".join(" " + w for w in words), 256 + 14)[1]
    for _ in range(4):
        shuffled = [words[i] for i in rng.permutation(len(words))]
        _, merges = _train(student, "".join(" " + w for w in shuffled), 256 + 14)
        assert_equal(merges, want,
                     hint="단어의 순서만 바꿨는데 병합 결과가 달라졌습니다. 동점일 때 먼저 본 쌍을 고르면 "
                          "순서에 따라 결과가 바뀝니다. max(빈도, 바이트 쌍) 규칙을 쓰세요.")


@pytest.mark.points(5)
def test_bpe_tie_break_compares_bytes_not_ids(student, ref):
    """동점 규칙은 토큰 id가 아니라 토큰의 바이트열을 사전식으로 비교해야 합니다."""
    text = " abc" * 3 + " zc" * 3 + " ab" * 2 + " 가c" * 3
    want = ref.train_bpe(text, 256 + 8)[1]
    _, merges = _train(student, text, 256 + 8)
    assert_equal(merges, want,
                 hint="병합으로 만든 토큰(id 256 이상)과 한 바이트 토큰이 동점일 때 순서가 다릅니다. "
                      "id가 아니라 바이트열 쌍 (a, b)를 비교하세요.")


@pytest.mark.points(5)
def test_bpe_run_of_same_byte(student, ref):
    """같은 바이트가 이어진 단어(aaaaa)에서 쌍을 겹쳐 세고 왼쪽부터 병합하는 규칙이 일관되어야 합니다."""
    text = " aaaaa" * 3 + " aaa" * 2 + " aaaaaaa" + " abab" * 3 + " 하하하하" * 2 + " bbbb" * 2
    want = ref.train_bpe(text, 256 + 12)[1]
    _, merges = _train(student, text, 256 + 12)
    assert_equal(merges, want,
                 hint="같은 문자가 반복되는 단어에서 병합 결과가 다릅니다. 쌍은 겹쳐 세고(aaaa의 (a, a)는 3번), "
                      "병합은 왼쪽부터 겹치지 않게 하며, 병합 뒤 쌍 빈도를 다시 맞췄는지 확인하세요.")


@pytest.mark.points(5)
def test_no_cross_pretoken_merges(student, ref):
    """병합은 사전 토큰의 경계를 넘지 않아야 합니다(공백은 토큰의 첫 바이트에만 올 수 있음)."""
    text = _konlpy_text()[:3000]
    vocab, merges = _train(student, text, 256 + 120)
    # inside one pre-token, whitespace only leads (" 국민") or stands alone ("\n\n")
    crossing = [a + b for a, b in merges
                if any(ws in (a + b).lstrip(_WHITESPACE) for ws in _WHITESPACE)]
    expect(not crossing, "사전 토큰의 경계를 넘는 병합이 있습니다. 텍스트 전체가 아니라 "
                         "pretokenize로 나눈 조각마다 쌍을 세야 합니다.")
    assert_equal(merges, ref.train_bpe(text, 256 + 120)[1],
                 hint="한국어 텍스트에서 병합 결과가 명세와 다릅니다. 사전 토큰마다 쌍을 세는지 확인하세요.")


@pytest.mark.points(5)
def test_special_tokens_not_merged(student, ref):
    """특수 토큰은 학습 전에 텍스트에서 잘라 내고, 어떤 병합에도 쓰지 않아야 합니다."""
    sentences = _konlpy_text()[:2500].split("\n")
    text = "<|endoftext|>".join(sentences)
    vocab, merges = _train(student, text, 256 + 60 + 1, ["<|endoftext|>"])
    leaked = [token for token in vocab.values() if b"<|" in token and token != b"<|endoftext|>"]
    expect(not leaked, "특수 토큰의 일부(<|)가 일반 토큰에 들어갔습니다. 학습 전에 특수 토큰을 "
                       "텍스트에서 잘라 내세요.")
    assert_equal(merges, ref.train_bpe(text, 256 + 60 + 1, ["<|endoftext|>"])[1],
                 hint="특수 토큰이 든 텍스트에서 병합 결과가 다릅니다. 특수 토큰을 잘라 낸 양쪽 텍스트는 "
                      "서로 이어지지 않습니다.")


@pytest.mark.points(5)
def test_vocab_size_exact(student):
    """len(vocab) == vocab_size, 병합 수 = vocab_size − 256 − 특수 토큰 수, id는 바이트 → 병합 → 특수 토큰 순서."""
    specials = ["<|endoftext|>", "<|pad|>", "<|sep|>"]
    text = _konlpy_text()[:2000]
    vocab_size = 256 + 37 + len(specials)
    vocab, merges = _train(student, text, vocab_size, specials)
    expect(len(vocab) == vocab_size and len(merges) == vocab_size - 256 - len(specials),
           "vocab 크기나 병합 수가 다릅니다. 병합 수 = vocab_size − 256 − 특수 토큰 수입니다.")
    expect(sorted(vocab) == list(range(vocab_size)), "vocab의 id는 0부터 빈틈없이 이어져야 합니다.")
    expect(all(vocab[i] == bytes([i]) for i in range(256)), "id 0–255는 한 바이트 토큰이어야 합니다.")
    expect(all(vocab[256 + k] == a + b for k, (a, b) in enumerate(merges)),
           "병합 k번째의 결과 토큰은 id 256 + k여야 합니다.")
    expect([vocab[256 + len(merges) + j] for j in range(len(specials))] == [s.encode() for s in specials],
           "특수 토큰은 병합 다음 id에 주어진 순서대로 UTF-8 바이트로 들어가야 합니다.")


@pytest.mark.points(7)
def test_bpe_korean_corpus_exact(student, ref):
    """한국어 말뭉치(konlpy)에서 병합 목록과 vocab 전체가 명세와 같아야 합니다."""
    text = _konlpy_text(("kobill",))[:5000]
    specials = ["<|endoftext|>"]
    vocab, merges = _train(student, text, 256 + 200 + 1, specials)
    want_vocab, want_merges = ref.train_bpe(text, 256 + 200 + 1, specials)
    assert_equal(merges, want_merges,
                 hint="한국어 텍스트에서 병합 목록이 다릅니다. 바이트 수준(UTF-8)으로 시작했는지, 동점 규칙과 "
                      "병합 뒤 쌍 빈도 갱신이 맞는지 확인하세요.")
    assert_equal(vocab, want_vocab, hint="한국어 텍스트에서 vocab이 다릅니다.")


@pytest.mark.points(3)
def test_train_bpe_stops_when_pairs_run_out(student, ref):
    """병합할 쌍이 바닥나면(빈 텍스트 포함) 일찍 멈추고, 특수 토큰이 실제 병합 수 다음 id에 놓이는지 확인합니다."""
    for text in ("ab ab", "", "a"):  # two merges are all there are; none; none
        vocab, merges = _train(student, text, 300, ["<|endoftext|>"])
        want_vocab, want_merges = ref.train_bpe(text, 300, ["<|endoftext|>"])
        assert_equal(merges, want_merges,
                     hint="병합할 쌍이 더 없으면 vocab_size에 못 미쳐도 멈춰야 합니다(빈 텍스트면 병합 없음).")
        assert_equal(vocab, want_vocab,
                     hint="쌍이 바닥나 일찍 멈추면 특수 토큰은 실제로 만든 병합 다음 id(256 + 병합 수)에 놓여야 "
                          "합니다. vocab_size에서 거꾸로 계산하지 마세요.")


@pytest.mark.points(3)
def test_special_tokens_keep_the_given_order(student, ref):
    """특수 토큰이 주어진 순서대로 id를 받는지, 넘겨준 special_tokens 리스트가 그대로인지 확인합니다."""
    specials = ["<|sep|>", "<|endoftext|>", "<|a|>"]  # neither shortest nor longest first
    text = _konlpy_text()[:1500]
    result, after, _ = student.call_with_args("train_bpe", text, 256 + 30 + len(specials), list(specials))
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           "train_bpe는 (vocab, merges) 두 값을 반환해야 합니다.")
    vocab = dict(result[0])
    want_vocab, _ = ref.train_bpe(text, 256 + 30 + len(specials), specials)
    assert_equal([vocab.get(i) for i in range(256 + 30, 256 + 30 + len(specials))],
                 [want_vocab[i] for i in range(256 + 30, 256 + 30 + len(specials))],
                 hint="특수 토큰은 병합 다음 id에 주어진 순서 그대로 들어가야 합니다(길이 순으로 정렬하지 마세요).")
    assert_equal(list(after[2]), specials,
                 hint="train_bpe가 넘겨준 special_tokens 리스트를 바꿨습니다. 정렬하거나 지울 때는 복사본"
                      "(sorted(...), list(...))을 쓰세요.")


@pytest.mark.points(2)
def test_vocab_size_smaller_than_bytes_and_specials_is_an_error(student, ref):
    """vocab_size가 256 + 특수 토큰 수보다 작으면 ValueError를, 딱 그 크기면 병합 없는 vocab을 내는지 확인합니다."""
    with student_raises(ValueError, hint="vocab_size가 256 + 특수 토큰 수보다 작으면 ValueError를 내야 합니다."):
        student.train_bpe("abc abc", 256, ["<|endoftext|>"])
    vocab, merges = _train(student, "abc abc", 257, ["<|endoftext|>"])
    assert_equal((vocab, merges), ref.train_bpe("abc abc", 257, ["<|endoftext|>"]),
                 hint="vocab_size = 256 + 특수 토큰 수이면 병합 없이 바이트 256개와 특수 토큰만 있어야 합니다.")
