"""The statistics the stages report over seeds: paired Wilcoxon tests and t confidence intervals."""
from __future__ import annotations

import numpy as np

#: Fewer paired differences than this give no Wilcoxon p-value (none below 0.05 is possible with 5).
MIN_PAIRS = 5


def paired_wilcoxon(d) -> float:
    """Two-sided Wilcoxon signed-rank p-value of the paired differences ``d``; NaN with fewer than
    :data:`MIN_PAIRS` pairs or when every difference is 0."""
    from scipy.stats import wilcoxon
    d = np.asarray(d, float)
    return float(wilcoxon(d).pvalue) if len(d) >= MIN_PAIRS and np.any(d != 0) else float("nan")


def mean_ci95(v) -> tuple[float, float]:
    """(mean, half-width of the 95 % t interval); half-width 0 for a single value."""
    from scipy import stats
    v = np.asarray(v, float)
    if len(v) < 2:
        return float(v.mean()), 0.0
    return float(v.mean()), float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
