# %% [markdown]
# # 09. 출력 생성 (Output Generation)
#
# > 마지막 층의 결과를 사용하여 다음 토큰을 예측하거나 원하는 출력을 생성합니다.
# > 예: 질문에 대한 답변, 문장 완성 등
# > 간단한 설명: 이해한 내용을 바탕으로 적절한 응답을 만들어내는 과정입니다.
#
# 08 과제의 `MiniGPT`는 토큰 id를 받아 위치마다 **다음 토큰의 로짓**(logits, 어휘 크기 V의 점수 벡터)을
# 돌려줍니다. 이 과제에서는 그 로짓으로 실제 문장을 만드는 방법을 구현하고, 이 과정이 한국어 텍스트로
# 직접 사전 학습한 **작은 한국어 GPT**(`course_model/`)에 적용해 봅니다.
#
# 1. 온도 `apply_temperature`
# 2. 상위 k개 거르기 `top_k_filter`, 누적 확률 거르기 `top_p_filter`
# 3. 시드를 고정한 추출 `sample_next`
# 4. 탐욕적 디코딩 `greedy_decode`와 빔 서치 `beam_search`
# 5. 반복 벌점 `apply_repetition_penalty` — 그리고 과정의 한국어 GPT로 **질문에 대한 답변** 만들기
# 6. KV 캐시 `forward_with_cache`, `greedy_decode_cached`
#
# 이 과제의 함수는 인자로 받은 로짓 텐서와 프롬프트 목록을 **바꾸지 않고** 새 값을 돌려줍니다(호출한 쪽의 로짓이나
# 프롬프트가 몰래 바뀌면, 같은 로짓으로 여러 설정을 비교하는 코드가 조용히 틀립니다).
#
# ## 개요
# 언어 모델은 한 번에 토큰 하나씩 글을 씁니다(자기회귀, autoregressive).
#
# 1. 지금까지의 토큰 $x_1..x_t$를 모델에 넣어 마지막 위치의 로짓 $z \in \mathbb{R}^V$를 얻고,
# 2. $z$에서 다음 토큰 하나를 **고른 뒤**(디코딩 전략),
# 3. 그 토큰을 뒤에 붙여 다시 1로 돌아갑니다. 끝 토큰(EOS)이 나오거나 길이 한도에 닿으면 멈춥니다.
#
# 2번의 "고르는 방법"이 이 과제의 주제입니다. 가장 점수가 큰 토큰을 고르는 **탐욕적 디코딩**,
# 여러 후보 문장을 함께 키우는 **빔 서치**, 확률에 따라 뽑는 **샘플링**과 그 분포를 조절하는 **온도·top-k·top-p**가
# 있습니다. **KV 캐시**는 같은 결과를 더 빨리 만드는 기법입니다.
#
# ## 이유
# - 같은 모델이라도 고르는 방법에 따라 출력이 크게 달라집니다. 항상 가장 확률이 큰 토큰만 고르면 같은
#   말을 되풀이하기 쉽고, 아무 토큰이나 확률대로 뽑으면 가끔 엉뚱한 토큰이 끼어듭니다.
# - 생성은 토큰마다 모델을 한 번씩 돌리므로 느립니다. 앞 토큰의 계산을 다시 하지 않으면(KV 캐시) 훨씬 빨라집니다.
#
# ## 장점
# - 탐욕적 디코딩·빔 서치: 결정적이라 같은 입력이면 같은 출력 — 번역, 요약처럼 정답에 가까운 하나가 필요할 때 좋습니다.
# - 샘플링: 다양한 출력을 만들고, 온도·top-k·top-p로 "얼마나 모험할지"를 조절할 수 있습니다.
# - 시드를 고정한 난수 생성기를 쓰면 샘플링도 재현할 수 있습니다.
#
# ## 단점
# - 탐욕적 디코딩은 지금 당장 좋아 보이는 토큰만 골라 전체로는 더 좋은 문장을 놓칠 수 있습니다.
# - 빔 서치는 빔 수만큼 계산이 늘고, 긴 글에서는 짧고 밋밋한 문장을 선호하기 쉽습니다(길이 보정이 필요).
# - 샘플링은 온도가 너무 높거나 top-p가 너무 크면 문법이 무너지고, 너무 낮으면 탐욕적 디코딩과 비슷해집니다.
#
# ## 주요 사용 시기
# - 대화·창작: 온도 0.7 안팎에 top-p 0.9 같은 샘플링.
# - 번역·요약·코드 완성처럼 정확성이 중요할 때: 탐욕적 디코딩이나 빔 서치(온도 0).
# - 실제 서비스의 생성: 거의 언제나 KV 캐시를 씁니다.

# %%
import json
import math
from pathlib import Path

import regex
import torch
from safetensors.torch import load_file
from torch import nn

# %% [markdown]
# ## 주어진 코드: 작은 GPT (08 과제)와 BPE 토크나이저 (05 과제)
#
# 아래 두 셀은 앞 과제의 코드를 그대로 가져온 것입니다. **채점 대상이 아니며** 수정하지 마세요. 실행만 하면 됩니다.
# `load_course_model(폴더)`는 이 과정에서 직접 사전 학습한 모델을 `course_model/` 폴더에서 읽어
# `(model, tokenizer, config)`를 돌려줍니다(가중치는 safetensors, 토크나이저는 JSON — pickle을 쓰지 않습니다).

# %% support=["07_attention:softmax", "07_attention:causal_mask", "07_attention:attention_weights", "07_attention:scaled_dot_product_attention", "07_attention:MultiHeadSelfAttention", "08_transformer_block:layer_norm", "08_transformer_block:gelu", "08_transformer_block:FeedForward", "08_transformer_block:TransformerBlock", "08_transformer_block:MiniGPT"]

# %% support=["05_tokenization:GPT2_PATTERN", "05_tokenization:pretokenize", "05_tokenization:_split_on_special_tokens", "05_tokenization:_merge_word", "05_tokenization:_apply_merges", "05_tokenization:BPETokenizer", "course_model:load_course_model"]

# %% [markdown]
# ## 로짓에서 확률로
# 로짓 $z$를 확률로 바꾸는 것은 softmax입니다: $p_i = e^{z_i} / \sum_j e^{z_j}$.
# 로짓에 같은 수를 더해도 확률은 그대로이고, 로짓의 **차이**가 클수록 분포가 뾰족해집니다.

# %%
z = torch.tensor([2.0, 1.0, 0.0, -1.0])
print("확률:", torch.softmax(z, dim=-1))
print("로짓에 10을 더해도:", torch.softmax(z + 10, dim=-1))
print("로짓을 두 배로 하면(더 뾰족):", torch.softmax(z * 2, dim=-1))

# %% [markdown]
# ## 1. 온도 (Temperature)
# 로짓을 온도 $T$로 나눈 뒤 softmax를 합니다: $p_i \propto e^{z_i / T}$.
#
# - $T = 1$: 원래 분포, $T < 1$: 더 뾰족(확률이 큰 토큰 쪽으로), $T \to 0$: argmax(탐욕적),
# - $T > 1$: 더 평평(작은 확률의 토큰도 자주 나옴).
#
# **확률**이 아니라 **로짓**을 나눕니다. 확률을 $T$로 나눈 뒤 다시 정규화하면 분포가 전혀 바뀌지 않습니다.
# $T \le 0$은 `ValueError`로 막고, $T = 0$(탐욕적)은 뒤의 `sample_next`에서 따로 처리합니다.

# %% solution=["apply_temperature"]

# %% tests="test_temperature"
_z = torch.tensor([1.0, -2.0, 0.5])
assert torch.allclose(apply_temperature(_z, 0.5), _z * 2), "온도 0.5이면 로짓이 두 배가 되어야 합니다 (logits / T)."
assert torch.allclose(apply_temperature(_z, 4.0), _z / 4), "apply_temperature(logits, T) = logits / T 입니다."
try:
    apply_temperature(_z, 0.0)
    raise AssertionError("T = 0이면 ValueError를 일으켜야 합니다.")
except ValueError:
    pass
print("apply_temperature: 통과")

# %% [markdown]
# ## 2. Top-k와 Top-p (nucleus)
# 확률이 아주 작은 토큰이 가끔 뽑히면 문장이 엉뚱해집니다. 그래서 뽑기 전에 후보를 줄입니다.
# 줄이는 방법은 로짓을 $-\infty$로 바꾸는 것입니다(softmax 뒤 확률 0).
#
# - **top-k**: 로짓이 가장 큰 $k$개만 남깁니다. `torch.topk`처럼 **정확히 k개**입니다. 경계에서 값이 같은 토큰이
#   여럿이어도 k개를 넘기지 않습니다(예: `[3, 2, 2, 1]`, k = 2 → 2개).
# - **top-p**: 확률을 큰 것부터 더해, 누적 확률이 처음으로 $p$ **이상**이 되는 토큰까지 남깁니다.
#   $p$를 넘기게 만드는 토큰도 남고, 누적 확률이 정확히 $p$가 된 다음 토큰부터는 빠집니다.
#   토큰 $i$(정렬 순서)를 남기는 조건: $\sum_{j<i} p_j < p$. 가장 큰 토큰 하나는 언제나 남습니다.
#
# 예: 확률 `[0.5, 0.25, 0.125, 0.0625, 0.0625]`에서 p = 0.8 → 3개(0.5 + 0.25 = 0.75 < 0.8이므로 세 번째가 경계를 넘김),
# p = 0.75 → 2개(두 개로 정확히 0.75), p = 0.5 → 1개. (2의 거듭제곱 확률이라 부동소수점 합이 정확합니다.)
#
# 두 함수 모두 호출한 쪽의 텐서를 바꾸지 말고 **새 텐서**를 돌려주세요. `logits`의 모양은 `(..., V)`입니다.
# `k`가 어휘 크기 V 이상이면 top-k는 아무것도 거르지 않습니다(`torch.topk`에 V보다 큰 k를 주면 오류이니 주의).

# %% solution=["top_k_filter"]

# %% tests="test_top_k"
_kept = torch.isfinite(top_k_filter(torch.tensor([3.0, 2.0, 2.0, 1.0]), 2))
assert int(_kept.sum()) == 2, "k = 2이면 정확히 2개가 남아야 합니다 (경계에서 값이 같아도)."
assert bool(_kept[0]), "가장 큰 로짓은 남아야 합니다."
_l = torch.tensor([0.1, 0.9, 0.3])
top_k_filter(_l, 1)
assert torch.isfinite(_l).all(), "입력 텐서를 제자리에서 바꾸지 마세요."
print("top_k_filter: 통과")

# %% solution=["top_p_filter"]

# %% tests="test_top_p"
_dyadic = torch.tensor([0.5, 0.25, 0.125, 0.0625, 0.0625]).log()
for _p, _n in ((0.8, 3), (0.75, 2), (0.5, 1), (1e-9, 1)):
    _got = int(torch.isfinite(top_p_filter(_dyadic, _p)).sum())
    assert _got == _n, f"p = {_p}이면 {_n}개가 남아야 합니다 (지금 {_got}개)."
print("top_p_filter: 통과")

# %% [markdown]
# ## 3. 시드를 고정한 추출
# `sample_next`는 **온도 → top-k → top-p** 순서로 로짓을 거른 뒤 softmax 확률에서 하나를 뽑습니다.
# top-k는 로짓의 **순위**만 보므로 온도와 순서를 바꿔도 같지만, top-p는 확률의 **크기**를 보므로 순서가 중요합니다.
# top-p를 온도보다 먼저 하면 온도를 적용하기 전의 분포로 후보를 고르게 됩니다. $T > 1$이면 원래 분포가 더 뾰족해서
# 후보가 너무 적게, $T < 1$이면 원래 분포가 더 평평해서 후보가 너무 많이 남습니다. 어느 쪽이든 뽑는 분포가 달라집니다.
#
# 뽑을 때는 인자로 받은 `torch.Generator`를 씁니다(`torch.multinomial(..., generator=generator)`). 전역 난수를 쓰면
# 같은 시드로 같은 결과를 재현할 수 없습니다. `logits`가 `(B, V)`이면 행마다 **그 행의 분포에서** 하나씩 뽑아 모양
# `(B,)`를 돌려줍니다. `temperature=0`이면 뽑지 않고 argmax를 돌려주고, `temperature < 0`이면 `ValueError`입니다.

# %% solution=["sample_next"]

# %% tests="test_sample_next"
_g = torch.Generator().manual_seed(0)
_draws = sample_next(torch.tensor([0.0, math.log(3.0)]).repeat(4000, 1), _g)
assert tuple(_draws.shape) == (4000,), "로짓이 (B, V)이면 (B,) 모양을 돌려주세요."
assert abs(float(_draws.float().mean()) - 0.75) < 0.03, "확률 [0.25, 0.75]에서 뽑으면 1이 약 75 % 나와야 합니다."
_a = sample_next(torch.zeros(50, 5), torch.Generator().manual_seed(1))
_b = sample_next(torch.zeros(50, 5), torch.Generator().manual_seed(1))
assert torch.equal(_a, _b), "같은 시드의 generator면 같은 결과여야 합니다 (generator=generator)."
assert int(sample_next(torch.tensor([0.1, 2.0, 0.3]), _g, temperature=0)) == 1, "T = 0이면 argmax입니다."
print("sample_next: 통과")

# %% [markdown]
# ### 과정의 한국어 GPT로 보는 다음 토큰 분포
# 아래 그림은 사전 학습한 작은 한국어 GPT(`course_model/`, 약 133만 파라미터)가 프롬프트 다음에 올 토큰에 준
# 확률 상위 15개와, top-k / top-p / 온도를 적용한 뒤의 분포입니다. 모델이 어떻게 만들어졌는지(말뭉치, 학습 시간,
# 검증 손실)는 `config.json`의 `training`에 기록되어 있습니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

model, tokenizer, config = load_course_model("course_model")
print("검증 손실 (nats/token):", config["training"].get("final_valid_loss", config["training"].get("valid_loss")))

prompt = "대한민국의 주권은"
ids = tokenizer.encode(prompt)
with torch.no_grad():
    last = model(torch.tensor([ids]))[0, -1]
top = torch.topk(torch.softmax(last, -1), 15).indices
labels = [repr(tokenizer.decode([int(i)])) for i in top]
panels = {"원래 분포 (T = 1)": last, "top-k (k = 5)": top_k_filter(last, 5),
          "top-p (p = 0.7)": top_p_filter(last, 0.7), "온도 T = 2": apply_temperature(last, 2.0)}
fig, axes = plt.subplots(1, 4, figsize=(16, 4.5), sharey=True)
for ax, (title, logits) in zip(axes, panels.items()):
    ax.barh(range(15), torch.softmax(logits, -1)[top].numpy())
    ax.set_title(title)
axes[0].set_yticks(range(15), labels)
axes[0].invert_yaxis()  # 확률이 가장 높은 토큰이 맨 위에
fig.supxlabel(f"'{prompt}' 다음 토큰의 확률")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. 탐욕적 디코딩과 빔 서치
# 디코딩 함수는 `model(ids)`가 로짓 `(B, T, V)`를 돌려주는 어떤 모델에도 쓸 수 있습니다. 다음 토큰은 **마지막
# 위치**의 로짓 `model(ids)[0, -1]`에서 고릅니다(첫 위치 `[:, 0]`나 다른 축에서 고르면 안 됩니다).
# `input_ids`는 프롬프트 토큰 목록(`list` 또는 1차원 텐서)이고, 두 함수 모두 **프롬프트 + 생성한 토큰**의 새
# `list[int]`를 돌려줍니다. 받은 프롬프트 목록에 토큰을 덧붙이지 마세요(`tokens = input_ids`는 복사가 아닙니다).
#
# 이해를 돕는 **룩업 테이블 모델**: 다음 토큰 확률이 마지막 토큰에만 달려 있는 마르코프 모델입니다. 표의 행 $a$가
# "토큰 $a$ 다음 토큰의 확률"입니다. 위치마다 로짓을 돌려주므로 GPT와 똑같이 쓸 수 있습니다.

# %%
class TableLM:
    """logits[b, t] = log(table[ids[b, t]]) — 다음 토큰 확률이 마지막 토큰에만 달린 작은 '언어 모델'."""

    def __init__(self, table):
        self.log_table = torch.tensor(table).log()

    def __call__(self, ids):
        return self.log_table[torch.as_tensor(ids)]


# 토큰 0 = EOS. 1 다음에는 2(0.5)가 가장 그럴듯하지만, 2 다음은 고르게 퍼져 있고 3(0.4) 다음은 거의 확실합니다.
toy = TableLM([[1.0, 0.0, 0.0, 0.0, 0.0],
               [0.1, 0.0, 0.5, 0.4, 0.0],
               [0.25, 0.25, 0.25, 0.25, 0.0],
               [0.05, 0.0, 0.0, 0.0, 0.95],
               [0.9, 0.0, 0.0, 0.1, 0.0]])
print(toy(torch.tensor([[1, 3]])).shape, "= (B, T, V)")

# %% [markdown]
# **탐욕적 디코딩**: 매 단계 argmax. `eos_id`를 만들면 그 토큰까지 붙이고 멈춥니다.

# %% solution=["_next_logits", "greedy_decode"]

# %% tests="test_greedy_decode"
assert greedy_decode(toy, [1], 3) == [1, 2, 0, 0], "1 다음 argmax는 2, 2 다음은 동점(첫 번째 = 0), 0 다음은 0입니다."
assert greedy_decode(toy, [1], 3, eos_id=0) == [1, 2, 0], "EOS(0)를 만들면 멈춰야 합니다."
print("greedy_decode: 통과")

# %% [markdown]
# **빔 서치**: 후보 문장 `beam_width`개를 함께 키웁니다. 각 빔은 지금까지의 **누적 로그 확률**
# $\sum \log p(\text{토큰})$을 가집니다(확률을 곱하면 금방 0에 가까워지므로 로그를 더합니다).
#
# 1. 살아 있는 빔마다 모든 다음 토큰으로 늘린 후보를 만들고,
# 2. **모든 빔의 후보를 한데 모아** 누적 로그 확률이 큰 `beam_width`개를 고릅니다(빔마다 따로 고르지 않음).
# 3. EOS로 끝난 후보는 '완료'로 옮겨 더 늘리지 않습니다(버리지도 않습니다).
#
# 끝나면 완료된 빔과 살아 있는 빔 중 점수 $\dfrac{\sum \log p}{L^{\alpha}}$ 가 가장 큰 것을 고릅니다. $L$은 **생성한**
# 토큰 수(EOS 포함, 프롬프트 제외), $\alpha$는 `length_penalty`입니다. $\alpha = 0$이면 합 그대로, 클수록 긴 문장에 유리합니다.

# %% solution=["beam_search"]

# %% tests="test_beam_search"
_tokens, _score = beam_search(toy, [1], 2, 2)
assert _tokens == [1, 3, 4], "이 표에서는 빔 서치가 1 → 3 → 4 를 찾아야 합니다 (탐욕적 디코딩은 1 → 2 → …)."
assert abs(_score - (math.log(0.4) + math.log(0.95)) / 2) < 1e-5, "점수 = 로그 확률의 합 / 생성 길이 입니다."
print("beam_search: 통과")

# %% [markdown]
# ## 5. 반복 벌점 (Repetition penalty)
# 아래 문장 이어 쓰기에서 보듯, 작은 모델의 탐욕적 디코딩과 빔 서치는 같은 구절을 되풀이하기 쉽습니다("이 경우, 이 경우, …").
# 한 번 나온 구절이 다시 나올 확률을 높게 보는 모델이 매 단계 가장 그럴듯한 토큰을 고르면, 반복이 반복을 부릅니다.
# **반복 벌점**은 이미 나온 토큰의 로짓을 깎아 이 고리를 끊습니다.
#
# 이 과제는 Hugging Face `generate(repetition_penalty=θ)`의 규칙(`RepetitionPenaltyLogitsProcessor`, CTRL 논문
# Keskar et al. 2019)을 따릅니다. 이전 토큰 목록 `previous_ids`에 **한 번 이상** 있는 토큰의 로짓 $z$만
#
# $$ z' = \begin{cases} z / \theta & z > 0 \\ z \cdot \theta & z < 0 \\ 0 & z = 0 \end{cases} $$
#
# 으로 바꾸고, 나머지 토큰의 로짓은 그대로 둡니다($\theta$ = `penalty`).
#
# - 양수는 나누고 음수는 **곱해야** $\theta > 1$일 때 언제나 로짓이 작아집니다. 음수 로짓을 $\theta$로 나누면 0에 가까워져
#   그 토큰이 오히려 더 잘 나옵니다.
# - 몇 번 나왔든 **한 번만** 적용합니다. (나온 횟수 $c$에 비례해 $z - \alpha c$로 빼는 OpenAI API의 `frequency_penalty`는
#   다른 규칙입니다.)
# - $\theta = 1$이면 그대로, $0 < \theta < 1$이면 반복을 오히려 부추깁니다. $\theta \le 0$은 `ValueError`입니다.
#   `previous_ids`가 비어 있으면 로짓은 그대로입니다.
# - `logits`가 `(V,)`이면 `previous_ids`는 id 목록(`list` 또는 1차원 텐서), `(B, V)`이면 `(B, L)` 텐서이고 행 $b$의 벌점은
#   행 $b$의 이전 토큰에만 줍니다.
# - 이전 토큰에는 프롬프트도 들어갑니다(Hugging Face와 같습니다). 벌점은 원래 로짓에 주고, 그다음 `sample_next`(온도 → top-k →
#   top-p)에 넘깁니다. (온도와는 순서를 바꿔도 결과가 같습니다: 둘 다 부호를 지키는 나눗셈·곱셈이니까요.)
#
# 예: 로짓 `[2.0, -1.0, 0.0, 3.0]`, 이전 토큰 `[0, 1, 1, 2]`, $\theta = 2$ → `[1.0, -2.0, 0.0, 3.0]`
# (토큰 1은 두 번 나왔지만 한 번만 곱하고, 토큰 3은 나온 적이 없어 그대로).

# %% solution=["apply_repetition_penalty"]

# %% tests="test_repetition_penalty"
_z = torch.tensor([2.0, -1.0, 0.0, 3.0])
assert torch.equal(apply_repetition_penalty(_z, [0, 1, 1, 2], 2.0), torch.tensor([1.0, -2.0, 0.0, 3.0])), \
    "나온 토큰의 양수 로짓은 penalty로 나누고 음수 로짓은 곱합니다 (여러 번 나와도 한 번만, 나머지는 그대로)."
assert torch.equal(_z, torch.tensor([2.0, -1.0, 0.0, 3.0])), "입력 로짓을 제자리에서 바꾸지 말고 새 텐서를 돌려주세요."
assert torch.equal(apply_repetition_penalty(_z, [], 2.0), _z), "이전 토큰이 없으면 로짓은 그대로입니다."
_rows = apply_repetition_penalty(torch.ones(2, 3), torch.tensor([[0, 0], [2, 1]]), 4.0)
assert torch.equal(_rows, torch.tensor([[0.25, 1.0, 1.0], [1.0, 0.25, 0.25]])), "행 b에는 행 b의 이전 토큰만 벌점을 줍니다."
print("apply_repetition_penalty: 통과")

# %% [markdown]
# ### 과정의 한국어 GPT로 문장 이어 쓰기 (문장 완성)
# 같은 프롬프트를 온도를 바꿔 가며 이어 씁니다(시드 고정, top-p 0.95). 온도가 낮으면 안전하고 단조롭게,
# 높으면 다양하지만 엉뚱하게 이어집니다. 탐욕적 디코딩(`temperature=0`)에 반복 벌점을 주면 어떻게 바뀌는지, 빔 서치와도 비교해 보세요.
# (작은 모델이라 뜻이 통하는 문장은 짧습니다. 헌법, 법률안, LibreOffice 도움말, 데비안 FAQ로 학습했습니다.)

# %% tags=["skip-grading"]
torch.set_num_threads(1)  # 작은 모델은 스레드 하나가 빠르고, 다른 프로그램과 코어를 나눠 쓸 때 덜 흔들립니다
eot = tokenizer.encode(config["eot"])[0]


def generate(model, tokenizer, prompt, max_new_tokens=40, seed=0, repetition_penalty=1.0, stop_id=None, **sampling):
    """apply_repetition_penalty → sample_next로 한 토큰씩 이어 쓰기. 프롬프트 뒤에 만든 글만 돌려줍니다.

    끝 토큰(<|endoftext|>)이나 stop_id를 만들면 멈춥니다. 모델에는 최근 n_ctx개 토큰만 넣습니다.
    """
    generator = torch.Generator().manual_seed(seed)
    ids = tokenizer.encode(prompt)
    start = len(ids)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(torch.tensor([ids[-model.n_ctx:]]))[0, -1]
            logits = apply_repetition_penalty(logits, ids, repetition_penalty)
            next_id = int(sample_next(logits, generator, **sampling))
            if next_id in (eot, stop_id):
                break
            ids.append(next_id)
    return tokenizer.decode(ids[start:])


def one_line(text):
    """줄바꿈을 ⏎로 보여 한 줄로 (빈 줄이 잔뜩 나와도 읽기 쉽게)."""
    return text.strip().replace("\n", " ⏎ ")


for prompt in ("대한민국의 주권은", "이 대화 상자에서"):
    print(f"== {prompt} …")
    for temperature in (0.5, 0.8, 1.2, 2.0):
        print(f"T = {temperature}, top-p 0.95 :", one_line(generate(model, tokenizer, prompt, temperature=temperature,
                                                                     top_p=0.95)))
    print("탐욕적 :", one_line(generate(model, tokenizer, prompt, temperature=0)))
    print("탐욕적 + 반복 벌점 1.3 :", one_line(generate(model, tokenizer, prompt, temperature=0, repetition_penalty=1.3)))
    ids = tokenizer.encode(prompt)
    print("빔 서치 (빔 3) :", one_line(tokenizer.decode(beam_search(model, ids, 3, 20, eos_id=eot)[0][len(ids):])))
    print()

# %% [markdown]
# ### 질문에 대한 답변 (Question answering)
# 커리큘럼 2.6절의 예 "질문에 대한 답변"을 과정의 한국어 GPT로 해 봅니다. 이 모델은 질문에 답하도록 학습하지 않았고(그것은 11 과제의
# 지시 튜닝이 할 일입니다) 헌법 같은 글을 이어 쓰도록만 배웠습니다. 그래서 프롬프트를 **질문 + 답의 첫머리**로 써서, 답이 헌법의
# 문장처럼 이어지도록 이끕니다. 답은 한 줄이므로 줄바꿈 토큰을 끝 토큰(`eos_id`)으로 쓰고, 첫 줄만 답으로 봅니다
# (BPE는 `".\n"`처럼 줄바꿈을 다른 글자와 한 토큰으로 묶기도 해서, 줄바꿈 토큰에서 멈추지 않는 답도 있습니다).
#
# 정답은 헌법 제42조 "국회의원의 임기는 4년으로 한다."입니다. 같은 모델, 같은 프롬프트에서 디코딩 방법만 바꿔 나란히 비교합니다.

# %% tags=["skip-grading"]
question = "질문: 국회의원의 임기는 몇 년인가?\n답변: 국회의원의 임기는"
question_ids = tokenizer.encode(question)
newline = tokenizer.encode("\n")[0]

answers = {
    "탐욕적": tokenizer.decode(greedy_decode(model, question_ids, 30, eos_id=newline)[len(question_ids):]),
    "탐욕적 + 반복 벌점 1.3": generate(model, tokenizer, question, 30, repetition_penalty=1.3, stop_id=newline,
                                 temperature=0),
    "빔 서치 (빔 3)": tokenizer.decode(beam_search(model, question_ids, 3, 24, eos_id=newline)[0][len(question_ids):]),
}
for seed in range(3):
    answers[f"샘플링 T 0.8, top-p 0.9, 벌점 1.2 (시드 {seed})"] = generate(
        model, tokenizer, question, 30, seed=seed, repetition_penalty=1.2, stop_id=newline, temperature=0.8, top_p=0.9)

import html

from IPython.display import HTML, display

first_lines = {name: answer.strip().split("\n")[0] for name, answer in answers.items()}
rows = "".join(f"<tr><td>{html.escape(name)}</td><td style='text-align:left'>{html.escape(line)}</td></tr>"
               for name, line in first_lines.items())
display(HTML(f"<p>{html.escape(one_line(question))} …</p>"
             f"<table><tr><th>디코딩</th><th style='text-align:left'>답변 (첫 줄)</th></tr>{rows}</table>"))

# %% [markdown]
# 답의 첫 토큰(숫자)에서 모델이 무엇을 망설이는지 확률로 봅니다. 모델은 "임기는 ○년으로 하며" 같은 **형식**은 익혔지만, 어떤 수가
# 맞는지는 거의 모릅니다: 여러 숫자의 확률이 비슷하게 낮습니다. 탐욕적 디코딩과 빔 서치는 그중 가장 큰 것을 확신하는 것처럼
# 골라 또박또박 틀리고, 샘플링은 시드마다 다른 답(다른 숫자, 때로는 엉뚱한 말)을 냅니다. 디코딩 방법은 모델이 모르는 것을
# 알게 해 주지 못합니다.
#
# 빔 서치의 답도 눈여겨보세요. "법률이 정하는 바에 의하여"처럼 모델이 잘 아는 구절은 토큰 하나하나의 확률이 높아서, 그 구절을
# 되풀이하는 빔이 (생성 길이로 나눈) 점수에서 줄을 끝내는 빔을 이기곤 합니다. 빔 서치가 긴 글에서 반복에 빠지는 이유입니다.

# %% tags=["skip-grading"]
with torch.no_grad():
    answer_probs = torch.softmax(model(torch.tensor([question_ids]))[0, -1], -1)
top = torch.topk(answer_probs, 10)
names = [repr(tokenizer.decode([int(i)])) for i in top.indices]
colors = ["tab:green" if tokenizer.decode([int(i)]).strip() == "4" else "tab:gray" for i in top.indices]
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(range(10), top.values.numpy(), color=colors)
ax.set_yticks(range(10), names)
ax.invert_yaxis()
ax.set_xlabel("다음 토큰의 확률")
ax.set_title("'국회의원의 임기는' 다음 토큰 (초록: 헌법의 답 4)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. KV 캐시 (KV cache)
# 탐욕적 디코딩은 토큰 하나를 만들 때마다 **전체 문장**을 다시 모델에 넣습니다. 그런데 인과 마스크 때문에 앞 토큰들의
# 키(K)와 값(V)은 뒤 토큰이 붙어도 바뀌지 않습니다. 그래서 층마다 K, V를 저장해 두고(캐시), 새 토큰의 쿼리·키·값만
# 계산해 이어 붙이면 같은 결과를 훨씬 적은 계산으로 얻습니다.
#
# `forward_with_cache(model, ids, cache)`는 08의 `MiniGPT`의 부품(`tok_emb`, `pos_emb`, `blocks[i].ln1`, `attn.q_proj` …,
# `ln_f`, `head`)으로 새 토큰 `ids (B, t)`만 계산합니다. 주의할 점:
#
# - 새 토큰의 위치는 0이 아니라 캐시 길이 $P$부터입니다(위치 임베딩).
# - 마스크는 (새 토큰 수 $t$) × (전체 키 수 $P + t$)의 직사각형이고, 새 토큰 $i$는 키 $j \le P + i$를 봅니다
#   (`torch.ones(t, P + t).tril(diagonal=P)`).
#
# `greedy_decode_cached`는 프롬프트로 캐시를 한 번 채운 뒤 매 단계 새 토큰 하나만 넣습니다. 결과는
# `greedy_decode`와 **정확히** 같아야 합니다. 마지막 토큰을 붙인 뒤에는 모델을 다시 부르지 않습니다: 그 로짓은 쓰이지
# 않고, 문장이 모델의 최대 길이(`n_ctx`)를 꽉 채우면 위치가 위치 임베딩의 범위를 벗어납니다(`greedy_decode`가 되는
# 길이라면 `greedy_decode_cached`도 되어야 합니다).

# %% solution=["forward_with_cache", "greedy_decode_cached"]

# %% tests="test_kv_cache"
torch.manual_seed(0)
_m = MiniGPT(13, 16, 12, 2, 3, 20).eval()
_ids = torch.tensor([[1, 5, 2, 7, 3, 9]])
_l1, _c = forward_with_cache(_m, _ids[:, :4])
_l2, _ = forward_with_cache(_m, _ids[:, 4:], _c)
with torch.no_grad():
    _full = _m(_ids)
assert torch.allclose(torch.cat([_l1, _l2], 1), _full, atol=1e-5), "캐시로 나눠 계산한 로짓이 한 번에 계산한 로짓과 달라요."
assert greedy_decode_cached(_m, [1, 2, 3], 8) == greedy_decode(_m, [1, 2, 3], 8), "캐시를 쓴 greedy 결과가 달라요."
print("KV 캐시: 통과")

# %% [markdown]
# ### 얼마나 빨라질까?
# 과정의 한국어 GPT로 100개 토큰을 만들 때, 캐시 없이와 캐시로 걸리는 시간을 비교합니다. 캐시 없이는 단계마다
# 길이 $T$ 전체를 다시 계산하므로(어텐션은 $T^2$) 문장이 길수록 차이가 커집니다.

# %% tags=["skip-grading"]
import time

prompt_ids = tokenizer.encode("대한민국의 주권은 국민에게 있고,")
timings = {}
for name, decode in (("캐시 없음", greedy_decode), ("KV 캐시", greedy_decode_cached)):
    start = time.perf_counter()
    out = decode(model, prompt_ids, 100)
    timings[name] = time.perf_counter() - start
    print(f"{name}: {100 / timings[name]:.0f} 토큰/초")
print(f"속도 향상: {timings['캐시 없음'] / timings['KV 캐시']:.1f}배, 같은 결과:",
      greedy_decode(model, prompt_ids, 30) == greedy_decode_cached(model, prompt_ids, 30))
