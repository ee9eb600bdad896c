"""MIM-based GAN (Eq. 3–4), with the scale varpi of the authors' follow-up work.

The discriminator *minimises* L = E_P[exp(varpi (1 - D))] + E_Pg[exp(varpi D)];
the generator *maximises* E_Pg[exp(varpi D)], i.e. minimises its negative.
``omega`` (varpi) = 1 is the paper's Eq. 3.

``bounded`` (default, Section IV): D = sigmoid(logit), so D in (0, 1) and every
exponential is bounded by e^varpi.  ``bounded=False``: D = logit, the
unconstrained discriminator of Lemma 1 whose optimum 1/2 + 1/2 ln(P/Pg) is
attainable; its loss grows like exp(|logit|), so float32 gradients overflow for
logits below about -87.
"""
import math

import numpy as np

from ..jit import kernel
from ._stable import d_and_slope
from . import base
from .base import Symbolic

NAME = "mim"
LABEL = "MIM"
TITLE = "MIM-based GAN"
EQUATION = "Eq. 3-4"


def options(bounded=True, omega=1.0):
    omega = float(omega)
    if not (np.isfinite(omega) and omega > 0):
        raise ValueError(f"MIM's scale omega must be a positive number, got {omega}")
    return [1.0 if bounded else 0.0, omega]


def overflow_hint(opt, dtype):
    """Why MIM's loss can leave ``dtype``'s range at these options, or None (see :mod:`.base`)."""
    top = math.log(float(np.finfo(dtype).max))
    if opt[0] != 0.0 and opt[1] > top:
        return (f"its loss is bounded by e^omega = e^{opt[1]:g}, beyond {np.dtype(dtype).name}'s range for omega > "
                f"{top:.1f}: choose a smaller omega")
    if opt[0] == 0.0:
        return (f"the unbounded discriminator's loss grows like e^(omega |logit|) and leaves {np.dtype(dtype).name}'s "
                f"range once omega |logit| > {top:.1f}: use the bounded MIM (bounded=true) or a smaller omega")
    return None


def symbolic(bounded=True, omega=1.0):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    IDENTITY, SIGMOID, D = base.IDENTITY, base.SIGMOID, base.D

    w = sp.nsimplify(omega)
    return Symbolic(f=sp.exp(w * (1 - D)), g=sp.exp(w * D), discriminator="min", generator=-sp.exp(w * D),
                    output=SIGMOID if bounded else IDENTITY)


@kernel
def real_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    e = math.exp(opt[1] * (1.0 - d))
    return e, -opt[1] * e * ds


@kernel
def fake_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    e = math.exp(opt[1] * d)
    return e, opt[1] * e * ds


@kernel
def gen_loss(logit, opt):
    d, ds = d_and_slope(logit, opt[0] != 0.0)
    e = math.exp(opt[1] * d)
    return -e, -opt[1] * e * ds


def value_terms(real_logits, fake_logits, opt):
    """Batch means of the two terms of L_MIM (Eq. 3): E_P[exp(w(1 - D))], E_Pg[exp(w D)]."""
    D_ = (lambda l: 1 / (1 + np.exp(-l))) if opt[0] != 0.0 else (lambda l: l)
    w = opt[1]
    return float(np.mean(np.exp(w * (1 - D_(real_logits))))), float(np.mean(np.exp(w * D_(fake_logits))))


def pointwise_value(lp, lq, opt, bounded=False):
    """p exp(w(1 - D*)) + q exp(w D*) at D* = 1/2 + ln(p/q)/(2w), from log-densities (no overflow in far tails).

    ``bounded`` clips D* to [0, 1], the optimum of the convex integrand over a sigmoid's range.
    """
    w = opt[1]
    dv = 0.5 + 0.5 * (lp - lq) / w
    if bounded:
        dv = np.clip(dv, 0.0, 1.0)
    a = np.where(np.isfinite(lp), np.exp(lp + w * (1 - dv)), 0.0)
    b = np.where(np.isfinite(lq), np.exp(lq + w * dv), 0.0)
    return a + b
