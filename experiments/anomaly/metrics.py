"""ROC, AUC, F1 for anomaly scores (higher = more anomalous); y: 1 = anomaly.

AUC is computed from the ROC curve by the trapezoid rule with tied scores
grouped, which equals the Mann–Whitney U statistic / (n_pos n_neg) with ties
counting one half.
"""
from __future__ import annotations

import numpy as np


def _check(y, scores):
    y = np.asarray(y).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y has {y.size} labels but there are {s.size} scores")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("labels must be 0 (normal) or 1 (anomaly)")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contain NaN or inf")
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == y.size:
        raise ValueError(f"ROC/AUC need both classes in y; got {n_pos} anomalies out of {y.size}")
    return y.astype(np.int64), s


def roc_curve(y, scores):
    """(fpr, tpr, thresholds): one point per distinct score, highest first, starting at (0, 0)."""
    y, s = _check(y, scores)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_group = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(y)[last_of_group]
    fp = (last_of_group + 1) - tp
    tpr = np.r_[0.0, tp / y.sum()]
    fpr = np.r_[0.0, fp / (y.size - y.sum())]
    return fpr, tpr, np.r_[np.inf, s[last_of_group]]


def auc(y, scores) -> float:
    """Area under the ROC curve (= Mann–Whitney U / (n_pos n_neg), ties = 1/2)."""
    fpr, tpr, _ = roc_curve(y, scores)
    return float(np.trapezoid(tpr, fpr))


def f1_score(y, pred) -> float:
    """F1 of binary predictions (1 = flagged anomaly); 0 when nothing is flagged correctly."""
    y = np.asarray(y).ravel().astype(np.int64)
    pred = np.asarray(pred).ravel().astype(np.int64)
    if y.shape != pred.shape:
        raise ValueError(f"y has {y.size} labels but there are {pred.size} predictions")
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def f1_at_threshold(y, scores, threshold) -> float:
    """F1 of the Eq. 21 decision ``score > threshold``."""
    y, s = _check(y, scores)
    return f1_score(y, s > threshold)


def best_f1(y, scores) -> tuple[float, float]:
    """(best F1 over all thresholds, the threshold) — an oracle quantity, reported separately."""
    y, s = _check(y, scores)
    order = np.argsort(-s, kind="mergesort")
    ss, yy = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(ss)), ss.size - 1]
    tp = np.cumsum(yy)[last]
    flagged = last + 1
    f1 = 2 * tp / (flagged + yy.sum())
    i = int(np.argmax(f1))
    thr = ss[last[i] + 1] if last[i] + 1 < ss.size else -np.inf
    return float(f1[i]), float(thr)


def f1_at_k(y, scores, k=None) -> float:
    """F1 when the k highest scores are flagged (k = number of true anomalies by default)."""
    y, s = _check(y, scores)
    k = int(y.sum()) if k is None else int(k)
    pred = np.zeros_like(y)
    pred[np.argsort(-s, kind="mergesort")[:k]] = 1
    return f1_score(y, pred)


def average_precision(y, scores) -> float:
    """Area under the precision-recall curve as average precision, sum_k (R_k - R_{k-1}) P_k, over the
    distinct scores from the highest (tied scores enter together); the "AUC-PR" of the tables."""
    y, s = _check(y, scores)
    order = np.argsort(-s, kind="mergesort")
    ss, yy = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(ss)), ss.size - 1]
    tp = np.cumsum(yy)[last]
    precision = tp / (last + 1)
    recall = tp / yy.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
