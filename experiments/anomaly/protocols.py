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

from ..datasets.reference import DatasetRef

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


def check_dataset(X, y, protocol: str, name: str = "the dataset") -> None:
    """Refuse, naming ``name`` and the problem, a dataset that no detector can be measured on under
    ``protocol``: non-finite features, labels other than 0/1, a single class, or fewer than 2 outliers
    (or inliers) in every test split.  Call it before any run is computed."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: X {X.shape} and y {y.shape} do not match")
    bad = ~np.isfinite(X)
    if bad.any():
        cols = np.flatnonzero(bad.any(axis=0))
        raise ValueError(f"{name}: {int(bad.sum())} NaN/inf feature value(s) in {int(bad.any(axis=1).sum())} row(s), "
                         f"column(s) {cols[:10].tolist()}{' ...' if cols.size > 10 else ''}; impute or drop them first")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError(f"{name}: labels must be 0 (inlier) or 1 (outlier), got {np.unique(y)[:10].tolist()}")
    n_out = int(np.sum(y == 1))
    n_in = int(y.size - n_out)
    if n_out == 0 or n_in == 0:
        raise ValueError(f"{name}: a single class ({n_in} inliers, {n_out} outliers); anomaly detection needs both")
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {list(PROTOCOLS)}")
    # The test counts do not depend on the seed: one-class tests on every outlier and half the inliers,
    # contaminated on the 30 % of each class its stratified split leaves out.
    if protocol == "one-class":
        test_out, test_in = n_out, n_in - int(n_in * 0.5)
    else:
        test_out, test_in = n_out - int(round(n_out * 0.7)), n_in - int(round(n_in * 0.7))
    if test_out < 2 or test_in < 2:
        raise ValueError(f"{name}: its {protocol} test splits would hold {test_out} outlier(s) and {test_in} "
                         "inlier(s); AUC and F1 need at least 2 of each")


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


def make_split(dataset, protocol: str, seed: int, digit: int = 0, data_dir=None) -> Split:
    """The split a run measures on: MNIST one-digit-out for ``mnist``, else ``protocol`` on the table.

    ``dataset`` is a :class:`~experiments.datasets.DatasetRef` (or what one parses from); its data is loaded
    once per process.
    """
    ref = DatasetRef.parse(dataset)
    if ref.kind == "mnist":
        train, test = ref.load(data_dir)
        return mnist_one_digit_out(train, test, digit, seed)
    X, y = ref.load(data_dir)
    return odds_split(X, y, protocol, seed)
