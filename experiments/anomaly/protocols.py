"""Train/test protocols; each returns a :class:`Split` that records how it was made.

* ``one-class`` (default for ODDS): per seed s, the inliers are shuffled with
  ``numpy.random.default_rng(s).permutation``; the first ``train_frac`` (50 %)
  train; test = the other inliers + all outliers.
* ``contaminated``: a stratified 70/30 split with the anomalies left in the
  training part (ADBench's unsupervised setting).
* MNIST one-digit-out: train on the nine other digits of the 60k training
  set; test on the full 10k test set, where the held-out digit (~10 %) is the anomaly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PROTOCOLS = ("one-class", "contaminated")


@dataclass
class Split:
    X_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    y_train: np.ndarray
    info: dict = field(default_factory=dict)


def _check_labels(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X {X.shape} and y {y.shape} do not match")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("labels must be 0 (normal) or 1 (anomaly)")
    return X, y.astype(np.int64)


def one_class_split(X, y, seed: int, train_frac: float = 0.5) -> Split:
    X, y = _check_labels(X, y)
    if not 0 < train_frac < 1:
        raise ValueError(f"train_frac must be in (0, 1), got {train_frac}")
    inl, out = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    perm = inl[np.random.default_rng(seed).permutation(len(inl))]
    k = int(len(inl) * train_frac)
    tr, te = perm[:k], np.concatenate([perm[k:], out])
    return Split(X[tr], X[te], y[te], y[tr], {"protocol": "one-class", "seed": seed, "train_frac": train_frac,
                                              "n_train": int(len(tr)), "n_test": int(len(te))})


def contaminated_split(X, y, seed: int, test_frac: float = 0.3) -> Split:
    X, y = _check_labels(X, y)
    rng = np.random.default_rng(seed)
    tr, te = [], []
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        idx = idx[rng.permutation(len(idx))]
        k = int(round(len(idx) * (1 - test_frac)))
        tr.append(idx[:k])
        te.append(idx[k:])
    tr, te = np.concatenate(tr), np.concatenate(te)
    return Split(X[tr], X[te], y[te], y[tr], {"protocol": "contaminated", "seed": seed, "test_frac": test_frac,
                                              "n_train": int(len(tr)), "n_test": int(len(te))})


def odds_split(X, y, protocol: str, seed: int) -> Split:
    """The split of one seed under ``protocol``; a dataset without both classes is refused, by name."""
    n_out = int(np.sum(np.asarray(y).ravel() == 1))
    n_in = int(np.asarray(y).size - n_out)
    if n_in < 2 or n_out < 2:
        raise ValueError(f"anomaly detection needs at least 2 inliers and 2 outliers (labels 0 and 1); this dataset "
                         f"has {n_in} inliers and {n_out} outliers")
    if protocol == "one-class":
        return one_class_split(X, y, seed)
    if protocol == "contaminated":
        return contaminated_split(X, y, seed)
    raise ValueError(f"unknown protocol {protocol!r}; expected one of {list(PROTOCOLS)}")


def mnist_one_digit_out(train, test, digit: int, seed: int = 0, max_train: int | None = None) -> Split:
    """``train``/``test`` are (X, digits) pairs from :func:`experiments.datasets.load_mnist`."""
    if digit not in range(10):
        raise ValueError(f"digit must be 0..9, got {digit}")
    (Xtr, dtr), (Xte, dte) = train, test
    keep = np.flatnonzero(dtr != digit)
    if max_train is not None and max_train < len(keep):
        keep = np.sort(np.random.default_rng(seed).permutation(keep)[:max_train])
    y_te = (dte == digit).astype(np.int64)
    return Split(Xtr[keep], Xte, y_te, np.zeros(len(keep), np.int64),
                 {"protocol": "mnist-one-digit-out", "digit": digit, "seed": seed, "n_train": int(len(keep)),
                  "n_test": int(len(y_te))})
