"""Each major check computes its verdict: the paper's formula gives the expected verdict,
and a deliberately wrong formula flips it (mutation tests)."""
import numpy as np
import sympy as sp

from mimgan.theory import FAILS, HOLDS, HOLDS_UNDER_CONDITION, HOLDS_WITH_ERRATUM
from mimgan.theory.checks import anti_interference, eq26, lemma1, objectives, proposition1, proposition2, rare_events
from mimgan.theory.objectives import p, q


def test_objective_checks_hold_and_flip():
    assert objectives.check_objective("mim").verdict == HOLDS
    wrong_d = sp.Rational(1, 2) + sp.log(p / q)  # the proof's typo, as a claimed D*
    assert objectives.check_objective("mim", claimed_d_star=wrong_d).verdict == FAILS
    assert objectives.check_objective("gan", claimed_value=lambda P, Q: -np.log(4) + objectives.dv.jensen_shannon(P, Q)).verdict == FAILS
    assert objectives.check_wgan().verdict == HOLDS
    assert objectives.check_wgan(claimed_value=lambda P, Q: 1.1 * objectives.dv.wasserstein1(P, Q)).verdict == FAILS


def test_lemma1_erratum_is_computed():
    r = lemma1.check_lemma1()
    assert r.verdict == HOLDS_WITH_ERRATUM and r.errata[0].should_read == "u = 1/2 + (1/2) ln(a/b)"
    assert lemma1.check_lemma1(proof_stationary=lemma1.EQ5).verdict == HOLDS
    assert lemma1.check_lemma1(eq5=lemma1.PROOF_STATIONARY).verdict == FAILS
    assert lemma1.check_lemma1_range().verdict == HOLDS_UNDER_CONDITION
    assert lemma1.check_lemma1_range((sp.exp(-2), sp.exp(2))).verdict == FAILS


def test_eq7_prop1_eq8_eq9_flip():
    assert proposition1.check_eq7().verdict == HOLDS
    bad_lines = proposition1.EQ7_LINES[:2] + (proposition1.SQE * proposition1.P_,)
    assert proposition1.check_eq7(lines=bad_lines).verdict == FAILS
    assert proposition1.check_prop1().verdict == HOLDS
    assert proposition1.check_prop1(claimed_max=2 * np.e).verdict == FAILS
    assert proposition1.check_eq8().verdict == HOLDS_UNDER_CONDITION
    assert proposition1.check_eq8(lambda P, Q: float(np.sum(Q * (Q / P) ** 0.5))).verdict == FAILS
    assert proposition1.check_eq9().verdict == HOLDS
    assert proposition1.check_eq9(alpha=0.4).verdict == FAILS


def test_prop2_lines_and_factor_two():
    r = proposition2.check_prop2()
    assert r.verdict == HOLDS_UNDER_CONDITION
    assert all(abs(x - 2) < 1e-5 for x in r.evidence["fixed_over_total_ratios"])
    assert proposition2.check_prop2(line4_factor=1.0).verdict == FAILS


def test_anti_interference_ranges_and_flip():
    r = anti_interference.check_comparison("perfect", "non-saturating")
    assert r.verdict == HOLDS_UNDER_CONDITION and "LambertW(1)" in r.condition
    assert anti_interference.check_comparison("perfect", "saturating").verdict == HOLDS
    bad = dict(anti_interference.PRINTED)
    bad[("perfect", "mim")] = sp.exp(2 + anti_interference.eps)  # exceeds 1/(1-eps) everywhere near 0
    assert anti_interference.check_multipliers(bad).verdict == FAILS
    assert anti_interference.check_comparison("perfect", "saturating", printed=bad).verdict != HOLDS


def test_rare_event_checks_and_flip():
    assert rare_events.check_eq17().verdict == HOLDS
    assert rare_events.check_eq17(printed=rare_events.EQ17 * 1.01).verdict == FAILS
    assert rare_events.check_eq18().verdict == HOLDS
    e, p_, g = rare_events.e, rare_events.p, rare_events.g
    assert rare_events.check_eq18(num=rare_events.EQ18_NUM + e**2 * p_ ** (2 * g - 1) / 8).verdict == FAILS
    assert rare_events.check_eq19_20().verdict == HOLDS
    assert rare_events.check_eq19_20(num=rare_events.EQ20_NUM.subs(sp.log(2), 1)).verdict == FAILS
    r = rare_events.check_cor2_inequality()
    assert r.verdict == HOLDS and "p + q <= 1" in r.evidence["sharp_region"]
    swapped = rare_events.check_cor2_inequality(ups_mim=rare_events.upsilon_kl, ups_kl=rare_events.upsilon_mim)
    assert swapped.verdict == FAILS


def test_eq26_flip():
    assert eq26.check_eq26().verdict == HOLDS
    assert eq26.check_eq26(lines=(eq26._line1, eq26._line2, lambda x, P, G: P(x) * G(x))).verdict == FAILS
