"""Batch losses of any registered objective, compiled per objective from its per-logit kernels.

The whole GAN step is one compiled call (:mod:`nn.gan_step`), so the objective
is chosen at compile time: its key (module name and a hash of its source, see
:func:`nn.objectives.registry.module_key`) reaches the step as a *tag*, an empty array whose record
dtype has one field named after the key (:func:`tag`).  Numba types that array
by its dtype, so each objective gets its own specialised, cached machine code,
found by the dispatcher's fast type lookup (under a microsecond; passing the
key as a string literal instead would re-type it on every call, about 17 ms); the overloads below
splice that module's ``real_loss``/``fake_loss``/``gen_loss`` into the batch
loops.  A new objective needs no edit here, and editing an objective's module
changes its key, so a stale cache entry is never used.
"""
from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload

from ..jit import JIT_OPTIONS, kernel
from .registry import MODULES

_TAGS: dict = {}


def tag(key: str) -> np.ndarray:
    """The compile-time tag of objective ``key``: an empty array whose dtype's one field is named ``key``."""
    if key not in _TAGS:
        _TAGS[key] = np.zeros(0, dtype=np.dtype([(key, np.uint8)]))
    return _TAGS[key]


def _module(key):
    if not (isinstance(key, types.Array) and isinstance(key.dtype, types.Record)):
        raise TypingError(f"an objective is passed to the compiled step as its tag (nn.objectives.dispatch.tag), "
                          f"got {key}")
    name = next(iter(key.dtype.fields))
    try:
        return MODULES[name]
    except KeyError:
        raise TypingError(f"objective {name!r} is not registered in this process") from None


def _batch_d_loss(key, real, fake, g_real, g_fake, opt):
    raise NotImplementedError("compiled only")


def _batch_g_loss(key, fake, g_fake, opt):
    raise NotImplementedError("compiled only")


@overload(_batch_d_loss, jit_options=JIT_OPTIONS)
def _ol_d_loss(key, real, fake, g_real, g_fake, opt):
    mod = _module(key)
    real_loss, fake_loss = mod.real_loss, mod.fake_loss

    def impl(key, real, fake, g_real, g_fake, opt):
        loss = 0.0
        n, m = real.shape[0], fake.shape[0]
        for i in range(n):
            val, d = real_loss(float(real[i]), opt)
            loss += val / n
            g_real[i] = d / n
        for i in range(m):
            val, d = fake_loss(float(fake[i]), opt)
            loss += val / m
            g_fake[i] = d / m
        return loss
    return impl


@overload(_batch_g_loss, jit_options=JIT_OPTIONS)
def _ol_g_loss(key, fake, g_fake, opt):
    mod = _module(key)
    gen_loss = mod.gen_loss

    def impl(key, fake, g_fake, opt):
        loss = 0.0
        m = fake.shape[0]
        for i in range(m):
            val, d = gen_loss(float(fake[i]), opt)
            loss += val / m
            g_fake[i] = d / m
        return loss
    return impl


@kernel
def d_loss(key, real, fake, g_real, g_fake, opt):
    """Discriminator batch-mean loss; fills d loss/d logit into ``g_real``, ``g_fake``; ``key``: the tag."""
    return _batch_d_loss(key, real, fake, g_real, g_fake, opt)


@kernel
def g_loss(key, fake, g_fake, opt):
    """Generator batch-mean loss; fills d loss/d logit into ``g_fake``; ``key``: the objective's tag."""
    return _batch_g_loss(key, fake, g_fake, opt)
