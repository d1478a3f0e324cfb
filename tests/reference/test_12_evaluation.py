"""The 12_evaluation reference equals sklearn.metrics on generated inputs, edge cases included."""
import ast
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings, strategies as st

from grader.assignments import load_module_from, load_solution

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


# ----------------------------------------------------------------------------- the input funnel

LABEL_METRICS = ("accuracy_score", "precision_score", "recall_score", "f1_score", "confusion_matrix")


@pytest.mark.parametrize("name", LABEL_METRICS)
@pytest.mark.parametrize("y_true, y_pred", [([0, 1, 1], [1]), ([1], [0, 1, 1]), ([0, 1, 1, 0], [0, 1, 1]),
                                            ([], []), ([[0, 1], [1, 0]], [[0, 1], [1, 1]]),
                                            ([0, 1, 1], [0.2, 0.7, 0.9]), ([0.5, 1.0], [0, 1])])
def test_label_metrics_refuse_what_sklearn_refuses(name, y_true, y_pred):
    """One funnel for every label metric: lengths, emptiness, 1-D, scores where labels belong.
    (sklearn reads 2-D input as multilabel; the notebook states 1-D only, so that case is ours alone.)"""
    with pytest.raises(ValueError):
        getattr(ref, name)(y_true, y_pred)
    if np.ndim(y_true) == 1:
        with pytest.raises(ValueError):
            _sklearn(getattr(skm, name), y_true, y_pred)


def test_accuracy_does_not_broadcast_and_confusion_matrix_does_not_truncate():
    with pytest.raises(ValueError, match="길이"):
        ref.accuracy_score([0, 1, 1], [1])
    with pytest.raises(ValueError, match="길이"):
        ref.confusion_matrix([0, 1, 1, 2], [0, 1])


@settings(max_examples=100, deadline=None)
@given(labels, st.integers(0, 3))
def test_boolean_labels_agree_with_sklearn_and_with_zero_one(pair, c):
    y_true, y_pred = (np.asarray(v) == c for v in pair)
    for name in ("precision_score", "recall_score", "f1_score", "accuracy_score"):
        got = getattr(ref, name)(y_true, y_pred)
        assert got == pytest.approx(_sklearn(getattr(skm, name), y_true, y_pred), abs=1e-12)
        assert got == getattr(ref, name)(y_true.astype(int), y_pred.astype(int))
    assert np.array_equal(ref.confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred))


def test_integral_floats_are_labels_like_sklearn():
    assert ref.precision_score([0.0, 1.0, 1.0], [1, 0, 1]) == skm.precision_score([0.0, 1.0, 1.0], [1, 0, 1])


@pytest.mark.parametrize("name", ["roc_curve", "roc_auc_score"])
@pytest.mark.parametrize("y_true, y_score", [([0, 1, 1], [0.2, 0.7]), ([0, 1], [0.2, 0.7, 0.9]), ([], [])])
def test_score_metrics_refuse_what_sklearn_refuses(name, y_true, y_score):
    with pytest.raises(ValueError):
        getattr(ref, name)(y_true, y_score)
    with pytest.raises(ValueError):
        _sklearn(getattr(skm, name), y_true, y_score)


def test_error_analysis_refuses_mismatched_lengths_and_handles_its_limits():
    with pytest.raises(ValueError):
        ref.most_confident_errors([1, 0, 1], [0.9, 0.2], k=2)
    assert ref.most_confident_errors([1, 0], [0.9, 0.1], k=3) == []
    assert ref.most_confident_errors([1, 0], [0.1, 0.9], k=0) == []
    assert ref.most_confident_errors([1, 0], [0.1, 0.9], k=5) == [0, 1]


def test_references_leave_the_callers_arrays_alone():
    y_true, y_score = np.array([1, 0, 1, 0, 1]), np.array([0.3, 0.8, 0.9, 0.6, 0.05])
    kept = y_true.copy(), y_score.copy()
    ref.roc_curve(y_true, y_score)
    ref.roc_auc_score(y_true, y_score)
    ref.most_confident_errors(y_true, y_score, k=3)
    ref.confusion_matrix(y_true, (y_score > 0.5).astype(int))
    assert np.array_equal(y_true, kept[0]) and np.array_equal(y_score, kept[1])


def test_zero_division_only_where_the_denominator_is_zero_like_sklearn():
    for name in ("precision_score", "recall_score", "f1_score"):
        for average in ("binary", "macro", "weighted", "micro"):
            y_true, y_pred = ([0, 0, 1, 0], [1, 1, 0, 0]) if average == "binary" else \
                ([0, 1, 2, 3, 3, 0, 2], [0, 2, 2, 0, 1, 0, 1])
            assert getattr(ref, name)(y_true, y_pred, average=average, zero_division=1.0) == pytest.approx(
                _sklearn(getattr(skm, name), y_true, y_pred, average=average, zero_division=1.0))


# ----------------------------------------------------------------------------- 11's classifier, stored

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "classifier_predictions.py"
STORED = Path(__file__).resolve().parents[2] / "assignments" / "12_evaluation" / "classifier_predictions.json"


def _script():
    return load_module_from(SCRIPT, "classifier_predictions")


def test_script_settings_are_those_of_11s_notebook():
    """The stored run is 11's §9: the script's constants must still be the notebook's."""
    notebook = (Path(__file__).resolve().parents[2] / "assignments" / "11_finetuning_process" / "source.py").read_text(
        encoding="utf-8")
    s = _script().SETTINGS
    values = {}
    for line in notebook.splitlines():
        if line.startswith(("N_TRAIN, N_VALID, N_TEST =", "EPOCHS, BATCH, MAX_LR, MAX_TOKENS =")):
            names, _, rhs = line.partition("#")[0].partition("=")
            values.update(zip((n.strip() for n in names.split(",")), ast.literal_eval(rhs.strip())))
    assert values == {"N_TRAIN": s["n_train"], "N_VALID": s["n_valid"], "N_TEST": s["n_test"], "EPOCHS": s["epochs"],
                      "BATCH": s["batch"], "MAX_LR": s["max_lr"], "MAX_TOKENS": s["max_tokens"]}
    for needle in (f"EarlyStopping(patience={s['patience']})", f"nn.Dropout({s['dropout']})",
                   f"weight_decay={s['weight_decay']}", "warmup_steps = total_steps // 10",
                   f"1.0, {s['min_lr_ratio']})", f"set_seed({s['seed']})"):
        assert needle in notebook, needle


def test_stored_predictions_are_consistent_with_the_data_they_name():
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    assert stored["settings"] == _script().SETTINGS
    for _key, run in stored["sources"].items():
        probabilities = np.array(run["probabilities"])
        assert probabilities.shape == (len(run["labels"]), len(run["label_names"]))
        assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
        assert run["test_accuracy"] == pytest.approx(np.mean(probabilities.argmax(1) == np.array(run["labels"])))
    konlpy = stored["sources"]["konlpy"]
    task = _script().load_task("konlpy")
    assert [task["labels"][i] for i in konlpy["test_indices"]] == konlpy["labels"]
    assert _script().texts_sha256(task["texts"], konlpy["test_indices"]) == konlpy["test_texts_sha256"]


def test_one_epoch_of_the_script_reproduces_the_stored_first_epoch(tmp_path):
    """Cheap replay (konlpy, always installed): the committed numbers still come from this script."""
    out = tmp_path / "predictions.json"
    assert _script().main(["--sources", "konlpy", "--epochs", "1", "--out", str(out)]) == 0
    replay = json.loads(out.read_text(encoding="utf-8"))["sources"]["konlpy"]
    stored = json.loads(STORED.read_text(encoding="utf-8"))["sources"]["konlpy"]
    assert replay["test_indices"] == stored["test_indices"]
    for key in ("train_loss", "valid_loss", "valid_acc"):
        assert replay["history"][key][0] == pytest.approx(stored["history"][key][0], abs=1e-4), key
