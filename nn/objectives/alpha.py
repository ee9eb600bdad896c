"""alpha-GAN (Kurri, Sypherd & Sankar 2021): the GAN value function under alpha-loss.

alpha-loss of the probability y assigned to the true label,
l_alpha(y) = alpha/(alpha - 1) (1 - y^((alpha - 1)/alpha)), tends to -ln y as
alpha -> 1.  D = sigmoid(logit) maximises

    V_alpha = E_P[-l_alpha(D)] + E_Pg[-l_alpha(1 - D)],

with optimum D* = p^alpha/(p^alpha + q^alpha); alpha = 1 is the original GAN
(Eq. 1), alpha = inf the total-variation game.  The generator minimises V
(``"saturating"``) or E_Pg[l_alpha(D)] (``"non-saturating"``, default).

Kernels: with k = (alpha - 1)/alpha, sigmoid(v)^k = exp(-k softplus(-v)), and
d l_alpha(sigmoid(v))/dv = -sigmoid(v)^k (1 - sigmoid(v)) for every alpha,
which is also the alpha = 1 limit.  For alpha < 1 (k < 0) the terms grow like
e^(|k| |v|), so float32 gradients overflow at large |v| (a ValueError says so).
"""
import math

import numpy as np

from ..jit import kernel
from ._stable import softplus
from . import base
from .base import Symbolic

NAME = "alpha"
LABEL = "alpha-GAN"
TITLE = "alpha-GAN (Kurri et al. 2021)"
EQUATION = "Kurri, Sypherd & Sankar 2021, Eq. 6"
GENERATOR_LOSSES = ("saturating", "non-saturating")


def options(alpha=2.0, generator_loss="non-saturating"):
    alpha = float(alpha)
    if not alpha > 0 or math.isnan(alpha):
        raise ValueError(f"alpha must be in (0, inf], got {alpha}")
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"unknown generator_loss {generator_loss!r}; expected one of {list(GENERATOR_LOSSES)}")
    k = 1.0 if math.isinf(alpha) else (alpha - 1.0) / alpha
    c = 1.0 if math.isinf(alpha) else (alpha / (alpha - 1.0) if alpha != 1.0 else 0.0)
    return [k, c, 1.0 if generator_loss == "non-saturating" else 0.0, 1.0 if alpha == 1.0 else 0.0]


def overflow_hint(opt, dtype):
    """Why alpha-GAN's loss can leave ``dtype``'s range at these options, or None (see :mod:`.base`)."""
    k = opt[0]
    if k < 0:  # alpha < 1: the loss has D^k with a negative power, and D = sigmoid(logit) -> 0
        top = math.log(float(np.finfo(dtype).max))
        return (f"alpha < 1 makes the loss grow like D^((alpha - 1)/alpha) = D^{k:.3g}, which leaves "
                f"{np.dtype(dtype).name}'s range once |logit| > {top / -k:.3g}: choose alpha closer to 1 (or >= 1)")
    return None


def _neg_loss(y, alpha):
    """-l_alpha(y) as a sympy expression (ln y at alpha = 1)."""
    import sympy as sp  # here, not at import: training and scoring never load sympy

    if alpha == 1:
        return sp.log(y)
    if alpha == sp.oo:
        return y - 1
    return alpha / (alpha - 1) * (y ** ((alpha - 1) / alpha) - 1)


def symbolic(alpha=2.0, generator_loss="non-saturating"):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    SIGMOID, D = base.SIGMOID, base.D

    options(alpha, generator_loss)
    a = sp.oo if math.isinf(float(alpha)) else sp.nsimplify(alpha)
    f, g = _neg_loss(D, a), _neg_loss(1 - D, a)
    return Symbolic(f=f, g=g, discriminator="max", output=SIGMOID,
                    generator=-f if generator_loss == "non-saturating" else g)


@kernel
def _loss(x, opt):
    """(l_alpha(sigmoid(x)), d/dx) in overflow-free form."""
    s = softplus(-x)                       # -ln sigmoid(x)
    if opt[3] != 0.0:
        return s, -math.exp(-softplus(x))  # alpha = 1: -ln sigmoid(x), derivative sigmoid(x) - 1
    k, c = opt[0], opt[1]
    return -c * math.expm1(-k * s), -math.exp(-k * s - softplus(x))


@kernel
def real_loss(logit, opt):
    return _loss(logit, opt)


@kernel
def fake_loss(logit, opt):
    val, d = _loss(-logit, opt)            # l_alpha(1 - D) = l_alpha(sigmoid(-v))
    return val, -d


@kernel
def gen_loss(logit, opt):
    if opt[2] != 0.0:
        return _loss(logit, opt)
    val, d = fake_loss(logit, opt)
    return -val, -d


def value_terms(real_logits, fake_logits, opt):
    """Batch means of E_P[-l_alpha(D)] and E_Pg[-l_alpha(1 - D)] (the value V_alpha)."""
    lr = -np.logaddexp(0, -np.asarray(real_logits, float))   # ln D
    lf = -np.logaddexp(0, np.asarray(fake_logits, float))    # ln(1 - D)
    if opt[3] != 0.0:
        return float(np.mean(lr)), float(np.mean(lf))
    k, c = opt[0], opt[1]
    return float(np.mean(c * np.expm1(k * lr))), float(np.mean(c * np.expm1(k * lf)))
