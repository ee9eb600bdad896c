"""mimgan: the paper "MIM-Based GAN" (She & Fan) made checkable and runnable.

This file is the package ``mimgan``; the repository's folders are its subpackages
(``pyproject.toml`` maps them): ``mimgan.theory`` (the claim checks),
``mimgan.nn`` (the numba MLP and the GAN objectives) and ``mimgan.experiments``
(datasets, the anomaly detector of Eq. 21–25, the stages of ``mimgan reproduce``).

The names below are the small public API; each is imported on first use, so
``import mimgan`` stays cheap (no numba, no sympy) until one is needed.

>>> from mimgan import GANAnomalyDetector, GANTrainer, MLP, verify   # doctest: +SKIP
>>> results = verify()                       # every claim check, each with a computed verdict  # doctest: +SKIP
"""
from __future__ import annotations

import importlib

__version__ = "0.2.0"

#: The environment variable naming the data folder (see ``mimgan.experiments.datasets``).
DATA_ENV = "MIMGAN_DATA"

#: public name -> (module, attribute)
_API = {
    "MLP": ("mimgan.nn", "MLP"),
    "GANTrainer": ("mimgan.nn", "GANTrainer"),
    "Adam": ("mimgan.nn", "Adam"),
    "SGD": ("mimgan.nn", "SGD"),
    "RMSProp": ("mimgan.nn", "RMSProp"),
    "get_objective": ("mimgan.nn", "get_objective"),
    "NonFiniteLossError": ("mimgan.nn", "NonFiniteLossError"),
    "GANAnomalyDetector": ("mimgan.experiments.anomaly", "GANAnomalyDetector"),
    "GANEnsembleDetector": ("mimgan.experiments.anomaly", "GANEnsembleDetector"),
    "load_detector": ("mimgan.experiments.anomaly", "load_detector"),
    "NotFittedError": ("mimgan.experiments.anomaly", "NotFittedError"),
    "load_dataset": ("mimgan.experiments.datasets", "load"),
    "verify": ("mimgan.theory.checks", "run_all"),
}
_SUBPACKAGES = ("theory", "nn", "experiments")

__all__ = sorted(_API) + list(_SUBPACKAGES) + ["DATA_ENV", "__version__"]


def __getattr__(name):
    if name in _API:
        module, attr = _API[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'mimgan' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return __all__


def _pin_data_dir():
    """Make a relative ``MIMGAN_DATA`` absolute, against the folder the process started in.

    Kernels, pool workers and subprocesses inherit the environment but may run
    elsewhere (a notebook kernel runs in ``notebooks/``); pinning the value on
    first import, before any of them starts, gives them all the folder the
    user meant.
    """
    import os
    value = os.environ.get(DATA_ENV)
    if value and not os.path.isabs(os.path.expanduser(value)):
        os.environ[DATA_ENV] = os.path.abspath(os.path.expanduser(value))


_pin_data_dir()
