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
too, so an edit anywhere there recompiles every kernel once.  And it saves cache
entries under a lock (:class:`_LockedIndex`), so that processes compiling at the
same time cannot make an entry name another signature's code.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import pathlib

from numba import njit, types

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


@contextlib.contextmanager
def _exclusive(path: str):
    """An exclusive lock on the file ``path`` (created if missing) for the block; no lock where there is no
    ``fcntl`` (Windows: numba's own behaviour)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on the platforms CI runs
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _cache_class():
    """numba's FunctionCache with every locator's source stamp extended by :func:`sources_digest` and entries
    saved by :class:`_LockedIndex`; None if this numba's caching internals are not the ones this was written
    for (then numba's own is kept)."""
    try:
        from numba.core import caching

        def stamped(base):
            return type(f"Mimgan{base.__name__}", (base,),
                        {"get_source_stamp": lambda self: (base.get_source_stamp(self), sources_digest())})

        class _LockedIndex(caching.IndexDataCacheFile):
            """numba's index and data files of one kernel, an entry saved under a lock, its code before its
            index line.

            numba saves an entry by reading the index, taking the first data-file number the index does not
            name, writing the index, then the code.  Two processes compiling two signatures of one kernel at
            once (the tests' float32 and float64 warm-ups) could take the same number; the index then named
            one signature's entry with the other's code, and every later run of that checkout failed ("can't
            unbox array": float32 arrays handed to float64 code, seen once in a clean-clone CI run).
            """

            def save(self, key, data):
                with _exclusive(self._index_path + ".lock"):
                    overloads = self._load_index()
                    name = overloads.get(key)
                    new = name is None
                    if new:
                        used = set(overloads.values())
                        name = next(n for n in map(self._data_name, itertools.count(1)) if n not in used)
                        overloads[key] = name
                    self._save_data(name, data)  # a reader that finds the index line finds this code
                    if new:
                        self._save_index(overloads)

        def init(self, py_func):
            caching.FunctionCache.__init__(self, py_func)
            self._cache_file.__class__ = _LockedIndex

        impl = type("MimganCacheImpl", (caching.CompileResultCacheImpl,),
                    {"_locator_classes": [stamped(c) for c in caching.CompileResultCacheImpl._locator_classes]})
        return type("MimganFunctionCache", (caching.FunctionCache,), {"_impl_class": impl, "__init__": init})
    except (ImportError, AttributeError, TypeError):
        return None


_FunctionCache = _cache_class()


def _without_literals(get_call_template):
    """A dispatcher's call typing with every argument's literal type replaced by its plain type.

    numba types a constant argument of a call from compiled code as a literal (``Literal[bool](True)``,
    ``Literal[int](0)``) and compiles the callee once per distinct constant: the MLP's ``backward``
    existed in five compiled copies (its two flags, per dtype), the row product in eight.  No kernel
    here dispatches on a literal, so one compilation per plain type serves every call; the cold-cache
    compilation of the training step and the search took about 10 s less CPU (two dtypes).
    """
    def plain(args, kws):
        return get_call_template(tuple(types.unliteral(a) for a in args),
                                 {k: types.unliteral(v) for k, v in kws.items()})
    return plain


def kernel(fn=None, *, inline: str = "never"):
    """``@njit(cache=True, nogil=True)`` with the project's numeric options and its cache stamp.

    ``inline="always"`` compiles ``fn`` into each kernel that calls it instead of on its own; for a kernel
    only ever called from one other kernel (the D and G steps inside :func:`nn.gan_step.train_steps`),
    which numba would otherwise compile once alone and then again, linked, inside its caller.
    """
    if fn is None:
        return functools.partial(kernel, inline=inline)
    disp = njit(inline=inline, **JIT_OPTIONS)(fn)
    disp.get_call_template = _without_literals(disp.get_call_template)
    if _FunctionCache is not None:
        try:
            disp._cache = _FunctionCache(fn)
        except RuntimeError:  # no writable cache location for this file: keep numba's choice
            pass
    return disp
