"""NumPy/numba multilayer perceptrons with hand-derived gradients and the GAN objectives.

Main entry points: :class:`MLP`, the optimisers :class:`SGD`, :class:`Adam`,
:class:`RMSProp`, :func:`get_objective` (``mim``, ``gan``, ``lsgan``, ``wgan``,
``wgan-gp``, the f-GANs, ``alpha``) and :class:`GANTrainer`.

Each name is imported on first use, so ``import mimgan.nn.objectives`` (which
the theory does) loads no trainer, no GAN step and no compiled training code.
"""
from __future__ import annotations

import importlib

from .. import __version__

#: public name -> submodule that defines it
_API = {
    "MLP": "mlp", "SGD": "optim", "Adam": "optim", "RMSProp": "optim", "make_optimizer": "optim",
    "get_objective": "objectives", "OBJECTIVE_NAMES": "objectives", "PAPER_FAMILIES": "objectives",
    "LABELS": "objectives", "GradientPenalty": "penalty", "GANTrainer": "gan", "NonFiniteLossError": "gan",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name):
    if name not in _API:
        raise AttributeError(f"module 'mimgan.nn' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
