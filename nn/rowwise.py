"""Forward and input-gradient passes whose every output row is computed by the same instructions.

BLAS computes a row of ``A @ W`` differently depending on where the row sits
in the matrix (packing, micro-tile edges, the M = 1 path): at float32 the
low bits of one row change with its neighbours.  For training that is
harmless; for the latent search of Eq. 22–23 it is not, because an anomaly
score must be a function of the row alone.  These loops compute each row as
``out[i, :] = sum_k A[i, k] W[k, :]`` with k in order, so a row gives the same
bits alone, in any batch, at any position and in any block.

Same layout and buffers as :mod:`nn.mlp_kernels` (``cache``, ``work``).
"""
from __future__ import annotations

from .jit import kernel
from .activations import bias_activate, times_derivative
from .mlp_kernels import cache_size, layer_view


#: Rows that share one pass over W (W[k, :] is read once per block instead of once per row).  The
#: arithmetic of each row is the same for any block size, so blocking changes speed, never bits.
ROW_BLOCK = 4


@kernel
def dot_rows(A, W, out):
    """out <- A @ W, each element accumulated over k in order (the same instructions for every row)."""
    B, K = A.shape
    n = W.shape[1]
    for i0 in range(0, B, ROW_BLOCK):
        i1 = min(i0 + ROW_BLOCK, B)
        for i in range(i0, i1):
            for j in range(n):
                out[i, j] = 0
        for k in range(K):
            for i in range(i0, i1):
                a = A[i, k]
                for j in range(n):
                    out[i, j] += a * W[k, j]


@kernel
def dot_rows_transposed(G, W, out):
    """out <- G @ W.T, row by row: out[i, k] = sum_j G[i, j] W[k, j], j in order."""
    B, n = G.shape
    K = W.shape[0]
    for i in range(B):
        for k in range(K):
            s = G.dtype.type(0)
            for j in range(n):
                s += G[i, j] * W[k, j]
            out[i, k] = s


@kernel
def forward_rows(params, sizes, acts, w_off, b_off, slope, X, cache):
    """:func:`nn.mlp_kernels.forward` with :func:`dot_rows`; returns A_L (a view into ``cache``)."""
    B = X.shape[0]
    A = X
    off = 0
    for l in range(acts.shape[0]):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = layer_view(params, w_off[l], n_in, n_out)
        Z = layer_view(cache, off, B, n_out)
        dot_rows(A, W, Z)
        bias_activate(Z, params[b_off[l]:b_off[l] + n_out], acts[l], slope)
        A = Z
        off += B * n_out
    return A


@kernel
def input_grad_rows(params, sizes, acts, w_off, b_off, slope, X, cache, G_out, work):
    """dLoss/dX for dLoss/dA_L = ``G_out`` after :func:`forward_rows` (no parameter gradients)."""
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
        dA = layer_view(bufA, 0, B, n_in)
        dot_rows_transposed(dZ, W, dA)
    return dA
