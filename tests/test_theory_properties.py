"""Hypothesis property tests of the theorems on random distributions."""
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from mimgan import theory
from mimgan.theory.checks.anti_interference import PRINTED, eps

probs = st.lists(st.floats(0.01, 1.0), min_size=2, max_size=8)


def normalise(w):
    w = np.asarray(w, float)
    return w / w.sum()


@st.composite
def pairs(draw):
    a = draw(probs)
    b = draw(st.lists(st.floats(0.01, 1.0), min_size=len(a), max_size=len(a)))
    return normalise(a), normalise(b)


@settings(max_examples=200, deadline=None)
@given(pairs(), st.floats(-0.5, 0.5).filter(lambda d: abs(d) > 1e-6), st.sampled_from(["mim", "gan", "lsgan"]))
def test_d_star_beats_every_perturbation_pointwise(pq, delta, kind):
    P, Q = pq
    d = theory.optimal_discriminator(kind, P, Q)
    obj = theory.objective(kind)
    import sympy as sp
    f = sp.lambdify(sp.Symbol("u"), obj.f(sp.Symbol("u")), "numpy")
    g = sp.lambdify(sp.Symbol("u"), obj.g(sp.Symbol("u")), "numpy")
    with np.errstate(invalid="ignore", divide="ignore"):
        at = P * f(d) + Q * g(d)
        moved = P * f(d + delta) + Q * g(d + delta)
    ok = np.isnan(moved)  # a perturbation that leaves the domain cannot beat D*
    if obj.discriminator == "min":
        assert np.all(ok | (moved >= at - 1e-12))
    else:
        assert np.all(ok | (moved <= at + 1e-12))


@settings(max_examples=200, deadline=None)
@given(pairs(), st.booleans())
def test_mim_value_at_most_two_sqrt_e_with_equality_iff_equal(pq, bounded):
    P, Q = pq
    v = theory.value_at_optimum("mim", P, Q, bounded=bounded)
    top = 2 * np.sqrt(np.e)
    assert v <= top + 1e-12
    assert abs(theory.value_at_optimum("mim", P, P, bounded=bounded) - top) < 1e-12
    if np.max(np.abs(P - Q)) > 1e-3:
        assert v < top


@settings(max_examples=200, deadline=None)
@given(pairs())
def test_renyi_half_symmetric_and_tied_to_mim_value(pq):
    P, Q = pq
    r1, r2 = theory.renyi_divergence(P, Q, 0.5), theory.renyi_divergence(Q, P, 0.5)
    assert abs(r1 - r2) < 1e-12
    assert abs(theory.value_at_optimum("mim", P, Q) - 2 * np.sqrt(np.e) * np.exp(-r1 / 2)) < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(-3, 3), st.floats(0.3, 3), st.floats(-3, 3), st.floats(0.3, 3))
def test_gaussian_value_equals_closed_form(m1, s1, m2, s2):
    got = theory.value_at_optimum("mim", stats.norm(m1, s1), stats.norm(m2, s2))
    ref = 2 * np.sqrt(np.e) * theory.gaussian_bhattacharyya(m1, s1, m2, s2)
    assert abs(got - ref) <= 1e-10 * ref


@settings(max_examples=300, deadline=None)
@given(st.floats(0.001, 0.999), st.floats(0.001, 0.999))
def test_upsilon_inequality_inside_sharp_region_and_reversed_outside(p, q):
    assume(abs(p - q) > 1e-3 and abs(p + q - 1) > 1e-3)
    d = theory.upsilon_mim(p, q) - theory.upsilon_kl(p, q)
    if p + q < 1:
        assert d > 0
    else:
        assert d < 0


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-6, 1 - 1e-6))
def test_multiplier_comparisons_inside_and_outside_their_ranges(e):
    import sympy as sp
    val = lambda key: float(PRINTED[key].subs(eps, e))  # noqa: E731
    # Saturating loss: |m| >= MIM's on all of [0, 1).
    assert -val(("perfect", "saturating")) >= val(("perfect", "mim"))
    # Non-saturating: holds iff eps <= W(1).
    w1 = float(sp.LambertW(1))
    holds = -val(("perfect", "non-saturating")) >= val(("perfect", "mim"))
    if abs(e - w1) > 1e-9:
        assert holds == (e < w1)
    # Worst case, eps in (-1/2, 1/2): shift the draw.
    ew = e - 0.5
    assert -float(PRINTED[("worst", "saturating")].subs(eps, ew)) > float(PRINTED[("worst", "mim")].subs(eps, ew))
    holds_w = -float(PRINTED[("worst", "non-saturating")].subs(eps, ew)) >= float(PRINTED[("worst", "mim")].subs(eps, ew))
    if abs(ew - (w1 - 0.5)) > 1e-9:
        assert holds_w == (ew < w1 - 0.5)
