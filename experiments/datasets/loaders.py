"""Readers for ODDS ``.mat`` files, MNIST idx files and the synthetic sets.

Every loader returns ``X`` as float64 (n, d) and ``y`` as int64 in {0, 1}
(1 = anomaly) where labels exist.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np


def load_odds_mat(path):
    """Read an ODDS ``.mat`` file (keys ``X``, ``y``): MATLAB v5 via scipy, v7.3 via h5py."""
    from scipy import io

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such .mat file: {path}")
    try:
        data = io.loadmat(path)
        X, y = data.get("X"), data.get("y")
    except NotImplementedError:  # MATLAB v7.3 = HDF5
        try:
            import h5py
        except ImportError:
            raise ValueError(f"{path} is a MATLAB v7.3 (HDF5) file; install h5py to read it "
                             "(pip install h5py)") from None
        with h5py.File(path, "r") as fh:
            # HDF5 stores MATLAB arrays transposed.
            X = np.asarray(fh["X"]).T if "X" in fh else None
            y = np.asarray(fh["y"]).T if "y" in fh else None
    except (ValueError, IndexError, TypeError, OSError, EOFError, io.matlab.MatReadError, zlib.error) as exc:
        # scipy raises any of these on a file that is not MATLAB at all (empty, text, truncated, corrupted)
        raise ValueError(f"{path} is not a readable MATLAB file ({type(exc).__name__}: {exc})") from None
    if X is None or y is None:
        raise ValueError(f"{path} lacks the ODDS keys 'X' and 'y'")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or y.shape[0] != X.shape[0]:
        raise ValueError(f"{path}: X has shape {X.shape} but y has {y.shape[0]} labels")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError(f"{path}: labels y must be 0 (inlier) or 1 (outlier)")
    return X, y.astype(np.int64)


def _read_idx(path, magic):
    with gzip.open(path, "rb") as fh:
        head = np.frombuffer(fh.read(4), dtype=">i4")[0]
        if head != magic:
            raise ValueError(f"{path}: IDX magic {head:#010x}, expected {magic:#010x}")
        ndim = magic & 0xFF
        dims = np.frombuffer(fh.read(4 * ndim), dtype=">i4")
        data = np.frombuffer(fh.read(), dtype=np.uint8)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: truncated IDX file ({data.size} bytes for dims {dims.tolist()})")
    return data.reshape(dims)


def load_mnist_idx(images_path, labels_path):
    """MNIST images as float64 in [0, 1], shape (n, 784), and digit labels (n,)."""
    images = _read_idx(images_path, 0x00000803)
    labels = _read_idx(labels_path, 0x00000801)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{images.shape[0]} images but {labels.shape[0]} labels")
    # One pass into one new array: ``astype`` then ``/`` wrote (and page-faulted) 376 MB twice for the
    # training images; the values are the same (each uint8 converted exactly, then divided by 255).
    X = np.divide(images.reshape(images.shape[0], -1), 255.0, dtype=np.float64)
    return X, labels.astype(np.int64)


def gaussian(n: int, mu: float = 4.0, sigma: float = 1.25, seed: int = 0):
    """n draws of N(mu, sigma) as (n, 1): the data of Figure 1 (Section IV-A)."""
    return np.random.default_rng(seed).normal(mu, sigma, size=(int(n), 1))


def mixture(n: int, p_rare: float = 0.05, dim: int = 1, rare_mean: float = 6.0, rare_sigma: float = 0.5, seed: int = 0):
    """(1 - p) N(0, I) + p N(rare_mean, rare_sigma^2 I); returns X and the rare-mode indicator."""
    if not 0 < p_rare < 1:
        raise ValueError(f"p_rare must be in (0, 1), got {p_rare}")
    rng = np.random.default_rng(seed)
    rare = rng.random(int(n)) < p_rare
    X = rng.standard_normal((int(n), dim))
    X[rare] = rare_mean + rare_sigma * rng.standard_normal((int(rare.sum()), dim))
    return X, rare.astype(np.int64)
