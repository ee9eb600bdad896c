"""Wasserstein GAN (Arjovsky et al.): the critic maximises E_P[f] - E_Pg[f] on raw logits.

``wgan`` keeps the critic Lipschitz by weight clipping (c = 0.01);
``wgan-gp`` (Gulrajani et al.) adds lambda E[(||grad_x f(x_hat)|| - 1)^2], lambda = 10,
computed by :mod:`nn.penalty`.  Both use n_critic = 5 critic steps per generator step.
"""
import numpy as np

from ..jit import kernel
from . import base
from .base import Symbolic

NAME = "wgan"
LABEL = "W"
TITLE = "Wasserstein GAN"
EQUATION = "Arjovsky et al. 2017"


def options():
    return [0.0]


def symbolic():
    IDENTITY, D = base.IDENTITY, base.D  # sympy, made on first use

    return Symbolic(f=D, g=-D, discriminator="max", generator=-D, output=IDENTITY, lipschitz=True)


@kernel
def real_loss(logit, opt):
    return -logit, -1.0


@kernel
def fake_loss(logit, opt):
    return logit, 1.0


@kernel
def gen_loss(logit, opt):
    return -logit, -1.0


def value_terms(real_logits, fake_logits, opt):
    """E_P[f] and -E_Pg[f]: the critic's objective, W1 at the optimum."""
    return float(np.mean(real_logits)), float(-np.mean(fake_logits))
