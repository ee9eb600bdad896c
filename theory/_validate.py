"""Input validation shared by the public theory API.

Every public function validates before computing so that a bad argument
raises ``ValueError`` naming the problem instead of returning NaN.
"""
from __future__ import annotations

import numpy as np

#: Tolerance on ``sum(P) == 1`` for probability vectors.
NORMALISATION_ATOL = 1e-9


def is_frozen_continuous(obj) -> bool:
    """True for a frozen ``scipy.stats`` continuous distribution."""
    return hasattr(obj, "pdf") and hasattr(obj, "logpdf") and hasattr(obj, "ppf")


def probability_vector(P, name: str = "P") -> np.ndarray:
    """Return ``P`` as a float64 array after checking it is a distribution."""
    arr = np.asarray(P, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D probability vector, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    if np.any(arr < 0):
        raise ValueError(f"{name} has negative probabilities (min {arr.min():.3g})")
    total = arr.sum()
    if abs(total - 1.0) > NORMALISATION_ATOL:
        raise ValueError(f"{name} is not normalised: sums to {total!r}, expected 1")
    return arr


def _refuse_other_scipy(obj, name):
    """A frozen scipy distribution that is not 1-D continuous (discrete, multivariate) would fail deep inside as a
    ``float()`` TypeError: name what is accepted instead."""
    kind = type(obj).__name__
    if kind.endswith("_frozen") or hasattr(obj, "rvs"):
        what = "a discrete" if hasattr(obj, "pmf") else "a multivariate" if "multivariate" in kind else "this kind of"
        raise ValueError(f"{name} is {what} scipy distribution ({kind}); the theory API takes a frozen 1-D continuous "
                         "scipy.stats distribution or a probability vector (for a discrete law, pass its pmf on the "
                         "support as a vector)")


def distribution_pair(P, Q):
    """Classify a pair as ``("discrete", p, q)`` or ``("continuous", P, Q)``."""
    for obj, name in ((P, "P"), (Q, "Q")):
        if not is_frozen_continuous(obj):
            _refuse_other_scipy(obj, name)
    cont_p, cont_q = is_frozen_continuous(P), is_frozen_continuous(Q)
    if cont_p and cont_q:
        return "continuous", P, Q
    if cont_p or cont_q:
        raise ValueError("P and Q must both be probability vectors or both frozen scipy.stats distributions")
    p = probability_vector(P, "P")
    q = probability_vector(Q, "Q")
    if p.shape != q.shape:
        raise ValueError(f"P and Q have mismatched shapes {p.shape} and {q.shape}")
    return "discrete", p, q


def densities(p, q):
    """Broadcast two arrays of density values, rejecting negative or non-finite ones."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    try:
        p, q = np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(f"density arrays have mismatched shapes {p.shape} and {q.shape}") from None
    for name, a in (("p", p), ("q", q)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"density {name} contains NaN or inf")
        if np.any(a < 0):
            raise ValueError(f"density {name} has negative values")
    return p, q


def renyi_order(alpha) -> float:
    """Check the Rényi order of Eq. 10: alpha > 0 and alpha != 1."""
    a = float(alpha)
    if not np.isfinite(a) or a <= 0:
        raise ValueError(f"Renyi order alpha must be > 0 (Eq. 10), got {alpha!r}")
    if a == 1.0:
        raise ValueError("Renyi order alpha = 1 is excluded by Eq. 10 (it is the KL limit)")
    return a
