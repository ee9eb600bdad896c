"""Item 7: Eq. 26, the share of large-probability events in L_MIM at D*.

P is a two-component Gaussian mixture (a main mode and a rare mode), Pg a
Gaussian fitted roughly to the main mode; Omega_large = {x : P(x) >= tau}.
Each printed line of Eq. 26 is integrated by quadrature, with Lemma 1's D*
substituted numerically in the first line.
"""
from __future__ import annotations

import numpy as np
from scipy import integrate
from scipy.optimize import brentq

from ..objectives import optimal_discriminator
from ..verdict import CheckResult, decide


def _npdf(x, mu, s):
    return np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))


def mixture_pdf(x, w=0.05, mu_rare=6.0, s_rare=0.5):
    """0.95 N(0, 1) + 0.05 N(6, 0.5): the rare-mode example used across the toolkit."""
    return (1 - w) * _npdf(x, 0.0, 1.0) + w * _npdf(x, mu_rare, s_rare)


def _line1(x, pdf_p, pdf_g):
    p, q = pdf_p(x), pdf_g(x)
    d = optimal_discriminator("mim", p, q)
    return p * np.exp(1 - d) + q * np.exp(d)


def _line2(x, pdf_p, pdf_g):
    p, q = pdf_p(x), pdf_g(x)
    return p * (p / q) ** -0.5 + q * (q / p) ** -0.5


def _line3(x, pdf_p, pdf_g):
    return np.sqrt(pdf_p(x) * pdf_g(x))


LINES = (_line1, _line2, _line3)


def large_region(pdf_p, tau, lo=-12.0, hi=14.0):
    """End points of the intervals where pdf_p >= tau (by sign changes + brentq)."""
    xs = np.linspace(lo, hi, 5201)
    h = lambda x: pdf_p(x) - tau  # noqa: E731
    v = h(xs)
    cuts = [brentq(h, xs[i], xs[i + 1], xtol=1e-14) for i in np.nonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)[0]]
    edges = [lo, *cuts, hi]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if h(0.5 * (a + b)) >= 0], edges


def share(line, pdf_p, pdf_g, tau, lo=-12.0, hi=14.0):
    """R_Omega_large for one printed integrand."""
    regions, edges = large_region(pdf_p, tau, lo, hi)
    f = lambda x: float(line(x, pdf_p, pdf_g))  # noqa: E731
    quad = lambda a, b: integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-12, limit=200)[0]  # noqa: E731
    total = sum(quad(a, b) for a, b in zip(edges[:-1], edges[1:]))
    return sum(quad(a, b) for a, b in regions) / total


def check_eq26(lines=LINES, tau=0.05) -> CheckResult:
    """Every line of Eq. 26 gives the same R_Omega_large; R -> P(Omega_large) when Pg = P."""
    pdf_g = lambda x: _npdf(x, 0.2, 1.3)  # noqa: E731
    values = [share(line, mixture_pdf, pdf_g, tau) for line in lines]
    spread = max(values) - min(values)
    at_eq = share(lines[-1], mixture_pdf, mixture_pdf, tau)
    regions, _ = large_region(mixture_pdf, tau)
    mass = sum(integrate.quad(mixture_pdf, a, b, epsabs=1e-14)[0] for a, b in regions)
    ok = spread < 1e-9 and abs(at_eq - mass) < 1e-9
    return CheckResult(
        id="eq26.share", item=7,
        claim="Eq. 26: R_Omega_large with D*_MIM substituted = int_large sqrt(P Pg) / int sqrt(P Pg); "
              "-> P(Omega_large) as Pg -> P",
        checked="P = 0.95 N(0,1) + 0.05 N(6,0.5), Pg = N(0.2,1.3), Omega_large = {P >= 0.05} (the main mode); the three printed "
                "integrands by quadrature; Pg = P case",
        verdict=decide(ok),
        evidence={"R_by_line": values, "max_spread": spread, "R_at_Pg_eq_P": at_eq, "P_mass_of_Omega_large": mass,
                  "Omega_large": [[round(a, 6), round(b, 6)] for a, b in regions],
                  "note": "step (b) drops the common factor sqrt(e), harmless in the ratio"},
    )


def run():
    return [check_eq26()]
