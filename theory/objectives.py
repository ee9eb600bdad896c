"""Registry of GAN objectives (Eq. 1–4) and their optimal discriminators.

Each objective is written in the paper's general form (Eq. 2)

    L(D, G) = E_P[f(D(x))] + E_Pg[g(D(x))],

with the discriminator minimising (MIM, Eq. 4) or maximising (original GAN,
Eq. 1) it.  The pointwise integrand ``p f(D) + q g(D)`` is what Lemma 1 and its
counterparts optimise for every x separately.

Public functions
----------------
optimal_discriminator(kind, p, q)
    Pointwise optimal D, vectorised over arrays of densities.
value_at_optimum(kind, P, Q, bounded=False)
    The objective evaluated at that optimum, by plugging it in (not by the
    closed-form divergence, so the two can be compared).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from ._validate import densities, distribution_pair
from .quadrature import fast_logpdf, integrate_line

D, p, q = sp.symbols("D p q", positive=True)
u = sp.Symbol("u", real=True)


@dataclass(frozen=True)
class Objective:
    """One GAN family's objective in the form of Eq. 2.

    Attributes
    ----------
    name, title, equation : str
        Registry key, human name and where the paper (or the family's paper) states it.
    f, g : callable
        Sympy maps of the discriminator output for the real and generated terms.
    discriminator : {"min", "max"}
        What the discriminator does to ``L`` (MIM minimises, Eq. 4).
    generator_value : str
        The generator's criterion at the optimal D, as a divergence (text).
    equilibrium_value : sympy expression
        The generator criterion's value when P = Pg (2*sqrt(e) for MIM, Prop. 1).
    """

    name: str
    title: str
    equation: str
    f: Callable
    g: Callable
    discriminator: str
    generator_value: str
    equilibrium_value: sp.Expr

    def pointwise(self, dvar=u):
        """The integrand ``p f(D) + q g(D)`` optimised by the discriminator at each x."""
        return p * self.f(dvar) + q * self.g(dvar)


OBJECTIVES: dict[str, Objective] = {}


def register(obj: Objective) -> Objective:
    OBJECTIVES[obj.name] = obj
    return obj


register(Objective(
    "mim", "MIM-based GAN", "Eq. 3-4",
    f=lambda d: sp.exp(1 - d), g=lambda d: sp.exp(d), discriminator="min",
    generator_value="2*sqrt(e)*BC(P, Pg) = 2*sqrt(e)*exp(-R_1/2(P||Pg)/2)  (Eq. 7-9)",
    equilibrium_value=2 * sp.sqrt(sp.E),
))
register(Objective(
    "gan", "original GAN (minimax)", "Goodfellow et al. 2014; paper Eq. 19",
    f=lambda d: sp.log(d), g=lambda d: sp.log(1 - d), discriminator="max",
    generator_value="-ln 4 + 2*JSD(P||Pg)",
    equilibrium_value=-sp.log(4),
))
register(Objective(
    "gan-ns", "original GAN, non-saturating generator loss -ln D", "Goodfellow et al. 2014; paper Eq. 28",
    f=lambda d: sp.log(d), g=lambda d: sp.log(1 - d), discriminator="max",
    generator_value="E_Pg[-ln D*] = ln 2 + KL(Pg||P) - KL(Pg||M),  M = (P+Pg)/2",
    equilibrium_value=sp.log(2),
))
# LSGAN (Mao et al.) with targets a=0 (fake), b=1 (real), c=1 (generator):
# D minimises 1/2 E_P[(D-b)^2] + 1/2 E_Pg[(D-a)^2]; f, g below are that, negated
# nowhere: the discriminator *minimises* this L.
LSGAN_TARGETS = {"a": 0, "b": 1, "c": 1}
register(Objective(
    "lsgan", "LSGAN (a=0, b=1, c=1)", "Mao et al. 2017",
    f=lambda d: sp.Rational(1, 2) * (d - LSGAN_TARGETS["b"]) ** 2,
    g=lambda d: sp.Rational(1, 2) * (d - LSGAN_TARGETS["a"]) ** 2, discriminator="min",
    generator_value="1/2 E_{P+Pg}[(D*-c)^2] = 1/4 + 1/4*chi2_Pearson(Pg||M),  M = (P+Pg)/2",
    equilibrium_value=sp.Rational(1, 4),
))
register(Objective(
    "wgan", "Wasserstein GAN", "Arjovsky et al. 2017",
    f=lambda d: d, g=lambda d: -d, discriminator="max",
    generator_value="W1(P, Pg) over 1-Lipschitz critics",
    equilibrium_value=sp.Integer(0),
))


def get_objective(kind: str) -> Objective:
    """Look up an objective by name, with an error listing the valid names."""
    try:
        return OBJECTIVES[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown objective kind {kind!r}; expected one of {sorted(OBJECTIVES)}") from None


def equilibrium_value(kind: str) -> float:
    """The generator criterion at P = Pg (the normalising constant used by Figure 1)."""
    return float(get_objective(kind).equilibrium_value)


# ---------------------------------------------------------------- numerics

def _d_star_mim(p_, q_):
    if np.any((p_ == 0) & (q_ == 0)):
        raise ValueError("Lemma 1's D* = 1/2 + 1/2 ln(p/q) is undefined where p = q = 0")
    with np.errstate(divide="ignore"):
        return 0.5 + 0.5 * (np.log(p_) - np.log(q_))


def _d_star_ratio(p_, q_):
    s = p_ + q_
    if np.any(s == 0):
        raise ValueError("the optimal discriminator p/(p+q) is undefined where p = q = 0")
    return p_ / s


_D_STAR = {"mim": _d_star_mim, "gan": _d_star_ratio, "gan-ns": _d_star_ratio, "lsgan": _d_star_ratio}


def optimal_discriminator(kind: str, p, q):
    r"""Pointwise optimal discriminator for densities ``p`` (real) and ``q`` (generated).

    * ``"mim"``: Lemma 1, Eq. 5, :math:`D^* = \tfrac12 + \tfrac12\ln(p/q)`
      (``+inf``/``-inf`` where q or p vanishes: the optimum is not attained);
    * ``"gan"``/``"gan-ns"``: :math:`p/(p+q)` (the paper's :math:`D^*_{KL}`, Corollary 2);
    * ``"lsgan"``: :math:`(b p + a q)/(p+q) = p/(p+q)` for a=0, b=1.

    Parameters
    ----------
    kind : str
    p, q : array_like
        Non-negative density values; broadcast together.

    Returns
    -------
    numpy.ndarray or float
    """
    get_objective(kind)
    if kind not in _D_STAR:
        raise ValueError(f"objective {kind!r} has no pointwise optimal discriminator "
                         "(the WGAN critic is constrained to be 1-Lipschitz, not pointwise)")
    p_, q_ = densities(p, q)
    out = _D_STAR[kind](p_, q_)
    return out if out.ndim else float(out)


def _pointwise_value(kind, lp, lq, bounded=False):
    """Integrand of the criterion at the optimal D, from log-densities.

    Working with log-densities keeps far tails finite where the densities
    themselves underflow (e.g. -q ln D* with p ~ 1e-300); terms with zero
    weight contribute 0, the limit of the integrand.
    """
    lp, lq = np.broadcast_arrays(np.asarray(lp, float), np.asarray(lq, float))
    has_p, has_q = np.isfinite(lp), np.isfinite(lq)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if kind == "mim":
            dv = 0.5 + 0.5 * (lp - lq)
            if bounded:
                dv = np.clip(dv, 0.0, 1.0)
            a = np.where(has_p, np.exp(lp + 1 - dv), 0.0)
            b = np.where(has_q, np.exp(lq + dv), 0.0)
        else:
            lm = np.logaddexp(lp, lq)
            if kind == "gan":
                a = np.where(has_p, np.exp(lp) * (lp - lm), 0.0)
                b = np.where(has_q, np.exp(lq) * (lq - lm), 0.0)
            elif kind == "gan-ns":
                a = 0.0
                b = np.where(has_q, -np.exp(lq) * (lp - lm), 0.0)
            else:  # lsgan
                c = LSGAN_TARGETS["c"]
                dv = np.exp(lp - lm)
                a = np.where(has_p, 0.5 * np.exp(lp) * (dv - c) ** 2, 0.0)
                b = np.where(has_q, 0.5 * np.exp(lq) * (dv - c) ** 2, 0.0)
        return np.where(has_p | has_q, a + b, 0.0)


def _monotone_coupling_cost(P, Q) -> float:
    """W1 as the cost of the quantile coupling, integral of |F_P^-1(t) - F_Q^-1(t)| dt.

    Substituting t = Phi(s) turns the log-singular ends at t = 0, 1 into
    Gaussian-damped tails; upper quantiles use ``isf`` to avoid Phi(s) -> 1.
    """
    from scipy import stats
    from scipy.optimize import brentq
    std = stats.norm()

    def quantile(dist, s):
        return dist.ppf(std.cdf(s)) if s <= 0 else dist.isf(std.sf(s))

    gap = lambda s: quantile(P, s) - quantile(Q, s)  # noqa: E731
    grid = np.linspace(-8, 8, 1601)
    vals = np.array([gap(s) for s in grid])
    kinks = [brentq(gap, grid[i], grid[i + 1], xtol=1e-14)
             for i in np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)[0]]
    def integrand(s):
        w = std.pdf(s)
        return abs(gap(s)) * w if w > 0 else 0.0

    return integrate_line(integrand, std, extra_points=kinks)


def _mim_clip_points(P, Q) -> list[float]:
    """Points where ln(p/q) = +-1: kinks of the bounded MIM integrand (quadrature breakpoints)."""
    from scipy.optimize import brentq
    lo = min(P.ppf(1e-12), Q.ppf(1e-12))
    hi = max(P.ppf(1 - 1e-12), Q.ppf(1 - 1e-12))
    xs = np.linspace(lo, hi, 4001)
    pts = []
    for level in (-1.0, 1.0):
        h = lambda x: P.logpdf(x) - Q.logpdf(x) - level  # noqa: E731
        hv = h(xs)
        for i in np.nonzero(np.sign(hv[:-1]) * np.sign(hv[1:]) < 0)[0]:
            pts.append(brentq(h, xs[i], xs[i + 1], xtol=1e-14))
    return pts


def value_at_optimum(kind: str, P, Q, bounded: bool = False) -> float:
    r"""The criterion at the optimal discriminator, by direct substitution.

    For ``"mim"`` this is Eq. 6 with Lemma 1's :math:`D^*` plugged in (closed
    form :math:`2\sqrt{e}\,BC`, Eq. 7).  ``bounded=True`` restricts D to [0, 1]
    as a sigmoid output does (Section IV); since the MIM integrand is convex
    in D, the bounded optimum is :math:`\mathrm{clip}(D^*, 0, 1)` pointwise.
    For ``"gan"``/``"lsgan"`` D* already lies in [0, 1].  ``"gan-ns"`` and
    ``"lsgan"`` return the generator's criterion at D* (see ``OBJECTIVES``).
    ``"wgan"`` returns the optimal transport cost of the monotone coupling,
    :math:`\int_0^1 |F_P^{-1}(t) - F_Q^{-1}(t)|\,dt` (1-D distributions only).
    """
    get_objective(kind)
    form, P, Q = distribution_pair(P, Q)
    if kind == "wgan":
        if form == "discrete":
            raise ValueError("value_at_optimum('wgan') needs frozen 1-D scipy.stats distributions")
        return _monotone_coupling_cost(P, Q)

    if form == "discrete":
        with np.errstate(divide="ignore"):
            return float(np.sum(_pointwise_value(kind, np.log(P), np.log(Q), bounded)))

    extra = _mim_clip_points(P, Q) if (bounded and kind == "mim") else ()
    lp, lq = fast_logpdf(P), fast_logpdf(Q)
    return integrate_line(lambda x: float(_pointwise_value(kind, lp(x), lq(x), bounded)),
                          P, Q, extra_points=extra)
