r"""The objective lab: what theory says about *any* registered objective, computed from its symbolic form.

For an objective ``L = E_P[f(D)] + E_Pg[g(D)]`` (Eq. 2) and its generator criterion
``E_P[a(D)] + E_Pg[b(D)]`` (``(a, b) = (f, g)`` unless the family sets one):

* :func:`d_star_numeric` — the pointwise optimal D by a numeric optimiser, to cross-check
  sympy's closed form (:attr:`theory.objectives.Objective.d_star`) and to stand in where
  sympy finds none;
* :func:`phi` — the criterion at D* per unit of Pg mass as a function of the likelihood ratio
  ``t = p/q``, so that the value at the optimum is :math:`\int q\,\varphi(p/q)`;
* :func:`identify` — that value as an f-divergence: :math:`V = \varphi(1) + c\,D_{f}(P\|P_g)`
  with :math:`f(t) = \varphi(t) - \varphi(1) - \varphi'(1)(t - 1)`, matched against named
  divergences up to the factor c;
* :func:`upsilon` — Proposition 4's rare-event share Υ(p, q) for the two-point model, and
  :func:`sharp_region` its region against the original GAN's Υ_KL (Corollary 2's p + q < 1 for MIM);
* :func:`multiplier` / :func:`multiplier_ranges` — the generator's gradient multiplier
  :math:`|\partial \ell_G/\partial v|` (Proposition 3, Appendix A) and the ε-ranges where it is
  smaller than the saturating and the non-saturating GAN's.

Nothing here branches on the objective's name.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp
from scipy.optimize import brentq, minimize_scalar

from ..nn.objectives.base import D as _D, v as _v
from .objectives import OBJECTIVES, objective, p, q
from .quadrature import fast_logpdf

t = sp.Symbol("t", positive=True)

#: Named f-divergence generators (each up to a positive factor and affine terms in t).
NAMED = {
    "KL(P||Pg)": t * sp.log(t),
    "reverse KL, KL(Pg||P)": -sp.log(t),
    "Pearson chi2(P||Pg)": (t - 1) ** 2,
    "Neyman chi2(P||Pg)": (t - 1) ** 2 / t,
    "squared Hellinger": (sp.sqrt(t) - 1) ** 2,
    "Jensen-Shannon (2 JSD)": t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2),
    "triangular discrimination": (t - 1) ** 2 / (t + 1),
}


def kinds(pointwise_only: bool = False) -> list[str]:
    """Every theory kind of the registry (those with a pointwise optimum, if asked)."""
    return [k for k, o in OBJECTIVES.items() if not (pointwise_only and o.symbolic.lipschitz)]


# ----------------------------------------------------------------- optimum

def _stretch_around(vals, i0):
    """``vals`` with everything outside the run of finite values around index ``i0`` set to inf."""
    if not np.isfinite(vals[i0]):
        return vals
    bad = ~np.isfinite(vals)
    left = np.nonzero(bad[:i0])[0]
    right = np.nonzero(bad[i0:])[0]
    out = np.full_like(vals, np.inf)
    lo = left[-1] + 1 if left.size else 0
    hi = i0 + right[0] if right.size else len(vals)
    out[lo:hi] = vals[lo:hi]
    return out


def d_star_numeric(kind: str, p_, q_) -> np.ndarray:
    """Pointwise optimal D by a bounded scalar optimiser over D's range (no closed form used)."""
    obj = objective(kind)
    if obj.symbolic.lipschitz:
        raise ValueError(f"objective {kind!r} has no pointwise optimum (Lipschitz critic)")
    sign = 1.0 if obj.discriminator == "min" else -1.0
    expr = obj.symbolic.f * p + obj.symbolic.g * q
    integrand = sp.lambdify((_D, p, q), expr, "math")
    on_grid = sp.lambdify((_D, p, q), expr, "numpy")
    # The unconstrained optimum (Lemma 1's), over the stretch of the integrand's domain that holds D = 1/2 (a
    # value every output map reaches): a grid finds that stretch and its best point, then Brent refines inside
    # the neighbouring cells.  Beyond a pole the integrand can be unbounded (alpha-GAN with alpha < 1 is a
    # rational function of D with poles at 0 and 1), so a global search would run off to the pole.
    grid = np.concatenate([np.linspace(-60.0, 60.0, 4801), np.linspace(1e-9, 1 - 1e-9, 2001)])
    grid.sort()
    out = []
    for a, b in zip(np.ravel(p_), np.ravel(q_)):
        def h(x, a=a, b=b):
            try:
                val = sign * integrand(x, a, b)
            except (ValueError, OverflowError, ZeroDivisionError):
                return np.inf
            return val if np.isfinite(val) and not isinstance(val, complex) else np.inf
        with np.errstate(all="ignore"):  # outside the domain NumPy gives nan/inf where math raises: both out
            vals = sign * (np.asarray(on_grid(grid, a, b), dtype=float) + 0.0 * grid)
        vals = np.where(np.isfinite(vals), vals, np.inf)
        vals = _stretch_around(vals, int(np.searchsorted(grid, 0.5)))
        i = int(np.argmin(vals))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
        res = minimize_scalar(h, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13, "maxiter": 500})
        out.append(res.x if res.fun <= vals[i] else grid[i])
    return np.reshape(out, np.shape(p_))


def second_order_ok(kind: str, n: int = 50, seed: int = 1) -> bool:
    """The second derivative at sympy's D* has the discriminator's sign (a minimum for "min") at random (p, q)."""
    obj = objective(kind)
    second = sp.diff(obj.pointwise(_D), _D, 2).subs(_D, obj.d_star)
    pts = np.random.default_rng(seed).uniform(0.05, 3.0, size=(n, 2))
    vals = np.asarray(sp.lambdify((p, q), second, "numpy")(pts[:, 0], pts[:, 1]), float) + 0 * pts[:, 0]
    want = 1.0 if obj.discriminator == "min" else -1.0
    return bool(np.all(want * vals > 0))


# ----------------------------------------------------------------- value as a divergence

@lru_cache(maxsize=None)
def phi(kind: str) -> sp.Expr:
    """The criterion at D* per unit of Pg mass, as a function of t = p/q (q = 1)."""
    obj = objective(kind)
    if obj.d_star is None:
        raise ValueError(f"objective {kind!r} has no closed-form pointwise optimum")
    ds = obj.d_star.subs({p: t, q: 1})
    a, b = obj.symbolic.terms
    return sp.simplify(t * a.subs(_D, ds) + b.subs(_D, ds))


@dataclass
class Identification:
    """The value at the optimum as ``constant + factor * D_f(P || Pg)``."""

    kind: str
    f: sp.Expr           # normalised generator: f(1) = f'(1) = 0
    constant: sp.Expr    # phi(1): the value at P = Pg
    factor: float        # c in V = constant + c * D_named (or 1 with the f above)
    name: str | None     # the named divergence it matches, or None
    convex: bool         # f'' >= 0 (the generator minimises V) or <= 0 (maximises) on a grid: V - constant = +-D_f
    residual: float      # max |f - c f_named| at random points (0 when unnamed)

    def statement(self) -> str:
        const = sp.nsimplify(self.constant, [sp.E, sp.log(2)])
        if self.name:
            c = sp.nsimplify(self.factor, [sp.E, sp.sqrt(sp.E), sp.log(2)], tolerance=1e-10)
            term = self.name if c == 1 else (f"-{self.name}" if c == -1 else f"{c}*{self.name}")
        else:
            term = f"D_f(P||Pg) with f(t) = {self.f}"
        if const == 0:
            return term
        return f"{const} - {term[1:]}" if term.startswith("-") else f"{const} + {term}"


def _normalised(expr):
    return sp.simplify(expr - expr.subs(t, 1) - sp.diff(expr, t).subs(t, 1) * (t - 1))


@lru_cache(maxsize=None)
def _named_normalised(name: str):
    """A named generator of :data:`NAMED`, normalised (every identification compares with all of them)."""
    return _normalised(NAMED[name])


@lru_cache(maxsize=None)
def identify(kind: str) -> Identification:
    """Identify the value at the optimum as an f-divergence plus the equilibrium constant.

    Since :math:`\\int q\\,(p/q - 1) = 0`, :math:`V = \\varphi(1) + D_f` with
    :math:`f(t) = \\varphi(t) - \\varphi(1) - \\varphi'(1)(t - 1)`; a named generator f_n
    matches when ``f / f_n`` is a constant c (checked at 40 random t, then by sympy).
    """
    ph = phi(kind)
    f = _normalised(ph)
    const = sp.simplify(ph.subs(t, 1))
    fn = sp.lambdify(t, f, "numpy")
    with np.errstate(all="ignore"):
        return _identify(kind, f, const, fn)


def _identify(kind, f, const, fn):
    ts = np.random.default_rng(3).uniform(0.05, 8.0, 40)
    fv = np.asarray(fn(ts), float) + 0 * ts
    grid = np.linspace(0.02, 20, 400)
    f2 = np.asarray(sp.lambdify(t, sp.diff(f, t, 2), "numpy")(grid), float) + 0 * grid
    want = 1.0 if objective(kind).symbolic.generator_minimises_value else -1.0
    convex = bool(np.all(want * f2 >= -1e-12))
    for name in NAMED:
        gn = _named_normalised(name)
        gv = np.asarray(sp.lambdify(t, gn, "numpy")(ts), float)
        ratio = fv / gv
        c = float(np.median(ratio))
        resid = float(np.max(np.abs(fv - c * gv)) / max(1.0, float(np.max(np.abs(fv)))))
        if resid < 1e-10 and abs(c) > 1e-12:
            symbolic = sp.simplify(f - sp.nsimplify(c, [sp.E, sp.sqrt(sp.E), sp.log(2)], tolerance=1e-10) * gn)
            if symbolic == 0 or resid < 1e-12:
                return Identification(kind, f, const, c, name, convex, resid)
    return Identification(kind, f, const, 1.0, None, convex, 0.0)


def divergence_value(kind: str, P, Q) -> float:
    """``constant + D_f(P || Pg)`` for discrete P, Q, from :func:`identify` (independent of D*'s substitution)."""
    constant, fn = _divergence_fn(kind)
    P, Q = np.asarray(P, float), np.asarray(Q, float)
    return constant + float(np.sum(Q * fn(P / Q)))


@lru_cache(maxsize=None)
def _divergence_fn(kind: str):
    """(phi(1), NumPy f) of :func:`identify`, lambdified once per objective (the checks ask ~20 times each)."""
    ident = identify(kind)
    # sympy's f for the JS-type divergences is log(2**(t+1) t**t (t+1)**(-t-1)): the product overflows for a
    # large ratio t, its expanded logarithm does not.
    return float(ident.constant), sp.lambdify(t, sp.expand_log(ident.f, force=True), "numpy")


def divergence_value_continuous(kind: str, P, Q, lo: float = -15.0, hi: float = 15.0) -> float:
    """``constant + integral of q f(p/q)`` for frozen 1-D scipy distributions by ``scipy.integrate.quad`` on
    [lo, hi] (a second, independent route to :func:`theory.value_at_optimum`'s quadrature)."""
    from scipy.integrate import quad
    ident = identify(kind)
    fn = sp.lambdify(t, ident.f, "math")
    f0 = float(sp.limit(ident.f, t, 0, "+"))  # f(0+), where P's density underflows
    lp, lq = fast_logpdf(P), fast_logpdf(Q)  # a frozen distribution's pdf costs ~50 us a call

    def integrand(x):
        qx, px = math.exp(lq(x)), math.exp(lp(x))
        if qx <= 0.0:
            return 0.0
        try:
            return qx * fn(px / qx) if px > 0 else qx * f0
        except (ValueError, OverflowError, ZeroDivisionError):
            return 0.0
    val, _ = quad(integrand, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-12)
    return float(ident.constant) + val


def equilibrium_numeric(kind: str) -> float:
    """The criterion at P = Pg from the numeric optimiser (cross-checks the symbolic equilibrium value)."""
    obj = objective(kind)
    if obj.symbolic.lipschitz:
        return 0.0
    d = float(d_star_numeric(kind, np.array([1.0]), np.array([1.0]))[0])
    a, b = obj.symbolic.terms
    return float((a + b).subs(_D, d))


# ----------------------------------------------------------------- rare events (Proposition 4)

PARTS = ("objective", "divergence")


def _terms_fn(kind, part="objective"):
    """``(p, q) -> q phi(p / q)`` in NumPy (``part`` checked before the cache sees it)."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}")
    return _terms_fn_of(kind, part)


@lru_cache(maxsize=None)
def _terms_fn_of(kind, part):
    """Lambdified once per kind and part, as :func:`phi` and :func:`identify` are computed once per kind (a
    ranking evaluates every kind's map many times: 590 lambdifications in a run of the suite)."""
    ph = sp.lambdify(t, phi(kind) if part == "objective" else identify(kind).f, "numpy")
    return lambda pp, qq: qq * ph(pp / qq)


def upsilon(kind: str, p_, q_, part: str = "objective") -> np.ndarray:
    r"""Rare-event share of the criterion at the optimum, two-point model P = {p, 1-p}, Pg = {q, 1-q}.

    :math:`\Upsilon = |T_1| / (|T_1| + |T_0|)` with :math:`T_1 = q\varphi(p/q)` the rare atom's term and
    :math:`T_0` the normal atom's.  For MIM and the original GAN both terms have one sign and this is
    Proposition 4's Υ (Eq. 18, 20, first lines); for divergences whose atoms' terms can differ in sign it is
    the share of the magnitude.

    ``part="divergence"`` uses the divergence part only, :math:`q f(p/q)` with the normalised f of
    :func:`identify` (both terms >= 0): unlike the objective's share it does not change when a constant is
    added to the objective, which changes no gradient.
    """
    p_, q_ = np.broadcast_arrays(np.asarray(p_, float), np.asarray(q_, float))
    if np.any((p_ <= 0) | (p_ >= 1) | (q_ <= 0) | (q_ >= 1)):
        raise ValueError("p and q must lie strictly inside (0, 1)")
    term = _terms_fn(kind, part)
    with np.errstate(all="ignore"):
        r, n = np.abs(term(p_, q_)), np.abs(term(1 - p_, 1 - q_))
        return r / (r + n)


def upsilon_grid(n: int = 99):
    """The (p, q) grid of the maps: n interior points per axis, p and q offset so that p != q."""
    ps = (np.arange(n) + 0.5) / n
    qs = (np.arange(n) + 0.25) / n
    return np.meshgrid(ps, qs, indexing="ij")


CANDIDATE_REGIONS = {
    "p + q < 1": lambda P, Q: P + Q < 1,
    "p + q > 1": lambda P, Q: P + Q > 1,
    "q < p": lambda P, Q: Q < P,
    "q > p": lambda P, Q: Q > P,
    "everywhere": lambda P, Q: np.ones_like(P, bool),
    "nowhere": lambda P, Q: np.zeros_like(P, bool),
}


def sharp_region(kind: str, reference: str = "gan", n: int = 99, part: str = "objective"):
    """Where Υ_kind > Υ_reference on the grid, described by the best of :data:`CANDIDATE_REGIONS`.

    Returns ``(description, agreement, share_of_grid)``: agreement is the fraction of grid points (away
    from the candidates' boundaries, where both shares tie) on which the description is right; 1.0 means the
    region is exactly that set on the grid.
    """
    P, Q = upsilon_grid(n)
    with np.errstate(all="ignore"):
        diff = upsilon(kind, P, Q, part) - upsilon(reference, P, Q, part)
    wins = diff > 1e-12
    decided = np.abs(diff) > 1e-12
    if not decided.any():
        return "nowhere (the same share as the reference)", 1.0, 0.0
    best = max(CANDIDATE_REGIONS, key=lambda k: np.mean((CANDIDATE_REGIONS[k](P, Q) == wins)[decided]) if decided.any() else 0)
    agreement = float(np.mean((CANDIDATE_REGIONS[best](P, Q) == wins)[decided])) if decided.any() else 1.0
    return best, agreement, float(np.mean(wins))


def region_boundary(kind: str, reference: str = "gan", ps=(0.1, 0.25, 0.4), part: str = "objective") -> dict:
    """The exact boundary of {Υ_kind > Υ_reference}: for each p, the q in (0, 1) where the two shares cross
    (sign changes on 2,000 q, refined by brentq)."""
    from scipy.optimize import brentq

    def diff(p0, q0):
        with np.errstate(all="ignore"):
            return upsilon(kind, p0, q0, part) - upsilon(reference, p0, q0, part)

    qs = np.linspace(1e-4, 1 - 1e-4, 2000)
    out = {}
    for p0 in ps:
        v = diff(np.full_like(qs, p0), qs)
        idx = np.nonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)[0]
        out[p0] = [round(brentq(lambda t: float(diff(p0, t)), qs[i], qs[i + 1], xtol=1e-13), 6) for i in idx]
    return out


def ranking(kinds_=None, n: int = 99, part: str = "objective"):
    """Which objective gives the rare event the largest share at each grid point.

    Returns ``(kinds, P, Q, Y, first)``: Y[k] the Υ map of kinds[k], ``first`` the index of the largest.
    """
    kinds_ = list(kinds_ or distinct_kinds())
    P, Q = upsilon_grid(n)
    Y = np.stack([upsilon(k, P, Q, part) for k in kinds_])
    first = np.nanargmax(np.where(np.isfinite(Y), Y, -np.inf), axis=0)
    return kinds_, P, Q, Y, first


def distinct_kinds() -> list[str]:
    """Kinds with a pointwise optimum, one per distinct Υ map (the non-saturating GAN's criterion is
    another, kept; duplicates of an identical φ are dropped)."""
    out, seen = [], {}
    for k in kinds(pointwise_only=True):
        key = sp.srepr(phi(k))
        if key not in seen:
            seen[key] = k
            out.append(k)
    return out


# ----------------------------------------------------------------- gradient multipliers (Proposition 3)

def multiplier(kind: str, eps) -> np.ndarray:
    r""":math:`|\partial \ell_G(D(v))/\partial v|` at the logit :math:`v = \ln(\varepsilon/(1-\varepsilon))`.

    The factor the generator's gradient carries back from its loss, at the raw output where a sigmoid
    discriminator says ε (Appendix A compares the saturating GAN's and MIM's at D = ε).  For an
    identity-output objective, D = v at the same v.
    """
    obj = objective(kind)
    expr = sp.diff(obj.symbolic.generator.subs(_D, obj.symbolic.output), _v)
    fn = sp.lambdify(_v, expr, "numpy")
    eps = np.asarray(eps, float)
    with np.errstate(all="ignore"):
        return np.abs(np.asarray(fn(np.log(eps) - np.log1p(-eps)), float) + 0 * eps)


def _intervals(mask, x):
    """Maximal runs of True in ``mask`` over ``x`` as (lo, hi) pairs."""
    out, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if not m and start is not None:
            out.append((x[start], x[i - 1]))
            start = None
    if start is not None:
        out.append((x[start], x[-1]))
    return out


@lru_cache(maxsize=None)
def _multiplier_of_eps(kind):
    """(d loss_G / d logit at the logit ln(e / (1 - e)), simplified; the positive symbol e)."""
    obj = objective(kind)
    expr = sp.diff(obj.symbolic.generator.subs(_D, obj.symbolic.output), _v)
    e = sp.Symbol("e", positive=True)
    return sp.simplify(expr.subs(_v, sp.log(e / (1 - e)))), e


def _same_multiplier(kind, ref_of_eps) -> bool:
    """The multiplier is symbolically ``ref_of_eps`` (as a function of eps = sigmoid(v))."""
    at, e = _multiplier_of_eps(kind)
    return sp.simplify(sp.Abs(at) - ref_of_eps.subs(sp.Symbol("e"), e)) == 0 or sp.simplify(at ** 2 - ref_of_eps.subs(sp.Symbol("e"), e) ** 2) == 0


def _root(h, a, b):
    """The crossing in [a, b] (the grid point where the two multipliers touch without crossing)."""
    try:
        return brentq(h, a, b, xtol=1e-13)
    except ValueError:
        return a if abs(h(a)) < abs(h(b)) else b


def multiplier_ranges(kind: str, n: int = 4001):
    """ε-intervals of (0, 1) where the multiplier is smaller than the saturating / non-saturating GAN's.

    Interval ends are refined by root finding on the difference; returns
    ``{"saturating": [(lo, hi), ...], "non-saturating": [...]}``.
    """
    x = np.linspace(1e-6, 1 - 1e-6, n)
    refs = {"saturating": lambda e: e, "non-saturating": lambda e: 1 - e}
    exact = {"saturating": sp.Symbol("e"), "non-saturating": 1 - sp.Symbol("e")}
    mine = multiplier(kind, x)
    out = {}
    for name, ref in refs.items():
        if _same_multiplier(kind, exact[name]):
            out[name] = []  # the same function: never smaller (rounding must not make it so)
            continue
        runs = _intervals(mine < ref(x) * (1 - 1e-13), x)
        refined = []
        for lo, hi in runs:
            def h(e):
                return float(multiplier(kind, np.array([e]))[0] - ref(e))
            i_lo, i_hi = np.searchsorted(x, lo), np.searchsorted(x, hi)
            a = 0.0 if i_lo == 0 else _root(h, x[i_lo - 1], x[i_lo])
            b = 1.0 if i_hi == len(x) - 1 else _root(h, x[i_hi], x[i_hi + 1])
            refined.append((a, b))
        out[name] = refined
    return out


def format_ranges(ranges) -> str:
    """``(0, 0.567)`` style text of a list of intervals ("none" when empty)."""
    if not ranges:
        return "none"
    return " ∪ ".join(f"({lo:.4g}, {hi:.4g})" for lo, hi in ranges)
