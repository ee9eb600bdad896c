"""Item 5: Proposition 3, Corollary 1 and Appendix A (Eq. 12–13, 27–30).

The generator gradient is (multiplier) x E[grad_x D grad_theta g].  The
multiplier is d/dD of the generator's per-sample loss at the disturbed D:

* MIM, exp(D): perfect D~* = 0 -> D = eps; worst D* = 1/2 -> D = 1/2 + eps;
* saturating GAN, ln(1 - D); non-saturating GAN, -ln D.

Appendix A compares magnitudes, |m_GAN(eps)| >= |m_MIM(eps)| (the paper's
reading of "more anti-interference").  A second reading, the sensitivity
|d ln m / d eps| (how strongly the disturbance rescales the gradient), is
reported alongside.  Each comparison's exact eps-range is computed.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..objectives import optimal_discriminator
from ..verdict import CheckResult, Erratum, decide
from .ranges import covers, nonnegative_set

eps = sp.Symbol("epsilon", real=True)
Dv = sp.Symbol("D", real=True)
HALF = sp.Rational(1, 2)

LOSSES = {"mim": sp.exp(Dv), "saturating": sp.log(1 - Dv), "non-saturating": -sp.log(Dv)}
CASES = {
    # case: (D at the disturbed point, domain lo, hi, lo_open, hi_open)
    "perfect": (eps, 0, 1, False, False),
    "worst": (HALF + eps, -0.5, 0.5, True, True),
}
#: Multipliers as printed: Eq. 12, 13 (MIM) and Eq. 27-30 (original GAN).
PRINTED = {
    ("perfect", "mim"): sp.exp(eps), ("worst", "mim"): sp.exp(HALF + eps),
    ("perfect", "saturating"): -1 / (1 - eps), ("perfect", "non-saturating"): -1 / eps,
    ("worst", "saturating"): -1 / (HALF - eps), ("worst", "non-saturating"): -1 / (HALF + eps),
}
EQUATION = {("perfect", "mim"): "Eq. 12", ("worst", "mim"): "Eq. 13", ("perfect", "saturating"): "Eq. 27",
            ("perfect", "non-saturating"): "Eq. 28", ("worst", "saturating"): "Eq. 29",
            ("worst", "non-saturating"): "Eq. 30"}


def multiplier(case, loss):
    """d(loss)/dD at the disturbed discriminator value (chain rule of Eq. 12)."""
    d_at = CASES[case][0]
    return sp.simplify(sp.diff(LOSSES[loss], Dv).subs(Dv, d_at))


def _domain(case, loss):
    _, lo, hi, lo_open, hi_open = CASES[case]
    # Where the GAN multiplier is infinite the comparison is undefined: open that end.
    m = PRINTED[(case, loss)]
    if sp.limit(m, eps, lo, "+").is_infinite:
        lo_open = True
    if sp.limit(m, eps, hi, "-").is_infinite:
        hi_open = True
    return lo, hi, lo_open, hi_open


def check_multipliers(printed=None) -> CheckResult:
    """Eq. 12–13 and 27–30: every printed multiplier equals the chain-rule derivative."""
    printed = PRINTED if printed is None else printed
    bad = {}
    for (case, loss), m in printed.items():
        diff = sp.simplify(multiplier(case, loss) - m)
        if diff != 0:
            bad[EQUATION[(case, loss)]] = str(diff)
    return CheckResult(
        id="prop3.multipliers", item=5,
        claim="Eq. 12-13, 27-30: gradient multipliers exp(eps), exp(1/2+eps), -1/(1-eps), -1/eps, "
              "-1/(1/2-eps), -1/(1/2+eps)",
        checked="sympy derivative of each generator loss w.r.t. D at the disturbed D",
        verdict=decide(not bad),
        evidence={"mismatches": bad, "derived": {EQUATION[k]: str(multiplier(*k)) for k in printed}},
    )


def check_comparison(case, loss, printed=None) -> CheckResult:
    """Range of eps on which |m_loss| >= |m_MIM| (Appendix A), and the sensitivity reading."""
    printed = PRINTED if printed is None else printed
    lo, hi, lo_open, hi_open = _domain(case, loss)
    m_gan, m_mim = printed[(case, loss)], printed[(case, "mim")]
    # On the domain the signs are fixed (GAN multipliers < 0, MIM's > 0), so |a| - |b| = -a - b.
    magnitude = -m_gan - m_mim
    iv, roots = nonnegative_set(magnitude, eps, lo, hi, lo_open, hi_open)
    sens = sp.simplify(sp.Abs(sp.diff(sp.log(-m_gan), eps)) - sp.Abs(sp.diff(sp.log(m_mim), eps)))
    iv_s, _ = nonnegative_set(sens, eps, lo, hi, lo_open, hi_open)
    whole = covers(iv, lo, hi)
    rng = ", ".join(str(i) for i in iv) or "empty"
    named = "; ".join(f"{v:.10g} = {s}" for v, s in roots.items())
    cond = None if whole or not iv else f"eps in {rng}" + (f" (end point {named})" if named else "")
    errata = []
    if cond:
        errata.append(Erratum(f"Corollary 1 / Appendix A ({EQUATION[(case, loss)]} vs {EQUATION[(case, 'mim')]})",
                              f"MIM gradient multiplier smaller than the {loss} GAN's for all eps in "
                              f"{'[0, 1]' if case == 'perfect' else '|eps| < 1/2'}",
                              f"only for {cond}", kind="over-claim"))
    return CheckResult(
        id=f"cor1.{case}.{loss}", item=5,
        claim=f"Corollary 1 ({case} discriminator): MIM's multiplier |{m_mim}| <= {loss} GAN's |{m_gan}|",
        checked="sign of |m_GAN| - |m_MIM| on the domain (grid + mpmath roots + sympy closed forms); "
                "sensitivity reading |d ln m/d eps| compared too",
        verdict=decide(bool(iv), condition=cond), condition=cond, errata=errata,
        evidence={"domain": f"{'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}",
                  "magnitude_reading_holds_on": rng, "boundary_points": {str(k): v for k, v in roots.items()},
                  "sensitivity_reading_holds_on": ", ".join(str(i) for i in iv_s) or "empty",
                  "sensitivity_reading_whole_domain": covers(iv_s, lo, hi)},
    )


#: Appendix A's two "symmetric" pairs: (multipliers a, b, the mirror map, the domain as printed).
SYMMETRY_PAIRS = {
    "first": (1 / eps, 1 / (1 - eps), 1 - eps, "eps in [0, 1]", (0.1, 0.25, 0.5, 0.75)),
    "second": (1 / (HALF - eps), 1 / (HALF + eps), -eps, "|eps| < C < 1/2", (-0.4, -0.25, 0.0, 0.25, 0.4)),
}


def check_symmetry_remark(pair="first", multipliers=None) -> CheckResult:
    """Appendix A: 'a and b are symmetric', so -ln D and ln(1-D) resist a disturbance equally.

    ``pair`` is the first remark (1/eps and 1/(1-eps), eps in [0, 1]) or the second (1/(1/2-eps) and 1/(1/2+eps),
    |eps| < C < 1/2).  Computed: whether b is a's mirror image under the pair's map on the whole domain, and
    the ratio a/b at the same eps.  ``multipliers=(a, b)`` replaces the pair (a pair that is not a mirror image
    must fail; two equal multipliers make the remark hold outright).
    """
    a, b, mirror_map, domain, points = SYMMETRY_PAIRS[pair]
    if multipliers is not None:
        a, b = multipliers
    mirror = sp.simplify(a.subs(eps, mirror_map) - b) == 0
    ratio_at = {float(v): float((a / b).subs(eps, v)) for v in points}
    equal_everywhere = all(abs(r - 1) < 1e-12 for r in ratio_at.values())
    equal_at = [str(r) for r in sp.solve(sp.Eq(a, b), eps)] if not equal_everywhere else ["everywhere"]
    evidence = {"mirror_identity": mirror, "mirror_map": f"eps -> {mirror_map}", "ratio_at_eps": ratio_at,
                "equal_only_at": equal_at}
    if pair == "first":
        cond = ("symmetric only as mirror images under eps <-> 1-eps; at the same eps the multipliers differ "
                "(equal only at eps = 1/2)")
    else:
        # The mirror identity holds on all of |eps| < 1/2: the constant C restricts nothing; the ratio at the same
        # eps, (1/2+eps)/(1/2-eps), is bounded by (1/2+C)/(1/2-C) on |eps| < C and unbounded as C -> 1/2.
        C = sp.Symbol("C", positive=True)
        ratio = (HALF + eps) / (HALF - eps)
        ratio = ratio if sp.simplify(a / b - ratio) == 0 else sp.factor(sp.simplify(a / b))
        bound = ratio.subs(eps, C)
        evidence["ratio_bound_on_abs_eps_lt_C"] = str(bound)
        evidence["ratio_bound_at_C"] = {c: float(bound.subs(C, c)) for c in (0.1, 0.25, 0.4, 0.49)}
        cond = (f"symmetric only as mirror images under eps -> -eps, which holds on the whole of |eps| < 1/2 (the "
                f"constant C adds nothing); at the same eps the magnitudes differ by the factor {ratio} "
                f"(equal only at eps = {', '.join(equal_at)}), up to {bound} for |eps| < C, so the two GAN losses do "
                "not resist a given disturbance equally")
    condition = None if equal_everywhere else cond
    return CheckResult(
        id="appA.symmetry" if pair == "first" else "appA.symmetry_second", item=5,
        claim=(f"Appendix A: {a} and {b} are symmetric ({domain}), so -ln D has the same anti-interference as "
               "ln(1-D)"),
        checked="sympy mirror identity under the pair's map; ratio of the multipliers at the same eps; sympy "
                "solution of a = b",
        verdict=decide(mirror, condition=condition), condition=condition, evidence=evidence,
    )


def check_worst_premise(claimed_worst=0.5, eps_amplitude=0.1) -> CheckResult:
    """Eq. 13's premise: D(g(z)) = 1/2 on every generated point ("the training equilibrium is achieved").

    Lemma 1's D* (and its [0, 1] clip) is 1/2 exactly where P = Pg, so on every generated point only at the
    equilibrium; there D is constant on the generator's support, grad_x D = 0, and with a constant eps Eq. 13's
    gradient exp(1/2 + eps) E[grad_x D grad_theta g] is 0 for every eps, as Eq. 12's is under its premise.
    With an x-dependent eps(x) the first (chain-rule) line holds but exp(1/2 + eps) cannot leave the
    expectation: the printed last line, with eps replaced by its mean, is off by the relative error reported.
    """
    ratios = np.geomspace(1e-3, 1e3, 601)
    d_star = optimal_discriminator("mim", ratios, np.ones_like(ratios))
    at_claim = np.abs(d_star - claimed_worst) < 1e-12
    where = ratios[at_claim]
    only_at_equilibrium = bool(where.size == 1 and abs(where[0] - 1) < 1e-12)
    z, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / np.sqrt(2 * np.pi)
    theta0, h = 0.3, 1e-6

    def objective(theta, amp, base=0.1):
        x = theta + z  # location generator
        return float(w @ np.exp(claimed_worst + base + amp * np.sin(x)))

    constant = (objective(theta0 + h, 0.0) - objective(theta0 - h, 0.0)) / (2 * h)
    true_grad = (objective(theta0 + h, eps_amplitude) - objective(theta0 - h, eps_amplitude)) / (2 * h)
    x0 = theta0 + z
    eps_x = 0.1 + eps_amplitude * np.sin(x0)
    grad_d = eps_amplitude * np.cos(x0)  # grad_x D, D = 1/2 + eps(x)
    line1 = float(w @ (np.exp(claimed_worst + eps_x) * grad_d))
    pulled_out = float(np.exp(claimed_worst + w @ eps_x) * (w @ grad_d))
    ok = only_at_equilibrium and abs(constant) < 1e-8 and abs(line1 - true_grad) < 1e-7 * max(abs(true_grad), 1)
    cond = ("only at the equilibrium P = Pg (D* = 1/2 exactly where P/Pg = 1); there D is constant on the generated "
            "points, so grad_x D = 0 and Eq. 13's gradient is 0 for every constant eps (the comparison with Eq. 29-30 "
            "is between zero gradients); an x-dependent eps(x) keeps the chain-rule line but exp(1/2 + eps) cannot be "
            f"pulled out of the expectation (relative error {abs(pulled_out - line1) / abs(line1):.3g} for "
            f"eps(x) = 0.1 + {eps_amplitude:g} sin x)")
    errata = []
    if ok:
        errata.append(Erratum("Proposition 3 (Eq. 13) premise", "D(g(z)) - 1/2 = eps with D~*(g(z)) = 1/2, then "
                              "exp(1/2 + eps) E[grad_x D grad_theta g]",
                              "D~* = 1/2 on the generated points only at P = Pg, where grad_x D~* = 0: with a constant "
                              "eps the generator gradient is 0; with eps(x) the factor exp(1/2 + eps(x)) stays inside "
                              "the expectation", kind="over-claim"))
    return CheckResult(
        id="prop3.worst_premise", item=5,
        claim="Proposition 3: D~*(g(z)) = 1/2 is the worst discriminator (the equilibrium), and Eq. 13 follows with "
              "grad_x D",
        checked="Lemma 1's D* over 601 ratios P/Pg in [1e-3, 1e3]; a location generator with D = 1/2 + eps(x), "
                "Gauss-Hermite expectations, central differences in theta",
        verdict=decide(ok, condition=cond if ok else None), condition=cond if ok else None, errata=errata,
        evidence={"claimed_worst_value": claimed_worst, "ratios_where_D_star_is_claimed": where.tolist()[:5],
                  "only_at_P_eq_Pg": only_at_equilibrium, "gradient_with_constant_eps": constant,
                  "gradient_with_eps_of_x": true_grad, "chain_rule_line_with_eps_of_x": line1,
                  "printed_last_line_with_mean_eps": pulled_out},
    )


def run():
    out = [check_multipliers()]
    for case in CASES:
        for loss in ("saturating", "non-saturating"):
            out.append(check_comparison(case, loss))
    out.append(check_symmetry_remark("first"))
    out.append(check_symmetry_remark("second"))
    out.append(check_interval_ends())
    out.append(check_perfect_premise())
    out.append(check_worst_premise())
    return out


#: The stated ends of eps in Corollary 1: [0, 1] (perfect discriminator), |eps| < 1/2 (worst).
STATED_ENDS = {"perfect": ((0, True), (1, True)), "worst": ((-HALF, False), (HALF, False))}


def check_interval_ends(printed=None) -> CheckResult:
    """Corollary 1: is each multiplier defined at the stated ends of eps (closed [0, 1], open |eps| < 1/2)?"""
    printed = PRINTED if printed is None else printed
    undefined, ends = [], {}
    for (case, loss), m in printed.items():
        for end, closed in STATED_ENDS[case]:
            side = "+" if end == STATED_ENDS[case][0][0] else "-"
            value = sp.limit(m, eps, end, side)
            finite = bool(value.is_finite)
            ends[f"{EQUATION[(case, loss)]} at eps={end}"] = str(value)
            if closed and not finite:
                undefined.append((case, loss, end))
    errata = []
    if undefined:
        fixes = []
        for case, loss, end in undefined:
            lo, hi = STATED_ENDS[case][0][0], STATED_ENDS[case][1][0]
            fixes.append(f"eps in {'(' if end == lo else '['}{lo}, {hi}{')' if end == hi else ']'} for the {loss} "
                         f"GAN ({EQUATION[(case, loss)]}: {printed[(case, loss)]} is unbounded at eps = {end})")
        errata.append(Erratum("Corollary 1 / Appendix A", "eps in [0, 1] (perfect discriminator)",
                              "; ".join(fixes) + "; MIM's exp(eps) is defined on all of [0, 1]", kind="typo"))
    return CheckResult(
        id="cor1.interval_ends", item=5,
        claim="Corollary 1: the comparison holds for eps in [0, 1] (perfect D) and |eps| < 1/2 (worst D)",
        checked="sympy one-sided limit of every printed multiplier (Eq. 12-13, 27-30) at each stated end",
        verdict=decide(True, printed_steps_ok=not undefined), errata=errata,
        evidence={"limits_at_ends": ends, "undefined_at_closed_ends": [f"{c}/{l} at {e}" for c, l, e in undefined]},
    )


def check_perfect_premise(claimed_perfect=0.0) -> CheckResult:
    """Proposition 3's premise: D~*(g(z)) = ``claimed_perfect`` is 'the ideal perfect discriminator', D in [0, 1].

    Lemma 1's D* = 1/2 + 1/2 ln(P/Pg) is 0 only where P/Pg = 1/e; on generated points off the data
    (P -> 0) it goes to -infinity.  A [0, 1]-valued D's optimum is the minimiser of
    P e^(1-u) + Pg e^u on [0, 1] (brute force here), clip(D*, 0, 1): it is 0 exactly where P/Pg <= 1/e,
    and there it is constant, so grad_x D = 0 and Eq. 12's gradient vanishes whatever eps multiplies.
    """
    ratios = np.geomspace(1e-6, 1e2, 400)
    grid = np.linspace(0, 1, 20001)
    brute = np.array([grid[np.argmin(r * np.exp(1 - grid) + np.exp(grid))] for r in ratios])
    clipped = np.clip(0.5 + 0.5 * np.log(ratios), 0, 1)
    brute_vs_clip = float(np.abs(brute - clipped).max())
    unbounded = 0.5 + 0.5 * np.log(ratios)
    # Where is the constrained optimum the claimed 'perfect' value?
    at_claim = np.abs(clipped - claimed_perfect) < 1e-9
    ratio_max_at_claim = float(ratios[at_claim].max()) if at_claim.any() else float("nan")
    # Where clip(D*) = c: up to P/Pg = exp(2c - 1); the grid must bracket that end (1/e for c = 0).
    boundary = float(np.exp(2 * claimed_perfect - 1))
    above = ratios[ratios > ratio_max_at_claim] if at_claim.any() else ratios
    bracketed = bool(at_claim.any()) and ratio_max_at_claim <= boundary <= float(above.min(initial=np.inf))
    # A generator far from the data: P = N(0, 1), Pg = N(3, 1); D = clip(D*) on the generated points.
    x = np.linspace(1.5, 6, 451)
    d_clip = np.clip(optimal_discriminator("mim", _normal_pdf(x, 0, 1), _normal_pdf(x, 3, 1)), 0, 1)
    grad = np.gradient(d_clip, x)
    flat = d_clip == claimed_perfect
    grad_where_flat = float(np.abs(grad[1:-1][flat[1:-1] & flat[:-2] & flat[2:]]).max()) if flat.sum() > 2 else np.nan
    holds_somewhere = bracketed and brute_vs_clip < 1e-4
    cond = None
    errata = []
    if holds_somewhere:
        cond = (f"only for a [0, 1]-valued D and only where P(x)/Pg(x) <= {boundary:.6g} (1/e): Lemma 1's "
                "D* itself is 0 only on the set P/Pg = 1/e and tends to -infinity off the data; where the "
                f"constrained optimum is {claimed_perfect:g} it is constant, so grad_x D = 0 and Eq. 12's generator "
                "gradient is 0 for every eps (the multiplier comparison is then between zero gradients)")
        errata.append(Erratum("Proposition 3 (Eq. 12) premise", "D~*(g(z)) = 0 is the ideal perfect discriminator, "
                              "D in [0, 1]", "D~* = clip(D*_MIM, 0, 1), which is 0 where P/Pg <= 1/e; there "
                              "grad_x D~* = 0, so a disturbance eps that is constant in x leaves the generator no "
                              "gradient; Lemma 1's unconstrained D* is unbounded below (not 0) off the data",
                              kind="over-claim"))
    return CheckResult(
        id="prop3.perfect_premise", item=5,
        claim="Proposition 3: D~*(g(z)) = 0 is the ideal perfect discriminator (D in [0, 1]), and Eq. 12 follows "
              "with grad_x D",
        checked="brute-force minimiser of P e^(1-u) + Pg e^u over u in [0, 1] for 400 ratios P/Pg vs clip(D*); "
                "Lemma 1's D*; finite-difference grad_x of clip(D*) for P = N(0,1), Pg = N(3,1)",
        verdict=decide(holds_somewhere, condition=cond), condition=cond, errata=errata,
        evidence={"brute_force_vs_clip_max_abs": brute_vs_clip, "claimed_perfect_value": claimed_perfect,
                  "largest_grid_ratio_where_constrained_optimum_is_claimed": ratio_max_at_claim,
                  "boundary_ratio_exp_2c_minus_1": boundary, "grid_brackets_boundary": bracketed,
                  "one_over_e": float(np.exp(-1)), "unconstrained_D_star_at_ratio_1e-6": float(unbounded[0]),
                  "max_abs_grad_x_where_D_is_flat": grad_where_flat,
                  "fraction_of_generated_grid_where_D_is_flat": float(flat.mean())},
    )


def _normal_pdf(x, mu, sd):
    return np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
