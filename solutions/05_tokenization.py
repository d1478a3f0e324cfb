"""05 토큰화 (Tokenization): 바이트 수준 BPE (Byte Pair Encoding).

텍스트 → 사전 토큰화(pretokenize) → UTF-8 바이트 → 병합(merge) 규칙으로 토큰 id.
한글 음절 하나는 UTF-8로 3바이트이므로, 학습 초반의 병합은 바이트를 다시 음절로 묶고,
그다음에 자주 나오는 음절 묶음(어절, 조사, 어미)을 토큰으로 만듭니다.

이 모듈은 과정의 작은 한국어 GPT가 쓰는 토크나이저이기도 합니다. 뒤의 과제와 스크립트는 복사하지
말고 이 파일을 불러 씁니다(파일 이름이 숫자로 시작하므로 일반 import는 안 됩니다):

    from grader.assignments import load_solution
    bpe = load_solution("05_tokenization")
    vocab, merges = bpe.train_bpe(text, 4096, ["<|endoftext|>"])
    tokenizer = bpe.BPETokenizer(vocab, merges, ["<|endoftext|>"])

한국어 텍스트는 solutions/korean_text.py의 load_konlpy_text()로 읽습니다.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict

import regex

# GPT-2의 사전 토큰화 패턴. 표준 라이브러리 `re`는 \p{L}(모든 문자), \p{N}(모든 숫자)을 모릅니다.
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def pretokenize(text: str) -> list[str]:
    """GPT-2 정규식으로 텍스트를 사전 토큰(pre-token)으로 나눕니다.

    패턴: '(?:[sdmt]|ll|ve|re) | ?\\p{L}+ | ?\\p{N}+ | ?[^\\s\\p{L}\\p{N}]+ | \\s+(?!\\S) | \\s+
    - 영어 축약(’s, ’ll …), 앞의 공백 하나를 붙인 문자열(한글 음절도 \\p{L}), 숫자열,
      기호열, 그리고 공백열로 나눕니다. 마지막 공백 하나는 다음 단어에 붙습니다.
    - 모든 문자가 어느 조각엔가 들어가므로 "".join(pretokenize(t)) == t 입니다.
    - `regex` 패키지를 씁니다(표준 `re`는 \\p{L}을 지원하지 않습니다). 정규화(NFC/NFD)는 하지 않습니다.

    예: pretokenize("Hello, 세계! 123") == ["Hello", ",", " 세계", "!", " 123"]
    """
    return regex.findall(GPT2_PATTERN, text)


def _split_on_special_tokens(text: str, special_tokens) -> list[str]:
    """특수 토큰을 경계로 텍스트를 자른 조각들(특수 토큰 자체도 한 조각으로 남김, 빈 조각은 뺌).

    겹치는 특수 토큰은 긴 것이 먼저 일치합니다: 특수 토큰이 ["<|a|>", "<|a|><|a|>"]이면
    "x<|a|><|a|>y" → ["x", "<|a|><|a|>", "y"]. 특수 토큰이 없으면 [text].
    """
    if not special_tokens:
        return [text]
    longest_first = sorted(special_tokens, key=len, reverse=True)
    pattern = "(" + "|".join(regex.escape(tok) for tok in longest_first) + ")"
    return [part for part in regex.split(pattern, text) if part]


def _count_pretokens(text: str, special_tokens) -> Counter:
    """특수 토큰을 잘라 낸(버린) 뒤 사전 토큰의 빈도 Counter{UTF-8 바이트열: 등장 횟수}.

    예: _count_pretokens("low low<|x|>low", ["<|x|>"]) == Counter({b"low": 2, b" low": 1})
    """
    specials = set(special_tokens)
    counts: Counter = Counter()
    for part in _split_on_special_tokens(text, special_tokens):
        if part in specials:
            continue
        counts.update(piece.encode("utf-8") for piece in pretokenize(part))
    return counts


def _merge_word(word: tuple, pair: tuple, new: bytes) -> tuple:
    """토큰의 튜플 `word`에서 인접한 `pair`를 왼쪽부터 겹치지 않게 찾아 `new` 하나로 바꿉니다.

    예: _merge_word((b"a",) * 5, (b"a", b"a"), b"aa") == (b"aa", b"aa", b"a")
    """
    out = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


class _LargestFirst:
    """heapq(작은 것부터 꺼내는 최소 힙)에서 바이트 쌍이 '큰 것부터' 나오도록 비교를 뒤집는 포장.

    _LargestFirst(p) < _LargestFirst(q)  ⇔  p > q  (바이트열 쌍의 사전식 비교).
    힙 항목 (-count, _LargestFirst(pair), pair)는 빈도가 큰 쌍, 빈도가 같으면 큰 쌍부터 나옵니다.
    """

    def __init__(self, pair):
        self.pair = pair

    def __lt__(self, other):
        return self.pair > other.pair


def train_bpe(text: str, vocab_size: int, special_tokens=()) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """텍스트에서 바이트 수준 BPE의 병합 규칙을 학습합니다.

    알고리즘
    1. 특수 토큰을 텍스트에서 잘라 내고(학습에 쓰지 않음), 나머지를 사전 토큰으로 나눕니다.
       같은 사전 토큰은 한 번만 두고 빈도 f(w)를 셉니다. 단어 w = 바이트 토큰의 나열.
    2. 쌍 빈도: count(a, b) = Σ_w f(w) · (w 안에서 a 바로 뒤에 b가 오는 자리의 수).
       자리는 겹쳐서 셉니다: b"aaaa"에서 (a, a)는 3번.
    3. 가장 큰 count의 쌍 (a, b)를 새 토큰 a+b로 병합하고, 모든 단어에서 (a, b)를 왼쪽부터
       겹치지 않게 a+b로 바꿉니다. 사전 토큰 경계를 넘는 병합은 없습니다.
    4. 동점 규칙(결정적): count가 같으면 바이트열 쌍 (a, b)를 사전식으로 비교해 가장 큰 쌍이
       이깁니다. 즉 max(count, (a, b)). 텍스트의 순서와 무관하게 결과가 같습니다.
    5. 병합 수 = vocab_size − 256 − len(special_tokens)가 되거나 쌍이 없을 때까지 반복합니다.

    증분 갱신(빠르게 하는 핵심): 매 병합마다 전체를 다시 세지 않고, 병합할 쌍이 든 단어만
    골라(쌍 → 단어 색인) 그 단어의 옛 쌍 빈도를 빼고 병합 뒤의 쌍 빈도를 더합니다.
    가장 큰 쌍은 힙에서 꺼내고, 낡은 항목(그사이 빈도가 바뀐 쌍)은 꺼낼 때 버립니다.

    반환
    - vocab: {id: bytes}. 0–255는 한 바이트, 그다음 id는 병합 순서대로, 특수 토큰은 그 뒤에
      주어진 순서대로(UTF-8 바이트).
    - merges: [(a, b), ...] 만든 순서대로.

    vocab_size < 256 + len(special_tokens)이면 ValueError. 넘겨받은 special_tokens는 바꾸지 않습니다.
    """
    n_merges = vocab_size - 256 - len(special_tokens)
    if n_merges < 0:
        raise ValueError("vocab_size는 256 + 특수 토큰 수 이상이어야 합니다.")
    word_counts = _count_pretokens(text, special_tokens)
    words = [tuple(bytes([b]) for b in word) for word in word_counts]
    freqs = list(word_counts.values())
    pair_counts, words_with_pair = _count_pairs(words, freqs)
    heap = [(-count, _LargestFirst(pair), pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)

    vocab = {i: bytes([i]) for i in range(256)}
    merges = []
    while len(merges) < n_merges and heap:
        neg_count, _, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg_count:
            continue  # 낡은 항목: 이 쌍의 빈도는 그사이 바뀌었습니다
        merges.append(pair)
        vocab[256 + len(merges) - 1] = pair[0] + pair[1]
        changed = _apply_merge(pair, words, freqs, words_with_pair)
        for p, delta in changed.items():
            pair_counts[p] += delta
            if pair_counts[p] > 0:
                heapq.heappush(heap, (-pair_counts[p], _LargestFirst(p), p))
            else:
                del pair_counts[p]

    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges


def _count_pairs(words: list, freqs: list) -> tuple[Counter, defaultdict]:
    """처음 한 번만 셉니다. 반환: (pair_counts, words_with_pair)

    - pair_counts[(a, b)] = Σ_i freqs[i] · (words[i] 안에서 a 바로 뒤에 b가 오는 자리 수), 겹쳐 셈
    - words_with_pair[(a, b)] = 그 쌍이 든 단어 번호 i의 집합 (defaultdict(set))
    """
    pair_counts: Counter = Counter()
    words_with_pair = defaultdict(set)
    for index, word in enumerate(words):
        for pair in zip(word, word[1:]):  # 겹쳐 셉니다: (a, a, a)에는 (a, a)가 2번
            pair_counts[pair] += freqs[index]
            words_with_pair[pair].add(index)
    return pair_counts, words_with_pair


def _apply_merge(pair: tuple, words: list, freqs: list, words_with_pair: defaultdict) -> dict:
    """`pair`가 든 단어만 병합하고(words를 바꿈), 쌍 빈도의 변화량 {쌍: Δcount}(0 제외)를 돌려줍니다.

    단어 w(빈도 f)마다: Δ -= f·(병합 전 w의 쌍들), Δ += f·(병합 후 w의 쌍들).
    색인에는 새 토큰이 든 쌍만 새로 생기므로 그것만 더합니다. 사라진 쌍의 색인은 그대로 두고
    (다음에 그 단어를 보면 병합할 것이 없어 건너뜀) 이 쌍의 색인은 지웁니다.
    """
    new = pair[0] + pair[1]
    changed = defaultdict(int)
    for index in words_with_pair.pop(pair, ()):
        old = words[index]
        merged = _merge_word(old, pair, new)
        if merged == old:
            continue  # 예전에 이 쌍이 있었지만 지금은 없는 단어
        f = freqs[index]
        for p in zip(old, old[1:]):
            changed[p] -= f
        for p in zip(merged, merged[1:]):
            changed[p] += f
            if new in p:
                words_with_pair[p].add(index)
        words[index] = merged
    return {p: delta for p, delta in changed.items() if delta != 0}


class BPETokenizer:
    """학습한 vocab과 merges로 텍스트 ↔ 토큰 id를 변환합니다.

    BPETokenizer(vocab, merges, special_tokens=())
    - encode(text) -> list[int]
        1. 특수 토큰을 먼저 찾아 그 id 하나로 바꿉니다. 겹치는 특수 토큰은 긴 것이 먼저입니다
           ("<|a|><|a|>"가 특수 토큰이면 "<|a|>" 두 개보다 우선). 특수 토큰은 쪼개지지 않습니다.
        2. 나머지 텍스트는 사전 토큰마다 UTF-8 바이트로 바꾸고, 인접 쌍 중 병합 순위(rank =
           merges에서의 위치)가 가장 낮은 쌍을 병합하기를, 병합할 쌍이 없을 때까지 반복합니다.
           (학습 때 병합한 순서 그대로 적용하는 것과 같습니다. 빈도나 길이로 고르지 않습니다.)
        3. 각 토큰의 바이트열을 vocab의 id로 바꿉니다. 유니코드 정규화는 하지 않습니다.
    - decode(ids) -> str
        모든 id의 바이트를 먼저 이어 붙인 뒤 한 번에 UTF-8로 디코딩합니다(errors="replace").
        토큰 하나가 한글 음절(3바이트)의 일부일 수 있으므로 토큰마다 디코딩하면 안 됩니다.
    """

    def __init__(self, vocab, merges, special_tokens=()):
        self.vocab = dict(vocab)
        self.merges = [tuple(pair) for pair in merges]
        self.special_tokens = list(special_tokens)
        self._ranks = {}
        for rank, pair in enumerate(self.merges):
            self._ranks.setdefault(pair, rank)  # 같은 쌍이 다시 나오면 처음 순위가 유효합니다
        self._ids = {}
        for token_id in sorted(self.vocab):  # 같은 바이트열이면 작은 id(일반 토큰)가 우선
            self._ids.setdefault(self.vocab[token_id], token_id)
        self._special_ids = {}
        for token in self.special_tokens:
            ids = [i for i, b in self.vocab.items() if b == token.encode("utf-8")]
            if not ids:
                raise ValueError(f"특수 토큰 {token!r}이(가) vocab에 없습니다.")
            self._special_ids[token] = max(ids)
        self._cache = {}

    def _encode_pretoken(self, piece: str) -> list[int]:
        """사전 토큰 하나 → id 목록: UTF-8 바이트에서 시작해 rank가 가장 낮은 인접 쌍을 병합하기를
        병합할 쌍이 없을 때까지 반복합니다. 같은 조각은 한 번만 계산해 캐시에 둡니다."""
        if piece not in self._cache:
            tokens = _apply_merges(piece.encode("utf-8"), self._ranks)
            self._cache[piece] = [self._ids[token] for token in tokens]
        return self._cache[piece]

    def encode(self, text: str) -> list[int]:
        """텍스트 → 토큰 id 목록 (특수 토큰은 긴 것부터, 나머지는 병합 순위대로)."""
        ids = []
        for part in _split_on_special_tokens(text, self.special_tokens):
            if part in self._special_ids:
                ids.append(self._special_ids[part])
                continue
            for piece in pretokenize(part):
                ids.extend(self._encode_pretoken(piece))
        return ids

    def decode(self, ids) -> str:
        """토큰 id 목록 → 텍스트 (바이트를 모두 이은 뒤 한 번에 디코딩, errors="replace")."""
        return b"".join(self.vocab[int(i)] for i in ids).decode("utf-8", errors="replace")


def _apply_merges(data: bytes, ranks: dict) -> list[bytes]:
    """바이트열을 한 바이트씩 나눈 뒤, 인접 쌍 중 rank가 가장 낮은 쌍을 병합하기를 반복합니다."""
    word = tuple(bytes([b]) for b in data)
    while len(word) > 1:
        best = min(zip(word, word[1:]), key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        word = _merge_word(word, best, best[0] + best[1])
    return list(word)


def hf_bpe(text: str, vocab_size: int):
    """비교용: 같은 텍스트와 어휘 크기로 Hugging Face `tokenizers`의 바이트 수준 BPE를 학습합니다.

    GPT-2와 같은 사전 토큰화(ByteLevel, use_regex=True, 앞 공백 없음)와 256개 바이트 알파벳에서
    시작하므로, `train_bpe`와 압축률·속도를 나란히 잴 수 있습니다. 학습된 `Tokenizer`를 돌려줍니다.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=0, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator([text], trainer)
    return tokenizer
