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


def test_eq14_15_sets_and_union_bound_are_computed_and_flip():
    from mimgan.theory.checks import rare_sets

    r = rare_sets.check_eq14_15()
    assert r.verdict == HOLDS_WITH_ERRATUM and {e.equation for e in r.errata} == {"Eq. 14", "Eq. 15"}
    ex = r.evidence["exact"]
    # exact enumeration vs the binomial marginals: the union bound sandwich, and P{rare} above the per-k delta
    assert max(ex["per_k_tails"]) < ex["P_rare_some_k"] <= ex["sum_of_tails"] <= ex["K_max_tail"]
    assert ex["complements_if_some_and_all"] and ex["P_neither_set_if_both_read_for_all_k"] > 0.1
    assert rare_sets.check_eq14_15(union_factor=1).verdict == FAILS  # "P{rare} <= max_k P_k" is false
    # the exact set probabilities agree with a simulation of the same multinomial
    case = rare_sets.EXACT
    exact = rare_sets.exact_set_probabilities(case["p"], case["M"], case["xi"])
    sim = rare_sets.simulated_set_probabilities(case["p"], case["M"], case["xi"], 100_000, 1)
    assert all(abs(exact[k] - sim[k]) < 0.01 for k in exact)


def test_prop3_premise_and_corollary1_ends_flip():
    r = anti_interference.check_perfect_premise()
    assert r.verdict == HOLDS_UNDER_CONDITION and r.evidence["grid_brackets_boundary"]
    assert r.evidence["max_abs_grad_x_where_D_is_flat"] == 0.0
    assert anti_interference.check_perfect_premise(claimed_perfect=0.3).verdict == FAILS
    ends = anti_interference.check_interval_ends()
    assert ends.verdict == HOLDS_WITH_ERRATUM
    assert ends.evidence["undefined_at_closed_ends"] == ["perfect/saturating at 1", "perfect/non-saturating at 0"]
    bounded = dict(anti_interference.PRINTED)
    bounded[("perfect", "saturating")] = -1 / (2 - anti_interference.eps)
    bounded[("perfect", "non-saturating")] = -1 / (1 + anti_interference.eps)
    assert anti_interference.check_interval_ends(bounded).verdict == HOLDS


def test_corollary2_strongest_statement_and_eq20_divisor_flip():
    r = rare_events.check_cor2_strongest()
    assert r.verdict == HOLDS_WITH_ERRATUM and r.errata[0].kind == "understatement"
    assert r.evidence["sharp_boundary_p_plus_q_eq_1"] and r.evidence["largest_abs_eps_tested"] > 1
    swapped = rare_events.check_cor2_strongest(ups_mim=rare_events.upsilon_kl, ups_kl=rare_events.upsilon_mim)
    assert swapped.verdict == FAILS
    d = rare_events.check_eq20_divisor()
    assert d.verdict == HOLDS and d.evidence["divisor_solved"] == "-log(4)"
    assert d.evidence["divisor_is_L_KL_at_equilibrium"] and d.evidence["eq18_divisor_is_L_MIM_at_equilibrium"]
    assert rare_events.check_eq20_divisor(claimed_divisor=2 * sp.log(2)).verdict == FAILS


def test_anomaly_score_checks_flip():
    from mimgan.theory.checks import anomaly_score

    r = anomaly_score.check_eq24_sigmoid_output()
    assert r.verdict == HOLDS_UNDER_CONDITION and r.evidence["library_matches_symbolic_range"]
    assert abs(r.evidence["range_width"] - (np.log(2) - np.log(1 + np.exp(-1)))) < 1e-12
    assert anomaly_score.check_eq24_sigmoid_output((-sp.oo, sp.oo)).verdict == HOLDS  # on the logit: (0, inf)
    u = anomaly_score.check_unseen_discriminator()
    assert u.verdict == HOLDS_UNDER_CONDITION
    assert u.evidence["D_at_far_point"]["equilibrium Pg = P"]["mim_D_star"] == 0.5
    assert anomaly_score.check_unseen_discriminator(claimed_unseen=0.7).verdict == FAILS


def test_errata_list_covers_every_verdict_other_than_holds():
    from mimgan.theory.checks import run_all
    from mimgan.theory.report import errata

    results = run_all()
    assert not [r.id for r in results if r.verdict == "error"]
    listed = errata(results)
    for r in results:
        if r.verdict != HOLDS:
            assert r.errata or any(e.printed == r.claim for e in listed), r.id
    kinds = {e.kind for e in listed}
    assert {"typo", "over-claim", "condition", "understatement"} <= kinds


def test_mim_is_an_f_gan_with_the_hellinger_generator_and_flip():
    from mimgan.theory.checks import f_gan

    r = f_gan.check_mim_is_f_gan()
    assert r.verdict == HOLDS and r.evidence["f_of_u"] == "-2*sqrt(u)*exp(varpi/2)"
    assert r.evidence["max_rel_err_varpi_1"] < 1e-12 and r.evidence["d_star_is_half_plus_log_ratio_over_2varpi"]
    assert f_gan.check_mim_is_f_gan(claimed_f=lambda u, w: u * sp.log(u)).verdict == FAILS  # not KL
    # the conjugate machinery on a known pair: the original GAN (maximised over D, T = ln D) gives JS-type f
    T, f_star, f = f_gan.conjugate_pair(-sp.log(f_gan.Dv), -sp.log(1 - f_gan.Dv))
    u = f_gan.u
    assert sp.simplify(f - (u * sp.log(u) - (u + 1) * sp.log(u + 1))) == 0
