"""One reference type for a dataset, built once from what the user typed: :class:`DatasetRef`.

``DatasetRef.parse("cardio")`` (a registered set), ``DatasetRef.parse("mnist")``
and ``DatasetRef.parse("data/my.csv", label="is_fraud")`` (a user's file:
ODDS ``.mat``, CSV/TSV, ``.npz``, Parquet) are the only places that look at a
name or a suffix.  Every stage, summary and table asks the reference for its
short ``key``, its ``shape``, its data (``load``) and what a run configuration
records about it (``config_value`` / ``source``).

A user file is identified by its **content**: the run configuration holds its
sha256 (hashed into the run id) and not the path as typed, so ``X.mat`` and
``./X.mat`` are one dataset with one set of results, and a file edited in
place gets new runs instead of the old file's results.  Where the file lies
is kept apart, in ``source``, which is not part of the run id.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import fetch, sha256
from .loaders import load_mnist_idx, load_odds_mat
from .registry import dataset_names, get_spec
from .tables import READERS

#: Suffixes of the user files a reference takes, and what reads them.
FILE_SUFFIXES = (".mat", *READERS)

_CACHE: dict = {}  # loaded data, reused across the runs of one process


def _file_key(stem: str, digest: str) -> str:
    return f"{stem}-{digest[:8]}"


@dataclass(frozen=True)
class DatasetRef:
    """A dataset: a registered one (``kind`` ``"odds"`` or ``"mnist"``) or a user's file (``kind`` ``"file"``).

    Attributes
    ----------
    kind : {"odds", "mnist", "file"}
    name : str
        The registry name, or the file's stem.
    path : pathlib.Path or None
        The file's absolute path (user files).
    sha256 : str or None
        The file's content hash (user files).
    format : str or None
        ``"mat"``, ``"csv"``, ``"tsv"``, ``"npz"`` or ``"parquet"`` (user files).
    label : str or None
        The label column of a table file (None: found by name, see :mod:`.tables`).
    """

    kind: str
    name: str
    path: Path | None = None
    sha256: str | None = None
    format: str | None = None
    label: str | None = None

    # ------------------------------------------------------------------ building one
    @classmethod
    def parse(cls, text, label=None) -> "DatasetRef":
        """The reference for a registry name (``"cardio"``, ``"mnist"``) or a path to a data file."""
        if isinstance(text, DatasetRef):
            return text
        text = str(text).strip()
        if not text:
            raise ValueError("no dataset given")
        p = Path(text).expanduser()
        if p.suffix.lower() in FILE_SUFFIXES:
            return cls.from_file(p, label)
        if text in dataset_names():
            if label is not None:
                raise ValueError(f"--label names a column of a table file; {text!r} is a registered dataset")
            return cls(get_spec(text)["kind"], text)
        raise ValueError(f"unknown dataset {text!r}; expected one of {', '.join(dataset_names())} or a path to a data "
                         f"file ({', '.join(sorted(set(FILE_SUFFIXES)))})")

    @classmethod
    def from_file(cls, path, label=None) -> "DatasetRef":
        path = Path(path).expanduser().absolute()
        if not path.is_file():
            raise FileNotFoundError(f"no such data file: {path}" if not path.exists() else f"{path} is not a file")
        suffix = path.suffix.lower()
        fmt = "mat" if suffix == ".mat" else READERS[suffix][0]
        if fmt == "mat" and label is not None:
            raise ValueError(f"--label names a column of a table file; an ODDS .mat file has its labels in 'y' ({path})")
        return cls("file", path.stem, path.resolve(), sha256(path), fmt, label)

    @classmethod
    def from_config(cls, cfg: dict) -> "DatasetRef":
        """The reference a run configuration was made from (:meth:`config_value` and :meth:`source`)."""
        value = cfg["dataset"]
        if isinstance(value, str):
            return cls(get_spec(value)["kind"], value)
        where = cfg.get("source", {}).get("path")
        if where is None:
            raise ValueError(f"run configuration of file dataset {value.get('name')!r} does not say where it lies")
        return cls("file", value["name"], Path(where), value["sha256"], value["format"], value.get("label"))

    @staticmethod
    def key_of(cfg: dict) -> str:
        """The short key of a run configuration's dataset, without touching the data (records written before
        file datasets were identified by content stored the path itself: its stem)."""
        value = cfg["dataset"]
        if isinstance(value, dict):
            return _file_key(value["name"], value["sha256"])
        return Path(value).stem if Path(value).suffix.lower() in FILE_SUFFIXES else value

    # ------------------------------------------------------------------ what the rest of the toolkit asks
    @property
    def is_file(self) -> bool:
        return self.kind == "file"

    @property
    def key(self) -> str:
        """The short name that labels tables, figures and record folders: the registry name, or the file's stem
        with the start of its sha256 (``cardio-5e568b6a``), so two files of one name, or a file before and after an
        edit, never share a table."""
        return self.name if not self.is_file else _file_key(self.name, self.sha256)

    @property
    def registered(self) -> str | None:
        """The registry name to fetch before running (None for a user's file)."""
        return None if self.is_file else self.name

    def config_value(self):
        """What a run configuration stores as its dataset: the registry name, or the file's identity (name,
        format, label column and sha256 of its content)."""
        if not self.is_file:
            return self.name
        out = {"name": self.name, "format": self.format, "sha256": self.sha256}
        if self.label is not None:
            out["label"] = self.label
        return out

    def source(self) -> dict:
        """Where the data lies (kept in a run configuration, not in its id); empty for registered sets."""
        return {"path": str(self.path)} if self.is_file else {}

    def __str__(self) -> str:
        return str(self.path) if self.is_file else self.name

    def shape(self, data_dir=None) -> tuple[int, int]:
        """(rows, features): from the registry, or read from the file (once per process)."""
        if not self.is_file:
            return tuple(get_spec(self.name)["shape"])
        return tuple(self.load(data_dir)[0].shape)

    def load(self, data_dir=None, labelled=True):
        """The data: ``(X, y)`` for a table (``(X, y, index, columns)`` with ``labelled=False``, where ``y`` and
        ``columns`` may be None),
        ``((X_train, digits), (X_test, digits))`` for MNIST.  Cached per process."""
        key = (self, str(data_dir), labelled)
        if key not in _CACHE:
            _CACHE[key] = self._read(data_dir, labelled)
        return _CACHE[key]

    def _read(self, data_dir, labelled):
        if self.kind == "mnist":
            tr_x, tr_y, te_x, te_y = fetch("mnist", data_dir)
            return load_mnist_idx(tr_x, tr_y), load_mnist_idx(te_x, te_y)
        if self.kind == "odds":
            (path,) = fetch(self.name, data_dir)
            X, y = load_odds_mat(path)
            return (X, y) if labelled else (X, y, np.arange(len(X)), None)
        if sha256(self.path) != self.sha256:
            raise ValueError(f"{self.path} changed since its runs were planned (its sha256 differs); run the "
                             "command again to plan runs for the new content")
        if self.format == "mat":
            X, y = load_odds_mat(self.path)
            return (X, y) if labelled else (X, y, np.arange(len(X)), None)
        X, y, index, columns = READERS[self.path.suffix.lower()][1](self.path, label=self.label)
        if not labelled:
            return X, y, index, columns
        if y is None:
            raise ValueError(f"{self.path} has no label column (0 = inlier, 1 = outlier), which detect and benchmark "
                             "measure against; name it with --label, or score unlabelled data with `mimgan fit` and "
                             "`mimgan score`")
        return X, y
