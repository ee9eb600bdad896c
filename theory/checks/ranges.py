"""Where does ``expr(x) >= 0`` hold on an interval?  Computed, with closed-form end points.

Used for the gradient-multiplier comparisons of Appendix A: the sign of a
transcendental expression is scanned on a fine grid, every sign change is
refined with mpmath, and each root is matched to a sympy closed form
(e.g. ``LambertW(1)``) when sympy can solve the equation.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp


@dataclass
class Interval:
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    def __str__(self):
        return f"{'[' if self.lo_closed else '('}{self.lo:.6g}, {self.hi:.6g}{']' if self.hi_closed else ')'}"


def _closed_forms(expr, var, roots):
    try:
        sols = sp.solve(sp.Eq(expr, 0), var)
    except (NotImplementedError, ValueError):
        sols = []
    named = {}
    for r in roots:
        for s in sols:
            try:
                val = complex(sp.N(s, 30))
            except TypeError:
                continue
            if abs(val.imag) < 1e-20 and abs(val.real - r) < 1e-10:
                named[r] = str(s)
    return named


def nonnegative_set(expr, var, lo, hi, lo_open=False, hi_open=False, n: int = 4001):
    """Intervals of ``[lo, hi]`` (ends open as asked) on which ``expr >= 0``.

    Returns
    -------
    intervals : list[Interval]
    roots : dict[float, str]
        Sign changes inside the domain, with a sympy closed form where found.
    """
    f = sp.lambdify(var, expr, "mpmath")
    mpmath.mp.dps = 30
    pad = (hi - lo) * 1e-9
    xs = np.linspace(lo + (pad if lo_open else 0), hi - (pad if hi_open else 0), n)
    vals = np.array([float(f(mpmath.mpf(x))) for x in xs])
    roots = []
    for i in np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)[0]:
        roots.append(float(mpmath.findroot(f, (mpmath.mpf(xs[i]), mpmath.mpf(xs[i + 1])), solver="anderson")))
    edges = [lo, *roots, hi]
    intervals = []
    for a, b in zip(edges[:-1], edges[1:]):
        mid = 0.5 * (a + b)
        if float(f(mpmath.mpf(mid))) >= 0:
            lo_c = (a != lo) or not lo_open
            hi_c = (b != hi) or not hi_open
            if intervals and intervals[-1].hi == a:
                intervals[-1] = Interval(intervals[-1].lo, b, intervals[-1].lo_closed, hi_c)
            else:
                intervals.append(Interval(a, b, lo_c, hi_c))
    return intervals, _closed_forms(expr, var, roots)


def covers(intervals, lo, hi) -> bool:
    """True if the intervals cover the whole domain [lo, hi]."""
    return len(intervals) == 1 and intervals[0].lo == lo and intervals[0].hi == hi
