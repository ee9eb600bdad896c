r"""WGAN-GP gradient penalty and its parameter gradient by a hand-derived second-order pass.

Penalty (Gulrajani et al.): :math:`\Omega = \frac{\lambda}{B}\sum_i (\|u_i\| - 1)^2`,
:math:`u_i = \nabla_x f(\hat x_i)` for a scalar-output critic f.

Notation for layer l = 1..L: :math:`z_l = h_{l-1}W_l + b_l`, :math:`h_l = \phi_l(z_l)`,
:math:`h_0 = \hat x`.  The input gradient is the backward recursion
:math:`g_L = 1`, :math:`\delta_l = g_l \odot \phi_l'(z_l)`, :math:`g_{l-1} = \delta_l W_l^\top`, u = g_0.

Reverse mode through that recursion, with :math:`\bar g_0 = \partial\Omega/\partial u
= \frac{2\lambda}{B}(\|u_i\|-1)\,u_i/\|u_i\|`, runs l = 1..L:

* :math:`\bar W_l \mathrel{+}= \bar g_{l-1}^\top \delta_l`
* :math:`\bar\delta_l = \bar g_{l-1} W_l`, :math:`\bar g_l = \bar\delta_l \odot \phi_l'`
* :math:`\bar z^{(\delta)}_l = \bar\delta_l \odot g_l \odot \phi_l''`  (zero for piecewise-linear layers)

and the curvature terms flow back through the forward graph, l = L..1:
:math:`\bar z_L = \bar z^{(\delta)}_L`, :math:`\bar W_l \mathrel{+}= h_{l-1}^\top \bar z_l`,
:math:`\bar b_l \mathrel{+}= \sum_i \bar z_l`,
:math:`\bar z_{l-1} = \bar z^{(\delta)}_{l-1} + (\bar z_l W_l^\top) \odot \phi_{l-1}'`.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .jit import kernel
from .activations import SIGMOID, TANH, second_derivative, times_derivative
from .mlp import check_batch
from .mlp_kernels import cache_size, column_sum, forward, layer_view


#: The gradient penalty's buffers as the compiled D step sees them: the interpolated rows, the penalty's
#: parameter gradient, three caches, and the scratch of :func:`penalty_and_grad`.
GPScratch = namedtuple("GPScratch", "xhat grad c1 c2 c3 su sa sb sc sw")


@kernel
def scratch_sizes(sizes, batch):
    """Lengths of the five scratch buffers :func:`penalty_and_grad` needs."""
    m, mw = 0, 0
    for l in range(sizes.shape[0]):
        m = max(m, sizes[l])
    for l in range(sizes.shape[0] - 1):
        mw = max(mw, sizes[l] * sizes[l + 1])
    c = cache_size(sizes, batch)
    return c, 2 * batch * sizes[0], batch * m, max(mw, batch * m)


@kernel
def penalty_and_grad(params, out_grads, sizes, acts, w_off, b_off, slope, Xhat, lam,
                     cache, gcache, dcache, su, sa, sb, sc, sw):
    """Return the penalty; write d(penalty)/d(params) into ``out_grads`` (overwritten)."""
    B = Xhat.shape[0]
    L = acts.shape[0]
    n0 = sizes[0]
    forward(params, sizes, acts, w_off, b_off, slope, Xhat, cache)
    # Backward pass keeping every g_l (gcache) and delta_l (dcache).
    off = cache_size(sizes, B)
    top = layer_view(gcache, off - B * sizes[L], B, sizes[L])
    for i in range(B):
        for j in range(sizes[L]):
            top[i, j] = 1
    for l in range(L - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        off -= B * n_out
        dZ = layer_view(dcache, off, B, n_out)
        times_derivative(layer_view(gcache, off, B, n_out), layer_view(cache, off, B, n_out), acts[l], slope, dZ)
        W = layer_view(params, w_off[l], n_in, n_out)
        g_in = layer_view(gcache, off - B * n_in, B, n_in) if l > 0 else layer_view(su, 0, B, n0)
        np.dot(dZ, W.T, g_in)
    u = layer_view(su, 0, B, n0)
    ubar = layer_view(su, B * n0, B, n0)
    pen = 0.0
    for i in range(B):
        s = 0.0
        for j in range(n0):
            s += float(u[i, j]) ** 2
        norm = np.sqrt(s)
        pen += lam * (norm - 1.0) ** 2 / B
        coef = 2.0 * lam * (norm - 1.0) / (B * max(norm, 1e-12))
        for j in range(n0):
            ubar[i, j] = coef * u[i, j]
    out_grads[:] = 0
    curvature = False
    for l in range(L):
        if acts[l] == TANH or acts[l] == SIGMOID:
            curvature = True
    # Reverse of the backward recursion, l = 1..L (0-based here).
    gbar = ubar
    off = 0
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = layer_view(params, w_off[l], n_in, n_out)
        dZ = layer_view(dcache, off, B, n_out)
        np.dot(gbar.T, dZ, layer_view(out_grads, w_off[l], n_in, n_out))
        dbar = layer_view(sc, 0, B, n_out)
        np.dot(gbar, W, dbar)
        A_out = layer_view(cache, off, B, n_out)
        if curvature:
            g_l = layer_view(gcache, off, B, n_out)
            curv = layer_view(sw, 0, B, n_out)
            second_derivative(A_out, acts[l], curv)
            for i in range(B):
                for j in range(n_out):
                    g_l[i, j] = dbar[i, j] * g_l[i, j] * curv[i, j]   # zbar^(delta)_l, in place of g_l
        nxt = layer_view(sa if (l % 2 == 0) else sb, 0, B, n_out)
        times_derivative(dbar, A_out, acts[l], slope, nxt)
        gbar = nxt
        off += B * n_out
    if not curvature:
        return pen
    # Curvature terms back through the forward graph.
    off = cache_size(sizes, B)
    zbar = layer_view(gcache, off - B * sizes[L], B, sizes[L])
    for l in range(L - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        off -= B * n_out
        A_in = Xhat if l == 0 else layer_view(cache, off - B * n_in, B, n_in)
        acc = layer_view(sw, 0, n_in, n_out)
        np.dot(A_in.T, zbar, acc)
        Wg = layer_view(out_grads, w_off[l], n_in, n_out)
        for a in range(n_in):
            for b in range(n_out):
                Wg[a, b] += acc[a, b]
        bacc = sw[:n_out]
        column_sum(zbar, bacc)
        for b in range(n_out):
            out_grads[b_off[l] + b] += bacc[b]
        if l > 0:
            W = layer_view(params, w_off[l], n_in, n_out)
            nxt = layer_view(sa if (l % 2 == 0) else sb, 0, B, n_in)
            np.dot(zbar, W.T, nxt)
            A_prev = layer_view(cache, off - B * n_in, B, n_in)
            times_derivative(nxt, A_prev, acts[l - 1], slope, nxt)
            zd = layer_view(gcache, off - B * n_in, B, n_in)
            for i in range(B):
                for j in range(n_in):
                    nxt[i, j] += zd[i, j]
            zbar = nxt
    return pen


class GradientPenalty:
    """Owns the scratch buffers for :func:`penalty_and_grad` on one critic (numpy-level API)."""

    def __init__(self, critic, lam=10.0):
        self.critic, self.lam = critic, float(lam)
        self._batch = -1

    def buffers(self, batch):
        if batch != self._batch:
            c, su, sm, sw = scratch_sizes(self.critic.sizes, batch)
            dt = self.critic.dtype
            self._bufs = tuple(np.zeros(n, dt) for n in (c, c, c, su, sm, sm, sm, sw))
            self._batch = batch
        return self._bufs

    def __call__(self, Xhat):
        """Penalty value and its gradient w.r.t. the critic's flat parameters."""
        c = self.critic
        if c.sizes[-1] != 1:
            raise ValueError("the gradient penalty needs a critic with one output")
        Xhat = check_batch(Xhat, int(c.sizes[0]), name="Xhat", dtype=c.dtype)
        out = np.zeros_like(c.params)
        pen = penalty_and_grad(c.params, out, c.sizes, c.acts, c.w_off, c.b_off, c.slope, Xhat, self.lam,
                               *self.buffers(Xhat.shape[0]))
        return float(pen), out
