"""Scaling fitted on the training split only, robust to constant and collinear columns."""
from __future__ import annotations

import numpy as np


def _finite_columns(values, what):
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(f"X's column(s) {bad.tolist()} are too large to scale: {what} overflows float64; "
                         "rescale the data (e.g. divide by a power of ten)")


class MinMaxToTanh:
    """Map each training column's [min, max] onto [-1, 1], the range of the generator's tanh output.

    A column that is constant (value c) in the training split (Cardio has
    one among its inliers) maps c to 0 and keeps a test row's deviation from
    it, as (x - c) / max(1, |c|): dividing by the zero span is impossible,
    and mapping every test value to 0 would hide the very deviation an
    anomaly shows there.  Collinear columns need no special care here since
    each column is scaled on its own.
    Test values outside the training range map outside [-1, 1], which the
    generator cannot reach: that residual is part of the anomaly signal.
    """

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.min_ = X.min(axis=0)
        with np.errstate(over="ignore"):
            span = X.max(axis=0) - self.min_
        _finite_columns(span, "max - min")
        self.constant_ = span <= 1e-12 * np.maximum(1.0, np.abs(self.min_))
        self.scale_ = np.where(self.constant_, 1.0 / np.maximum(1.0, np.abs(self.min_)),
                               2.0 / np.where(self.constant_, 1.0, span))
        self.offset_ = np.where(self.constant_, 0.0, -1.0)
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=np.float64)
        return (X - self.min_) * self.scale_ + self.offset_

    def inverse_transform(self, Z):
        return (np.asarray(Z, dtype=np.float64) - self.offset_) / self.scale_ + self.min_

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class Standardize:
    """Per-column z-scores with the training split's mean and standard deviation (the classical
    detectors' usual scaling).  A column constant in training keeps its offset from the training
    value, unscaled (divisor 1)."""

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            self.mean_ = X.mean(axis=0)
            sd = X.std(axis=0)
        _finite_columns(sd, "the standard deviation")
        self.constant_ = sd <= 1e-12 * np.maximum(1.0, np.abs(self.mean_))
        self.scale_ = np.where(self.constant_, 1.0, sd)
        return self

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_

    def fit_transform(self, X):
        return self.fit(X).transform(X)


#: --scaling name -> (scaler class, generator output activation that covers the scaled range)
SCALINGS = {"minmax": (MinMaxToTanh, "tanh"), "standard": (Standardize, "linear")}


def make_scaler(name: str):
    """The scaler called ``name`` and the generator output that reaches its range."""
    if name not in SCALINGS:
        raise ValueError(f"unknown scaling {name!r}; choose from {', '.join(SCALINGS)}")
    cls, output = SCALINGS[name]
    return cls(), output
