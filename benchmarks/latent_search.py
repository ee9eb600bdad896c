"""Batched latent search (Eq. 22–23) for N rows at once: mimgan vs PyTorch CPU, side by side.

N = 1000 rows, 100 Adam steps (lr 0.003), lambda = 0.1, p = 2, logit reading of
Eq. 24; G: z -> h -> h -> x (tanh out), D: x -> h -> h -> 1; float32.  The
PyTorch reference freezes G and D (no parameter gradients) and optimises a
(N, dz) latent tensor with torch.optim.Adam.  Run: ``python benchmarks/latent_search.py``.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import GEMM_N, gemm_call, gemm_peak, interleaved, reexec_without_blas_overrides, torch_mlp, torch_version  # noqa: E402,E501

reexec_without_blas_overrides()

import numpy as np  # noqa: E402

from mimgan.nn import MLP  # noqa: E402
from mimgan.nn.latent_search import search_rows  # noqa: E402

SIZES = {"ODDS  (x21, z16, h64)": (21, 16, 64), "MNIST (x784, z100, h256)": (784, 100, 256)}
N, STEPS, LR, LAM = 1000, 100, 0.003, 0.1
#: Targets of the latent-search issue: (ratio to PyTorch, share of the GEMM peak) per size.
TARGETS = {"ODDS  (x21, z16, h64)": (3.0, 0.50), "MNIST (x784, z100, h256)": (1.3, 0.80)}


def make_mimgan(dx, dz, h, X, Z0):
    G = MLP([dz, h, h, dx], output="tanh", seed=1)
    D = MLP([dx, h, h, 1], output="linear", seed=2)

    def run():
        search_rows(G, D, X, Z0.copy(), STEPS, LR, LAM, 2.0, 1.0, True)
    return run


def make_torch(dx, dz, h, X, Z0):
    import torch

    torch.manual_seed(0)
    G = torch_mlp([dz, h, h, dx], "tanh").requires_grad_(False)  # frozen: no parameter gradients
    D = torch_mlp([dx, h, h, 1], "linear").requires_grad_(False)
    Xt = torch.from_numpy(X)

    def run():
        z = torch.from_numpy(Z0.copy()).requires_grad_(True)
        opt = torch.optim.Adam([z], lr=LR)
        for _ in range(STEPS):
            gx = G(z)
            loss = ((1 - LAM) * (Xt - gx).norm(dim=1) + LAM * torch.nn.functional.softplus(-D(gx))[:, 0]).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            gx = G(z)
            ((1 - LAM) * (Xt - gx).norm(dim=1) + LAM * torch.nn.functional.softplus(-D(gx))[:, 0])
    return run


def flops(dx, dz, h):
    g = dz * h + h * h + h * dx
    d = dx * h + h * h + h
    per_step = g + d + d + (g - dz * h + h * dz)  # G fwd, D fwd, D bwd (input), G bwd (input)
    return 2 * N * (STEPS * per_step + g + d)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    tv = torch_version()
    have_torch = tv is not None
    peak = gemm_peak()
    print(f"float32 GEMM peak before the timings: {peak:.1f} GFLOP/s; N={N} rows, {STEPS} steps; "
          f"torch: {tv or 'not installed'}")
    print("% peak and FLOP-bound use the GEMM peak timed in the same interleaved repeats as the contestants (a "
          "shared machine's speed drifts); FLOP-bound: the search's multiply-adds at that peak (no search can "
          "beat it)")
    print(f"{'size':28s} {'mimgan ms':>10s} {'torch ms':>10s} {'ratio':>7s} {'target':>7s} {'% peak':>7s} "
          f"{'target':>7s} {'FLOP-bound ms':>14s} {'GFLOP/s':>8s}")
    rng = np.random.default_rng(0)
    for name, (dx, dz, h) in SIZES.items():
        X = np.tanh(rng.standard_normal((N, dx))).astype(np.float32)
        Z0 = rng.standard_normal((N, dz)).astype(np.float32)
        fns = {"mimgan": make_mimgan(dx, dz, h, X, Z0), "gemm": gemm_call()}
        if have_torch:
            fns["torch"] = make_torch(dx, dz, h, X, Z0)
        # An ODDS-size search takes ~40 ms: time five calls in a row, so the clock's ramp after the pause that
        # lets the other library's threads park (`interleaved`) is not a sizeable part of one timing.
        t = interleaved(fns, steps=5 if dx < 100 else 1, repeats=3 if args.quick else 9, warmup=1)
        r = t["torch"] / t["mimgan"] if have_torch else float("nan")
        size_peak = 2 * GEMM_N**3 / t["gemm"] / 1e9
        bound = flops(dx, dz, h) / (size_peak * 1e9)
        share = bound / t["mimgan"]
        want_r, want_share = TARGETS[name]
        met = share >= want_share and (not have_torch or r >= want_r)
        print(f"{name:28s} {t['mimgan'] * 1e3:10.1f} {t.get('torch', float('nan')) * 1e3:10.1f} {r:6.2f}x "
              f"{want_r:6.1f}x {share:7.1%} {want_share:7.0%} {bound * 1e3:14.1f} {size_peak:8.1f}  "
              f"{'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
