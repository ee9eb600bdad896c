"""Theory registry of GAN objectives (Eq. 1–4), derived from the objective modules of :mod:`nn.objectives`.

Each objective is written in the paper's general form (Eq. 2)

    L(D, G) = E_P[f(D(x))] + E_Pg[g(D(x))],

with the discriminator minimising (MIM, Eq. 4) or maximising (original GAN,
Eq. 1) it.  The pointwise integrand ``p f(D) + q g(D)`` is what Lemma 1 and its
counterparts optimise for every x separately.  Nothing here is written per
objective: the forms come from each module's ``symbolic()``, the optimal
discriminator from sympy's solution of the first-order condition.

Public functions
----------------
optimal_discriminator(kind, p, q)
    Pointwise optimal D, vectorised over arrays of densities.
value_at_optimum(kind, P, Q, bounded=False)
    The generator's criterion evaluated at that optimum, by plugging it in (not
    by the closed-form divergence, so the two can be compared).
equilibrium_value(kind)
    That criterion at P = Pg.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy as sp

from ..nn.objectives import REGISTRY, Spec, get_objective as _configure
from ..nn.objectives import gan as _gan_module
from ..nn.objectives.base import IDENTITY, D as _D, Symbolic
from ._validate import densities, distribution_pair
from .quadrature import fast_cdf, fast_logpdf, fast_quantiles, integrate_line

D, p, q = sp.symbols("D p q", positive=True)
u = sp.Symbol("u", real=True)

#: The generator's criterion at D*, as the papers state it (a text; the checks compute it).
STATED_VALUES = {
    "mim": "2*sqrt(e)*BC(P, Pg) = 2*sqrt(e)*exp(-R_1/2(P||Pg)/2)  (Eq. 7-9)",
    "gan": "-ln 4 + 2*JSD(P||Pg)",
    "gan-ns": "E_Pg[-ln D*] = ln 2 + KL(Pg||P) - KL(Pg||M),  M = (P+Pg)/2",
    "lsgan": "1/2 E_{P+Pg}[(D*-c)^2] = 1/4 + 1/4*chi2_Pearson(Pg||M),  M = (P+Pg)/2",
    "wgan": "W1(P, Pg) over 1-Lipschitz critics",
}
TITLES = {"gan": "original GAN (minimax)", "gan-ns": "original GAN, non-saturating generator loss -ln D",
          "lsgan": "LSGAN (a=0, b=1, c=1)"}
EQUATIONS = {"gan": "Goodfellow et al. 2014; paper Eq. 19", "gan-ns": "Goodfellow et al. 2014; paper Eq. 28"}
#: Registry names whose theory is another kind's (W-GP trains the WGAN critic loss plus a penalty; the theory
#: of its game is WGAN's).
THEORY_KINDS = {"wgan-gp": "wgan"}
#: Options of the objective the theory studies, where they differ from the training defaults: the original
#: GAN's theory is the minimax game of Eq. 1, while it trains with the non-saturating generator loss.
THEORY_OPTIONS = {"gan": {"generator_loss": "saturating"}}


def theory_kind(spec) -> str:
    """The objective the theory studies for a training spec: a registry name's theory kind, or the spec itself."""
    s = Spec.of(spec)
    if s.name not in REGISTRY:
        raise ValueError(f"unknown GAN objective {s.name!r}; expected one of {', '.join(REGISTRY)}")
    return str(s) if s.options else THEORY_KINDS.get(s.name, s.name)


@dataclass(frozen=True)
class SymbolicObjective:
    """One objective in the form of Eq. 2, as the theory sees it (not :class:`nn.objectives.Objective`, the
    configured objective training uses).

    Attributes
    ----------
    name, title, equation : str
        Kind (a registry name or spec), human name and where it is stated.
    symbolic : nn.objectives.base.Symbolic
        Its sympy form (f, g, the discriminator's direction, the generator's loss, D's output map).
    options : numpy.ndarray
        Its packed options (what the module's kernels and ``pointwise_value`` read).
    module
        Its objective module.
    generator_value : str
        The criterion at the optimal D, as stated (or "computed" for objectives without a stated value).
    """

    name: str
    title: str
    equation: str
    symbolic: Symbolic
    options: np.ndarray = field(repr=False)
    module: object = field(repr=False)
    generator_value: str = "computed by theory.lab"

    @property
    def discriminator(self) -> str:
        return self.symbolic.discriminator

    def f(self, d):
        return self.symbolic.f.subs(_D, d)

    def g(self, d):
        return self.symbolic.g.subs(_D, d)

    def pointwise(self, dvar=u):
        """The integrand ``p f(D) + q g(D)`` optimised by the discriminator at each x."""
        return p * self.f(dvar) + q * self.g(dvar)

    def criterion_pointwise(self, dvar=u):
        """The generator criterion's integrand ``p a(D) + q b(D)`` (``pointwise`` unless the family sets one)."""
        a, b = self.symbolic.terms
        return p * a.subs(_D, dvar) + q * b.subs(_D, dvar)

    @cached_property
    def d_star(self):
        """Sympy's pointwise optimal D in terms of the densities p, q (None: no unique closed form)."""
        if self.symbolic.lipschitz:
            return None
        try:
            sols = sp.solve(sp.diff(self.pointwise(u), u), u)
        except (NotImplementedError, ValueError):
            return None
        sols = [s for s in sols if s.is_real is not False]
        if len(sols) > 1:
            sols = [s for s in sols if self._is_optimum(s)]
        return _simplest(sols[0]) if len(sols) == 1 else None

    def _is_optimum(self, root) -> bool:
        """A stationary point that is the discriminator's optimum at random (p, q): real, finite, inside the
        integrand's domain, and a minimum (maximum) when the discriminator minimises (maximises)."""
        second = sp.diff(self.pointwise(u), u, 2)
        want = 1 if self.discriminator == "min" else -1
        rng = np.random.default_rng(7)
        for a, b in rng.uniform(0.05, 3.0, size=(8, 2)):
            pt = {p: sp.Float(a), q: sp.Float(b)}
            d = complex(sp.N(root.subs(pt)))
            if abs(d.imag) > 1e-12 or not np.isfinite(d.real):
                return False
            val = complex(sp.N(self.pointwise(u).subs(pt).subs(u, d.real)))
            curv = complex(sp.N(second.subs(pt).subs(u, d.real)))
            if abs(val.imag) > 1e-12 or not np.isfinite(val.real) or want * curv.real <= 0:
                return False
        return True

    @cached_property
    def equilibrium_value(self) -> sp.Expr:
        """The criterion at P = Pg: the integrand at p = q = 1 (D* there), or 0 for a Lipschitz critic."""
        if self.symbolic.lipschitz:
            return sp.Integer(0)
        if self.symbolic.equilibrium is not None:
            return self.symbolic.equilibrium
        ds = self.d_star
        if ds is None:
            raise ValueError(f"objective {self.name!r} has no closed-form D*; use theory.lab.equilibrium_numeric")
        return sp.nsimplify(sp.simplify(self.criterion_pointwise(ds.subs({p: 1, q: 1})).subs({p: 1, q: 1})))

    @cached_property
    def _d_star_numpy(self):
        return sp.lambdify((p, q), self.d_star, "numpy")

    @cached_property
    def _ratio_form(self):
        """NumPy pieces of the criterion per unit of Pg mass at likelihood ratio t = p/q:
        (D*(t, 1), a, b, limit at t -> 0+, limit of phi(t)/t at t -> inf)."""
        a, b = self.symbolic.terms
        tt = sp.Symbol("t", positive=True)
        ds = self.d_star.subs({p: tt, q: 1})
        phi = tt * a.subs(_D, ds) + b.subs(_D, ds)

        def lim(expr, point):
            try:
                val = complex(sp.limit(expr, tt, point, "+" if point == 0 else "-"))
                return val.real if val.imag == 0 else np.nan
            except (NotImplementedError, ValueError, TypeError):
                return np.nan
        return (sp.lambdify(tt, ds, "numpy"), sp.lambdify(_D, a, "numpy"), sp.lambdify(_D, b, "numpy"),
                lim(phi, 0), lim(phi / tt, sp.oo))

    @property
    def output_range(self):
        """The values D can take through its output map: (0, 1) for a sigmoid, the real line otherwise."""
        return (-np.inf, np.inf) if self.symbolic.output == IDENTITY else (0.0, 1.0)


def _simplest(expr):
    """``expr`` simplified, also over p = a^2, q = b^2 (cancels removable singularities such as
    (p - sqrt(pq))/(p - q) = sqrt(p)/(sqrt(p) + sqrt(q)), which would give NaN at p = q)."""
    a, b = sp.symbols("a b", positive=True)
    plain = sp.simplify(expr)
    squared = sp.factor(sp.cancel(sp.factor(expr.subs({p: a ** 2, q: b ** 2})))).subs({a: sp.sqrt(p), b: sp.sqrt(q)})
    at_equal = plain.subs({p: 1, q: 1})
    return squared if (at_equal.has(sp.nan) or at_equal.is_finite is False) else plain


OBJECTIVES: dict[str, SymbolicObjective] = {}
#: Objectives built from specs with options ("mim:omega=2"), kept apart from the registry's kinds.
_SPECS: dict[str, SymbolicObjective] = {}


def _build(kind: str) -> SymbolicObjective:
    """The theory objective of a kind: a theory name of the registry, ``gan-ns``, or any spec."""
    if kind == "gan-ns":
        module, opts, fam_key = _gan_module, {}, "gan"
    else:
        try:
            parsed = Spec.of(kind)
        except ValueError as exc:
            raise ValueError(f"bad objective kind {kind!r}: {exc}") from None
        base, spec_opts = parsed.name, parsed.opts
        names = {THEORY_KINDS.get(name, name): name for name in REGISTRY}
        fam_key = names.get(base, base)
        if fam_key not in REGISTRY:
            raise ValueError(f"unknown objective kind {kind!r}; expected one of {sorted(OBJECTIVES)} or a registered spec")
        fam = REGISTRY[fam_key]
        opts = {**fam.fixed, **(THEORY_OPTIONS.get(fam_key, {}) if not spec_opts else {}), **spec_opts}
        module = fam.module
    configured = _configure(fam_key, **opts)
    module_opts = configured.objective_options()
    sym = module.symbolic(**module_opts)
    title = TITLES.get(kind) or (REGISTRY[fam_key].label and f"{module.TITLE}, {REGISTRY[fam_key].label}") or module.TITLE
    return SymbolicObjective(kind, title, EQUATIONS.get(kind, module.EQUATION), sym, configured.options, module,
                     STATED_VALUES.get(kind, "computed by theory.lab"))


def _register_all():
    OBJECTIVES.clear()
    kinds = []
    for name, fam in REGISTRY.items():
        kinds.append(THEORY_KINDS.get(name, name))
        if name == "gan":
            kinds.append("gan-ns")
    for kind in dict.fromkeys(kinds):
        OBJECTIVES[kind] = _build(kind)


_register_all()


def objective(kind) -> SymbolicObjective:
    """The theory's view of an objective kind: a registry theory name, ``"gan-ns"``, or any spec (``"mim:omega=2"``)."""
    kind = str(kind) if isinstance(kind, Spec) else kind
    if not isinstance(kind, str):
        raise ValueError(f"unknown objective kind {kind!r}; expected one of {sorted(OBJECTIVES)}")
    if kind in OBJECTIVES:
        return OBJECTIVES[kind]
    if kind not in _SPECS:
        _SPECS[kind] = _build(kind)
    return _SPECS[kind]


def equilibrium_value(kind: str) -> float:
    """The generator criterion at P = Pg (the normalising constant used by Figure 1)."""
    return float(objective(kind).equilibrium_value)


# ---------------------------------------------------------------- numerics

def optimal_discriminator(kind: str, p, q):
    r"""Pointwise optimal discriminator for densities ``p`` (real) and ``q`` (generated).

    Sympy's solution of the first-order condition of ``p f(D) + q g(D)``, e.g.

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
    obj = objective(kind)
    if obj.symbolic.lipschitz:
        raise ValueError(f"objective {kind!r} has no pointwise optimal discriminator "
                         "(the WGAN critic is constrained to be 1-Lipschitz, not pointwise)")
    if obj.d_star is None:
        raise ValueError(f"objective {kind!r} has no closed-form D*; use theory.lab.d_star_numeric")
    p_, q_ = densities(p, q)
    if np.any((p_ == 0) & (q_ == 0)):
        raise ValueError(f"the optimal discriminator of {kind!r} is undefined where p = q = 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(obj._d_star_numpy(p_, q_), dtype=np.float64) + 0 * p_
    return out if out.ndim else float(out)


def _pointwise_value(obj: SymbolicObjective, lp, lq, bounded=False):
    """Integrand of the criterion at the optimal D, from log-densities.

    The module's ``pointwise_value`` works with log-densities so far tails stay
    finite where the densities underflow; the generic path substitutes the
    (clipped, with ``bounded``) sympy D*.  Points where a density is 0 contribute
    their limit (0 where both vanish).
    """
    lp, lq = np.broadcast_arrays(np.asarray(lp, float), np.asarray(lq, float))
    has_p, has_q = np.isfinite(lp), np.isfinite(lq)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if hasattr(obj.module, "pointwise_value"):
            val = obj.module.pointwise_value(lp, lq, obj.options, bounded=bounded)
        else:
            # q * phi(p/q) with the ratio from log-densities: finite where both densities underflow
            ds_fn, a_fn, b_fn, phi0, slope_inf = obj._ratio_form
            ratio = np.exp(lp - lq)
            ds = np.asarray(ds_fn(ratio), float) + 0 * ratio
            if bounded:
                ds = np.clip(ds, *obj.output_range)
            phi = ratio * (np.asarray(a_fn(ds), float) + 0 * ds) + np.asarray(b_fn(ds), float) + 0 * ds
            phi = np.where(ratio == 0, phi0, phi)
            val = np.where(has_q, np.exp(lq) * phi, np.exp(lp) * slope_inf)  # P's mass where Pg has none
            val = np.where(has_q & (np.exp(lq) == 0) & ~np.isfinite(phi), 0.0, val)
        return np.where(has_p | has_q, val, 0.0)


def _monotone_coupling_cost(P, Q) -> float:
    """W1 as the cost of the quantile coupling, integral of |F_P^-1(t) - F_Q^-1(t)| dt.

    Substituting t = Phi(s) turns the log-singular ends at t = 0, 1 into
    Gaussian-damped tails; upper quantiles use ``isf`` to avoid Phi(s) -> 1.
    """
    from scipy import stats
    from scipy.optimize import brentq
    std = stats.norm()
    Phi = fast_cdf(std)
    (p_lower, p_upper), (q_lower, q_upper) = fast_quantiles(P), fast_quantiles(Q)

    def quantiles(dist, s):  # the same, on an array at once
        return np.where(s <= 0, dist.ppf(std.cdf(np.minimum(s, 0))), dist.isf(std.sf(np.maximum(s, 0))))

    def gap(s):
        return p_lower(Phi(s)) - q_lower(Phi(s)) if s <= 0 else p_upper(Phi(-s)) - q_upper(Phi(-s))

    grid = np.linspace(-8, 8, 1601)
    vals = quantiles(P, grid) - quantiles(Q, grid)
    kinks = [brentq(gap, grid[i], grid[i + 1], xtol=1e-14)
             for i in np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)[0]]
    log_phi = fast_logpdf(std)

    def integrand(s):
        w = math.exp(log_phi(s))
        return abs(gap(s)) * w if w > 0 else 0.0

    return integrate_line(integrand, std, extra_points=kinks)


def _clip_points(obj, P, Q) -> list[float]:
    """Points where D* crosses the ends of D's range: kinks of the bounded integrand (quadrature breakpoints)."""
    from scipy.optimize import brentq
    lo, hi = obj.output_range
    if not np.isfinite(lo):
        return []
    xs = np.linspace(min(P.ppf(1e-12), Q.ppf(1e-12)), max(P.ppf(1 - 1e-12), Q.ppf(1 - 1e-12)), 4001)
    def dstar(x):
        pp, qq = np.broadcast_arrays(P.pdf(x), Q.pdf(x))
        out = np.full(pp.shape, np.nan)
        ok = (pp > 0) | (qq > 0)
        if np.any(ok):
            out[ok] = optimal_discriminator(obj.name, pp[ok], qq[ok])
        return out

    pts = []
    with np.errstate(all="ignore"):
        dv = dstar(xs)
    for level in (lo, hi):
        hv = dv - level
        for i in np.nonzero(np.isfinite(hv[:-1]) & np.isfinite(hv[1:]) & (np.sign(hv[:-1]) * np.sign(hv[1:]) < 0))[0]:
            pts.append(brentq(lambda x: float(dstar(np.array([x]))[0]) - level, xs[i], xs[i + 1], xtol=1e-14))
    return pts


def value_at_optimum(kind: str, P, Q, bounded: bool = False) -> float:
    r"""The criterion at the optimal discriminator, by direct substitution.

    For ``"mim"`` this is Eq. 6 with Lemma 1's :math:`D^*` plugged in (closed
    form :math:`2\sqrt{e}\,BC`, Eq. 7).  ``bounded=True`` restricts D to the
    range of its output map ([0, 1] for a sigmoid, Section IV); since the
    integrand is convex (concave) in D, the bounded optimum is D* clipped
    pointwise.  ``"gan-ns"`` and ``"lsgan"`` return the generator's criterion
    at D* (see :class:`nn.objectives.base.Symbolic`).  ``"wgan"`` returns the
    optimal transport cost of the monotone coupling,
    :math:`\int_0^1 |F_P^{-1}(t) - F_Q^{-1}(t)|\,dt` (1-D distributions only).
    """
    obj = objective(kind)
    form, P, Q = distribution_pair(P, Q)
    if obj.symbolic.lipschitz:
        if form == "discrete":
            raise ValueError(f"value_at_optimum({kind!r}) needs frozen 1-D scipy.stats distributions")
        return _monotone_coupling_cost(P, Q)
    if obj.d_star is None and not hasattr(obj.module, "pointwise_value"):
        raise ValueError(f"objective {kind!r} has no closed-form D*; use theory.lab.value_numeric")

    if form == "discrete":
        with np.errstate(divide="ignore"):
            return float(np.sum(_pointwise_value(obj, np.log(P), np.log(Q), bounded)))

    extra = _clip_points(obj, P, Q) if bounded else ()
    lp, lq = fast_logpdf(P), fast_logpdf(Q)
    return integrate_line(lambda x: float(_pointwise_value(obj, lp(x), lq(x), bounded)),
                          P, Q, extra_points=extra)
