"""GAN objectives: one module each, one registry line each (TF-GAN style named loss pairs).

Every objective module (see :mod:`nn.objectives.base` for what it declares)
holds its symbolic form and its compiled per-logit losses; the registry
(:mod:`.registry`) names it once, and the compiled GAN step
(:mod:`nn.objectives.dispatch`), the NumPy reference (:mod:`nn.reference`), the
theory (:mod:`theory.lab`), the CLI and every experiment derive from that entry.

The package is split by role: :mod:`.spec` (the spec grammar and its value,
:class:`Spec`), :mod:`.registry` (:class:`Family`, :func:`register`, labels and
order) and :mod:`.configured` (:class:`Objective`, :func:`get_objective`).
Importing it compiles nothing and loads no trainer.

Losses take the discriminator's raw outputs (logits) and return the batch-mean
loss and its gradient with respect to those logits, in the logits' dtype,
computed in float64 from overflow-free forms, so |logit| = 100 in float32 stays
finite for every bounded family.  Where the exact gradient exceeds the dtype's
range (e^|logit| for the unbounded MIM discriminator, the exponential f-GANs,
alpha-GAN with alpha < 1), the loss functions raise a ValueError saying so.

An objective is named by a *spec*: a registry name, optionally with options,
``"mim:omega=2"``, ``"alpha:alpha=0.5"``, ``"lsgan:a=-1,b=1,c=0"``.

>>> obj = get_objective("gan", generator_loss="saturating")
>>> loss, g_real, g_fake = obj.discriminator_loss(real_logits, fake_logits)  # doctest: +SKIP

An objective module outside the package decorates its kernels with :func:`kernel`
and registers itself with ``register("toy", Family(toy))``.
"""
from __future__ import annotations

from ..jit import kernel
from .configured import TRAINING_DEFAULTS, TRAINING_OPTIONS, Objective, check_names, get_objective
from .registry import (LABELS, OBJECTIVE_NAMES, PAPER_FAMILIES, REGISTRY, Family, family_order, is_registered,
                       label, option_defaults, register)
from .spec import Spec, make_spec, split_spec
from .spec import split_list as _split_list

__all__ = ["Spec", "split_spec", "make_spec", "split_list", "Family", "REGISTRY", "register", "PAPER_FAMILIES",
           "LABELS", "OBJECTIVE_NAMES", "label", "family_order", "is_registered", "option_defaults", "Objective",
           "get_objective", "check_names", "TRAINING_OPTIONS", "TRAINING_DEFAULTS", "kernel"]


def split_list(text: str) -> list[str]:
    """Split a comma-separated list of specs (``"lsgan:a=-1,b=1,mim"``); ``"all"`` is every registered name."""
    return _split_list(text, every=tuple(REGISTRY))
