"""Item 6 (Section III-A): the rare and normal sets of Eq. 14 and the bound of Eq. 15.

Eq. 14 defines the rare set by "|m_k/M - p_k| >= xi, k = 1, ..., K" and the
normal set by "|m_k/M - p_k| < xi, k = 1, ..., K"; Eq. 15 bounds
P{rare} <= K max_k P{|m_k/M - p_k| >= xi} <= delta "from the weak law of large
numbers P{|m_k/M - p_k| < xi} > 1 - delta".  Both are computed on multinomial
counts: exactly (every outcome of a small M enumerated, binomial marginals)
and by simulation (a larger M).

* Quantifiers: the two sets are complements, and the union bound applies,
  only if the rare set means "for *some* k" and the normal set "for *all* k".
  Read with one quantifier for both, some outcomes are in neither set.
* Constant: the union bound gives P{rare} <= sum_k P_k <= K max_k P_k, so the
  per-k law-of-large-numbers bound must be delta/K for P{rare} <= delta; with
  the per-k bound delta as printed, P{rare} can exceed delta (it does below).
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy.stats import binom

from ..verdict import CheckResult, Erratum, decide

#: Small case, enumerated exactly; large case, simulated.
EXACT = {"p": (0.1, 0.3, 0.6), "M": 40, "xi": 0.08}
SIMULATED = {"p": (0.05, 0.15, 0.3, 0.5), "M": 200, "xi": 0.05, "draws": 200_000, "seed": 14}


def tail_probabilities(p, M, xi) -> np.ndarray:
    """P{|m_k/M - p_k| >= xi} for each k, exactly, from the binomial marginal m_k ~ Bin(M, p_k)."""
    m = np.arange(M + 1)
    out = []
    for pk in p:
        far = np.abs(m / M - pk) >= xi - 1e-12
        out.append(float(binom.pmf(m[far], M, pk).sum()))
    return np.array(out)


def exact_set_probabilities(p, M, xi) -> dict:
    """P{some k far}, P{all k far}, P{all k near} by enumerating every multinomial outcome."""
    p = np.asarray(p, float)
    K = len(p)
    from scipy.stats import multinomial

    some = every = near = 0.0
    for head in itertools.product(range(M + 1), repeat=K - 1):
        last = M - sum(head)
        if last < 0:
            continue
        m = np.array(head + (last,))
        pr = float(multinomial.pmf(m, M, p))
        far = np.abs(m / M - p) >= xi - 1e-12
        some += pr * far.any()
        every += pr * far.all()
        near += pr * (~far).all()
    return {"some_k_far": some, "all_k_far": every, "all_k_near": near}


def simulated_set_probabilities(p, M, xi, draws, seed) -> dict:
    m = np.random.default_rng(seed).multinomial(M, p, size=draws)
    far = np.abs(m / M - np.asarray(p)) >= xi - 1e-12
    return {"some_k_far": float(far.any(axis=1).mean()), "all_k_far": float(far.all(axis=1).mean()),
            "all_k_near": float((~far).all(axis=1).mean()), "draws": draws}


def check_eq14_15(union_factor=None, exact=EXACT, simulated=SIMULATED) -> CheckResult:
    """Eq. 14's sets and Eq. 15's chain P{rare} <= union_factor * max_k P_k <= delta, computed.

    ``union_factor`` is the printed K by default; a wrong factor (1: "P{rare} <= max_k P_k") must fail.
    """
    rows = {}
    union_ok = True
    for name, case in (("exact", exact), ("simulated", simulated)):
        p, M, xi = case["p"], case["M"], case["xi"]
        K = len(p)
        tails = tail_probabilities(p, M, xi)
        if name == "exact":
            sets = exact_set_probabilities(p, M, xi)
            slack = 1e-12
        else:
            sets = simulated_set_probabilities(p, M, xi, case["draws"], case["seed"])
            slack = 4 * np.sqrt(0.25 / case["draws"])  # four standard errors of a frequency
        factor = K if union_factor is None else union_factor
        rare = sets["some_k_far"]
        # The per-k WLLN bound as printed: delta is the largest per-k tail (P{near_k} > 1 - delta for every k).
        delta = float(tails.max())
        union_ok &= bool(rare <= factor * tails.max() + slack)
        rows[name] = {
            "p": list(p), "M": M, "xi": xi, "K": K, "per_k_tails": tails.round(6).tolist(),
            "P_rare_some_k": rare, "sum_of_tails": float(tails.sum()), "K_max_tail": float(K * tails.max()),
            "per_k_delta_as_printed": delta, "P_rare_exceeds_per_k_delta": bool(rare > delta + slack),
            "per_k_bound_needed_for_P_rare_le_delta": "delta / K",
            "P_neither_set_if_both_read_for_all_k": 1.0 - sets["all_k_far"] - sets["all_k_near"],
            "complements_if_some_and_all": bool(abs(sets["some_k_far"] + sets["all_k_near"] - 1) <= slack),
        }
    exceeds = all(r["P_rare_exceeds_per_k_delta"] for r in rows.values())
    neither = all(r["P_neither_set_if_both_read_for_all_k"] > 1e-3 for r in rows.values())
    complements = all(r["complements_if_some_and_all"] for r in rows.values())
    errata = []
    if neither and complements:
        errata.append(Erratum("Eq. 14", "rare set: |m_k/M - p_k| >= xi, k = 1, ..., K; normal set: |m_k/M - p_k| "
                              "< xi, k = 1, ..., K",
                              "rare set: |m_k/M - p_k| >= xi for SOME k; normal set: < xi for ALL k (read with one "
                              "quantifier the two sets are not complements: "
                              f"{rows['exact']['P_neither_set_if_both_read_for_all_k']:.3f} of the probability is "
                              "in neither, exact case)", kind="typo"))
    if exceeds:
        errata.append(Erratum("Eq. 15", "K max_k P{|m_k/M - p_k| >= xi} <= delta, from P{|m_k/M - p_k| < xi} > 1 - "
                              "delta", "the per-k bound must be P{|m_k/M - p_k| >= xi} <= delta/K; with the per-k "
                              "bound delta, the union bound gives only P{rare} <= K delta (exact case: P{rare} = "
                              f"{rows['exact']['P_rare_some_k']:.4f} > delta = "
                              f"{rows['exact']['per_k_delta_as_printed']:.4f})", kind="typo"))
    return CheckResult(
        id="eq14_15.rare_set_bound", item=6,
        claim="Eq. 14-15: rare/normal sets of multinomial counts; P{rare} <= K max_k P{|m_k/M - p_k| >= xi} <= delta "
              "from the per-k weak law of large numbers",
        checked=f"exact enumeration of all multinomial outcomes (K={len(exact['p'])}, M={exact['M']}) and "
                f"{simulated['draws']:,} simulated draws (K={len(simulated['p'])}, M={simulated['M']}); exact "
                "binomial per-k tails",
        verdict=decide(bool(union_ok), printed_steps_ok=not errata), errata=errata,
        evidence={"union_bound_holds": bool(union_ok), "union_factor": union_factor or "K", **rows},
    )


def run():
    return [check_eq14_15()]
