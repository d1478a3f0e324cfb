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
# "크게 만들면 좋아진다"를 숫자로 다룹니다. 남이 그린 그래프를 옮기는 대신, 이 과정의 작은 GPT(08 과제의
# `MiniGPT`)를 여덟 가지 크기로 **직접 학습해서 잰 손실**에 스케일링 법칙을 맞추고, 발표된 지수와 비교합니다.
# 1. 모델의 크기: GPT 설정에서 **파라미터 수** 세기 (GPT-3 175B를 직접 확인)
# 2. 학습 비용: **학습 연산량 C ≈ 6·N·D**
# 3. **스케일링 법칙**: 손실이 크기에 대해 거듭제곱 법칙을 따른다 → 로그-로그 공간에서 직선 맞추기
# 4. **직접 잰 스케일링**: L(N), L(D), 같은 연산량(IsoFLOP)에서 가장 좋은 모델 크기 → Kaplan, Chinchilla와 비교
# 5. **계산 최적(compute-optimal)** 크기: 정해진 예산을 파라미터와 데이터에 어떻게 나눌까 (Chinchilla)
# 6. **퓨샷 프롬프트**: 예시 몇 개로 과제를 알려 주고, 모델의 답을 꺼내기

# %%
import math

import numpy as np

# %% [markdown]
# ## 1. GPT의 파라미터 수
#
# GPT-2/GPT-3는 같은 구조의 트랜스포머 디코더 블록을 n_layer번 쌓습니다 (d = d_model). 블록 하나에 들어 있는 층은
# 다음과 같습니다 (08 과제에서 직접 만든 블록과 같은 구조, 모든 선형층에 편향 있음):
#
# | 층 | 모양 |
# |---|---|
# | LayerNorm 2개 | 각각 γ, β (길이 d) |
# | 어텐션 q, k, v 투영 | d → 3d 선형층 하나 |
# | 어텐션 출력 투영 | d → d 선형층 |
# | MLP | d → 4d 선형층, 4d → d 선형층 |
#
# 블록 밖에는 토큰 임베딩(V × d), 위치 임베딩(n_ctx × d), 마지막 LayerNorm(γ, β)이 있습니다. 출력층(로짓)은 토큰
# 임베딩과 가중치를 **공유**하므로(weight tying) 따로 세지 않습니다. 선형층 `d_in → d_out`의 파라미터는
# 가중치 d_in·d_out개와 편향 d_out개입니다.
#
# **연습 1.** 표에서 블록 하나의 파라미터 수를 d의 식으로 직접 구하고, `gpt_params(n_layer, d_model, vocab_size, n_ctx)`를
# 구현하세요. GPT-3 175B의 발표된 설정은 n_layer = 96, d = 12288, V = 50257, n_ctx = 2048입니다. d가 크면 어느 항이
# 거의 전부를 차지하나요?

# %% solution=["gpt_params"]

# %% tests="test_gpt_params"
assert gpt_params(12, 768, 50257, 1024) == 124_439_808, \
    "GPT-2 small은 124,439,808개입니다 (Hugging Face의 GPT-2가 세는 값). 블록마다 선형층 4개, LayerNorm 2개를 셌나요?"
assert gpt_params(0, 4, 10, 3) == (10 + 3) * 4 + 2 * 4, "블록이 없으면 임베딩 (V + n_ctx)·d와 마지막 LayerNorm 2d만 남습니다."
print(f"GPT-3: {gpt_params(96, 12288, 50257, 2048):,}개 (≈ {gpt_params(96, 12288, 50257, 2048) / 1e9:.1f}B)")
print("gpt_params: 통과")

# %% [markdown]
# ## 2. 학습 연산량: C ≈ 6·N·D
#
# 파라미터 N개인 모델이 토큰 하나를 처리할 때, 가중치 하나마다 곱셈 한 번과 덧셈 한 번이 있으므로 순전파는 약 2N
# FLOPs입니다. 역전파는 입력에 대한 기울기와 가중치에 대한 기울기를 둘 다 구하므로 약 그 두 배인 4N FLOPs가 듭니다.
# 그래서 토큰 D개로 학습하면
#
# $$C \approx 6\,N\,D$$
#
# (어텐션 점수 계산처럼 파라미터가 없는 연산은 빠진 근사입니다. 문맥이 짧으면 작습니다.)
#
# **연습 2.** `training_flops(n_params, n_tokens)`. 그리고 GPT-3(1,750억 파라미터, 약 3,000억 토큰)의 학습 연산량을
# 어림해 보세요.

# %% solution=["training_flops"]

# %% tests="test_training_flops"
assert training_flops(3, 5) == 90, "N = 3, D = 5이면 6·3·5 = 90입니다."
print(f"GPT-3 학습 연산량 ≈ {training_flops(175e9, 300e9):.3g} FLOPs")
print("training_flops: 통과")

# %% [markdown]
# ## 3. 스케일링 법칙과 로그-로그 맞춤
#
# Kaplan 등(2020)은 언어 모델의 테스트 손실이 파라미터 수 N, 데이터 양 D, 연산량 C에 대해 각각 거듭제곱 법칙을
# 따른다고 보고했습니다 (다른 두 가지가 병목이 아닐 때).
#
# $$L(N) \approx \Big(\frac{N_c}{N}\Big)^{\alpha_N},\qquad L(D) \approx \Big(\frac{D_c}{D}\Big)^{\alpha_D},\qquad
# \alpha_N \approx 0.076,\; \alpha_D \approx 0.095$$
#
# 둘 다 $y = a\,x^{b}$ 꼴입니다 (b = -α). 양변에 로그를 취하면 직선이 됩니다.
#
# $$\ln y = \ln a + b \ln x$$
#
# 그래서 $(\ln x, \ln y)$에 최소제곱으로 직선을 맞추면 기울기가 b, 절편이 ln a입니다 (`np.polyfit`). 원래 값 그대로
# 비선형 최소제곱을 하면 큰 값의 오차가 결과를 좌우해 다른 답이 나옵니다.
#
# 입력 확인도 하세요: x와 y의 길이가 다르거나, 점이 2개보다 적거나, 0 이하의 값이 있으면(로그가 없음) `ValueError`를
# 냅니다. 양수라면 1보다 작은 값도 괜찮습니다. x, y는 리스트일 수도, numpy 배열일 수도 있고, 리스트에는 정수 N, D로
# 계산한 `training_flops`의 10²³ 같은 큰 파이썬 정수(numpy의 int64 범위를 넘는 값)가 들어 있을 수도 있습니다.
#
# **연습 3.** `fit_power_law(x, y)` → `(a, b)`

# %% solution=["fit_power_law"]

# %% tests="test_fit_power_law"
_n = np.logspace(6, 10, 5)
_a, _b = fit_power_law(_n, 3.0 * _n ** -0.076)
assert abs(_b + 0.076) < 1e-6 and abs(_a - 3.0) < 1e-6, "y = 3·x^-0.076에서 (3, -0.076)을 되찾아야 합니다."
try:
    fit_power_law([1, 10, 100], [2.0, 1.0, 0.0])
    raise AssertionError("0 이하의 값이 있으면 ValueError를 내야 합니다.")
except ValueError:
    pass
print("fit_power_law: 통과")

# %% [markdown]
# ## 4. 직접 재 본 스케일링 법칙
#
# 이 과정의 `scripts/scaling_runs.py`는 08 과제의 `MiniGPT`(2블록, 문맥 64, d_model = 8, 12, 16, 24, 32, 48, 64, 96:
# 파라미터 8천 ~ 30만 개)를 한국어 글자 단위로 학습하면서, 도중에 검증 손실을 재서 `scaling_runs.csv`에 저장했습니다.
# 데이터는 konlpy 헌법·의안과 LibreOffice 한국어 도움말, 데비안 FAQ(약 73만 글자, `scripts/build_corpus.py`)이고,
# 모든 크기가 같은 시드, 같은 설정(배치 16 × 64글자, AdamW, 학습률 0.003)입니다. CPU 하나로 모두 약 1시간이
# 걸렸습니다 (다른 작업과 함께 쓰는 2코어 기계에서). 이 노트북은 저장된 측정값만 읽습니다 (파일 맨 위의 `#` 줄에 명령과 시드, 데이터가 적혀 있습니다).
#
# 각 행은 한 크기의 한 시점입니다: `params`(N, 임베딩 포함 전체), `params_nonembedding`, `tokens`(D, 지금까지 본
# 토큰 수), `flops`(C = 6·N·D), `budget`(이 행이 미리 정한 연산 예산 1e10, 3e10, …, 1e12에서 잰 것이면 그 값),
# `loss`(검증 손실, nats/글자).

# %% support=["04_scaling:read_scaling_runs"]

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
import matplotlib.ticker

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)


def plain_log_ticks(ax, loss_axis=False):
    """한글 글꼴에는 수식용 마이너스 기호(−)가 없으므로 로그 축 눈금을 1e-05 같은 글자로 씁니다.
    loss_axis=True면 y축(손실, 한 자릿수 범위)에 3.5, 4, 4.5 … 눈금을 답니다."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter(matplotlib.ticker.LogFormatter())
            axis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if loss_axis:
        ax.yaxis.set_major_locator(matplotlib.ticker.MultipleLocator(0.5))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.1f"))


runs = read_scaling_runs("scaling_runs.csv")
widths = sorted({r["d_model"] for r in runs})
budgets = sorted({r["budget"] for r in runs if r["budget"] is not None})
print(f"측정 {len(runs)}개, 크기 {len(widths)}가지: " +
      ", ".join(f"d={d} (N={next(r['params'] for r in runs if r['d_model'] == d):,})" for d in widths))

fig, ax = plt.subplots(figsize=(8, 4.6))
colors = plt.cm.viridis(np.linspace(0, 0.9, len(widths)))
for color, d in zip(colors, widths):
    curve = [r for r in runs if r["d_model"] == d]
    ax.plot([r["flops"] for r in curve], [r["loss"] for r in curve], color=color, label=f"d={d}")
for budget in budgets:
    ax.axvline(budget, color="gray", lw=0.6, ls=":")
ax.set(xscale="log", yscale="log", xlabel="학습 연산량 C = 6·N·D (FLOPs)", ylabel="검증 손실 (nats/글자)",
       title="크기별 학습 곡선: 연산량이 같을 때 가장 좋은 크기가 따로 있다")
ax.legend(ncol=2, fontsize=8)
plain_log_ticks(ax, loss_axis=True)
fig.tight_layout()
plt.show()

# %% [markdown]
# 점선은 미리 정한 연산 예산입니다. 예산이 작을 때는 작은 모델이, 예산이 클수록 더 큰 모델이 가장 낮은 손실을
# 냅니다. 큰 모델은 같은 연산으로 토큰을 적게 보기 때문입니다.
#
# ### 4.1 L(N)과 L(D)
#
# - **L(N)**: 모든 크기가 **같은 토큰 수** D = 1,572,864를 본 시점의 손실을 N에 대해 맞춥니다.
# - **L(D)**: 가장 큰 모델(d = 96)이 본 토큰 수 D에 따른 손실을 맞춥니다 (모델 크기가 병목이 되기 전 구간).
#
# 여러분의 `fit_power_law`로 지수를 구하고 Kaplan의 발표값과 비교합니다. Kaplan은 N에서 **임베딩 파라미터를 뺀 수**를
# 썼습니다. 두 가지로 다 맞춰 봅시다.

# %% tags=["skip-grading"]
FIXED_TOKENS = 1_572_864
same_data = [r for r in runs if r["tokens"] == FIXED_TOKENS]
largest = [r for r in runs if r["d_model"] == max(widths)]
a_n, b_n = fit_power_law([r["params"] for r in same_data], [r["loss"] for r in same_data])
a_ne, b_ne = fit_power_law([r["params_nonembedding"] for r in same_data], [r["loss"] for r in same_data])
a_d, b_d = fit_power_law([r["tokens"] for r in largest], [r["loss"] for r in largest])
print(f"L(N) = {a_n:.2f}·N^{b_n:.3f}        → α_N = {-b_n:.3f} (N = 전체 파라미터)")
print(f"L(N) = {a_ne:.2f}·N^{b_ne:.3f}        → α_N = {-b_ne:.3f} (N = 임베딩을 뺀 파라미터, Kaplan의 정의)")
print(f"L(D) = {a_d:.2f}·D^{b_d:.3f}       → α_D = {-b_d:.3f}")
print("Kaplan 등(2020)의 발표값: α_N ≈ 0.076, α_D ≈ 0.095")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
n = np.array([r["params"] for r in same_data])
left.loglog(n, [r["loss"] for r in same_data], "o", label="측정 (D = 157만 토큰)")
left.loglog(n, a_n * n ** b_n, "--", label=f"맞춤 α_N = {-b_n:.3f}")
left.loglog(n, a_n * n[0] ** b_n * (n / n[0]) ** -0.076, ":", color="gray", label="Kaplan 기울기 0.076")
left.set(xlabel="파라미터 수 N", ylabel="검증 손실", title="L(N): 같은 데이터, 다른 크기")
left.legend()
dd = np.array([r["tokens"] for r in largest])
right.loglog(dd, [r["loss"] for r in largest], "o", label=f"측정 (d = {max(widths)})")
right.loglog(dd, a_d * dd ** b_d, "--", label=f"맞춤 α_D = {-b_d:.3f}")
right.loglog(dd, a_d * dd[0] ** b_d * (dd / dd[0]) ** -0.095, ":", color="gray", label="Kaplan 기울기 0.095")
right.set(xlabel="본 토큰 수 D", ylabel="검증 손실", title="L(D): 같은 크기, 다른 데이터 양")
right.legend()
for ax in (left, right):
    plain_log_ticks(ax, loss_axis=True)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 4.2 같은 연산량에서 가장 좋은 크기 (IsoFLOP)
#
# Hoffmann 등(2022, Chinchilla)의 두 번째 방법입니다. 예산 C 하나를 정하고, 여러 크기의 모델을 **그 예산만큼** 학습한
# 손실을 ln N에 대해 그리면 아래로 볼록한 곡선(IsoFLOP 곡선)이 됩니다. 너무 작은 모델은 용량이 모자라고, 너무 큰
# 모델은 토큰을 너무 적게 봅니다. 곡선에 포물선을 맞추면 그 예산의 가장 좋은 크기 N_opt가 나옵니다.
#
# $$L \approx c_2 x^2 + c_1 x + c_0,\quad x = \ln N \qquad\Rightarrow\qquad x^* = -\frac{c_1}{2c_2},\quad
# N_{\text{opt}} = e^{x^*},\quad L_{\text{opt}} = c_2 {x^*}^2 + c_1 x^* + c_0$$
#
# - 맞춤은 `np.polyfit(x, L, 2)`로 합니다 (반환 순서는 c₂, c₁, c₀).
# - 꼭짓점이 측정한 크기 범위 밖에 있어도 그대로 돌려줍니다 (외삽).
# - 점이 3개보다 적거나, n_params와 losses의 길이가 다르거나, 맞춘 포물선이 위로 볼록하면(c₂ ≤ 0, 최솟값 없음)
#   `ValueError`를 냅니다. 입력 배열은 바꾸지 않습니다.
#
# **연습 4.** `isoflop_minimum(n_params, losses)` → `(N_opt, L_opt)`

# %% solution=["isoflop_minimum"]

# %% tests="test_isoflop_minimum"
_n = np.array([1e3, 4e3, 1e4, 3e4, 1e5])
_n_opt, _l_opt = isoflop_minimum(_n, 0.5 * (np.log(_n) - np.log(1e4)) ** 2 + 2.0)
assert abs(_n_opt / 1e4 - 1) < 1e-6 and abs(_l_opt - 2.0) < 1e-9, \
    "L = 0.5·(ln N - ln 10⁴)² + 2의 최솟값은 N = 10⁴, L = 2입니다. x = ln N에 포물선을 맞췄나요?"
try:
    isoflop_minimum([1e3, 1e4, 1e5], [1.0, 2.0, 1.0])
    raise AssertionError("위로 볼록한 포물선(최솟값 없음)이면 ValueError를 내야 합니다.")
except ValueError:
    pass
print("isoflop_minimum: 통과")

# %% [markdown]
# 측정값에 써 봅니다. 예산마다 손실이 가장 낮은 크기와 그 양옆 크기, 세 점에 포물선을 맞춥니다 (곡선 전체에 맞추면
# 꼭짓점에서 먼 점들이 모양을 비틉니다). 그다음 여러분의 `fit_power_law`로 $N_{\text{opt}} \propto C^{a}$의 지수 a를
# 구합니다. 발표값: Chinchilla a ≈ 0.50 (모델과 데이터를 같은 비율로 키움), Kaplan a ≈ 0.73 (모델을 더 빨리 키움).

# %% tags=["skip-grading"]
optimum = []
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4))
for color, budget in zip(plt.cm.plasma(np.linspace(0, 0.85, len(budgets))), budgets):
    points = sorted((r for r in runs if r["budget"] == budget), key=lambda r: r["params"])
    n = np.array([r["params"] for r in points])
    loss = np.array([r["loss"] for r in points])
    best = int(np.argmin(loss))
    window = slice(max(0, min(best - 1, len(points) - 3)), max(0, min(best - 1, len(points) - 3)) + 3)
    n_opt, l_opt = isoflop_minimum(n[window], loss[window])
    optimum.append((budget, n_opt, l_opt))
    c2, c1, c0 = np.polyfit(np.log(n[window]), loss[window], 2)
    grid = np.exp(np.linspace(np.log(n[window][0]), np.log(n[window][-1]), 50))
    left.plot(n, loss, "o", color=color, label=f"C = {budget:.0e}")
    left.plot(grid, c2 * np.log(grid) ** 2 + c1 * np.log(grid) + c0, "-", color=color)
    left.plot([n_opt], [l_opt], "*", color=color, markersize=14, markeredgecolor="black")
    print(f"C = {budget:.0e}: N_opt ≈ {n_opt:,.0f}, L_opt ≈ {l_opt:.3f}, "
          f"D_opt = C / (6 N_opt) ≈ {budget / (6 * n_opt):,.0f} 토큰 (토큰/파라미터 = {budget / (6 * n_opt ** 2):.0f})")
left.set(xscale="log", xlabel="파라미터 수 N", ylabel="검증 손실", title="IsoFLOP 곡선과 포물선의 꼭짓점(★)")
left.legend(fontsize=8)

budget_values = np.array([b for b, _, _ in optimum])
n_opts = np.array([n for _, n, _ in optimum])
a_opt, b_opt = fit_power_law(budget_values, n_opts)
print(f"N_opt ∝ C^{b_opt:.2f}  (Chinchilla 0.50, Kaplan 0.73)")
right.loglog(budget_values, n_opts, "*", markersize=12, color="black", label="측정한 N_opt")
right.loglog(budget_values, a_opt * budget_values ** b_opt, "--", label=f"맞춤: 지수 {b_opt:.2f}")
for slope, name, style in [(0.50, "Chinchilla 0.50", ":"), (0.73, "Kaplan 0.73", "-.")]:
    right.loglog(budget_values, n_opts[0] * (budget_values / budget_values[0]) ** slope, style, color="gray",
                 label=f"{name} (첫 점에서 시작)")
right.set(xlabel="학습 연산량 C (FLOPs)", ylabel="가장 좋은 크기 N_opt", title="예산이 커지면 모델은 얼마나 커져야 하나")
right.legend(fontsize=8)
for ax in (left, right):
    plain_log_ticks(ax)
fig.tight_layout()
plt.show()

# %% [markdown]
# 정리해 봅시다.
#
# | 지수 | 이 과정에서 잰 값 | 발표값 |
# |---|---|---|
# | α_N (L ∝ N^-α) | 위에서 출력한 값 | 0.076 (Kaplan, 임베딩 제외) |
# | α_D (L ∝ D^-α) | 위에서 출력한 값 | 0.095 (Kaplan) |
# | N_opt ∝ C^a | 위에서 출력한 값 | 0.50 (Chinchilla), 0.73 (Kaplan) |
#
# 생각해 볼 점:
# - 모델이 수천 배 작고(수천 ~ 30만 개 vs 수억 ~ 수천억 개), 글자 단위이고, 데이터가 한 가지 작은 말뭉치인데도 지수가
#   같은 자릿수로 나옵니다. 반대로 완전히 같지는 않습니다: 거듭제곱 법칙의 지수는 데이터, 토큰 단위, 구조에 따라
#   달라지고, 작은 규모에서 잰 것을 멀리 외삽할수록 불확실해집니다.
# - 측정에는 잡음이 있습니다: 학습률을 줄이지 않은 한 번의 학습이고, 검증 글은 8천 글자뿐입니다. 그래서 이웃한
#   예산의 N_opt가 거꾸로 나오기도 합니다. 시드를 바꿔 여러 번 재면 지수의 불확실성을 잴 수 있습니다.
# - Kaplan(0.73)과 Chinchilla(0.50)의 차이도 이런 측정 방법의 차이에서 나왔습니다: Kaplan은 작은 모델에서 임베딩을
#   뺀 N을 쓰고 학습률 스케줄을 예산에 맞추지 않았습니다 (Pearce & Song, 2024의 분석). 위의 두 α_N도 N을 어떻게
#   세느냐에 따라 달라졌습니다.
#
# ## 5. 계산 최적 크기: Chinchilla 규칙
#
# 예산 C가 정해져 있으면 모델을 키울지(N) 데이터를 늘릴지(D) 골라야 합니다. Hoffmann 등(2022, Chinchilla)은
# 둘을 **같은 비율로** 키우는 것이 최적이고, 대략 **토큰 수 ≈ 20 × 파라미터 수**라고 보고했습니다.
# 이 규칙으로 만든 Chinchilla(700억 파라미터, 1.4조 토큰)는 연산량이 비슷한 2,800억 파라미터의 Gopher보다
# 좋았습니다. 위에서 잰 "토큰/파라미터" 비율과도 비교해 보세요.
#
# **연습 5.** 두 조건 D = 20·N과 C = 6·N·D를 N과 D에 대해 직접 풀어서 `chinchilla_optimal(compute)` → `(N, D)`를
# 구현하세요. Chinchilla 자신의 연산량을 넣으면 700억, 1.4조가 나와야 합니다.

# %% solution=["chinchilla_optimal"]

# %% tests="test_chinchilla_optimal"
_n, _d = chinchilla_optimal(training_flops(70e9, 1.4e12))
assert math.isclose(_n, 70e9, rel_tol=1e-9) and math.isclose(_d, 1.4e12, rel_tol=1e-9), \
    "Chinchilla의 연산량에서는 N = 700억, D = 1.4조가 나와야 합니다."
_n, _d = chinchilla_optimal(training_flops(175e9, 300e9))
print(f"GPT-3의 예산이라면: N ≈ {_n / 1e9:.0f}B 파라미터, D ≈ {_d / 1e12:.2f}T 토큰 (실제 GPT-3: 175B, 0.3T)")
print("chinchilla_optimal: 통과")

# %% [markdown]
# 예산에 따른 계산 최적 N과 D입니다. GPT-3(175B, 0.3T 토큰)는 같은 예산의 최적점보다 모델이 크고 데이터가 적습니다.
# "모델만 키우는 것"보다 "데이터도 함께" 키워야 한다는 것이 Chinchilla의 교훈입니다. 별(★)은 4.2절에서 우리가 잰
# N_opt입니다: 아주 작은 예산에서도 Chinchilla 규칙과 같은 자릿수에 있습니다.

# %% tags=["skip-grading"]
budget_grid = np.logspace(9, 26, 60)
optimal = np.array([chinchilla_optimal(c) for c in budget_grid])
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.loglog(budget_grid, optimal[:, 0], label="계산 최적 N (D = 20N)")
ax.loglog(budget_grid, optimal[:, 1], label="계산 최적 D (토큰)")
for name, n, d, marker in [("GPT-3", 175e9, 300e9, "s"), ("Gopher", 280e9, 300e9, "^"),
                           ("Chinchilla", 70e9, 1.4e12, "D")]:
    c = training_flops(n, d)
    ax.scatter([c, c], [n, d], marker=marker, s=60, zorder=3, label=f"{name} (N, D)")
ax.scatter(budget_values, n_opts, marker="*", s=120, color="black", zorder=3, label="이 과정에서 잰 N_opt")
ax.set(xlabel="학습 연산량 C (FLOPs)", ylabel="개수", title="예산에 따른 최적 N과 D")
ax.legend(fontsize=8)
plain_log_ticks(ax)
fig.tight_layout()
plt.show()

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
# 그래서 답은 **첫 줄**만 꺼내고, 비어 있으면 `None`(답을 못 꺼냄)으로 둡니다. 완성문이 줄바꿈으로 시작하면 첫 줄이
# 비어 있으므로 역시 `None`입니다 (둘째 줄을 답으로 짐작하지 않습니다).
#
# 채점을 믿을 수 있으려면 프롬프트가 **결정적**이어야 합니다: 같은 입력이면 같은 예시가 같은 순서로
# 들어가야 하고(앞에서부터 k개), 풀 질문이 예시로 새어 들어가면 안 됩니다. k가 예시 수보다 크면 예시를 모두 넣습니다.
#
# **연습 6.** `few_shot_prompt(examples, query, k)`

# %% solution=["few_shot_prompt"]

# %% tests="test_few_shot_prompt"
_examples = [("2 + 3 = ?", "5"), ("한국의 수도는?", "서울"), ("물의 화학식은?", "H2O")]
assert few_shot_prompt(_examples, "프랑스의 수도는?", 2) == \
    "Q: 2 + 3 = ?\nA: 5\n\nQ: 한국의 수도는?\nA: 서울\n\nQ: 프랑스의 수도는?\nA:", "형식이나 예시 순서가 다릅니다."
assert few_shot_prompt(_examples, "1 + 1 = ?", 0) == "Q: 1 + 1 = ?\nA:", "k = 0이면 질문만 남습니다."
print(few_shot_prompt(_examples, "프랑스의 수도는?", 2))
print("few_shot_prompt: 통과")

# %% [markdown]
# **연습 7.** `parse_answer(completion)`

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
#   예산을 나눌 수 있습니다. 이 과제에서는 CPU 한 시간짜리 실험으로 그 방법을 그대로 따라 했습니다.
# - 큰 모델은 예시 몇 개(퓨샷)만으로 새 과제를 수행하고, 규모를 넘어서면 새로운 능력이 창발하기도 합니다.
#
# **단점**
# - 학습 비용이 막대합니다 (GPT-3: 약 3·10²³ FLOPs). 추론 비용도 파라미터 수에 비례합니다.
# - 거듭제곱 법칙은 관찰된 범위 밖으로 외삽할수록 불확실하고, 지수는 데이터·토큰 단위·측정 방법에 따라 달라집니다
#   (Kaplan 0.73 vs Chinchilla 0.50). 손실이 줄어도 특정 능력은 갑자기 나타나거나 나타나지 않을 수 있습니다.
# - 퓨샷 결과는 예시의 선택과 순서, 형식에 민감합니다.
#
# **주요 사용 시기**
# - 모델 크기·데이터 양·학습 기간을 정할 때 (계산 최적 설계): 작은 크기 몇 가지로 IsoFLOP 곡선을 재고 외삽합니다.
# - 레이블이 거의 없는 새 과제를 프롬프트만으로 빠르게 시험할 때 (퓨샷), 그다음 단계로 파인 튜닝(3장)을 고려할 때
