"""Shared helpers for the benchmark scripts: a clean BLAS environment, peak GEMM, interleaved timing."""
from __future__ import annotations

import gc
import os
import sys
import time

import numpy as np

_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def reexec_without_blas_overrides():
    """Re-run this script without OPENBLAS_CORETYPE/L2_SIZE (they slow BLAS; set for safety elsewhere)."""
    if any(v in os.environ for v in _BLAS_VARS):
        env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}"
                         for i in threadpool_info() if i.get("user_api") == "blas")
    except ImportError:
        return "threadpoolctl not installed"


GEMM_N = 2048


def gemm_call(n: int = GEMM_N):
    """A float32 n x n ``np.dot`` (BLAS at its best) to time beside the contestants; 2 n^3 FLOP per call."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    c = np.empty_like(a)

    def run():
        np.dot(a, a, c)
    return run


def gemm_peak(n: int = GEMM_N, repeats: int = 7) -> float:
    """Measured float32 GEMM rate (GFLOP/s) of an n x n product, median of repeats."""
    run = gemm_call(n)
    run()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        ts.append(time.perf_counter() - t0)
    return 2 * n**3 / np.median(ts) / 1e9


def interleaved(fns: dict, steps: int, repeats: int, warmup: int = 3, gap: float = 0.3) -> dict:
    """Median seconds per call of each fn, timing them in turn within every repeat.

    Each library keeps its own thread pool (NumPy's OpenBLAS, SciPy's OpenBLAS
    used by numba, PyTorch's OpenMP) whose threads spin for a while after
    work; ``gap`` seconds of sleep before each block let them park, so no
    implementation is timed while another's threads still hold the cores.
    The garbage collector is off inside timed blocks, as in :mod:`timeit`:
    with numba and torch loaded, a full collection walks about a million
    objects and lands on whichever contestant happened to allocate.
    """
    for f in fns.values():
        for _ in range(warmup):
            f()
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            time.sleep(gap)
            gc.collect()
            gc.disable()
            try:
                t0 = time.perf_counter()
                for _ in range(steps):
                    f()
                times[k].append((time.perf_counter() - t0) / steps)
            finally:
                gc.enable()
    return {k: float(np.median(v)) for k, v in times.items()}


def torch_mlp(sizes, out, slope=0.2):
    """The PyTorch twin of nn.MLP: Linear + LeakyReLU hidden layers, optional tanh output."""
    import torch
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.LeakyReLU(slope))
    if out == "tanh":
        layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def torch_version():
    """PyTorch's version with its threads set to all cores, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    return torch.__version__
