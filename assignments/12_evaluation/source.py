# %% [markdown]
# # 12. 파인 튜닝된 모델 평가
#
# 파인 튜닝을 마친 모델이 **정말로** 좋아졌는지는 숫자로 확인해야 합니다. 이 과제에서는
# 커리큘럼 3.4절의 평가 지표를 직접 구현합니다.
#
# | 지표 | 한 줄 설명 |
# |---|---|
# | 정확도 (Accuracy) | 전체 예측 중 올바르게 예측한 비율 |
# | 정밀도 (Precision) | 양성으로 예측한 것 중 실제 양성인 비율 |
# | 재현율 (Recall) | 실제 양성 중 양성으로 예측한 비율 |
# | F1 점수 | 정밀도와 재현율의 조화평균 |
# | 혼동 행렬 (Confusion Matrix) | 예측 결과와 실제 값의 관계를 나타낸 표 |
# | ROC 곡선 및 AUC | 모든 임계값에서의 TPR–FPR 관계와 그 아래 넓이 |
# | 오류 분석 | 모델이 틀린 사례를 자세히 살펴보기 |
#
# 함수 이름과 동작은 scikit-learn의 `sklearn.metrics`와 같습니다. 다 만든 뒤에는 여러분의 함수와
# scikit-learn의 결과가 정확히 같아야 합니다.
#
# **진행 방법**: `# YOUR CODE HERE` 와 `raise NotImplementedError()` 를 지우고 코드를 채우세요.
# 각 문제 아래의 확인 셀을 실행하면 기본적인 검사를 해 볼 수 있습니다. 채점은 더 많은 숨겨진
# 테스트로 합니다.

# %%
import numpy as np

# %% [markdown]
# ## 1. 정확도 (Accuracy)
#
# - **설명**: 전체 예측 중 올바르게 예측한 비율
# - **목적**: 모델의 전반적인 성능을 빠르게 파악하는 데 사용
# - **공식**: (True Positives + True Negatives) / Total Predictions
#
# 클래스가 여러 개여도 "맞힌 개수 / 전체 개수"입니다.
#
# 언어 모델을 평가할 때는 **토큰 정확도**를 자주 씁니다. 문장 길이를 맞추려고 채운 패딩 위치는
# 레이블이 `-100`으로 표시되어 있고, 이 위치는 예측 대상이 아니므로 **분자와 분모 모두에서
# 빠져야** 합니다.

# %% solution=["accuracy_score", "token_accuracy"]

# %% tests="test_accuracy"
assert accuracy_score([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5, "4개 중 2개를 맞혔으니 0.5여야 합니다."
assert isinstance(accuracy_score([1], [1]), float), "정확도는 float로 반환하세요."
assert token_accuracy([5, 7, -100, -100], [5, 1, 3, 3]) == 0.5, \
    "패딩(-100) 위치는 빼고 계산해야 합니다: 유효한 2개 중 1개를 맞혔습니다."
print("확인 완료!")

# %% [markdown]
# ## 2. 정밀도 (Precision)와 재현율 (Recall)
#
# 양성 클래스 하나를 정하면 예측은 네 가지로 나뉩니다.
#
# | | 양성으로 예측 | 음성으로 예측 |
# |---|---|---|
# | 실제 양성 | TP (True Positive) | FN (False Negative) |
# | 실제 음성 | FP (False Positive) | TN (True Negative) |
#
# **정밀도 (Precision)**
# - 설명: 양성으로 예측한 것 중 실제 양성인 비율
# - 목적: 거짓 양성(False Positive)을 최소화해야 할 때 중요 (예: 스팸 필터가 정상 메일을 버리면 곤란)
# - 공식: TP / (TP + FP)
#
# **재현율 (Recall)**
# - 설명: 실제 양성 중 양성으로 예측한 비율
# - 목적: 거짓 음성(False Negative)을 최소화해야 할 때 중요 (예: 질병 검사가 환자를 놓치면 곤란)
# - 공식: TP / (TP + FN)
#
# ### 분모가 0일 때
# 모델이 양성을 하나도 예측하지 않으면 TP + FP = 0 이라 정밀도를 계산할 수 없습니다.
# 이때 예외를 내거나 NaN을 돌려주지 말고 `zero_division` 값(기본 0.0)을 반환합니다.
#
# ### 클래스가 여러 개일 때: `average`
# - `"binary"`: `pos_label` 클래스 하나만 양성으로 봅니다 (클래스가 2개 이하일 때).
# - `"micro"`: 클래스마다 TP, FP, FN을 **먼저 모두 더한 뒤** 한 번 계산합니다.
# - `"macro"`: 클래스마다 지표를 계산해 **단순 평균**합니다. 작은 클래스도 똑같이 중요합니다.
# - `"weighted"`: 클래스마다 계산해 **실제 개수(support)로 가중 평균**합니다.
#
# 세 함수(정밀도, 재현율, F1)는 같은 개수 세기를 쓰므로, 공통 부분을 도우미 함수로 만들어도
# 좋습니다.

# %% solution=["_labels", "_counts_per_class", "_safe_divide", "_average", "_prf", "precision_score", "recall_score"]

# %% tests="test_precision_recall"
y_true, y_pred = [1, 0, 0, 0], [1, 1, 1, 1]          # TP=1, FP=3, FN=0
assert precision_score(y_true, y_pred) == 0.25, "정밀도 = TP / (TP + FP) = 1 / 4 입니다."
assert recall_score(y_true, y_pred) == 1.0, "재현율 = TP / (TP + FN) = 1 / 1 입니다."
assert precision_score([1, 0, 1], [0, 0, 0]) == 0.0, \
    "양성 예측이 하나도 없으면 예외 없이 zero_division(기본 0.0)을 반환하세요."
assert precision_score([1, 0, 1], [0, 0, 0], zero_division=1.0) == 1.0, \
    "zero_division=1.0을 주면 분모가 0일 때 1.0을 반환해야 합니다."
print("확인 완료!")

# %% [markdown]
# ## 3. F1 점수
#
# - **설명**: 정밀도와 재현율의 조화평균
# - **목적**: 정밀도와 재현율 사이의 균형을 평가할 때 사용
# - **공식**: 2 × (Precision × Recall) / (Precision + Recall) = 2·TP / (2·TP + FP + FN)
#
# ⚠️ **macro F1**은 "클래스별 F1의 평균"입니다. "macro 정밀도와 macro 재현율로 만든 F1"과는
# 값이 다릅니다. 아래 확인 셀의 예에서 둘은 0.8222와 0.8602로 갈립니다.

# %% solution=["f1_score"]

# %% tests="test_f1"
y_true, y_pred = [0, 1, 2, 2, 1], [0, 2, 2, 2, 1]
assert abs(f1_score(y_true, y_pred, average="macro") - 0.8222222) < 1e-6, \
    "macro F1은 클래스별 F1의 평균입니다."
assert abs(f1_score(y_true, y_pred, average="micro") - 0.8) < 1e-9, \
    "micro F1은 (단일 레이블 분류에서) 정확도와 같습니다."
assert abs(f1_score(y_true, y_pred, average="weighted") - 0.7866667) < 1e-6, \
    "weighted F1은 실제 개수로 가중한 평균입니다."
print("확인 완료!")

# %% [markdown]
# ## 4. 혼동 행렬 (Confusion Matrix)
#
# - **설명**: 예측 결과와 실제 값의 관계를 표로 나타낸 것
# - **목적**: 모델의 예측 패턴을 시각적으로 파악하고, 오류 유형을 분석
#
# `C[i, j]` = 실제 클래스가 `labels[i]`인데 `labels[j]`로 예측한 개수입니다. **행이 실제, 열이 예측**
# 입니다 (scikit-learn과 같은 방향). `labels`를 주지 않으면 `y_true`와 `y_pred`에 나오는 모든
# 클래스를 정렬해서 씁니다. 예측에 한 번도 나오지 않은 클래스도 행렬에 있어야 합니다.

# %% solution=["confusion_matrix"]

# %% tests="test_confusion_matrix"
cm = confusion_matrix([0, 1, 1], [0, 0, 1])
assert np.array_equal(cm, [[1, 0], [1, 1]]), "행은 실제, 열은 예측입니다. 전치되지 않았나요?"
assert confusion_matrix([0, 2], [0, 0]).shape == (2, 2), \
    "예측에 없는 클래스(2)도 행렬에 포함해야 합니다."
print("확인 완료!")

# %% [markdown]
# 여러분의 함수로 혼동 행렬을 그려 봅시다. 대각선이 진할수록 잘 맞힌 것입니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

try:
    demo_true = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    demo_pred = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0]
    cm = confusion_matrix(demo_true, demo_pred)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(cm, cmap="Blues")
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, int(cm[i, j]), ha="center", va="center")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix")
    plt.show()
except NotImplementedError:
    print("confusion_matrix를 먼저 구현하세요.")

# %% [markdown]
# ## 5. ROC 곡선 및 AUC
#
# - **설명**: 다양한 분류 임계값에서의 True Positive Rate와 False Positive Rate의 관계를 나타내는 곡선
# - **목적**: 모델의 분류 성능을 종합적으로 평가하고, 다른 모델과 비교하는 데 사용
# - **AUC (Area Under the Curve)**: ROC 곡선 아래 면적으로, 1에 가까울수록 좋은 성능
#
# 모델이 점수(예: 양성일 확률)를 내면, 임계값 t를 정해 `score ≥ t`이면 양성으로 예측합니다.
# t를 높은 값에서 낮은 값으로 내리면서 (FPR, TPR)을 기록한 것이 ROC 곡선입니다.
#
# - `thresholds`: 서로 다른 점수를 내림차순으로, 맨 앞에는 `np.inf` (아무것도 양성으로 예측하지 않는 점)
# - **같은 점수는 한 임계값으로 묶습니다.** 그래서 곡선이 대각선으로 움직이는 구간이 생기고,
#   AUC에서 동점은 절반만큼 인정됩니다: AUC = P(양성 점수 > 음성 점수) + ½·P(같음).
# - `y_true`에 클래스가 하나뿐이면 AUC가 정의되지 않으므로 `ValueError`를 내세요.
# - AUC는 **점수**로 계산합니다. 임계값 0.5로 자른 예측으로 계산하면 안 됩니다.

# %% solution=["roc_curve", "roc_auc_score"]

# %% tests="test_roc_auc"
fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
assert thresholds[0] == np.inf, "thresholds의 맨 앞은 np.inf입니다."
assert len(thresholds) == 4, "서로 다른 점수 3개 + inf = 임계값 4개여야 합니다 (동점은 하나로)."
assert abs(roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) - 0.875) < 1e-12, \
    "동점(0.5, 0.5)은 절반만큼 인정해야 합니다: AUC = 0.875"
print("확인 완료!")

# %% [markdown]
# ## 6. 오류 분석 — 실제 모델의 예측으로
#
# - **설명**: 모델이 잘못 예측한 사례들을 자세히 살펴보는 과정
# - **목적**: 모델의 약점을 파악하고, 개선 방향을 찾는 데 사용
#
# 가장 먼저 볼 오류는 **모델이 가장 확신했는데 틀린** 사례입니다. 레이블이 잘못 붙었거나,
# 모델이 잘못된 단서에 의존하고 있을 가능성이 큽니다.
#
# `most_confident_errors(y_true, y_score, k, threshold=0.5)`: 예측 = `score ≥ threshold`이면 1.
# 틀린 샘플을 확신도 `|score − threshold|`가 큰 순서로 (같으면 인덱스가 작은 순서로) k개까지
# 인덱스 리스트로 돌려주세요.

# %% solution=["most_confident_errors"]

# %% tests="test_error_analysis"
errors = most_confident_errors([1, 0, 1, 0], [0.1, 0.95, 0.4, 0.2], k=2)
assert list(errors) == [1, 0], "확신도가 가장 큰 오류(인덱스 1: 0.95인데 음성)가 먼저 와야 합니다."
print("확인 완료!")

# %% [markdown]
# 이제 진짜 모델로 해 봅시다. scikit-learn에 들어 있는 유방암 진단 데이터(오프라인으로
# 불러옵니다)에 로지스틱 회귀를 학습하고, 여러분의 함수로 평가합니다.

# %% tags=["skip-grading"]
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, random_state=0, stratify=data.target)
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
model.fit(X_train, y_train)
scores = model.predict_proba(X_test)[:, 1]
predictions = (scores >= 0.5).astype(int)

try:
    print(f"정확도 {accuracy_score(y_test, predictions):.3f}")
    print(f"정밀도 {precision_score(y_test, predictions):.3f}  재현율 {recall_score(y_test, predictions):.3f}"
          f"  F1 {f1_score(y_test, predictions):.3f}")
    print(f"AUC {roc_auc_score(y_test, scores):.3f}")
    fpr, tpr, _ = roc_curve(y_test, scores)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(fpr, tpr, label="logistic regression")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="random")
    ax.set_xlabel("FPR")
    ax.set_ylabel("TPR")
    ax.set_title("ROC curve")
    ax.legend()
    plt.show()
    for i in most_confident_errors(y_test, scores, k=5):
        label = data.target_names[y_test[i]]
        print(f"샘플 {i}: 실제 {label}, 양성(benign) 점수 {scores[i]:.3f}")
except NotImplementedError:
    print("위의 함수들을 먼저 구현하세요.")

# %% [markdown]
# **생각해 볼 질문**: 가장 확신한 오류들은 어떤 특징이 있나요? 이 데이터에서 양성(1)은 '양성 종양
# (benign)'입니다. 재현율과 정밀도 중 무엇을 더 중요하게 봐야 할까요?
