"""Small sympy helpers shared by the checks: zero tests with a numeric cross-check.

``sympy.simplify(e) == 0`` can return a false negative (an unsimplified zero);
it never returns a false positive.  Every symbolic zero test here is paired
with evaluation at random points, so each result is checked both ways.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp


def is_zero(expr, samples: dict | None = None, n: int = 12, seed: int = 0, tol: float = 1e-10) -> tuple[bool, float]:
    """Return ``(symbolically_zero_and_numerically_zero, max_numeric_abs)``.

    ``samples`` maps each free symbol to a ``(low, high)`` range for random
    evaluation points (default (0.05, 0.95)).
    """
    expr = sp.sympify(expr)
    symbolic = sp.simplify(expr) == 0
    syms = sorted(expr.free_symbols, key=str)
    rng = np.random.default_rng(seed)
    # 30-digit evaluation through mpmath (``subs`` + ``N`` walks the tree at every point and is ~100x slower).
    f = sp.lambdify(syms, expr, "mpmath")
    worst = 0.0
    with mpmath.workdps(30):
        for _ in range(n):
            point = [rng.uniform(*(samples or {}).get(s, (0.05, 0.95))) for s in syms]
            try:
                val = complex(f(*[mpmath.mpf(v) for v in point]))
            except (TypeError, ValueError, ZeroDivisionError):
                val = complex(sp.N(expr.subs(dict(zip(syms, [sp.Float(v, 30) for v in point]))), 30))
            worst = max(worst, abs(val))
    numeric = worst < tol
    if symbolic and not numeric:
        raise AssertionError(f"sympy says {expr} == 0 but it evaluates to {worst:g}")
    return (symbolic or numeric) and numeric, worst


def same(a, b, **kw) -> tuple[bool, float]:
    """``is_zero(a - b)``."""
    return is_zero(sp.sympify(a) - sp.sympify(b), **kw)
