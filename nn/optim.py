"""SGD (with momentum), Adam and RMSProp: one fused compiled pass over a flat parameter array.

Each optimiser is described to the compiled GAN step by ``state()``, an
:class:`OptState` ``(code, hyper, s1, s2, t)`` with ``hyper = [lr,
beta1/momentum, beta2/rho, eps]`` (float64), two state buffers shaped like the
parameters and a step counter.
Adam follows PyTorch's formula (bias corrections applied to lr and eps).
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .jit import kernel

SGD_CODE, ADAM_CODE, RMSPROP_CODE = 0, 1, 2
#: An optimiser as the compiled step sees it.
OptState = namedtuple("OptState", "code hyper s1 s2 t")


@kernel
def apply_update(code, hyper, params, grads, s1, s2, t):
    """One optimiser step in place; ``t`` is a 1-element int64 counter.

    Returns 0.0 when every updated parameter is finite, NaN otherwise.  The
    count of non-finite values rides along the update loop (a vectorised
    integer reduction; ``p - p`` would not do, as reassociation folds it to
    0), which spares the trainer a separate pass over the parameters.
    """
    t[0] += 1
    nbad = 0
    big = np.finfo(params.dtype).max
    lr = hyper[0]
    n = params.shape[0]
    if code == SGD_CODE:
        mom = params.dtype.type(hyper[1])
        lr_ = params.dtype.type(lr)
        if hyper[1] == 0.0:
            for i in range(n):
                p = params[i] - lr_ * grads[i]
                params[i] = p
                nbad += not (abs(p) <= big)
        else:
            for i in range(n):
                s1[i] = mom * s1[i] + grads[i]
                p = params[i] - lr_ * s1[i]
                params[i] = p
                nbad += not (abs(p) <= big)
    elif code == ADAM_CODE:
        b1, b2, eps = hyper[1], hyper[2], hyper[3]
        bc1 = 1.0 - b1 ** t[0]
        bc2 = 1.0 - b2 ** t[0]
        step = params.dtype.type(lr / bc1)
        inv_sqrt_bc2 = params.dtype.type(1.0 / math.sqrt(bc2))
        b1_, b2_ = params.dtype.type(b1), params.dtype.type(b2)
        c1, c2 = params.dtype.type(1.0 - b1), params.dtype.type(1.0 - b2)
        eps_ = params.dtype.type(eps)
        for i in range(n):
            g = grads[i]
            m = b1_ * s1[i] + c1 * g
            v = b2_ * s2[i] + c2 * g * g
            s1[i] = m
            s2[i] = v
            p = params[i] - step * m / (np.sqrt(v) * inv_sqrt_bc2 + eps_)
            params[i] = p
            nbad += not (abs(p) <= big)
    else:  # RMSProp
        rho = params.dtype.type(hyper[2])
        c = params.dtype.type(1.0 - hyper[2])
        lr_ = params.dtype.type(lr)
        eps_ = params.dtype.type(hyper[3])
        for i in range(n):
            g = grads[i]
            v = rho * s2[i] + c * g * g
            s2[i] = v
            p = params[i] - lr_ * g / (np.sqrt(v) + eps_)
            params[i] = p
            nbad += not (abs(p) <= big)
    return 0.0 if nbad == 0 else np.nan


@kernel
def clip_inplace(params, c):
    """Weight clipping to [-c, c] (WGAN)."""
    lo, hi = params.dtype.type(-c), params.dtype.type(c)
    for i in range(params.shape[0]):
        params[i] = min(max(params[i], lo), hi)


class Optimizer:
    """Base class: owns the state buffers for one flat parameter array."""

    code = -1
    name = ""

    def __init__(self, lr: float):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        self.lr = float(lr)
        self.s1 = self.s2 = None
        self.t = np.zeros(1, np.int64)

    def hyper(self) -> np.ndarray:
        raise NotImplementedError

    def bind(self, params: np.ndarray) -> "Optimizer":
        """Allocate the state for ``params`` (called once by the trainer)."""
        self.s1 = np.zeros_like(params)
        self.s2 = np.zeros_like(params)
        self.t[:] = 0
        return self

    def state(self):
        return OptState(self.code, self.hyper(), self.s1, self.s2, self.t)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Update ``params`` in place from ``grads``."""
        if self.s1 is None or self.s1.shape != params.shape or self.s1.dtype != params.dtype:
            self.bind(params)
        apply_update(self.code, self.hyper(), params, grads, self.s1, self.s2, self.t)

    def config(self) -> dict:
        return {"name": self.name, **{k: v for k, v in vars(self).items() if isinstance(v, (int, float))}}


class SGD(Optimizer):
    """Stochastic gradient descent, optional (heavy-ball) momentum."""

    code, name = SGD_CODE, "sgd"

    def __init__(self, lr=0.001, momentum=0.0):
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)

    def hyper(self):
        return np.array([self.lr, self.momentum, 0.0, 0.0])


class Adam(Optimizer):
    """Adam (Kingma & Ba) as in PyTorch."""

    code, name = ADAM_CODE, "adam"

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        for n, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(f"{n} must be in [0, 1), got {b}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def hyper(self):
        return np.array([self.lr, self.beta1, self.beta2, self.eps])


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton) without momentum."""

    code, name = RMSPROP_CODE, "rmsprop"

    def __init__(self, lr=0.001, rho=0.99, eps=1e-8):
        super().__init__(lr)
        if not 0 <= rho < 1:
            raise ValueError(f"rho must be in [0, 1), got {rho}")
        self.rho, self.eps = float(rho), float(eps)

    def hyper(self):
        return np.array([self.lr, 0.0, self.rho, self.eps])


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSProp}


def make_optimizer(name: str, **kw) -> Optimizer:
    """Build an optimiser by name ({'sgd', 'adam', 'rmsprop'})."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name](**kw)
