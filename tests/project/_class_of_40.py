"""A generated class of 40 for 12_evaluation, for the similarity report (and, run by hand, a whole
class through `grader grade`): students write their solution cells in different ways, and four
are planted:

- `copy-light`: a near-copy of `s05` (comments, blank lines and spacing changed, one cell redone);
- `copy-cells`: a near-copy of `s12` (all but one cell taken, that one written on its own);
- `copy-renamed`: `s20`'s code with every local variable and helper renamed (ast round trip);
- `unrelated`: a solution in a style no other student uses.

Each graded function has five ways of writing it (index 4 is `unrelated`'s alone); the 36
ordinary students take combinations of the first four that agree on at most six of the 14
functions with each other, so pairs of ordinary students share little, as independently written
notebooks do. Some ways carry
a catalog bug, so the scores spread. The ways are written once here; each student's notebook is the
release notebook with its stubs' bodies replaced (def lines and docstrings kept, as students do).
"""
from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import nbformat

AID = "12_evaluation"
STUB_BODY = "    # YOUR CODE HERE\n    raise NotImplementedError()"

# cell grade_id -> five ways; each way: function -> body (4-space indented when inserted)
WAYS: dict[str, list[dict[str, str]]] = {
    "_check_targets": [
        {"accuracy_score": "y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)\nreturn float(np.mean(y_true == y_pred))",
         "token_accuracy": "y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)\nmask = y_true != ignore_index\n"
                           "if mask.sum() == 0:\n    return 0.0\nreturn float((y_true[mask] == y_pred[mask]).mean())"},
        {"accuracy_score": "correct = 0\nfor t, p in zip(y_true, y_pred):\n    if t == p:\n        correct += 1\n"
                           "return correct / len(y_true)",
         "token_accuracy": "hits, total = 0, 0\nfor t, p in zip(np.ravel(y_true), np.ravel(y_pred)):\n"
                           "    if t == ignore_index:\n        continue\n    total += 1\n    hits += int(t == p)\n"
                           "return hits / total if total else 0.0"},
        {"accuracy_score": "matches = [a == b for a, b in zip(list(y_true), list(y_pred))]\nreturn sum(matches) / len(matches)",
         "token_accuracy": "pairs = [(a, b) for a, b in zip(np.asarray(y_true).ravel().tolist(), np.asarray(y_pred).ravel().tolist())\n"
                           "         if a != ignore_index]\nif not pairs:\n    return 0.0\n"
                           "return sum(a == b for a, b in pairs) / len(pairs)"},
        {"accuracy_score": "a = np.array(y_true)\nb = np.array(y_pred)\nreturn np.count_nonzero(a == b) / a.size",
         "token_accuracy": "a = np.array(y_true)\nb = np.array(y_pred)\nvalid = np.not_equal(a, ignore_index)\n"
                           "n = np.count_nonzero(valid)\nreturn 0.0 if n == 0 else np.count_nonzero((a == b) & valid) / n"},
        {"accuracy_score": "from collections import Counter\nverdicts = Counter(map(lambda pair: pair[0] == pair[1], zip(y_true, y_pred)))\n"
                           "return verdicts[True] / max(1, sum(verdicts.values()))",
         "token_accuracy": "kept = list(filter(lambda pair: pair[0] != ignore_index,\n"
                           "                   zip(np.asarray(y_true).flat, np.asarray(y_pred).flat)))\n"
                           "return float(sum(map(lambda pair: pair[0] == pair[1], kept)) / len(kept)) if kept else 0.0"},
    ],
    "_labels": [
        {"_labels": "return np.union1d(np.asarray(y_true), np.asarray(y_pred))",
         "_counts_per_class": "y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)\n"
                              "tp = np.array([np.sum((y_pred == c) & (y_true == c)) for c in labels], dtype=float)\n"
                              "fp = np.array([np.sum((y_pred == c) & (y_true != c)) for c in labels], dtype=float)\n"
                              "fn = np.array([np.sum((y_pred != c) & (y_true == c)) for c in labels], dtype=float)\n"
                              "return tp, fp, fn",
         "_safe_divide": "numerator = np.asarray(numerator, dtype=float)\ndenominator = np.asarray(denominator, dtype=float)\n"
                         "result = np.full(numerator.shape, float(zero_division))\n"
                         "np.divide(numerator, denominator, out=result, where=denominator != 0)\nreturn result",
         "_average": "if average == \"macro\":\n    return float(np.mean(per_class))\nif support.sum() == 0:\n    return 0.0\n"
                     "return float(np.average(per_class, weights=support))",
         "_prf": "labels = _labels(y_true, y_pred)\nif average == \"binary\":\n    labels = np.array([pos_label])\n"
                 "tp, fp, fn = _counts_per_class(y_true, y_pred, labels)\nif average == \"micro\":\n"
                 "    tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)\n"
                 "p = _safe_divide(tp, tp + fp, zero_division)\nr = _safe_divide(tp, tp + fn, zero_division)\n"
                 "f = _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)\nif average in (\"binary\", \"micro\"):\n"
                 "    return float(p[0]), float(r[0]), float(f[0])\nreturn tuple(_average(v, tp + fn, average) for v in (p, r, f))",
         "precision_score": "return _prf(y_true, y_pred, average, pos_label, zero_division)[0]",
         "recall_score": "return _prf(y_true, y_pred, average, pos_label, zero_division)[1]"},
        {"_labels": "return np.array(sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist())))",
         "_counts_per_class": "tp, fp, fn = [], [], []\nfor label in labels:\n    t = p = n = 0\n"
                              "    for truth, guess in zip(y_true, y_pred):\n        if guess == label and truth == label:\n            t += 1\n"
                              "        elif guess == label:\n            p += 1\n        elif truth == label:\n            n += 1\n"
                              "    tp.append(t)\n    fp.append(p)\n    fn.append(n)\n"
                              "return np.array(tp, float), np.array(fp, float), np.array(fn, float)",
         "_safe_divide": "out = []\nfor a, b in zip(np.atleast_1d(numerator), np.atleast_1d(denominator)):\n"
                         "    out.append(a / b if b else zero_division)\nreturn np.array(out, dtype=float)",
         "_average": "if average == \"weighted\":\n    total = float(np.sum(support))\n"
                     "    return sum(v * s for v, s in zip(per_class, support)) / total if total else 0.0\n"
                     "return sum(per_class) / len(per_class)",
         "_prf": "if average == \"binary\":\n    labels = [pos_label]\nelse:\n    labels = _labels(y_true, y_pred)\n"
                 "tp, fp, fn = _counts_per_class(y_true, y_pred, labels)\nif average == \"micro\":\n"
                 "    tp, fp, fn = np.array([tp.sum()]), np.array([fp.sum()]), np.array([fn.sum()])\n"
                 "prec = _safe_divide(tp, tp + fp, zero_division)\nrec = _safe_divide(tp, tp + fn, zero_division)\n"
                 "f1 = _safe_divide(2 * prec * rec, prec + rec, zero_division)\n"
                 "if average in (\"binary\", \"micro\"):\n    return prec[0], rec[0], f1[0]\n"
                 "return _average(prec, tp + fn, average), _average(rec, tp + fn, average), _average(f1, tp + fn, average)",
         "precision_score": "precision, _, _ = _prf(y_true, y_pred, average, pos_label, zero_division)\nreturn float(precision)",
         "recall_score": "_, recall, _ = _prf(y_true, y_pred, average, pos_label, zero_division)\nreturn float(recall)"},
        {"_labels": "both = np.concatenate([np.ravel(y_true), np.ravel(y_pred)])\nreturn np.unique(both)",
         "_counts_per_class": "y_true, y_pred = np.asarray(y_true)[:, None], np.asarray(y_pred)[:, None]\n"
                              "labels = np.asarray(labels)[None, :]\nis_true, is_pred = y_true == labels, y_pred == labels\n"
                              "return ((is_true & is_pred).sum(0).astype(float), (~is_true & is_pred).sum(0).astype(float),\n"
                              "        (is_true & ~is_pred).sum(0).astype(float))",
         "_safe_divide": "numerator = np.asarray(numerator, dtype=float)\ndenominator = np.asarray(denominator, dtype=float)\n"
                         "with np.errstate(divide=\"ignore\", invalid=\"ignore\"):\n    ratio = numerator / denominator\n"
                         "return np.where(denominator == 0, zero_division, ratio)",
         "_average": "weights = None if average == \"macro\" else support\nif weights is not None and np.sum(weights) == 0:\n"
                     "    return 0.0\nreturn float(np.average(per_class, weights=weights))",
         "_prf": "classes = _labels(y_true, y_pred) if average != \"binary\" else np.array([pos_label])\n"
                 "tp, fp, fn = _counts_per_class(y_true, y_pred, classes)\n"
                 "if average == \"micro\":\n    tp, fp, fn = (np.array([x.sum()]) for x in (tp, fp, fn))\n"
                 "scores = [_safe_divide(tp, tp + fp, zero_division), _safe_divide(tp, tp + fn, zero_division),\n"
                 "          _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)]\n"
                 "if len(tp) == 1:\n    return tuple(float(s[0]) for s in scores)\n"
                 "return tuple(_average(s, tp + fn, average) for s in scores)",
         "precision_score": "return float(_prf(y_true, y_pred, average, pos_label, zero_division)[0])",
         "recall_score": "return float(_prf(y_true, y_pred, average, pos_label, zero_division)[1])"},
        {"_labels": "seen = []\nfor value in list(y_true) + list(y_pred):\n    if value not in seen:\n        seen.append(value)\n"
                    "return np.array(sorted(seen))",
         "_counts_per_class": "truth = np.asarray(y_true)\nguess = np.asarray(y_pred)\nrows = []\nfor c in labels:\n"
                             "    rows.append((np.count_nonzero((truth == c) & (guess == c)),\n"
                             "                 np.count_nonzero((truth != c) & (guess == c)),\n"
                             "                 np.count_nonzero((truth == c) & (guess != c))))\n"
                             "table = np.array(rows, dtype=float).reshape(-1, 3)\nreturn table[:, 0], table[:, 1], table[:, 2]",
         "_safe_divide": "numerator = np.asarray(numerator, dtype=float)\ndenominator = np.asarray(denominator, dtype=float)\n"
                         "if np.any(denominator == 0):\n    raise ZeroDivisionError(\"division by zero\")\n"
                         "return numerator / denominator",
         "_average": "return float(np.mean(per_class))",
         "_prf": "labels = [pos_label] if average == \"binary\" else _labels(y_true, y_pred)\n"
                 "tp, fp, fn = _counts_per_class(y_true, y_pred, labels)\nif average == \"micro\":\n"
                 "    tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)\n"
                 "p = _safe_divide(tp, tp + fp, zero_division)\nr = _safe_divide(tp, tp + fn, zero_division)\n"
                 "f = _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)\n"
                 "return (_average(p, tp + fn, average), _average(r, tp + fn, average), _average(f, tp + fn, average))",
         "precision_score": "result = _prf(y_true, y_pred, average, pos_label, zero_division)\nreturn result[0]",
         "recall_score": "result = _prf(y_true, y_pred, average, pos_label, zero_division)\nreturn result[1]"},
        {"_labels": "return sorted({*map(int, np.ravel(y_true)), *map(int, np.ravel(y_pred))})",
         "_counts_per_class": "from collections import Counter\npairs = Counter(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))\n"
                              "def count(keep):\n    return np.array([sum(n for (t, p), n in pairs.items() if keep(c, t, p)) for c in labels], float)\n"
                              "return (count(lambda c, t, p: t == c == p), count(lambda c, t, p: p == c != t),\n"
                              "        count(lambda c, t, p: t == c != p))",
         "_safe_divide": "return np.array([zero_division if den == 0 else num / den\n"
                         "                 for num, den in zip(np.ravel(numerator), np.ravel(denominator))], dtype=float)",
         "_average": "values = list(map(float, per_class))\nif average != \"weighted\":\n    return sum(values) / len(values)\n"
                     "weights = list(map(float, support))\nreturn sum(map(lambda vw: vw[0] * vw[1], zip(values, weights))) / (sum(weights) or 1.0)",
         "_prf": "chosen = [pos_label] if average == \"binary\" else _labels(y_true, y_pred)\n"
                 "tp, fp, fn = _counts_per_class(y_true, y_pred, chosen)\n"
                 "if average == \"micro\":\n    tp, fp, fn = map(lambda a: np.array([a.sum()]), (tp, fp, fn))\n"
                 "metrics = list(map(lambda nd: _safe_divide(*nd, zero_division),\n"
                 "                   ((tp, tp + fp), (tp, tp + fn), (2 * tp, 2 * tp + fp + fn))))\n"
                 "if average in {\"binary\", \"micro\"}:\n    return tuple(map(lambda m: float(m[0]), metrics))\n"
                 "return tuple(map(lambda m: _average(m, tp + fn, average), metrics))",
         "precision_score": "return _prf(y_true, y_pred, average, pos_label, zero_division)[0]",
         "recall_score": "return _prf(y_true, y_pred, average, pos_label, zero_division)[1]"},
    ],
    "f1_score": [
        {"f1_score": "return _prf(y_true, y_pred, average, pos_label, zero_division)[2]"},
        {"f1_score": "p = precision_score(y_true, y_pred, average=average, pos_label=pos_label, zero_division=zero_division)\n"
                     "r = recall_score(y_true, y_pred, average=average, pos_label=pos_label, zero_division=zero_division)\n"
                     "if p + r == 0:\n    return float(zero_division)\nreturn 2 * p * r / (p + r)"},
        {"f1_score": "labels = [pos_label] if average == \"binary\" else _labels(y_true, y_pred)\n"
                     "tp, fp, fn = _counts_per_class(y_true, y_pred, labels)\nif average == \"micro\":\n"
                     "    tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)\n"
                     "per_class = _safe_divide(2 * tp, 2 * tp + fp + fn, zero_division)\n"
                     "if average in (\"binary\", \"micro\"):\n    return float(per_class[0])\n"
                     "return _average(per_class, tp + fn, average)"},
        {"f1_score": "scores = _prf(y_true, y_pred, average, pos_label, zero_division)\nf1 = scores[2]\nreturn float(f1)"},
        {"f1_score": "harmonic = lambda p, r: 0.0 if p + r == 0 else 2 * p * r / (p + r)\n"
                     "if average in (\"macro\", \"weighted\"):\n    return _prf(y_true, y_pred, average, pos_label, zero_division)[2]\n"
                     "precision, recall, _ = _prf(y_true, y_pred, average, pos_label, zero_division)\n"
                     "return harmonic(precision, recall) if precision + recall else float(zero_division)"},
    ],
    "confusion_matrix": [
        {"confusion_matrix": "labels = _labels(y_true, y_pred) if labels is None else np.asarray(labels)\n"
                             "index = {label: i for i, label in enumerate(labels.tolist())}\n"
                             "matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)\n"
                             "for t, p in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist()):\n"
                             "    if t in index and p in index:\n        matrix[index[t], index[p]] += 1\nreturn matrix"},
        {"confusion_matrix": "if labels is None:\n    labels = sorted(set(list(y_true)) | set(list(y_pred)))\n"
                             "n = len(labels)\ncm = np.zeros((n, n), dtype=int)\nfor i, actual in enumerate(labels):\n"
                             "    for j, predicted in enumerate(labels):\n"
                             "        cm[i, j] = sum(1 for a, b in zip(y_true, y_pred) if a == actual and b == predicted)\nreturn cm"},
        {"confusion_matrix": "classes = np.asarray(labels) if labels is not None else np.unique(np.concatenate([y_true, y_pred]))\n"
                             "truth = np.asarray(y_true)[:, None] == classes[None, :]\n"
                             "guess = np.asarray(y_pred)[:, None] == classes[None, :]\n"
                             "return (truth.T.astype(np.int64) @ guess.astype(np.int64))"},
        {"confusion_matrix": "labels = list(_labels(y_true, y_pred)) if labels is None else list(labels)\n"
                             "out = np.zeros((len(labels), len(labels)), dtype=np.int64)\n"
                             "for k in range(len(y_true)):\n    if y_true[k] in labels and y_pred[k] in labels:\n"
                             "        out[labels.index(y_pred[k]), labels.index(y_true[k])] += 1\nreturn out"},
        {"confusion_matrix": "from collections import Counter\nkinds = list(labels) if labels is not None else sorted({*np.ravel(y_true).tolist(), *np.ravel(y_pred).tolist()})\n"
                             "tally = Counter(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))\n"
                             "return np.array([[tally[(row, col)] for col in kinds] for row in kinds], dtype=np.int64).reshape(len(kinds), len(kinds))"},
    ],
    "_check_scores": [
        {"roc_curve": "y_true = np.asarray(y_true) == 1\ny_score = np.asarray(y_score, dtype=float)\n"
                      "thresholds = np.unique(y_score)[::-1]\n"
                      "tps = np.array([np.sum(y_true & (y_score >= t)) for t in thresholds], dtype=float)\n"
                      "fps = np.array([np.sum(~y_true & (y_score >= t)) for t in thresholds], dtype=float)\n"
                      "tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]\nreturn fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]",
         "roc_auc_score": "if len(np.unique(np.asarray(y_true))) != 2:\n    raise ValueError(\"need both classes\")\n"
                          "fpr, tpr, _ = roc_curve(y_true, y_score)\nreturn float(np.trapezoid(tpr, fpr))"},
        {"roc_curve": "scores = sorted(set(float(s) for s in y_score), reverse=True)\n"
                      "positives = sum(1 for t in y_true if t == 1)\nnegatives = len(y_true) - positives\n"
                      "fpr, tpr = [0.0], [0.0]\nfor threshold in scores:\n"
                      "    tp = sum(1 for t, s in zip(y_true, y_score) if s >= threshold and t == 1)\n"
                      "    fp = sum(1 for t, s in zip(y_true, y_score) if s >= threshold and t != 1)\n"
                      "    tpr.append(tp / positives)\n    fpr.append(fp / negatives)\n"
                      "return np.array(fpr), np.array(tpr), np.array([np.inf] + scores)",
         "roc_auc_score": "if len(set(y_true)) < 2:\n    raise ValueError(\"AUC needs positives and negatives\")\n"
                          "fpr, tpr, _ = roc_curve(y_true, y_score)\narea = 0.0\nfor i in range(1, len(fpr)):\n"
                          "    area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2\nreturn area"},
        {"roc_curve": "y_true = np.asarray(y_true) == 1\ny_score = np.asarray(y_score, dtype=float)\n"
                      "order = np.argsort(-y_score, kind=\"stable\")\ntps = np.r_[0.0, np.cumsum(y_true[order])]\n"
                      "fps = np.r_[0.0, np.cumsum(~y_true[order])]\n"
                      "return fps / fps[-1], tps / tps[-1], np.r_[np.inf, y_score[order]]",
         "roc_auc_score": "y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)\n"
                          "if len(np.unique(y_true)) != 2:\n    raise ValueError(\"one class only\")\n"
                          "pos, neg = y_score[y_true == 1], y_score[y_true != 1]\n"
                          "wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()\n"
                          "return float(wins / (len(pos) * len(neg)))"},
        {"roc_curve": "truth = np.array(y_true) == 1\nscore = np.array(y_score, dtype=float)\n"
                      "cuts = np.sort(np.unique(score))[::-1]\npredicted = score[None, :] >= cuts[:, None]\n"
                      "tpr = np.concatenate([[0.0], (predicted & truth).sum(1) / truth.sum()])\n"
                      "fpr = np.concatenate([[0.0], (predicted & ~truth).sum(1) / (~truth).sum()])\n"
                      "return fpr, tpr, np.concatenate([[np.inf], cuts])",
         "roc_auc_score": "truth = np.array(y_true)\nif np.unique(truth).size != 2:\n    raise ValueError(\"y_true must hold two classes\")\n"
                          "pos = np.array(y_score, dtype=float)[truth == 1]\nneg = np.array(y_score, dtype=float)[truth != 1]\n"
                          "return float(np.mean(pos[:, None] > neg[None, :]))"},
        {"roc_curve": "import bisect\npairs = sorted(zip(map(float, y_score), map(int, y_true)), reverse=True)\n"
                      "P = sum(label for _, label in pairs)\nN = len(pairs) - P\nxs, ys, cuts, seen_p, seen_n = [0.0], [0.0], [float('inf')], 0, 0\n"
                      "for k, (s, label) in enumerate(pairs):\n    seen_p += label\n    seen_n += 1 - label\n"
                      "    if k + 1 == len(pairs) or pairs[k + 1][0] != s:\n"
                      "        xs.append(seen_n / N)\n        ys.append(seen_p / P)\n        cuts.append(s)\n"
                      "return np.array(xs), np.array(ys), np.array(cuts)",
         "roc_auc_score": "labels = set(np.ravel(y_true).tolist())\nif len(labels) != 2:\n    raise ValueError(\"two classes needed\")\n"
                          "xs, ys, _ = roc_curve(y_true, y_score)\nreturn float(sum((b - a) * (c + d) / 2 for a, b, c, d in zip(xs, xs[1:], ys, ys[1:])))"},
    ],
    "most_confident_errors": [
        {"most_confident_errors": "y_true = np.asarray(y_true)\ny_score = np.asarray(y_score, dtype=float)\n"
                                  "y_pred = (y_score >= threshold).astype(int)\nwrong = np.flatnonzero(y_pred != y_true)\n"
                                  "confidence = np.abs(y_score[wrong] - threshold)\norder = np.argsort(-confidence, kind=\"stable\")\n"
                                  "return [int(i) for i in wrong[order][:k]]"},
        {"most_confident_errors": "errors = []\nfor i, (t, s) in enumerate(zip(y_true, y_score)):\n"
                                  "    predicted = 1 if s >= threshold else 0\n    if predicted != t:\n"
                                  "        errors.append((-abs(s - threshold), i))\nerrors.sort()\nreturn [i for _, i in errors[:k]]"},
        {"most_confident_errors": "scores = np.asarray(y_score, dtype=float)\nmistakes = [i for i in range(len(scores))\n"
                                  "            if int(scores[i] >= threshold) != int(np.asarray(y_true)[i])]\n"
                                  "mistakes.sort(key=lambda i: abs(scores[i] - threshold), reverse=True)\nreturn mistakes[:k]"},
        {"most_confident_errors": "score = np.array(y_score, dtype=float)\nwrong = np.where((score >= threshold).astype(int) != np.array(y_true))[0]\n"
                                  "ranked = sorted(wrong.tolist(), key=lambda i: -abs(score[i] - threshold))\nreturn ranked[:k]"},
        {"most_confident_errors": "import heapq\nmisses = ((abs(s - threshold), -i) for i, (t, s) in enumerate(zip(np.ravel(y_true), np.ravel(y_score)))\n"
                                  "          if (s >= threshold) != bool(t))\nreturn [-neg_i for _, neg_i in heapq.nlargest(k, misses)]"},
    ],
}
# The input funnels each student writes the way they write the metric that uses them first.
FUNNELS: dict[str, tuple[str, list[str]]] = {
    "_check_targets": ("accuracy_score", [
        "y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)\n"
        "if y_true.ndim != 1 or y_pred.ndim != 1:\n    raise ValueError('1차원이 아닙니다')\n"
        "if len(y_true) != len(y_pred) or len(y_true) == 0:\n    raise ValueError('길이가 맞지 않거나 비었습니다')\n"
        "for a in (y_true, y_pred):\n    if a.dtype.kind == 'f' and np.any(a != np.floor(a)):\n"
        "        raise ValueError('점수는 레이블이 아닙니다')\nreturn y_true, y_pred",
        "a = np.array(y_true)\nb = np.array(y_pred)\nif a.ndim != 1:\n    raise ValueError('y_true 모양')\n"
        "if b.ndim != 1:\n    raise ValueError('y_pred 모양')\nif a.shape != b.shape:\n    raise ValueError('길이')\n"
        "if a.size == 0:\n    raise ValueError('비었음')\nif a.dtype.kind == 'f' and not np.all(np.mod(a, 1) == 0):\n"
        "    raise ValueError('y_true 실수')\nif b.dtype.kind == 'f' and not np.all(np.mod(b, 1) == 0):\n"
        "    raise ValueError('y_pred 실수')\nreturn a, b",
        "out = []\nfor values in (y_true, y_pred):\n    values = np.asarray(values)\n    if values.ndim != 1:\n"
        "        raise ValueError('차원')\n    if values.dtype.kind == 'f' and (values % 1 != 0).any():\n"
        "        raise ValueError('정수 아님')\n    out.append(values)\nif len(out[0]) != len(out[1]):\n"
        "    raise ValueError('길이')\nif not len(out[0]):\n    raise ValueError('빈 입력')\nreturn out[0], out[1]",
        "pair = tuple(map(np.asarray, (y_true, y_pred)))\nif any(x.ndim != 1 for x in pair):\n    raise ValueError('1차원')\n"
        "if pair[0].shape[0] != pair[1].shape[0]:\n    raise ValueError('길이')\nif pair[0].shape[0] == 0:\n"
        "    raise ValueError('빈 입력')\nif any(x.dtype.kind == 'f' and not np.array_equal(x, np.round(x)) for x in pair):\n"
        "    raise ValueError('점수')\nreturn pair",
        "def ok(x):\n    x = np.asarray(x)\n    bad = x.ndim != 1 or (x.dtype.kind == 'f' and bool(np.any(np.trunc(x) != x)))\n"
        "    if bad:\n        raise ValueError('레이블 배열이 아닙니다')\n    return x\n"
        "t, p = ok(y_true), ok(y_pred)\nif t.size != p.size or t.size == 0:\n    raise ValueError('크기')\nreturn t, p",
    ]),
    "_check_scores": ("roc_curve", [
        "y_true = np.asarray(y_true)\ny_score = np.asarray(y_score, dtype=float)\n"
        "if y_true.ndim != 1 or y_score.ndim != 1 or len(y_true) != len(y_score) or len(y_true) == 0:\n"
        "    raise ValueError('입력이 맞지 않습니다')\nreturn y_true, y_score",
        "labels = np.array(y_true)\nscores = np.array(y_score).astype(float)\nif labels.ndim != 1:\n"
        "    raise ValueError('y_true 모양')\nif scores.ndim != 1:\n    raise ValueError('y_score 모양')\n"
        "if labels.shape != scores.shape:\n    raise ValueError('길이')\nif labels.size == 0:\n    raise ValueError('비었음')\n"
        "return labels, scores",
        "t = np.asarray(y_true)\ns = np.asarray(y_score, float)\nproblems = [t.ndim != 1, s.ndim != 1]\n"
        "if any(problems) or t.shape[0] != s.shape[0] or not t.shape[0]:\n    raise ValueError('잘못된 입력')\nreturn t, s",
        "pair = (np.asarray(y_true), np.asarray(y_score, dtype=np.float64))\n"
        "if [x.ndim for x in pair] != [1, 1]:\n    raise ValueError('1차원')\n"
        "if len(pair[0]) != len(pair[1]):\n    raise ValueError('길이')\nif len(pair[0]) < 1:\n    raise ValueError('빈 입력')\n"
        "return pair",
        "labels, scores = np.asarray(y_true), np.asarray(y_score).astype(np.float64)\n"
        "assert_ok = lambda cond, why: None if cond else (_ for _ in ()).throw(ValueError(why))\n"
        "assert_ok(labels.ndim == scores.ndim == 1, '차원')\nassert_ok(labels.size == scores.size > 0, '크기')\n"
        "return labels, scores",
    ]),
}
CELLS = list(WAYS)
FUNCTIONS = [(cell, function) for cell, ways in WAYS.items() for function in ways[0]]


# The way each ordinary student writes each of the 14 functions (FUNCTIONS order): any two agree on
# at most six functions (found by a seeded random search; `test_the_class_of_40_is_as_described`
# checks the property).
CHOICES = ["20023321123013", "00033032010211", "22220313311121", "21003121031300", "33011010302033",
           "03103231301233", "20200123110201", "33202301310133", "03231220103303", "32232222130332",
           "20312120302300", "22010010112320", "12330023313212", "02313230313130", "30332003322110",
           "23322011010220", "30120303001102", "30303220112011", "10311102010320", "01102003012213",
           "22033033301000", "00123102211113", "23221303200010", "10321210222313", "20103301302311",
           "01001103233001", "10111300303203", "21131220231132", "11333213030000", "22112012303110",
           "00111232330010", "13210130213202", "22300202220213", "32222103112311", "22331210100231",
           "11222020121230"]
MOST_SHARED = 6


def combinations() -> list[tuple[int, ...]]:
    return [tuple(int(way) for way in choice) for choice in CHOICES]


def _filled(stub: str, bodies: dict[str, str]) -> str:
    """The stub cell with each function's `# YOUR CODE HERE / raise` replaced by its body."""
    parts = stub.split(STUB_BODY)
    names = [re.search(r"def (\w+)\(", part).group(1) for part in parts[:-1]]
    out = parts[0]
    for name, rest in zip(names, parts[1:]):
        out += textwrap.indent(bodies[name], "    ") + rest
    return out


def _cells(release: nbformat.NotebookNode) -> dict[str, int]:
    return {c.metadata["nbgrader"]["grade_id"]: i for i, c in enumerate(release.cells)
            if c.metadata.get("nbgrader", {}).get("solution")}


# Habits that differ between people who write the same idea (a tokeniser sees them):
# line pattern -> rewrite, each applied to a student's function with probability one half.
HABITS = [
    (re.compile(r"^return (?P<e>[^\n]+)$"), "result = \\g<e>\nreturn result"),
    (re.compile(r"^(?P<i>\s*)(?P<v>\w+) \+= (?P<e>.+)$"), "\\g<i>\\g<v> = \\g<v> + \\g<e>"),
    (re.compile(r"zip\((?P<a>[\w.]+), (?P<b>[\w.]+)\)"), "zip(list(\\g<a>), list(\\g<b>))"),
    (re.compile(r"^(?P<i>\s*)if not (?P<v>\w+):$"), "\\g<i>if len(\\g<v>) == 0:"),
    (re.compile(r"np\.zeros\((?P<s>\([^()]*\)), "), "np.zeros(shape=\\g<s>, "),
    (re.compile(r"^(?P<i>\s*)(?P<a>\w+), (?P<b>\w+) = np\.asarray\((?P<x>\w+)\), np\.asarray\((?P<y>\w+)\)$"),
     "\\g<i>\\g<a> = np.asarray(\\g<x>)\n\\g<i>\\g<b> = np.asarray(\\g<y>)"),
]


def _habits(body: str, rng) -> str:
    for pattern, replacement in HABITS:
        if rng.random() < 0.5:
            body = "\n".join(pattern.sub(replacement, line) for line in body.splitlines())
    return body


def notebook(release: nbformat.NotebookNode, choice: tuple[int, ...], seed: int | None = None) -> nbformat.NotebookNode:
    import random

    rng = random.Random(seed)
    nb = nbformat.from_dict(release)
    index = _cells(release)
    for cell in CELLS:
        bodies = {function: WAYS[cell][way][function]
                  for (owner, function), way in zip(FUNCTIONS, choice) if owner == cell}
        if cell in FUNNELS:
            first_user, ways = FUNNELS[cell]
            bodies[cell] = ways[dict(zip((f for _, f in FUNCTIONS), choice))[first_user]]
        if seed is not None:
            bodies = {function: _habits(body, rng) for function, body in bodies.items()}
        nb.cells[index[cell]].source = _filled(release.cells[index[cell]].source, bodies)
    return nb


def _lightly_edited(code: str) -> str:
    """Comments added, blank lines and spacing changed: what a hurried copy looks like."""
    out = []
    for number, line in enumerate(code.splitlines()):
        stripped = line.strip()
        if stripped.startswith(("return", "for ", "if ")) and number % 3 == 0:
            out.append(line[: len(line) - len(line.lstrip())] + "# 내가 고친 부분")
        out.append(line.replace(" = ", "=").replace(", ", ","))
        if stripped.startswith("def "):
            out.append("")
    return "\n".join(out)


class _Renamer(ast.NodeTransformer):
    """Every local name and private helper gets another name; the graded API stays."""

    def __init__(self, keep: set[str]):
        self.keep = keep
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name in self.keep or name.startswith("__"):
            return name
        return self.names.setdefault(name, f"v{len(self.names)}_{name[::-1].strip('_')}x")

    def visit_Name(self, node):
        node.id = self._new(node.id)
        return node

    def visit_FunctionDef(self, node):
        if node.name.startswith("_"):
            node.name = self._new(node.name)
        self.generic_visit(node)
        return node


def _renamed(code: str) -> str:
    import builtins

    tree = ast.parse(code)
    params = {a.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
              for a in node.args + node.kwonlyargs + node.posonlyargs}
    public = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
              and not node.name.startswith("_")}
    keep = params | public | set(dir(builtins)) | {"np", "Counter", "heapq", "bisect"}
    renamed = _Renamer(keep).visit(tree)
    return ast.unparse(renamed)


def write_class(submitted: Path, release_notebook: Path) -> dict[str, str]:
    """submitted/<student>/12_evaluation/12_evaluation.ipynb for 40 students; returns what each is
    (ordinary, or which planted case)."""
    release = nbformat.read(release_notebook, 4)
    index = _cells(release)
    kinds: dict[str, str] = {}
    notebooks: dict[str, nbformat.NotebookNode] = {}
    for number, choice in enumerate(combinations()):
        name = f"s{number:02d}"
        notebooks[name] = notebook(release, choice, seed=number)
        kinds[name] = "ordinary"
    light = nbformat.from_dict(notebooks["s05"])
    for cell in CELLS:
        light.cells[index[cell]].source = _lightly_edited(light.cells[index[cell]].source)
    notebooks["copy-light"], kinds["copy-light"] = light, "near-copy of s05"
    own = tuple((way + 1) % 4 if cell == "_check_scores" else way
                for (cell, _), way in zip(FUNCTIONS, combinations()[12]))
    notebooks["copy-cells"] = notebook(release, own, seed=12)
    kinds["copy-cells"] = "s12 but one cell written on its own"
    renamed = nbformat.from_dict(notebooks["s20"])
    for cell in CELLS:
        renamed.cells[index[cell]].source = _renamed(renamed.cells[index[cell]].source)
    notebooks["copy-renamed"], kinds["copy-renamed"] = renamed, "s20 with variables renamed"
    notebooks["unrelated"] = notebook(release, (4,) * len(FUNCTIONS), seed=99)
    kinds["unrelated"] = "a way of its own in every cell"
    assert len(notebooks) == 40
    for student, nb in notebooks.items():
        folder = submitted / student / AID
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{AID}.ipynb")
    return kinds


PLANTED = {("copy-light", "s05"), ("copy-cells", "s12"), ("copy-renamed", "s20")}
