"""Datasets: registry with pinned checksums, the data folder, loaders and the experiment protocols."""
from __future__ import annotations

from pathlib import Path

from .cache import ENV_VAR, DatasetUnavailableError, data_dir, fetch, file_status, verify
from .loaders import gaussian, load_mnist_idx, load_odds_mat, mixture
from .registry import DATASETS, dataset_names, get_spec


def load(name_or_path, data_dir_=None, download: bool = True):
    """Load a registered ODDS dataset by name, or any ODDS ``.mat`` path: ``(X, y)``.

    MNIST is loaded with :func:`load_mnist`.
    """
    p = Path(str(name_or_path))
    if p.suffix == ".mat":
        return load_odds_mat(p)
    spec = get_spec(str(name_or_path))
    if spec["kind"] != "odds":
        raise ValueError(f"{name_or_path!r} is not an ODDS dataset; use load_mnist()")
    (path,) = fetch(str(name_or_path), data_dir_, download=download)
    return load_odds_mat(path)


def load_mnist(data_dir_=None, download: bool = True):
    """``((X_train, digits_train), (X_test, digits_test))``, pixels in [0, 1]."""
    tr_x, tr_y, te_x, te_y = fetch("mnist", data_dir_, download=download)
    return load_mnist_idx(tr_x, tr_y), load_mnist_idx(te_x, te_y)


__all__ = ["DATASETS", "ENV_VAR", "DatasetUnavailableError", "data_dir", "dataset_names", "fetch", "file_status", "gaussian",
           "get_spec", "load", "load_mnist", "load_mnist_idx", "load_odds_mat", "mixture", "verify"]
