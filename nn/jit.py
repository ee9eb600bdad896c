"""The one set of numba options every kernel uses.

``error_model="numpy"`` removes the ZeroDivisionError check that otherwise
stops LLVM from vectorising any loop containing a division; the fastmath
flags allow FMA contraction and reassociation but *not* ``nnan``/``ninf``, so
NaN and inf still propagate to the finiteness checks of the trainer.
Reassociation changes rounding relative to plain NumPy, never between runs.
"""
from numba import njit

FASTMATH = {"contract", "arcp", "nsz", "afn", "reassoc"}
#: ``nogil`` lets independent compiled calls (blocks of rows in the latent search) run on separate threads.
JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "fastmath": FASTMATH}


def kernel(fn):
    """``@njit(cache=True, nogil=True)`` with the project's numeric options."""
    return njit(**JIT_OPTIONS)(fn)
