"""The one set of numba options every kernel uses, and a cache that notices edits anywhere in ``nn/``.

``error_model="numpy"`` removes the ZeroDivisionError check that otherwise
stops LLVM from vectorising any loop containing a division; the fastmath
flags allow FMA contraction and reassociation but *not* ``nnan``/``ninf``, so
NaN and inf still propagate to the finiteness checks of the trainer.
Reassociation changes rounding relative to plain NumPy, never between runs.

numba's on-disk cache checks only the source file of the cached function, but a
kernel inlines the kernels it calls from other files (the latent search inlines
:mod:`nn.rowwise` and :mod:`nn.microkernel`): after an edit of a callee the
cached caller would still run the old code.  :func:`kernel` therefore stamps each
cache entry with a digest of every source file of this package's ``nn/`` folder
too, so an edit anywhere there recompiles every kernel once.
"""
from __future__ import annotations

import functools
import hashlib
import pathlib

from numba import njit

FASTMATH = {"contract", "arcp", "nsz", "afn", "reassoc"}
#: ``nogil`` lets independent compiled calls (blocks of rows in the latent search) run on separate threads.
JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "fastmath": FASTMATH}

_NN = pathlib.Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def _digest(stats: tuple) -> bytes:
    h = hashlib.sha256()
    for path, _mtime, _size in stats:
        h.update(path.encode())
        h.update((_NN / path).read_bytes())
    return h.digest()


def sources_digest() -> bytes:
    """sha256 of the ``.py`` files under ``nn/`` (re-read only when a file's mtime or size changes)."""
    stats = []
    for p in sorted(_NN.rglob("*.py")):
        st = p.stat()
        stats.append((p.relative_to(_NN).as_posix(), st.st_mtime_ns, st.st_size))
    return _digest(tuple(stats))


def _cache_class():
    """numba's FunctionCache with every locator's source stamp extended by :func:`sources_digest`; None
    if this numba's caching internals are not the ones this was written for (then numba's own is kept)."""
    try:
        from numba.core import caching

        def stamped(base):
            return type(f"Mimgan{base.__name__}", (base,),
                        {"get_source_stamp": lambda self: (base.get_source_stamp(self), sources_digest())})

        impl = type("MimganCacheImpl", (caching.CompileResultCacheImpl,),
                    {"_locator_classes": [stamped(c) for c in caching.CompileResultCacheImpl._locator_classes]})
        return type("MimganFunctionCache", (caching.FunctionCache,), {"_impl_class": impl})
    except (ImportError, AttributeError, TypeError):
        return None


_FunctionCache = _cache_class()


def kernel(fn):
    """``@njit(cache=True, nogil=True)`` with the project's numeric options and its cache stamp."""
    disp = njit(**JIT_OPTIONS)(fn)
    if _FunctionCache is not None:
        try:
            disp._cache = _FunctionCache(fn)
        except RuntimeError:  # no writable cache location for this file: keep numba's choice
            pass
    return disp
