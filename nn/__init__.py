"""NumPy/numba multilayer perceptrons with hand-derived gradients and the GAN objectives.

Main entry points: :class:`MLP`, the optimisers :class:`SGD`, :class:`Adam`,
:class:`RMSProp`, :func:`get_objective` (``mim``, ``gan``, ``lsgan``, ``wgan``,
``wgan-gp``) and :class:`GANTrainer`.
"""
from .. import __version__

from .mlp import MLP  # noqa: E402
from .objectives import LABELS, OBJECTIVE_NAMES, PAPER_FAMILIES, get_objective  # noqa: E402
from .optim import SGD, Adam, RMSProp, make_optimizer  # noqa: E402
from .penalty import GradientPenalty  # noqa: E402
from .gan import GANTrainer, NonFiniteLossError  # noqa: E402

__all__ = ["MLP", "SGD", "Adam", "RMSProp", "make_optimizer", "get_objective", "OBJECTIVE_NAMES", "PAPER_FAMILIES", "LABELS",
           "GradientPenalty", "GANTrainer", "NonFiniteLossError", "__version__"]
