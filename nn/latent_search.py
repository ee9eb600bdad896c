r"""Batched latent search of Eq. 22–23: one latent vector and one Adam state per row, one compiled call.

For every row x_i, z_i is moved by Adam to minimise

.. math:: J(x, z) = (1-\lambda)\,\|x - G(z)\|_p + \lambda\, H_{ce}(D(G(z)), \beta)   \quad (23)

with :math:`H_{ce}(d, \beta) = -\beta\ln\sigma(d) - (1-\beta)\ln(1-\sigma(d))` (Eq. 24).
Eq. 24 applies a sigmoid to D, whose output is already a sigmoid in
Section IV; ``ce_logit=True`` reads d as D's logit (the usual
sigmoid-cross-entropy-with-logits), ``ce_logit=False`` as D's sigmoid output
(the paper as printed, where H_ce only varies in [0.31, 0.69] for beta = 1).

Rows are independent (J_i depends on z_i only), so the gradient of sum_i J_i
gives each row its own gradient, and elementwise Adam on the (N, dz) matrix
with a shared step count is exactly one Adam state per row.
"""
from __future__ import annotations

import math

import numpy as np

from .jit import kernel
from .blas import blas_threads, budget
from .rowwise import forward_rows, input_grad_rows, pack, padded_rows, row_cache_size, row_work_size
from .objectives._stable import sigmoid, softplus


#: Steps between two checks of the stopping rule of :func:`search_rows`.
STOP_WINDOW = 25


def shared_starts(latent_dim: int, pool: int, seed: int) -> np.ndarray:
    """``pool`` standard-normal latent starts (pool, latent_dim), float32, drawn from ``seed`` alone.

    Every row is offered the same starts, so a row's start never depends on
    the row's bits (a change far below the data's precision cannot send it to
    another start) nor on the other rows.
    """
    if int(pool) < 1:
        raise ValueError(f"the pool of latent starts must hold at least 1 start, got {pool}")
    rng = np.random.default_rng([int(seed), 0x5EED])
    return rng.standard_normal((int(pool), int(latent_dim))).astype(np.float32)


@kernel
def start_costs(X, Gz, h_ce, lam, p, out):
    """J(x_i, z_m) of Eq. 23 for every row i and start m, given G(z_m) (M, dx) and H_ce(D(G(z_m))) (M,).

    G(z_m) does not depend on the row, so screening M starts costs M forward
    passes in all plus N x M distances; each distance is accumulated in the
    same order for every row (a row's costs are a function of the row).
    """
    N = X.shape[0]
    M = Gz.shape[0]
    grad = np.empty(X.shape[1], np.float64)
    for i in range(N):
        for m in range(M):
            out[i, m] = (1.0 - lam) * residual_norm(X[i], Gz[m], p, grad) + lam * h_ce[m]


def logits_rows(D, X):
    """D's logits (float64) for the rows of X, each row computed alone (see :mod:`nn.rowwise`)."""
    X = np.ascontiguousarray(X, dtype=D.dtype)
    N, width = X.shape
    rows = padded_rows(N)
    Xp = np.zeros((rows, width), D.dtype)
    Xp[:N] = X
    rn = pack(D)
    out = forward_rows(rn, Xp.reshape(-1), width, rows, np.zeros(row_cache_size(rn.padded, rows), D.dtype))
    return out[:N, 0].astype(np.float64)


@kernel
def cross_entropy(logit, beta, ce_logit):
    """(H_ce, dH_ce/dlogit) of Eq. 24 under either reading."""
    if ce_logit:
        return beta * softplus(-logit) + (1.0 - beta) * softplus(logit), sigmoid(logit) - beta
    d = sigmoid(logit)
    h = beta * softplus(-d) + (1.0 - beta) * softplus(d)
    return h, (sigmoid(d) - beta) * d * (1.0 - d)


@kernel
def residual_norm(x, g, p, out_grad):
    """||x - g||_p and d/dg of it (written into out_grad); p = 2 and p = 1 avoid pow()."""
    n = x.shape[0]
    s = 0.0
    if p == 2.0:
        for j in range(n):
            r = float(x[j]) - float(g[j])
            s += r * r
        norm = math.sqrt(s)
        inv = 1.0 / max(norm, 1e-12)
        for j in range(n):
            out_grad[j] = -(float(x[j]) - float(g[j])) * inv
        return norm
    if p == 1.0:
        for j in range(n):
            r = float(x[j]) - float(g[j])
            s += abs(r)
            out_grad[j] = -1.0 if r > 0 else (1.0 if r < 0 else 0.0)
        return s
    for j in range(n):
        s += abs(float(x[j]) - float(g[j])) ** p
    norm = s ** (1.0 / p)
    denom = max(norm, 1e-12) ** (p - 1.0)
    for j in range(n):
        r = float(x[j]) - float(g[j])
        out_grad[j] = -math.copysign(abs(r) ** (p - 1.0), r) / denom
    return norm


@kernel
def search(G, D, X, Z, n_steps, lr, beta1, beta2, eps, lam, p, beta, ce_logit, bufs, residual, h_ce, t0=0):
    """Run ``n_steps`` Adam steps on Z (N, dz) in place; write the final terms of Eq. 23 per row.

    G and D are packed networks (:func:`nn.rowwise.pack`); ``bufs`` come from :func:`allocate` for N
    rows (padded to whole tiles: the padding rows are searched from z = 0 and never read).
    ``t0 > 0`` continues a search that has already taken ``t0`` steps: the Adam moments in ``bufs`` are
    kept (not zeroed) and the bias corrections count from ``t0``, so a search cut into pieces gives the
    bits of one uncut search (the stopping rule of :func:`search_rows` relies on it).
    """
    zp, gcache, gwork, dcache, dwork, gout, glog, m, v = bufs
    N, dz = Z.shape
    dx = X.shape[1]
    rows = zp.shape[0] // dz
    pdx = G.padded[G.padded.shape[0] - 1]
    if t0 == 0:
        m[:] = 0
        v[:] = 0
    zr = zp.reshape((rows, dz))
    for i in range(N):  # element loops: a slice assignment compiles numba's whole broadcasting machinery
        for j in range(dz):
            zr[i, j] = Z[i, j]
    go = gout.reshape((rows, pdx))
    gl = glog.reshape((rows, glog.shape[0] // rows))
    lam_ = float(lam)
    for t in range(n_steps + 1):
        Gx = forward_rows(G, zp, dz, rows, gcache)
        gx = gcache[gcache.shape[0] - rows * pdx:]
        logits = forward_rows(D, gx, pdx, rows, dcache)
        for i in range(N):
            residual[i] = residual_norm(X[i], Gx[i, :dx], p, go[i, :dx])
            h, dh = cross_entropy(float(logits[i, 0]), beta, ce_logit)
            h_ce[i] = h
            gl[i, 0] = lam_ * dh
        if t == n_steps:
            break  # the last pass only evaluates J at the final z
        dGx = input_grad_rows(D, rows, dcache, gl, dwork)
        c = go.dtype.type(1.0 - lam_)
        for i in range(N):
            for j in range(dx):
                go[i, j] = c * go[i, j] + dGx[i, j]
        dZ = input_grad_rows(G, rows, gcache, go, gwork)
        step = lr / (1.0 - beta1 ** (t0 + t + 1))
        inv_bc2 = 1.0 / math.sqrt(1.0 - beta2 ** (t0 + t + 1))
        b1, b2 = Z.dtype.type(beta1), Z.dtype.type(beta2)
        c1, c2 = Z.dtype.type(1.0 - beta1), Z.dtype.type(1.0 - beta2)
        st, ib, ep = Z.dtype.type(step), Z.dtype.type(inv_bc2), Z.dtype.type(eps)
        for i in range(N):
            for j in range(dz):
                g = dZ[i, j]
                mm = b1 * m[i, j] + c1 * g
                vv = b2 * v[i, j] + c2 * g * g
                m[i, j] = mm
                v[i, j] = vv
                zr[i, j] -= st * mm / (np.sqrt(vv) * ib + ep)
    for i in range(N):
        for j in range(dz):
            Z[i, j] = zr[i, j]


def search_rows(G, D, X, Z, n_steps, lr=0.003, lam=0.1, p=2.0, beta=1.0, ce_logit=True, threads=None,
                block_rows=512, betas=(0.9, 0.999), eps=1e-8, tol=None, window=STOP_WINDOW, return_steps=False):
    """Run :func:`search` over all rows of X (float32/64, C-contiguous) with Z updated in place.

    The rows are cut into ``ceil(N / block_rows)`` contiguous blocks of
    near-equal size, and ``threads`` blocks are searched at once on Python
    threads (the kernel releases the GIL).  The products are row-wise
    (:mod:`nn.rowwise`), not BLAS, so every row gets the same bits whatever
    block it lands in, and separate blocks never meet.

    ``threads=None`` uses the process's BLAS thread budget (all cores, or the
    limit set by ``threadpoolctl`` or a pool worker), so a process-pool worker
    limited to one BLAS thread searches its blocks one after another.  The cut
    and ``threads`` change speed only: each row's result is bit-identical for
    every cut and thread count.

    Stopping rule (``tol`` given): a row stops once J (Eq. 23) changed by less than ``tol`` relative to
    its value over the last ``window`` steps, checked every ``window`` steps; ``n_steps`` stays the
    maximum.  The decision uses the row's own J at fixed step counts only, and the rows still running
    are searched on as one uncut search would (``t0`` of :func:`search`), so a row's result, and its
    steps, stay a function of the row alone.  ``tol=0`` never stops a row early and gives the bits of
    ``tol=None``.

    Returns (residual, h_ce) per row, and with ``return_steps`` also the Adam steps each row took.
    """
    from concurrent.futures import ThreadPoolExecutor

    N = X.shape[0]
    if Z.shape[0] != N:
        raise ValueError(f"Z has {Z.shape[0]} rows but X has {N}")
    if int(block_rows) < 1:
        raise ValueError(f"block_rows must be >= 1, got {block_rows}")
    if tol is not None and not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"the stopping tolerance must be a finite number >= 0 (or None: no stopping rule), got {tol}")
    if int(window) < 1:
        raise ValueError(f"the stopping window must be >= 1 step, got {window}")
    n_blocks = max(1, -(-N // int(block_rows)))
    edges = np.linspace(0, N, n_blocks + 1).astype(int)
    threads = budget() if threads is None else int(threads)
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    threads = min(threads, n_blocks)
    res = np.zeros(N, X.dtype)
    hz = np.zeros(N, X.dtype)
    used = np.full(N, int(n_steps), np.int64)
    gnet, dnet = pack(G), pack(D)
    args = (float(lr), betas[0], betas[1], eps, float(lam), float(p), float(beta), bool(ce_logit))

    def block(k):
        a, b = edges[k], edges[k + 1]
        z = np.ascontiguousarray(Z[a:b])
        x = np.ascontiguousarray(X[a:b])
        if tol is None:
            # t0 given (0), as the stopping rule's calls give it: one compiled search serves both
            search(gnet, dnet, x, z, int(n_steps), *args, allocate(gnet, dnet, b - a, X.dtype), res[a:b], hz[a:b], 0)
        else:
            _search_stopping(gnet, dnet, x, z, int(n_steps), args, float(tol), int(window),
                             res[a:b], hz[a:b], used[a:b])
        Z[a:b] = z

    with blas_threads(1):
        if threads == 1:
            for k in range(n_blocks):
                block(k)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(block, range(n_blocks)))
    return (res, hz, used) if return_steps else (res, hz)


def _search_stopping(gnet, dnet, x, z, n_steps, args, tol, window, res, hz, used):
    """The search of one block, ``window`` steps at a time, on the rows that have not stopped yet."""
    lam = args[4]
    m = np.zeros(z.shape, z.dtype)
    v = np.zeros(z.shape, z.dtype)
    active = np.arange(len(x))
    J_prev = None
    t = 0
    while t < n_steps and len(active):
        w = min(window, n_steps - t)
        xa, za = np.ascontiguousarray(x[active]), np.ascontiguousarray(z[active])
        bufs = allocate(gnet, dnet, len(active), x.dtype)
        bufs[-2][:] = m[active]
        bufs[-1][:] = v[active]
        ra, ha = np.zeros(len(active), x.dtype), np.zeros(len(active), x.dtype)
        search(gnet, dnet, xa, za, w, *args, bufs, ra, ha, t)
        z[active], m[active], v[active], res[active], hz[active] = za, bufs[-2], bufs[-1], ra, ha
        t += w
        used[active] = t
        J = (1.0 - lam) * ra.astype(np.float64) + lam * ha.astype(np.float64)
        if J_prev is not None:
            # Strict: tol = 0 never stops a row, whatever its J does.
            done = np.abs(J_prev - J) < tol * np.maximum(np.abs(J), 1e-12)
            active, J = active[~done], J[~done]
        J_prev = J


def allocate(G, D, n_rows, dtype):
    """Buffers for :func:`search` on ``n_rows`` rows; G, D are packed networks (:func:`nn.rowwise.pack`)."""
    rows = padded_rows(n_rows)
    dz = int(G.sizes[0])
    z = np.zeros
    return (z(rows * dz, dtype), z(row_cache_size(G.padded, rows), dtype), z(row_work_size(G.padded, rows), dtype),
            z(row_cache_size(D.padded, rows), dtype), z(row_work_size(D.padded, rows), dtype),
            z(rows * int(G.padded[-1]), dtype), z(rows * int(D.padded[-1]), dtype), z((n_rows, dz), dtype),
            z((n_rows, dz), dtype))
