import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from mimgan.experiments.anomaly.metrics import auc, best_f1, f1_at_k, f1_at_threshold, f1_score, roc_curve


def test_hand_computed_roc_and_auc():
    y = [0, 0, 1, 1]
    s = [0.1, 0.4, 0.35, 0.8]
    fpr, tpr, thr = roc_curve(y, s)
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    assert auc(y, s) == 0.75
    assert auc([0, 1], [1.0, 1.0]) == 0.5  # a tie counts one half
    assert auc([0, 0, 1], [0, 1, 2]) == 1.0 and auc([1, 0, 0], [0, 1, 2]) == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(-5, 5)), min_size=2, max_size=60))
def test_auc_equals_mann_whitney(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs], dtype=float)
    if y.sum() in (0, len(y)):
        with pytest.raises(ValueError, match="both classes"):
            auc(y, s)
        return
    U = mannwhitneyu(s[y == 1], s[y == 0]).statistic
    assert auc(y, s) == pytest.approx(U / (y.sum() * (len(y) - y.sum())), abs=1e-12)


def test_f1_variants():
    y = np.array([1, 1, 0, 0, 0])
    assert f1_score(y, [1, 0, 1, 0, 0]) == pytest.approx(0.5)
    assert f1_score(y, [0, 0, 0, 0, 0]) == 0.0
    s = np.array([0.9, 0.2, 0.8, 0.1, 0.0])
    assert f1_at_threshold(y, s, 0.5) == pytest.approx(0.5)
    best, thr = best_f1(y, s)
    assert best == pytest.approx(max(f1_score(y, s > t) for t in np.r_[s, -1]))
    assert f1_score(y, s > thr) == pytest.approx(best)
    assert f1_at_k(y, s) == pytest.approx(0.5)


def test_metric_errors():
    with pytest.raises(ValueError, match="both classes"):
        roc_curve([0, 0, 0], [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        auc([0, 1], [np.nan, 1])
    with pytest.raises(ValueError, match="labels"):
        auc([0, 2], [0, 1])
    with pytest.raises(ValueError, match="scores"):
        auc([0, 1, 1], [0, 1])
