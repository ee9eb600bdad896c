"""Section IV's experimental claims, each with a computed verdict from the stored runs.

One row per claim: the statistic, the test, the seeds it had and a verdict:

* ``reproduced`` — every comparison the claim makes is significant (5 %) in the claimed direction;
* ``not reproduced`` — some comparison is significant the other way, or with enough seeds
  (>= :data:`..stats.MIN_PAIRS`) none shows the claimed effect;
* ``inconclusive`` — too few seeds for a test (the quick budget), with the count it had.

Comparisons of means are paired Wilcoxon signed-rank tests over common seeds (and settings);
claims about volatility are Brown–Forsythe tests (Levene's test about the median) of equal spread
over seeds, read in the direction of the two standard deviations.  Nothing is typed in: a rerun
on more seeds can change every verdict.
"""
from __future__ import annotations

import numpy as np

from ...nn import PAPER_FAMILIES
from ..stats import INCONCLUSIVE, compare, spread

REPRODUCED, NOT_REPRODUCED = "reproduced", "not reproduced"
MIM, ORIGINAL = "mim", "gan"  # the paper's method and the original GAN it is compared with
TARGET = (4.0, 1.25)  # Figure 1's N(mu, sigma)


def verdict(comparisons) -> str:
    outcomes = [c["outcome"] for c in comparisons]
    if not outcomes or INCONCLUSIVE in outcomes:
        return INCONCLUSIVE
    if all(o == "supports" for o in outcomes):
        return REPRODUCED
    return NOT_REPRODUCED


def _row(claim, source, statistic, test, comparisons, labels) -> dict:
    n = min((c["n"] for c in comparisons), default=0)
    detail = "; ".join(f"{lab}: {c['outcome']}" + (f" (p = {c['p']:.3g})" if np.isfinite(c["p"]) else "")
                       for lab, c in zip(labels, comparisons))
    return {"claim": claim, "source": source, "statistic": statistic, "test": test, "seeds": n,
            "verdict": verdict(comparisons), "detail": detail,
            "comparisons": [{"what": lab, **c} for lab, c in zip(labels, comparisons)]}


# ------------------------------------------------------------------------------------------------ Figure 1
def fig1_distance(record) -> float:
    """Distance of the generated distribution to N(4, 1.25) after the run: the recorded 1-D W1 when the run
    has it, else the W2 distance between N(4, 1.25) and the normal with the generated mean and std."""
    if "final_w1" in record:
        return float(record["final_w1"])
    return float(np.hypot(record["generated_mean"] - TARGET[0], record["generated_std"] - TARGET[1]))


def _fig1_values(records, key):
    out = {}
    for r in records:
        c = r["config"]
        out.setdefault(c["gan"], {})[(c["n_pretrain"], c["seed"], c.get("phase2_lr"))] = key(r)
    return out


def fig1_claims(records) -> list[dict]:
    if not records:
        return []
    dist = _fig1_values(records, fig1_distance)
    speed_key = "iterations_to_w1" if all("iterations_to_w1" in r for r in records) else "settle_iteration"
    speed = _fig1_values(records, lambda r: float(r[speed_key]))
    stat = ("W1 to N(4, 1.25)" if all("final_w1" in r for r in records)
            else "W2 of the generated mean/std to N(4, 1.25)")
    others = [g for g in PAPER_FAMILIES if g != ORIGINAL and g in dist]
    rows = []
    if "gan" in dist and others:
        rows.append(_row("Fig. 1: MIM, LSGAN and WGAN converge better than the original GAN", "fig1",
                         f"final {stat}, paired by (N, seed)", "Wilcoxon signed-rank, lower is better",
                         [compare(dist[g], dist["gan"], lower_is_better=True) for g in others],
                         [f"{g} vs gan" for g in others]))
        rows.append(_row("Fig. 1: ... and more stably (smaller spread over seeds)", "fig1",
                         f"spread of the final {stat} over (N, seed)", "Brown-Forsythe (Levene, median)",
                         [spread(dist["gan"].values(), dist[g].values()) for g in others],
                         [f"gan spread > {g}" for g in others]))
    rest = [g for g in PAPER_FAMILIES if g != MIM and g in speed]
    if "mim" in speed and rest:
        rows.append(_row("Fig. 1: MIM converges fastest", "fig1",
                         f"{speed_key.replace('_', ' ')}, paired by (N, seed)", "Wilcoxon signed-rank, lower is better",
                         [compare(speed["mim"], speed[g], lower_is_better=True) for g in rest],
                         [f"mim vs {g}" for g in rest]))
    return rows


# -------------------------------------------------------------------------------------------- Figures 2-5
def _detect_values(records, metric):
    out = {}
    for r in records:
        c = r["config"]
        reading = r.get("default_reading", "logit")
        out.setdefault(c["gan"], {})[(c.get("digit"), c["seed"])] = r["metrics"][reading][metric]
    return out


def _within_digit(values: dict) -> list[float]:
    """``{(digit, seed): value}`` -> each value minus the mean of its digit's values (one digit: a shift)."""
    by_digit = {}
    for (digit, _), v in values.items():
        by_digit.setdefault(digit, []).append(v)
    means = {d: float(np.mean(v)) for d, v in by_digit.items()}
    return [v - means[d] for (d, _), v in values.items()]


def _highest(values: dict, stat) -> str:
    """The GAN with the highest ``stat`` over its seeds; a NaN statistic never wins (max() would keep it)."""
    finite = {g: float(stat(list(v.values()))) for g, v in values.items()}
    finite = {g: x for g, x in finite.items() if np.isfinite(x)}
    return max(finite, key=finite.get) if finite else "none (no finite value)"


def detect_claims(groups) -> list[dict]:
    rows = []
    mnist = [r for label, rs in groups.items() if label.startswith("mnist") for r in rs]
    odds = {label: rs for label, rs in groups.items() if not label.startswith("mnist") and rs}
    if mnist:
        auc, f1 = _detect_values(mnist, "auc"), _detect_values(mnist, "f1_threshold")
        others = [g for g in PAPER_FAMILIES if g != MIM and g in auc]
        if "mim" in auc and others:
            rows.append(_row("Fig. 2: MIM improves AUC and F1 on MNIST over the other GANs", "detect mnist",
                             "AUC and F1 (Eq. 21 threshold), paired by (digit, seed)", "Wilcoxon signed-rank",
                             [compare(auc["mim"], auc[g]) for g in others] + [compare(f1["mim"], f1[g]) for g in others],
                             [f"AUC mim vs {g}" for g in others] + [f"F1 mim vs {g}" for g in others]))
        pairs = [(v, s) for v in ("gan", "wgan") for s in ("mim", "lsgan") if v in auc and s in auc]
        if pairs:
            # Volatility over seeds, not over digits: each AUC minus its GAN's mean on that digit (a digit that is
            # hard for every GAN must not count as volatility).
            res = {g: _within_digit(v) for g, v in auc.items()}
            rows.append(_row("Fig. 2: KL- and W-based results are more volatile than MIM's and LSGAN's", "detect mnist",
                             "spread of AUC over seeds within each digit (AUC minus the GAN's mean on that digit)",
                             "Brown-Forsythe (Levene, median)",
                             [spread(res[v], res[s]) for v, s in pairs],
                             [f"{v} spread > {s}" for v, s in pairs]))
    figs = {"cardio": "Fig. 3", "thyroid": "Fig. 4", "musk": "Fig. 5"}
    for label, rs in odds.items():
        auc, f1 = _detect_values(rs, "auc"), _detect_values(rs, "f1_threshold")
        others = [g for g in PAPER_FAMILIES if g != MIM and g in auc]
        if "mim" not in auc or not others:
            continue
        row = _row(f"{figs.get(label, label)}: MIM is better on {label} (median and mean of AUC and F1)",
                   f"detect {label}", "AUC and F1 (Eq. 21 threshold), paired by seed", "Wilcoxon signed-rank",
                   [compare(auc["mim"], auc[g]) for g in others] + [compare(f1["mim"], f1[g]) for g in others],
                   [f"AUC mim vs {g}" for g in others] + [f"F1 mim vs {g}" for g in others])
        highest = {name: _highest(vals, stat)
                   for name, vals, stat in (("mean AUC", auc, np.mean), ("median AUC", auc, np.median),
                                            ("mean F1", f1, np.mean), ("median F1", f1, np.median))}
        row["detail"] += "; highest " + ", ".join(f"{m}: {g}" for m, g in highest.items())
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------- rare events
def rare_claims(records) -> list[dict]:
    if not records:
        return []
    err = {}
    for r in records:
        c = r["config"]
        err.setdefault(c["gan"], {})[(c["dim"], c["p_rare"], c["seed"])] = abs(r["final_rare_mass"] - r["real_rare_mass"])
    others = [g for g in PAPER_FAMILIES if g != MIM and g in err]
    if "mim" not in err or not others:
        return []
    return [_row("Section III: MIM generates rare events better (rare-mode mass closer to the real p)", "rare-events",
                 "|q_hat - p|, paired by (dimension, p, seed)", "Wilcoxon signed-rank, lower is better",
                 [compare(err["mim"], err[g], lower_is_better=True) for g in others], [f"mim vs {g}" for g in others])]


def section4_claims(records: dict) -> list[dict]:
    """``records``: ``{stage name: {group label: [run records]}}`` as the report reads them."""
    fig1 = [r for rs in records.get("fig1", {}).values() for r in rs]
    rare = [r for rs in records.get("rare-events", {}).values() for r in rs]
    return fig1_claims(fig1) + detect_claims(records.get("detect", {})) + rare_claims(rare)
