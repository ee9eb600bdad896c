"""Forward and input-gradient passes whose every output row is computed by the same instructions.

BLAS computes a row of ``A @ W`` differently depending on where the row sits
in the matrix (packing, micro-tile edges, the M = 1 path): at float32 the
low bits of one row change with its neighbours.  For training that is
harmless; for the latent search of Eq. 22–23 it is not, because an anomaly
score must be a function of the row alone.  Here every product goes through
the register tile of :mod:`nn.microkernel` on buffers padded to whole tiles, so
every row is computed by the same instructions whatever its neighbours.

A :class:`RowNet` is a network packed for that kernel once per search: per
layer, ``W`` with its columns padded to whole tiles (forward), ``W^T`` padded
the same way (the input gradient, so the backward product is a forward-shaped
product too), and the padded bias.  Padding is zero, so padded columns of every
activation and gradient are harmless and never read by the next product.

Buffers hold ``rows`` = a multiple of ``TILE_ROWS`` rows; activations of layer l
are ``rows x padded[l + 1]`` blocks back to back in ``cache``.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .jit import kernel
from .activations import LEAKY_RELU, LINEAR, RELU, activate, times_derivative
from .microkernel import TILE_ROWS, gemm_rows, padded, tile_cols

#: A network packed for row-wise products: ``packed`` holds, per layer l, W_l (sizes[l] x padded[l+1])
#: at ``wf_off[l]``, W_l^T (sizes[l+1] x padded[l]) at ``wb_off[l]``, both in panels of ``tile_cols``
#: columns (:func:`nn.microkernel.gemm_rows`), and the bias (padded[l+1]) at ``b_off[l]``; ``padded``
#: are the widths rounded up to whole tiles.
RowNet = namedtuple("RowNet", "packed sizes padded acts wf_off wb_off b_off slope")


def pack(net) -> RowNet:
    """The :class:`RowNet` of :class:`nn.MLP` ``net`` (a copy of its current parameters)."""
    cw = tile_cols(net.dtype.itemsize)
    # Fresh writable copies: numba types a read-only array (a network from another process or a file) apart,
    # and would compile every kernel that takes a RowNet once more for it.
    sizes = np.array(net.sizes, np.int64)
    pad = np.array([padded(s, cw) for s in sizes], np.int64)
    L = len(sizes) - 1
    wf, wb, bo = (np.zeros(L, np.int64) for _ in range(3))
    off = 0
    for l in range(L):
        wf[l] = off
        off += sizes[l] * pad[l + 1]
        wb[l] = off
        off += sizes[l + 1] * pad[l]
        bo[l] = off
        off += pad[l + 1]
    buf = np.zeros(off, net.dtype)
    params = net.parameters

    def panels(M, width):
        # (K, width) zero-padded, then panel p = columns [p*cw, (p+1)*cw) stored K x cw, contiguous.
        P = np.zeros((M.shape[0], width), net.dtype)
        P[:, :M.shape[1]] = M
        return P.reshape(M.shape[0], width // cw, cw).transpose(1, 0, 2).ravel()

    for l in range(L):
        W, b = params[2 * l], params[2 * l + 1]
        n_in, n_out = W.shape
        buf[wf[l]:wf[l] + n_in * pad[l + 1]] = panels(W, pad[l + 1])
        buf[wb[l]:wb[l] + n_out * pad[l]] = panels(W.T, pad[l])
        buf[bo[l]:bo[l] + n_out] = b
    return RowNet(buf, sizes, pad, np.array(net.acts, np.int64), wf, wb, bo, float(net.slope))


def padded_rows(n: int) -> int:
    """Rows of the buffers for ``n`` rows: a whole number of register tiles."""
    return padded(max(int(n), 1), TILE_ROWS)


@kernel
def row_cache_size(padded_sizes, rows):
    """Length of the activation cache of :func:`forward_rows` for ``rows`` (padded) rows."""
    total = 0
    for l in range(1, padded_sizes.shape[0]):
        total += padded_sizes[l]
    return total * rows


@kernel
def row_work_size(padded_sizes, rows):
    """Length of the work buffer of :func:`input_grad_rows` (two blocks of the widest padded layer)."""
    m = 0
    for l in range(padded_sizes.shape[0]):
        m = max(m, padded_sizes[l])
    return 2 * m * rows


@kernel
def fused_slope(code, slope):
    """The slope of the product's epilogue (:func:`nn.microkernel.gemm_rows`) for activation ``code``:
    leaky ReLU its slope, ReLU 0, and -1 for the activations that need a pass of their own."""
    if code == LEAKY_RELU:
        return slope
    if code == RELU:
        return 0.0
    return -1.0


@kernel
def forward_rows(net, X, ldx, rows, cache):
    """Run the packed network on ``rows`` rows of the flat buffer X (row i at ``X[i*ldx:]``, ``sizes[0]``
    values read); return the output, a (rows, padded[-1]) view into ``cache``.  The bias and a (leaky)
    ReLU are applied inside the product; tanh and sigmoid by a pass over the layer."""
    packed, sizes, pad, acts, wf, wb, bo, slope = net
    cw = tile_cols(packed.itemsize)
    A = X
    lda = ldx
    off = 0
    for l in range(acts.shape[0]):
        n_out = pad[l + 1]
        s = fused_slope(acts[l], slope)
        gemm_rows(A, 0 if l == 0 else off - rows * pad[l], lda, packed, wf[l], cw, sizes[l] * cw, cache, off,
                  n_out, rows, sizes[l], n_out, bo[l], s >= 0.0, s)
        if s < 0.0 and acts[l] != LINEAR:
            Z = cache[off:off + rows * n_out].reshape((rows, n_out))
            activate(Z, acts[l])
        if l == 0:
            A = cache
        lda = n_out
        off += rows * n_out
    return cache[off - rows * pad[-1]:off].reshape((rows, pad[-1]))


@kernel
def input_grad_rows(net, rows, cache, G_out, work):
    """dLoss/dX for dLoss/dA_L = ``G_out`` (rows, padded[-1]) after :func:`forward_rows`; a (rows,
    padded[0]) view into ``work`` (no parameter gradients).  Each product ``dZ_l W_l^T`` multiplies in
    the derivative of the (leaky) ReLU below it as it stores; other activations get a pass."""
    packed, sizes, pad, acts, wf, wb, bo, slope = net
    cw = tile_cols(packed.itemsize)
    L = acts.shape[0]
    half = work.shape[0] // 2
    off = row_cache_size(pad, rows) - rows * pad[L]
    # dZ of the top layer: G_out times the derivative of the output activation.
    cur = 0
    dZ = work[:rows * pad[L]].reshape((rows, pad[L]))
    times_derivative(G_out, cache[off:off + rows * pad[L]].reshape((rows, pad[L])), acts[L - 1], slope, dZ)
    for l in range(L - 1, -1, -1):
        n_in = pad[l]
        nxt = half - cur
        below = off - rows * n_in  # cached output of layer l - 1 (the input of layer l)
        s = fused_slope(acts[l - 1], slope) if l > 0 else -1.0
        # dA_in = dZ W^T; the reduction runs over the layer's true width (the padded W^T rows are unused).
        gemm_rows(work, cur, pad[l + 1], packed, wb[l], cw, sizes[l + 1] * cw, work, nxt, n_in, rows,
                  sizes[l + 1], n_in, -1, s >= 0.0, s, cache, below, n_in)
        if l > 0 and s < 0.0 and acts[l - 1] != LINEAR:
            out = work[nxt:nxt + rows * n_in].reshape((rows, n_in))
            times_derivative(out, cache[below:below + rows * n_in].reshape((rows, n_in)), acts[l - 1], slope, out)
        cur = nxt
        off = below
    return work[cur:cur + rows * pad[0]].reshape((rows, pad[0]))


def layer_rows(net, X, layer=-1):
    """Activations of layer ``layer`` of :class:`nn.MLP` ``net`` for the rows of X, each row computed
    alone: ``layer=-1`` is the output, ``-2`` the last hidden layer (the features of EGBAD's
    feature-matching score).  Returns a float64 array (rows, width)."""
    X = np.ascontiguousarray(X, dtype=net.dtype)
    sizes = [int(s) for s in net.sizes]
    n_layers = len(sizes) - 1
    k = layer % n_layers if layer < 0 else layer - 1  # index of the layer among the weight layers
    if not 0 <= k < n_layers:
        raise ValueError(f"layer {layer} is out of range for a network with {n_layers} weight layers")
    rn = pack(net)
    N = X.shape[0]
    rows = padded_rows(N)
    Xp = np.zeros((rows, sizes[0]), net.dtype)
    Xp[:N] = X
    cache = np.zeros(row_cache_size(rn.padded, rows), net.dtype)
    forward_rows(rn, Xp.reshape(-1), sizes[0], rows, cache)
    off = sum(rows * int(rn.padded[l + 1]) for l in range(k))
    width = int(rn.padded[k + 1])
    return cache[off:off + rows * width].reshape(rows, width)[:N, :sizes[k + 1]].astype(np.float64)
