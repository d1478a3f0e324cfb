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
# 여러분의 함수와 모듈은 PyTorch의 것과 **값, dtype, 기울기**까지 같아야 합니다. float64 입력에는 float64 결과를
# 돌려주고, torch 연산만으로 계산해 자동 미분이 기울기를 구할 수 있게 하세요(`.detach()`, `.numpy()`, `.item()`,
# `torch.no_grad()`로 계산 그래프를 끊지 마세요). 입력 텐서는 바꾸지 말고 새 텐서를 돌려주세요.
#
# 마지막에는 여러분의 코드로 이 과정이 직접 사전 학습한 작은 한국어 GPT의 어텐션을 재현하고, "나는 사과를 먹었다"의
# 어텐션 맵을 층과 헤드마다 그려 봅니다.
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
# 입력 `x`는 바꾸지 마세요(`x -= ...` 대신 `shifted = x - ...`).

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
# ## 5. "나는 사과를 먹었다"의 어텐션 맵: 과정의 한국어 GPT
#
# 학습된 모델은 어텐션 가중치를 데이터에서 배웁니다. 이 과정이 05~08 과제의 부품으로 직접 사전 학습한 작은
# 한국어 GPT(`course_model/`, 09 과제부터 씁니다)가 "나는 사과를 먹었다"를 읽을 때 각 토큰이 어디를 보는지,
# **여러분의 어텐션 코드로** 계산해 봅시다. 이 모델은 층 4개, 층마다 헤드 4개($d_{model} = 128$,
# $d_{head} = 32$)이고, GPT라서 모든 층이 인과 마스크를 씁니다.
#
# 아래 주어진 코드는 05 과제의 `BPETokenizer`, 체크포인트를 읽는 `load_course_checkpoint`, 그리고 모델을
# PyTorch의 층으로 조립하는 `course_model_torch_layers`입니다. 각 블록은 PyTorch의
# `nn.TransformerEncoderLayer(norm_first=True)`이고 08 과제에서 직접 만들 프리-LN 블록과 같은 계산을 합니다.
# 블록 안의 `self_attn`(`nn.MultiheadAttention`)이 **모델 자신의 어텐션**입니다. **채점 대상이 아니며** 잠겨
# 있습니다. 실행만 하면 됩니다.

# %%
import json
from pathlib import Path

import regex
from safetensors.torch import load_file

# %% support=["05_tokenization:GPT2_PATTERN", "05_tokenization:pretokenize", "05_tokenization:_split_on_special_tokens", "05_tokenization:_merge_word", "05_tokenization:_apply_merges", "05_tokenization:BPETokenizer", "course_model:load_course_checkpoint", "course_model:course_model_torch_layers"]

# %% [markdown]
# 먼저 문장을 토큰으로 나눕니다. 이 토크나이저에서 `먹`은 드문 음절이라 UTF-8 바이트 세 개가 각각 토큰이
# 됩니다(05 과제). 그림에서는 이런 토큰을 `먹(1/3)`, `먹(2/3)`, `먹(3/3)`으로 표시합니다.

# %% tags=["skip-grading"]
state, tokenizer, config = load_course_checkpoint("course_model")
gpt = course_model_torch_layers(state, config)
sentence = "나는 사과를 먹었다"
ids = torch.tensor([tokenizer.encode(sentence)])  # (1, T)
T, n_layers, n_heads, d_model = ids.shape[1], config["model"]["n_layers"], config["model"]["n_heads"], config["model"]["d_model"]


def token_labels(token_ids, text):
    """토큰마다 읽을 수 있는 이름: 완성된 글자는 그대로, 한 글자를 여러 토큰이 나눠 가지면 '먹(1/3)'처럼."""
    pieces = [tokenizer.vocab[int(i)] for i in token_ids]
    char_of_byte = [c for c, char in enumerate(text) for _ in char.encode()]
    spans, start = [], 0
    for piece in pieces:  # 각 토큰의 바이트가 걸친 글자들
        spans.append({char_of_byte[b] for b in range(start, start + len(piece))})
        start += len(piece)
    labels = []
    for k, (piece, chars) in enumerate(zip(pieces, spans)):
        try:
            labels.append(piece.decode().strip())
        except UnicodeDecodeError:
            split = max(chars)  # 이 토큰이 일부만 가진 음절
            sharing = [j for j, other in enumerate(spans) if split in other]
            labels.append(f"{text[split]}({sharing.index(k) + 1}/{len(sharing)})")
    return labels


labels = token_labels(ids[0], sentence)
print(f"토큰 {T}개:", labels)

# %% [markdown]
# 이제 층마다 어텐션의 입력 $h = \mathrm{LN}_1(x)$을 만들고, 그 층의 가중치를 **여러분의**
# `MultiHeadSelfAttention`에 넣습니다(이름이 `q_proj`, `k_proj`, `v_proj`, `o_proj`로 같습니다). 4절처럼 헤드를
# 나눈 뒤 여러분의 `attention_weights`로 맵을, `scaled_dot_product_attention`으로 헤드 출력을 계산하고, 모델 자신의
# 어텐션(`self_attn`, `need_weights=True`)과 비교합니다. 다음 층의 입력은 모델의 블록이 만듭니다.

# %% tags=["skip-grading"]
mask = causal_mask(T)
layer_maps = []  # 층마다 여러분의 코드로 계산한 맵 (헤드, 쿼리, 키)
with torch.no_grad():
    x = gpt["tok_emb"](ids) + gpt["pos_emb"](torch.arange(T))
    for layer_index, block in enumerate(gpt["blocks"]):
        h = block.norm1(x)
        attention = MultiHeadSelfAttention(d_model, n_heads)
        prefix = f"blocks.{layer_index}.attn."
        attention.load_state_dict({name[len(prefix):]: w for name, w in state.items() if name.startswith(prefix)})
        q, k, v = (proj(h).view(1, T, n_heads, d_model // n_heads).transpose(1, 2)
                   for proj in (attention.q_proj, attention.k_proj, attention.v_proj))
        weights = attention_weights(q, k, mask)                 # (1, H, T, T)
        heads = scaled_dot_product_attention(q, k, v, mask)     # (1, H, T, d_head)
        # 모델 자신의 어텐션 (PyTorch의 불리언 마스크는 True = 가림이라 ~를 붙입니다)
        model_out, model_weights = block.self_attn(h, h, h, attn_mask=~mask, need_weights=True,
                                                   average_attn_weights=False)
        assert torch.allclose(weights, model_weights, atol=1e-5), \
            f"층 {layer_index + 1}: 여러분의 attention_weights가 모델의 어텐션 맵과 다릅니다."
        assert torch.allclose(heads, model_weights @ v, atol=1e-5), \
            f"층 {layer_index + 1}: 여러분의 scaled_dot_product_attention이 모델의 맵으로 만든 헤드 출력과 다릅니다."
        assert torch.allclose(attention(h, mask), model_out, atol=1e-5), \
            f"층 {layer_index + 1}: 여러분의 MultiHeadSelfAttention 출력이 모델의 self_attn과 다릅니다."
        layer_maps.append(weights[0])
        x = block(x, src_mask=~mask)
maps = torch.stack(layer_maps)  # (층, 헤드, 쿼리, 키)
print(f"층 {n_layers}개 × 헤드 {n_heads}개: 여러분의 어텐션이 모델의 맵과 출력을 그대로 재현합니다.")

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

if "maps" not in globals():  # the cell above stopped at an unfinished function
    raise NotImplementedError("위의 연습들을 먼저 구현한 뒤 이 셀을 실행하세요.")
fig, axes = plt.subplots(n_layers, n_heads, figsize=(14, 14), sharex=True, sharey=True)
for layer_index in range(n_layers):
    for head in range(n_heads):
        ax = axes[layer_index, head]
        ax.imshow(maps[layer_index, head], cmap="Blues", vmin=0, vmax=1)
        ax.set_title(f"층 {layer_index + 1} · 헤드 {head + 1}", fontsize=10)
        ax.set_xticks(range(T), labels, rotation=90, fontsize=8)
        ax.set_yticks(range(T), labels, fontsize=8)
fig.supxlabel("키 (보는 대상)")
fig.supylabel("쿼리 (보는 토큰)")
fig.suptitle(f'"{sentence}": 과정의 한국어 GPT의 어텐션 맵 (인과 마스크, 진할수록 큰 가중치)')
plt.tight_layout()
plt.show()

# %% [markdown]
# 모든 맵의 대각선 위쪽(미래)은 정확히 0이고, 첫 토큰 `나는`의 행은 자기 자신에게 1입니다. 헤드마다 보는 곳이
# 다릅니다: 거의 고르게 퍼진 헤드, 바로 앞 토큰을 보는 헤드, 한두 토큰에 몰리는 헤드가 있습니다.
#
# 교재는 "먹었다"가 "사과"와 높은 관련성을 가진다고 합니다. 헤드마다 `먹었다`의 토큰들(쿼리)이 준 가중치를
# 평균해 봅시다. 왼쪽은 어절 `사과를`의 세 토큰에 준 가중치의 합, 오른쪽은 그중 조사 `를`에 준 가중치입니다.
# 비교 기준으로, 각 쿼리가 볼 수 있는 키에 가중치를 고르게 나눠 주면 얼마가 되는지도 계산합니다(인과 마스크
# 때문에 쿼리마다 볼 수 있는 키의 수가 다릅니다).

# %% tags=["skip-grading"]
if "maps" not in globals():  # the cell above stopped at an unfinished function
    raise NotImplementedError("위의 연습들을 먼저 구현한 뒤 이 셀을 실행하세요.")
words = sentence.split()
char_of_byte = [c for c, char in enumerate(sentence) for _ in char.encode()]
word_of_token, end = [], 0
for token_id in ids[0].tolist():
    end += len(tokenizer.vocab[token_id])
    last_char = char_of_byte[end - 1]                                 # 토큰의 마지막 바이트가 속한 글자
    word_of_token.append(len(sentence[:last_char + 1].split()) - 1)  # 그 글자가 든 어절의 번호
verb_queries = [t for t, w in enumerate(word_of_token) if words[w] == "먹었다"]
object_keys = [t for t, w in enumerate(word_of_token) if words[w] == "사과를"]
particle_key = [t for t in object_keys if labels[t] == "를"]


def mean_weight(keys):
    """헤드마다 (층, 헤드): 먹었다의 쿼리들이 keys에 준 가중치의 합을 쿼리에 대해 평균한 값과, 고르게 나눌 때의 값."""
    got = maps[:, :, verb_queries][..., keys].sum(-1).mean(-1)
    uniform = sum(len(keys) / (q + 1) for q in verb_queries) / len(verb_queries)
    return got, uniform


fig, axes = plt.subplots(1, 2, figsize=(12, 5))
for ax, (name, keys) in zip(axes, [("사과를", object_keys), ("를", particle_key)]):
    got, uniform = mean_weight(keys)
    image = ax.imshow(got, cmap="Oranges", vmin=0, vmax=1)
    for layer_index in range(n_layers):
        for head in range(n_heads):
            value = got[layer_index, head].item()
            ax.text(head, layer_index, f"{value:.2f}", ha="center", va="center",
                    color="white" if value > 0.6 else "black")
    ax.set_xticks(range(n_heads), [f"헤드 {h + 1}" for h in range(n_heads)])
    ax.set_yticks(range(n_layers), [f"층 {i + 1}" for i in range(n_layers)])
    ax.set_title(f"'먹었다'가 '{name}'에 준 가중치 (고르게 나누면 {uniform:.2f})")
    fig.colorbar(image, ax=ax)
plt.tight_layout()
plt.show()

to_particle, uniform = mean_weight(particle_key)
best_layer, best_head = divmod(int(to_particle.argmax()), n_heads)
print(f"'를'을 가장 많이 보는 헤드: 층 {best_layer + 1} · 헤드 {best_head + 1} "
      f"(평균 {to_particle.max():.2f}, 고르게 나누면 {uniform:.2f})")
for q in verb_queries:
    row = maps[best_layer, best_head, q]
    print(f"  쿼리 {labels[q]:>7} →", ", ".join(f"{labels[j]} {row[j]:.2f}" for j in object_keys),
          f"| 가장 큰 가중치: {labels[int(row.argmax())]}")

# %% [markdown]
# 어절 `사과를` 전체로 보면 헤드마다 고르게 나눌 때보다 조금 많거나 적은 정도입니다. 그런데 몇몇 헤드는 목적어를
# 표시하는 조사 `를` 하나에, 고르게 나눌 때보다 몇 배나 큰 가중치를 몰아 줍니다. 동사 `먹었다`가 "무엇을
# 먹었나"를 찾는 관계가 헤드 하나의 일이 된 셈이고, 교재의 예가 말하는 관련성이 이 모델에서는 `를`을 통해
# 나타납니다. 하지만 모든 헤드가 그렇지는 않고, 같은 헤드가 다른 문장에서 같은 일을 한다는 보장도 없습니다.
# 어텐션 맵은 모델이 **어디에서 정보를 가져오는지**를 보여 줄 뿐, 그 정보로 무엇을 하는지(값 벡터와 그 뒤의
# 층)는 보여 주지 않습니다.
#
# 생각해 볼 것:
# - `sentence`를 "사과를 나는 먹었다"로 바꾸면 같은 헤드는 여전히 `를`을 볼까요? 위치 임베딩(06 과제)이 없다면
#   어텐션만으로는 단어 순서를 알 수 없다는 점도 떠올려 보세요.
# - 헤드 하나의 $W_q$를 10배로 키우면 그 헤드의 맵은 어떻게 변할까요? (소프트맥스가 한 토큰에 쏠립니다.)
