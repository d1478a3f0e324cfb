"""The 12_evaluation reference equals sklearn.metrics on generated inputs, edge cases included."""
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings, strategies as st

from grader.assignments import load_solution

ref = load_solution("12_evaluation")

labels = st.integers(min_value=1, max_value=30).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 3), min_size=n, max_size=n),
                        st.lists(st.integers(0, 3), min_size=n, max_size=n)))
binary_scores = st.integers(min_value=1, max_value=30).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 1), min_size=n, max_size=n),
                        st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0]),
                                 min_size=n, max_size=n)))


def _sklearn(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@settings(max_examples=150, deadline=None)
@given(labels, st.sampled_from(["micro", "macro", "weighted"]), st.sampled_from([0.0, 1.0]))
def test_precision_recall_f1_match_sklearn_for_every_average(pair, average, zero_division):
    y_true, y_pred = pair
    for name in ("precision_score", "recall_score", "f1_score"):
        got = getattr(ref, name)(y_true, y_pred, average=average, zero_division=zero_division)
        want = _sklearn(getattr(skm, name), y_true, y_pred, average=average, zero_division=zero_division)
        assert got == pytest.approx(want, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(labels, st.sampled_from([0, 1]), st.sampled_from([0.0, 1.0]))
def test_binary_metrics_match_sklearn_including_zero_division(pair, pos_label, zero_division):
    y_true = [min(v, 1) for v in pair[0]]
    y_pred = [min(v, 1) for v in pair[1]]
    for name in ("precision_score", "recall_score", "f1_score"):
        got = getattr(ref, name)(y_true, y_pred, pos_label=pos_label, zero_division=zero_division)
        want = _sklearn(getattr(skm, name), y_true, y_pred, pos_label=pos_label,
                        zero_division=zero_division)
        assert got == pytest.approx(want, abs=1e-12)


def test_binary_average_refuses_multiclass_like_sklearn():
    with pytest.raises(ValueError):
        ref.precision_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError):
        skm.precision_score([0, 1, 2], [0, 1, 2])


@settings(max_examples=150, deadline=None)
@given(labels)
def test_accuracy_and_confusion_matrix_match_sklearn(pair):
    y_true, y_pred = pair
    assert ref.accuracy_score(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert np.array_equal(ref.confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred))


@settings(max_examples=100, deadline=None)
@given(labels, st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True))
def test_confusion_matrix_labels_argument_matches_sklearn(pair, label_list):
    y_true, y_pred = pair
    if not set(label_list) & set(y_true):
        return  # sklearn refuses labels that share nothing with y_true
    assert np.array_equal(ref.confusion_matrix(y_true, y_pred, labels=label_list),
                          skm.confusion_matrix(y_true, y_pred, labels=label_list))


@settings(max_examples=200, deadline=None)
@given(binary_scores)
def test_roc_curve_and_auc_match_sklearn_with_ties(pair):
    y_true, y_score = pair
    fpr, tpr, thresholds = ref.roc_curve(y_true, y_score)
    want = _sklearn(skm.roc_curve, y_true, y_score, drop_intermediate=False)
    for got_part, want_part in zip((fpr, tpr, thresholds), want):
        np.testing.assert_allclose(got_part, want_part, atol=1e-12, equal_nan=True)
    if len(set(y_true)) == 2:
        assert ref.roc_auc_score(y_true, y_score) == pytest.approx(skm.roc_auc_score(y_true, y_score))
    else:
        with pytest.raises(ValueError):
            ref.roc_auc_score(y_true, y_score)


def test_token_accuracy_equals_accuracy_over_unpadded_positions():
    y_true = np.array([[1, 2, -100], [3, -100, -100]])
    y_pred = np.array([[1, 0, 7], [3, 3, 3]])
    mask = y_true != -100
    assert ref.token_accuracy(y_true, y_pred) == skm.accuracy_score(y_true[mask], y_pred[mask])


@settings(max_examples=100, deadline=None)
@given(binary_scores, st.integers(1, 10))
def test_most_confident_errors_are_mistakes_sorted_by_confidence(pair, k):
    y_true, y_score = map(np.asarray, pair)
    got = ref.most_confident_errors(y_true, y_score, k)
    predicted = (y_score >= 0.5).astype(int)
    assert all(predicted[i] != y_true[i] for i in got)
    confidence = np.abs(y_score[got] - 0.5)
    assert list(confidence) == sorted(confidence, reverse=True)
    assert len(got) == min(k, int(np.sum(predicted != y_true)))
