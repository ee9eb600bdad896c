"""MIM-based GAN (Eq. 3–4).

The discriminator *minimises* L_MIM = E_P[exp(1 - D(x))] + E_Pg[exp(D(G(z)))];
the generator *maximises* E_Pg[exp(D(G(z)))], i.e. minimises its negative.

``bounded`` (default, Section IV): D = sigmoid(logit), so D in (0, 1) and every
exponential is bounded by e.  ``bounded=False``: D = logit, the unconstrained
discriminator of Lemma 1 whose optimum 1/2 + 1/2 ln(P/Pg) is attainable; its
loss grows like exp(|logit|), so float32 gradients overflow for logits below
about -87.
"""
import math

from .._jit import kernel
from ._stable import d_and_slope

CODE = 0
NAME = "mim"
DEFAULTS = {"bounded": True}


def options(bounded=True):
    return [1.0 if bounded else 0.0]


@kernel
def d_loss(real, fake, g_real, g_fake, opt):
    bounded = opt[0] != 0.0
    loss = 0.0
    n = real.shape[0]
    for i in range(n):
        d, ds = d_and_slope(float(real[i]), bounded)
        e = math.exp(1.0 - d)
        loss += e / n
        g_real[i] = -e * ds / n
    m = fake.shape[0]
    for i in range(m):
        d, ds = d_and_slope(float(fake[i]), bounded)
        e = math.exp(d)
        loss += e / m
        g_fake[i] = e * ds / m
    return loss


@kernel
def g_loss(fake, g_fake, opt):
    bounded = opt[0] != 0.0
    loss = 0.0
    m = fake.shape[0]
    for i in range(m):
        d, ds = d_and_slope(float(fake[i]), bounded)
        e = math.exp(d)
        loss -= e / m
        g_fake[i] = -e * ds / m
    return loss


def value_terms(real_logits, fake_logits, opt):
    """Batch means of the two terms of L_MIM (Eq. 3): E_P[exp(1 - D)], E_Pg[exp(D)] (NumPy)."""
    import numpy as np
    D = (lambda l: 1 / (1 + np.exp(-l))) if opt[0] != 0.0 else (lambda l: l)
    return float(np.mean(np.exp(1 - D(real_logits)))), float(np.mean(np.exp(D(fake_logits))))
