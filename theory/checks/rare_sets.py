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
                              "bound delta, the union bound gives only P{rare} <= K delta, and the printed P{rare} <= delta is false "
                              f"(exact case: P{{rare}} = {rows['exact']['P_rare_some_k']:.4f} > delta = "
                              f"{rows['exact']['per_k_delta_as_printed']:.4f}): a gap in the argument, not a misprint",
                              kind="logical gap"))
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


#: A multinomial where the per-k events "far" are disjoint and equally likely, so the union bound is an equality:
#: K = 3 uniform atoms, M = 3 draws, xi = 1/2 ("far" is m_k = 3, which at most one k can be).
TIGHT = {"p": (1 / 3, 1 / 3, 1 / 3), "M": 3, "xi": 0.5}


def check_eq15_strict(cases=(EXACT, TIGHT)) -> CheckResult:
    """Eq. 15's second line: P{normal} = 1 - P{rare} > 1 - delta, from P{rare} <= delta.

    With delta the tightest value the printed chain allows, delta = K max_k P_k, the strict '>' holds iff the
    union bound is strict.  Computed by exact enumeration on each case: in the default ``TIGHT`` case the union
    bound is an equality, P{normal} = 1 - delta exactly, and only '>=' follows.  Without such a case (``cases``
    of strict union bounds only) the printed '>' is not contradicted.
    """
    rows, tight = [], []
    for case in cases:
        p, M, xi = case["p"], case["M"], case["xi"]
        tails = tail_probabilities(p, M, xi)
        sets = exact_set_probabilities(p, M, xi)
        delta = float(len(p) * tails.max())
        normal = sets["all_k_near"]
        rows.append({"p": [round(v, 6) for v in p], "M": M, "xi": xi, "delta_K_max_tail": delta,
                     "P_rare": sets["some_k_far"], "P_normal": normal, "one_minus_delta": 1 - delta,
                     "strict_holds": bool(normal > 1 - delta + 1e-12)})
        if abs(normal - (1 - delta)) <= 1e-12:
            tight.append(case)
    errata = []
    if tight:
        errata.append(Erratum("Eq. 15", "P{Theta} = 1 - P{Theta-bar} > 1 - delta",
                              "P{Theta} >= 1 - delta: from P{Theta-bar} <= delta only '>=' follows (K = 3 uniform "
                              "atoms, M = 3, xi = 1/2: the per-k events are disjoint, the union bound is an equality "
                              "and P{Theta} = 1 - delta exactly)", kind="typo"))
    return CheckResult(
        id="eq15.strict", item=6,
        claim="Eq. 15: P{Theta} = 1 - P{Theta-bar} > 1 - delta",
        checked="exact enumeration: P{normal} against 1 - delta with delta = K max_k P{|m_k/M - p_k| >= xi} (the "
                "tightest delta the printed chain allows), on the Eq. 14 case and on a case with disjoint per-k events",
        verdict=decide(True, printed_steps_ok=not tight), errata=errata,
        evidence={"cases": rows, "cases_where_only_ge_holds": len(tight)},
    )


#: Proposition 4's binary model read with Eq. 14's notation: K = 2, p_1 = p.
BINARY = {"p1": 0.05, "M": 100, "xi": 0.02}


def check_p_notation(rare_set_probability=None, case=BINARY) -> CheckResult:
    """One symbol, two quantities: Section III-A sets P(Theta-bar) = p, Eq. 14 names the first atom's probability
    p (the distribution {p, p_2, ..., p_K}), and Proposition 4 takes P = {p, 1 - p} "corresponding to Eq. (15)".

    Computed on the binary model (K = 2, p_1 = p): P(Theta-bar), the probability of the rare *set* of count vectors
    (exact binomial), against p_1.  ``rare_set_probability(p1, M, xi)`` replaces the computation (a function
    returning p1 itself makes the two readings coincide and the check hold).
    """
    p1, M, xi = case["p1"], case["M"], case["xi"]
    if rare_set_probability is None:
        rare = float(exact_set_probabilities((p1, 1 - p1), M, xi)["some_k_far"]) if M <= 60 else \
            float(tail_probabilities((p1,), M, xi)[0])  # K = 2: m_2 = M - m_1, so "some k far" is "k = 1 far"
    else:
        rare = float(rare_set_probability(p1, M, xi))
    differ = abs(rare - p1) > 1e-9
    errata = []
    if differ:
        errata.append(Erratum("Eq. 14 vs Proposition 4 (notation)", "P(Theta-bar) = p; distribution {p, p_2, ..., "
                              "p_K}; P = {p, 1 - p} corresponding to Eq. (15)",
                              f"two quantities share the symbol p: the rare set's probability P(Theta-bar) (<= delta by "
                              f"Eq. 15) and the first atom's probability p_1; for the binary model p_1 = {p1:g}, M = "
                              f"{M}, xi = {xi:g} they are {rare:.4f} and {p1:g}. Proposition 4's p is the atom's "
                              "probability p_1 (its q = p + eps p^gamma perturbs an atom), so write p_1 in Eq. 14 and "
                              "keep P(Theta-bar) <= delta apart", kind="notation"))
    return CheckResult(
        id="eq14.p_notation", item=6,
        claim="Section III-A / Eq. 14 / Proposition 4: the p of P(Theta-bar) = p is the p of the distribution "
              "{p, p_2, ..., p_K} and of P = {p, 1 - p}",
        checked=f"binary model p_1 = {p1:g}, M = {M}, xi = {xi:g}: P(Theta-bar) from the exact binomial law of m_1",
        verdict=decide(True, printed_steps_ok=not differ), errata=errata,
        evidence={"p1": p1, "M": M, "xi": xi, "P_rare_set": rare, "readings_coincide": not differ},
    )


def run():
    return [check_eq14_15(), check_eq15_strict(), check_p_notation()]
