"""01_ngram: n-gram 언어 모델 (참조 답안)."""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

BOS = "<s>"
EOS = "</s>"
UNK = "<unk>"


def pad(tokens, n):
    """문장 양 끝에 경계 토큰을 붙입니다.

    n-gram 모델은 앞선 n-1개 토큰을 문맥으로 보므로, 첫 토큰에도 문맥이 있도록
    문장 앞에 `<s>`를 n-1개 붙이고, 문장이 끝나는 것도 예측하도록 뒤에 `</s>`를 하나 붙입니다.

        pad(["나는", "학생"], 3) == ["<s>", "<s>", "나는", "학생", "</s>"]

    Args:
        tokens: 토큰(문자열) 목록.
        n: n-gram의 n (1 이상).
    Returns:
        새 리스트 (입력은 바꾸지 않습니다).
    """
    return [BOS] * (n - 1) + list(tokens) + [EOS]


def count_ngrams(sentences, n):
    """패딩한 각 문장에서 연속한 n개 토큰의 튜플을 셉니다.

    문장마다 따로 패딩하므로 한 문장의 끝과 다음 문장의 시작을 잇는 n-gram은 생기지 않습니다.
    길이 L인 문장 하나는 정확히 L+1개의 n-gram을 만듭니다 (예측할 토큰 L개 + `</s>`).

    Args:
        sentences: 문장(토큰 리스트)들의 리스트.
        n: n-gram의 n.
    Returns:
        collections.Counter: {(w_1, ..., w_n): 등장 횟수}
    """
    counts = Counter()
    for tokens in sentences:
        padded = pad(tokens, n)
        for i in range(len(padded) - n + 1):
            counts[tuple(padded[i:i + n])] += 1
    return counts


class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 토큰들(리스트나 튜플)이고, 그 마지막 n-1개만 씁니다 (더 길면 앞부분은 보지 않고,
        n = 1이면 문맥을 쓰지 않습니다). 어휘에 없는 단어(문맥 속 단어 포함)는 `<unk>`로 바꿉니다.
        k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated


def korean_sentences(corpus_dir):
    """konlpy 말뭉치를 01·02가 함께 쓰는 학습·평가 문장으로 나눕니다 (주어진 코드).

    학습: 헌법(kolaw/constitution.txt)과 국회 의안 앞 7개, 평가: 나머지 의안 3개 (파일 이름순).
    줄바꿈과 문장부호(. ? !) 뒤에서 문장을 자르고, 공백으로 어절을 나눕니다.

    Args:
        corpus_dir: konlpy의 data/corpus 폴더 (konlpy_corpus_dir()).
    Returns:
        (train, test): 문장(어절 리스트)들의 리스트 두 개.
    """
    def split(text):
        pieces = (s for line in text.split("\n") for s in re.split(r"(?<=[.?!])\s+", line.strip()))
        return [s.split() for s in pieces if s.strip()]

    law = (corpus_dir / "kolaw" / "constitution.txt").read_text(encoding="utf-8")
    bills = [path.read_text(encoding="utf-8") for path in sorted((corpus_dir / "kobill").glob("*.txt"))]
    train = split(law) + [s for text in bills[:7] for s in split(text)]
    test = [s for text in bills[7:] for s in split(text)]
    return train, test
