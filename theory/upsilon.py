r"""Share of the rare event in the generator objective (Proposition 4, Corollary 2).

Binary model of Section III-A: the real distribution is P = {p, 1-p} with the
rare event of probability p, the generated one Pg = {q, 1-q} with
:math:`q = p + \varepsilon p^\gamma`.  :math:`\Upsilon` is the fraction of the
objective at the optimal discriminator contributed by the rare atom.

The exact values depend on (p, q) only; :math:`\varepsilon` and
:math:`\gamma` enter the printed approximations (Eq. 16, Eq. 20) separately.
"""
from __future__ import annotations

import numpy as np


def _unit_interval(name, x):
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf")
    if np.any((x <= 0) | (x >= 1)):
        raise ValueError(f"{name} must lie strictly inside (0, 1) to be a binary distribution")
    return x


def q_from(p, eps, gamma):
    r"""Generated rare-event probability :math:`q = p + \varepsilon p^\gamma` (Proposition 4)."""
    p = _unit_interval("p", p)
    return _unit_interval("q = p + eps p^gamma", p + np.asarray(eps, float) * p ** np.asarray(gamma, float))


def upsilon_mim(p, q):
    r"""Exact :math:`\Upsilon_{MIM}` (Eq. 18, first line).

    :math:`\Upsilon_{MIM} = 2\sqrt e\, p(1+\varepsilon p^{\gamma-1})^{1/2} / L^*_{MIM}
    = \sqrt{pq} / (\sqrt{pq} + \sqrt{(1-p)(1-q)})`, with :math:`L^*_{MIM}` of Eq. 17.
    """
    p, q = _unit_interval("p", p), _unit_interval("q", q)
    a = np.sqrt(p * q)
    return a / (a + np.sqrt((1 - p) * (1 - q)))


def l_kl_terms(p, q):
    """The rare and the normal atom's contributions to L_KL(D*_KL, G) (Eq. 19)."""
    p, q = _unit_interval("p", p), _unit_interval("q", q)
    m1, m0 = p + q, 2 - p - q
    rare = p * np.log(p / m1) + q * np.log(q / m1)
    normal = (1 - p) * np.log((1 - p) / m0) + (1 - q) * np.log((1 - q) / m0)
    return rare, normal


def upsilon_kl(p, q):
    r"""Exact :math:`\Upsilon_{KL}` of the original GAN (Eq. 20, first line).

    Ratio of the rare atom's term of Eq. 19 to the whole :math:`L_{KL}(D^*_{KL}, G)`;
    both are negative, the ratio is in (0, 1).
    """
    rare, normal = l_kl_terms(p, q)
    return rare / (rare + normal)


def upsilon_mim_approx(p, eps, gamma):
    r"""Eq. 16 as printed: :math:`\frac{(p+q)/2 - \varepsilon^2 p^{2\gamma-1}/8}{1 - \varepsilon^2 p^{2\gamma-1}/(8(1-p))}`."""
    return _approx(p, eps, gamma, 1.0)


def upsilon_kl_approx(p, eps, gamma):
    r"""Eq. 20 as printed: Eq. 16 with :math:`1/8` replaced by :math:`1/(8\ln 2)`."""
    return _approx(p, eps, gamma, 1.0 / np.log(2.0))


def _approx(p, eps, gamma, scale):
    p = _unit_interval("p", p)
    eps, gamma = np.asarray(eps, float), np.asarray(gamma, float)
    q = _unit_interval("q = p + eps p^gamma", p + eps * p**gamma)
    c = scale * eps**2 * p ** (2 * gamma - 1) / 8
    return ((p + q) / 2 - c) / (1 - c / (1 - p))
