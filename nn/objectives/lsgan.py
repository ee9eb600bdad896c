"""LSGAN (Mao et al.), targets a = 0 (fake), b = 1 (real), c = 1 (generator).

D minimises 1/2 E_P[(D - b)^2] + 1/2 E_Pg[(D - a)^2]; G minimises 1/2 E_Pg[(D - c)^2].
``output="sigmoid"`` (default, the paper's Section IV: every discriminator ends
in a sigmoid) uses D = sigmoid(logit); ``"linear"`` is Mao et al.'s D = logit.
"""
import math
import warnings

import numpy as np

from ..jit import kernel
from ._stable import d_and_slope
from . import base
from .base import Symbolic

NAME = "lsgan"
LABEL = "LS"
TITLE = "LSGAN"
EQUATION = "Mao et al. 2017"


def options(output="sigmoid", a=0.0, b=1.0, c=1.0):
    if output not in ("sigmoid", "linear"):
        raise ValueError(f"unknown LSGAN output {output!r}; expected 'sigmoid' or 'linear'")
    a, b, c = float(a), float(b), float(c)
    if not all(math.isfinite(v) for v in (a, b, c)):
        raise ValueError(f"LSGAN's targets a, b, c must be finite numbers, got a={a}, b={b}, c={c}")
    if a == b:
        warnings.warn(f"LSGAN with a = b = {a:g} gives the discriminator no signal (real and fake share one target)",
                      UserWarning, stacklevel=2)
    return [1.0 if output == "sigmoid" else 0.0, a, b, c]


def symbolic(output="sigmoid", a=0.0, b=1.0, c=1.0):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    IDENTITY, SIGMOID, D = base.IDENTITY, base.SIGMOID, base.D

    a, b, c = (sp.nsimplify(x) for x in (a, b, c))
    crit = sp.Rational(1, 2) * (D - c) ** 2
    return Symbolic(f=sp.Rational(1, 2) * (D - b) ** 2, g=sp.Rational(1, 2) * (D - a) ** 2, discriminator="min",
                    generator=crit, output=SIGMOID if output == "sigmoid" else IDENTITY, criterion=(crit, crit))


@kernel
def real_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    return 0.5 * (d - opt[2]) ** 2, (d - opt[2]) * ds


@kernel
def fake_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    return 0.5 * (d - opt[1]) ** 2, (d - opt[1]) * ds


@kernel
def gen_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    return 0.5 * (d - opt[3]) ** 2, (d - opt[3]) * ds


def value_terms(real_logits, fake_logits, opt):
    """1/2 E_P[(D - c)^2] and 1/2 E_Pg[(D - c)^2]: the generator criterion of Mao et al."""
    D_ = (lambda l: 1 / (1 + np.exp(-l))) if opt[0] != 0.0 else (lambda l: l)
    c = opt[3]
    return float(0.5 * np.mean((D_(real_logits) - c) ** 2)), float(0.5 * np.mean((D_(fake_logits) - c) ** 2))


def pointwise_value(lp, lq, opt, bounded=False):
    """1/2 (p + q)(D* - c)^2 at D* = (b p + a q)/(p + q), from log-densities."""
    a, b, c = opt[1], opt[2], opt[3]
    lm = np.logaddexp(lp, lq)
    dv = b * np.exp(lp - lm) + a * np.exp(lq - lm)
    return np.where(np.isfinite(lp), 0.5 * np.exp(lp) * (dv - c) ** 2, 0.0) + \
        np.where(np.isfinite(lq), 0.5 * np.exp(lq) * (dv - c) ** 2, 0.0)
