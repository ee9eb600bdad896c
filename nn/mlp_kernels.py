"""Compiled forward and backward passes of an MLP stored in one flat parameter buffer.

Layout (see :class:`nn.mlp.MLP`): layer l has ``W_l`` of shape
(sizes[l], sizes[l+1]) at ``params[w_off[l]:]`` (row-major) and ``b_l`` at
``params[b_off[l]:]``.  ``cache`` holds the outputs A_1..A_L of one forward
pass back to back (B * sum(sizes[1:]) values): the activations' derivatives
are functions of their outputs, so nothing else is needed by ``backward``.

All matrix products go through ``np.dot`` (BLAS sgemm/dgemm from SciPy).
"""
from __future__ import annotations

import numpy as np

from .jit import kernel
from .activations import bias_activate, times_derivative


@kernel
def cache_size(sizes, batch):
    """Length of the activation cache for ``batch`` rows."""
    total = 0
    for l in range(1, sizes.shape[0]):
        total += sizes[l]
    return total * batch


@kernel
def work_size(sizes, batch):
    """Length of the backward work buffer (two ping-pong blocks of the widest layer)."""
    m = 0
    for l in range(sizes.shape[0]):
        m = max(m, sizes[l])
    return 2 * m * batch


@kernel
def layer_view(buf, start, rows, cols):
    return buf[start:start + rows * cols].reshape((rows, cols))


@kernel
def forward(params, sizes, acts, w_off, b_off, slope, X, cache):
    """Run the network on X (B, sizes[0]); return the output A_L, a view into ``cache``."""
    B = X.shape[0]
    A = X
    off = 0
    for l in range(acts.shape[0]):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = layer_view(params, w_off[l], n_in, n_out)
        Z = layer_view(cache, off, B, n_out)
        np.dot(A, W, Z)
        bias_activate(Z, params[b_off[l]:b_off[l] + n_out], acts[l], slope)
        A = Z
        off += B * n_out
    return A


@kernel
def column_sum(M, out):
    """out[j] = sum_i M[i, j], rows in order (deterministic)."""
    B, n = M.shape
    for j in range(n):
        out[j] = 0
    for i in range(B):
        for j in range(n):
            out[j] += M[i, j]


@kernel
def matmul(A, B, out):
    """out <- A @ B; rank-1 and matrix-vector shapes bypass BLAS, whose call
    for an inner dimension of 1 costs ~100 us at these sizes for ~1 us of work."""
    if A.shape[1] == 1:
        for i in range(A.shape[0]):
            a = A[i, 0]
            for j in range(B.shape[1]):
                out[i, j] = a * B[0, j]
    else:
        np.dot(A, B, out)


@kernel
def backward(params, grads, sizes, acts, w_off, b_off, slope, X, cache, G_out, work, param_grads, input_grad):
    """Back-propagate dLoss/dA_L = G_out.

    Fills ``grads`` (same layout as ``params``) when ``param_grads`` and returns
    dLoss/dX (a view into ``work``) when ``input_grad``; the first layer's
    input product is skipped otherwise, so an input-only pass never pays for
    weight gradients and a parameter-only pass never pays for dX.
    """
    B = X.shape[0]
    L = acts.shape[0]
    half = work.shape[0] // 2
    bufA, bufZ = work[:half], work[half:]
    off = cache_size(sizes, B)
    dA = G_out
    for l in range(L - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        off -= B * n_out
        A_out = layer_view(cache, off, B, n_out)
        dZ = layer_view(bufZ, 0, B, n_out)
        times_derivative(dA, A_out, acts[l], slope, dZ)
        W = layer_view(params, w_off[l], n_in, n_out)
        if param_grads:
            A_in = X if l == 0 else layer_view(cache, off - B * n_in, B, n_in)
            np.dot(A_in.T, dZ, layer_view(grads, w_off[l], n_in, n_out))
            column_sum(dZ, grads[b_off[l]:b_off[l] + n_out])
        if l > 0 or input_grad:
            dA = layer_view(bufA, 0, B, n_in)
            matmul(dZ, W.T, dA)
    return dA
