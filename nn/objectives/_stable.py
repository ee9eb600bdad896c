"""Overflow-free scalar building blocks shared by the objectives (float64 inside)."""
import math

from ..jit import kernel


@kernel
def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@kernel
def softplus(x):
    """ln(1 + e^x) = -ln(1 - sigmoid(x)); -ln sigmoid(x) = softplus(-x)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@kernel
def d_and_slope(logit, use_sigmoid):
    """(D, dD/dlogit) for D = sigmoid(logit) (Section IV) or D = logit (unbounded)."""
    if use_sigmoid:
        s = sigmoid(logit)
        return s, s * (1.0 - s)
    return logit, 1.0
