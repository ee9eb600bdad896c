"""Datasets: registry with pinned checksums, the data folder, loaders and the experiment protocols."""
from __future__ import annotations

from .cache import ENV_VAR, DatasetUnavailableError, data_dir, fetch, file_status, verify
from .loaders import gaussian, load_mnist_idx, load_odds_mat, mixture
from .reference import DatasetRef
from .registry import DATASETS, dataset_names, get_spec


def load(name_or_path, data_dir_=None, download: bool = True, label=None):
    """``(X, y)`` of a registered ODDS dataset by name, or of a data file (ODDS ``.mat``, CSV/TSV with a label
    column, ``.npz`` with ``X`` and ``y``, Parquet).  MNIST is loaded with :func:`load_mnist`."""
    ref = DatasetRef.parse(name_or_path, label=label)
    if ref.kind == "mnist":
        raise ValueError(f"{name_or_path!r} is not a table of features and labels; use load_mnist()")
    if ref.kind == "odds" and not download:
        fetch(ref.name, data_dir_, download=False)  # fails if missing rather than downloading
    return ref.load(data_dir_)


def load_mnist(data_dir_=None, download: bool = True):
    """``((X_train, digits_train), (X_test, digits_test))``, pixels in [0, 1]."""
    tr_x, tr_y, te_x, te_y = fetch("mnist", data_dir_, download=download)
    return load_mnist_idx(tr_x, tr_y), load_mnist_idx(te_x, te_y)


__all__ = ["DATASETS", "DatasetRef", "ENV_VAR", "DatasetUnavailableError", "data_dir", "dataset_names", "fetch", "file_status", "gaussian",
           "get_spec", "load", "load_mnist", "load_mnist_idx", "load_odds_mat", "mixture", "verify"]
