"""Classical anomaly detectors from pyod, behind the same interface as :class:`GANAnomalyDetector`.

pyod is an optional extra (``pip install "mimgan[benchmark]"``); without it,
building a detector raises an ImportError that says how to install it.

Every detector is fitted on the training split standardised with that
split's mean and standard deviation (:class:`.scaling.Standardize`), the
usual preparation for distance- and projection-based detectors.  Two of
pyod's defaults fail silently on real ODDS splits, and are fixed here:

* ``PCA`` keeps every component by default; on Cardio the inlier training
  split has a constant column and collinear ones, so the last principal
  variances are ~0 and pyod's variance-weighted distance divides by them
  (inf or NaN scores).  We keep ``n_components`` = the numerical rank of the
  standardised training data (``numpy.linalg.matrix_rank``), which drops
  exactly the null directions; the record of a run says which rank was used.
* ``KNN`` and ``LOF`` need more training rows than neighbours; on a small
  training split their ``n_neighbors`` is capped at rows - 1 (recorded).

Any other non-finite score is refused with an error naming the detector,
never passed on to the metrics.

Unlike the GAN detectors, whose score of a row depends on that row alone,
pyod's ``ECOD`` scores the rows passed together (its empirical CDFs take in the
scored batch): a row scored within a subset gets another score (scikit-learn's
``check_methods_subset_invariance`` fails on it).  The benchmark scores a
split's test rows in one call, as pyod intends.
"""
from __future__ import annotations

import time
import warnings

import numpy as np

from .base import BaseDetector, check_contamination, check_X
from .scaling import Standardize

#: name -> (label, pyod module, pyod class, takes random_state)
CLASSICAL = {
    "iforest": ("IForest", "pyod.models.iforest", "IForest", True),
    "pca": ("PCA", "pyod.models.pca", "PCA", True),
    "ocsvm": ("OCSVM", "pyod.models.ocsvm", "OCSVM", False),
    "knn": ("KNN", "pyod.models.knn", "KNN", False),
    "lof": ("LOF", "pyod.models.lof", "LOF", False),
    "ecod": ("ECOD", "pyod.models.ecod", "ECOD", False),
}
INSTALL_HINT = 'pip install "mimgan[benchmark]"  (or: pip install pyod)'


def require_pyod():
    """pyod's version string, or an ImportError saying how to install it."""
    try:
        import pyod
    except ImportError:
        raise ImportError(f"the classical detectors ({', '.join(CLASSICAL)}) come from pyod, which is not "
                          f"installed: {INSTALL_HINT}") from None
    return pyod.__version__


def pyod_available() -> bool:
    try:
        require_pyod()
    except ImportError:
        return False
    return True


def check_classical(name: str) -> str:
    if name not in CLASSICAL:
        raise ValueError(f"unknown classical detector {name!r}; choose from {', '.join(CLASSICAL)}")
    return name


class ClassicalDetector(BaseDetector):
    """A pyod detector on standardised features, with ``fit`` / ``decision_function`` / ``predict``.

    Parameters
    ----------
    name : {"iforest", "pca", "ocsvm", "knn", "lof", "ecod"}
    contamination : float in (0, 0.5]
        As for the GAN detector: ``threshold_`` is the (1 - contamination)
        quantile of the training scores (the rule of Eq. 21).
    random_state : int
        Seeds the detectors that draw random numbers (IForest; PCA's solver).

    Attributes
    ----------
    model_ : the fitted pyod detector
    scaler_ : Standardize
    decision_scores_, threshold_, labels_ : as for :class:`GANAnomalyDetector`
    notes_ : list of str (the pyod defaults that were changed for this split, and why)
    changed_ : dict (those parameters and the values used)
    timings_ : dict
    """

    def __init__(self, name="iforest", contamination=0.1, random_state=0):
        self.name = name
        self.contamination = contamination
        self.random_state = random_state

    def _build(self, Xs):
        import importlib

        require_pyod()
        label, module, cls, seeded = CLASSICAL[check_classical(self.name)]
        kwargs = {"contamination": self.contamination}
        if seeded:
            kwargs["random_state"] = int(self.random_state)
        n, d = Xs.shape
        if self.name == "pca":
            rank = int(np.linalg.matrix_rank(Xs))
            kwargs["n_components"] = max(1, min(rank, n - 1, d))
            if kwargs["n_components"] < d:
                self.changed_["n_components"] = kwargs["n_components"]
                self.notes_.append("PCA n_components = the numerical rank of the standardised training data "
                                   "(pyod's default keeps every column and divides by ~0 variances: inf scores)")
        if self.name in ("knn", "lof"):
            default = 5 if self.name == "knn" else 20
            if n - 1 < default:
                kwargs["n_neighbors"] = max(1, n - 1)
                self.changed_["n_neighbors"] = kwargs["n_neighbors"]
                self.notes_.append(f"{label} n_neighbors = training rows - 1 (fewer rows than pyod's default "
                                   f"{default} neighbours)")
        return getattr(importlib.import_module(module), cls)(**kwargs)

    def fit(self, X, y=None):
        check_contamination(self.contamination)
        X = check_X(X, dtype=np.float64, owner=type(self).__name__)
        if X.shape[0] < 2:
            raise ValueError(f"X has {X.shape[0]} sample(s); a classical detector needs at least 2")
        self.notes_, self.changed_ = [], {}
        t0 = time.perf_counter()
        self.scaler_ = Standardize().fit(X)
        Xs = self.scaler_.transform(X)
        self.model_ = self._build(Xs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyod/scikit-learn deprecation chatter, not findings
            self.model_.fit(Xs)
        self.n_features_in_ = X.shape[1]
        self._set_training_scores(self._finite(np.asarray(self.model_.decision_scores_, dtype=np.float64), "training"))
        self.timings_ = {"fit_s": time.perf_counter() - t0}
        return self

    def _finite(self, s, what):
        bad = int(np.sum(~np.isfinite(s)))
        if bad:
            raise ValueError(f"{CLASSICAL[self.name][0]} gave {bad} non-finite {what} score(s) on this split")
        return s

    def decision_function(self, X):
        """Anomaly scores (higher = more anomalous), pyod's convention and ours."""
        self._check_fitted()
        X = check_X(X, self.n_features_in_, dtype=np.float64, owner=type(self).__name__)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = np.asarray(self.model_.decision_function(self.scaler_.transform(X)), dtype=np.float64)
        return self._finite(s, "test")
