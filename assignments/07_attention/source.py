# %% [markdown]
# # 07. 셀프 어텐션 (Self-Attention)
#
# > 각 토큰이 다른 모든 토큰과 어떻게 관련되는지 계산합니다.
# > 예: "나는 사과를 먹었다"에서 "먹었다"는 "사과"와 높은 관련성을 가집니다.
#
# 이 과제에서는 트랜스포머의 핵심 부품인 **셀프 어텐션**을 처음부터 만듭니다.
#
# 1. 안정된 소프트맥스 `softmax`
# 2. 인과 마스크 `causal_mask`
# 3. 어텐션 가중치 `attention_weights`와 스케일드 닷-프로덕트 어텐션 `scaled_dot_product_attention`
# 4. 멀티 헤드 셀프 어텐션 `MultiHeadSelfAttention`
#
# 마지막에는 "나는 사과를 먹었다"의 어텐션 맵을 그려 봅니다.
#
# ## 개요
# 문장의 각 토큰은 세 가지 벡터를 만듭니다.
#
# - **쿼리(query) q**: "나는 어떤 정보를 찾고 있나?"
# - **키(key) k**: "나는 어떤 정보를 갖고 있나?"
# - **값(value) v**: "나를 본 토큰에게 건네줄 내용"
#
# 쿼리와 키의 내적이 클수록 관련이 깊다고 보고, 내적을 소프트맥스로 확률(가중치)로 바꾼 뒤
# 값 벡터들의 가중 평균을 그 토큰의 새 표현으로 씁니다.
#
# $$\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right) V$$
#
# ## 이유
# - RNN은 먼 토큰의 정보를 여러 단계에 걸쳐 전달해야 해서 긴 문맥을 잊기 쉽습니다.
#   어텐션은 모든 토큰 쌍을 **한 번에 직접** 연결합니다(장거리 의존성).
# - 모든 위치의 계산이 행렬 곱 몇 번이므로 **병렬 처리**가 쉽습니다.
#
# ## 장점
# - 문장 안의 어느 두 토큰이든 한 단계 만에 정보를 주고받습니다.
# - 가중치(어텐션 맵)를 직접 들여다볼 수 있어 모델이 무엇을 보는지 짐작할 수 있습니다.
#
# ## 단점
# - 길이 T인 시퀀스에서 점수 행렬이 T × T이므로 계산량과 메모리가 T²에 비례합니다.
# - 어텐션 자체에는 순서 정보가 없어서 위치 인코딩(06 과제)이 따로 필요합니다.
#
# ## 주요 사용 시기
# - 트랜스포머 기반 모델(BERT, GPT 등)의 모든 층에서 쓰입니다.
# - GPT처럼 다음 토큰을 예측하는 모델은 **인과 마스크**로 미래 토큰을 가립니다.

# %%
import math

import torch
from torch import nn

# %% [markdown]
# ## 1. 소프트맥스 (Softmax)
#
# 점수 벡터 $x$를 합이 1인 확률로 바꿉니다: $\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$.
#
# 그대로 계산하면 $x_i$가 조금만 커도 $e^{x_i}$가 float32의 한계(약 $3.4\times10^{38}$, $x \approx 88$)를
# 넘어 `inf`가 되고, `inf / inf = NaN`이 됩니다. 아래 예를 보세요.

# %%
big = torch.tensor([1000.0, 1001.0, 1002.0])
print("그대로 계산:", torch.exp(big) / torch.exp(big).sum())
shifted = big - big.max()
print("최댓값을 뺀 뒤:", torch.exp(shifted) / torch.exp(shifted).sum())

# %% [markdown]
# 모든 $x_i$에서 같은 수 $m$을 빼도 분자와 분모에 $e^{-m}$이 똑같이 곱해지므로 결과는 변하지 않습니다.
# $m = \max_j x_j$로 두면 가장 큰 지수가 $e^0 = 1$이 되어 넘침이 사라집니다.
#
# ### 연습 1: `softmax(x, dim=-1)`
# `dim` 축을 따라 안정된 소프트맥스를 계산하세요. `torch.softmax`를 그대로 부르지 말고
# `amax`(또는 `max`), `exp`, `sum`으로 직접 만드세요. `keepdim=True`가 브로드캐스팅을 도와줍니다.

# %% solution=["softmax"]

# %% tests="test_softmax"
_x = torch.randn(3, 4, 5)
for _dim in (-1, 0, 1):
    assert torch.allclose(softmax(_x, dim=_dim), torch.softmax(_x, dim=_dim), atol=1e-6), \
        f"dim={_dim}에서 torch.softmax와 값이 다릅니다. 그 축을 따라 최댓값과 합을 구했나요?"
assert torch.isfinite(softmax(torch.tensor([1000.0, 1001.0]))).all(), \
    "큰 입력에서 inf/NaN이 나옵니다. exp 전에 최댓값을 빼세요."
print("softmax 확인 통과!")

# %% [markdown]
# ## 2. 인과 마스크 (Causal Mask)
#
# GPT는 왼쪽에서 오른쪽으로 한 토큰씩 생성합니다. 학습할 때도 $i$번째 토큰은 자기 자신과 **앞의**
# 토큰만 보아야 합니다. 그래서 어텐션 점수 행렬에 마스크를 씌웁니다.
#
# 이 과정의 규칙은 PyTorch와 같습니다: **True = 어텐션해도 된다**, False = 가린다.
# 길이 4의 인과 마스크는 다음과 같습니다(행 = 쿼리, 열 = 키).
#
# ```
# [[ True, False, False, False],
#  [ True,  True, False, False],
#  [ True,  True,  True, False],
#  [ True,  True,  True,  True]]
# ```
#
# ### 연습 2: `causal_mask(t)`
# `(t, t)` 모양의 `torch.bool` 텐서를 돌려주세요. 대각선(자기 자신)은 True입니다.
# 힌트: `torch.tril`.

# %% solution=["causal_mask"]

# %% tests="test_causal_mask"
_m = causal_mask(4)
assert _m.dtype == torch.bool, "dtype이 torch.bool이어야 합니다."
assert _m.shape == (4, 4), "모양이 (t, t)여야 합니다."
assert _m[0].tolist() == [True, False, False, False], "첫 토큰은 자기 자신만 볼 수 있어야 합니다."
assert _m[3].all(), "마지막 토큰은 모든 토큰을 볼 수 있어야 합니다."
print("causal_mask 확인 통과!")

# %% [markdown]
# ## 3. 스케일드 닷-프로덕트 어텐션 (Scaled Dot-Product Attention)
#
# 쿼리 $Q \in \mathbb{R}^{T_q \times d_k}$, 키 $K \in \mathbb{R}^{T_k \times d_k}$,
# 값 $V \in \mathbb{R}^{T_k \times d_v}$가 있을 때
#
# 1. 점수 $S = QK^\top / \sqrt{d_k}$ — 모양 $(T_q, T_k)$. $S_{ij}$는 쿼리 $i$와 키 $j$의 관련도입니다.
# 2. 마스크가 False인 자리는 $-\infty$로 바꿉니다. $e^{-\infty} = 0$이므로 그 자리의 가중치는 **정확히 0**이
#    되고, 남은 가중치의 합은 여전히 1입니다(0으로 바꾸면 $e^0 = 1$이라 가려지지 않습니다!).
# 3. 가중치 $A = \mathrm{softmax}(S)$ — **키 축(마지막 축)** 으로 정규화: 각 쿼리의 가중치 합이 1.
# 4. 출력 $AV$ — 모양 $(T_q, d_v)$.
#
# **왜 $\sqrt{d_k}$로 나눌까요?** 성분이 평균 0, 분산 1인 두 벡터의 내적은 분산이 $d_k$입니다.
# 차원이 크면 점수가 커지고 소프트맥스가 한 토큰에 쏠려(거의 원-핫) 기울기가 사라집니다.
# 아래에서 직접 확인해 봅시다.

# %%
for d_k in (4, 64, 1024):
    q_demo, k_demo = torch.randn(d_k), torch.randn(1000, d_k)
    scores = k_demo @ q_demo
    print(f"d_k={d_k:5d}: 점수의 표준편차 {scores.std():6.2f}, √d_k로 나눈 뒤 {(scores / math.sqrt(d_k)).std():.2f}")

# %% [markdown]
# 입력의 앞쪽 축(배치, 헤드)은 `...`로 표시했습니다. `@`와 `transpose(-2, -1)`은 앞쪽 축을 그대로 두고
# 마지막 두 축으로 행렬 곱을 하므로 배치가 있어도 코드가 같습니다.
#
# ### 연습 3: `attention_weights(q, k, mask=None)`
# 가중치 $A$ (모양 `(..., T_q, T_k)`)를 돌려주세요. `mask`는 `(..., T_q, T_k)`로 브로드캐스트되는 불리언
# 텐서입니다. 연습 1의 `softmax`를 쓰세요. 힌트: `masked_fill`, `float("-inf")`.
# 입력 텐서를 제자리(in-place)에서 바꾸지 마세요(`q /= ...` 대신 새 텐서를 만드세요).

# %% solution=["attention_weights"]

# %% tests="test_attention_weights"
_q, _k = torch.randn(2, 3, 8), torch.randn(2, 5, 8)
_w = attention_weights(_q, _k)
assert _w.shape == (2, 3, 5), "가중치의 모양은 (..., T_q, T_k)여야 합니다."
assert torch.allclose(_w.sum(-1), torch.ones(2, 3), atol=1e-6), "각 쿼리(행)의 가중치 합이 1이어야 합니다."
_mask = torch.tensor([[True, False, True, False, False]] * 3)
_wm = attention_weights(_q, _k, _mask)
assert (_wm[..., ~_mask[0]] == 0).all(), "가려진(False) 자리의 가중치는 정확히 0이어야 합니다."
assert torch.allclose(_wm.sum(-1), torch.ones(2, 3), atol=1e-6), "마스크가 있어도 가중치 합이 1이어야 합니다."
print("attention_weights 확인 통과!")

# %% [markdown]
# ### 연습 4: `scaled_dot_product_attention(q, k, v, mask=None)`
# 출력 $AV$ (모양 `(..., T_q, d_v)`)를 돌려주세요. PyTorch의
# `torch.nn.functional.scaled_dot_product_attention`과 같은 값을 내야 합니다(아래 확인 셀이 비교합니다).

# %% solution=["scaled_dot_product_attention"]

# %% tests="test_sdpa"
import torch.nn.functional as F

_q, _k, _v = torch.randn(2, 4, 8), torch.randn(2, 6, 8), torch.randn(2, 6, 3)
assert torch.allclose(scaled_dot_product_attention(_q, _k, _v),
                      F.scaled_dot_product_attention(_q, _k, _v), atol=1e-5), \
    "PyTorch의 scaled_dot_product_attention과 값이 다릅니다. √d_k로 나눴나요?"
_q, _k, _v = torch.randn(3, 6, 8), torch.randn(3, 6, 8), torch.randn(3, 6, 4)
assert torch.allclose(scaled_dot_product_attention(_q, _k, _v, causal_mask(6)),
                      F.scaled_dot_product_attention(_q, _k, _v, is_causal=True), atol=1e-5), \
    "인과 마스크를 쓴 결과가 PyTorch(is_causal=True)와 다릅니다."
print("scaled_dot_product_attention 확인 통과!")

# %% [markdown]
# ## 4. 멀티 헤드 셀프 어텐션 (Multi-Head Self-Attention)
#
# **셀프** 어텐션은 쿼리, 키, 값을 모두 같은 입력 $x$ (모양 `(B, T, d_model)`)에서 만듭니다:
# $Q = xW_q^\top + b_q$, $K = xW_k^\top + b_k$, $V = xW_v^\top + b_v$ (각각 `nn.Linear`).
#
# 한 번의 어텐션은 토큰마다 하나의 가중치 분포만 만듭니다. "누가 주어인가", "무엇을 먹었나"처럼 여러
# 관계를 동시에 보려면 $d_{model}$ 차원을 $H$개의 **헤드**로 나눠 각자 어텐션을 하게 합니다.
#
# - 헤드 $h$는 $Q, K, V$의 열 $h \cdot d_{head} : (h+1) \cdot d_{head}$ 를 씁니다 ($d_{head} = d_{model}/H$).
# - 모양 변화: `(B, T, d_model)` → `view(B, T, H, d_head)` → `transpose(1, 2)` → `(B, H, T, d_head)`.
#   이제 헤드 축은 배치 축처럼 `...`에 들어가므로 연습 4의 함수를 그대로 쓸 수 있습니다.
#   스케일은 $\sqrt{d_{head}}$ 입니다(헤드 하나의 차원).
# - 헤드 출력을 `(B, T, d_model)`로 되돌린 뒤(transpose를 되돌리고 합치기) 출력 투영 `o_proj`를 적용합니다.
#
# 아래는 `view`와 `transpose`가 열을 어떻게 헤드로 나누는지 보여 줍니다.

# %%
demo = torch.arange(2 * 6).reshape(1, 2, 6).float()  # B=1, T=2, d_model=6
print("입력 (B, T, d_model):\n", demo)
print("헤드로 나눔 (B, H=3, T, d_head=2):\n", demo.view(1, 2, 3, 2).transpose(1, 2))

# %% [markdown]
# ### 연습 5: `MultiHeadSelfAttention(d_model, n_heads)`
# `nn.Module`을 상속하고, 속성 `q_proj`, `k_proj`, `v_proj`, `o_proj` (모두 bias가 있는
# `nn.Linear(d_model, d_model)`)를 만드세요. `forward(x, mask=None)`은 `(B, T, d_model)`을 돌려줍니다.
# 채점은 여러분의 초기값이 아니라 주어진 가중치(`load_state_dict`)로 합니다. 드롭아웃은 넣지 마세요.

# %% solution=["MultiHeadSelfAttention"]

# %% tests="test_mha"
_mha = MultiHeadSelfAttention(12, 3)
_torch_mha = nn.MultiheadAttention(12, 3, batch_first=True)
with torch.no_grad():
    _torch_mha.in_proj_weight.copy_(torch.cat([_mha.q_proj.weight, _mha.k_proj.weight, _mha.v_proj.weight]))
    _torch_mha.in_proj_bias.copy_(torch.cat([_mha.q_proj.bias, _mha.k_proj.bias, _mha.v_proj.bias]))
    _torch_mha.out_proj.weight.copy_(_mha.o_proj.weight)
    _torch_mha.out_proj.bias.copy_(_mha.o_proj.bias)
    _x = torch.randn(2, 5, 12)
    _want, _ = _torch_mha(_x, _x, _x, need_weights=False)
    assert torch.allclose(_mha(_x), _want, atol=1e-5), \
        "nn.MultiheadAttention과 값이 다릅니다. 헤드를 나누고 합치는 순서와 o_proj를 확인하세요."
    # nn.MultiheadAttention의 불리언 마스크는 반대 규칙(True = 가림)이라 ~를 붙입니다.
    _want, _ = _torch_mha(_x, _x, _x, attn_mask=~causal_mask(5), need_weights=False)
    assert torch.allclose(_mha(_x, causal_mask(5)), _want, atol=1e-5), "인과 마스크를 준 결과가 다릅니다."
print("MultiHeadSelfAttention 확인 통과!")

# %% [markdown]
# ## 5. "나는 사과를 먹었다"의 어텐션 맵
#
# 학습된 모델은 어텐션 가중치를 데이터에서 배웁니다. 여기서는 원리를 보기 위해 벡터를 **손으로** 정합니다.
# 각 토큰의 임베딩은 네 가지 특징 [사람, 음식, 동작, 주어 표시]로 이루어집니다.
# 쿼리 투영 $W_q$는 "동작" 토큰(먹었다)이 **음식**(목적어)을 강하게, **사람**(주어)을 약하게 찾도록, "사람"과
# "음식" 토큰은 동작을 찾도록 만들었습니다. 키는 임베딩 그대로입니다($K = X$).

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

tokens = ["나는\n(naneun)", "사과를\n(sagwareul)", "먹었다\n(meogeotda)"]
#                  사람  음식  동작  주어
X = torch.tensor([[1.0, 0.0, 0.0, 1.0],    # 나는
                  [0.0, 1.0, 0.0, 0.0],    # 사과를
                  [0.0, 0.0, 1.0, 0.0]])   # 먹었다
W_q = torch.tensor([[0.0, 0.0, 2.0, 0.0],  # 사람 → 동작을 찾음
                    [0.0, 0.0, 4.0, 0.0],  # 음식 → 동작을 찾음
                    [3.0, 6.0, 0.0, 0.0],  # 동작 → 사람(조금), 음식(많이)을 찾음
                    [0.0, 0.0, 0.0, 0.0]])
Q, K = X @ W_q, X

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, (title, mask) in zip(axes, [("양방향 (마스크 없음)", None), ("인과 마스크 (GPT)", causal_mask(3))]):
    A = attention_weights(Q, K, mask)
    ax.imshow(A, cmap="Blues", vmin=0, vmax=1)
    for i in range(3):
        for j in range(3):
            ax.text(j, i, f"{A[i, j]:.2f}", ha="center", va="center",
                    color="white" if A[i, j] > 0.5 else "black")
    ax.set_xticks(range(3), tokens)
    ax.set_yticks(range(3), tokens)
    ax.set_xlabel("키 (보는 대상)")
    ax.set_ylabel("쿼리 (보는 토큰)")
    ax.set_title(title)
plt.tight_layout()
plt.show()

# %% [markdown]
# 왼쪽 맵의 마지막 행에서 "먹었다"는 "사과를"에 가장 큰 가중치를 줍니다: 무엇을 먹었는지가 동사의 뜻을
# 완성하기 때문입니다. 오른쪽(인과 마스크)에서는 "나는"이 자기 자신만 볼 수 있어 가중치가 1이고,
# 대각선 위쪽(미래)은 모두 정확히 0입니다.
#
# 생각해 볼 것:
# - $W_q$의 값을 모두 10배로 키우면 맵이 어떻게 변할까요? (소프트맥스가 한 토큰에 쏠립니다.)
# - 단어 순서를 "사과를 나는 먹었다"로 바꾸면 양방향 맵은 어떻게 될까요? 어텐션만으로는 순서를 알 수 없다는
#   점이 위치 인코딩(06 과제)이 필요한 이유입니다.
