"""Activation functions as in-place numba kernels, addressed by integer code.

Derivatives are written in terms of the activation's *output* ``a`` so that
the forward pass only needs to cache outputs (numpy-ml style caching, one
buffer per layer).  Every activation used here has that property:

=========== ===================== ========================= ==============================
name        a = phi(z)            phi'(z) from a            phi''(z) from a (WGAN-GP)
=========== ===================== ========================= ==============================
linear      z                     1                         0
relu        max(z, 0)             [a > 0]                   0
leaky_relu  z if z > 0 else s z   1 if a > 0 else s         0
tanh        tanh z                1 - a^2                   -2 a (1 - a^2)
sigmoid     1 / (1 + e^-z)        a (1 - a)                 a (1 - a)(1 - 2a)
=========== ===================== ========================= ==============================

float32 ``tanh`` uses a vectorisable rational approximation (Eigen's
``ptanh_float``, max error ~1 ulp) because numba's ``math.tanh`` is a scalar
libm call; float64 (used by the gradient checks) calls ``math.tanh``.
"""
from __future__ import annotations

import math

import numpy as np
from .jit import kernel

LINEAR, RELU, LEAKY_RELU, TANH, SIGMOID = 0, 1, 2, 3, 4
ACTIVATIONS = {"linear": LINEAR, "relu": RELU, "leaky_relu": LEAKY_RELU, "tanh": TANH, "sigmoid": SIGMOID}
HIDDEN_ACTIVATIONS = ("leaky_relu", "relu", "tanh")
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear")


def activation_code(name: str, allowed=tuple(ACTIVATIONS)) -> int:
    """Integer code of activation ``name``; ValueError naming the valid choices otherwise."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}; expected one of {list(allowed)}")
    return ACTIVATIONS[name]


# Eigen's float tanh: odd rational approximation on [-7.905, 7.905] (tanh = +-1 in float32 beyond).
_C = 7.90531110763549805
_A1, _A3, _A5, _A7 = 4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05, 5.12229709037114e-08
_A9, _A11, _A13 = -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16
_B0, _B2, _B4, _B6 = 4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06


@kernel
def _tanh_rational_inplace(x):
    c = x.dtype.type(_C)
    a1, a3, a5, a7 = x.dtype.type(_A1), x.dtype.type(_A3), x.dtype.type(_A5), x.dtype.type(_A7)
    a9, a11, a13 = x.dtype.type(_A9), x.dtype.type(_A11), x.dtype.type(_A13)
    b0, b2, b4, b6 = x.dtype.type(_B0), x.dtype.type(_B2), x.dtype.type(_B4), x.dtype.type(_B6)
    for i in range(x.size):
        v = min(max(x[i], -c), c)
        v2 = v * v
        p = v2 * a13 + a11
        p = v2 * p + a9
        p = v2 * p + a7
        p = v2 * p + a5
        p = v2 * p + a3
        p = v2 * p + a1
        q = v2 * b6 + b4
        q = v2 * q + b2
        q = v2 * q + b0
        x[i] = v * p / q


@kernel
def tanh_inplace(x):
    """tanh of a contiguous 1-D view, in place (fast path for float32)."""
    if x.itemsize == 4:
        _tanh_rational_inplace(x)
    else:
        for i in range(x.size):
            x[i] = math.tanh(x[i])


@kernel
def sigmoid_inplace(x):
    """Logistic function in place; sigmoid(z) = (1 + tanh(z/2)) / 2 keeps the fast tanh path."""
    half = x.dtype.type(0.5)
    for i in range(x.size):
        x[i] = x[i] * half
    tanh_inplace(x)
    for i in range(x.size):
        x[i] = half + half * x[i]


@kernel
def bias_activate(Z, b, code, slope):
    """Z <- phi(Z + b) for a C-contiguous (B, n) block.

    The activation branch is hoisted out of the loops so each loop body is
    branch-free and vectorises.
    """
    B, n = Z.shape
    s = Z.dtype.type(slope)
    zero = Z.dtype.type(0)
    if code == RELU:
        for i in range(B):
            for j in range(n):
                v = Z[i, j] + b[j]
                Z[i, j] = v if v > zero else zero
    elif code == LEAKY_RELU:
        for i in range(B):
            for j in range(n):
                v = Z[i, j] + b[j]
                Z[i, j] = v if v > zero else s * v
    else:
        for i in range(B):
            for j in range(n):
                Z[i, j] += b[j]
        flat = Z.reshape(B * n)
        if code == TANH:
            tanh_inplace(flat)
        elif code == SIGMOID:
            sigmoid_inplace(flat)


@kernel
def activate(Z, code):
    """Z <- phi(Z) in place for a C-contiguous block, tanh or sigmoid (the row-wise passes fuse the
    piecewise-linear activations into their products)."""
    flat = Z.reshape(Z.size)
    if code == TANH:
        tanh_inplace(flat)
    elif code == SIGMOID:
        sigmoid_inplace(flat)


@kernel
def times_derivative(G, A, code, slope, out):
    """out <- G * phi'(z), with phi' written through the cached output A (out may alias G)."""
    B, n = A.shape
    s = A.dtype.type(slope)
    one = A.dtype.type(1)
    zero = A.dtype.type(0)
    if code == LINEAR:
        for i in range(B):
            for j in range(n):
                out[i, j] = G[i, j]
    elif code == RELU:
        for i in range(B):
            for j in range(n):
                out[i, j] = G[i, j] if A[i, j] > zero else zero
    elif code == LEAKY_RELU:
        for i in range(B):
            for j in range(n):
                out[i, j] = G[i, j] if A[i, j] > zero else s * G[i, j]
    elif code == TANH:
        for i in range(B):
            for j in range(n):
                a = A[i, j]
                out[i, j] = G[i, j] * (one - a * a)
    else:
        for i in range(B):
            for j in range(n):
                a = A[i, j]
                out[i, j] = G[i, j] * (a * (one - a))


@kernel
def second_derivative(A, code, out):
    """out <- phi''(z) through the cached output A (zero for the piecewise-linear activations)."""
    B, n = A.shape
    one = A.dtype.type(1)
    two = A.dtype.type(2)
    if code == TANH:
        for i in range(B):
            for j in range(n):
                a = A[i, j]
                out[i, j] = -two * a * (one - a * a)
    elif code == SIGMOID:
        for i in range(B):
            for j in range(n):
                a = A[i, j]
                out[i, j] = a * (one - a) * (one - two * a)
    else:
        for i in range(B):
            for j in range(n):
                out[i, j] = 0


def reference_activation(name, z, slope=0.2):
    """Plain-NumPy activation, the oracle for the kernels' tests."""
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, slope * z)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    raise ValueError(name)
