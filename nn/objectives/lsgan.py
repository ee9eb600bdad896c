"""LSGAN (Mao et al.), targets a = 0 (fake), b = 1 (real), c = 1 (generator).

D minimises 1/2 E_P[(D - b)^2] + 1/2 E_Pg[(D - a)^2]; G minimises 1/2 E_Pg[(D - c)^2].
``output="sigmoid"`` (default, the paper's Section IV: every discriminator ends
in a sigmoid) uses D = sigmoid(logit); ``"linear"`` is Mao et al.'s D = logit.
"""
from .._jit import kernel
from ._stable import d_and_slope

CODE = 2
NAME = "lsgan"
DEFAULTS = {"output": "sigmoid", "a": 0.0, "b": 1.0, "c": 1.0}


def options(output="sigmoid", a=0.0, b=1.0, c=1.0):
    if output not in ("sigmoid", "linear"):
        raise ValueError(f"unknown LSGAN output {output!r}; expected 'sigmoid' or 'linear'")
    return [1.0 if output == "sigmoid" else 0.0, float(a), float(b), float(c)]


@kernel
def d_loss(real, fake, g_real, g_fake, opt):
    use_sigmoid, a, b = opt[0] != 0.0, opt[1], opt[2]
    loss = 0.0
    n, m = real.shape[0], fake.shape[0]
    for i in range(n):
        d, ds = d_and_slope(float(real[i]), use_sigmoid)
        loss += 0.5 * (d - b) ** 2 / n
        g_real[i] = (d - b) * ds / n
    for i in range(m):
        d, ds = d_and_slope(float(fake[i]), use_sigmoid)
        loss += 0.5 * (d - a) ** 2 / m
        g_fake[i] = (d - a) * ds / m
    return loss


@kernel
def g_loss(fake, g_fake, opt):
    use_sigmoid, c = opt[0] != 0.0, opt[3]
    loss = 0.0
    m = fake.shape[0]
    for i in range(m):
        d, ds = d_and_slope(float(fake[i]), use_sigmoid)
        loss += 0.5 * (d - c) ** 2 / m
        g_fake[i] = (d - c) * ds / m
    return loss


def value_terms(real_logits, fake_logits, opt):
    """1/2 E_P[(D - c)^2] and 1/2 E_Pg[(D - c)^2]: the generator criterion of Mao et al. (NumPy)."""
    import numpy as np
    D = (lambda l: 1 / (1 + np.exp(-l))) if opt[0] != 0.0 else (lambda l: l)
    c = opt[3]
    return float(0.5 * np.mean((D(real_logits) - c) ** 2)), float(0.5 * np.mean((D(fake_logits) - c) ** 2))
