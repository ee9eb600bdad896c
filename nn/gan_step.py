"""The whole GAN training step as compiled code.

One call runs ``S`` iterations; each iteration is ``n_critic`` discriminator
updates followed by one generator update:

* D step: fake = G(z); D on [real; fake] in one 2B-row pass; objective's D loss
  on the logits; backward with parameter gradients only (no dX); optional
  gradient penalty (WGAN-GP); optimiser update; optional weight clipping.
* G step: reuses the last D step's fake (G has not changed since); D forward
  on it; generator loss; D backward to its input only (no D weight
  gradients); G backward with parameter gradients; optimiser update.

Random numbers (z, real-row indices, interpolation weights) are drawn by the
caller with NumPy generators and passed in, which keeps runs reproducible and
independent of how iterations are grouped into calls.
"""
from __future__ import annotations

from .jit import kernel
from .mlp_kernels import backward, forward, layer_view
from .objectives import dispatch
from .optim import apply_update, clip_inplace
from .penalty import penalty_and_grad


@kernel
def _gather(X, idx, out):
    # Element loops, not slice assignments: numba compiles its general broadcasting (and its error messages)
    # for every slice assignment, seconds of compilation for a copy.
    for i in range(idx.shape[0]):
        for j in range(X.shape[1]):
            out[i, j] = X[idx[i], j]


# The D and G steps are inlined: only train_steps calls them (see nn.jit.kernel), and compiled on their own as
# well they cost 2-3 s (D) and 1.5-2 s (G) of compilation per dtype.
@kernel(inline="always")
def d_step(G, D, gbuf, dbuf, real_loss, fake_loss, opt, clip, gp_lambda, optD, X, idx, z, eps_gp, gp):
    """One discriminator update; returns (loss, 0.0 if D's parameters are finite else NaN).

    Leaves G's cache holding G(z); ``real_loss``, ``fake_loss`` are the addresses of the objective's per-logit
    kernels (:func:`nn.objectives.dispatch.loss_functions`), so one compiled step serves every objective."""
    Gp, Gg, Gs, Ga, Gw, Gb, Gsl = G
    Dp, Dg, Ds, Da, Dw, Db, Dsl = D
    gcache, gwork = gbuf
    dcache, dwork, xcat, glog = dbuf
    B = z.shape[0]
    dx = Ds[0]
    xc = layer_view(xcat, 0, 2 * B, dx)
    _gather(X, idx, xc[:B])
    fake = forward(Gp, Gs, Ga, Gw, Gb, Gsl, z, gcache)
    for i in range(B):
        for j in range(dx):
            xc[B + i, j] = fake[i, j]
    logits = forward(Dp, Ds, Da, Dw, Db, Dsl, xc, dcache).reshape(2 * B)
    gl = glog[:2 * B]
    loss = dispatch.d_loss(real_loss, fake_loss, logits[:B], logits[B:], gl[:B], gl[B:], opt)
    backward(Dp, Dg, Ds, Da, Dw, Db, Dsl, xc, dcache, gl.reshape((2 * B, 1)), dwork, True, False)
    if gp_lambda > 0.0:
        xhat, gpgrad, c1, c2, c3, su, sa, sb, sc, sw = gp
        xh = layer_view(xhat, 0, B, dx)
        for i in range(B):
            e = xc.dtype.type(eps_gp[i])
            for j in range(dx):
                xh[i, j] = e * xc[i, j] + (1 - e) * xc[B + i, j]
        loss += penalty_and_grad(Dp, gpgrad, Ds, Da, Dw, Db, Dsl, xh, gp_lambda, c1, c2, c3, su, sa, sb, sc, sw)
        for i in range(Dg.shape[0]):
            Dg[i] += gpgrad[i]
    chk = apply_update(optD.code, optD.hyper, Dp, Dg, optD.s1, optD.s2, optD.t)
    if clip > 0.0:
        clip_inplace(Dp, clip)
    return loss, chk


@kernel(inline="always")
def g_step(G, D, gbuf, dbuf, gen_loss, opt, optG, z):
    """One generator update from the fake left in G's cache by the last D step.

    Returns (loss, 0.0 if G's parameters are finite else NaN)."""
    Gp, Gg, Gs, Ga, Gw, Gb, Gsl = G
    Dp, Dg, Ds, Da, Dw, Db, Dsl = D
    gcache, gwork = gbuf
    dcache, dwork, xcat, glog = dbuf
    B = z.shape[0]
    L = Ga.shape[0]
    # G's output A_L is the last block of its cache.
    off = 0
    for l in range(1, L):
        off += B * Gs[l]
    fake = layer_view(gcache, off, B, Gs[L])
    logits = forward(Dp, Ds, Da, Dw, Db, Dsl, fake, dcache).reshape(B)
    gl = glog[:B]
    loss = dispatch.g_loss(gen_loss, logits, gl, opt)
    dfake = backward(Dp, Dg, Ds, Da, Dw, Db, Dsl, fake, dcache, gl.reshape((B, 1)), dwork, False, True)
    backward(Gp, Gg, Gs, Ga, Gw, Gb, Gsl, z, gcache, dfake, gwork, True, False)
    chk = apply_update(optG.code, optG.hyper, Gp, Gg, optG.s1, optG.s2, optG.t)
    return loss, chk


@kernel
def train_steps(G, D, gbuf, dbuf, real_loss, fake_loss, gen_loss, opt, n_critic, clip, gp_lambda, optG, optD, X, idx, z,
                eps_gp, gp, losses):
    """Run ``losses.shape[0]`` iterations; idx/z/eps_gp hold S * n_critic batches, row-major.

    ``losses[s]`` = (D loss, G loss, D parameter check, G parameter check); a
    check is NaN from the iteration on which that network's parameters first
    became non-finite (the checks accumulate).
    """
    S = losses.shape[0]
    cd = 0.0
    cg = 0.0
    for s in range(S):
        d = 0.0
        for k in range(n_critic):
            j = s * n_critic + k
            d, c = d_step(G, D, gbuf, dbuf, real_loss, fake_loss, opt, clip, gp_lambda, optD, X, idx[j], z[j],
                          eps_gp[j], gp)
            cd += c
        losses[s, 0] = d
        g, c = g_step(G, D, gbuf, dbuf, gen_loss, opt, optG, z[s * n_critic + n_critic - 1])
        cg += c
        losses[s, 1] = g
        losses[s, 2] = cd
        losses[s, 3] = cg
