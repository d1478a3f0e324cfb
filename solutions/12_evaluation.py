"""12. 파인 튜닝된 모델 평가 — 참조 해답.

scikit-learn(`sklearn.metrics`)과 같은 이름, 같은 의미로 평가 지표를 직접 구현합니다.
"""
import numpy as np


def _check_targets(y_true, y_pred):
    """모든 지표 함수의 입구: 두 입력을 배열로 바꾸고, 함께 쓸 수 있는지 확인합니다.

    - 리스트, 튜플, 배열 무엇이든 np.asarray로 바꿉니다. 불리언은 True = 1, False = 0인 레이블입니다.
    - 1차원이 아니면, 길이가 다르면, 비어 있으면 ValueError (짧은 쪽에 맞춰 자르거나 늘리지 않습니다).
    - 정수가 아닌 실수(예: 확률 0.7)는 레이블이 아니라 점수이므로 ValueError.
    입력은 바꾸지 않습니다. 반환값: (y_true, y_pred) — np.ndarray 두 개
    """
    arrays = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        array = np.asarray(values)
        if array.ndim != 1:
            raise ValueError(f"{name}는 1차원이어야 합니다 (지금 모양 {array.shape}).")
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise ValueError(f"{name}에 정수가 아닌 값이 있습니다: 레이블 자리에 점수(확률)를 넣지 않았나요?")
        arrays.append(array)
    y_true, y_pred = arrays
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true와 y_pred의 길이가 다릅니다 ({len(y_true)} ≠ {len(y_pred)}).")
    if len(y_true) == 0:
        raise ValueError("빈 입력으로는 지표를 계산할 수 없습니다.")
    return y_true, y_pred


def accuracy_score(y_true, y_pred):
    """정확도 (Accuracy): 전체 예측 중 맞힌 예측의 비율.

    accuracy = (맞힌 예측 수) / (전체 예측 수) = (TP + TN) / 전체   (이진 분류일 때)
    입력은 _check_targets로 검사합니다. 반환값: float
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def token_accuracy(y_true, y_pred, ignore_index=-100):
    """토큰 정확도: 레이블이 `ignore_index`(패딩)인 위치를 빼고 계산한 정확도.

    언어 모델의 레이블은 패딩 위치를 -100으로 표시합니다. 그 위치는 예측 대상이 아니므로
    분자에서도 분모에서도 빠져야 합니다.
        token_accuracy = Σ[y_true == y_pred 이고 y_true != ignore_index] / Σ[y_true != ignore_index]
    y_true와 y_pred는 모양이 같아야 합니다 (다르면 ValueError; 어떤 차원이든 됩니다).
    반환값: float (유효한 위치가 하나도 없으면 0.0)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true와 y_pred의 모양이 다릅니다 ({y_true.shape} ≠ {y_pred.shape}).")
    valid = y_true != ignore_index
    if not valid.any():
        return 0.0
    return float(np.mean(y_true[valid] == y_pred[valid]))


def _labels(y_true, y_pred):
    """두 배열에 나타나는 모든 클래스, 정렬된 순서로 (한쪽에만 나오는 클래스도)."""
    return np.union1d(y_true, y_pred)


def _counts_per_class(y_true, y_pred, labels):
    """클래스마다 (TP, FP, FN)을 셉니다. 그 클래스를 '양성'으로 보고 나머지를 '음성'으로 봅니다."""
    tp = np.array([np.sum((y_pred == c) & (y_true == c)) for c in labels], dtype=float)
    fp = np.array([np.sum((y_pred == c) & (y_true != c)) for c in labels], dtype=float)
    fn = np.array([np.sum((y_pred != c) & (y_true == c)) for c in labels], dtype=float)
    return tp, fp, fn


def _safe_divide(numerator, denominator, zero_division):
    """분모가 0인 자리는 `zero_division` 값으로 채웁니다 (예외도 NaN 경고도 없이)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    result = np.full(numerator.shape, float(zero_division))
    np.divide(numerator, denominator, out=result, where=denominator != 0)
    return result


def _average(per_class, support, average):
    """macro: 클래스별 값의 단순 평균, weighted: 실제 개수(support)로 가중한 평균."""
    if average == "macro":
        return float(np.mean(per_class))
    return float(np.average(per_class, weights=support))


def _prf(y_true, y_pred, average, pos_label, zero_division):
    """정밀도, 재현율, F1을 한 번에 계산합니다 (세 함수가 같은 개수 세기를 씁니다).

    average="binary"인데 클래스가 3개 이상이거나, 클래스가 2개인데 pos_label이 그중에 없으면
    ValueError (scikit-learn과 같음).
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    labels = _labels(y_true, y_pred)
    if average == "binary":
        if len(labels) > 2:
            raise ValueError("average='binary'는 클래스가 2개 이하일 때만 쓸 수 있습니다. "
                             "'micro', 'macro', 'weighted' 중 하나를 고르세요.")
        if len(labels) == 2 and pos_label not in labels:
            raise ValueError(f"pos_label={pos_label!r}이(가) 레이블 {labels.tolist()}에 없습니다.")
        labels = np.array([pos_label])
    elif average not in ("micro", "macro", "weighted"):
        raise ValueError(f"알 수 없는 average: {average!r}")
    tp, fp, fn = _counts_per_class(y_true, y_pred, labels)
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    precision = _safe_divide(tp, tp + fp, zero_division)
    recall = _safe_divide(tp, tp + fn, zero_division)
    f1 = _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)
    if average in ("binary", "micro"):
        return float(precision[0]), float(recall[0]), float(f1[0])
    support = tp + fn
    return tuple(_average(v, support, average) for v in (precision, recall, f1))


def precision_score(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """정밀도 (Precision): 양성으로 예측한 것 중 실제 양성인 비율.

    precision = TP / (TP + FP);  TP + FP = 0 이면 `zero_division`을 반환합니다.
    average:
      "binary"   — `pos_label` 클래스만 양성으로 봅니다 (클래스가 2개이면 그중 하나여야 합니다).
      "micro"    — 모든 클래스의 TP, FP를 먼저 더한 뒤 한 번 계산합니다.
      "macro"    — 클래스마다 계산해서 단순 평균합니다.
      "weighted" — 클래스마다 계산해서 실제 개수(support = TP + FN)로 가중 평균합니다.
    반환값: float
    """
    return _prf(y_true, y_pred, average, pos_label, zero_division)[0]


def recall_score(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """재현율 (Recall): 실제 양성 중 양성으로 예측한 비율.

    recall = TP / (TP + FN);  TP + FN = 0 이면 `zero_division`을 반환합니다.
    average의 의미는 precision_score와 같습니다.
    반환값: float
    """
    return _prf(y_true, y_pred, average, pos_label, zero_division)[1]


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """F1 점수: 정밀도와 재현율의 조화평균.

    F1 = 2 · P · R / (P + R) = 2·TP / (2·TP + FP + FN);  분모가 0이면 `zero_division`.
    macro F1은 클래스별 F1의 평균입니다 (macro 정밀도와 macro 재현율의 조화평균이 아닙니다).
    반환값: float
    """
    return _prf(y_true, y_pred, average, pos_label, zero_division)[2]


def confusion_matrix(y_true, y_pred, *, labels=None):
    """혼동 행렬 (Confusion Matrix): C[i, j] = 실제 클래스가 labels[i]이고 예측이 labels[j]인 개수.

    행은 실제(true), 열은 예측(predicted)입니다. labels가 없으면 두 배열에 나오는 모든 클래스를
    정렬해서 씁니다. labels에 없는 클래스의 샘플은 세지 않습니다. 입력은 _check_targets로 검사합니다.
    반환값: 정수 np.ndarray, 모양 (len(labels), len(labels))
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    labels = _labels(y_true, y_pred) if labels is None else np.asarray(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t in index and p in index:
            matrix[index[t], index[p]] += 1
    return matrix


def _check_scores(y_true, y_score):
    """ROC 곡선, AUC, 오류 분석의 입구: 레이블(1 = 양성, 불리언이면 True = 양성)과 점수를 배열로 바꿉니다.

    둘 다 1차원이고 길이가 같고 비어 있지 않아야 합니다 (아니면 ValueError). 입력은 바꾸지 않습니다.
    반환값: (y_true, y_score) — y_true는 np.ndarray 그대로, y_score는 float 배열
    """
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if y_true.ndim != 1 or y_score.ndim != 1:
        raise ValueError(f"y_true와 y_score는 1차원이어야 합니다 (지금 모양 {y_true.shape}, {y_score.shape}).")
    if len(y_true) != len(y_score):
        raise ValueError(f"y_true와 y_score의 길이가 다릅니다 ({len(y_true)} ≠ {len(y_score)}).")
    if len(y_true) == 0:
        raise ValueError("빈 입력으로는 계산할 수 없습니다.")
    return y_true, y_score


def roc_curve(y_true, y_score):
    """ROC 곡선: 임계값을 높은 값부터 낮추며 (FPR, TPR)을 기록합니다.

    임계값 t마다 score ≥ t 이면 양성으로 예측합니다.
        TPR(t) = (양성 중 score ≥ t인 개수) / (양성 수),  FPR(t) = (음성 중 score ≥ t인 개수) / (음성 수)
    thresholds는 서로 다른 점수들을 내림차순으로 나열하고, 맨 앞에 inf를 붙입니다 (아무것도 양성으로
    예측하지 않는 점 (0, 0)). 같은 점수는 한 임계값으로 묶입니다.
    반환값: (fpr, tpr, thresholds) — sklearn.metrics.roc_curve(..., drop_intermediate=False)와 같음
    """
    y_true, y_score = _check_scores(y_true, y_score)
    y_true = y_true == 1
    thresholds = np.unique(y_score)[::-1]
    tps = np.array([np.sum(y_true & (y_score >= t)) for t in thresholds], dtype=float)
    fps = np.array([np.sum(~y_true & (y_score >= t)) for t in thresholds], dtype=float)
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr = tps / tps[-1]
        fpr = fps / fps[-1]
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc_score(y_true, y_score):
    """AUC (Area Under the Curve): ROC 곡선 아래 넓이.

    AUC = P(무작위 양성의 점수 > 무작위 음성의 점수) + ½ · P(두 점수가 같음)
    ROC 곡선을 사다리꼴 규칙으로 적분하면 이 값이 됩니다 (같은 점수는 한 임계값으로 묶였기 때문에
    동점이 절반으로 계산됩니다). y_true에 클래스가 하나뿐이면 AUC가 정의되지 않으므로 ValueError.
    반환값: float
    """
    y_true, y_score = _check_scores(y_true, y_score)
    if len(np.unique(y_true)) != 2:
        raise ValueError("y_true에 양성과 음성이 모두 있어야 AUC를 계산할 수 있습니다.")
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def most_confident_errors(y_true, y_score, k, threshold=0.5):
    """오류 분석: 모델이 가장 확신했는데 틀린 샘플 k개의 인덱스.

    예측 = 1 if score ≥ threshold else 0. 틀린 샘플만 골라 확신도 |score − threshold|가 큰
    순서로 정렬합니다 (확신도가 같으면 인덱스가 작은 것이 먼저).
    틀린 샘플이 k개보다 적으면 있는 만큼만, 하나도 없으면 빈 리스트입니다.
    반환값: list[int], 길이 ≤ k
    """
    y_true, y_score = _check_scores(y_true, y_score)
    y_pred = (y_score >= threshold).astype(int)
    wrong = np.flatnonzero(y_pred != y_true)
    confidence = np.abs(y_score[wrong] - threshold)
    order = np.argsort(-confidence, kind="stable")
    return [int(i) for i in wrong[order][:k]]
