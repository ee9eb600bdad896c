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

import sympy as sp

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


def check_symmetry_remark() -> CheckResult:
    """Appendix A: '1/eps and 1/(1-eps) are symmetric' so -ln D and ln(1-D) resist equally."""
    a, b = 1 / eps, 1 / (1 - eps)
    mirror = sp.simplify(a.subs(eps, 1 - eps) - b) == 0
    ratio_at = {float(v): float((a / b).subs(eps, v)) for v in (0.1, 0.25, 0.5, 0.75)}
    equal_everywhere = all(abs(r - 1) < 1e-12 for r in ratio_at.values())
    cond = ("symmetric only as mirror images under eps <-> 1-eps; at the same eps the multipliers differ "
            "(equal only at eps = 1/2)")
    return CheckResult(
        id="appA.symmetry", item=5,
        claim="Appendix A: 1/eps and 1/(1-eps) are symmetric, so -ln D has the same anti-interference as ln(1-D)",
        checked="sympy mirror identity; ratio 1/eps : 1/(1-eps) at several eps",
        verdict=decide(mirror, condition=None if equal_everywhere else cond),
        condition=None if equal_everywhere else cond,
        evidence={"mirror_identity": mirror, "ratio_at_eps": ratio_at},
    )


def run():
    out = [check_multipliers()]
    for case in CASES:
        for loss in ("saturating", "non-saturating"):
            out.append(check_comparison(case, loss))
    out.append(check_symmetry_remark())
    return out
