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
# # 03. 트랜스포머, BERT와 GPT (2017년 ~ 2018년)
#
# ## 1.3 트랜스포머의 등장 (2017년)
#
# **모델**: Transformer 아키텍처
#
# **개요**: 어텐션 메커니즘을 사용하여 입력 시퀀스의 모든 부분을 동시에 고려할 수 있는 구조입니다.
#
# **이유**:
# - 어텐션 메커니즘을 통해 장거리 의존성 문제를 효과적으로 해결했습니다.
# - 병렬 처리가 가능해져 학습 속도와 효율성이 크게 향상되었습니다.
# - 인코더-디코더 구조로 다양한 NLP 작업에 유연하게 적용할 수 있었습니다.
# - 단방향 : 이전에 생성된 토큰에 의존 (i am a \*\*\*)
#
# ## 1.4 BERT와 GPT의 출현 (2018년)
#
# **모델**: BERT(Google), GPT(OpenAI)
#
# **개요**: 트랜스포머를 기반으로 한 대규모 사전 학습 모델로, BERT는 양방향, GPT는 단방향 학습을 수행합니다.
#
# **이유**:
# - 트랜스포머 아키텍처를 기반으로 한 대규모 사전 학습의 효과가 입증되었습니다.
# - BERT의 양방향 학습은 문맥 이해 능력을 크게 향상시켰습니다.
# - GPT의 자기회귀 학습은 자연스러운 텍스트 생성을 가능하게 했습니다.
# - 전이 학습을 통해 다양한 하위 작업에 쉽게 적용할 수 있었습니다.
# - 양방향 : 무작위로 마스킹된 단어를 예측 ("The \*\*\* is bright today")
#
# 2017년의 트랜스포머는 번역을 위한 **인코더-디코더** 구조였습니다. 인코더가 원문 전체를 양방향으로 읽고, 디코더가
# 번역문을 한 토큰씩 만들면서 **교차 어텐션(cross-attention)**으로 인코더의 출력을 봅니다. 2018년의 두 모델은 이
# 구조의 절반씩을 가져왔습니다: BERT는 인코더만, GPT는 디코더만 씁니다 (교차 어텐션 없이).
#
# ```
#  원문 "나는 학생이다"  ──► [인코더: 양방향 셀프 어텐션] ──► 원문의 표현 (key, value)
#                                                              │ 교차 어텐션
#  번역문 "<s> I am a"  ──► [디코더: 단방향 셀프 어텐션 ──► 교차 어텐션] ──► 다음 토큰 "student"
# ```
#
# 셀프 어텐션(Self-Attention)은 모든 토큰이 모든 토큰을 한 번에 봅니다 (자세한 계산은 07 과제).
# 그러면 "누가 누구를 볼 수 있는가"를 정하는 것은 **마스크**입니다. BERT와 GPT의 차이는 대부분
# 여기서 나옵니다.
#
# | | BERT (양방향, 인코더) | GPT (단방향, 디코더) | 인코더-디코더 (원래 트랜스포머, T5) |
# |---|---|---|---|
# | 어텐션 마스크 | 패딩만 가림 | 패딩 + 미래를 가림 (causal) | 인코더는 BERT처럼, 디코더는 GPT처럼, 교차 어텐션은 원문 패딩만 |
# | 학습 목표 | 가린 단어 맞히기 (MLM) | 다음 토큰 맞히기 (자기회귀) | 원문이 주어졌을 때 번역문의 다음 토큰 |
# | 정답 | 가린 위치만, 나머지 -100 | 한 칸 민 입력, 패딩 -100 | 한 칸 민 번역문, 패딩 -100 |
# | 잘하는 일 | 문맥 이해 (분류, 추출) | 생성 | 입력을 다른 글로 바꾸기 (번역, 요약) |
#
# 이 과제에서 만들 것: 마스크 세 가지, 교차 어텐션과 인코더-디코더의 마스크, BERT의 마스킹, GPT의 입력·정답
# 시프트와 손실. 마지막에는 **같은 작은 트랜스포머**를 BERT 방식과 GPT 방식으로 한국어 문장에서 직접 학습해
# "오늘 [MASK]은 밝다"를 채우게 하고, "오늘 "을 이어 쓰게 해서 두 방식의 차이를 봅니다.
# 텐서는 모두 `torch.Tensor`입니다. 마스크의 **True는 "볼 수 있음"**입니다 (PyTorch의
# `scaled_dot_product_attention`과 같은 규칙).

# %%
import math
import os

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100  # PyTorch cross_entropy와 Hugging Face가 "이 위치는 손실에서 빼라"는 뜻으로 쓰는 값

# %% [markdown]
# ## 1. 단방향 마스크 (causal mask)
#
# GPT는 "i am a \*\*\*"의 빈칸을 앞의 토큰들만 보고 맞혀야 합니다. 학습 때는 문장 전체를 한 번에
# 넣으므로, 위치 i가 i보다 뒤(미래)의 토큰을 보지 못하게 가려야 합니다.
#
# ```
#          key →  i  am  a  cat
# query  i        O   .  .   .
#        am       O   O  .   .
#        a        O   O  O   .
#        cat      O   O  O   O
# ```
#
# 대각선(자기 자신)은 볼 수 있어야 합니다. 대각선까지 가리면 첫 토큰은 볼 것이 하나도 없어서
# softmax가 NaN이 됩니다.
#
# **연습 1.** `causal_mask(t)`를 구현하세요 (`torch.tril`이 도움이 됩니다).

# %% solution=["causal_mask"]

# %% tests="test_causal_mask"
_m = causal_mask(4)
assert _m.dtype == torch.bool and _m.shape == (4, 4), "(t, t) 불리언 텐서를 반환하세요."
assert _m[0, 0] and not _m[0, 1] and _m[3, 0], "query i는 key j <= i만 볼 수 있어야 합니다."
print("causal_mask: 통과")

# %% [markdown]
# ## 2. 패딩 마스크
#
# 길이가 다른 문장을 한 배치로 묶으려면 짧은 문장 뒤에 `[PAD]`를 채웁니다(오른쪽 패딩). 패딩은
# 의미 없는 자리이므로 어텐션에서 보면 안 됩니다. 길이 `[3, 5]`, t = 5이면
#
# ```
# [[True, True, True, False, False],
#  [True, True, True, True,  True ]]
# ```
#
# **연습 2.** `padding_mask(lengths, t)`를 구현하세요. `lengths`는 리스트일 수도, 정수 텐서일 수도 있습니다.

# %% solution=["padding_mask"]

# %% tests="test_padding_mask"
assert padding_mask([3, 5], 5).tolist() == [[True, True, True, False, False], [True] * 5], \
    "실제 토큰 위치(j < 길이)만 True여야 합니다."
assert padding_mask(torch.tensor([0, 2]), 3).tolist() == [[False] * 3, [True, True, False]], \
    "길이를 텐서로 받아도 같아야 합니다."
print("padding_mask: 통과")

# %% [markdown]
# ## 3. BERT와 GPT의 어텐션 마스크
#
# 배치의 각 문장 b, query i, key j에 대해 `mask[b, i, j]`를 만듭니다 (모양 `(B, t, t)`).
#
# - BERT (`causal=False`): 패딩이 아닌 key는 모두 봅니다. 앞뒤 문맥을 다 보므로 **양방향**입니다.
# - GPT (`causal=True`): 패딩이 아니면서 **과거와 자기 자신**인 key만 봅니다.
#
# 패딩은 key 쪽에서만 가립니다. 패딩 위치의 query 행까지 전부 가리면 그 행의 softmax가 NaN이 되고,
# 어차피 그 위치의 출력은 손실에서 빠지므로(-100) 가릴 필요가 없습니다.
#
# **연습 3.** `attention_mask(lengths, t, causal=False)`를 구현하세요. 앞의 두 함수를 조합하면 됩니다.

# %% solution=["attention_mask"]

# %% tests="test_attention_mask"
_bert = attention_mask([2, 3], 3, causal=False)
_gpt = attention_mask([2, 3], 3, causal=True)
assert _bert.shape == (2, 3, 3) and _bert.dtype == torch.bool, "(B, t, t) 불리언 텐서를 반환하세요."
assert _bert[1, 0, 2] and not _gpt[1, 0, 2], "BERT는 미래를 보고, GPT는 미래를 가려야 합니다."
assert not _bert[0, 0, 2], "패딩인 key는 BERT에서도 가려야 합니다."
print("attention_mask: 통과")

# %% [markdown]
# 마스크가 모델의 출력을 어떻게 바꾸는지 직접 봅시다. 무작위 가중치의 작은 셀프 어텐션에 문장을 넣고,
# **마지막 토큰만 바꿨을 때** 첫 위치의 출력이 바뀌는지 봅니다. GPT(단방향)의 첫 위치는 미래를 볼 수
# 없으므로 그대로여야 하고, BERT(양방향)는 바뀌어야 합니다.

# %%
def tiny_self_attention(x, mask, seed=0):
    """무작위 가중치 한 개 헤드의 셀프 어텐션 (설명용). x: (B, T, D), mask: (B, T, T)."""
    g = torch.Generator().manual_seed(seed)
    w_q, w_k, w_v = torch.randn(3, x.shape[-1], x.shape[-1], generator=g) / x.shape[-1] ** 0.5
    return F.scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v, attn_mask=mask)


_x = torch.randn(1, 5, 8, generator=torch.Generator().manual_seed(1))
_x_changed = _x.clone()
_x_changed[0, -1] = torch.randn(8, generator=torch.Generator().manual_seed(2))  # 마지막 토큰만 바꿈
for _causal, _name in [(False, "BERT(양방향)"), (True, "GPT(단방향)")]:
    _mask = attention_mask([5], 5, causal=_causal)
    _delta = (tiny_self_attention(_x, _mask) - tiny_self_attention(_x_changed, _mask))[0, 0].abs().max()
    print(f"{_name}: 마지막 토큰을 바꿨을 때 첫 위치 출력의 변화 = {_delta.item():.4f}")

# %% [markdown]
# ## 4. 인코더-디코더와 교차 어텐션
#
# **개요**: 번역처럼 입력 글(원문)을 다른 글(번역문)로 바꾸는 일에서, 원래 트랜스포머는 두 부분으로 나뉩니다.
# - **인코더**: 원문 전체를 양방향 셀프 어텐션으로 읽습니다 (BERT와 같은 마스크).
# - **디코더**: 번역문을 왼쪽에서 오른쪽으로 만듭니다. 자기 자신에게는 단방향 셀프 어텐션(GPT와 같은 마스크)을 하고,
#   그다음 **교차 어텐션**으로 원문을 봅니다.
#
# 교차 어텐션은 셀프 어텐션과 식이 같고, **어디서 가져오는지**만 다릅니다.
#
# $$q = \text{디코더 상태}\cdot W_q^\top,\quad k = \text{인코더 출력}\cdot W_k^\top,\quad v = \text{인코더 출력}\cdot W_v^\top$$
# $$\text{weights} = \operatorname{softmax}\Big(\frac{q k^\top}{\sqrt{d_k}} + \text{원문 패딩은 } -\infty\Big),\qquad
# \text{output} = \text{weights}\cdot v$$
#
# - query는 번역문의 위치(T_tgt개), key와 value는 원문의 위치(T_src개)이므로 가중치는 `(B, T_tgt, T_src)`, 정사각형이
#   아닙니다. 디코더와 인코더의 차원(d_dec, d_enc)도 다를 수 있습니다.
# - 가리는 것은 **원문의 패딩**뿐입니다. 원문은 처음부터 전부 주어져 있으므로 미래를 가릴 필요가 없습니다.
#   `source_mask`는 `padding_mask`의 결과 `(B, T_src)`이고 True가 실제 토큰입니다. 문장마다 자기 길이로 가려야 합니다.
# - 가중치 배치는 `nn.Linear`와 같은 `(출력, 입력)`입니다: `W_q (d_k, d_dec)`, `W_k (d_k, d_enc)`, `W_v (d_v, d_enc)`.
#   점수는 key의 차원 d_k의 제곱근으로 나눕니다.
# - 텐서 연산만으로 계산하세요: 결과는 입력과 같은 dtype이고, torch autograd로 모든 입력과 가중치에 기울기가 흘러야
#   합니다. (헤드 하나, 편향 없음, 출력 투영을 항등으로 둔 `torch.nn.MultiheadAttention`과 같은 값입니다.)
#
# **연습 4.** `cross_attention(decoder_states, encoder_states, W_q, W_k, W_v, source_mask=None)` → `(output, weights)`

# %% solution=["cross_attention"]

# %% tests="test_cross_attention"
_g = torch.Generator().manual_seed(0)
_dec, _enc = torch.randn(2, 3, 4, generator=_g), torch.randn(2, 5, 6, generator=_g)
_W_q, _W_k, _W_v = torch.randn(4, 4, generator=_g), torch.randn(4, 6, generator=_g), torch.randn(2, 6, generator=_g)
_out, _w = cross_attention(_dec, _enc, _W_q, _W_k, _W_v, padding_mask([5, 2], 5))
assert _out.shape == (2, 3, 2) and _w.shape == (2, 3, 5), "output은 (B, T_tgt, d_v), weights는 (B, T_tgt, T_src)입니다."
assert (_w[1, :, 2:] == 0).all() and (_w[0] > 0).all(), "원문의 패딩 위치만, 문장마다 자기 길이대로 가중치가 0이어야 합니다."
assert torch.allclose(_w.sum(-1), torch.ones(2, 3)), "각 query의 가중치 합은 1입니다 (key 축으로 softmax)."
print("cross_attention: 통과")

# %% [markdown]
# 인코더-디코더 모델 하나에는 마스크가 세 가지 필요합니다. 원문 길이 `source_lengths`, 번역문 길이 `target_lengths`
# (문장마다 다름), 패딩한 길이 `t_source`, `t_target`에 대해:
#
# | 키 | 어디서 어디로 | 모양 | 가리는 것 |
# |---|---|---|---|
# | `"encoder"` | 원문 → 원문 | `(B, T_src, T_src)` | 원문의 패딩 (양방향) |
# | `"decoder"` | 번역문 → 번역문 | `(B, T_tgt, T_tgt)` | 번역문의 패딩 + 미래 |
# | `"cross"` | 번역문(query) → 원문(key) | `(B, T_tgt, T_src)` | 원문의 패딩만 |
#
# 앞에서 만든 `padding_mask`와 `attention_mask`를 조합하면 됩니다. 패딩은 3절처럼 key 쪽에서만 가립니다.
#
# **연습 5.** `encoder_decoder_masks(source_lengths, target_lengths, t_source, t_target)` → 세 마스크의 딕셔너리

# %% solution=["encoder_decoder_masks"]

# %% tests="test_encoder_decoder_masks"
_masks = encoder_decoder_masks([4, 2], [3, 1], 4, 3)
assert _masks["encoder"].shape == (2, 4, 4) and _masks["decoder"].shape == (2, 3, 3) and _masks["cross"].shape == (2, 3, 4), \
    "모양은 encoder (B, T_src, T_src), decoder (B, T_tgt, T_tgt), cross (B, T_tgt, T_src)입니다."
assert _masks["cross"][0, 0, 3] and not _masks["cross"][1, 0, 2], "교차 어텐션은 원문의 패딩만 가리고 미래는 봅니다."
assert _masks["encoder"][0, 0, 3] and not _masks["decoder"][0, 0, 1], "인코더는 양방향, 디코더는 단방향입니다."
print("encoder_decoder_masks: 통과")

# %% [markdown]
# 그림으로 확인합니다. 원문 길이 5와 3, 번역문 길이 4와 2인 배치의 두 번째 문장입니다 (진한 칸 = 볼 수 있음).
# 오른쪽 끝은 무작위 가중치의 교차 어텐션 가중치입니다: 원문의 패딩 열(3, 4번)은 정확히 0이고, 번역문의 모든 위치가
# 원문의 모든 실제 토큰을 봅니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

masks = encoder_decoder_masks([5, 3], [4, 2], 5, 4)
g = torch.Generator().manual_seed(0)
_, weights = cross_attention(torch.randn(2, 4, 8, generator=g), torch.randn(2, 5, 8, generator=g),
                             *torch.randn(3, 8, 8, generator=g), source_mask=padding_mask([5, 3], 5))
fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
panels = [("인코더 셀프 어텐션 마스크", masks["encoder"][1], "원문 key", "원문 query"),
          ("디코더 셀프 어텐션 마스크", masks["decoder"][1], "번역문 key", "번역문 query"),
          ("교차 어텐션 마스크", masks["cross"][1], "원문 key", "번역문 query"),
          ("교차 어텐션 가중치", weights[1].detach(), "원문 key", "번역문 query")]
for ax, (title, image, xlabel, ylabel) in zip(axes, panels):
    ax.imshow(image.float().numpy(), cmap="Blues", vmin=0, vmax=1)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, xticks=range(image.shape[1]), yticks=range(image.shape[0]))
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. BERT의 마스크 언어 모델(MLM): "The \*\*\* is bright today"
#
# BERT는 문장의 일부를 가리고, 앞뒤 문맥으로 가린 단어를 맞히며 배웁니다. BERT 논문과
# Hugging Face의 `DataCollatorForLanguageModeling`이 쓰는 규칙은 다음과 같습니다.
#
# 1. 특수 토큰(`[CLS]`, `[SEP]`, `[PAD]` 등)이 아닌 **각 토큰을 독립적으로** 15 % 확률로 고릅니다.
#    (문장마다 정확히 15 %를 고르는 것이 아닙니다.)
# 2. 정답 `labels`: 고른 위치에는 원래 토큰 id, 나머지는 -100. 손실은 고른 위치에서만 계산합니다.
# 3. 고른 토큰 중
#    - 80 %는 `[MASK]`로 바꿉니다: "The [MASK] is bright today"
#    - 10 %는 어휘에서 무작위로 뽑은 토큰으로 바꿉니다: "The banana is bright today"
#    - 10 %는 그대로 둡니다: "The sun is bright today"
#
#    `[MASK]`는 미세 조정(fine-tuning)이나 실제 사용 때는 나오지 않으므로, 일부를 무작위 토큰이나 원래 토큰으로
#    두어 모델이 모든 위치의 표현을 잘 만들도록 합니다. 구현에서는 먼저 0.8 확률로 `[MASK]`를 정하고,
#    **남은 것 중 0.5 확률**로 무작위 토큰을 넣습니다 (0.2 × 0.5 = 0.1). 남은 것 중 0.1을 쓰면 2 %가 됩니다.
#
# 무작위는 모두 인자로 받은 `torch.Generator`에서 뽑으세요
# (`torch.bernoulli(p, generator=g)`, `torch.randint(..., generator=g)`). 입력 텐서는 바꾸지 말고 복사해서 쓰세요.
# 정답 `labels`는 **고를 때 만든 선택**으로 정합니다: 글에 원래 `[MASK]`와 같은 id가 들어 있을 수도 있으므로,
# 바꾼 뒤의 inputs를 보고 어디를 골랐는지 짐작하면 안 됩니다.
#
# **연습 6.** `mask_tokens(input_ids, mask_token_id, vocab_size, special_ids, generator, mlm_probability=0.15)`

# %% solution=["mask_tokens"]

# %% tests="test_mask_tokens"
_words = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]", "the", "sun", "is", "bright", "today",
          "moon", "sky", "banana", "오늘", "하늘이", "맑다"]
_ids = torch.tensor([[1, 5, 6, 7, 8, 9, 2]])  # [CLS] the sun is bright today [SEP]
_inputs, _labels = mask_tokens(_ids, 4, len(_words), [0, 1, 2, 3], torch.Generator().manual_seed(0),
                               mlm_probability=0.5)
assert _labels[0, 0] == -100 and _labels[0, -1] == -100 and _inputs[0, 0] == 1, "특수 토큰은 고르면 안 됩니다."
assert ((_labels == -100) | (_labels == _ids)).all(), "labels는 고른 위치만 원래 id, 나머지는 -100입니다."
print("입력:", " ".join(_words[i] for i in _inputs[0]))
print("정답:", " ".join(_words[i] if i != -100 else "-" for i in _labels[0]))
_big = torch.randint(5, 1000, (200, 100), generator=torch.Generator().manual_seed(1))
_inputs, _labels = mask_tokens(_big, 4, 1000, [0, 1, 2, 3], torch.Generator().manual_seed(2))
_sel = _labels != -100
assert abs(_sel.float().mean().item() - 0.15) < 0.01, "선택 비율이 15 %에서 벗어났습니다."
assert abs(((_inputs == 4) & _sel).sum().item() / _sel.sum().item() - 0.8) < 0.03, "고른 것 중 80 %가 [MASK]여야 합니다."
print("mask_tokens: 통과")

# %% [markdown]
# ## 6. GPT의 자기회귀 학습: 입력과 정답을 한 칸 밀기
#
# GPT는 "i am a" 다음에 올 토큰을 맞힙니다. 문장 `[i, am, a, cat]`에서
#
# | 위치 | 0 | 1 | 2 |
# |---|---|---|---|
# | 입력 | i | am | a |
# | 정답 | am | a | cat |
#
# 입력은 마지막 토큰을 빼고(`ids[:, :-1]`), 정답은 첫 토큰을 뺍니다(`ids[:, 1:]`). 정답의 패딩은 -100으로
# 바꿔 손실에서 뺍니다. causal 마스크 덕분에 위치 t는 정답(t+1)을 미리 볼 수 없습니다.
#
# (Hugging Face의 `GPT2LMHeadModel`처럼 모델 안에서 한 번 더 미는 경우, 여기서 민 정답을 넘기면 두 번
# 밀리게 됩니다. 어느 쪽에서 미는지 항상 확인하세요.)
#
# **연습 7.** `shift_for_causal_lm(input_ids, pad_id)`

# %% solution=["shift_for_causal_lm"]

# %% tests="test_shift_for_causal_lm"
_inputs, _labels = shift_for_causal_lm(torch.tensor([[10, 11, 12, 0], [20, 21, 22, 23]]), 0)
assert _inputs.tolist() == [[10, 11, 12], [20, 21, 22]], "입력은 ids[:, :-1]입니다."
assert _labels.tolist() == [[11, 12, -100], [21, 22, 23]], "정답은 ids[:, 1:]이고 패딩은 -100입니다."
print("shift_for_causal_lm: 통과")

# %% [markdown]
# ## 7. 언어 모델 손실
#
# 두 모델 모두 같은 손실을 씁니다: 정답이 -100이 아닌 위치들의 교차 엔트로피 평균.
#
# $$\mathcal{L} = -\frac{1}{|S|}\sum_{(b,t)\in S} \log \operatorname{softmax}(z_{b,t})[y_{b,t}],
# \qquad S = \{(b, t) : y_{b,t} \neq -100\}$$
#
# - 로짓 `(B, T, V)`의 어휘 축은 **마지막 축**입니다. `F.cross_entropy`는 클래스 축을 두 번째로 기대하므로
#   `(B·T, V)`로 펴서 넘기거나 축을 바꿔 주세요.
# - 평균은 -100이 아닌 위치 수로 나눕니다. 패딩까지 세면 패딩이 많은 배치의 손실이 작아집니다.
# - 결과는 미분 가능한 0차원 텐서이고 로짓과 같은 dtype입니다. `F.cross_entropy(..., ignore_index=-100)`와 값과
#   기울기가 같아야 합니다 (`.item()`으로 숫자를 꺼냈다가 다시 텐서로 만들면 학습이 되지 않습니다).
#
# **연습 8.** `lm_loss(logits, labels)`

# %% solution=["lm_loss"]

# %% tests="test_lm_loss"
assert abs(lm_loss(torch.zeros(2, 3, 5), torch.tensor([[1, 2, -100], [0, -100, -100]])).item()
           - math.log(5)) < 1e-6, "로짓이 모두 같으면 손실은 ln V입니다."
_logits = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))
_labels = torch.tensor([[1, 2, -100], [0, -100, 4]])
_padded = lm_loss(torch.cat([_logits, torch.randn(2, 2, 5)], 1), torch.cat([_labels, torch.full((2, 2), -100)], 1))
assert abs(lm_loss(_logits, _labels).item() - _padded.item()) < 1e-6, "-100인 위치는 평균에서 빼야 합니다."
print("lm_loss: 통과")

# %% [markdown]
# ## 8. 직접 학습해 보기: 같은 트랜스포머, 다른 마스크와 목표
#
# 이제 여러분의 함수로 작은 트랜스포머 둘을 학습합니다. 구조(주어진 코드 `TinyTransformerLM`: 2층, d = 64,
# 헤드 4개)와 데이터는 똑같고, 다른 것은 두 가지뿐입니다.
#
# | | BERT 방식 (MLM) | GPT 방식 (CLM) |
# |---|---|---|
# | 마스크 | `attention_mask(lengths, T)` (양방향) | `attention_mask(lengths, T, causal=True)` |
# | 입력과 정답 | `mask_tokens`로 15 %를 가리고 그 위치만 맞히기 | `[BOS] 문장 [EOS]`를 `shift_for_causal_lm`으로 밀어 다음 음절 맞히기 |
# | 손실 | `lm_loss` (-100 제외) | `lm_loss` (-100 제외) |
#
# 데이터는 과정이 직접 만든 규칙 문장 624개입니다 (`toy_sentences`): 시간 + 명사와 주제 조사 + (형용사 앞에는
# 부사) + 어울리는 서술어. 예: "오늘 달은 밝다", "밤에 바다는 아주 깊다". 한국어의 주제 조사는 앞 음절에 받침이 있으면 "은"(달은,
# 별은), 없으면 "는"(해는, 바다는)입니다. 토큰은 음절(문자) 하나씩이고 띄어쓰기도 토큰입니다.
#
# seed 문서의 예 "The \*\*\* is bright today"를 한국어로 바꾼 **"오늘 [MASK]은 밝다"**를 봅시다. 빈칸에는 밝은 것
# (달, 별, 빛, 해)이 와야 하는데, 뒤에 "은"이 있으므로 받침이 있는 달, 별, 빛이어야 합니다. 이 단서는 빈칸의
# **오른쪽**에 있습니다. 양방향인 BERT는 볼 수 있고, 단방향인 GPT는 "오늘 " 다음을 정할 때 아직 볼 수 없습니다.
#
# 각 모델을 300걸음(배치 64) 학습합니다. CPU로 모델마다 10초 안팎이 걸립니다.

# %% support=["03_transformer_bert_gpt:TIMES", "03_transformer_bert_gpt:NOUNS", "03_transformer_bert_gpt:ADVERBS", "03_transformer_bert_gpt:VERBS", "03_transformer_bert_gpt:topic_particle", "03_transformer_bert_gpt:toy_sentences", "03_transformer_bert_gpt:CharVocab", "03_transformer_bert_gpt:TinyTransformerLM"]

# %% tags=["skip-grading"]
import time

torch.set_num_threads(1)  # 다른 프로그램과 코어를 나눠 쓸 때 시간이 덜 흔들립니다
STEPS = 30 if os.environ.get("COURSE_QUICK_RUN") else 300  # 자동 점검(COURSE_QUICK_RUN=1)만 짧게 돌립니다
sentences = toy_sentences()
vocab = CharVocab(sentences)
print(f"문장 {len(sentences)}개, 어휘 {len(vocab.tokens)}개 (특수 토큰 4개 + 음절과 띄어쓰기). 예: {sentences[::250]}")


def train_tiny_lm(objective, steps=STEPS, seed=0):
    """objective "mlm" (BERT 방식) 또는 "clm" (GPT 방식)으로 TinyTransformerLM을 학습합니다."""
    torch.manual_seed(seed)
    model = TinyTransformerLM(len(vocab.tokens))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        batch = [sentences[i] for i in torch.randint(len(sentences), (64,), generator=generator)]
        if objective == "mlm":
            ids, lengths = vocab.batch(batch)
            inputs, labels = mask_tokens(ids, vocab.mask, len(vocab.tokens), [vocab.pad, vocab.bos, vocab.eos],
                                         generator)
            mask = attention_mask(lengths, ids.shape[1])
        else:
            ids, lengths = vocab.batch(batch, bos=True, eos=True)
            inputs, labels = shift_for_causal_lm(ids, vocab.pad)
            mask = attention_mask([n - 1 for n in lengths], inputs.shape[1], causal=True)
        loss = lm_loss(model(inputs, mask), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.eval(), losses


started = time.perf_counter()
bert, bert_losses = train_tiny_lm("mlm")
gpt, gpt_losses = train_tiny_lm("clm")
print(f"학습 {time.perf_counter() - started:.0f}초, 마지막 손실: MLM {bert_losses[-1]:.3f}, CLM {gpt_losses[-1]:.3f}")


@torch.no_grad()
def fill_mask(text, k=6):
    """BERT 방식: text 속 [MASK] 자리에 올 음절 상위 k개와 확률."""
    ids, lengths = vocab.batch([text])
    position = ids[0].tolist().index(vocab.mask)
    probs = bert(ids, attention_mask(lengths, ids.shape[1]))[0, position].softmax(-1)
    top = probs.topk(k)
    return [(vocab.tokens[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist())], probs


@torch.no_grad()
def next_syllables(prefix, k=6):
    """GPT 방식: [BOS] + prefix 다음에 올 음절 상위 k개와 확률."""
    ids = torch.tensor([vocab.encode(prefix, bos=True)])
    probs = gpt(ids, attention_mask([ids.shape[1]], ids.shape[1], causal=True))[0, -1].softmax(-1)
    top = probs.topk(k)
    return [(vocab.tokens[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist())], probs


@torch.no_grad()
def continue_text(prefix, max_new=20):
    """GPT 방식: 가장 확률이 높은 음절을 [EOS]까지 이어 붙입니다 (탐욕적 생성, 09 과제)."""
    ids = vocab.encode(prefix, bos=True)
    for _ in range(max_new):
        logits = gpt(torch.tensor([ids]), attention_mask([len(ids)], len(ids), causal=True))[0, -1]
        if logits.argmax().item() == vocab.eos:
            break
        ids.append(logits.argmax().item())
    return "".join(vocab.tokens[i] for i in ids[1:])


mlm_top, mlm_probs = fill_mask("오늘 [MASK]은 밝다")
clm_top, clm_probs = next_syllables("오늘 ")
print("BERT: 오늘 [MASK]은 밝다 →", ", ".join(f"{t} {p:.2f}" for t, p in mlm_top))
print("GPT:  오늘 ___ 다음 음절 →", ", ".join(f"{t} {p:.2f}" for t, p in clm_top))
print(f"'해'의 확률: BERT {mlm_probs[vocab.index['해']]:.3f} (뒤의 '은'을 봄), GPT {clm_probs[vocab.index['해']]:.3f}")
print("GPT가 이어 쓴 문장:", [continue_text(p) for p in ["오늘 ", "밤에 별", "어제 바"]])

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
left.bar([t for t, _ in mlm_top], [p for _, p in mlm_top], color="tab:blue")
left.set(title="BERT 방식: 「오늘 [MASK]은 밝다」의 빈칸", ylabel="확률", ylim=(0, 1))
right.bar([t for t, _ in clm_top], [p for _, p in clm_top], color="tab:orange")
right.set(title="GPT 방식: 「오늘 」 다음 음절", ylabel="확률", ylim=(0, 1))
fig.tight_layout()
plt.show()

# %% [markdown]
# 관찰할 점:
# - BERT 방식은 빈칸의 오른쪽("은 밝다")까지 보고 받침이 있는 밝은 것(달, 별, 빛)에 확률을 모읍니다. "해"는 밝지만
#   "해는"이 맞으므로 확률이 낮습니다. 이것이 **양방향** 문맥입니다.
# - GPT 방식은 "오늘 " 다음에 올 수 있는 명사 전체에 확률을 나눕니다. 오른쪽을 아직 볼 수 없기 때문입니다. 대신
#   한 음절씩 이어 붙여 **문장 전체를 만들 수** 있습니다. BERT 방식은 주어진 빈칸을 채울 뿐, 왼쪽에서 오른쪽으로
#   글을 쓰는 데 쓰기 어렵습니다.
# - 두 모델의 구조는 똑같습니다. 차이는 마스크와 학습 목표뿐입니다.

# %% [markdown]
# ## 9. 그림: 마스크와 BERT 마스킹 비율
#
# 왼쪽 세 그림은 길이 `[6, 4]`인 배치의 두 번째 문장(패딩 2개)에 대한 마스크입니다 (진한 칸 = 볼 수 있음).
# 오른쪽은 여러분의 `mask_tokens`가 10만 토큰에서 만든 결과를 15 % / 80 % / 10 % / 10 %와 비교합니다.

# %% tags=["skip-grading"]
import numpy as np

fig, axes = plt.subplots(1, 4, figsize=(15, 3.6))
panels = [("단방향 (causal_mask)", causal_mask(6)),
          ("BERT: 패딩만 가림", attention_mask([6, 4], 6, causal=False)[1]),
          ("GPT: 패딩 + 미래", attention_mask([6, 4], 6, causal=True)[1])]
for ax, (title, mask) in zip(axes, panels):
    ax.imshow(mask.numpy(), cmap="Blues", vmin=0, vmax=1)
    ax.set(title=title, xlabel="key j", ylabel="query i", xticks=range(6), yticks=range(6))

ids = torch.randint(5, 30000, (500, 200), generator=torch.Generator().manual_seed(0))
inputs, labels = mask_tokens(ids, 4, 30000, [0, 1, 2, 3], torch.Generator().manual_seed(1))
selected = labels != -100
shares = [selected.float().mean().item()] + [
    (kind & selected).sum().item() / selected.sum().item()
    for kind in [inputs == 4, (inputs != 4) & (inputs != ids), inputs == ids]]
axes[3].bar(["선택", "[MASK]", "무작위", "그대로"], shares, color="tab:blue", label="내 mask_tokens")
axes[3].scatter(range(4), [0.15, 0.8, 0.1, 0.1], color="red", zorder=3, label="목표")
axes[3].set(title="BERT 마스킹 비율", ylim=(0, 1))
axes[3].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 10. 정리
#
# **장점**
# - 트랜스포머: 모든 위치를 한 번에 계산하므로 RNN과 달리 병렬 학습이 가능하고, 멀리 떨어진 토큰도 한 번의
#   어텐션으로 바로 연결됩니다.
# - 인코더-디코더: 원문 전체를 양방향으로 읽은 표현을 디코더가 교차 어텐션으로 필요할 때마다 다시 보므로, RNN
#   seq2seq처럼 원문을 고정 크기 벡터 하나에 눌러 담지 않아도 됩니다.
# - BERT: 양쪽 문맥을 모두 보므로 문장 이해(분류, 개체명 인식, 질의응답의 답 위치 찾기)에 강합니다.
# - GPT: 다음 토큰 예측은 레이블 없는 텍스트 어디서나 정답을 얻을 수 있고, 그대로 생성에 쓸 수 있습니다.
#
# **단점**
# - 어텐션 계산이 길이 T에 대해 T²로 늘어납니다.
# - BERT는 한 문장에서 15 %만 학습 신호로 쓰고, 왼쪽에서 오른쪽으로 생성하기 어렵습니다.
# - GPT는 한 방향만 보므로 같은 크기라면 문장 이해 과제에서 양방향 모델보다 불리할 수 있습니다.
# - 인코더-디코더는 입력과 출력이 나뉜 과제에 맞춘 구조라, 두 부분의 파라미터와 마스크를 따로 관리해야 합니다.
#
# **주요 사용 시기**
# - BERT 계열(인코더): 분류, 검색용 임베딩, 추출형 질의응답
# - 인코더-디코더(원래 트랜스포머, T5): 번역, 요약처럼 입력 글을 다른 글로 바꾸는 일
# - GPT 계열(디코더): 텍스트 생성, 대화, 그리고 규모를 키운 오늘날의 LLM 대부분 (다음 과제 04)
