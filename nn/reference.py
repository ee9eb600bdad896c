"""Plain-NumPy reference implementation: the test oracle and the benchmarks' NumPy path.

Written independently of the compiled kernels (lists of W, b; NumPy
activations; no shared code), so agreement between the two is evidence that
both are right.  Implements the same training step as :mod:`nn.gan_step` for
every objective except the WGAN-GP penalty.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .activations import reference_activation
from .objectives import get_objective
from .objectives.base import D as Dsym, v as vsym


def _act_grad(name, a, slope):
    if name == "linear":
        return np.ones_like(a)
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "leaky_relu":
        return np.where(a > 0, 1.0, slope).astype(a.dtype)
    if name == "tanh":
        return 1 - a * a
    return a * (1 - a)


class RefMLP:
    """List-of-matrices MLP with the same parameter order as :class:`nn.MLP`."""

    def __init__(self, weights, biases, hidden, output, slope=0.2):
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.acts = [hidden] * (len(weights) - 1) + [output]
        self.slope = slope

    @classmethod
    def from_mlp(cls, m):
        p = m.parameters
        return cls(p[0::2], p[1::2], m.hidden, m.output, m.slope)

    def forward(self, X):
        self.X, self.A = X, []
        h = X
        for W, b, a in zip(self.W, self.b, self.acts):
            h = reference_activation(a, h @ W + b, self.slope).astype(X.dtype)
            self.A.append(h)
        return h

    def backward(self, grad_out, param_grads=True):
        gW, gb = [None] * len(self.W), [None] * len(self.W)
        d = grad_out
        for l in range(len(self.W) - 1, -1, -1):
            dz = d * _act_grad(self.acts[l], self.A[l], self.slope)
            a_in = self.X if l == 0 else self.A[l - 1]
            if param_grads:
                gW[l], gb[l] = a_in.T @ dz, dz.sum(0)
            d = dz @ self.W[l].T
        self.gW, self.gb = gW, gb
        return d

    def flat(self):
        return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(self.W, self.b)])


def _sig(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def _softplus(x):
    return np.logaddexp(0, x)


def losses(name, options):
    """(d_loss(real, fake) -> (loss, g_real, g_fake), g_loss(fake) -> (loss, g)) in NumPy."""
    if name == "mim":
        bounded = bool(options.get("bounded", True))
        w = float(options.get("omega", 1.0))

        def D(l):
            return (_sig(l), _sig(l) * (1 - _sig(l))) if bounded else (l, np.ones_like(l))

        def d_loss(r, f):
            dr, sr = D(r)
            df, sf = D(f)
            return (np.exp(w * (1 - dr)).mean() + np.exp(w * df).mean(), -w * np.exp(w * (1 - dr)) * sr / len(r),
                    w * np.exp(w * df) * sf / len(f))

        def g_loss(f):
            df, sf = D(f)
            return -np.exp(w * df).mean(), -w * np.exp(w * df) * sf / len(f)
    elif name == "gan":
        ns = options.get("generator_loss", "non-saturating") == "non-saturating"

        def d_loss(r, f):
            return (_softplus(-r).mean() + _softplus(f).mean(), (_sig(r) - 1) / len(r), _sig(f) / len(f))

        def g_loss(f):
            if ns:
                return _softplus(-f).mean(), (_sig(f) - 1) / len(f)
            return -_softplus(f).mean(), -_sig(f) / len(f)
    elif name == "lsgan":
        use_sig = options.get("output", "sigmoid") == "sigmoid"
        a, b, c = options.get("a", 0.0), options.get("b", 1.0), options.get("c", 1.0)

        def D(l):
            return (_sig(l), _sig(l) * (1 - _sig(l))) if use_sig else (l, np.ones_like(l))

        def d_loss(r, f):
            dr, sr = D(r)
            df, sf = D(f)
            return (0.5 * ((dr - b) ** 2).mean() + 0.5 * ((df - a) ** 2).mean(), (dr - b) * sr / len(r),
                    (df - a) * sf / len(f))

        def g_loss(f):
            df, sf = D(f)
            return 0.5 * ((df - c) ** 2).mean(), (df - c) * sf / len(f)
    elif name in ("wgan",):
        def d_loss(r, f):
            return f.mean() - r.mean(), -np.ones_like(r) / len(r), np.ones_like(f) / len(f)

        def g_loss(f):
            return -f.mean(), -np.ones_like(f) / len(f)
    else:
        return symbolic_losses(name, options)
    return d_loss, g_loss


def symbolic_losses(name, options):
    """The losses of any registered objective, from its symbolic form alone (sympy derivatives, NumPy).

    The discriminator minimises ``+-(E_P[f(D(v))] + E_Pg[g(D(v))])`` (the sign from its direction), the
    generator ``E_Pg[generator(D(v))]``: an oracle for the hand-derived per-logit kernels that shares none
    of their code.  Evaluated directly, so keep |logit| moderate (no overflow-free rewriting here).
    """
    sym = get_objective(name, **options).symbolic()
    sign = 1 if sym.discriminator == "min" else -1

    def compile_(expr):
        e = expr.subs(Dsym, sym.output)
        val, der = sp.lambdify(vsym, e, "numpy"), sp.lambdify(vsym, sp.diff(e, vsym), "numpy")
        return lambda x: (np.asarray(val(x), float) + 0 * x, np.asarray(der(x), float) + 0 * x)

    fr, ff, fg = compile_(sign * sym.f), compile_(sign * sym.g), compile_(sym.generator)

    def d_loss(r, f):
        (vr, dr), (vf, df) = fr(r), ff(f)
        return vr.mean() + vf.mean(), dr / len(r), df / len(f)

    def g_loss(f):
        vg, dg = fg(f)
        return vg.mean(), dg / len(f)
    return d_loss, g_loss


class RefAdam:
    def __init__(self, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t, self.m, self.v = lr, b1, b2, eps, 0, None, None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            denom = np.sqrt(v) / np.sqrt(1 - self.b2**self.t) + self.eps
            p -= (self.lr / (1 - self.b1**self.t)) * m / denom


class RefGAN:
    """One training iteration exactly as :func:`nn.gan_step.train_steps` (n_critic D steps, one G step)."""

    def __init__(self, G: RefMLP, D: RefMLP, objective="mim", options=None, n_critic=1, clip=0.0, lr=0.001):
        self.G, self.D = G, D
        self.d_loss, self.g_loss = losses(objective, options or {})
        self.n_critic, self.clip = n_critic, clip
        self.optG, self.optD = RefAdam(lr), RefAdam(lr)

    def step(self, X, idx, z):
        """idx: (n_critic, B) row indices; z: (n_critic, B, dz).  Returns (d_loss, g_loss)."""
        for k in range(self.n_critic):
            B = z[k].shape[0]
            fake = self.G.forward(z[k])
            logits = self.D.forward(np.concatenate([X[idx[k]], fake]))[:, 0]
            dl, gr, gf = self.d_loss(logits[:B], logits[B:])
            self.D.backward(np.concatenate([gr, gf])[:, None].astype(X.dtype))
            self.optD.step(self.D.W + self.D.b, self.D.gW + self.D.gb)
            if self.clip > 0:
                for p in self.D.W + self.D.b:
                    np.clip(p, -self.clip, self.clip, out=p)
        logits = self.D.forward(fake)[:, 0]
        gl, gg = self.g_loss(logits)
        dfake = self.D.backward(gg[:, None].astype(X.dtype), param_grads=False)
        self.G.backward(dfake)
        self.optG.step(self.G.W + self.G.b, self.G.gW + self.G.gb)
        return dl, gl
