"""Deterministic test distributions shared by the checks (seeded, so reports are reproducible)."""
from __future__ import annotations

import numpy as np

from ..divergences import normal

#: Gaussian pairs (mu1, s1, mu2, s2) used wherever a continuous check is needed.
GAUSSIAN_PAIRS = ((0.0, 1.0, 1.0, 2.0), (4.0, 1.25, 3.0, 1.0), (0.0, 1.0, 0.0, 1.0), (-1.0, 0.5, 2.0, 1.5))


def discrete_pairs(n_pairs: int = 20, size: int = 6, seed: int = 2024):
    """Random strictly positive probability vectors, plus one pair with P == Q."""
    rng = np.random.default_rng(seed)
    pairs = [(rng.dirichlet(np.ones(size)), rng.dirichlet(np.ones(size))) for _ in range(n_pairs)]
    same = rng.dirichlet(np.ones(size))
    pairs.append((same, same.copy()))
    return pairs


def gaussian_pairs():
    for mu1, s1, mu2, s2 in GAUSSIAN_PAIRS:
        yield (mu1, s1, mu2, s2), normal(mu1, s1), normal(mu2, s2)


def max_rel_err(pairs_of_values) -> float:
    """max |a - b| / max(|b|, 1e-300) over (computed, reference) pairs."""
    return float(max(abs(a - b) / max(abs(b), 1e-300) for a, b in pairs_of_values))
