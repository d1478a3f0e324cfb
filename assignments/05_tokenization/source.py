# %% [markdown]
# # 05. 토큰화 (Tokenization): 바이트 수준 BPE
#
# > 입력 텍스트를 작은 단위(토큰)로 나눕니다.
# > 예: "안녕하세요" → ["안녕", "하세요"]
# > 이해를 돕기 위한 설명: 문장을 단어나 의미 있는 부분으로 쪼개는 과정입니다.
#
# 교재의 예처럼 "안녕하세요"는 정말 ["안녕", "하세요"]로 나뉠까요? 이 과제의 첫 질문입니다.
# **GPT 계열 모델이 쓰는 바이트 수준 BPE(Byte Pair Encoding)를 실제 한국어 텍스트로 학습하면
# "안녕하세요"는 어떤 토큰이 되고, 왜 그렇게 될까요?** 답은 과제 끝(5절)에서 여러분의 코드로 확인합니다.
#
# 이 과제에서 만드는 것:
#
# 1. 사전 토큰화 `pretokenize(text)` — GPT-2 정규식으로 텍스트를 조각냅니다.
# 2. BPE 학습 `train_bpe(text, vocab_size, special_tokens=())` — 병합 규칙을 배웁니다.
# 3. 토크나이저 `BPETokenizer(vocab, merges, special_tokens=())` — `encode`와 `decode`.
#
# 여기서 만든 BPE는 2부 내내 쓰는 작은 한국어 GPT의 토크나이저가 됩니다.
#
# ## 개요
# 언어 모델은 글자를 직접 보지 않고 **토큰 id의 나열**을 봅니다. 토크나이저는 텍스트 ↔ 토큰 id를
# 오가게 해 주고, 그 바탕은 모델이 아는 토큰의 목록인 **어휘(vocabulary)** 입니다. BPE는 이 어휘를 데이터에서
# 배웁니다.
#
# - 처음 어휘는 256개의 **바이트**입니다. 어떤 텍스트든 UTF-8 바이트로 쓸 수 있으므로
#   모르는 단어(`<unk>`)가 생기지 않습니다.
# - 학습 텍스트에서 **가장 자주 붙어 나오는 두 토큰**을 하나로 합치는 일(병합, merge)을
#   어휘가 원하는 크기가 될 때까지 반복합니다.
# - 인코딩할 때는 배운 병합을 **배운 순서대로** 다시 적용합니다.
#
# ## 이유
# - 단어 단위 어휘는 너무 크고(한국어는 조사와 어미가 붙어 어절의 종류가 끝없이 많습니다),
#   처음 보는 단어를 표현하지 못합니다.
# - 글자(또는 바이트) 단위는 어휘가 작지만 시퀀스가 너무 길어집니다. 어텐션의 계산량은 길이의
#   제곱에 비례하므로 같은 문맥 길이에 담을 수 있는 내용이 줄어듭니다.
# - BPE는 그 사이에서 **자주 나오는 부분은 긴 토큰으로, 드문 부분은 짧은 조각으로** 나눠
#   어휘 크기와 시퀀스 길이의 균형을 잡습니다.

# %%
import heapq
import unicodedata
from collections import Counter, defaultdict

import regex

GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

# %% [markdown]
# ## 1. 글자, 코드 포인트, 바이트
#
# 파이썬 문자열은 유니코드 **코드 포인트**의 나열이고, 파일과 모델 입력은 **바이트**의 나열입니다.
# UTF-8에서 영문자는 1바이트, 한글 음절은 **3바이트**, 이모지는 4바이트입니다.

# %%
for text in ["a", "é", "한", "🙃", "안녕하세요"]:
    data = text.encode("utf-8")
    print(f"{text!r:>14}: 글자 {len(text)}개, 바이트 {len(data)}개 {list(data)}")

# %% [markdown]
# 같은 글자도 유니코드 **정규화** 형식에 따라 바이트가 달라집니다. NFD는 한글 음절을 자모(초성·중성·종성)로
# 나눕니다. 토크나이저가 몰래 정규화하면 `decode(encode(t)) != t`가 되므로, 이 과제의 토크나이저는
# **정규화하지 않고** 받은 바이트를 그대로 다룹니다.

# %%
nfd = unicodedata.normalize("NFD", "한")
print("NFC '한':", len("한"), "코드 포인트,", len("한".encode()), "바이트")
print("NFD '한':", len(nfd), "코드 포인트,", len(nfd.encode()), "바이트", [hex(ord(c)) for c in nfd])
print("화면에서는 같아 보여도 같은 문자열일까?", nfd == "한")

# %% [markdown]
# ## 2. 사전 토큰화 (pre-tokenization)
#
# 텍스트 전체에서 바이트 쌍을 세면 "다. 그" 처럼 단어 경계를 넘는 토큰이 생깁니다. GPT-2는 먼저
# 정규식으로 텍스트를 **사전 토큰**으로 나누고, 병합은 사전 토큰 **안에서만** 일어나게 합니다.
#
# ```
# '(?:[sdmt]|ll|ve|re)  영어 축약: 's 't 'll 've 're ...
# | ?\p{L}+             (공백 하나 +) 문자들     — 한글 음절도 \p{L}(Letter)입니다
# | ?\p{N}+             (공백 하나 +) 숫자들
# | ?[^\s\p{L}\p{N}]+   (공백 하나 +) 기호들
# |\s+(?!\S)            공백열(마지막 공백 하나는 다음 단어에 양보)
# |\s+                  나머지 공백열
# ```
#
# `\p{L}`은 "모든 언어의 문자"를 뜻하는 유니코드 속성입니다. 파이썬 표준 라이브러리 `re`는 이것을 모릅니다.

# %%
import re

try:
    re.findall(GPT2_PATTERN, "안녕")
except re.error as err:
    print("표준 re:", err)
print("regex 패키지:", regex.findall(GPT2_PATTERN, "Hello, 세계! 123"))

# %% [markdown]
# ### 연습 1: `pretokenize(text)`
# `regex` 패키지와 `GPT2_PATTERN`으로 텍스트를 사전 토큰의 리스트로 나누세요. 모든 문자가 어느
# 조각엔가 들어가므로 `"".join(pretokenize(t)) == t`여야 합니다.

# %% solution=["pretokenize"]

# %% tests="test_pretokenize"
assert pretokenize("Hello, 세계! 123") == ["Hello", ",", " 세계", "!", " 123"], \
    "\"Hello, 세계! 123\"의 조각이 다릅니다. regex 패키지로 GPT2_PATTERN 전체를 쓰세요."
assert pretokenize("I'm  fine\n\n 안녕") == ["I", "'m", " ", " fine", "\n\n", " 안녕"], \
    "축약('m)이나 공백열의 처리가 GPT-2 패턴과 다릅니다."
for _t in ["", "   ", "🙃🙃 ok?!", unicodedata.normalize("NFD", "한국어"), "3·1운동"]:
    assert "".join(pretokenize(_t)) == _t, "사전 토큰을 이어 붙이면 원래 텍스트가 되어야 합니다."
print("pretokenize: 확인 완료")

# %% [markdown]
# ## 3. BPE 학습
#
# ### 손으로 한 단계
# Sennrich 등(2016)의 예제 말뭉치로 첫 병합을 직접 해 봅니다. 같은 사전 토큰은 한 번만 두고
# 빈도를 곱합니다: 쌍 빈도 $\mathrm{count}(a, b) = \sum_w f(w)\cdot(\text{단어 } w \text{에서 } a \text{ 바로 뒤에 } b\text{가 오는 자리 수})$.

# %%
toy = " ".join(["low"] * 5 + ["lower"] * 2 + ["widest"] * 3 + ["newest"] * 6)
toy_words = Counter(tuple(bytes([b]) for b in piece.encode()) for piece in regex.findall(GPT2_PATTERN, toy))
toy_pairs = Counter()
for word, freq in toy_words.items():
    for pair in zip(word, word[1:]):
        toy_pairs[pair] += freq
print(toy_words.most_common(3))
print("가장 잦은 쌍:", toy_pairs.most_common(4))

# %% [markdown]
# `(e, s)`와 `(s, t)`가 9번으로 **동점**입니다. 어느 쪽을 먼저 병합하느냐에 따라 결과가 달라지므로
# 규칙을 정해 둬야 합니다. 이 과정의 규칙은 다음과 같습니다.
#
# > **동점 규칙**: 빈도가 같으면 바이트열 쌍 `(a, b)`를 사전식으로 비교해 **가장 큰 쌍**이 이깁니다.
# > 즉 `max(pairs, key=lambda p: (count[p], p))`.
#
# `(b"s", b"t") > (b"e", b"s")`이므로 `(s, t)`가 먼저입니다. 이 규칙은 텍스트의 순서와 무관하므로
# 같은 텍스트를 섞어도 결과가 같습니다(처음 본 쌍을 고르는 `max(count, key=count.get)`은 그렇지 않습니다).
# 비교는 **토큰 id가 아니라 바이트열**로 합니다. 병합으로 만든 토큰의 id는 256 이상이지만 바이트열
# `b"st"`는 `b"z"`보다 작습니다.

# %%
best = max(toy_pairs, key=lambda p: (toy_pairs[p], p))
print("병합 1:", best, "→", best[0] + best[1])
print("(s, t) > (e, s) ?", (b"s", b"t") > (b"e", b"s"))
print("바이트열로는 b'st' < b'z' :", b"st" < b"z", "/ id로는 256('st') > 122('z')")

# %% [markdown]
# 병합은 단어 안에서 **왼쪽부터 겹치지 않게** 바꿉니다: `aaaaa`에서 `(a, a)`를 병합하면 `aa aa a`.
# 쌍은 **겹쳐서** 셉니다: `aaaa` 안의 `(a, a)`는 3번입니다.
#
# ### 빠르게: 증분 갱신
# 병합마다 모든 단어의 쌍을 처음부터 다시 세면 (병합 수 × 말뭉치 크기)만큼 걸립니다. 그런데 한 번의
# 병합으로 바뀌는 것은 **그 쌍이 들어 있는 단어**뿐입니다.
#
# 1. 처음에 한 번 쌍 빈도 `pair_counts`와 색인 `쌍 → 그 쌍이 든 단어들`을 만듭니다.
# 2. 쌍 `(a, b)`를 병합할 때 색인으로 그 단어들만 찾아, 병합 **전** 단어의 쌍 빈도를 빼고 병합
#    **후** 단어의 쌍 빈도를 더합니다. 새 토큰 `a+b`가 든 쌍은 색인에 더합니다.
# 3. 가장 큰 쌍은 힙(`heapq`)에 `(-빈도, 쌍)`을 넣어 꺼낼 수 있습니다. 빈도가 바뀐 쌍은 새 항목을
#    넣고, 꺼낸 항목의 빈도가 현재 빈도와 다르면 버립니다. 힙은 작은 것부터 꺼내므로 "큰 바이트 쌍
#    먼저"가 되게 비교를 뒤집는 작은 클래스가 필요합니다(`max`로 매번 전체를 훑어도 정답은 같습니다).
#
# 채점에서는 konlpy 말뭉치 전체(헌법과 국회 의안, 약 6만 5천 자)로 1,000번 병합하는 시간을 같은 기계에서
# 참조 구현과 함께 잽니다. 참조 구현의 10배 안에 끝나야 점수를 받습니다. 2코어 기계에서 재어 보니 매번
# 전부 다시 세는 구현은 약 40배, 힙 대신 `max`로 매번 모든 쌍을 훑는 증분 구현은 약 3배 걸렸습니다.
#
# ### 연습 2: `train_bpe(text, vocab_size, special_tokens=())`
# 1. 특수 토큰(예: `"<|endoftext|>"`)을 텍스트에서 잘라 내고(학습에 쓰지 않음), 남은 조각들을
#    `pretokenize`로 나눠 사전 토큰의 빈도를 셉니다. 특수 토큰 양쪽의 텍스트는 서로 이어지지 않습니다.
# 2. 병합 수 = `vocab_size − 256 − len(special_tokens)`. 쌍이 더 없으면 일찍 멈춥니다(빈 텍스트면 병합 없음).
#    `vocab_size`가 `256 + len(special_tokens)`보다 작으면 `ValueError`를 내세요.
# 3. 반환: `vocab` = `{id: bytes}` (0–255는 한 바이트, 그다음은 병합 순서대로, 특수 토큰은 그 뒤에
#    주어진 순서대로 UTF-8 바이트; 일찍 멈췄다면 실제 병합 수 다음 id부터), `merges` = 만든 순서대로의
#    `(bytes, bytes)` 리스트. 넘겨받은 `special_tokens` 리스트는 바꾸지 마세요(정렬이 필요하면 `sorted`로 복사).
#
# 아래 셀에는 `train_bpe`와 함께 도우미들(`_count_pretokens`, `_split_on_special_tokens`, `_count_pairs`,
# `_apply_merge`, `_merge_word`, `_LargestFirst`)의 시그니처와 설명이 있습니다. 도우미를 채워 `train_bpe`에서
# 써도 되고, 원하는 방식으로 직접 짜도 됩니다. 채점은 `train_bpe`의 결과와 속도만 봅니다.

# %% solution=["train_bpe", "_count_pretokens", "_split_on_special_tokens", "_count_pairs", "_apply_merge", "_merge_word", "_LargestFirst"]

# %% tests="test_train_bpe"
_vocab, _merges = train_bpe(toy, 256 + 6)
assert _merges == [(b"s", b"t"), (b"e", b"st"), (b"o", b"w"), (b"l", b"ow"), (b"w", b"est"), (b"n", b"e")], \
    "Sennrich 예제의 병합 순서가 다릅니다. 동점이면 바이트열 쌍이 가장 큰 쌍을 고르세요."
assert train_bpe("aaabdaaabac", 256 + 3)[1] == [(b"a", b"a"), (b"aa", b"a"), (b"aaa", b"b")], \
    "\"aaabdaaabac\"의 병합이 다릅니다. 쌍은 겹쳐 세고, 병합은 왼쪽부터 겹치지 않게 하세요."
_words = ["low"] * 3 + ["lower"] * 2 + ["가나"] * 3 + ["나가"] * 3
assert train_bpe("".join(" " + w for w in _words), 270) == train_bpe("".join(" " + w for w in _words[::-1]), 270), \
    "단어 순서를 바꾸면 결과가 달라집니다. 동점 규칙을 확인하세요."
_vocab, _merges = train_bpe("안녕<|endoftext|>안녕<|endoftext|>하세요 안녕", 256 + 5 + 2, ["<|endoftext|>", "<|pad|>"])
assert len(_vocab) == 263 and len(_merges) == 5, "vocab 크기 = 256 + 병합 수 + 특수 토큰 수여야 합니다."
assert all(_vocab[i] == bytes([i]) for i in range(256)), "id 0–255는 한 바이트 토큰이어야 합니다."
assert _vocab[261] == b"<|endoftext|>" and _vocab[262] == b"<|pad|>", "특수 토큰은 병합 다음 id에 순서대로 들어갑니다."
assert not any(b"<|" in _vocab[i] for i in range(261)), "특수 토큰의 바이트가 병합에 쓰였습니다. 먼저 잘라 내세요."
assert not any(b" " in (a + b)[1:] for a, b in train_bpe("하하 하하 하하", 270)[1]), \
    "사전 토큰의 경계(공백)를 넘는 병합이 있습니다."
print("train_bpe: 확인 완료")

# %% [markdown]
# ## 4. 인코딩과 디코딩
#
# **인코딩**: 특수 토큰을 먼저 찾아 id 하나로 바꾸고(겹치면 **긴 것 먼저**: `"<|a|><|a|>"`가 특수
# 토큰이면 `"<|a|>"` 두 개보다 우선), 나머지 텍스트는 사전 토큰마다 바이트로 나눈 뒤 **병합 순위(rank,
# merges에서의 위치)가 가장 낮은 인접 쌍**을 병합하기를 더 병합할 쌍이 없을 때까지 반복합니다. 가장 긴
# 토큰을 먼저 잡거나(최장 일치) 빈도로 고르면 학습 때와 다른 토큰이 나옵니다.
#
# **디코딩**: 토큰 하나가 한글 음절(3바이트)의 일부일 수 있습니다. 토큰마다 디코딩하면 깨진 문자(�)가
# 나오므로 **모든 바이트를 먼저 이은 뒤 한 번에** `decode("utf-8", errors="replace")` 합니다.

# %%
syllable_bytes = "하세요".encode()
pieces = [syllable_bytes[:2], syllable_bytes[2:5], syllable_bytes[5:]]
print("조각마다 디코딩:", "".join(p.decode("utf-8", errors="replace") for p in pieces))
print("이어 붙인 뒤 디코딩:", b"".join(pieces).decode("utf-8", errors="replace"))

# %% [markdown]
# ### 연습 3: `BPETokenizer(vocab, merges, special_tokens=())`
# `encode(text) -> list[int]`와 `decode(ids) -> str`를 만드세요. 유니코드 정규화는 하지 않습니다.
# 같은 바이트열을 가진 id가 여럿이면 가장 작은 id를 쓰고, 특수 토큰은 vocab에서 자기 바이트열의 id를
# 찾아 씁니다. vocab에 없는 특수 토큰을 받으면 `ValueError`를 내세요. 넘겨받은 `vocab`, `merges`, `special_tokens`는
# 바꾸지 마세요(고칠 것이 있으면 복사본에). `_split_on_special_tokens`와 `_merge_word`(연습 2)를 다시 써도 좋습니다. 도우미 `_apply_merges`는
# 사전 토큰 하나의 바이트열에 병합을 rank 순서대로 적용합니다.

# %% solution=["BPETokenizer", "_apply_merges"]

# %% tests="test_tokenizer"
_tok = BPETokenizer(*train_bpe("aaabdaaabac", 256 + 3))
assert _tok.encode("aaabdaaabac") == [258, 100, 258, 97, 99], "병합을 학습한 순서(rank)대로 적용하세요."
_specials = ["<|endoftext|>", "<|endoftext|><|endoftext|>"]
_v, _m = train_bpe("국민은 국민의 국민으로 안녕하세요", 256 + 12 + 2, _specials)
_tok = BPETokenizer(_v, _m, _specials)
_first = 256 + len(_m)
for _t in ["", "s", "🙃", "한", " \n\t", "국민은 밝힘", unicodedata.normalize("NFD", "한국어")]:
    assert _tok.decode(_tok.encode(_t)) == _t, f"{_t!r}: decode(encode(t))가 원래 텍스트와 다릅니다."
assert _tok.encode("<|endoftext|><|endoftext|>") == [_first + 1], "겹치는 특수 토큰은 긴 것이 먼저입니다."
assert _tok.encode("<|endoftext|>") == [_first], "특수 토큰은 자기 id 하나로 바뀌어야 합니다."
assert _tok.decode([0xEC]) == "\ufffd", "완성되지 않은 UTF-8 바이트는 errors=\"replace\"로 �가 됩니다."
print("BPETokenizer: 확인 완료")

# %% [markdown]
# ## 5. 실제 한국어 텍스트에서
#
# 이제 여러분의 코드로 실제 한국어 텍스트를 학습합니다. 텍스트는 `konlpy` 패키지에 들어 있는 대한민국
# 헌법(kolaw)과 국회 의안(kobill)입니다. `import konlpy`는 Java가 필요하므로 패키지의 파일 위치만 찾아
# 텍스트 파일을 직접 읽습니다. (이 절의 셀은 채점할 때 실행되지 않습니다.)

# %% tags=["skip-grading"]
import importlib.util
import time
from pathlib import Path

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)
import matplotlib.pyplot as plt


def load_konlpy_text(corpora=("kolaw", "kobill")):
    """konlpy에 들어 있는 말뭉치의 .txt 파일들을 이름순으로 읽어 이어 붙입니다."""
    spec = importlib.util.find_spec("konlpy")
    root = Path(list(spec.submodule_search_locations)[0]) / "data" / "corpus"
    parts = [p.read_text(encoding="utf-8").replace("\r\n", "\n").strip("\n")
             for name in corpora for p in sorted((root / name).glob("*.txt"))]
    return "\n\n".join(parts) + "\n"


train_text = load_konlpy_text(("kobill",))   # 학습: 국회 의안
test_text = load_konlpy_text(("kolaw",))     # 평가: 헌법 (학습에 쓰지 않은 텍스트)
print(f"학습 {len(train_text):,}자 ({len(train_text.encode()):,}바이트), 평가 {len(test_text):,}자")

start = time.perf_counter()
vocab, merges = train_bpe(train_text, 2048, ["<|endoftext|>"])
print(f"train_bpe: 병합 {len(merges)}개, {time.perf_counter() - start:.2f}초")
tokenizer = BPETokenizer(vocab, merges, ["<|endoftext|>"])

# %% [markdown]
# ### 첫 질문의 답: "안녕하세요"는?

# %% tags=["skip-grading"]
if "tokenizer" not in globals():  # the cell above stopped at an unfinished function
    raise NotImplementedError("위의 train_bpe와 BPETokenizer를 먼저 구현한 뒤 이 셀을 실행하세요.")


def show(tok, text):
    """토큰마다 바이트를 보기 좋게: 완성된 글자는 글자로, 음절 조각은 \\x.. 로."""
    return [tok.vocab[i].decode("utf-8", errors="backslashreplace") for i in tok.encode(text)]


for sentence in ["안녕하세요", "대한민국 헌법", "국민은 법률이 정하는 바에 의하여"]:
    print(f"{sentence!r:>22} →", show(tokenizer, sentence))

greetings = ("안녕하세요\n안녕히 가세요\n안녕히 주무세요\n안녕하십니까\n공부하세요\n조심하세요\n"
             "운동하세요\n축하하세요\n안녕\n") * 20
greeting_tok = BPETokenizer(*train_bpe(greetings, 256 + 20))
print("인사말 말뭉치로 학습하면:", show(greeting_tok, "안녕하세요"))

# %% [markdown]
# 헌법과 의안에는 인사말이 없습니다. 그래서 의안으로 학습한 토크나이저에는 `"안녕"`이라는 토큰이
# 생기지 않고, 드문 음절 `녕`은 바이트 조각(`\xeb\x85`, `\x95`)으로 남습니다. 반면 `" 정하는"`,
# `" 의하여"`처럼 의안에 자주 나오는 어절은 통째로 한 토큰이 됩니다. 인사말을 모아 학습하면 교재의 예처럼
# `["안녕", "하세요"]`가 나옵니다: `안녕`은 `안녕히`, `안녕하십니까`에도, `하세요`는 `공부하세요`,
# `조심하세요`에도 나오기 때문입니다.
#
# **BPE는 형태소나 뜻이 아니라 학습 말뭉치에서의 빈도로 토큰을 만듭니다.** 같은 단어라도 어떤 텍스트로
# 학습했느냐에 따라 다르게 나뉩니다.
#
# ### 병합은 음절을 먼저, 그다음 단어를 만든다
# 한글 음절은 3바이트이므로 첫 병합들은 **음절 조각**(완성되지 않은 UTF-8)을 만들고, 조각이 모여 음절이
# 되고, 음절이 모여 어절이 됩니다. 병합 결과를 네 종류로 나눠 병합 순서에 따라 누적해 봅니다.

# %% tags=["skip-grading"]
if "tokenizer" not in globals():  # the cell above stopped at an unfinished function
    raise NotImplementedError("위의 train_bpe와 BPETokenizer를 먼저 구현한 뒤 이 셀을 실행하세요.")


def token_kind(token: bytes) -> str:
    try:
        text = token.decode("utf-8").lstrip()
    except UnicodeDecodeError:
        return "음절 조각 (완성되지 않은 UTF-8)"
    hangul = [c for c in text if "가" <= c <= "힣"]
    if hangul and len(hangul) == len(text):
        return "한글 음절 1개" if len(text) == 1 else "한글 음절 2개 이상 (어절·단어)"
    return "그 밖 (공백, 숫자, 기호, 영문)"


kinds = ["음절 조각 (완성되지 않은 UTF-8)", "한글 음절 1개", "한글 음절 2개 이상 (어절·단어)",
         "그 밖 (공백, 숫자, 기호, 영문)"]
running = {kind: [] for kind in kinds}
counts = Counter()
for a, b in merges:
    counts[token_kind(a + b)] += 1
    for kind in kinds:
        running[kind].append(counts[kind])

fig, ax = plt.subplots(figsize=(8, 4.5))
for kind in kinds:
    ax.plot(range(1, len(merges) + 1), running[kind], label=kind)
ax.set_xlabel("병합 순서")
ax.set_ylabel("지금까지 만든 토큰 수 (누적)")
ax.set_title("병합이 만드는 토큰의 종류: 바이트 조각에서 음절로, 음절에서 어절로")
ax.legend()
plt.show()

print("처음 병합 20개:", [(a + b).decode("utf-8", errors="backslashreplace") for a, b in merges[:20]])
print("마지막 병합 10개:", [(a + b).decode("utf-8", errors="backslashreplace") for a, b in merges[-10:]])

# %% [markdown]
# ### 압축률: 토큰 하나에 글자 몇 개?
# 어휘가 클수록 토큰 하나가 더 많은 글자를 담습니다(글자/토큰 ↑, 시퀀스 길이 ↓). BPE는 탐욕적이라
# 병합 k개로 학습한 결과는 큰 어휘의 **처음 k개 병합**과 같습니다. 그래서 한 번 학습한 merges를 잘라
# 여러 크기를 비교할 수 있습니다. 학습하지 않은 헌법 텍스트에서 재고, 같은 텍스트·같은 어휘 크기로 학습한
# Hugging Face `tokenizers`의 바이트 수준 BPE와도 비교합니다. 기준선: 글자 단위 토큰화는 1.0,
# 바이트 단위는 약 0.4입니다.

# %% support=["05_tokenization:hf_bpe"] tags=["skip-grading"]

# %% tags=["skip-grading"]
if "tokenizer" not in globals():  # the cell above stopped at an unfinished function
    raise NotImplementedError("위의 train_bpe와 BPETokenizer를 먼저 구현한 뒤 이 셀을 실행하세요.")

sizes = [256, 384, 512, 768, 1024, 1536, 2047]
ours, hf, fertility = [], [], []
n_words = len(test_text.split())
for size in sizes:
    k = size - 256
    ids = BPETokenizer(vocab, merges[:k]).encode(test_text)
    ours.append(len(test_text) / len(ids))
    fertility.append(len(ids) / n_words)
    hf.append(len(test_text) / len(hf_bpe(train_text, size).encode(test_text).ids))

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(sizes, ours, "o-", label="우리 BPE (train_bpe)")
ax.plot(sizes, hf, "s--", label="HF tokenizers BPE")
ax.axhline(1.0, color="gray", linestyle=":", label="글자 단위")
ax.axhline(len(test_text) / len(test_text.encode()), color="black", linestyle=":", label="바이트 단위")
ax.set_xlabel("어휘 크기 (vocab_size)")
ax.set_ylabel("글자 / 토큰 (헌법, 학습에 안 쓴 텍스트)")
ax.set_title("어휘가 클수록 토큰 하나가 더 많은 글자를 담는다")
ax.legend()
plt.show()
for size, o, h, f in zip(sizes, ours, hf, fertility):
    print(f"vocab {size:5d}: 우리 {o:.2f}  HF {h:.2f} 글자/토큰, 어절당 토큰 {f:.2f}")

# %% [markdown]
# 두 구현의 곡선은 거의 겹칩니다. 작은 차이는 동점 규칙(HF는 id가 작은 쌍을 먼저 고릅니다)과, 같은
# 바이트열이 다른 경로로 다시 만들어질 때 HF는 새 id를 주지 않는다는 점에서 옵니다. 속도는 다릅니다.
# HF는 Rust로 쓰였고, 과정의 `benchmarks/bench_05_bpe.py`가 두 학습 시간을 비교합니다.
#
# ## 정리
#
# ### 장점
# - 바이트에서 시작하므로 어떤 언어, 이모지, 오타도 `<unk>` 없이 표현합니다.
# - 자주 나오는 어절은 한 토큰, 드문 단어는 조각으로: 어휘 크기와 시퀀스 길이의 균형을 데이터가 정합니다.
# - 학습과 인코딩이 결정적이고(동점 규칙), 사람이 규칙을 만들 필요가 없습니다.
#
# ### 단점
# - 토큰이 형태소나 뜻과 맞지 않습니다("안녕하세요"가 말뭉치에 따라 다르게 나뉩니다).
# - 한글 한 음절이 3바이트라서, 학습 데이터에 드문 한국어는 영어보다 토큰이 훨씬 많이 듭니다
#   (같은 문맥 길이에 담기는 내용이 줄고 비용이 늘어납니다).
# - 병합은 사전 토큰 경계를 넘지 않으므로 결과가 사전 토큰화 정규식에 묶입니다.
#
# ### 주요 사용 시기
# - GPT 계열 언어 모델의 입력 단계 전부: 이 과제의 토크나이저가 다음 과제들의 작은 한국어 GPT에 쓰입니다.
# - 여러 언어와 기호가 섞인 텍스트처럼 `<unk>`가 생기면 안 될 때.
# - 어휘 크기를 정해 두고(예: 4,096) 시퀀스 길이를 줄이고 싶을 때.
