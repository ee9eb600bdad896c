"""Combining the scores of K detectors trained from K seeds (``GANAnomalyDetector(n_members=K)``).

Members differ only in their seed, so their scores measure the same thing on
different scales (a GAN's residuals and cross-entropies depend on how its
training went).  Each member's score is standardised by the mean and standard
deviation of its own *training* scores, which uses no test data and no
labels, and the standardised scores are averaged: an outlier for most
members stays an outlier, one member's unlucky seed is diluted by K.
"""
from __future__ import annotations

import numpy as np

#: Member k is seeded ``random_state + SEED_STRIDE * k`` (a prime, so members never share a seed with
#: the single detectors of nearby seeds 0..9 or 100..109 a benchmark also runs).
SEED_STRIDE = 7919
MAX_MEMBERS = 64


def check_members(n) -> int:
    if not (isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 1 <= n <= MAX_MEMBERS):
        raise ValueError(f"n_members must be an integer in [1, {MAX_MEMBERS}], got {n!r}")
    return int(n)


def member_seed(random_state: int, k: int) -> int:
    return int(random_state) + SEED_STRIDE * int(k)


def member_stats(train_scores) -> np.ndarray:
    """(K, 2): mean and standard deviation of each member's training scores (a zero spread counts as 1,
    so a member that scores every training row alike only shifts the sum)."""
    out = []
    for s in train_scores:
        s = np.asarray(s, dtype=np.float64)
        sd = float(s.std())
        out.append((float(s.mean()), sd if sd > 1e-12 * max(1.0, abs(float(s.mean()))) else 1.0))
    return np.array(out, dtype=np.float64)


def combine(member_scores, stats) -> np.ndarray:
    """Mean over members of (score - mean_k) / std_k; ``member_scores`` is (K, n)."""
    S = np.asarray(member_scores, dtype=np.float64)
    stats = np.asarray(stats, dtype=np.float64)
    if S.ndim != 2 or stats.shape != (S.shape[0], 2):
        raise ValueError(f"need (K, n) scores and (K, 2) statistics, got {S.shape} and {stats.shape}")
    return ((S - stats[:, :1]) / stats[:, 1:]).mean(axis=0)
