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
# 라는 벡터 하나에 요약해 두고, 토큰을 하나 읽을 때마다 그 벡터를 고쳐 씁니다. 이 과제에서는
#
# 1. RNN 셀, 2. LSTM 셀, 3. 시퀀스 전체를 도는 LSTM 순전파
#
# 를 PyTorch와 **똑같은 가중치 배치**로 구현하고 `torch.nn.RNN` / `torch.nn.LSTM`과 값을 맞춰 봅니다.
# 마지막으로 seed 문서가 말하는 "장거리 의존성 학습의 한계"가 어디서 오는지, 기울기가 시간을 거슬러
# 전달되며 얼마나 줄어드는지 직접 재 봅니다.

# %%
import torch

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
# `torch.nn.LSTM`은 층 수 축을 붙여 `(1, B, H)`로 돌려주는 점만 다릅니다.
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
print("lstm_forward: 통과")

# %% [markdown]
# ## 4. 실험: 기울기는 시간을 거슬러 얼마나 멀리 가는가
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
# 아래 실험은 여러분의 `rnn_cell`과 `lstm_cell`로 길이 100인 시퀀스를 처리하고, 마지막 은닉 상태의 합을
# 각 시점의 입력 $x_t$로 미분한 크기 $\lVert \partial (\sum h_T) / \partial x_t \rVert$를 거리 T-t에 대해 그립니다.
# 가중치는 PyTorch 기본 초기화(±1/√H 균등분포)이고, LSTM은 망각 게이트 편향을 0, 1, 3으로 바꿔 봅니다
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


def input_gradient_norms(kind, length=100, hidden=32, n_in=8, batch=16, forget_bias=0.0, seed=0):
    """마지막 은닉 상태의 합을 각 시점 입력으로 미분한 크기 (시점별, 배치 전체의 노름)."""
    g = torch.Generator().manual_seed(seed)
    gates = 4 if kind == "lstm" else 1
    bound = hidden ** -0.5
    uniform = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1) * bound
    W_ih, W_hh = uniform(gates * hidden, n_in), uniform(gates * hidden, hidden)
    b_ih, b_hh = uniform(gates * hidden), uniform(gates * hidden)
    if kind == "lstm":
        b_ih[hidden:2 * hidden] += forget_bias
    x = torch.randn(batch, length, n_in, generator=g).requires_grad_()
    h, c = torch.zeros(batch, hidden), torch.zeros(batch, hidden)
    for t in range(length):
        if kind == "lstm":
            h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        else:
            h = rnn_cell(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
    h.sum().backward()
    return x.grad.norm(dim=(0, 2)).flip(0)  # index = distance T-1-t


fig, ax = plt.subplots(figsize=(8, 4.5))
runs = [("RNN", "rnn", 0.0), ("LSTM (망각 편향 0)", "lstm", 0.0), ("LSTM (망각 편향 1)", "lstm", 1.0),
        ("LSTM (망각 편향 3)", "lstm", 3.0)]
for label, kind, bias in runs:
    norms = input_gradient_norms(kind, forget_bias=bias)
    ax.semilogy(range(len(norms)), norms.clamp_min(1e-30), label=label)
ax.set(xlabel="거리 T - t (몇 시점 앞의 입력인가)", ylabel="‖∂ΣhT / ∂x_t‖ (로그 축)",
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
# ## 5. 정리
#
# **장점**
# - 길이에 상관없이 같은 가중치로 시퀀스를 처리하고, 은닉 상태에 이전 정보를 요약해 기억합니다.
# - LSTM은 게이트와 셀 상태 덕분에 단순 RNN보다 훨씬 긴 의존성을 배울 수 있습니다.
# - 고정된 창(n-gram)과 달리 문맥 길이에 제한이 없고, 단어를 벡터로 다루므로 비슷한 단어끼리 정보를 공유합니다.
#
# **단점**
# - 시점을 하나씩 차례로 계산해야 해서 병렬 처리가 어렵고, 긴 시퀀스의 학습이 느립니다.
# - 기울기 소실·폭발 때문에 아주 먼 의존성은 여전히 어렵습니다 (기울기 클리핑, 잘린 역전파(TBPTT) 같은 요령이 필요).
# - 모든 과거를 고정 크기 벡터 하나에 눌러 담아야 합니다.
#
# **주요 사용 시기**
# - 2010년대의 기계 번역(seq2seq), 음성 인식, 언어 모델
# - 오늘날에도 스트리밍처럼 한 번에 한 토큰씩 적은 메모리로 처리해야 하는 곳
#
# 다음 과제(03)에서는 반복문 없이 모든 위치를 한 번에 보는 트랜스포머와 BERT, GPT를 다룹니다.
