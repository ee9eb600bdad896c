"""Wasserstein GAN (Arjovsky et al.): the critic maximises E_P[f] - E_Pg[f] on raw logits.

``wgan`` keeps the critic Lipschitz by weight clipping (c = 0.01);
``wgan-gp`` (Gulrajani et al.) adds lambda E[(||grad_x f(x_hat)|| - 1)^2], lambda = 10,
computed by :mod:`nn.penalty`.  Both use n_critic = 5 critic steps per generator step.
"""
from .._jit import kernel

CODE = 3
NAME = "wgan"
DEFAULTS = {}


def options():
    return [0.0]


@kernel
def d_loss(real, fake, g_real, g_fake, opt):
    n, m = real.shape[0], fake.shape[0]
    loss = 0.0
    for i in range(n):
        loss -= float(real[i]) / n
        g_real[i] = -1.0 / n
    for i in range(m):
        loss += float(fake[i]) / m
        g_fake[i] = 1.0 / m
    return loss


@kernel
def g_loss(fake, g_fake, opt):
    m = fake.shape[0]
    loss = 0.0
    for i in range(m):
        loss -= float(fake[i]) / m
        g_fake[i] = -1.0 / m
    return loss


def value_terms(real_logits, fake_logits, opt):
    """E_P[f] and -E_Pg[f]: the critic's objective, W1 at the optimum (NumPy)."""
    import numpy as np
    return float(np.mean(real_logits)), float(-np.mean(fake_logits))
