"""One full GAN training step (MIM objective), side by side: mimgan vs plain NumPy vs PyTorch CPU.

Step = sample z and a real batch, D forward/backward on real + fake, D Adam
update, G forward/backward through D, G Adam update; float32; leaky-ReLU
hidden layers, tanh G output, sigmoid D output (applied by the loss).

The PyTorch reference is the standard idiom: ``fake = G(z)``, ``D(x)`` and
``D(fake.detach())`` for the D step, then ``D(fake)`` and ``backward`` for
the G step.  Run: ``python benchmarks/gan_step.py`` (``--quick`` for fewer
repeats).  Prints medians of interleaved repeats and the ratios.

A second table times the same step for every registered objective at ODDS
size, side by side with MIM (n_critic = 1, no clipping or penalty for all, so
only the objective differs): one compiled step serves every objective, whose
per-logit kernels it calls by address (:mod:`nn.objectives.dispatch`), and none
should cost more than 10 % over MIM.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import torch_mlp, torch_version, blas_info, gemm_peak, interleaved, reexec_without_blas_overrides  # noqa: E402

reexec_without_blas_overrides()

import numpy as np  # noqa: E402

from mimgan.nn import MLP, GANTrainer, get_objective  # noqa: E402
from mimgan.nn.objectives import REGISTRY  # noqa: E402
from mimgan.nn.reference import RefGAN, RefMLP  # noqa: E402

SIZES = {  # name: (x dim, latent, hidden, batch)
    "ODDS    (x21, z16, h64, B64)": (21, 16, 64, 64),
    "MNIST   (x784, z100, h256, B64)": (784, 100, 256, 64),
    "MNIST   (x784, z100, h256, B256)": (784, 100, 256, 256),
}
#: Ratios to PyTorch: the latent-search issue's 1.2x at MNIST size (an earlier issue asked 2.0x and 1.6x there, shown
#: out of reach on the machines measured, see CHANGELOG.md), and the 7x this step has kept at ODDS size.
TARGETS = {"ODDS    (x21, z16, h64, B64)": 7.0, "MNIST   (x784, z100, h256, B64)": 1.2,
           "MNIST   (x784, z100, h256, B256)": 1.2}


def step_flops(dx, dz, h, B):
    """GEMM FLOPs of one step as mimgan computes it (no D weight gradients in the G step)."""
    g = dz * h + h * h + h * dx
    d = dx * h + h * h + h
    d_step = g * B + 2 * d * 2 * B + (h * h + h) * 2 * B
    g_step = d * B + d * B + g * B + (h * h + h * dx) * B
    return 2 * (d_step + g_step)


def make_mimgan(dx, dz, h, B, X, objective="mim"):
    G = MLP([dz, h, h, dx], output="tanh", seed=1)
    D = MLP([dx, h, h, 1], output="linear", seed=2)
    obj = get_objective(objective, n_critic=1, clip=0.0, gp_lambda=0.0)
    t = GANTrainer(G, D, objective=obj, batch_size=B, seed=0)
    Xp = t.prepare(X)
    return lambda: t.step(Xp)


def make_numpy(dx, dz, h, B, X):
    G = MLP([dz, h, h, dx], output="tanh", seed=1)
    D = MLP([dx, h, h, 1], output="linear", seed=2)
    ref = RefGAN(RefMLP.from_mlp(G), RefMLP.from_mlp(D), "mim")
    rng = np.random.default_rng(0)

    def step():
        idx = rng.integers(0, len(X), (1, B))
        z = rng.standard_normal((1, B, dz), dtype=np.float32)
        ref.step(X, idx, z)
    return step


def make_torch(dx, dz, h, B, X):
    import torch
    torch.manual_seed(0)

    G, D = torch_mlp([dz, h, h, dx], "tanh"), torch_mlp([dx, h, h, 1], "linear")
    oG, oD = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    Xt = torch.from_numpy(X)

    def step():
        z = torch.randn(B, dz)
        x = Xt[torch.randint(0, len(Xt), (B,))]
        fake = G(z)
        ld = torch.exp(1 - torch.sigmoid(D(x))).mean() + torch.exp(torch.sigmoid(D(fake.detach()))).mean()
        oD.zero_grad()
        ld.backward()
        oD.step()
        lg = -torch.exp(torch.sigmoid(D(fake))).mean()
        oG.zero_grad()
        lg.backward()
        oG.step()
    return step


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    ap.add_argument("--families-only", action="store_true", help="only the every-objective table (no PyTorch)")
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else 9
    if args.families_only:
        families(repeats)
        return 0
    tv = torch_version()
    have_torch = tv is not None
    peak = gemm_peak()
    print(f"BLAS: {blas_info()}")
    print(f"measured float32 GEMM peak (2048^3): {peak:.1f} GFLOP/s; torch: "
          f"{tv or 'not installed (pip install torch==2.13.0)'}")
    print(f"{'size':36s} {'mimgan us':>10s} {'numpy us':>10s} {'torch us':>10s} {'vs numpy':>9s} {'vs torch':>9s}"
          f" {'target':>7s} {'% peak':>7s}")
    rng = np.random.default_rng(0)
    ok = True
    for name, (dx, dz, h, B) in SIZES.items():
        X = np.tanh(rng.standard_normal((4096, dx))).astype(np.float32)
        fns = {"mimgan": make_mimgan(dx, dz, h, B, X), "numpy": make_numpy(dx, dz, h, B, X)}
        if have_torch:
            fns["torch"] = make_torch(dx, dz, h, B, X)
        steps = max(3, int(0.25 / (step_flops(dx, dz, h, B) / (0.5 * peak * 1e9) + 1e-4)))
        t = interleaved(fns, steps=steps, repeats=repeats)
        r_np = t["numpy"] / t["mimgan"]
        r_t = t["torch"] / t["mimgan"] if have_torch else float("nan")
        frac = step_flops(dx, dz, h, B) / t["mimgan"] / (peak * 1e9)
        met = (r_t >= TARGETS[name]) if have_torch else None
        ok = ok and (met is not False)
        print(f"{name:36s} {t['mimgan'] * 1e6:10.1f} {t['numpy'] * 1e6:10.1f} "
              f"{t.get('torch', float('nan')) * 1e6:10.1f} {r_np:8.2f}x {r_t:8.2f}x {TARGETS[name]:6.1f}x {frac:6.1%}"
              + ("" if met is None else ("  met" if met else "  MISSED")))
    ok = families(repeats) and ok
    return 0


def families(repeats) -> bool:
    """Every registered objective's step at ODDS size next to MIM's, in one interleaved run."""
    name = next(iter(SIZES))
    dx, dz, h, B = SIZES[name]
    X = np.tanh(np.random.default_rng(0).standard_normal((4096, dx))).astype(np.float32)
    specs = list(dict.fromkeys(["mim", *REGISTRY, "mim:omega=2", "alpha:alpha=0.5"]))
    specs = [s for s in specs if s != "wgan-gp"]  # the same loss kernels as wgan; the penalty is not an objective
    fns = {s: make_mimgan(dx, dz, h, B, X, s) for s in specs}
    steps = max(3, int(0.25 / (step_flops(dx, dz, h, B) / (0.5 * gemm_peak() * 1e9) + 1e-4)))
    t = interleaved(fns, steps=steps, repeats=repeats)
    print(f"\nevery objective at {name.split('(')[0].strip()} size, n_critic = 1 (median of {repeats} interleaved repeats)")
    print(f"{'objective':22s} {'step us':>9s} {'vs MIM':>8s}")
    ok = True
    for s in specs:
        ratio = t[s] / t["mim"]
        ok = ok and ratio <= 1.10
        print(f"{s:22s} {t[s] * 1e6:9.1f} {ratio:7.3f}x" + ("" if ratio <= 1.10 else "  OVER 10 %"))
    print(f"slowest objective: {max(t[s] / t['mim'] for s in specs):.3f}x MIM's step")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
