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
# # 02. 신경망 기반 모델: RNN과 LSTM (2010년대 초반)
#
# **모델**: 순환 신경망(RNN), 장단기 메모리(LSTM) 네트워크
#
# **개요**: 순차적 데이터를 처리하며 이전 정보를 기억할 수 있는 신경망 구조입니다.
#
# **이유**:
# - 컴퓨팅 성능의 향상으로 더 복잡한 모델 학습이 가능해졌습니다.
# - 대규모 디지털 텍스트 데이터의 가용성이 증가했습니다.
# - RNN과 LSTM은 시퀀스 데이터 처리에 효과적이어서 언어의 시간적 의존성을 잘 포착할 수 있었습니다.
# - 그러나 장거리 의존성 학습의 한계와 병렬 처리의 어려움이 있었습니다.
#
# 01의 n-gram 모델은 바로 앞 n-1개 토큰만 봅니다. RNN은 지금까지 읽은 모든 것을 **은닉 상태(hidden state)**
# 라는 벡터 하나에 요약해 두고, 토큰을 하나 읽을 때마다 그 벡터를 고쳐 씁니다. 이 과제의 순서:
#
# 1. RNN 셀, 2. LSTM 셀, 3. 시퀀스 전체를 도는 LSTM 순전파 — PyTorch와 **똑같은 가중치 배치**로 구현하고
#    `torch.nn.RNN` / `torch.nn.LSTM`과 값·기울기를 맞춰 봅니다.
# 4. seed 문서가 말하는 "장거리 의존성 학습의 한계"가 어디서 오는지, 기울기가 시간을 거슬러 전달되며 얼마나
#    줄어드는지 직접 잽니다.
# 5. 01과 **같은 한국어 음절 말뭉치**로 LSTM 언어 모델을 학습합니다. 긴 텍스트를 조각내어 학습하는
#    잘린 역전파(TBPTT)와 기울기 클리핑을 직접 쓰고, 같은 평가 문장에서 01의 n-gram과 퍼플렉서티를 비교합니다.

# %%
import importlib.util
import math
import os
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_printoptions(precision=4)

# %% [markdown]
# ## 1. RNN 셀
#
# 시점 t의 입력 $x_t$ (크기 I)와 이전 은닉 상태 $h_{t-1}$ (크기 H)로 새 은닉 상태를 만듭니다.
#
# $$h_t = \tanh(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh})$$
#
# PyTorch의 배치: `W_ih`는 `(H, I)`, `W_hh`는 `(H, H)`, 편향은 둘 다 `(H,)`. 배치 차원이 앞에 오므로
# x는 `(B, I)`, h는 `(B, H)`이고 가중치를 **전치**해서 곱합니다. 편향이 두 개인 것은 PyTorch(cuDNN)의
# 관례입니다. 수학적으로는 하나로 합쳐도 되지만, 가중치를 그대로 옮겨 오려면 둘 다 더해야 합니다.
#
# 텐서 연산만으로 계산하세요: 결과는 입력과 같은 dtype(float32면 float32, float64면 float64)이고, torch와 같은
# **기울기**가 흘러야 합니다 (`.detach()`, `.data`, numpy를 거치면 값은 맞아도 학습이 되지 않습니다). 숨은 테스트는
# 값, dtype, 모든 입력과 가중치에 대한 기울기를 torch와 비교합니다. 아래 세 함수 모두 마찬가지입니다.
#
# 같은 가중치(W_ih, W_hh)를 모든 시점에서 **공유**한다는 점이 중요합니다. 그래서 길이와 상관없이
# 파라미터 수가 같고, 시간을 거슬러 기울기를 전달할 때 같은 W_hh가 계속 곱해집니다.
#
# **연습 1.** `rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh)`

# %% solution=["rnn_cell"]

# %% tests="test_rnn_cell"
torch.manual_seed(0)
_rnn = torch.nn.RNN(5, 4, batch_first=True)
_w = [_rnn.weight_ih_l0, _rnn.weight_hh_l0, _rnn.bias_ih_l0, _rnn.bias_hh_l0]
_x, _h = torch.randn(3, 5), torch.randn(3, 4)
with torch.no_grad():
    _want = _rnn(_x[:, None], _h[None])[0][:, 0]
    _got = rnn_cell(_x, _h, *_w)
assert _got.shape == (3, 4), "rnn_cell은 (B, H)를 반환해야 합니다."
assert torch.allclose(_got, _want, atol=1e-6), "torch.nn.RNN과 값이 다릅니다. 전치와 두 편향을 확인하세요."
print("rnn_cell: 통과")

# %% [markdown]
# ## 2. LSTM 셀
#
# RNN은 매 시점 은닉 상태 전체를 tanh로 다시 씁니다. LSTM은 따로 **셀 상태(cell state)** $c_t$를 두고,
# 게이트(gate)로 무엇을 지우고(f), 무엇을 쓰고(i, g), 무엇을 내보낼지(o) 정합니다.
#
# $$z = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh} \quad (B, 4H)$$
#
# | 조각 (4H 축) | 이름 | 식 |
# |---|---|---|
# | `0:H` | 입력 게이트 i | $\sigma(z_i)$ |
# | `H:2H` | 망각 게이트 f | $\sigma(z_f)$ |
# | `2H:3H` | 후보 값 g | $\tanh(z_g)$ |
# | `3H:4H` | 출력 게이트 o | $\sigma(z_o)$ |
#
# $$c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t)$$
#
# 이 **i, f, g, o 순서**와 `W_ih (4H, I)`, `W_hh (4H, H)` 배치가 PyTorch의 약속입니다 (Keras는 i, f, c, o 순서로
# 다른 배치를 씁니다). `z.chunk(4, dim=-1)`이 네 조각을 앞에서부터 나눠 줍니다.
#
# 핵심은 $c_t = f \odot c_{t-1} + \dots$의 **덧셈**입니다. f가 1에 가까우면 셀 상태와 그 기울기가 거의 그대로
# 다음 시점으로 전달됩니다. RNN처럼 매번 W_hh를 곱하고 tanh를 거치는 길과 다릅니다.
#
# **연습 2.** `lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)` → `(h, c)`

# %% solution=["lstm_cell"]

# %% tests="test_lstm_cell"
torch.manual_seed(1)
_cell = torch.nn.LSTMCell(5, 4)
_w = [_cell.weight_ih, _cell.weight_hh, _cell.bias_ih, _cell.bias_hh]
_x, _h, _c = torch.randn(3, 5), torch.randn(3, 4), torch.randn(3, 4)
with torch.no_grad():
    _want_h, _want_c = _cell(_x, (_h, _c))
    _got_h, _got_c = lstm_cell(_x, _h, _c, *_w)
assert torch.allclose(_got_c, _want_c, atol=1e-6), "셀 상태 c가 다릅니다. 게이트 순서 i, f, g, o를 확인하세요."
assert torch.allclose(_got_h, _want_h, atol=1e-6), "은닉 상태 h가 다릅니다. h = o * tanh(c)인지 확인하세요."
print("lstm_cell: 통과")

# %% [markdown]
# ## 3. 시퀀스 전체: 배치 우선(batch_first) LSTM 순전파
#
# 입력 x는 `(B, T, I)`입니다 (배치가 먼저, `batch_first=True`). 시점 t의 입력은 `x[:, t]`이고,
# 셀을 t = 0부터 T-1까지 차례로 부르면서 (h, c)를 다음 시점으로 넘깁니다.
#
# ```
# h, c = h0, c0
# for t in range(T):
#     h, c = lstm_cell(x[:, t], h, c, ...)
#     output[:, t] = h
# ```
#
# 이 반복문이 RNN/LSTM의 약점인 **병렬 처리의 어려움**입니다. 시점 t를 계산하려면 t-1이 끝나야 합니다.
# (트랜스포머는 모든 위치를 한 번에 계산합니다 → 03 과제)
#
# 반환값: `output (B, T, H)` (모든 시점의 h), `(h_n, c_n)` 각각 `(B, H)` (마지막 상태).
# `torch.nn.LSTM`은 층 수 축을 붙여 `(1, B, H)`로 돌려주는 점만 다릅니다. 출력 텐서를 미리 만들어 채운다면
# x와 같은 dtype으로 만들고, 시점 사이에서 (h, c)를 떼어 내지(detach) 마세요: 기울기가 처음 상태와 모든 시점의
# 입력까지 흘러야 합니다.
#
# **연습 3.** `lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh)`

# %% solution=["lstm_forward"]

# %% tests="test_lstm_forward"
torch.manual_seed(2)
_lstm = torch.nn.LSTM(5, 4, batch_first=True)
_w = [_lstm.weight_ih_l0, _lstm.weight_hh_l0, _lstm.bias_ih_l0, _lstm.bias_hh_l0]
_x, _h0, _c0 = torch.randn(3, 6, 5), torch.randn(3, 4), torch.randn(3, 4)
with torch.no_grad():
    _want, (_want_h, _want_c) = _lstm(_x, (_h0[None], _c0[None]))
    _got, (_got_h, _got_c) = lstm_forward(_x, _h0, _c0, *_w)
assert _got.shape == (3, 6, 4), "output은 (B, T, H)여야 합니다 (배치 우선)."
assert torch.allclose(_got, _want, atol=1e-5), "시점별 출력이 torch.nn.LSTM과 다릅니다. 상태를 다음 시점으로 넘겼나요?"
assert torch.allclose(_got_h, _want_h[0], atol=1e-5) and torch.allclose(_got_c, _want_c[0], atol=1e-5), \
    "마지막 상태 (h_n, c_n)이 다릅니다."
_h0.requires_grad_(True)
lstm_forward(_x, _h0, _c0, *_w)[0].sum().backward()
_want_grad = torch.autograd.grad(_lstm(_x, (_h0[None], _c0[None]))[0].sum(), _h0)[0]
assert _h0.grad is not None and torch.allclose(_h0.grad, _want_grad, atol=1e-5), \
    "처음 상태 h0로 가는 기울기가 torch.nn.LSTM과 다릅니다. 시점 사이에서 (h, c)를 detach하지 마세요."
print("lstm_forward: 통과")


# %% [markdown]
# ## 4. 기울기는 시간을 거슬러 얼마나 멀리 가는가
#
# 언어 모델이 "장거리 의존성"을 배우려면, 마지막 시점의 손실에서 나온 기울기가 수십 시점 앞의 입력까지
# 전달되어야 합니다. 연쇄 법칙으로 보면 RNN에서는
#
# $$\frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T} \operatorname{diag}(1 - h_s^2)\, W_{hh}$$
#
# 처럼 같은 행렬이 T-t번 곱해지므로, 크기가 거리에 따라 **지수적으로** 줄거나(기울기 소실) 커집니다
# (기울기 폭발). LSTM의 셀 상태 길은 $\partial c_t / \partial c_{t-1} = f$ (원소별)이므로, 망각 게이트 f가 1에
# 가까우면 기울기가 거의 줄지 않고 흐릅니다.
#
# 직접 재 봅시다. 입력 x `(B, T, I)`를 받아 마지막 은닉 상태 $h_T$ `(B, H)`를 돌려주는 함수 `final_state_fn`이
# 있을 때, 손실을 $\sum h_T$ (모든 원소의 합)로 두고 시점마다 입력의 기울기 크기를 잽니다.
#
# $$\text{norms}[t] = \Big\lVert \frac{\partial \sum h_T}{\partial x_{:, t}} \Big\rVert_2
# \quad (\text{배치 축과 입력 축을 합친 L2 노름}), \qquad t = 0, \dots, T-1$$
#
# 방법: x의 **복사본**을 만들어 `requires_grad_(True)`를 켜고(호출한 쪽의 x는 바꾸지 않습니다), `final_state_fn`에
# 넣고, 합을 `backward()` 한 뒤 복사본의 `.grad`에서 시점별 노름을 구합니다. 결과는 `(T,)` 텐서이고
# t = 0이 가장 먼 과거입니다.
#
# **연습 4.** `input_gradient_norms(final_state_fn, x)`

# %% solution=["input_gradient_norms"]

# %% tests="test_input_gradient_norms"
torch.manual_seed(3)
_rnn = torch.nn.RNN(3, 4, batch_first=True)
_x = torch.randn(2, 6, 3)
_norms = input_gradient_norms(lambda x: _rnn(x)[0][:, -1], _x)
assert _norms.shape == (6,), "시점마다 하나씩, (T,) 모양을 돌려주세요."
assert not _x.requires_grad and _x.grad is None, "호출한 쪽의 x를 바꾸지 말고 복사본으로 미분하세요."
_y = _x.clone().requires_grad_(True)
_rnn(_y)[0][:, -1].sum().backward()
assert torch.allclose(_norms, _y.grad.norm(dim=(0, 2)), atol=1e-6), \
    "기울기 크기가 다릅니다. Σh_T를 미분하고 시점 t마다 x[:, t] 기울기 전체의 L2 노름을 구하세요."
print("input_gradient_norms:", [round(v, 4) for v in _norms.tolist()])
print("input_gradient_norms: 통과")

# %% [markdown]
# 이제 여러분의 `rnn_cell`과 `lstm_forward`로 길이 100인 시퀀스를 처리하고, 기울기 크기를 **거리 T-1-t**에 대해
# 그립니다. 가중치는 PyTorch 기본 초기화(±1/√H 균등분포)이고, LSTM은 망각 게이트 편향을 0, 1, 3으로 바꿔 봅니다
# (편향 b를 더하면 처음 f ≈ σ(b): 0.5, 0.73, 0.95). 망각 게이트 편향을 1로 두는 것은 LSTM을 학습할 때
# 흔히 쓰는 요령입니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
import matplotlib.ticker

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)


def plain_log_ticks(ax):
    """한글 글꼴에는 수식용 마이너스 기호(−)가 없으므로 로그 축 눈금을 1e-05 같은 글자로 씁니다."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter(matplotlib.ticker.LogFormatter())


def random_weights(kind, hidden=32, n_in=8, forget_bias=0.0, seed=0):
    """PyTorch 기본 초기화와 같은 ±1/√H 균등분포 가중치 (LSTM이면 망각 게이트 편향에 forget_bias를 더함)."""
    g = torch.Generator().manual_seed(seed)
    gates = 4 if kind == "lstm" else 1
    uniform = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1) * hidden ** -0.5
    W_ih, W_hh = uniform(gates * hidden, n_in), uniform(gates * hidden, hidden)
    b_ih, b_hh = uniform(gates * hidden), uniform(gates * hidden)
    if kind == "lstm":
        b_ih[hidden:2 * hidden] += forget_bias
    return W_ih, W_hh, b_ih, b_hh


def rnn_final_state(weights):
    """x (B, T, I) → 여러분의 rnn_cell을 T번 적용한 마지막 은닉 상태."""
    def run(x):
        h = torch.zeros(x.shape[0], weights[1].shape[1])
        for t in range(x.shape[1]):
            h = rnn_cell(x[:, t], h, *weights)
        return h
    return run


def lstm_final_state(weights):
    """x (B, T, I) → 여러분의 lstm_forward의 마지막 은닉 상태 h_n."""
    def run(x):
        zeros = torch.zeros(x.shape[0], weights[1].shape[1])
        return lstm_forward(x, zeros, zeros, *weights)[1][0]
    return run


x_long = torch.randn(16, 100, 8, generator=torch.Generator().manual_seed(1))
fig, ax = plt.subplots(figsize=(8, 4.5))
runs = [("RNN", rnn_final_state(random_weights("rnn"))),
        ("LSTM (망각 편향 0)", lstm_final_state(random_weights("lstm", forget_bias=0.0))),
        ("LSTM (망각 편향 1)", lstm_final_state(random_weights("lstm", forget_bias=1.0))),
        ("LSTM (망각 편향 3)", lstm_final_state(random_weights("lstm", forget_bias=3.0)))]
for label, final_state_fn in runs:
    norms = input_gradient_norms(final_state_fn, x_long).flip(0)  # 인덱스 = 거리 T-1-t
    ax.semilogy(range(len(norms)), norms.clamp_min(1e-30), label=label)
    print(f"{label}: 거리 0에서 {norms[0]:.2e}, 거리 50에서 {norms[50]:.2e}, 거리 99에서 {norms[99]:.2e}")
ax.set(xlabel="거리 T - 1 - t (몇 시점 앞의 입력인가)", ylabel="‖∂ΣhT / ∂x_t‖ (로그 축)",
       title="시간을 거슬러 전달되는 기울기: RNN은 지수적으로 사라진다", ylim=(1e-22, 1e2))
ax.legend()
plain_log_ticks(ax)
fig.tight_layout()
plt.show()

# %% [markdown]
# 관찰할 점:
# - RNN의 기울기는 거리에 따라 직선으로(로그 축이므로 지수적으로) 떨어져, 수십 시점 앞의 입력은 사실상
#   학습 신호를 받지 못합니다. 이것이 "장거리 의존성 학습의 한계"입니다.
# - LSTM도 망각 게이트가 절반쯤 닫혀 있으면(f ≈ 0.5) 똑같이 잊습니다. 구조 자체가 마법은 아닙니다.
# - 망각 게이트가 1에 가까우면 덧셈 경로로 기울기가 100 시점 뒤까지 거의 그대로 전달됩니다. LSTM은 학습으로
#   "무엇을 오래 기억할지"를 게이트에 배울 수 있습니다.
#
# ## 5. LSTM 언어 모델: 01과 같은 한국어 음절로 학습하기
#
# 이제 LSTM으로 **언어 모델**을 학습합니다. 01과 같은 문장(헌법 + 의안 7개로 학습, 나머지 의안 3개로 평가)을
# 음절 단위로 쓰고, 어휘도 01의 `NGramLM`과 같게 둡니다: 학습 음절 + `</s>` + `<unk>`. 문장마다 끝에 `</s>`를
# 붙여 한 줄로 이어 붙인 토큰 열을 만듭니다. n-gram은 문장마다 `<s>`에서 새로 시작하지만, LSTM은 앞 문장을
# 읽은 상태를 이어서 갖고 갑니다.
#
# 모델은 주어진 코드 `CharLSTM`입니다: 임베딩 → `torch.nn.LSTM` → 선형층. 여러분의 `lstm_forward`는
# `torch.nn.LSTM`과 같은 값을 내지만 파이썬 반복문이라 느리므로, 학습에는 같은 계산을 C++로 하는
# `torch.nn.LSTM`을 씁니다. 여러분이 쓸 것은 **학습 과정**입니다.

# %% support=["korean_text:konlpy_corpus_dir", "01_ngram:BOS", "01_ngram:EOS", "01_ngram:UNK", "01_ngram:korean_sentences", "01_ngram:pad", "01_ngram:count_ngrams", "01_ngram:NGramLM", "02_rnn_lstm:CharLSTM"]

# %%
train_words, test_words = korean_sentences(konlpy_corpus_dir())
to_syllables = lambda sentences: [list("".join(s)) for s in sentences]
train_chars, test_chars = to_syllables(train_words), to_syllables(test_words)
vocab = sorted({c for s in train_chars for c in s} | {EOS, UNK})   # 01의 NGramLM과 같은 어휘
token_id = {token: i for i, token in enumerate(vocab)}


def encode(sentences):
    """문장마다 끝에 </s>를 붙여 이어 붙인 토큰 id 리스트 (어휘에 없는 음절은 <unk>)."""
    return [token_id.get(token, token_id[UNK]) for s in sentences for token in s + [EOS]]


train_ids, test_ids = encode(train_chars), encode(test_chars)
print(f"어휘 {len(vocab)}개, 학습 {len(train_ids):,} 토큰, 평가 {len(test_ids):,} 토큰")
print("처음 30 토큰:", "".join(vocab[i] if vocab[i] != EOS else "⏎" for i in train_ids[:30]))

# %% [markdown]
# ### 5.1 나란한 흐름으로 자르기
#
# 37,000개가 넘는 토큰을 한 번에 역전파할 수는 없습니다. PyTorch의 언어 모델 예제처럼 긴 토큰 열을
# **B개의 나란한 흐름(stream)**으로 자르고, 배치의 b번째 줄이 늘 흐름 b의 다음 부분이 되게 합니다. 그래야 한
# 조각을 읽고 남은 은닉 상태를 **다음 조각의 처음 상태**로 그대로 쓸 수 있습니다.
#
# ```
# ids = [a b c d e f g h i j k]  (11개), B = 3  →  L = 11 // 3 = 3
# streams = [[a b c],
#            [d e f],
#            [g h i]]     (j, k는 버림)
# ```
#
# 이어지는 토큰은 같은 흐름에 남아야 합니다 (`ids[b::B]`처럼 건너뛰어 담으면 문맥이 끊어집니다).
#
# **연습 5.** `batchify(ids, batch_size)` → `LongTensor (batch_size, len(ids) // batch_size)`.
# `ids`는 리스트일 수도, 1차원 텐서일 수도 있습니다.

# %% solution=["batchify"]

# %% tests="test_batchify"
assert batchify(list(range(11)), 3).tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]], \
    "흐름 b는 ids[b·L:(b+1)·L]이고 남는 끝부분은 버립니다."
assert batchify(torch.arange(4), 1).tolist() == [[0, 1, 2, 3]], "batch_size = 1이면 흐름 하나입니다."
assert batchify([5, 6, 7, 8], 2).dtype == torch.long, "토큰 id는 torch.long으로 돌려주세요."
print("batchify: 통과")

# %% [markdown]
# ### 5.2 잘린 역전파(TBPTT)의 조각과 정답 시프트
#
# 흐름 `(B, L)`을 앞에서부터 `bptt` 길이의 조각으로 자릅니다. 언어 모델의 정답은 **다음 토큰**이므로
# 입력 x와 정답 y는 한 칸 어긋납니다 (01의 n-gram이 문맥 다음 단어를 세던 것과 같습니다).
#
# ```
# i = 0, bptt, 2·bptt, …   (i < L-1)
#     n = min(bptt, L - 1 - i)
#     x = streams[:, i   : i+n]
#     y = streams[:, i+1 : i+1+n]
# ```
#
# 흐름의 마지막 토큰은 정답으로만 쓰이고, 마지막 조각은 bptt보다 짧을 수 있습니다. 모든 조각의 x를 이으면
# `streams[:, :-1]`, y를 이으면 `streams[:, 1:]`입니다.
#
# **연습 6.** `tbptt_batches(streams, bptt)` → `[(x, y), ...]`

# %% solution=["tbptt_batches"]

# %% tests="test_tbptt_batches"
_streams = torch.arange(20).reshape(2, 10)
_chunks = tbptt_batches(_streams, 4)
assert [x.shape[1] for x, _ in _chunks] == [4, 4, 1], "길이 10이면 조각은 4, 4, 1입니다 (마지막 토큰은 정답만)."
assert all(torch.equal(y, x + 1) for x, y in _chunks), "정답 y는 입력 x를 한 칸 민 다음 토큰이어야 합니다."
print("tbptt_batches: 통과")

# %% [markdown]
# ### 5.3 손실: 모든 위치의 교차 엔트로피
#
# 모델은 로짓 `(B, T, V)`를 냅니다. 손실은 모든 위치의 교차 엔트로피 평균입니다 (자연로그, 토큰당 nats).
#
# $$\mathcal{L} = -\frac{1}{B\,T} \sum_{b, t} \log \operatorname{softmax}(z_{b,t})[y_{b,t}]$$
#
# 어휘 축은 **마지막 축**입니다. `F.cross_entropy`는 클래스 축을 두 번째 축으로 기대하므로 `(B·T, V)`와 `(B·T,)`로
# 펴서 넘깁니다. `(B, T, V)`를 그대로 넘기면 T를 클래스로 읽습니다. 결과는 미분 가능한 0차원 텐서이고, 로짓과 같은
# dtype입니다 (숨은 테스트는 `F.cross_entropy`와 값, 기울기, dtype을 비교합니다).
#
# **연습 7.** `sequence_cross_entropy(logits, targets)`

# %% solution=["sequence_cross_entropy"]

# %% tests="test_sequence_cross_entropy"
assert abs(sequence_cross_entropy(torch.zeros(2, 3, 5), torch.tensor([[1, 2, 3], [0, 4, 1]])).item()
           - math.log(5)) < 1e-6, "로짓이 모두 같으면 손실은 ln V입니다."
_logits = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0))
_targets = torch.tensor([[0, 3, 1], [2, 2, 0]])
assert abs(sequence_cross_entropy(_logits, _targets).item()
           - F.cross_entropy(_logits.reshape(-1, 4), _targets.reshape(-1)).item()) < 1e-6, \
    "F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))와 같아야 합니다."
print("sequence_cross_entropy: 통과")

# %% [markdown]
# ### 5.4 기울기 클리핑
#
# 4절에서 본 것처럼 RNN 계열의 기울기는 가끔 **폭발**합니다. 한 번의 큰 기울기가 학습을 망치지 않도록, 모든
# 파라미터의 기울기를 하나의 긴 벡터로 보고 그 노름이 `max_norm`을 넘으면 같은 비율로 줄입니다
# (`torch.nn.utils.clip_grad_norm_`과 같음).
#
# $$\text{total} = \sqrt{\textstyle\sum_p \lVert \nabla_p \rVert^2}, \qquad
# \text{total} > \text{max\_norm} \;\Rightarrow\; \nabla_p \leftarrow \nabla_p \cdot \frac{\text{max\_norm}}{\text{total} + 10^{-6}}$$
#
# - 파라미터마다 따로 자르면 기울기의 **방향**이 바뀝니다. 전체 노름 하나로 모두에 같은 배율을 곱하세요.
# - 얼린 파라미터처럼 `grad`가 `None`인 것은 건너뛰고 그대로 둡니다. 기울기가 하나도 없으면 전체 노름은 0입니다.
# - `parameters`는 `model.parameters()`처럼 **한 번만 돌 수 있는 반복자**일 수 있습니다. 먼저 리스트로 모으세요.
# - 기울기는 제자리에서(`g.mul_(...)`) 바꾸고, 클리핑하기 **전**의 전체 노름을 float로 돌려줍니다.
#
# **연습 8.** `clip_grad_norm(parameters, max_norm)`

# %% solution=["clip_grad_norm"]

# %% tests="test_clip_grad_norm"
_params = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(1))]
_params[0].grad, _params[1].grad = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 4.0, 0.0])  # 세 번째는 None
_total = clip_grad_norm(iter(_params), 1.0)
assert abs(float(_total) - 5.0) < 1e-6, "전체 노름은 √(3² + 4²) = 5입니다 (클리핑 전)."
assert torch.allclose(_params[0].grad, torch.tensor([0.6, 0.0]), atol=1e-5) and _params[2].grad is None, \
    "모든 기울기에 max_norm / (total + 1e-6)을 곱하고, grad가 None이면 그대로 두세요."
print("clip_grad_norm: 통과")

# %% [markdown]
# ### 5.5 잘린 역전파(TBPTT)로 한 에폭 학습하기
#
# 조각마다 순전파 → 손실 → 역전파 → 클리핑 → 업데이트를 하고, 마지막 은닉 상태를 다음 조각으로 넘깁니다.
# 넘기기 전에 상태를 **그래프에서 떼어 냅니다**(`detach`). 값은 그대로 두되, 다음 조각의 역전파는 이 조각에서
# 멈춥니다. 떼지 않으면 두 번째 조각의 `backward()`가 이미 지운 첫 조각의 그래프까지 가려다
# "Trying to backward through the graph a second time" 오류가 납니다. 이것이 **잘린(truncated)** 역전파입니다:
# 순전파의 기억은 흐름 끝까지 이어지지만, 기울기는 bptt 시점까지만 거슬러 갑니다.
#
# ```
# state = None
# for x, y in tbptt_batches(streams, bptt):
#     logits, state = model(x, state)
#     loss = sequence_cross_entropy(logits, y)
#     optimizer.zero_grad(); loss.backward()
#     clip_grad_norm(model.parameters(), max_norm); optimizer.step()
#     state = (h, c) 둘 다 detach
# ```
#
# 돌려주는 값은 이번 에폭에서 예측한 **모든 토큰의 평균 손실**입니다. 마지막 조각이 짧을 수 있으므로 조각 손실의
# 평균이 아니라, 조각 손실 × 조각의 토큰 수(`y.numel()`)를 더해 전체 토큰 수로 나눕니다. 학습 모드(`model.train()`)에서
# 시작하세요.
#
# **연습 9.** `train_tbptt(model, streams, bptt, optimizer, max_norm)` (도우미 `_detach_state`도 채우세요)

# %% solution=["train_tbptt", "_detach_state"]

# %% tests="test_train_tbptt"
torch.manual_seed(0)
_model = CharLSTM(10, 6, 8)
_opt = torch.optim.SGD(_model.parameters(), lr=0.1)
_streams = torch.randint(0, 10, (3, 13), generator=torch.Generator().manual_seed(1))
_first = train_tbptt(_model, _streams, 5, _opt, 1.0)     # 조각 5, 5, 2: 두 번째 조각에서 detach가 필요합니다
_second = train_tbptt(_model, _streams, 5, _opt, 1.0)
assert isinstance(_first, float) and math.isfinite(_first), "평균 손실을 float로 돌려주세요."
assert _second < _first, "같은 데이터로 한 번 더 학습하면 손실이 줄어야 합니다."
print(f"train_tbptt: 손실 {_first:.3f} → {_second:.3f}")
print("train_tbptt: 통과")

# %% [markdown]
# ### 5.6 평가 퍼플렉서티
#
# 01과 같은 정의입니다: $\text{PPL} = \exp(\text{예측한 모든 토큰의 평균 교차 엔트로피})$. 학습 없이
# (`model.eval()`, `torch.no_grad()`) 조각을 차례로 읽으며 상태를 이어 쓰고, 평균은 조각 평균의 평균이 아니라
# 토큰 전체의 평균입니다. 평가 텍스트는 흐름 하나(`batchify(test_ids, 1)`)로 두므로 첫 토큰을 뺀 모든 토큰을
# 예측합니다. 01의 n-gram이 예측하는 토큰(각 문장의 음절과 `</s>`)과 첫 음절 하나만 다른 같은 토큰들입니다.
#
# **연습 10.** `evaluate_perplexity(model, streams, bptt)`

# %% solution=["evaluate_perplexity"]

# %% tests="test_evaluate_perplexity"
torch.manual_seed(0)
_model = CharLSTM(7, 5, 6)
_ppl = evaluate_perplexity(_model, torch.randint(0, 7, (1, 50), generator=torch.Generator().manual_seed(2)), 16)
assert isinstance(_ppl, float) and 4 < _ppl < 12, "학습 전 모델의 퍼플렉서티는 어휘 크기 7 근처여야 합니다."
print(f"학습 전 퍼플렉서티: {_ppl:.2f} (어휘 7개)")
print("evaluate_perplexity: 통과")

# %% [markdown]
# ### 5.7 학습하고 n-gram과 비교하기
#
# 설정: 임베딩 64, 은닉 128, 드롭아웃 0.3, 흐름 32개, bptt 32, Adam(학습률 0.004), 클리핑 1.0. 에폭마다 평가
# 퍼플렉서티를 재고, 가장 좋았던 에폭의 값을 씁니다 (조기 종료). 2코어 노트북에서 1분 안쪽이 걸립니다.
# 비교할 n-gram은 01의 `NGramLM`을 같은 학습 문장으로 학습하고 같은 평가 문장에서 잰 것입니다 (n마다 몇 가지 k 중
# 가장 좋은 값).

# %% tags=["skip-grading"]
torch.set_num_threads(1)  # 다른 프로그램과 코어를 나눠 쓸 때 시간이 덜 흔들립니다
EPOCHS = 2 if os.environ.get("COURSE_QUICK_RUN") else 8  # 자동 점검(COURSE_QUICK_RUN=1)만 짧게 돌립니다
torch.manual_seed(0)
model = CharLSTM(len(vocab), 64, 128, dropout=0.3)
optimizer = torch.optim.Adam(model.parameters(), lr=0.004)
train_streams, test_streams = batchify(train_ids, 32), batchify(test_ids, 1)
history = []
started = time.perf_counter()
for epoch in range(1, EPOCHS + 1):
    train_loss = train_tbptt(model, train_streams, 32, optimizer, 1.0)
    history.append((math.exp(train_loss), evaluate_perplexity(model, test_streams, 128)))
    print(f"에폭 {epoch}: 학습 PPL {history[-1][0]:.1f}, 평가 PPL {history[-1][1]:.1f} "
          f"({time.perf_counter() - started:.0f}초)")
lstm_best = min(p for _, p in history)

ngram_best = {}
for n in [1, 2, 3, 4]:
    ngram_best[n] = min(NGramLM(n, k).fit(train_chars).perplexity(test_chars) for k in [0.01, 0.1, 0.3])
    print(f"{n}-gram (음절, 가장 좋은 k): 평가 PPL {ngram_best[n]:.1f}")
print(f"LSTM (가장 좋은 에폭): 평가 PPL {lstm_best:.1f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
epochs = range(1, len(history) + 1)
left.plot(epochs, [t for t, _ in history], "o--", color="tab:gray", label="LSTM 학습 텍스트")
left.plot(epochs, [v for _, v in history], "o-", color="tab:blue", label="LSTM 평가 텍스트")
best_n = min(ngram_best, key=ngram_best.get)
left.axhline(ngram_best[best_n], color="tab:red", ls=":", label=f"가장 좋은 n-gram ({best_n}-gram)")
left.set(xlabel="에폭", ylabel="퍼플렉서티", title="LSTM 학습 곡선 (낮을수록 좋음)")
left.legend()
names = [f"{n}-gram" for n in ngram_best] + ["LSTM"]
values = list(ngram_best.values()) + [lstm_best]
bars = right.bar(names, values, color=["tab:red"] * len(ngram_best) + ["tab:blue"])
right.bar_label(bars, fmt="%.1f")
right.set(ylabel="평가 퍼플렉서티 (낮을수록 좋음)", title="같은 평가 문장에서의 퍼플렉서티 (음절 단위)")
fig.tight_layout()
plt.show()

# %% [markdown]
# 관찰할 점:
# - n-gram은 n이 커질수록 희소성 때문에 곧 나빠지지만(01), LSTM은 고정된 창 없이 은닉 상태로 문맥을 요약합니다.
# - 학습 텍스트의 퍼플렉서티는 계속 내려가는데 평가 퍼플렉서티는 어느 에폭부터 다시 오릅니다: 3만 7천 토큰뿐인
#   작은 말뭉치를 **외우기** 시작한 것(과적합)입니다. 드롭아웃과 조기 종료가 이를 늦춥니다. 더 큰 모델이 더 좋은
#   결과를 내려면 데이터도 함께 커져야 한다는 것이 04 과제(스케일링 법칙)의 주제입니다.
# - 평가 텍스트(다른 의안)에는 학습에 없던 음절과 표현이 많아서, 어느 모델에게나 어렵습니다.
#
# ## 6. 정리
#
# **장점**
# - 길이에 상관없이 같은 가중치로 시퀀스를 처리하고, 은닉 상태에 이전 정보를 요약해 기억합니다.
# - LSTM은 게이트와 셀 상태 덕분에 단순 RNN보다 훨씬 긴 의존성을 배울 수 있습니다.
# - 고정된 창(n-gram)과 달리 문맥 길이에 제한이 없고, 단어를 벡터로 다루므로 비슷한 단어끼리 정보를 공유합니다.
#
# **단점**
# - 시점을 하나씩 차례로 계산해야 해서 병렬 처리가 어렵고, 긴 시퀀스의 학습이 느립니다.
# - 기울기 소실·폭발 때문에 아주 먼 의존성은 여전히 어렵습니다. 그래서 이 과제에서 쓴 기울기 클리핑과 잘린
#   역전파(TBPTT) 같은 요령이 필요합니다. TBPTT는 계산을 줄이는 대신 bptt보다 먼 의존성의 기울기를 포기합니다.
# - 모든 과거를 고정 크기 벡터 하나에 눌러 담아야 합니다.
#
# **주요 사용 시기**
# - 2010년대의 기계 번역(seq2seq), 음성 인식, 언어 모델
# - 오늘날에도 스트리밍처럼 한 번에 한 토큰씩 적은 메모리로 처리해야 하는 곳
#
# 다음 과제(03)에서는 반복문 없이 모든 위치를 한 번에 보는 트랜스포머와 BERT, GPT를 다룹니다.
