"""Published and reference detection numbers the reproduction is compared with (AUC, 0-1 scale).

``ONE_CLASS``: classical detectors measured under exactly our ``one-class``
protocol (seed s: ``numpy.random.default_rng(s).permutation`` of the inliers,
first 50 % train; standardisation fitted on train; 10 seeds) with pyod 3.6.7
defaults, as given in the project's detection issue (PCA with components
capped at the training rank).  ``ADBENCH``: ADBench's unsupervised results
(Han et al., 2022) under its 70/30 split with anomalies left in training,
which our ``contaminated`` protocol follows.  The paper itself prints no
numbers for Figures 2–5, only the claim that MIM does best.
"""
from __future__ import annotations

ONE_CLASS = {
    "cardio": {"PCA": 0.965, "OCSVM": 0.962, "IForest": 0.951, "pyod AnoGAN": 0.948},
    "thyroid": {"IForest": 0.989, "OCSVM": 0.982, "pyod AnoGAN": 0.948},
    "musk": {"PCA": 1.000, "OCSVM": 1.000, "KNN": 1.000, "pyod AnoGAN": 0.963},
}
ADBENCH = {"cardio": 0.9555, "thyroid": 0.9830, "musk": 1.0000}


def best_one_class(dataset: str):
    """(name, AUC) of the best classical detector under the one-class protocol, or None."""
    refs = ONE_CLASS.get(dataset)
    if not refs:
        return None
    name = max(refs, key=lambda k: refs[k])
    return name, refs[name]
