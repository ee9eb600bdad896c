"""Original GAN (Goodfellow et al.): D maximises E_P[ln D] + E_Pg[ln(1 - D)], D = sigmoid(logit).

Generator losses (Appendix A of the paper compares both):

* ``"saturating"``: minimise E[ln(1 - D(G(z)))] (the minimax game);
* ``"non-saturating"`` (default): minimise E[-ln D(G(z))].
"""
from .._jit import kernel
from ._stable import sigmoid, softplus

CODE = 1
NAME = "gan"
GENERATOR_LOSSES = ("saturating", "non-saturating")
DEFAULTS = {"generator_loss": "non-saturating"}


def options(generator_loss="non-saturating"):
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"unknown generator_loss {generator_loss!r}; expected one of {list(GENERATOR_LOSSES)}")
    return [1.0 if generator_loss == "non-saturating" else 0.0]


@kernel
def d_loss(real, fake, g_real, g_fake, opt):
    loss = 0.0
    n, m = real.shape[0], fake.shape[0]
    for i in range(n):
        x = float(real[i])
        loss += softplus(-x) / n          # -ln D(x)
        g_real[i] = (sigmoid(x) - 1.0) / n
    for i in range(m):
        x = float(fake[i])
        loss += softplus(x) / m           # -ln(1 - D(G(z)))
        g_fake[i] = sigmoid(x) / m
    return loss


@kernel
def g_loss(fake, g_fake, opt):
    non_saturating = opt[0] != 0.0
    loss = 0.0
    m = fake.shape[0]
    for i in range(m):
        x = float(fake[i])
        if non_saturating:
            loss += softplus(-x) / m
            g_fake[i] = (sigmoid(x) - 1.0) / m
        else:
            loss -= softplus(x) / m       # ln(1 - D) = -softplus(logit)
            g_fake[i] = -sigmoid(x) / m
    return loss


def value_terms(real_logits, fake_logits, opt):
    """Batch means of E_P[ln D] and E_Pg[ln(1 - D)] (the minimax L of Eq. 1-2), NumPy."""
    import numpy as np
    return float(-np.mean(np.logaddexp(0, -real_logits))), float(-np.mean(np.logaddexp(0, fake_logits)))
