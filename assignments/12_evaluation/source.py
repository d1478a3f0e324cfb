# %% [markdown]
# # 12. 파인 튜닝된 모델 평가
#
# 파인 튜닝을 마친 모델이 **정말로** 좋아졌는지는 숫자로 확인해야 합니다. 이 과제에서는
# 커리큘럼 3.4절의 평가 지표를 직접 구현하고, 마지막 절에서 **11 과제에서 파인 튜닝한 분류기**
# (과정의 작은 한국어 GPT + 분류 헤드)를 여러분의 함수로 평가합니다.
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
import hashlib
import html
import importlib.util
import json
import re
import textwrap
from pathlib import Path

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
# ### 입력 검사: 모든 지표의 입구 `_check_targets`
# 지표는 모두 `y_true`와 `y_pred`를 한 칸씩 짝지어 비교합니다. 길이가 다른 두 입력이 오면 어떻게 될까요?
# `np.asarray([0, 1, 1]) == np.asarray([1])`은 브로드캐스팅으로 조용히 `[False, True, True]`가 되어
# 정확도 0.667을 내고, `zip`은 짧은 쪽에서 말없이 멈춥니다. 둘 다 오류 없이 **틀린 숫자**를 냅니다.
# 그래서 scikit-learn은 모든 분류 지표의 입구에서 입력을 검사합니다(`_check_targets`). 우리도
# `_check_targets(y_true, y_pred)`를 만들어 정확도, 정밀도, 재현율, F1, 혼동 행렬이 맨 처음 부르게 합니다.
#
# - 리스트, 튜플, 배열 무엇이든 `np.asarray`로 바꿉니다. **불리언**은 True = 1, False = 0인 레이블입니다
#   (7절에서 `y_true == 2` 같은 일대다 레이블로 씁니다).
# - 1차원이 아니거나, 길이가 다르거나, 비어 있으면 `ValueError`입니다. 짧은 쪽에 맞춰 자르지 않습니다.
# - 정수가 아닌 실수(예: 확률 0.7)가 있으면 `ValueError`입니다. 레이블 자리에 점수를 넘긴 실수이기
#   때문입니다. `[0.0, 1.0]`처럼 정수 값인 실수는 레이블로 받아들입니다.
# - 이 과제의 모든 함수는 넘겨받은 입력을 **바꾸지 않습니다**. 새 값을 만들어 돌려줄 뿐입니다.
#
# 언어 모델을 평가할 때는 **토큰 정확도**를 자주 씁니다. 문장 길이를 맞추려고 채운 패딩 위치는
# 레이블이 `-100`으로 표시되어 있고, 이 위치는 예측 대상이 아니므로 **분자와 분모 모두에서
# 빠져야** 합니다. `token_accuracy`는 (문장 수, 토큰 수) 같은 여러 차원의 입력도 받으므로 1차원 검사
# 대신 두 입력의 **모양이 같은지** 확인합니다(다르면 `ValueError`).

# %% solution=["_check_targets", "accuracy_score", "token_accuracy"]

# %% tests="test_accuracy"
assert accuracy_score([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5, "4개 중 2개를 맞혔으니 0.5여야 합니다."
assert isinstance(accuracy_score([1], [1]), float), "정확도는 float로 반환하세요."
assert accuracy_score(np.array([True, False, True]), [1, 0, 0]) == 2 / 3, "불리언 레이블은 True = 1, False = 0입니다."
try:
    accuracy_score([0, 1, 1], [1])
    raise AssertionError("길이가 다른 입력(3개와 1개)은 ValueError여야 합니다. 브로드캐스팅하지 마세요.")
except ValueError:
    pass
try:
    accuracy_score([0, 1, 1], [0.2, 0.7, 0.9])
    raise AssertionError("레이블 자리에 점수(0.2, 0.7, 0.9)가 오면 ValueError여야 합니다.")
except ValueError:
    pass
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
# `zero_division`은 **분모가 0일 때만** 씁니다. TP = 0이어도 FP가 있으면 정밀도는 그냥 0 / FP = 0.0입니다.
#
# ### 클래스가 여러 개일 때: `average`
# - `"binary"`(기본값): `pos_label` 클래스 하나만 양성으로 봅니다. 두 입력을 합쳐 클래스가 셋 이상이면
#   `ValueError`입니다(scikit-learn과 같음). 아래 평균 가운데 하나를 고르라는 뜻입니다. 클래스가 둘인데
#   `pos_label`이 그중에 없어도(예: 레이블이 0과 2인데 `pos_label=1`) 무엇이 양성인지 알 수 없으니 `ValueError`입니다.
# - `"micro"`: 클래스마다 TP, FP, FN을 **먼저 모두 더한 뒤** 한 번 계산합니다.
# - `"macro"`: 클래스마다 지표를 계산해 **단순 평균**합니다. 작은 클래스도 똑같이 중요합니다.
# - `"weighted"`: 클래스마다 계산해 **실제 개수(support)로 가중 평균**합니다.
#
# 클래스는 `y_true`와 `y_pred` 어느 한쪽에라도 나오는 모든 클래스입니다. 세 함수(정밀도, 재현율, F1)는
# 같은 개수 세기를 쓰므로, 공통 부분을 도우미 함수로 만들어도 좋습니다.

# %% solution=["_labels", "_counts_per_class", "_safe_divide", "_average", "_prf", "precision_score", "recall_score"]

# %% tests="test_precision_recall"
y_true, y_pred = [1, 0, 0, 0], [1, 1, 1, 1]          # TP=1, FP=3, FN=0
assert precision_score(y_true, y_pred) == 0.25, "정밀도 = TP / (TP + FP) = 1 / 4 입니다."
assert recall_score(y_true, y_pred) == 1.0, "재현율 = TP / (TP + FN) = 1 / 1 입니다."
assert precision_score([1, 0, 1], [0, 0, 0]) == 0.0, \
    "양성 예측이 하나도 없으면 예외 없이 zero_division(기본 0.0)을 반환하세요."
assert precision_score([1, 0, 1], [0, 0, 0], zero_division=1.0) == 1.0, \
    "zero_division=1.0을 주면 분모가 0일 때 1.0을 반환해야 합니다."
assert precision_score([0, 0, 1], [1, 1, 0], zero_division=1.0) == 0.0, \
    "TP = 0이어도 FP가 있으면 분모는 0이 아니므로 정밀도는 0.0입니다."
try:
    precision_score([0, 1, 2], [0, 1, 1])
    raise AssertionError("클래스가 셋인데 average='binary'이면 ValueError여야 합니다.")
except ValueError:
    pass
print("확인 완료!")

# %% [markdown]
# ## 3. F1 점수
#
# - **설명**: 정밀도와 재현율의 조화평균
# - **목적**: 정밀도와 재현율 사이의 균형을 평가할 때 사용
# - **공식**: 2 × (Precision × Recall) / (Precision + Recall) = 2·TP / (2·TP + FP + FN)
#
# 분모 2·TP + FP + FN이 0일 때(세어 볼 것이 하나도 없을 때)만 `zero_division`을 돌려줍니다.
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
# 입니다 (scikit-learn과 같은 방향). `labels`를 주지 않으면 `y_true`와 `y_pred` 어느 한쪽에라도 나오는
# 모든 클래스를 **정렬해서**(처음 나온 순서가 아니라) 씁니다. 예측에 한 번도 나오지 않은 클래스도,
# 예측에만 나오는 클래스도 행렬에 있어야 합니다. `labels`를 주면 그 순서대로 만들고, `labels`에 없는
# 클래스의 샘플은 세지 않습니다. 입력 검사는 1절의 `_check_targets`로 합니다.

# %% solution=["confusion_matrix"]

# %% tests="test_confusion_matrix"
cm = confusion_matrix([0, 1, 1], [0, 0, 1])
assert np.array_equal(cm, [[1, 0], [1, 1]]), "행은 실제, 열은 예측입니다. 전치되지 않았나요?"
assert confusion_matrix([0, 2], [0, 0]).shape == (2, 2), \
    "예측에 없는 클래스(2)도 행렬에 포함해야 합니다."
try:
    confusion_matrix([0, 1, 1, 2], [0, 1])
    raise AssertionError("길이가 다른 입력은 ValueError여야 합니다 (zip은 짧은 쪽에서 조용히 멈춥니다).")
except ValueError:
    pass
print("확인 완료!")

# %% [markdown]
# 여러분의 함수로 혼동 행렬을 그려 봅시다. 대각선이 진할수록 잘 맞힌 것입니다. 7절에서는 11의 분류기로
# 같은 그림을 그립니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)


def plot_confusion(ax, matrix, names, title):
    """혼동 행렬 그림: 칸의 색은 행(실제 클래스)마다 나눈 비율, 글자는 개수."""
    matrix = np.asarray(matrix)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center",
                    color="white" if shares[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("예측한 클래스")
    ax.set_ylabel("실제 클래스")
    ax.set_title(title)


try:
    demo_true = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    demo_pred = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0]
    fig, ax = plt.subplots(figsize=(4.2, 4))
    plot_confusion(ax, confusion_matrix(demo_true, demo_pred), ["클래스 0", "클래스 1", "클래스 2"],
                   "혼동 행렬 (작은 예)")
    fig.tight_layout()
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
# - 입력 검사 `_check_scores(y_true, y_score)`: 레이블과 점수를 배열로 바꾸고, 둘 다 1차원이고 길이가 같고
#   비어 있지 않은지 확인합니다(아니면 `ValueError`). 레이블은 1이 양성이고, 불리언이면 True가 양성입니다.
#   ROC 곡선, AUC, 6절의 오류 분석이 이 함수로 시작합니다.
# - `thresholds`: 서로 다른 점수를 내림차순으로, 맨 앞에는 `np.inf` (아무것도 양성으로 예측하지 않는 점)
# - **같은 점수는 한 임계값으로 묶습니다.** 그래서 곡선이 대각선으로 움직이는 구간이 생기고,
#   AUC에서 동점은 절반만큼 인정됩니다: AUC = P(양성 점수 > 음성 점수) + ½·P(같음).
# - `y_true`에 클래스가 하나뿐이면 AUC가 정의되지 않으므로 `ValueError`를 내세요.
# - AUC는 **점수**로 계산합니다. 임계값 0.5로 자른 예측으로 계산하면 안 됩니다.
# - 점수를 정렬해야 한다면 넘겨받은 배열을 제자리에서 정렬(`.sort()`)하지 말고 새 배열(`np.sort`,
#   `np.argsort`)을 쓰세요. 입력은 바꾸지 않습니다.

# %% solution=["_check_scores", "roc_curve", "roc_auc_score"]

# %% tests="test_roc_auc"
fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
assert thresholds[0] == np.inf, "thresholds의 맨 앞은 np.inf입니다."
assert len(thresholds) == 4, "서로 다른 점수 3개 + inf = 임계값 4개여야 합니다 (동점은 하나로)."
assert abs(roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) - 0.875) < 1e-12, \
    "동점(0.5, 0.5)은 절반만큼 인정해야 합니다: AUC = 0.875"
try:
    roc_auc_score([0, 1, 1, 0], [0.2, 0.9, 0.4])
    raise AssertionError("y_true와 y_score의 길이가 다르면 ValueError여야 합니다.")
except ValueError:
    pass
print("확인 완료!")

# %% [markdown]
# ## 6. 오류 분석
#
# - **설명**: 모델이 잘못 예측한 사례들을 자세히 살펴보는 과정
# - **목적**: 모델의 약점을 파악하고, 개선 방향을 찾는 데 사용
#
# 가장 먼저 볼 오류는 **모델이 가장 확신했는데 틀린** 사례입니다. 레이블이 잘못 붙었거나,
# 모델이 잘못된 단서에 의존하고 있을 가능성이 큽니다.
#
# `most_confident_errors(y_true, y_score, k, threshold=0.5)`: 예측 = `score ≥ threshold`이면 1.
# 틀린 샘플을 확신도 `|score − threshold|`가 큰 순서로 (같으면 인덱스가 작은 순서로) k개까지
# 인덱스 리스트로 돌려주세요. 틀린 샘플이 k개보다 적으면 있는 만큼만, 하나도 없으면 빈 리스트입니다.
# 입력 검사는 5절의 `_check_scores`로 합니다.

# %% solution=["most_confident_errors"]

# %% tests="test_error_analysis"
errors = most_confident_errors([1, 0, 1, 0], [0.1, 0.95, 0.4, 0.2], k=2)
assert list(errors) == [1, 0], "확신도가 가장 큰 오류(인덱스 1: 0.95인데 음성)가 먼저 와야 합니다."
assert list(most_confident_errors([1, 0], [0.9, 0.1], k=3)) == [], "틀린 샘플이 없으면 빈 리스트입니다."
print("확인 완료!")

# %% [markdown]
# ## 7. 11의 분류기 평가하기
#
# 11 과제 9절에서는 과정의 작은 한국어 GPT에 분류 헤드를 얹어 한국어 문단을 분류하도록 파인 튜닝했습니다.
# 그 분류기를 평가용 문단(학습에도, 조기 종료에도 쓰지 않은 문단)에 돌려 얻은 **클래스별 확률**이
# `classifier_predictions.json`에 들어 있습니다. 11과 같은 코드, 같은 시드로 한 번 학습해 저장해 둔 것이라
# (저장소의 `scripts/classifier_predictions.py`) 여기서는 학습을 다시 하지 않고 평가만 합니다.
# 문단 자체는 저장되어 있지 않고, 11처럼 설치된 패키지에서 지금 다시 읽습니다.
#
# - LibreOffice 한국어 도움말을 풀어 둔 폴더가 있으면 도움말 문단 → 모듈(Calc, Writer, Impress, Basic)의
#   **4 클래스**, 없으면 konlpy 말뭉치 문장 → 출처(헌법 / 국회 의안)의 2 클래스입니다.
# - 이 컴퓨터에서 읽은 문단이 저장할 때의 문단과 같은지 지문(SHA-256)으로 확인합니다. 다르면 항상 설치되어
#   있는 konlpy 데이터로 평가합니다.
#
# 여러 클래스를 평가할 때는 클래스마다 "이 클래스 대 나머지"의 이진 문제로 봅니다(**일대다**, one-vs-rest).
# `y_true == c`와 `y_pred == c`는 불리언 배열이므로 1절에서 정한 대로 True가 양성입니다.

# %% support=["korean_text:CORPORA", "korean_text:HANGUL", "korean_text:PARAGRAPH", "korean_text:TAG", "korean_text:HELP_MODULES", "korean_text:HELP_MODULE_NAMES", "korean_text:HELP_TREE", "korean_text:konlpy_corpus_dir", "korean_text:load_konlpy_text", "korean_text:hangul_share", "korean_text:help_paragraphs", "korean_text:help_module_task", "korean_text:konlpy_source_task", "korean_text:classification_task"]

# %%
def texts_fingerprint(texts, indices):
    """고른 문단들을 순서대로 이은 텍스트의 SHA-256: 저장할 때와 같은 문단인지 확인하는 지문."""
    return hashlib.sha256("\n".join(texts[int(i)] for i in indices).encode("utf-8")).hexdigest()


def load_classifier_run(path="classifier_predictions.json"):
    """11의 분류기가 평가용 문단에 낸 확률과 그 데이터 → (task, run).

    task: classification_task()의 dict (texts, labels, label_names, source).
    run: 저장된 실행 (label_names, test_indices, labels, probabilities, history, best_epoch, ...).
    """
    runs = json.loads(Path(path).read_text(encoding="utf-8"))["sources"]
    task = classification_task()
    for run in runs.values():
        if (run["label_names"] == task["label_names"] and max(run["test_indices"]) < len(task["texts"])
                and texts_fingerprint(task["texts"], run["test_indices"]) == run["test_texts_sha256"]):
            return task, run
    print("이 컴퓨터의 문단이 저장된 실행과 달라 konlpy 데이터로 평가합니다.")
    run = runs["konlpy"]
    texts, labels = konlpy_source_task()
    assert texts_fingerprint(texts, run["test_indices"]) == run["test_texts_sha256"], \
        "konlpy 말뭉치도 저장할 때와 다릅니다 (konlpy==0.6.0인지 확인하세요)."
    return {"texts": texts, "labels": labels, "label_names": run["label_names"],
            "source": "konlpy 말뭉치 문장 → 출처 (헌법 / 국회 의안)"}, run


# %% tags=["skip-grading"]
task, run = load_classifier_run()
class_names = run["label_names"]
y_true = np.array(run["labels"])
y_proba = np.array(run["probabilities"])      # (평가용 문단 수, 클래스 수): 행마다 합이 1
y_pred = y_proba.argmax(axis=1)                # 가장 확률이 큰 클래스가 예측
test_texts = [task["texts"][i] for i in run["test_indices"]]
print("데이터:", task["source"])
print(f"평가용 문단 {len(y_true)}개, 클래스별 개수:",
      {name: int((y_true == c).sum()) for c, name in enumerate(class_names)})
print(f"11의 학습: 검증 손실이 가장 작았던 에폭 {run['best_epoch']}의 체크포인트")

# %% [markdown]
# ### 클래스별 정밀도, 재현율, F1과 혼동 행렬
# 정확도 하나로는 어느 클래스가 약한지 알 수 없습니다. 클래스 c마다 `y_true == c`를 실제 양성,
# `y_pred == c`를 예측한 양성으로 놓고 여러분의 `precision_score`, `recall_score`, `f1_score`를 부릅니다.
# 표의 support는 그 클래스의 실제 개수입니다.

# %% tags=["skip-grading"]
try:
    per_class = []
    for c, name in enumerate(class_names):
        is_c, said_c = y_true == c, y_pred == c
        per_class.append((name, precision_score(is_c, said_c), recall_score(is_c, said_c),
                          f1_score(is_c, said_c), int(is_c.sum())))
    print(f"정확도 {accuracy_score(y_true, y_pred):.3f}  |  macro F1 {f1_score(y_true, y_pred, average='macro'):.3f}"
          f"  |  weighted F1 {f1_score(y_true, y_pred, average='weighted'):.3f}\n")
    for name, precision, recall, f1, support in per_class:
        print(f"{name}: 정밀도 {precision:.3f}, 재현율 {recall:.3f}, F1 {f1:.3f} (support {support})")

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1, 1.3]})
    plot_confusion(left, confusion_matrix(y_true, y_pred, labels=list(range(len(class_names)))), class_names,
                   "11의 분류기: 혼동 행렬 (평가용)")
    positions = np.arange(len(class_names))
    for offset, (label, column) in zip((-0.27, 0, 0.27), (("정밀도", 1), ("재현율", 2), ("F1", 3))):
        values = [row[column] for row in per_class]
        bars = right.bar(positions + offset, values, width=0.27, label=label)
        right.bar_label(bars, fmt="%.2f", fontsize=7)
    right.set_xticks(positions, class_names, rotation=20, ha="right")
    right.set_ylim(0, 1.18)
    right.set_title("클래스별 정밀도 · 재현율 · F1")
    right.legend(loc="upper center", ncol=3)
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("1~4절의 함수를 먼저 구현하세요.")

# %% [markdown]
# ### 일대다 ROC 곡선
# 클래스 c의 확률 `y_proba[:, c]`를 점수로, `y_true == c`를 레이블로 놓으면 클래스마다 ROC 곡선과 AUC가
# 나옵니다. 혼동 행렬은 "가장 큰 확률" 하나로 자른 결과이지만, ROC는 모든 임계값을 한꺼번에 봅니다.

# %% tags=["skip-grading"]
try:
    fig, ax = plt.subplots(figsize=(5.6, 5))
    for c, name in enumerate(class_names):
        fpr, tpr, _ = roc_curve(y_true == c, y_proba[:, c])
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(y_true == c, y_proba[:, c]):.3f})")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="무작위 (AUC 0.5)")
    ax.set_xlabel("거짓 양성 비율 (FPR)")
    ax.set_ylabel("참 양성 비율 (TPR)")
    ax.set_title("일대다 ROC 곡선 (11의 분류기)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("5절의 roc_curve와 roc_auc_score를 먼저 구현하세요.")

# %% [markdown]
# ### 가장 확신한 오류: 문단을 직접 읽어 보기
# 클래스마다 일대다 문제에서 가장 확신하고 틀린 문단 두 개를 봅니다. "P(클래스)"가 1에 가까운데 실제로는
# 다른 클래스이거나(거짓 양성), 0에 가까운데 실제로는 그 클래스입니다(거짓 음성).

# %% tags=["skip-grading"]
try:
    for c, name in enumerate(class_names):
        print(f"== {name} 대 나머지 ==")
        for i in most_confident_errors(y_true == c, y_proba[:, c], k=2):
            print(f"  [평가용 {i}] 실제 {class_names[y_true[i]]}, 예측 {class_names[y_pred[i]]}, "
                  f"P({name}) = {y_proba[i, c]:.3f}")
            print(textwrap.indent(textwrap.fill(test_texts[i][:300], width=60), "      "))
        print()
except NotImplementedError:
    print("6절의 most_confident_errors를 먼저 구현하세요.")

# %% [markdown]
# ## 마무리
# 이 과제를 만들 때 잰 결과(LibreOffice 도움말 데이터, 평가용 160 문단: Calc 61, Writer 49, Impress 25, Basic 25):
# 정확도 0.825 (11의 마지막 출력과 같음), macro F1 0.810.
#
# | 클래스 | 정밀도 | 재현율 | F1 | AUC (일대다) |
# |---|---|---|---|---|
# | 스프레드시트(Calc) | 0.812 | 0.918 | 0.862 | 0.939 |
# | 문서 작성(Writer) | 0.848 | 0.796 | 0.821 | 0.959 |
# | 프레젠테이션(Impress) | 0.783 | 0.720 | 0.750 | 0.927 |
# | 매크로(Basic) | 0.864 | 0.760 | 0.809 | 0.948 |
#
# konlpy 데이터(헌법 / 국회 의안 160 문장)에서는 정확도 0.969, F1은 헌법 0.976, 국회 의안 0.956입니다.
#
# **생각해 볼 질문**
# - 정확도는 0.825인데 Impress의 F1은 0.75입니다. 작은 클래스의 약점이 정확도에서 잘 보이지 않는 이유는
#   무엇일까요? macro F1과 weighted F1은 이 차이를 어떻게 다르게 보여 주나요?
# - 혼동 행렬에서 가장 많이 헷갈린 두 클래스는 무엇인가요? 가장 확신한 오류의 문단을 읽어 보면, 레이블이
#   틀린 것(어느 모듈에 있어도 이상하지 않은 문단)과 모델이 틀린 것 중 어느 쪽이 많나요?
# - AUC가 0.93~0.96으로 F1보다 높은 까닭은 무엇일까요? 임계값을 클래스마다 다르게 고르면 무엇이 달라질까요?
