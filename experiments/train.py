"""``mimgan train``: train one GAN on a synthetic set or an .npy array; save model, history and a plot."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..nn import MLP, Adam, GANTrainer
from ..files import write_text_atomic

from .datasets import gaussian, mixture
from .plotting import save_figure
from .anomaly.scaling import MinMaxToTanh


def load_training_data(spec: str, n: int = 100_000, p_rare: float = 0.05, seed: int = 0):
    """(X_scaled, to_original(callable), description) for 'gaussian', 'mixture' or a path to .npy."""
    if spec == "gaussian":
        X = gaussian(n, seed=seed)
        return X / 10.0, (lambda Z: Z * 10.0), "N(4, 1.25) / 10"
    if spec == "mixture":
        X, _ = mixture(n, p_rare=p_rare, seed=seed)
        return X / 8.0, (lambda Z: Z * 8.0), f"{1 - p_rare:g} N(0,1) + {p_rare:g} N(6,0.5), / 8"
    path = Path(spec)
    if path.suffix != ".npy":
        raise ValueError(f"--data must be 'gaussian', 'mixture' or a path to a .npy file, got {spec!r}")
    if not path.exists():
        raise FileNotFoundError(f"no such data file: {path}")
    try:
        X = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{path} is not a NumPy .npy array file ({exc})") from None
    if not isinstance(X, np.ndarray) or X.dtype.kind not in "biuf":
        raise ValueError(f"{path} must hold one numeric array, got {type(X).__name__}")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"{path}: expected a 2-D array (rows, features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{path} contains NaN or inf")
    sc = MinMaxToTanh().fit(X)
    return sc.transform(X), sc.inverse_transform, f"{path.name} min-max scaled to [-1, 1]"


def train(gan: str, data: str, out, iters=3000, batch=256, hidden=64, latent=8, lr=0.001, seed=0, p_rare=0.05,
          progress=True) -> dict:
    for flag, value in (("--iters", iters), ("--batch", batch), ("--hidden", hidden), ("--latent", latent)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{flag} must be a positive integer, got {value!r}")
    X, back, desc = load_training_data(data, p_rare=p_rare, seed=seed)
    out = Path(out)
    d = X.shape[1]
    G = MLP([latent, hidden, hidden, d], output="tanh", seed=seed)
    D = MLP([d, hidden, hidden, 1], output="linear", seed=seed + 1)
    tr = GANTrainer(G, D, objective=gan, g_optimizer=Adam(lr), d_optimizer=Adam(lr), batch_size=batch, seed=seed)
    t0 = time.perf_counter()
    tr.fit(X, iters, progress=progress)
    seconds = time.perf_counter() - t0
    model = tr.save(out / "model.npz")
    h = tr.history
    rows = "iteration,d_loss,g_loss\n" + "".join(f"{i},{a!r},{b!r}\n" for i, a, b in
                                                   zip(h["iteration"], h["d_loss"], h["g_loss"]))
    write_text_atomic(out / "history.csv", rows)
    plot = _plot(tr, X, back, desc, gan, out / "training.png")
    return {"model": model, "history": out / "history.csv", "plot": plot, "seconds": seconds}


def _plot(tr, X, back, desc, gan, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    h = tr.history
    ax[0].plot(h["iteration"], h["d_loss"], label="discriminator loss")
    ax[0].plot(h["iteration"], h["g_loss"], label="generator loss")
    ax[0].set(xlabel="iteration", title=f"{gan}: losses", xscale="linear")
    ax[0].legend()
    fake = back(tr.sample(20000).astype(np.float64))
    real = back(X[np.random.default_rng(0).permutation(len(X))[:20000]])
    if X.shape[1] == 1:
        bins = np.linspace(min(real.min(), fake.min()), max(real.max(), fake.max()), 80)
        ax[1].hist(real[:, 0], bins, density=True, alpha=0.5, label="real")
        ax[1].hist(fake[:, 0], bins, density=True, alpha=0.5, label="generated")
    else:
        ax[1].scatter(real[:, 0], real[:, 1], s=1, alpha=0.3, label="real")
        ax[1].scatter(fake[:, 0], fake[:, 1], s=1, alpha=0.3, label="generated")
    ax[1].set(title=f"samples ({desc})")
    ax[1].legend()
    fig.tight_layout()
    return save_figure(fig, Path(path).with_suffix(""), dpi=100)
