"""The statistics the stages report over seeds: paired Wilcoxon tests and t confidence intervals."""
from __future__ import annotations

import numpy as np

#: Fewer paired differences than this give no Wilcoxon p-value: with 5 the smallest two-sided p is
#: 2/32 = 0.0625, so no test could reach 5 %.
MIN_PAIRS = 6
ALPHA = 0.05
#: The outcome of a comparison that had too few seeds for its test.
INCONCLUSIVE = "inconclusive"


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


def compare(a: dict, b: dict, lower_is_better=False) -> dict:
    """Paired comparison of ``a`` against ``b`` (``{pair key: value}``): does ``a`` do better?"""
    keys = sorted(set(a) & set(b), key=str)
    d = np.array([a[k] - b[k] for k in keys], float)
    if lower_is_better:
        d = -d
    p = paired_wilcoxon(d)
    if len(d) >= MIN_PAIRS and not np.any(d != 0):
        outcome = "no significant difference"  # identical in every pair (e.g. both censored): no effect
    elif not np.isfinite(p):
        outcome = INCONCLUSIVE
    elif p < ALPHA:
        outcome = "supports" if d.mean() > 0 else "contradicts"
    else:
        outcome = "no significant difference"
    return {"n": len(d), "mean_advantage": float(d.mean()) if len(d) else float("nan"), "p": p, "outcome": outcome}


def spread(a, b) -> dict:
    """Is the spread of ``a`` larger than that of ``b``?  Brown–Forsythe test, direction from the stds."""
    from scipy.stats import levene

    a, b = np.asarray(list(a), float), np.asarray(list(b), float)
    n = min(len(a), len(b))
    if n < MIN_PAIRS:
        return {"n": n, "std_ratio": float("nan"), "p": float("nan"), "outcome": INCONCLUSIVE}
    ratio = float(a.std(ddof=1) / max(b.std(ddof=1), 1e-300))
    p = float(levene(a, b, center="median").pvalue) if (a.std() > 0 or b.std() > 0) else 1.0
    outcome = ("supports" if ratio > 1 else "contradicts") if p < ALPHA else "no significant difference"
    return {"n": n, "std_ratio": ratio, "p": p, "outcome": outcome}
