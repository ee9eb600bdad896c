"""The detector contract every mimgan detector follows (pyod / scikit-learn conventions).

* The constructor only stores its arguments; :meth:`BaseDetector.get_params`,
  :meth:`~BaseDetector.set_params` and ``repr`` read them from its signature.
* ``fit(X)`` sets ``decision_scores_`` (the training rows' scores),
  ``threshold_`` (their ``1 - contamination`` quantile, Eq. 21's Gamma) and
  ``labels_``, through :meth:`BaseDetector._set_training_scores`.
* ``decision_function(X)``: higher = more anomalous; ``predict(X)``: Eq. 21,
  1 where the score exceeds ``threshold_``.
* Every input goes through :func:`check_X`, so a shape, NaN or inf is refused
  with the same sentence by every detector.

scikit-learn is not needed at run time; when it is installed, the detectors
declare themselves outlier detectors to it (``__sklearn_tags__``), so they work
in a ``Pipeline`` and pass its estimator checks.
"""
from __future__ import annotations

import inspect
import sys
from functools import lru_cache

import numpy as np

from ...nn.mlp import check_batch


class NotFittedError(ValueError, AttributeError):
    """decision_function/predict called before fit (as in scikit-learn)."""


@lru_cache(maxsize=None)
def _with_sklearn(sklearn_error):
    return type("NotFittedError", (NotFittedError, sklearn_error), {"__module__": __name__})


def not_fitted(message) -> NotFittedError:
    """The error for an unfitted detector; when scikit-learn is loaded, also its ``NotFittedError`` (which its
    tools catch) -- without importing scikit-learn, which is not a dependency."""
    sk = sys.modules.get("sklearn.exceptions")
    return _with_sklearn(sk.NotFittedError)(message) if sk is not None else NotFittedError(message)


def check_contamination(value) -> float:
    """The expected anomaly share of Eq. 21's threshold, in (0, 0.5]."""
    if not (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            and 0 < value <= 0.5):
        raise ValueError(f"contamination must be in (0, 0.5], got {value!r}")
    return float(value)


def column_names(X):
    """Column names of a DataFrame (as scikit-learn's ``feature_names_in_``), else None."""
    cols = getattr(X, "columns", None)
    if cols is None or not all(isinstance(c, str) for c in cols):
        return None
    return np.asarray(list(cols), dtype=object)


def check_X(X, n_features=None, name="X", dtype=None, owner="the detector") -> np.ndarray:
    """``X`` as a C-contiguous 2-D array of numbers, or a ValueError naming the problem.

    Refused: not 2-D, no rows or no columns, another width than ``n_features`` (scikit-learn's sentence),
    entries that are not numbers (strings, None, pandas NA), NaN or inf, with the first offending row and
    column (:func:`nn.mlp.check_batch` does the element checks for the networks too).
    """
    shape = getattr(X, "shape", None)
    if shape is None or not isinstance(shape, tuple):
        try:
            shape = np.asarray(X).shape
        except (TypeError, ValueError):
            shape = ()
    if n_features is not None and len(shape) == 2 and shape[1] != n_features:
        raise ValueError(f"{name} has {shape[1]} features, but {owner} is expecting {n_features} features as input")
    return check_batch(X, shape[1] if len(shape) == 2 else -1, name=name, dtype=dtype)


class BaseDetector:
    """Parameters, threshold and prediction shared by every detector; subclasses implement ``fit`` and
    ``decision_function`` and call :meth:`_set_training_scores` at the end of ``fit``."""

    _estimator_type = "outlier_detector"  # scikit-learn < 1.6 reads this

    # ---------------------------------------------------------------- parameters
    @classmethod
    def _param_names(cls) -> list[str]:
        return [n for n in inspect.signature(cls.__init__).parameters if n != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters (scikit-learn's contract; none is itself an estimator, so ``deep``
        changes nothing)."""
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name; returns ``self``.  The next ``fit`` uses them."""
        valid = self._param_names()
        bad = sorted(set(params) - set(valid))
        if bad:
            raise ValueError(f"invalid parameter(s) {bad} for {type(self).__name__}; valid: {valid}")
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items() if n != "self"}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if _differs(v, defaults[k])]
        return f"{type(self).__name__}({', '.join(changed)})"

    # ---------------------------------------------------------------- fitted state
    def _set_training_scores(self, scores) -> None:
        """``decision_scores_``, Eq. 21's ``threshold_`` and ``labels_`` from the training rows' scores."""
        self.decision_scores_ = np.asarray(scores, dtype=np.float64)
        self.threshold_ = self._quantile(self.decision_scores_)
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)

    def _quantile(self, scores) -> float:
        return float(np.quantile(scores, 1.0 - self.contamination))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "threshold_")

    def _check_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise not_fitted(f"this {type(self).__name__} is not fitted yet; call fit(X) first")

    def threshold_for(self, ce_input=None) -> float:
        """Eq. 21's threshold Gamma (a GAN detector also has one per reading of Eq. 24)."""
        self._check_fitted()
        return self.threshold_

    def predict(self, X):
        """Eq. 21: 1 where the score exceeds ``threshold_``, else 0."""
        self._check_fitted()
        return (self.decision_function(X) > self.threshold_).astype(np.int64)

    def fit_predict(self, X, y=None):
        """``fit(X)`` then the training rows' labels (``labels_``)."""
        return self.fit(X).labels_

    def score_samples(self, X):
        """scikit-learn's orientation: lower = more abnormal (the negated ``decision_function``)."""
        return -self.decision_function(X)

    # ---------------------------------------------------------------- scikit-learn
    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags
        return Tags(estimator_type="outlier_detector", target_tags=TargetTags(required=False),
                    input_tags=InputTags(allow_nan=False))


def _differs(value, default) -> bool:
    try:
        return bool(value != default)
    except (TypeError, ValueError):  # an array-valued parameter: shown
        return True
