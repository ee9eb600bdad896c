"""f-GAN (Nowozin, Cseke & Tomioka 2016): variational divergence minimisation.

The discriminator's raw output v passes through the divergence's output
activation T = g_f(v) and maximises F = E_P[T] - E_Pg[f*(T)], f* the convex
conjugate of the divergence's generator f (Table 2 of Nowozin et al.):

============  ===================  =========================  =====================
divergence    f(u)                 g_f(v)                     f*(t)
============  ===================  =========================  =====================
kl            u ln u               v                          exp(t - 1)
reverse-kl    -ln u                -exp(-v)                   -1 - ln(-t)
pearson       (u - 1)^2            v                          t^2/4 + t
hellinger     (sqrt(u) - 1)^2      1 - exp(-v)                t/(1 - t)
js            Table 2's JS         ln 2 - ln(1 + exp(-v))     -ln(2 - exp(t))
============  ===================  =========================  =====================

At the optimal T, F = D_f(P || Pg).  The generator minimises F
(``generator_loss="saturating"``) or, as Nowozin et al. do in practice,
maximises E_Pg[g_f(v)] (``"non-saturating"``, the default).  The per-logit
kernels below are the composite losses -g_f(v) and f*(g_f(v)) simplified by
hand (e.g. f*(1 - e^-v) = e^v - 1), so no intermediate overflows; the
exponential families' gradients are e^|v| and cannot be held by float32
beyond |v| ~ 88 (the loss functions then raise a ValueError saying so).
"""
import math

from ..jit import kernel
from ._stable import sigmoid, softplus
from . import base
from .base import Symbolic

NAME = "fgan"
LABEL = "f-GAN"
TITLE = "f-GAN (Nowozin et al. 2016)"
EQUATION = "Nowozin et al. 2016, Eq. 6 and Table 2"
DIVERGENCES = ("kl", "reverse-kl", "pearson", "hellinger", "js")
GENERATOR_LOSSES = ("saturating", "non-saturating")
LN2 = math.log(2.0)


def options(divergence="kl", generator_loss="non-saturating"):
    if divergence not in DIVERGENCES:
        raise ValueError(f"unknown f-GAN divergence {divergence!r}; expected one of {list(DIVERGENCES)}")
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"unknown generator_loss {generator_loss!r}; expected one of {list(GENERATOR_LOSSES)}")
    return [float(DIVERGENCES.index(divergence)), 1.0 if generator_loss == "non-saturating" else 0.0]


def _activation_and_conjugate(divergence):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    D = base.D

    t = sp.Symbol("t", real=True)
    table = {
        "kl": (D, sp.exp(t - 1)),
        "reverse-kl": (-sp.exp(-D), -1 - sp.log(-t)),
        "pearson": (D, t ** 2 / 4 + t),
        "hellinger": (1 - sp.exp(-D), t / (1 - t)),
        "js": (sp.log(2) - sp.log(1 + sp.exp(-D)), -sp.log(2 - sp.exp(t))),
    }
    T, f_star = table[divergence]
    return T, f_star.subs(t, T)


def symbolic(divergence="kl", generator_loss="non-saturating"):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    IDENTITY = base.IDENTITY

    options(divergence, generator_loss)
    T, conj = _activation_and_conjugate(divergence)
    g = -sp.simplify(conj)
    return Symbolic(f=T, g=g, discriminator="max", output=IDENTITY,
                    generator=-T if generator_loss == "non-saturating" else g,
                    notes={"activation": T, "conjugate_of_activation": conj})


@kernel
def real_loss(logit, opt):
    """-g_f(v) and its derivative."""
    k = int(opt[0])
    if k == 0 or k == 2:
        return -logit, -1.0
    if k == 1:
        e = math.exp(-logit)
        return e, -e
    if k == 3:
        return math.expm1(-logit), -math.exp(-logit)
    return softplus(-logit) - LN2, sigmoid(logit) - 1.0


@kernel
def fake_loss(logit, opt):
    """f*(g_f(v)) and its derivative."""
    k = int(opt[0])
    if k == 0:
        e = math.exp(logit - 1.0)
        return e, e
    if k == 1:
        return logit - 1.0, 1.0
    if k == 2:
        return 0.25 * logit * logit + logit, 0.5 * logit + 1.0
    if k == 3:
        return math.expm1(logit), math.exp(logit)
    return softplus(logit) - LN2, sigmoid(logit)


@kernel
def gen_loss(logit, opt):
    if opt[1] != 0.0:
        return real_loss(logit, opt)
    val, d = fake_loss(logit, opt)
    return -val, -d
