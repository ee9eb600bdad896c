"""How many BLAS threads the compiled calls use.

numba's ``np.dot`` calls SciPy's OpenBLAS.  For the small matrix products
of the ODDS-size networks, two OpenBLAS threads must meet at every product;
when the other core is busy (another process, a Jupyter kernel's I/O
threads) each meeting can cost a scheduler time slice, and a training step
was measured 80x slower than with one thread.  ``auto`` therefore uses one
BLAS thread when the largest product of a call is small, and the library
default (all cores) otherwise.
"""
from __future__ import annotations

import contextlib

#: Largest matrix product (multiply-adds) for which ``auto`` uses one BLAS thread.
SMALL_GEMM_MACS = 1 << 22

_controller = None


def _get_controller():
    global _controller
    if _controller is None:
        # numba's np.dot calls SciPy's OpenBLAS, a different library from NumPy's.  threadpoolctl only
        # sees libraries already loaded, so load SciPy's first: otherwise a controller made before the
        # first compiled product would limit NumPy's BLAS and leave the one that matters untouched.
        import scipy.linalg.cython_blas  # noqa: F401
        from threadpoolctl import ThreadpoolController
        _controller = ThreadpoolController()
    return _controller


def budget() -> int:
    """BLAS threads this process may use now: the smallest current setting of its BLAS libraries
    (all cores by default; less under ``threadpoolctl`` limits or in a pool worker)."""
    libs = _get_controller().select(user_api="blas").lib_controllers
    return max(1, min((lib.num_threads for lib in libs), default=1))


def controlled_libraries() -> list[str]:
    """File names of the BLAS libraries :func:`blas_threads` limits (for diagnostics and tests)."""
    return [lib.filepath.rsplit("/", 1)[-1] for lib in _get_controller().select(user_api="blas").lib_controllers]


def largest_product(sizes_list, rows: int) -> int:
    """Max multiply-adds of one layer product for ``rows`` rows over the given networks' layer sizes."""
    return max(int(rows) * int(s[i]) * int(s[i + 1]) for s in sizes_list for i in range(len(s) - 1))


def resolve(policy, sizes_list, rows):
    """Thread count for a call: ``None`` = leave the BLAS default; an int = that many threads."""
    if policy is None or policy == "default":
        return None
    if policy == "auto":
        return 1 if largest_product(sizes_list, rows) < SMALL_GEMM_MACS else None
    n = int(policy)
    if n < 1:
        raise ValueError(f"blas_threads must be 'auto', 'default' or a positive integer, got {policy!r}")
    return n


@contextlib.contextmanager
def blas_threads(n):
    """Limit BLAS to ``n`` threads inside the block (``None``: no change)."""
    if n is None:
        yield
        return
    with _get_controller().limit(limits=n, user_api="blas"):
        yield
