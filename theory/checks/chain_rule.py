"""Item 5: the first equality of Eq. 12–13 and Eq. 27–30 — the chain rule — with a real discriminator.

grad_theta E_z[l(D(g_theta(z)))] = E_z[l'(D) grad_x D(x) grad_theta g_theta(z)] for l = exp (MIM), ln(1 - D)
(saturating GAN) and -ln D (non-saturating GAN).  The other checks of item 5 treat the multiplier l'(D)
symbolically; here both sides are computed for a concrete smooth, non-constant D and g_theta:

* D(x) = sigmoid(w2 . tanh(W1 x + b1) + b2), x in R^2 (a fixed one-hidden-layer network, D in (0, 1));
* g_theta(z) = A z + c, theta = (A, c) (six parameters), z ~ N(0, I_2) by a 24 x 24 Gauss–Hermite grid.

The left side is a central finite difference in each parameter of theta; the right side is analytic.
"""
from __future__ import annotations

import numpy as np

from ..verdict import CheckResult, decide

_RNG = np.random.default_rng(1227)
W1 = _RNG.normal(0, 0.8, (5, 2))
B1 = _RNG.normal(0, 0.3, 5)
W2 = _RNG.normal(0, 0.8, 5)
B2 = 0.1
THETA0 = np.array([0.9, -0.3, 0.4, 1.1, 0.2, -0.5])  # A (row-major 2 x 2), then c

_z, _w = np.polynomial.hermite_e.hermegauss(24)
_w = _w / np.sqrt(2 * np.pi)
Z = np.stack(np.meshgrid(_z, _z, indexing="ij"), -1).reshape(-1, 2)
WZ = np.outer(_w, _w).ravel()

LOSSES = {"mim": np.exp, "saturating": lambda d: np.log1p(-d), "non-saturating": lambda d: -np.log(d)}
#: dl/dD as the first lines of Eq. 12 (exp(D)), Eq. 27 (-1/(1-D)) and Eq. 28 (-1/D) print it.
PRINTED_DERIVATIVES = {"mim": np.exp, "saturating": lambda d: -1 / (1 - d), "non-saturating": lambda d: -1 / d}
EQUATIONS = {"mim": "Eq. 12-13", "saturating": "Eq. 27/29", "non-saturating": "Eq. 28/30"}


def _generate(theta, z=Z):
    A, c = theta[:4].reshape(2, 2), theta[4:]
    return z @ A.T + c


def discriminator(x):
    """D(x) and grad_x D(x) for rows of x."""
    h = np.tanh(x @ W1.T + B1)
    d = 1 / (1 + np.exp(-(h @ W2 + B2)))
    grad = (d * (1 - d))[:, None] * (((1 - h**2) * W2) @ W1)
    return d, grad


def lhs(loss, theta=THETA0, h=1e-6):
    """grad_theta E[l(D(g_theta(z)))] by central differences."""
    out = np.empty(theta.size)
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = h
        f = [float(WZ @ LOSSES[loss](discriminator(_generate(theta + s * e))[0])) for s in (1, -1)]
        out[i] = (f[0] - f[1]) / (2 * h)
    return out


def rhs(loss, derivative, theta=THETA0):
    """E[l'(D) grad_x D grad_theta g]: d g_i / d A_ij = z_j, d g_i / d c_i = 1."""
    d, gx = discriminator(_generate(theta))
    m = derivative(d)[:, None] * gx  # (n, 2): l'(D) grad_x D
    grad_a = (WZ[:, None, None] * m[:, :, None] * Z[:, None, :]).sum(0)  # (2, 2)
    grad_c = (WZ[:, None] * m).sum(0)
    return np.concatenate([grad_a.ravel(), grad_c])


def check_chain_rule(derivatives=None) -> CheckResult:
    """Both sides of the chain-rule step for every generator loss; a wrong l' (``derivatives``) must fail."""
    derivatives = PRINTED_DERIVATIVES if derivatives is None else derivatives
    errs, d_range, gx_range = {}, None, None
    for loss in LOSSES:
        a, b = lhs(loss), rhs(loss, derivatives[loss])
        errs[EQUATIONS[loss]] = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
    d, gx = discriminator(_generate(THETA0))
    d_range = [float(d.min()), float(d.max())]
    gx_range = float(np.abs(gx).max())
    ok = max(errs.values()) < 1e-7 and d_range[1] - d_range[0] > 0.1
    return CheckResult(
        id="cor1.chain_rule", item=5,
        claim="Eq. 12-13, 27-30, first equality: grad_theta E[l(D(g_theta z))] = E[l'(D) grad_x D grad_theta g] for "
              "l = exp, ln(1 - D), -ln D",
        checked="a fixed tanh/sigmoid network D on R^2 and a linear generator g_theta(z) = A z + c (6 parameters), "
                "z ~ N(0, I) by a 24 x 24 Gauss-Hermite grid; left side by central differences (h = 1e-6), right "
                "side analytic",
        verdict=decide(ok),
        evidence={"max_rel_err_by_equation": errs, "D_range_on_generated_points": d_range,
                  "max_abs_grad_x_D": gx_range, "n_parameters": int(THETA0.size)},
    )


def run():
    return [check_chain_rule()]
