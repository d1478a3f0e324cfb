"""Buggy variants of the reference, one per BUG_CATALOG "Evaluation metrics" row.

Each entry changes top-level definitions of solutions/12_evaluation.py: a list of (old, new) edits
to the reference definition, or its whole new source.
tests/project/test_hidden_suites.py grades every one and asserts that it loses points.
"""

MUTANTS = {
    "eval-01-precision-recall-swapped": {
        "precision_score": [("zero_division)[0]", "zero_division)[1]")],
        "recall_score": [("zero_division)[1]", "zero_division)[0]")],
    },
    "eval-02-zero-division-crashes": {
        "_safe_divide": '''
def _safe_divide(numerator, denominator, zero_division):
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    if np.any(denominator == 0):
        raise ZeroDivisionError("division by zero")
    return numerator / denominator
''',
    },
    "eval-03-macro-f1-from-macro-precision-and-recall": {
        "f1_score": '''
def f1_score(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    p, r, _ = _prf(y_true, y_pred, average, pos_label, zero_division)
    return 2 * p * r / (p + r) if p + r else float(zero_division)
''',
    },
    "eval-04-weighted-is-macro-and-micro-is-macro": {
        "_average": '''
def _average(per_class, support, average):
    return float(np.mean(per_class))
''',
        "_prf": '''
def _prf(y_true, y_pred, average, pos_label, zero_division):
    labels = _labels(y_true, y_pred)
    if average == "binary":
        labels = np.array([pos_label])
    tp, fp, fn = _counts_per_class(y_true, y_pred, labels)
    precision = _safe_divide(tp, tp + fp, zero_division)
    recall = _safe_divide(tp, tp + fn, zero_division)
    f1 = _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)
    if average == "binary":
        return float(precision[0]), float(recall[0]), float(f1[0])
    return tuple(_average(v, tp + fn, average) for v in (precision, recall, f1))
''',
    },
    "eval-05-confusion-matrix-transposed": {
        "confusion_matrix": [("matrix[index[t], index[p]]", "matrix[index[p], index[t]]")],
    },
    "eval-06-classes-absent-from-predictions-dropped": {
        "confusion_matrix": [("labels = _labels(y_true, y_pred) if labels is None else np.asarray(labels)",
                              "labels = np.unique(np.asarray(y_pred))")],
    },
    "eval-07-auc-ignores-ties": {
        "roc_auc_score": '''
def roc_auc_score(y_true, y_score):
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if len(np.unique(y_true)) != 2:
        raise ValueError("one class")
    pos, neg = y_score[y_true == 1], y_score[y_true != 1]
    return float(np.mean(pos[:, None] > neg[None, :]))
''',
    },
    "eval-08-auc-without-grouping-tied-scores": {
        "roc_curve": '''
def roc_curve(y_true, y_score):
    y_true = np.asarray(y_true) == 1
    y_score = np.asarray(y_score, dtype=float)
    order = np.argsort(-y_score, kind="stable")
    tps = np.r_[0.0, np.cumsum(y_true[order])]
    fps = np.r_[0.0, np.cumsum(~y_true[order])]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, y_score[order]]
''',
    },
    "eval-09a-auc-from-hard-labels": {
        "roc_auc_score": '''
def roc_auc_score(y_true, y_score):
    if len(np.unique(np.asarray(y_true))) != 2:
        raise ValueError("one class")
    hard = (np.asarray(y_score, dtype=float) >= 0.5).astype(float)
    fpr, tpr, _ = roc_curve(y_true, hard)
    return float(np.trapezoid(tpr, fpr))
''',
    },
    "eval-09b-auc-single-class-accepted": {
        "roc_auc_score": '''
def roc_auc_score(y_true, y_score):
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.nan_to_num(np.trapezoid(tpr, fpr)))
''',
    },
    "eval-10-accuracy-counts-padding": {
        "token_accuracy": [("valid = y_true != ignore_index", "valid = np.ones(y_true.shape, bool)")],
    },
    # extras beyond the catalog (issue 17): the input funnel, zero_division's corner, label order and union
    "eval-extra-no-input-funnel": {
        "_check_targets": '''
def _check_targets(y_true, y_pred):
    return np.asarray(y_true), np.asarray(y_pred)
''',
        "_check_scores": '''
def _check_scores(y_true, y_score):
    return np.asarray(y_true), np.asarray(y_score, dtype=float)
''',
        "token_accuracy": [("    if y_true.shape != y_pred.shape:\n", "    if False:\n")],
    },
    "eval-extra-zero-division-whenever-tp-is-zero": {
        "_safe_divide": [("where=denominator != 0", "where=numerator != 0")],
    },
    "eval-extra-labels-in-order-of-appearance": {
        "_labels": [("return np.union1d(y_true, y_pred)",
                     "return np.array(list(dict.fromkeys(np.r_[y_true, y_pred].tolist())))")],
    },
    "eval-extra-labels-from-y-true-only": {
        "_labels": [("return np.union1d(y_true, y_pred)", "return np.unique(y_true)")],
    },
    "eval-extra-binary-average-on-many-classes": {
        "_prf": [("        if len(labels) > 2:\n", "        if False:\n")],
    },
    "eval-extra-roc-sorts-the-callers-arrays": {
        "roc_curve": [("    y_true = y_true == 1\n",
                       "    order = np.argsort(-y_score, kind=\"stable\")\n"
                       "    y_true[:], y_score[:] = y_true[order], y_score[order]\n"
                       "    y_true = y_true == 1\n")],
    },
    "eval-extra-auc-single-class-only-when-all-positive": {
        "roc_auc_score": [("    if len(np.unique(y_true)) != 2:\n", "    if np.all(y_true == 1):\n")],
    },
}

# Realistic mixes for the demo's sample submissions (names of MUTANTS entries).
SAMPLES = {
    "bug-swapped-and-transposed": ["eval-01-precision-recall-swapped", "eval-05-confusion-matrix-transposed"],
    "bug-auc-ties": ["eval-07-auc-ignores-ties"],
    "bug-macro-f1": ["eval-03-macro-f1-from-macro-precision-and-recall", "eval-10-accuracy-counts-padding"],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # the funnel with issubdtype and a remainder test; token accuracy by counting; weighted by hand
    "alt-funnel-by-remainder-and-counts-by-hand": {
        "_check_targets": '''
def _check_targets(y_true, y_pred):
    y_true, y_pred = np.array(y_true), np.array(y_pred)
    for array in (y_true, y_pred):
        if array.ndim != 1:
            raise ValueError("labels must be 1-D")
        if np.issubdtype(array.dtype, np.floating) and np.any(array % 1 != 0):
            raise ValueError("labels must be whole numbers")
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError("y_true and y_pred must have the same non-zero length")
    return y_true, y_pred
''',
        "token_accuracy": '''
def token_accuracy(y_true, y_pred, ignore_index=-100):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    counted = int(np.count_nonzero(y_true != ignore_index))
    right = int(np.count_nonzero((y_true == y_pred) & (y_true != ignore_index)))
    return right / counted if counted else 0.0
''',
        "_average": '''
def _average(per_class, support, average):
    if average == "macro":
        return float(sum(per_class) / len(per_class))
    return float(np.sum(per_class * support) / np.sum(support))
''',
    },
    # the matrix from one mask per (true, predicted) pair of labels; labels from np.unique
    "alt-confusion-matrix-by-masks": {
        "confusion_matrix": '''
def confusion_matrix(y_true, y_pred, *, labels=None):
    y_true, y_pred = _check_targets(y_true, y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    return np.array([[int(np.sum((y_true == t) & (y_pred == p))) for p in labels] for t in labels])
''',
    },
    # scikit-learn's way: sort copies once, keep the last index of each run of equal scores, cumsum;
    # AUC by counting positive-negative pairs (ties one half)
    "alt-roc-by-cumsum-and-auc-by-pairs": {
        "roc_curve": '''
def roc_curve(y_true, y_score):
    y_true, y_score = _check_scores(y_true, y_score)
    order = np.argsort(-y_score, kind="stable")
    positive, score = (y_true == 1)[order], y_score[order]
    last = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tps = np.r_[0, np.cumsum(positive)[last]].astype(float)
    fps = np.r_[0, np.cumsum(~positive)[last]].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return fps / fps[-1], tps / tps[-1], np.r_[np.inf, score[last]]
''',
        "roc_auc_score": '''
def roc_auc_score(y_true, y_score):
    y_true, y_score = _check_scores(y_true, y_score)
    positive = y_true == 1
    if positive.all() or not positive.any():
        raise ValueError("AUC needs both classes")
    pos, neg = y_score[positive][:, None], y_score[~positive][None, :]
    return float(np.mean(pos > neg) + 0.5 * np.mean(pos == neg))
''',
    },
    # plain Python: mistakes collected in a loop and ordered by sorted() (stable) on the confidence;
    # pos_label checked before the class count
    "alt-errors-by-sorted-and-pos-label-first": {
        "most_confident_errors": '''
def most_confident_errors(y_true, y_score, k, threshold=0.5):
    y_true, y_score = _check_scores(y_true, y_score)
    mistakes = [i for i, (t, s) in enumerate(zip(y_true.tolist(), y_score.tolist()))
                if (1 if s >= threshold else 0) != t]
    mistakes = sorted(mistakes, key=lambda i: abs(y_score[i] - threshold), reverse=True)
    return mistakes[:k]
''',
        "_prf": [("        if len(labels) > 2:\n", "        if len(labels) == 2 and pos_label not in labels.tolist():\n"
                  "            raise ValueError(\"pos_label is not one of the two classes\")\n"
                  "        if len(labels) > 2:\n")],
    },
}
