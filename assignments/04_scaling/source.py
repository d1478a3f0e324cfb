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
# # 04. 대규모화와 스케일링 법칙 (2020년 이후)
#
# **모델**: GPT-3, T5, PaLM 등
#
# **개요**: 수천억 개의 매개변수를 가진 초대형 언어 모델로, 다양한 작업을 거의 인간 수준으로 수행할 수 있습니다.
#
# **이유**:
# - 대규모 컴퓨팅 인프라의 발전으로 초대형 모델 학습이 가능해졌습니다.
# - 더 많은 매개변수와 더 큰 데이터셋으로 학습함으로써 모델의 성능이 비약적으로 향상되었습니다.
# - 모델 크기 증가에 따른 능력의 창발(emergence)이 관찰되었습니다. 즉, 특정 규모를 넘어서면 예상치 못한
#   새로운 능력이 나타났습니다.
# - 소수의 예시만으로도 다양한 작업을 수행할 수 있는 퓨샷 학습(few-shot learning) 능력이 향상되었습니다.
#
# "크게 만들면 좋아진다"를 숫자로 다뤄 봅니다.
# 1. 모델의 크기: GPT 설정에서 **파라미터 수** 세기 (GPT-3 175B를 직접 확인)
# 2. 학습 비용: **학습 연산량 C ≈ 6·N·D**
# 3. **스케일링 법칙**: 손실이 크기에 대해 거듭제곱 법칙을 따른다 → 로그-로그 공간에서 직선 맞추기
# 4. **계산 최적(compute-optimal)** 크기: 정해진 예산을 파라미터와 데이터에 어떻게 나눌까 (Chinchilla)
# 5. **퓨샷 프롬프트**: 예시 몇 개로 과제를 알려 주고, 모델의 답을 꺼내기

# %%
import math

import numpy as np

# %% [markdown]
# ## 1. GPT의 파라미터 수
#
# GPT-2/GPT-3는 같은 구조의 트랜스포머 디코더 블록을 n_layer번 쌓습니다 (d = d_model).
#
# | 부분 | 가중치 | 편향·LayerNorm |
# |---|---|---|
# | LayerNorm 2개 (블록마다) | | 2 × 2d (γ, β) |
# | 어텐션 q, k, v 투영 (d → 3d) | 3d² | 3d |
# | 어텐션 출력 투영 (d → d) | d² | d |
# | MLP (d → 4d → d) | 4d² + 4d² | 4d + d |
# | **블록 하나** | **12d²** | **13d** |
#
# 여기에 토큰 임베딩 V·d, 위치 임베딩 n_ctx·d, 마지막 LayerNorm 2d를 더합니다. 출력층(로짓)은 토큰 임베딩과
# 가중치를 **공유**하므로(weight tying) 따로 세지 않습니다.
#
# $$N = n_{\text{layer}}(12d^2 + 13d) + (V + n_{\text{ctx}})\,d + 2d$$
#
# d가 크면 12·n_layer·d²가 거의 전부입니다. GPT-3 175B의 발표된 설정은 n_layer = 96, d = 12288,
# V = 50257, n_ctx = 2048입니다.
#
# **연습 1.** `gpt_params(n_layer, d_model, vocab_size, n_ctx)`

# %% solution=["gpt_params"]

# %% tests="test_gpt_params"
assert gpt_params(12, 768, 50257, 1024) == 124_439_808, \
    "GPT-2 small은 124,439,808개입니다. 블록마다 12d² + 13d, 임베딩 (V + n_ctx)·d, 마지막 LayerNorm 2d."
print(f"GPT-3: {gpt_params(96, 12288, 50257, 2048):,}개 (≈ {gpt_params(96, 12288, 50257, 2048) / 1e9:.1f}B)")
print("gpt_params: 통과")

# %% [markdown]
# ## 2. 학습 연산량: C ≈ 6·N·D
#
# 파라미터 N개인 모델이 토큰 하나를 처리할 때 순전파는 곱셈·덧셈으로 약 2N FLOPs, 역전파는 약 그 두 배인
# 4N FLOPs가 듭니다. 그래서 토큰 D개로 학습하면
#
# $$C \approx 6\,N\,D$$
#
# GPT-3는 약 3,000억 토큰으로 학습했습니다: 6 × 1.75·10¹¹ × 3·10¹¹ ≈ 3.15·10²³ FLOPs.
#
# **연습 2.** `training_flops(n_params, n_tokens)`

# %% solution=["training_flops"]

# %% tests="test_training_flops"
assert math.isclose(training_flops(175e9, 300e9), 3.15e23, rel_tol=1e-9), "학습 연산량은 6·N·D입니다."
print(f"GPT-3 학습 연산량 ≈ {training_flops(175e9, 300e9):.3g} FLOPs")
print("training_flops: 통과")

# %% [markdown]
# ## 3. 스케일링 법칙과 로그-로그 맞춤
#
# Kaplan 등(2020)은 언어 모델의 테스트 손실이 파라미터 수 N에 대해 거듭제곱 법칙을 따른다고 보고했습니다.
#
# $$L(N) \approx \Big(\frac{N_c}{N}\Big)^{\alpha_N} = a\,N^{b}, \qquad \alpha_N \approx 0.076,\; N_c \approx 8.8\cdot 10^{13}$$
#
# 양변에 로그를 취하면 직선이 됩니다.
#
# $$\ln L = \ln a + b \ln N$$
#
# 그래서 $(\ln N, \ln L)$에 최소제곱으로 직선을 맞추면 기울기가 b, 절편이 ln a입니다 (`np.polyfit`).
# 원래 값 그대로 비선형 최소제곱을 하면 큰 값의 오차가 결과를 좌우해 다른 답이 나옵니다.
#
# **연습 3.** `fit_power_law(x, y)` → `(a, b)`

# %% solution=["fit_power_law"]

# %% tests="test_fit_power_law"
_n = np.logspace(6, 10, 5)
_a, _b = fit_power_law(_n, 3.0 * _n ** -0.076)
assert abs(_b + 0.076) < 1e-6 and abs(_a - 3.0) < 1e-6, "y = 3·x^-0.076에서 (3, -0.076)을 되찾아야 합니다."
print("fit_power_law: 통과")

# %% [markdown]
# ## 4. 계산 최적 크기: Chinchilla
#
# 예산 C가 정해져 있으면 모델을 키울지(N) 데이터를 늘릴지(D) 골라야 합니다. Hoffmann 등(2022, Chinchilla)은
# 둘을 **같은 비율로** 키우는 것이 최적이고, 대략 **토큰 수 ≈ 20 × 파라미터 수**라고 보고했습니다.
# 이 규칙으로 만든 Chinchilla(700억 파라미터, 1.4조 토큰)는 연산량이 비슷한 2,800억 파라미터의 Gopher보다
# 좋았습니다.
#
# $$D = 20N,\quad C = 6ND = 120N^2 \;\Rightarrow\; N = \sqrt{C/120},\; D = 20N$$
#
# **연습 4.** `chinchilla_optimal(compute)` → `(N, D)`

# %% solution=["chinchilla_optimal"]

# %% tests="test_chinchilla_optimal"
_n, _d = chinchilla_optimal(training_flops(70e9, 1.4e12))
assert math.isclose(_n, 70e9, rel_tol=1e-9) and math.isclose(_d, 1.4e12, rel_tol=1e-9), \
    "Chinchilla의 연산량에서는 N = 700억, D = 1.4조가 나와야 합니다."
_n, _d = chinchilla_optimal(training_flops(175e9, 300e9))
print(f"GPT-3의 예산이라면: N ≈ {_n / 1e9:.0f}B 파라미터, D ≈ {_d / 1e12:.2f}T 토큰 (실제 GPT-3: 175B, 0.3T)")
print("chinchilla_optimal: 통과")

# %% [markdown]
# ## 5. 그림: 스케일링 곡선과 계산 최적 경계
#
# 왼쪽: Kaplan의 발표 계수로 만든 손실에 2 % 잡음을 섞은 점들(10만 ~ 10억 파라미터)을 여러분의
# `fit_power_law`로 맞추고, 그 직선을 GPT-3 크기까지 연장합니다 (외삽). 로그-로그 축에서 거듭제곱 법칙은 직선입니다.
#
# 오른쪽: 예산 C에 따른 계산 최적 N과 D. GPT-3(175B, 0.3T 토큰)는 같은 예산의 최적점보다 모델이 크고
# 데이터가 적습니다. "모델만 키우는 것"보다 "데이터도 함께" 키워야 한다는 것이 Chinchilla의 교훈입니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
import matplotlib.ticker

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)


def plain_log_ticks(ax):
    """한글 글꼴에는 수식용 마이너스 기호(−)가 없으므로 로그 축 눈금을 1e-05 같은 글자로 씁니다."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter(matplotlib.ticker.LogFormatter())

rng = np.random.default_rng(0)
sizes = np.logspace(5, 9, 10)
losses = (8.8e13 / sizes) ** 0.076 * np.exp(rng.normal(0, 0.02, sizes.size))
a, b = fit_power_law(sizes, losses)
grid = np.logspace(5, 11.5, 100)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
left.loglog(sizes, losses, "o", label="관측 (발표 계수 + 잡음)")
left.loglog(grid, a * grid ** b, "--", label=f"맞춤: L = {a:.2f}·N^{b:.3f}")
left.axvline(gpt_params(96, 12288, 50257, 2048), color="gray", lw=0.8)
left.text(gpt_params(96, 12288, 50257, 2048), losses.min(), " GPT-3", color="gray")
left.set(xlabel="파라미터 수 N", ylabel="테스트 손실 L (nats/token)", title="스케일링 법칙 (로그-로그)")
left.legend()

budgets = np.logspace(19, 26, 50)
optimal = np.array([chinchilla_optimal(c) for c in budgets])
right.loglog(budgets, optimal[:, 0], label="계산 최적 N")
right.loglog(budgets, optimal[:, 1], label="계산 최적 D (토큰)")
for name, n, d, marker in [("GPT-3", 175e9, 300e9, "s"), ("Gopher", 280e9, 300e9, "^"),
                           ("Chinchilla", 70e9, 1.4e12, "*")]:
    c = training_flops(n, d)
    right.scatter([c, c], [n, d], marker=marker, s=80, zorder=3, label=f"{name} (N, D)")
right.set(xlabel="학습 연산량 C (FLOPs)", ylabel="개수", title="예산에 따른 최적 N과 D (D = 20N)")
right.legend(fontsize=8)
plain_log_ticks(left)
plain_log_ticks(right)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. 퓨샷 프롬프트와 답 꺼내기
#
# GPT-3 논문의 핵심 관찰은 큰 모델이 **가중치를 바꾸지 않고도** 프롬프트 속 예시 몇 개만 보고 과제를
# 따라 한다는 것이었습니다 (in-context learning). 예시 0개면 제로샷, 1개면 원샷, k개면 k-샷입니다.
#
# ```
# Q: 2 + 3 = ?
# A: 5
#
# Q: 한국의 수도는?
# A: 서울
#
# Q: 프랑스의 수도는?
# A:
# ```
#
# 모델은 "A:" 뒤를 이어 씁니다. 그런데 패턴을 따라 답 뒤에 "Q: ..."로 다음 예시까지 지어내는 일이 흔합니다.
# 그래서 답은 **첫 줄**만 꺼내고, 비어 있으면 `None`(답을 못 꺼냄)으로 둡니다.
#
# 채점을 믿을 수 있으려면 프롬프트가 **결정적**이어야 합니다: 같은 입력이면 같은 예시가 같은 순서로
# 들어가야 하고(앞에서부터 k개), 풀 질문이 예시로 새어 들어가면 안 됩니다.
#
# **연습 5.** `few_shot_prompt(examples, query, k)`

# %% solution=["few_shot_prompt"]

# %% tests="test_few_shot_prompt"
_examples = [("2 + 3 = ?", "5"), ("한국의 수도는?", "서울"), ("물의 화학식은?", "H2O")]
assert few_shot_prompt(_examples, "프랑스의 수도는?", 2) == \
    "Q: 2 + 3 = ?\nA: 5\n\nQ: 한국의 수도는?\nA: 서울\n\nQ: 프랑스의 수도는?\nA:", "형식이나 예시 순서가 다릅니다."
assert few_shot_prompt(_examples, "1 + 1 = ?", 0) == "Q: 1 + 1 = ?\nA:", "k = 0이면 질문만 남습니다."
print(few_shot_prompt(_examples, "프랑스의 수도는?", 2))
print("few_shot_prompt: 통과")

# %% [markdown]
# **연습 6.** `parse_answer(completion)`

# %% solution=["parse_answer"]

# %% tests="test_parse_answer"
assert parse_answer(" 파리\n\nQ: 일본의 수도는?\nA: 도쿄") == "파리", "첫 줄만, 앞뒤 공백을 떼고 꺼내세요."
assert parse_answer("") is None and parse_answer("  ") is None, "비어 있으면 None입니다."
print("parse_answer: 통과")

# %% [markdown]
# 진짜 대형 모델은 이 환경에 없으므로, 정해진 답을 이어 쓰는 **가짜 모델**로 흐름만 확인합니다.
# 실제로는 `complete(prompt)` 자리에 언어 모델의 생성 함수(09 과제)가 들어갑니다.

# %%
def fake_complete(prompt):
    """설명용 가짜 모델: 마지막 질문을 보고 정해진 완성문을 돌려줍니다 (뒤에 다음 예시를 지어냄)."""
    answers = {"프랑스의 수도는?": "파리", "3 × 4 = ?": "12"}
    question = prompt.rsplit("Q: ", 1)[-1].split("\n")[0]
    return f" {answers.get(question, '')}\n\nQ: 다음 질문\nA: 지어낸 답"


demo_examples = [("2 + 3 = ?", "5"), ("한국의 수도는?", "서울"), ("물의 화학식은?", "H2O")]
for question, gold in [("프랑스의 수도는?", "파리"), ("3 × 4 = ?", "12"), ("모르는 질문", "?")]:
    answer = parse_answer(fake_complete(few_shot_prompt(demo_examples, question, 3)))
    print(f"{question} → {answer!r} ({'정답' if answer == gold else '오답'})")

# %% [markdown]
# ## 7. 정리
#
# **장점**
# - 손실이 크기·데이터·연산량에 대해 예측 가능하게 줄어들므로, 작은 실험으로 큰 모델의 성능을 미리 가늠하고
#   예산을 나눌 수 있습니다.
# - 큰 모델은 예시 몇 개(퓨샷)만으로 새 과제를 수행하고, 규모를 넘어서면 새로운 능력이 창발하기도 합니다.
#
# **단점**
# - 학습 비용이 막대합니다 (GPT-3: 약 3·10²³ FLOPs). 추론 비용도 파라미터 수에 비례합니다.
# - 거듭제곱 법칙은 관찰된 범위 밖으로 외삽할수록 불확실하고, 손실이 줄어도 특정 능력은 갑자기 나타나거나
#   나타나지 않을 수 있습니다.
# - 퓨샷 결과는 예시의 선택과 순서, 형식에 민감합니다.
#
# **주요 사용 시기**
# - 모델 크기·데이터 양·학습 기간을 정할 때 (계산 최적 설계)
# - 레이블이 거의 없는 새 과제를 프롬프트만으로 빠르게 시험할 때 (퓨샷), 그다음 단계로 파인 튜닝(3장)을 고려할 때
