"""The statistics the stages report over seeds: paired Wilcoxon tests and t confidence intervals."""
from __future__ import annotations

import numpy as np

#: Fewer paired differences than this give no Wilcoxon p-value: with 5 the smallest two-sided p is
#: 2/32 = 0.0625, so no test could reach 5 %.
MIN_PAIRS = 6


def paired_wilcoxon(d) -> float:
    """Two-sided Wilcoxon signed-rank p-value of the paired differences ``d``; NaN with fewer than
    :data:`MIN_PAIRS` pairs or when every difference is 0."""
    from scipy.stats import wilcoxon
    d = np.asarray(d, float)
    return float(wilcoxon(d).pvalue) if len(d) >= MIN_PAIRS and np.any(d != 0) else float("nan")


def missing_p_reason(d) -> str:
    """Why :func:`paired_wilcoxon` gives no p-value for ``d`` ('' when it gives one)."""
    d = np.asarray(d, float)
    if len(d) < MIN_PAIRS:
        return f"needs >= {MIN_PAIRS} paired seeds, has {len(d)}"
    if not np.any(d != 0):
        return "every paired difference is 0"
    return ""


def mean_ci95(v) -> tuple[float, float]:
    """(mean, half-width of the 95 % t interval); half-width 0 for a single value."""
    from scipy import stats
    v = np.asarray(v, float)
    if len(v) < 2:
        return float(v.mean()), 0.0
    return float(v.mean()), float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
