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

from .latent_search import STOP_WINDOW, cross_entropy, logits_rows, search_rows, shared_starts, start_costs
from .rowwise import layer_rows


def score_terms(G, D, X, *, seed: int, steps: int, lr: float, lam: float, p: float, beta: float,
                ce_logit: bool = True, eta: float | None = None, features: bool = False, pool: int = 1,
                restarts: int = 1, tol: float | None = None, window: int = STOP_WINDOW, threads=None,
                block_rows: int = 512) -> dict:
    """Eq. 23–25 term by term for the rows of ``X`` (already scaled to G's output range).

    Parameters
    ----------
    G, D : nn.MLP
        The trained generator and discriminator (D's output is a logit).
    X : array (N, features)
        Rows to score; cast to G's dtype (float32 for a detector's networks).
    seed : int
        Draws the pool of latent starts shared by every row (:func:`nn.latent_search.shared_starts`).
    pool, restarts : int
        ``pool`` shared starts are screened by J (Eq. 23) at the start; each row searches from its
        ``restarts`` cheapest ones and keeps the search that ends with the lowest J (``restarts <= pool``).
        J at z* is then a minimum of continuous functions of the row: a change of the row far below its
        precision moves the score by as little (issue 23), which a start hashed from the row's bits did not.
    steps, lr : Adam steps (the most a row takes) and learning rate of the latent search (Eq. 22).
    tol, window : float or None, int
        The per-row stopping rule (:func:`nn.latent_search.search_rows`): a row stops once its J changed by
        less than ``tol`` (relative) over ``window`` steps.  None: every row takes ``steps`` steps.
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
        ``feature_matching`` with ``features``; ``J`` and ``score`` with ``eta``; ``steps``, the Adam steps
        the row's kept search took.
    """
    Xs = np.ascontiguousarray(X, dtype=G.dtype)
    N = len(Xs)
    pool, restarts = int(pool), int(restarts)
    if not 1 <= restarts <= pool:
        raise ValueError(f"restarts must be in [1, pool={pool}], got {restarts}")
    starts = shared_starts(G.sizes[0], pool, seed).astype(G.dtype)
    if restarts < pool:
        order = np.argsort(_start_costs(G, D, Xs, starts, lam, p, beta, ce_logit), axis=1, kind="stable")
        pick = order[:, :restarts]
    else:
        pick = np.broadcast_to(np.arange(pool), (N, pool))
    # One search per (row, start): rows x restarts independent searches, each a function of its own pair.
    Z = np.ascontiguousarray(starts[pick.reshape(-1)])
    Xr = np.repeat(Xs, restarts, axis=0) if restarts > 1 else Xs
    res, hz, used = search_rows(G, D, Xr, Z, int(steps), float(lr), float(lam), float(p), float(beta),
                                bool(ce_logit), threads=threads, block_rows=int(block_rows), tol=tol,
                                window=window, return_steps=True)
    if restarts > 1:
        J = ((1 - lam) * res.astype(np.float64) + lam * hz.astype(np.float64)).reshape(N, restarts)
        best = np.arange(N) * restarts + np.argmin(J, axis=1)
        res, hz, Z, used = res[best], hz[best], Z[best], used[best]
    logits = logits_rows(D, Xs)
    hx = np.array([cross_entropy(v, float(beta), bool(ce_logit))[0] for v in logits])
    terms = {"residual": res.astype(np.float64), "h_ce_generated": hz.astype(np.float64), "h_ce_input": hx,
             "steps": used.astype(np.float64)}
    if features:
        # Z now holds z*; f = D's last hidden layer, each row computed alone like the search.
        Gz = layer_rows(G, Z, -1).astype(np.float32)
        terms["feature_matching"] = np.abs(layer_rows(D, Xs, -2) - layer_rows(D, Gz, -2)).mean(axis=1)
    if eta is not None:
        disc = terms["feature_matching"] if features else terms["h_ce_generated"]
        terms["J"] = (1 - lam) * terms["residual"] + lam * disc
        terms["score"] = (1 - eta) * terms["J"] + eta * terms["h_ce_input"]
    return terms


def _start_costs(G, D, Xs, starts, lam, p, beta, ce_logit):
    """J (Eq. 23) of every row at every shared start, (N, pool) float64."""
    Gz = layer_rows(G, starts, -1).astype(G.dtype)
    logits = logits_rows(D, Gz)
    h = np.array([cross_entropy(v, float(beta), bool(ce_logit))[0] for v in logits])
    out = np.empty((len(Xs), len(starts)), np.float64)
    start_costs(Xs, Gz, h, float(lam), float(p), out)
    return out
