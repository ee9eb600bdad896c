"""The public theory API against independent closed forms, and its input validation."""
import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from mimgan import theory
from mimgan.theory import divergences as dv

GAUSS = [(0.0, 1.0, 1.0, 2.0), (4.0, 1.25, 3.0, 1.0), (-1.0, 0.5, 2.0, 1.5), (0.0, 3.0, 0.2, 0.4)]


def rel(a, b):
    return abs(a - b) / abs(b)


@pytest.mark.parametrize("pars", GAUSS)
def test_bhattacharyya_gaussian_closed_form(pars):
    mu1, s1, mu2, s2 = pars
    got = theory.bhattacharyya(stats.norm(mu1, s1), stats.norm(mu2, s2))
    assert rel(got, dv.gaussian_bhattacharyya(mu1, s1, mu2, s2)) < 1e-10


@pytest.mark.parametrize("pars", GAUSS)
@pytest.mark.parametrize("alpha", [0.25, 0.5, 0.8, 1.5])
def test_renyi_gaussian_closed_form(pars, alpha):
    mu1, s1, mu2, s2 = pars
    ref = dv.gaussian_renyi(mu1, s1, mu2, s2, alpha)
    got = theory.renyi_divergence(stats.norm(mu1, s1), stats.norm(mu2, s2), alpha)
    if np.isinf(ref):  # alpha*s2^2 + (1-alpha)*s1^2 <= 0: the integral diverges
        assert got == np.inf
    else:
        assert rel(got, ref) < 1e-10


def test_jensen_shannon_against_scipy_and_uniform_closed_form():
    rng = np.random.default_rng(0)
    for _ in range(20):
        P, Q = rng.dirichlet(np.ones(7)), rng.dirichlet(np.ones(7))
        assert rel(theory.jensen_shannon(P, Q), jensenshannon(P, Q) ** 2) < 1e-10
    # Uniform(0,1) vs Uniform(0.5,1.5): half the mass overlaps, JSD = ln(2)/2 exactly.
    got = theory.jensen_shannon(stats.uniform(0, 1), stats.uniform(0.5, 1))
    assert rel(got, 0.5 * np.log(2)) < 1e-10


def test_bhattacharyya_discrete_and_renyi_relation():
    P, Q = np.array([0.1, 0.2, 0.7]), np.array([0.3, 0.3, 0.4])
    bc = np.sqrt(0.03) + np.sqrt(0.06) + np.sqrt(0.28)
    assert rel(theory.bhattacharyya(P, Q), bc) < 1e-14
    assert rel(theory.renyi_divergence(P, Q, 0.5), -2 * np.log(bc)) < 1e-12


def test_kl_against_gaussian_closed_form():
    mu1, s1, mu2, s2 = 0.3, 1.2, -0.5, 0.7
    ref = np.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - 0.5
    assert rel(theory.kl_divergence(stats.norm(mu1, s1), stats.norm(mu2, s2)), ref) < 1e-10


def test_wasserstein_shift_and_value_at_optimum():
    P, Q = stats.norm(0, 1.5), stats.norm(2.5, 1.5)
    assert rel(theory.wasserstein1(P, Q), 2.5) < 1e-10
    assert rel(theory.value_at_optimum("wgan", P, Q), 2.5) < 1e-10


@pytest.mark.parametrize("pars", GAUSS)
def test_value_at_optimum_closed_forms(pars):
    mu1, s1, mu2, s2 = pars
    P, Q = stats.norm(mu1, s1), stats.norm(mu2, s2)
    assert rel(theory.value_at_optimum("mim", P, Q), 2 * np.sqrt(np.e) * dv.gaussian_bhattacharyya(*pars)) < 1e-10
    assert rel(theory.value_at_optimum("gan", P, Q), -np.log(4) + 2 * theory.jensen_shannon(P, Q)) < 1e-10
    assert rel(theory.value_at_optimum("lsgan", P, Q), 0.25 + 0.125 * theory.triangular_discrimination(P, Q)) < 1e-10


def test_bounded_mim_value_lies_between_unbounded_and_max():
    P, Q = stats.norm(0, 1), stats.norm(2, 1)
    unb, bnd = theory.value_at_optimum("mim", P, Q), theory.value_at_optimum("mim", P, Q, bounded=True)
    assert unb < bnd < 2 * np.sqrt(np.e)
    # Brute force: minimise the bounded pointwise problem on a D-grid and integrate on an x-grid.
    x = np.linspace(-10, 12, 20001)
    p, q = P.pdf(x), Q.pdf(x)
    d = np.clip(theory.optimal_discriminator("mim", p, q), 0, 1)
    brute = np.trapezoid(p * np.exp(1 - d) + q * np.exp(d), x)
    assert rel(bnd, brute) < 1e-6


def test_optimal_discriminator_values():
    np.testing.assert_allclose(theory.optimal_discriminator("mim", [1.0, np.e], [1.0, 1.0]), [0.5, 1.0])
    np.testing.assert_allclose(theory.optimal_discriminator("gan", [1.0, 3.0], [1.0, 1.0]), [0.5, 0.75])
    assert theory.optimal_discriminator("mim", 0.0, 1.0) == -np.inf


@pytest.mark.parametrize("call, match", [
    (lambda: theory.bhattacharyya([0.5, 0.6], [0.5, 0.5]), "not normalised"),
    (lambda: theory.bhattacharyya([-0.1, 1.1], [0.5, 0.5]), "negative"),
    (lambda: theory.bhattacharyya([0.5, 0.5], [0.2, 0.3, 0.5]), "mismatched shapes"),
    (lambda: theory.bhattacharyya([np.nan, 1.0], [0.5, 0.5]), "NaN"),
    (lambda: theory.renyi_divergence([0.5, 0.5], [0.5, 0.5], 1.0), "alpha = 1"),
    (lambda: theory.renyi_divergence([0.5, 0.5], [0.5, 0.5], 0.0), "alpha must be > 0"),
    (lambda: theory.renyi_divergence([0.5, 0.5], [0.5, 0.5], -2), "alpha must be > 0"),
    (lambda: theory.optimal_discriminator("bogus", 1.0, 1.0), "unknown objective"),
    (lambda: theory.optimal_discriminator("wgan", 1.0, 1.0), "1-Lipschitz"),
    (lambda: theory.optimal_discriminator("mim", [1.0, -1.0], [1.0, 1.0]), "negative"),
    (lambda: theory.optimal_discriminator("mim", [1.0, 2.0], [1.0, 1.0, 1.0]), "mismatched shapes"),
    (lambda: theory.optimal_discriminator("gan", 0.0, 0.0), "undefined"),
    (lambda: theory.value_at_optimum("nope", [0.5, 0.5], [0.5, 0.5]), "unknown objective"),
    (lambda: theory.value_at_optimum("mim", [0.5, 0.5], stats.norm()), "both"),
    (lambda: theory.wasserstein1([0.5, 0.5], [0.5, 0.5]), "1-D"),
    (lambda: theory.upsilon_mim(0.0, 0.1), "inside"),
    (lambda: theory.upsilon_kl(0.1, 1.2), "inside"),
])
def test_invalid_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_upsilon_approx_matches_exact_for_small_deviation():
    p, eps, gamma = 0.05, 0.01, 1.0
    q = float(theory.q_from(p, eps, gamma))
    assert rel(theory.upsilon_mim_approx(p, eps, gamma), theory.upsilon_mim(p, q)) < 1e-6
    assert rel(theory.upsilon_kl_approx(p, eps, gamma), theory.upsilon_kl(p, q)) < 1e-6


def test_equilibrium_values_from_registry():
    assert theory.equilibrium_value("mim") == pytest.approx(2 * np.sqrt(np.e), rel=1e-15)
    assert theory.equilibrium_value("gan") == pytest.approx(-np.log(4), rel=1e-15)
    assert theory.equilibrium_value("lsgan") == 0.25


def test_theory_inputs_outside_their_domain_are_refused():
    with pytest.raises(ValueError, match="undefined where p = q = 0"):
        theory.optimal_discriminator("mim", 0, 0)
    with pytest.raises(ValueError, match="standard deviation s1"):
        theory.gaussian_bhattacharyya(0, -1, 0, 1)
    with pytest.raises(ValueError, match="standard deviation s2"):
        theory.gaussian_renyi(0, 1, 0, 0, 0.5)
    for f in (theory.upsilon_kl_approx, theory.upsilon_mim_approx, theory.q_from):
        with pytest.raises(ValueError, match="q = p"):
            f(0.9, 5, 1)
    # N(0,1) against N(0, 0.5): (p - q)^2 / q grows like exp(1.5 x^2), the integral diverges
    assert theory.pearson_chi2(stats.norm(0, 1), stats.norm(0, 0.5)) == np.inf
    assert theory.pearson_chi2(stats.norm(0, 1), stats.norm(0.5, 1)) == pytest.approx(np.expm1(0.25), rel=1e-9)
