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
# # 00. 대규모 언어 모델(LLM) 소개
#
# **개요**: 대규모 언어 모델(Large Language Model, LLM)은 방대한 양의 텍스트 데이터를 학습하여 인간의 언어를
# 이해하고 생성할 수 있는 인공지능 모델입니다. 자연어 처리(NLP) 분야에서 혁신을 일으키고 있으며, 다음과 같은
# 특징을 가지고 있습니다.
#
# - **대규모 데이터 학습**: 수십억 개의 매개변수(파라미터)를 가지고 있으며, 인터넷에서 수집된 방대한 양의 텍스트
#   데이터로 학습됩니다.
# - **자기지도 학습**: 대부분의 LLM은 레이블이 없는 데이터를 사용하여 자기지도 학습 방식으로 훈련됩니다. 예를 들어,
#   문장의 일부를 가리고 모델이 이를 예측하도록 하는 방식입니다.
# - **전이 학습**: 사전 학습된 LLM은 다양한 자연어 처리 작업에 적용될 수 있으며, 특정 작업에 대해 추가로 미세
#   조정될 수 있습니다.
# - **다양한 응용**: 텍스트 생성, 번역, 요약, 질문 답변 등 다양한 언어 관련 작업을 수행할 수 있습니다.
#
# 이 첫 과제에서는 네 가지 특징을 작은 규모로 직접 만져 봅니다. 이 과정의 나머지 과제에서 하나씩 깊이 들어갈 내용의
# 지도이기도 합니다.
#
# | 절 | 특징 | 여기서 할 일 | 이어지는 과제 |
# |---|---|---|---|
# | 1 | 대규모 데이터 | 같은 글을 어절·음절·바이트로 세기 (`count_tokens`) | 05 토큰화 |
# | 2 | 자기지도 학습 | 레이블 없는 글에서 학습 예제 만들기: 다음 토큰 (`causal_lm_pairs`), 가린 단어 (`masked_lm_example`) | 01 n-gram, 02 LSTM, 03 BERT와 GPT |
# | 3 | 대규모 매개변수 | 작은 모델의 파라미터 세기 (`count_parameters`), GPT-3와 비교 | 04 스케일링 법칙, 08 작은 GPT |
# | 4 | 전이 학습 | 헌법으로 먼저 학습한 모델을 의안에 맞추기 | 10·11 파인 튜닝 |
# | 5 | 다양한 응용 | 제로샷·퓨샷 프롬프트 만들기 (`build_prompt`) | 04 퓨샷, 09 생성, 13 에이전트 |
#
# 한국어 글은 konlpy 패키지에 들어 있는 대한민국 헌법과 국회 의안을 씁니다 (아래의 주어진 코드 `load_konlpy_text`가
# 설치된 패키지에서 파일을 읽습니다. 인터넷은 쓰지 않습니다).

# %%
import importlib.util
import math
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# %% support=["korean_text:CORPORA", "korean_text:konlpy_corpus_dir", "korean_text:load_konlpy_text"]

# %%
constitution = load_konlpy_text(("kolaw",))
bills = load_konlpy_text(("kobill",))
bill_texts = [path.read_text(encoding="utf-8") for path in sorted((konlpy_corpus_dir() / "kobill").glob("*.txt"))]
print(f"헌법 {len(constitution):,}자, 의안 {len(bill_texts)}개 {len(bills):,}자")
print(constitution[:120])

# %% [markdown]
# ## 1. 대규모 데이터: 글은 무엇으로 셀까?
#
# "수십억 개의 매개변수", "방대한 양의 텍스트"라고 할 때 텍스트의 양은 보통 **토큰(token)** 수로 셉니다. 토큰은
# 모델이 한 번에 읽는 글의 단위인데, 무엇을 토큰으로 삼느냐에 따라 같은 글의 크기가 달라집니다.
#
# | 단위 | "오늘 달은 밝다." | 특징 |
# |---|---|---|
# | 어절 (띄어쓰기 단위) | 3 | 한국어는 조사가 붙어 "달은", "달이", "달을"이 모두 다른 어절 → 어휘가 폭발 (01 과제) |
# | 음절 (글자) | 7 | 공백을 뺀 글자. 어휘는 작지만 글이 길어짐 |
# | 바이트 (UTF-8) | 21 | 한글 음절은 3바이트, 마침표와 공백은 1바이트. 어떤 글자든 256개로 표현 (05 과제의 바이트 BPE) |
#
# **연습 1.** `count_tokens(text)`를 구현하세요. 반환값은 딕셔너리 `{"words": …, "characters": …, "bytes": …}`입니다.
# - `"words"`: `len(text.split())` — 공백, 줄바꿈, 탭이 여러 개 이어져도 경계 한 번
# - `"characters"`: 공백 문자(`str.isspace()`가 참인 글자)를 뺀 글자 수
# - `"bytes"`: `len(text.encode("utf-8"))` — 공백까지 포함한 글 전체의 바이트 수
#
# 빈 문자열이면 세 값이 모두 0입니다.

# %% solution=["count_tokens"]

# %% tests="test_count_tokens"
assert count_tokens("오늘 달은 밝다.") == {"words": 3, "characters": 7, "bytes": 21}, \
    "어절 3개, 공백을 뺀 글자 7개, UTF-8 21바이트(한글 6 × 3 + 마침표 1 + 공백 2)입니다."
assert count_tokens("  가\n\n나  ") == {"words": 2, "characters": 2, "bytes": 12}, \
    "공백과 줄바꿈이 여러 개 이어져도 어절 경계는 한 번이고, 바이트에는 공백도 셉니다."
assert count_tokens("") == {"words": 0, "characters": 0, "bytes": 0}, "빈 문자열은 모두 0입니다."
print("count_tokens: 통과")

# %% [markdown]
# konlpy의 헌법과 의안을 세 단위로 세어 봅니다. 같은 글이 단위에 따라 몇 배씩 달라집니다. 이 과정이 직접 사전
# 학습한 작은 한국어 GPT(09 과제)는 약 72만 글자로, GPT-3는 약 3,000억 토큰으로 학습했습니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
import matplotlib.ticker

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

counts = {"헌법": count_tokens(constitution), "의안 10개": count_tokens(bills)}
units = [("words", "어절"), ("characters", "음절(글자)"), ("bytes", "바이트")]
fig, ax = plt.subplots(figsize=(7, 3.6))
width = 0.38
for offset, (name, c) in zip((-width / 2, width / 2), counts.items()):
    bars = ax.bar([i + offset for i in range(3)], [c[key] for key, _ in units], width, label=name)
    ax.bar_label(bars, fmt="{:,.0f}", fontsize=8)
ax.set(xticks=range(3), xticklabels=[label for _, label in units], ylabel="개수", title="같은 글, 다른 단위")
ax.legend()
fig.tight_layout()
plt.show()
for name, c in counts.items():
    print(f"{name}: 어절 {c['words']:,}, 음절 {c['characters']:,}, 바이트 {c['bytes']:,} "
          f"(바이트/음절 = {c['bytes'] / c['characters']:.2f})")

# %% [markdown]
# ## 2. 자기지도 학습: 레이블은 글 안에 있다
#
# 분류 모델을 학습하려면 사람이 붙인 정답(레이블)이 필요합니다. 언어 모델은 그렇지 않습니다. **글 자체에서 정답을
# 만들 수 있기** 때문입니다. 이것이 자기지도 학습(self-supervised learning)이고, 인터넷 규모의 글로 학습할 수 있는
# 이유입니다. 방식은 크게 두 가지입니다.
#
# ### 2.1 다음 토큰 맞히기 (GPT 방식, 인과적 언어 모델)
#
# 글의 앞부분을 보고 **다음 토큰**을 맞힙니다. 입력과 정답은 같은 글을 한 칸 어긋나게 놓은 것입니다.
#
# | 위치 | 0 | 1 | 2 | 3 |
# |---|---|---|---|---|
# | 입력 | 대 | 한 | 민 | 국 |
# | 정답 | 한 | 민 | 국 | 은 |
#
# 긴 글은 길이 `block_size`의 **겹치지 않는 창**으로 자릅니다. 창의 시작 `start = 0, block_size, 2·block_size, …`
# (`start < len(tokens) - 1`)마다 `n = min(block_size, len(tokens) - 1 - start)`이고
#
# ```
# inputs  = tokens[start     : start + n]
# targets = tokens[start + 1 : start + 1 + n]
# ```
#
# 이렇게 하면 첫 토큰을 뺀 모든 토큰이 **정확히 한 번** 정답이 됩니다. 마지막 창은 짧을 수 있고, 토큰이 2개보다
# 적으면 예제가 없습니다(빈 리스트). `block_size`가 1 이상의 정수가 아니면(`True`/`False`도 정수로 치지 않습니다)
# `ValueError`를 냅니다. 입력 리스트는 바꾸지 않고 새 리스트를 만드세요. 01 과제의 n-gram은 이 예제에서 앞 n-1개
# 토큰만 보고, 02의 LSTM은 창 전체를, 03의 GPT는 같은 시프트를 텐서로 합니다.
#
# **연습 2.** `causal_lm_pairs(tokens, block_size)` → `[(inputs, targets), ...]`

# %% solution=["causal_lm_pairs"]

# %% tests="test_causal_lm_pairs"
_pairs = causal_lm_pairs(list("대한민국은민주"), 3)
assert [("".join(x), "".join(y)) for x, y in _pairs] == [("대한민", "한민국"), ("국은민", "은민주")], \
    "정답은 입력을 한 칸 민 것이고, 창은 겹치지 않게 block_size씩 옮깁니다."
assert [(x, y) for x, y in causal_lm_pairs([1, 2, 3, 4, 5], 3)] == [([1, 2, 3], [2, 3, 4]), ([4], [5])], \
    "마지막 창은 남은 만큼만 (짧게) 만듭니다."
assert causal_lm_pairs(["가"], 4) == [], "토큰이 하나뿐이면 맞힐 다음 토큰이 없습니다."
print("causal_lm_pairs: 통과")

# %% [markdown]
# ### 2.2 가린 단어 맞히기 (BERT 방식, 마스크 언어 모델)
#
# seed 문서의 예 "The \*\*\* is bright today"처럼, 글의 일부를 가리고 앞뒤 문맥으로 가린 것을 맞힙니다.
#
# | | 오늘 | 달은 | 밝다 |
# |---|---|---|---|
# | inputs | 오늘 | [MASK] | 밝다 |
# | labels | None | 달은 | None |
#
# 규칙:
# - `rng`(`numpy.random.Generator`)로 **서로 다른 위치** `n_mask`개를 모든 위치에서 같은 확률로 고릅니다
#   (예: `rng.choice(len(tokens), size=n_mask, replace=False)`). 같은 시드의 rng면 같은 결과가 나와야 합니다.
# - `inputs`: 고른 위치를 `mask_token`으로 바꾼 **새** 리스트 (원래 리스트는 그대로)
# - `labels`: 고른 위치에는 원래 토큰, 나머지는 `None` (손실을 계산하지 않는 자리; 03 과제에서는 -100)
# - 글에 원래 `"[MASK]"`라는 토큰이 있을 수도 있습니다. 어느 위치를 가렸는지는 inputs를 보고 짐작하지 말고, 고른
#   위치로 정하세요.
# - `n_mask`는 0 이상 `len(tokens)` 이하의 정수여야 합니다 (아니면, `True`/`False`도 `ValueError`).
#
# 03 과제에서는 이것을 BERT의 실제 규칙(15 % 확률, 80/10/10)으로 텐서 위에서 다시 만듭니다.
#
# **연습 3.** `masked_lm_example(tokens, n_mask, rng, mask_token="[MASK]")` → `(inputs, labels)`

# %% solution=["masked_lm_example"]

# %% tests="test_masked_lm_example"
_tokens = ["오늘", "달은", "밝다", "오늘", "별은", "빛난다"]
_inputs, _labels = masked_lm_example(_tokens, 2, np.random.default_rng(0))
assert _inputs.count("[MASK]") == 2 and sum(label is not None for label in _labels) == 2, "정확히 n_mask개를 가립니다."
assert all((x == "[MASK]") == (y is not None) for x, y in zip(_inputs, _labels)), "가린 위치에만 정답이 있습니다."
assert all(y in (None, t) for y, t in zip(_labels, _tokens)), "정답은 그 위치의 원래 토큰입니다."
assert _tokens == ["오늘", "달은", "밝다", "오늘", "별은", "빛난다"], "원래 리스트를 바꾸면 안 됩니다."
assert masked_lm_example(_tokens, 2, np.random.default_rng(0)) == (_inputs, _labels), "같은 시드면 같은 결과입니다."
print("입력:", " ".join(_inputs))
print("정답:", " ".join(label or "-" for label in _labels))
print("masked_lm_example: 통과")

# %% [markdown]
# ### 2.3 레이블 없이 학습해 보기
#
# 헌법과 의안 6개의 글자들로 다음 글자 맞히기 예제를 만들고, 주어진 코드 `TinyLM`(바로 앞 글자 하나로 다음 글자를
# 맞히는 아주 작은 신경망, 01 과제의 bigram과 같은 일을 하는 신경망)을 학습합니다. 정답은 모두 글에서 나왔고, 사람이
# 붙인 레이블은 하나도 없습니다. 손실은 정답 글자의 음의 로그확률 평균(교차 엔트로피, nats)이고, 아무것도 모를 때
# (모든 글자에 같은 확률)는 ln V입니다.

# %% support=["00_intro:TinyLM"]

# %% tags=["skip-grading"]
torch.set_num_threads(1)  # 다른 프로그램과 코어를 나눠 쓸 때 시간이 덜 흔들립니다
STEPS = 30 if os.environ.get("COURSE_QUICK_RUN") else 300  # 자동 점검(COURSE_QUICK_RUN=1)만 짧게 돌립니다
chars = sorted(set(constitution + bills))
char_id = {ch: i for i, ch in enumerate(chars)}


def pair_batches(text, block_size=64):
    """글 → 글자 id → causal_lm_pairs → 길이가 block_size인 창만 모은 (입력, 정답) 텐서."""
    pairs = [(x, y) for x, y in causal_lm_pairs([char_id[ch] for ch in text], block_size) if len(x) == block_size]
    return torch.tensor([x for x, _ in pairs]), torch.tensor([y for _, y in pairs])


def train_tiny_lm(model, text, steps, seed=0, lr=0.05):
    """무작위로 고른 창 32개씩 교차 엔트로피를 줄입니다 (Adam). 걸음마다의 손실 리스트를 돌려줍니다."""
    inputs, targets = pair_batches(text)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        batch = torch.randint(len(inputs), (32,), generator=generator)
        loss = F.cross_entropy(model(inputs[batch]).flatten(0, 1), targets[batch].flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


pretraining_text = "\n".join([constitution] + bill_texts[:6])
torch.manual_seed(0)
pretrained = TinyLM(len(chars), 32)
started = time.perf_counter()
losses = train_tiny_lm(pretrained, pretraining_text, STEPS)
print(f"어휘 {len(chars)}자, 학습 {time.perf_counter() - started:.1f}초: 손실 {losses[0]:.2f} → {losses[-1]:.2f} "
      f"(ln V = {math.log(len(chars)):.2f})")


@torch.no_grad()
def sample(model, first, n, seed=0):
    """앞 글자 하나로 다음 글자를 확률대로 뽑아 n글자를 이어 씁니다."""
    generator = torch.Generator().manual_seed(seed)
    out = [char_id[first]]
    for _ in range(n):
        probs = model(torch.tensor([out[-1]])).softmax(-1)[0]
        out.append(torch.multinomial(probs, 1, generator=generator).item())
    return "".join(chars[i] for i in out)


print("이어 쓰기:", sample(pretrained, "대", 40))

fig, ax = plt.subplots(figsize=(7, 3.4))
ax.plot(losses, label="학습 손실 (창 32개씩)")
ax.axhline(math.log(len(chars)), color="gray", ls=":", label=f"아무것도 모를 때 ln V = {math.log(len(chars)):.2f}")
ax.set(xlabel="걸음", ylabel="교차 엔트로피 (nats/글자)", title="레이블 없이, 글 자체를 정답으로 학습하기")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 손실이 ln V에서 시작해 빠르게 내려갑니다. 앞 글자 하나만 보므로 뽑은 글은 글자 쌍은 그럴듯하지만 뜻은 없습니다.
# 더 긴 문맥을 보려면 n-gram(01), LSTM(02), 트랜스포머(03, 08)가 필요합니다.
#
# ## 3. 수십억 개의 매개변수: 파라미터 세기
#
# 모델의 **파라미터**는 학습으로 정하는 숫자들입니다. `TinyLM(V, d)`에는 임베딩 표 `V × d`와 출력층 `d × V`(가중치) +
# `V`(편향)가 있습니다. 출력층의 가중치를 임베딩과 **공유**하면(weight tying, GPT-2가 씀) 같은 표를 두 번 쓰므로
# 파라미터가 줄어듭니다.
#
# **연습 4.** `count_parameters(model)`: 파라미터 텐서 원소 수의 합을 돌려주세요.
# - 학습 여부(`requires_grad`)와 상관없이 모든 파라미터를 셉니다.
# - 공유한 텐서는 **한 번만** 셉니다 (`model.parameters()`는 같은 텐서를 한 번만 돌려줍니다).
# - 버퍼(예: `nn.BatchNorm1d`의 이동 평균)는 `state_dict()`에는 있지만 파라미터가 아니므로 세지 않습니다.
#
# 손으로도 세어 보세요: `TinyLM(10, 4)`는 몇 개이고, `tied=True`면 몇 개일까요?

# %% solution=["count_parameters"]

# %% tests="test_count_parameters"
assert count_parameters(nn.Linear(5, 3)) == 18, "nn.Linear(5, 3)은 가중치 15개 + 편향 3개입니다."
assert count_parameters(TinyLM(10, 4)) == 10 * 4 + 4 * 10 + 10, "임베딩 V·d + 출력층 d·V + 편향 V입니다."
assert count_parameters(TinyLM(10, 4, tied=True)) == 10 * 4 + 10, "공유한 가중치는 한 번만 셉니다."
assert count_parameters(nn.BatchNorm1d(4)) == 8, "버퍼(이동 평균)는 파라미터가 아닙니다."
print("count_parameters: 통과")

# %% [markdown]
# 이 과정의 모델들과 발표된 대형 모델을 나란히 놓아 봅니다 (가로축: 파라미터 수, 로그 축). 공개된 숫자: GPT-2 small
# 1억 2,400만, GPT-3 1,750억 (3,000억 토큰), Chinchilla 700억 (1.4조 토큰). 04 과제에서 GPT 설정만으로 이 숫자를 직접
# 계산하고, 모델 크기와 데이터 양을 어떻게 나눌지(스케일링 법칙)를 다룹니다.

# %% tags=["skip-grading"]
models = [("이 과제의 TinyLM", count_parameters(pretrained)), ("과정의 한국어 GPT (09)", 1_334_016),
          ("GPT-2 small", 124_439_808), ("Chinchilla", 70e9), ("GPT-3", 175e9)]
fig, ax = plt.subplots(figsize=(8, 3.2))
bars = ax.barh([name for name, _ in models], [n for _, n in models], color="tab:blue")
ax.bar_label(bars, labels=[f"{n:,.0f}" if n < 1e9 else f"{n / 1e9:,.0f}B" for _, n in models], fontsize=8)
ax.set_xscale("log")
ax.xaxis.set_major_formatter(matplotlib.ticker.LogFormatter())  # 한글 글꼴에 없는 수식용 마이너스 기호를 피함
ax.set(xlabel="파라미터 수 (로그 축)", title="얼마나 '대규모'인가", xlim=(1e3, 1e13))
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. 전이 학습: 먼저 배운 것을 옮겨 쓰기
#
# 사전 학습된 모델은 새 작업에 처음부터가 아니라 **이미 배운 상태에서** 시작합니다. 작은 규모로 확인해 봅시다.
# 위에서 헌법과 의안 6개로 사전 학습한 `TinyLM`을, 학습에 쓰지 않은 의안 하나(7번째)로 조금 더 학습(미세 조정)합니다.
# 같은 설정(학습률 0.005, 100걸음)으로 처음부터 그 의안 하나만 학습한 모델과, 나머지 의안 3개에서의 손실을
# 비교합니다. 미세 조정의 학습률은 사전 학습(0.05)보다 작게 둡니다: 크게 두면 의안 하나에 맞추느라 먼저 배운 것을
# 잊어버립니다.

# %% tags=["skip-grading"]
import copy

test_inputs, test_targets = pair_batches("\n".join(bill_texts[7:]))


@torch.no_grad()
def held_out_loss(model):
    return F.cross_entropy(model(test_inputs).flatten(0, 1), test_targets.flatten()).item()


FINETUNE_STEPS = 10 if os.environ.get("COURSE_QUICK_RUN") else 100
torch.manual_seed(1)
curves = {}
for name, start in [("사전 학습 후 의안 하나로 미세 조정", copy.deepcopy(pretrained)),
                    ("처음부터 의안 하나로 학습", TinyLM(len(chars), 32))]:
    losses = [held_out_loss(start)]
    for chunk in range(FINETUNE_STEPS // 10):
        train_tiny_lm(start, bill_texts[6], 10, seed=chunk + 1, lr=0.005)
        losses.append(held_out_loss(start))
    curves[name] = losses
    print(f"{name}: 평가 손실 {losses[0]:.2f} → 가장 낮을 때 {min(losses):.2f}, 끝 {losses[-1]:.2f}")

fig, ax = plt.subplots(figsize=(7, 3.4))
for name, losses in curves.items():
    ax.plot(range(0, 10 * len(losses), 10), losses, marker="o", label=name)
ax.set(xlabel="의안 하나로 학습한 걸음", ylabel="평가 의안 3개의 손실 (nats/글자)",
       title="전이 학습: 먼저 배운 모델이 앞서 출발한다")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 사전 학습한 모델은 새 의안을 한 글자도 보기 전부터 처음부터 시작한 모델보다 손실이 훨씬 낮고, 같은 걸음 수를
# 학습한 뒤에도 앞서 있습니다. 대형 LLM은 이 일을 훨씬 큰 규모로 합니다: 인터넷 규모의 글로 한 번 사전 학습하고,
# 분류·요약·대화 같은 작업마다 적은 데이터로 조금씩 미세 조정합니다 (10·11 과제에서 과정의 한국어 GPT로 직접 합니다).
#
# ## 5. 다양한 응용: 프롬프트 하나로 여러 작업
#
# 충분히 큰 언어 모델은 가중치를 바꾸지 않고도, **프롬프트**에 작업 설명과 예시 몇 개만 넣으면 새 작업을 따라 합니다
# (GPT-3의 퓨샷 학습, seed 1.5절). 모델은 언제나 "다음 토큰 맞히기"만 하지만, 프롬프트가 무엇을 이어 쓸지를 정합니다.
#
# ```
# 다음 문장을 영어로 번역하세요.          ← 지시문 (instruction)
#
# 입력: 안녕하세요                       ← 예시 (퓨샷)
# 출력: Hello
#
# 입력: 감사합니다                       ← 풀 질문 (query)
# 출력:                                  ← 모델이 여기서부터 이어 씀
# ```
#
# **연습 5.** `build_prompt(instruction, examples, query)`
# - `instruction`이 빈 문자열이 아니면 맨 앞에 `"{instruction}\n\n"`
# - 예시 `(x, y)`마다 주어진 순서대로 `"입력: {x}\n출력: {y}\n\n"`
# - 끝에 `"입력: {query}\n출력:"`
# - 예시가 없으면 제로샷(zero-shot) 프롬프트입니다. `examples`는 튜플의 리스트일 수도, 리스트의 튜플일 수도 있습니다.

# %% solution=["build_prompt"]

# %% tests="test_build_prompt"
assert build_prompt("다음 문장을 영어로 번역하세요.", [("안녕하세요", "Hello")], "감사합니다") == \
    "다음 문장을 영어로 번역하세요.\n\n입력: 안녕하세요\n출력: Hello\n\n입력: 감사합니다\n출력:", "형식이 다릅니다."
assert build_prompt("", [], "2 + 3 = ?") == "입력: 2 + 3 = ?\n출력:", "지시문도 예시도 없으면 질문만 남습니다."
print("build_prompt: 통과")

# %% [markdown]
# 같은 틀로 여러 작업을 만들어 봅니다. 진짜 대형 모델은 이 환경에 없으므로 프롬프트만 출력합니다. 04 과제에서 퓨샷
# 프롬프트와 답 꺼내기를, 09 과제에서 과정의 한국어 GPT로 프롬프트를 이어 쓰는 생성을, 13 과제에서 도구를 쓰는
# 에이전트를 만듭니다.

# %% tags=["skip-grading"]
article = {line.split()[0]: line.strip() for line in constitution.split("\n") if line.strip().startswith("제")}
tasks = {
    "번역 (제로샷)": ("다음 문장을 영어로 번역하세요.", [], "오늘 날씨가 맑다"),
    "요약 (원샷)": ("다음 조문을 한 문장으로 요약하세요.",
                  [(article["제11조"], "국민은 법 앞에 평등하고 어떤 영역에서도 차별받지 않는다.")], article["제14조"]),
    "질문 답변 (퓨샷)": ("", [("대한민국의 수도는?", "서울"), ("물의 화학식은?", "H2O")], "헌법 제1조의 첫 문장은?"),
}
for name, (instruction, examples, query) in tasks.items():
    print(f"===== {name} =====")
    print(build_prompt(instruction, examples, query))
    print()

# %% [markdown]
# ## 6. 정리
#
# **장점**
# - 레이블 없는 글만으로 학습하므로(자기지도 학습) 데이터를 아주 크게 늘릴 수 있습니다.
# - 한 번 사전 학습한 모델을 여러 작업에 옮겨 쓰고(전이 학습), 프롬프트만으로 새 작업을 시킬 수 있습니다.
# - 규모를 키울수록 성능이 예측 가능하게 좋아지고, 새로운 능력이 나타나기도 합니다 (04 과제).
#
# **단점**
# - 학습과 추론에 막대한 연산과 데이터가 듭니다.
# - 그럴듯하지만 틀린 글을 만들 수 있고, 학습 데이터의 편향을 그대로 배웁니다.
# - 토큰 단위에 따라 언어마다 비용이 다릅니다: 같은 뜻의 한국어 글이 영어보다 많은 토큰이 되기도 합니다 (05 과제).
#
# **주요 사용 시기**
# - 글을 만들고, 바꾸고(번역·요약), 묻고 답하는 거의 모든 언어 작업의 출발점
# - 레이블이 적은 새 작업: 프롬프트로 먼저 시험하고, 필요하면 미세 조정 (10·11 과제)
#
# 다음 과제(01)에서는 가장 오래된 언어 모델인 n-gram을 처음부터 만듭니다. 이 과제의 `causal_lm_pairs`가 만든 (문맥,
# 다음 토큰) 쌍을 세기만 하면 되는 모델입니다.
