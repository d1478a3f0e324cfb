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
# 셀프 어텐션(Self-Attention)은 모든 토큰이 모든 토큰을 한 번에 봅니다 (자세한 계산은 07 과제).
# 그러면 "누가 누구를 볼 수 있는가"를 정하는 것은 **마스크**입니다. BERT와 GPT의 차이는 대부분
# 여기서 나옵니다.
#
# | | BERT (양방향, 인코더) | GPT (단방향, 디코더) |
# |---|---|---|
# | 어텐션 마스크 | 패딩만 가림 | 패딩 + 미래를 가림 (causal) |
# | 학습 목표 | 가린 단어 맞히기 (MLM) | 다음 토큰 맞히기 (자기회귀) |
# | 정답 | 가린 위치만, 나머지 -100 | 한 칸 민 입력, 패딩 -100 |
# | 잘하는 일 | 문맥 이해 (분류, 추출) | 생성 |
#
# 이 과제에서 만들 것: 마스크 세 가지, BERT의 마스킹, GPT의 입력·정답 시프트와 손실.
# 텐서는 모두 `torch.Tensor`입니다. 마스크의 **True는 "볼 수 있음"**입니다 (PyTorch의
# `scaled_dot_product_attention`과 같은 규칙).

# %%
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
# ## 4. BERT의 마스크 언어 모델(MLM): "The \*\*\* is bright today"
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
#
# **연습 4.** `mask_tokens(input_ids, mask_token_id, vocab_size, special_ids, generator, mlm_probability=0.15)`

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
# ## 5. GPT의 자기회귀 학습: 입력과 정답을 한 칸 밀기
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
# **연습 5.** `shift_for_causal_lm(input_ids, pad_id)`

# %% solution=["shift_for_causal_lm"]

# %% tests="test_shift_for_causal_lm"
_inputs, _labels = shift_for_causal_lm(torch.tensor([[10, 11, 12, 0], [20, 21, 22, 23]]), 0)
assert _inputs.tolist() == [[10, 11, 12], [20, 21, 22]], "입력은 ids[:, :-1]입니다."
assert _labels.tolist() == [[11, 12, -100], [21, 22, 23]], "정답은 ids[:, 1:]이고 패딩은 -100입니다."
print("shift_for_causal_lm: 통과")

# %% [markdown]
# ## 6. 언어 모델 손실
#
# 두 모델 모두 같은 손실을 씁니다: 정답이 -100이 아닌 위치들의 교차 엔트로피 평균.
#
# $$\mathcal{L} = -\frac{1}{|S|}\sum_{(b,t)\in S} \log \operatorname{softmax}(z_{b,t})[y_{b,t}],
# \qquad S = \{(b, t) : y_{b,t} \neq -100\}$$
#
# - 로짓 `(B, T, V)`의 어휘 축은 **마지막 축**입니다. `F.cross_entropy`는 클래스 축을 두 번째로 기대하므로
#   `(B·T, V)`로 펴서 넘기거나 축을 바꿔 주세요.
# - 평균은 -100이 아닌 위치 수로 나눕니다. 패딩까지 세면 패딩이 많은 배치의 손실이 작아집니다.
#
# **연습 6.** `lm_loss(logits, labels)`

# %% solution=["lm_loss"]

# %% tests="test_lm_loss"
import math

assert abs(lm_loss(torch.zeros(2, 3, 5), torch.tensor([[1, 2, -100], [0, -100, -100]])).item()
           - math.log(5)) < 1e-6, "로짓이 모두 같으면 손실은 ln V입니다."
_logits = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))
_labels = torch.tensor([[1, 2, -100], [0, -100, 4]])
_padded = lm_loss(torch.cat([_logits, torch.randn(2, 2, 5)], 1), torch.cat([_labels, torch.full((2, 2), -100)], 1))
assert abs(lm_loss(_logits, _labels).item() - _padded.item()) < 1e-6, "-100인 위치는 평균에서 빼야 합니다."
print("lm_loss: 통과")

# %% [markdown]
# ## 7. 그림: 마스크와 BERT 마스킹 비율
#
# 왼쪽 세 그림은 길이 `[6, 4]`인 배치의 두 번째 문장(패딩 2개)에 대한 마스크입니다 (진한 칸 = 볼 수 있음).
# 오른쪽은 여러분의 `mask_tokens`가 10만 토큰에서 만든 결과를 15 % / 80 % / 10 % / 10 %와 비교합니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)
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
# ## 8. 정리
#
# **장점**
# - 트랜스포머: 모든 위치를 한 번에 계산하므로 RNN과 달리 병렬 학습이 가능하고, 멀리 떨어진 토큰도 한 번의
#   어텐션으로 바로 연결됩니다.
# - BERT: 양쪽 문맥을 모두 보므로 문장 이해(분류, 개체명 인식, 질의응답의 답 위치 찾기)에 강합니다.
# - GPT: 다음 토큰 예측은 레이블 없는 텍스트 어디서나 정답을 얻을 수 있고, 그대로 생성에 쓸 수 있습니다.
#
# **단점**
# - 어텐션 계산이 길이 T에 대해 T²로 늘어납니다.
# - BERT는 한 문장에서 15 %만 학습 신호로 쓰고, 왼쪽에서 오른쪽으로 생성하기 어렵습니다.
# - GPT는 한 방향만 보므로 같은 크기라면 문장 이해 과제에서 양방향 모델보다 불리할 수 있습니다.
#
# **주요 사용 시기**
# - BERT 계열(인코더): 분류, 검색용 임베딩, 추출형 질의응답
# - GPT 계열(디코더): 텍스트 생성, 대화, 그리고 규모를 키운 오늘날의 LLM 대부분 (다음 과제 04)
