r"""The anomaly score of Eq. 22–25 for a trained (G, D): the one entry point a detector calls.

For each row x, the latent search (:mod:`nn.latent_search`) finds

.. math:: z^* = \arg\min_z J(x, z), \quad J = (1-\lambda)\|x - G(z)\|_p + \lambda H_{ce}(D(G(z)), \beta) \quad (22, 23)

and the score is :math:`S = (1-\eta) J(x, z^*) + \eta H_{ce}(D(x), \beta)` (Eq. 25).
:func:`score_terms` returns these pieces per row; it sizes every buffer itself,
and each row's terms depend on that row alone (its start, its search, its
products: :mod:`nn.rowwise`).
"""
from __future__ import annotations

import numpy as np

from .latent_search import cross_entropy, initial_latents, layer_rows, logits_rows, search_rows
from .mlp_kernels import cache_size


def score_terms(G, D, X, *, seed: int, steps: int, lr: float, lam: float, p: float, beta: float,
                ce_logit: bool = True, eta: float | None = None, features: bool = False, threads=None,
                block_rows: int = 512) -> dict:
    """Eq. 23–25 term by term for the rows of ``X`` (already scaled to G's output range).

    Parameters
    ----------
    G, D : nn.MLP
        The trained generator and discriminator (D's output is a logit).
    X : array (N, features)
        Rows to score; cast to G's float32.
    seed : int
        Seeds every row's latent start.
    steps, lr : Adam steps and learning rate of the latent search (Eq. 22).
    lam, p, beta : Eq. 23's weight, Eq. 23's norm, Eq. 24's target.
    ce_logit : bool
        Eq. 24 on D's logit (True) or on its sigmoid output (the paper as printed).
    eta : float, optional
        Eq. 25's weight; given, the result also has ``J`` and ``score``.
    features : bool
        Also EGBAD's feature-matching term ``||f(x) - f(G(z*))||_1 / width`` (f: D's last hidden layer).
    threads, block_rows
        How the search is spread (speed only; see :func:`nn.latent_search.search_rows`).

    Returns
    -------
    dict of float64 arrays (N,)
        ``residual`` (||x - G(z*)||_p), ``h_ce_generated`` (H_ce(D(G(z*)))), ``h_ce_input`` (H_ce(D(x))),
        ``feature_matching`` with ``features``; ``J`` and ``score`` with ``eta``.
    """
    Xs = np.ascontiguousarray(X, dtype=np.float32)
    # z0 is a function of the row itself: a row's score never depends on the other rows or its position.
    Z = initial_latents(Xs, G.sizes[0], int(seed) * 7919 + 1)
    res, hz = search_rows(G, D, Xs, Z, int(steps), float(lr), float(lam), float(p), float(beta), bool(ce_logit),
                          threads=threads, block_rows=int(block_rows))
    logits = logits_rows(D.spec(), Xs, np.zeros(cache_size(D.sizes, len(Xs)), D.dtype)).astype(np.float64)
    hx = np.array([cross_entropy(v, float(beta), bool(ce_logit))[0] for v in logits])
    terms = {"residual": res.astype(np.float64), "h_ce_generated": hz.astype(np.float64), "h_ce_input": hx}
    if features:
        # Z now holds z*; f = D's last hidden layer, each row computed alone like the search.
        Gz = layer_rows(G, Z, -1).astype(np.float32)
        terms["feature_matching"] = np.abs(layer_rows(D, Xs, -2) - layer_rows(D, Gz, -2)).mean(axis=1)
    if eta is not None:
        disc = terms["feature_matching"] if features else terms["h_ce_generated"]
        terms["J"] = (1 - lam) * terms["residual"] + lam * disc
        terms["score"] = (1 - eta) * terms["J"] + eta * terms["h_ce_input"]
    return terms
