# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01. 초기 언어 모델: n-gram (1990년대 ~ 2000년대 초반)
#
# **모델**: n-gram 모델과 같은 통계적 언어 모델
#
# **개요**: 이전 단어들의 빈도를 기반으로 다음 단어를 예측하는 간단한 모델입니다.
#
# **이유**:
# - 컴퓨팅 파워의 한계로 간단한 통계적 접근법이 선호되었습니다.
# - 대규모 디지털 텍스트 데이터의 부족으로 복잡한 모델 학습이 어려웠습니다.
# - 이 모델들은 구현이 비교적 쉽고 해석이 용이했습니다.
#
# 이 과제에서는 n-gram 언어 모델을 처음부터 만들어 봅니다. 언어 모델은 "지금까지 나온 토큰들 다음에
# 어떤 토큰이 올 확률"을 주는 모델입니다. n-gram 모델은 이 문맥을 **바로 앞의 n-1개 토큰**으로
# 줄여서, 학습 문장에서 센 빈도만으로 확률을 정합니다.
#
# $$P(w_i \mid w_1, \dots, w_{i-1}) \approx P(w_i \mid w_{i-n+1}, \dots, w_{i-1})$$
#
# 순서는 다음과 같습니다.
# 1. 문장 경계 패딩 (`pad`)
# 2. n-gram 세기 (`count_ngrams`)
# 3. 최대우도추정(MLE)과 add-k 평활화, `<unk>` 처리, 퍼플렉서티(Perplexity), 문장 생성 (`NGramLM`)
# 4. 한국어 헌법·법률안 텍스트로 학습하고, n과 k에 따라 퍼플렉서티가 어떻게 바뀌는지 그림으로 확인

# %%
import importlib.util
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np

BOS = "<s>"    # 문장 시작 (문맥으로만 쓰고, 예측하지 않음)
EOS = "</s>"   # 문장 끝 (예측 대상)
UNK = "<unk>"  # 어휘에 없는 단어

# %% [markdown]
# ## 1. 문장 경계 패딩
#
# bigram(n=2) 모델로 "나는 학생 이다"의 첫 단어 "나는"의 확률을 구하려면 앞 단어가 하나 필요합니다.
# 그래서 문장 앞에 가짜 시작 토큰 `<s>`를 **n-1개** 붙입니다. 또 문장이 어디서 끝나는지도 모델이
# 배워야 하므로 끝에 `</s>`를 **하나** 붙입니다.
#
# | n | `["나는", "학생"]`을 패딩한 결과 |
# |---|---|
# | 1 | `["나는", "학생", "</s>"]` |
# | 2 | `["<s>", "나는", "학생", "</s>"]` |
# | 3 | `["<s>", "<s>", "나는", "학생", "</s>"]` |
#
# **연습 1.** `pad(tokens, n)`을 구현하세요.

# %% solution=["pad"]

# %% tests="test_pad"
assert pad(["나는", "학생"], 3) == ["<s>", "<s>", "나는", "학생", "</s>"], \
    "문장 앞에 `<s>`를 n-1개, 뒤에 `</s>`를 1개 붙여야 합니다."
assert pad(["나는"], 1) == ["나는", "</s>"], "n=1이면 `<s>`를 붙이지 않습니다."
print("pad: 통과")

# %% [markdown]
# ## 2. n-gram 세기
#
# 패딩한 문장 위로 길이 n짜리 창을 한 칸씩 밀면서 n-gram(토큰 n개의 튜플)을 셉니다.
# 문장마다 **따로** 패딩하고 세야 합니다. 모든 문장을 이어 붙인 뒤 세면 "이다 너는"처럼 실제로는
# 이어지지 않는 두 문장의 경계를 넘는 n-gram이 생깁니다.
#
# 예: `[["나는", "학생", "이다"], ["너는", "선생", "이다"]]`의 bigram
#
# `(<s>, 나는)`, `(나는, 학생)`, `(학생, 이다)`, `(이다, </s>)` ×2, `(<s>, 너는)`, `(너는, 선생)`, `(선생, 이다)`
#
# 길이 L인 문장은 n과 상관없이 언제나 L+1개의 n-gram을 만듭니다 (L개 토큰 + `</s>`를 한 번씩 예측).
#
# **연습 2.** `count_ngrams(sentences, n)`을 구현하세요. `collections.Counter`를 반환합니다.

# %% solution=["count_ngrams"]

# %% tests="test_count_ngrams"
_counts = count_ngrams([["나는", "학생", "이다"], ["너는", "선생", "이다"]], 2)
assert _counts[("이다", "</s>")] == 2, "문장마다 `</s>`를 붙여 세었나요?"
assert _counts[("이다", "너는")] == 0, "문장 경계를 넘는 bigram이 생겼습니다. 문장마다 따로 세세요."
assert sum(_counts.values()) == 8, "길이 L인 문장은 L+1개의 n-gram을 만들어야 합니다."
print("count_ngrams: 통과")

# %% [markdown]
# ## 3. 확률: 최대우도추정(MLE)과 add-k 평활화
#
# **최대우도추정(MLE)**: 문맥 h 뒤에 단어 w가 온 비율입니다.
#
# $$P_{\text{MLE}}(w \mid h) = \frac{c(h, w)}{c(h)}, \qquad c(h) = \sum_{w'} c(h, w')$$
#
# 여기서 $c(h)$는 "문맥 h 뒤에 어떤 토큰이든 온 횟수"입니다. 이렇게 세면 각 문맥의 확률 합이
# 정확히 1이 됩니다.
#
# 문제는 **희소성(sparsity)**입니다. 학습 문장에 한 번도 나오지 않은 n-gram은 확률이 0이 되고,
# 평가 문장에 그런 n-gram이 하나라도 있으면 문장 전체의 확률이 0이 됩니다. n이 클수록 가능한 n-gram이
# 기하급수로 늘어나 이 문제가 심해집니다.
#
# **add-k 평활화**: 모든 n-gram 개수에 k를 더해 줍니다 (k = 1이면 라플라스(Laplace) 평활화).
#
# $$P_{k}(w \mid h) = \frac{c(h, w) + k}{c(h) + k\,|V|}$$
#
# 분모에 $k|V|$를 더해야 확률의 합이 1로 유지됩니다. 그래서 어휘 크기 $|V|$를 정확히 정해야 합니다.
#
# - 어휘 $V$ = 학습 문장의 토큰 + `</s>` + `<unk>`
# - `<s>`는 **넣지 않습니다**: 문맥으로만 쓰이고 예측되는 일이 없습니다.
# - 어휘에 없는 단어(OOV, Out-Of-Vocabulary)는 `<unk>`로 바꿉니다 (문맥 속 단어도). 학습 문장에 `<unk>`가 없으면
#   개수는 0이지만 add-k 덕분에 작은 확률을 받습니다. 드문 단어를 미리 `<unk>`로 바꿔 둔 말뭉치(예: Penn Treebank)처럼
#   학습 문장에 `<unk>`가 있으면, 모르는 단어는 그 `<unk>`의 개수로 계산됩니다.
# - k = 0인데 문맥을 한 번도 본 적 없으면 ($c(h) = 0$) 0으로 나누게 됩니다. 이때는 균등분포 $1/|V|$를 씁니다.
#
# 손으로 계산해 봅시다. 말뭉치 `[["나는", "학생", "이다"], ["너는", "선생", "이다"]]`,
# $V = \{$나는, 학생, 이다, 너는, 선생, `</s>`, `<unk>`$\}$, $|V| = 7$:
#
# - MLE: $P(\text{나는} \mid \texttt{<s>}) = 1/2$
# - add-1: $P(\text{나는} \mid \texttt{<s>}) = (1 + 1) / (2 + 7) = 2/9$
# - add-1: $P(\texttt{</s>} \mid \text{이다}) = (2 + 1) / (2 + 7) = 1/3$

# %% [markdown]
# ## 4. 퍼플렉서티(Perplexity)
#
# 언어 모델을 평가할 때는 학습에 쓰지 않은 문장(held-out)에서 모델이 얼마나 "덜 놀라는지"를 봅니다.
#
# $$\text{PPL} = \exp\Big(-\frac{1}{N}\sum_{i=1}^{N} \ln P(w_i \mid h_i)\Big)$$
#
# - N은 **예측한 토큰의 수**입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
# - 자연로그(ln)와 exp를 짝지어 씁니다 (log₂를 쓰면 2의 거듭제곱과 짝지어야 같은 값이 됩니다).
# - 확률을 곱하면 긴 텍스트에서 0으로 사라집니다(underflow). **로그확률을 더하세요.**
#
# 직관: 모든 토큰에 확률 1/V를 주는 균등 모델의 퍼플렉서티는 정확히 V입니다. 퍼플렉서티 4는
# "매번 4개 중 하나를 고르는 만큼 헷갈린다"는 뜻입니다. 예를 들어 세 토큰의 확률이 1/2, 1/4, 1/8이면
# 기하평균이 1/4이므로 퍼플렉서티는 4입니다.
#
# ## 5. 문장 생성
#
# 학습한 확률로 문장을 만들 수도 있습니다. `<s>` n-1개로 시작해서 어휘 전체에 대한 분포
# $P(\cdot \mid h)$에서 다음 토큰을 하나 뽑고, 문맥을 한 칸 밀고, `</s>`가 나오거나 max_len개가 될 때까지
# 반복합니다. 무작위 수는 인자로 받은 `numpy.random.Generator`만 씁니다 (예: `rng.choice(len(vocab), p=probs)`).
# 그래야 같은 시드로 같은 문장을 다시 얻을 수 있습니다.
#
# **연습 3.** `NGramLM`을 완성하세요: `fit`, `prob`, `perplexity`, `generate`.

# %% solution=["NGramLM"]

# %% tests="test_ngramlm"
_corpus = [["나는", "학생", "이다"], ["너는", "선생", "이다"]]
_lm = NGramLM(2, k=1.0).fit(_corpus)
assert abs(_lm.prob("나는", ["<s>"]) - 2 / 9) < 1e-12, \
    "add-1 확률이 2/9가 아닙니다. 분모 c(문맥) + k·|V|와 |V| = 7(학습 단어 5 + </s> + <unk>)을 확인하세요."
assert abs(_lm.prob("고양이", ["이다"]) - _lm.prob("<unk>", ["이다"])) < 1e-12, "모르는 단어는 `<unk>`로 바꾸세요."
assert abs(NGramLM(2).fit(_corpus).prob("이다", ["없는문맥"]) - 1 / 7) < 1e-12, \
    "k=0이고 본 적 없는 문맥이면 1/|V|를 돌려주세요."
_uni = NGramLM(1).fit([["가", "가", "가", "가", "나", "나", "다"]])
assert abs(_uni.perplexity([["가", "나"]]) - 4.0) < 1e-9, \
    "확률 1/2, 1/4, 1/8의 퍼플렉서티는 4입니다. exp(평균 음의 자연로그확률)인지 확인하세요."
assert _lm.generate(np.random.default_rng(0)) == _lm.generate(np.random.default_rng(0)), \
    "같은 시드의 rng로 같은 문장이 나와야 합니다."
print("NGramLM: 통과")

# %% [markdown]
# ## 6. 한국어 텍스트로 학습하기
#
# konlpy 패키지에 들어 있는 대한민국 헌법(`kolaw/constitution.txt`)과 국회 법률안(`kobill/*.txt`)을
# 씁니다. `import konlpy`는 자바가 필요하므로 패키지 위치만 찾아 파일을 직접 읽습니다 (아래의 주어진 코드
# `konlpy_corpus_dir`, `korean_sentences`). 헌법과 법률안 7개로 학습하고 나머지 법률안 3개로 평가합니다.
# 02 과제의 LSTM 언어 모델도 **같은 문장**으로 학습하고 평가해서 이 과제의 n-gram과 비교합니다.
#
# 한국어는 조사가 붙은 어절("대한민국은", "대한민국의")이 모두 다른 단어가 되므로 어절 단위로는
# 희소성이 매우 심합니다. 그래서 어절 단위와 음절 단위를 함께 비교합니다.

# %% support=["korean_text:konlpy_corpus_dir", "01_ngram:korean_sentences"]

# %% tags=["skip-grading"]
train_words, test_words = korean_sentences(konlpy_corpus_dir())
to_syllables = lambda sentences: [list("".join(s)) for s in sentences]
train_chars, test_chars = to_syllables(train_words), to_syllables(test_words)
print(f"학습 {len(train_words)}문장 / {sum(map(len, train_words))}어절, "
      f"평가 {len(test_words)}문장 / {sum(map(len, test_words))}어절")

# k가 크면 처음 보는 문맥에서 거의 균등분포가 되어 엉뚱한 음절이 이어집니다. k를 바꿔 보세요.
for n in [1, 2, 3, 4]:
    lm = NGramLM(n, k=1e-4).fit(train_chars)
    samples = ["".join(lm.generate(np.random.default_rng(seed), max_len=40)) for seed in range(2)]
    print(f"음절 {n}-gram 생성 예:", " / ".join(samples))

# %% [markdown]
# ## 7. 희소성이 드러나는 지점: n과 k에 따른 퍼플렉서티
#
# 평가 문장에서의 퍼플렉서티를 n(1~5)과 k에 따라 그립니다. 관찰할 점:
# - k = 0(MLE)이면 평가 문장의 처음 보는 n-gram 하나 때문에 퍼플렉서티가 무한대가 됩니다.
# - n을 키우면 문맥이 길어져 처음에는 좋아지지만, 곧 대부분의 문맥을 학습에서 본 적이 없어져
#   (희소성) 다시 나빠집니다. 어절 단위에서는 이 지점이 훨씬 빨리 옵니다.
# - 가장 좋은 k는 n에 따라 다릅니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
import matplotlib.ticker

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)


def plain_log_ticks(ax):
    """한글 글꼴에는 수식용 마이너스 기호(−)가 없으므로 로그 축 눈금을 1e-05 같은 글자로 씁니다."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter(matplotlib.ticker.LogFormatter())

orders = [1, 2, 3, 4, 5]
ks = [0.001, 0.01, 0.1, 1.0]
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, (unit, train, test) in zip(axes, [("어절", train_words, test_words),
                                          ("음절", train_chars, test_chars)]):
    for k in ks:
        ppl = [NGramLM(n, k).fit(train).perplexity(test) for n in orders]
        ax.plot(orders, ppl, marker="o", label=f"k = {k}")
    mle = NGramLM(2, 0.0).fit(train).perplexity(test)
    ax.set(title=f"{unit} 단위 (k = 0, n = 2: PPL = {mle})", xlabel="n", ylabel="평가 퍼플렉서티",
           yscale="log", xticks=orders)
    ax.legend()
    plain_log_ticks(ax)
fig.suptitle("n-gram 모델의 평가 퍼플렉서티: n이 커지면 희소성이 이긴다")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 8. 정리
#
# **장점**
# - 구현이 간단하고 학습이 빠릅니다 (세기만 하면 됩니다).
# - 확률의 근거가 개수이므로 해석이 쉽습니다.
#
# **단점**
# - 문맥이 n-1개 토큰으로 고정되어 장거리 의존성을 담지 못합니다.
# - n을 키우면 희소성 때문에 처음 보는 n-gram이 폭발적으로 늘어나 평활화가 필수입니다.
# - "학생"과 "학생들"처럼 비슷한 단어 사이에 아무것도 공유하지 않습니다 (임베딩이 없음).
#
# **주요 사용 시기**
# - 음성 인식·기계 번역의 고전적인 언어 모델, 자동 완성, 철자 교정
# - 오늘날에도 데이터 필터링이나 기준선(baseline) 모델로 쓰입니다.
#
# 다음 과제(02)에서는 고정된 창 대신 **은닉 상태**로 이전 정보를 기억하는 RNN과 LSTM을 만듭니다.
