"""A multilayer perceptron whose parameters live in one flat buffer.

numpy-ml style: :meth:`MLP.forward` caches what :meth:`MLP.backward` needs;
``backward`` returns the input gradient and fills the parameter gradients.
The numeric work is done by the compiled kernels of :mod:`nn.mlp_kernels`;
this class validates input (so bad data never reaches numba) and owns the
buffers.
"""
from __future__ import annotations

import os
import sys
from collections import namedtuple

import numpy as np

from . import mlp_kernels as K
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, activation_code

INITS = ("auto", "xavier", "he")

#: A network as the compiled kernels see it (numba types a named tuple like a tuple, so kernels unpack it):
#: flat parameters and gradients, layer widths, activation codes, weight and bias offsets, leaky-ReLU slope.
NetSpec = namedtuple("NetSpec", "params grads sizes acts w_off b_off slope")


def physical_memory() -> int | None:
    """Bytes of RAM of this machine (None where the OS does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _check_memory(n_params: int, dtype, sizes) -> None:
    """Refuse, before allocating, a network whose parameters, gradients and Adam state (4 copies) exceed RAM."""
    need = 4 * int(n_params) * dtype.itemsize
    have = physical_memory()
    if have is not None and need > have:
        raise MemoryError(f"a network of widths {list(map(int, sizes))} has {n_params:,} parameters: with its gradients "
                          f"and optimiser state it needs about {need / 2**30:.1f} GiB, more than this machine's "
                          f"{have / 2**30:.1f} GiB; use smaller layers")


def _is_sparse(X) -> bool:
    """A scipy.sparse matrix or array (no object can be one unless scipy.sparse was imported)."""
    mod = sys.modules.get("scipy.sparse")
    return mod is not None and mod.issparse(X)


class InputError(ValueError, TypeError):
    """Input that is not a matrix of finite numbers (a ValueError; also a TypeError where the entries' type is
    the problem, as NumPy's own conversion error is)."""


def check_batch(X, width: int, name: str = "X", dtype=None) -> np.ndarray:
    """Validate a (B, width) batch: dense, 2-D, non-empty, right width, real and finite; return C-contiguous
    ``dtype``.  Each refusal names the problem (and the first offending row and column)."""
    if _is_sparse(X):
        raise InputError(f"{name} is a sparse matrix; the networks need dense input (pass {name}.toarray())")
    try:
        X = np.asarray(X)
        if X.dtype.kind == "O" and any(v is None or type(v).__name__ == "NAType" for v in X.flat):
            raise ValueError("missing entries")
        if X.dtype.kind == "c":
            raise InputError(f"Complex data not supported: {name} holds complex numbers; the networks take real ones")
        if X.dtype.kind not in "biuf":
            X = X.astype(np.float64)
    except InputError:
        raise
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must hold numbers; it has entries that are not (strings, None or pandas NA): "
                         f"{exc}") from None
    if X.dtype.kind == "b":
        X = X.astype(np.float64)
    if X.ndim != 2:
        raise InputError(f"{name} must be a 2-D array (batch, features), got shape {X.shape}; Reshape your data "
                         f"with {name}.reshape(-1, 1) for one feature or {name}.reshape(1, -1) for one row")
    if X.shape[0] == 0:
        raise InputError(f"{name} is an empty batch (0 rows)")
    if X.shape[1] == 0:
        raise InputError(f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if X.shape[1] != width:
        raise InputError(f"{name} has {X.shape[1]} columns, the network expects {width}")
    if not np.all(np.isfinite(X)):
        bad = np.argwhere(~np.isfinite(X))[0]
        raise InputError(f"{name} contains NaN or inf (first at row {bad[0]}, column {bad[1]})")
    with np.errstate(over="ignore"):  # reported below, naming the value
        out = np.ascontiguousarray(X, dtype=dtype)
    if dtype is not None and not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))[0]
        raise InputError(f"{name} overflows {np.dtype(dtype).name}: the value {X[bad[0], bad[1]]!r} at row {bad[0]}, "
                         f"column {bad[1]} is beyond its range; rescale the data")
    return out


class MLP:
    """Fully connected network ``sizes[0] -> ... -> sizes[-1]``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first; at least two entries.
    hidden : {"leaky_relu", "relu", "tanh"}
        Hidden activation (Section IV uses leaky ReLU).
    output : {"sigmoid", "tanh", "linear"}
        Output activation.  A GAN discriminator is built with ``"linear"``:
        the objectives take raw logits and apply D's sigmoid themselves.
    slope : float
        Negative slope of leaky ReLU (default 0.2).
    init : {"auto", "xavier", "he"}
        Weight initialisation; ``"auto"`` is He for (leaky) ReLU, Xavier for tanh.
    seed : int
        Seed of the initialisation (``numpy.random.default_rng``).
    dtype : float32 (training) or float64 (gradient checks)
    """

    def __init__(self, sizes, hidden="leaky_relu", output="linear", slope=0.2, init="auto", seed=0,
                 dtype=np.float32):
        bad = [s for s in sizes if isinstance(s, bool) or not float(s).is_integer()]
        if bad:
            raise ValueError(f"layer sizes must be whole numbers, got {list(sizes)}")
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive widths, got {sizes}")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; expected one of {list(INITS)}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        if not (np.isfinite(slope) and slope >= 0):
            raise ValueError(f"leaky-ReLU slope must be a finite number >= 0, got {slope}")
        self.sizes = np.array(sizes, dtype=np.int64)
        self.hidden, self.output, self.slope, self.init, self.seed = hidden, output, float(slope), init, seed
        L = len(sizes) - 1
        codes = [activation_code(hidden, HIDDEN_ACTIVATIONS)] * (L - 1) + [activation_code(output, OUTPUT_ACTIVATIONS)]
        self.acts = np.array(codes, dtype=np.int64)
        self.w_off = np.zeros(L, np.int64)
        self.b_off = np.zeros(L, np.int64)
        off = 0
        for l in range(L):
            self.w_off[l] = off
            off += sizes[l] * sizes[l + 1]
            self.b_off[l] = off
            off += sizes[l + 1]
        _check_memory(off, np.dtype(dtype), sizes)
        self.params = np.zeros(off, dtype=dtype)
        self.grads = np.zeros(off, dtype=dtype)
        self._X = None
        self._cache = np.zeros(0, dtype=dtype)
        self._work = np.zeros(0, dtype=dtype)
        self.reset_parameters(seed)

    # ------------------------------------------------------------------ parameters
    @property
    def dtype(self):
        return self.params.dtype

    @property
    def n_layers(self) -> int:
        return len(self.acts)

    def _views(self, flat):
        out = []
        for l in range(self.n_layers):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            out.append(flat[self.w_off[l]:self.w_off[l] + n_in * n_out].reshape(n_in, n_out))
            out.append(flat[self.b_off[l]:self.b_off[l] + n_out])
        return out

    @property
    def parameters(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``, views into the flat buffer, W of shape (fan_in, fan_out)."""
        return self._views(self.params)

    @property
    def gradients(self) -> list[np.ndarray]:
        """Gradients in the order of :attr:`parameters`."""
        return self._views(self.grads)

    def reset_parameters(self, seed=None):
        """Xavier-uniform or He-normal weights, zero biases, from ``seed``."""
        rng = np.random.default_rng(self.seed if seed is None else seed)
        scheme = self.init
        if scheme == "auto":
            scheme = "he" if self.hidden in ("relu", "leaky_relu") else "xavier"
        self.params[:] = 0
        for l, (W, _) in enumerate(zip(self.parameters[::2], self.parameters[1::2])):
            fan_in, fan_out = W.shape
            if scheme == "he" and l < self.n_layers - 1:
                gain = np.sqrt(2.0 / (1.0 + self.slope**2)) if self.hidden == "leaky_relu" else np.sqrt(2.0)
                W[:] = rng.standard_normal(W.shape) * (gain / np.sqrt(fan_in))
            else:
                lim = np.sqrt(6.0 / (fan_in + fan_out))
                W[:] = rng.uniform(-lim, lim, W.shape)

    def spec(self) -> "NetSpec":
        """What the compiled kernels take: a :class:`NetSpec` of this network's buffers and layout."""
        return NetSpec(self.params, self.grads, self.sizes, self.acts, self.w_off, self.b_off, self.slope)

    def _buffers(self, batch):
        need_c, need_w = K.cache_size(self.sizes, batch), K.work_size(self.sizes, batch)
        if self._cache.size < need_c:
            self._cache = np.zeros(need_c, self.dtype)
        if self._work.size < need_w:
            self._work = np.zeros(need_w, self.dtype)
        return self._cache, self._work

    # ------------------------------------------------------------------ passes
    def forward(self, X) -> np.ndarray:
        """Output for a batch X of shape (B, sizes[0]); caches what :meth:`backward` needs."""
        X = check_batch(X, int(self.sizes[0]), dtype=self.dtype)
        cache, _ = self._buffers(X.shape[0])
        out = K.forward(self.params, self.sizes, self.acts, self.w_off, self.b_off, self.slope, X, cache)
        self._X = X
        return out.copy()

    __call__ = forward

    def backward(self, grad_out, param_grads=True) -> np.ndarray:
        """Back-propagate dLoss/dOutput; fill :attr:`grads` (if ``param_grads``) and return dLoss/dX.

        ``param_grads=False`` computes only the input gradient (the generator
        step and the latent search need it) and skips every weight product.
        """
        if self._X is None:
            raise RuntimeError("backward() called before forward()")
        B = self._X.shape[0]
        G = check_batch(grad_out, int(self.sizes[-1]), name="grad_out", dtype=self.dtype)
        if G.shape[0] != B:
            raise ValueError(f"grad_out has {G.shape[0]} rows but the last forward() had {B}")
        cache, work = self._buffers(B)
        dX = K.backward(self.params, self.grads, self.sizes, self.acts, self.w_off, self.b_off, self.slope,
                        self._X, cache, G, work, param_grads, True)
        return dX.copy()

    def __repr__(self):
        return (f"MLP(sizes={self.sizes.tolist()}, hidden={self.hidden!r}, output={self.output!r}, "
                f"dtype={self.dtype.name})")
