"""Original GAN (Goodfellow et al.): D maximises E_P[ln D] + E_Pg[ln(1 - D)], D = sigmoid(logit).

Generator losses (Appendix A of the paper compares both):

* ``"saturating"``: minimise E[ln(1 - D(G(z)))] (the minimax game);
* ``"non-saturating"`` (default): minimise E[-ln D(G(z))].
"""
import numpy as np

from ..jit import kernel
from ._stable import sigmoid, softplus
from . import base
from .base import Symbolic

NAME = "gan"
LABEL = "KL (GAN)"
TITLE = "original GAN"
EQUATION = "Goodfellow et al. 2014; paper Eq. 1, 19"
GENERATOR_LOSSES = ("saturating", "non-saturating")


def options(generator_loss="non-saturating"):
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"unknown generator_loss {generator_loss!r}; expected one of {list(GENERATOR_LOSSES)}")
    return [1.0 if generator_loss == "non-saturating" else 0.0]


def symbolic(generator_loss="non-saturating"):
    import sympy as sp  # here, not at import: training and scoring never load sympy
    SIGMOID, D = base.SIGMOID, base.D

    ns = generator_loss == "non-saturating"
    return Symbolic(f=sp.log(D), g=sp.log(1 - D), discriminator="max",
                    generator=-sp.log(D) if ns else sp.log(1 - D), output=SIGMOID,
                    criterion=(sp.Integer(0), -sp.log(D)) if ns else None)


@kernel
def real_loss(logit, opt):
    return softplus(-logit), sigmoid(logit) - 1.0          # -ln D(x)


@kernel
def fake_loss(logit, opt):
    return softplus(logit), sigmoid(logit)                 # -ln(1 - D(G(z)))


@kernel
def gen_loss(logit, opt):
    if opt[0] != 0.0:
        return softplus(-logit), sigmoid(logit) - 1.0
    return -softplus(logit), -sigmoid(logit)              # ln(1 - D) = -softplus(logit)


def value_terms(real_logits, fake_logits, opt):
    """Batch means of E_P[ln D] and E_Pg[ln(1 - D)] (the minimax L of Eq. 1-2)."""
    return float(-np.mean(np.logaddexp(0, -real_logits))), float(-np.mean(np.logaddexp(0, fake_logits)))


def pointwise_value(lp, lq, opt, bounded=False):
    """The criterion's integrand at D* = p/(p+q), from log-densities: minimax (Eq. 19) or -q ln D*."""
    lm = np.logaddexp(lp, lq)
    has_p, has_q = np.isfinite(lp), np.isfinite(lq)
    if opt[0] != 0.0:
        return np.where(has_q, -np.exp(lq) * (lp - lm), 0.0)
    return np.where(has_p, np.exp(lp) * (lp - lm), 0.0) + np.where(has_q, np.exp(lq) * (lq - lm), 0.0)
