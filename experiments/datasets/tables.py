"""Readers for a user's own tables: CSV/TSV, ``.npz`` (``X`` and ``y``) and Parquet (with pyarrow).

A table is numeric features plus, optionally, a label column (0 = inlier,
1 = outlier) named by the caller.  Every reader returns ``(X, y, index, columns)``:
``X`` float64 (n, d), ``y`` int64 (n,) or None without a label column,
``index`` the rows' identifiers (a named index column's values, or the row
numbers 0..n-1), which the score files keep, and ``columns`` the feature
columns' names (None where the file has none).  A value that is not a number
is refused naming its column (and row).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: The names a label column is found by when the caller names none.
LABEL_NAMES = ("label", "y", "outlier", "anomaly")
#: The names an index column is found by (pandas writes its index as an unnamed first column).
INDEX_NAMES = ("", "index", "id", "unnamed: 0")
PARQUET_HINT = 'pip install "mimgan[parquet]"  (or: pip install pyarrow)'


def _numeric_column(values, column, path):
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{path}: column {column!r} is not numeric (row {i}: {v!r}); features must be numbers "
                             "(encode or drop the column)") from None
    return out


def _columns_to_table(names, columns, path, label, index):
    """Features, labels and row ids from named columns (each a sequence of cells)."""
    names = list(names)
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: column names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    label = _label_column(names, label, path)
    if index is not None and index not in names:
        raise ValueError(f"{path}: no index column {index!r}; columns are {names}")
    if index is None:
        found = [n for n in names if n.strip().lower() in INDEX_NAMES and n != label]
        index = found[0] if len(found) == 1 else None
    features = [n for n in names if n not in (label, index)]
    if not features:
        raise ValueError(f"{path}: no feature columns besides the label/index ({names})")
    col = dict(zip(names, columns))
    n = len(columns[0]) if columns else 0
    if n == 0:
        raise ValueError(f"{path}: the table has no rows")
    X = np.column_stack([_numeric_column(col[c], c, path) for c in features])
    y = None
    if label is not None:
        lab = _numeric_column(col[label], label, path)
        if not np.all(np.isin(lab, (0, 1))):
            bad = np.unique(lab[~np.isin(lab, (0, 1))])[:5].tolist()
            raise ValueError(f"{path}: label column {label!r} must hold 0 (inlier) or 1 (outlier), also has {bad}")
        y = lab.astype(np.int64)
    ids = np.asarray(col[index]) if index is not None else np.arange(n)
    return X, y, ids, features


def _label_column(names, label, path):
    """The label column: the one named (it must exist), or None (``label=False``), or found by name."""
    if label is False:
        return None
    if label:
        if label not in names:
            raise ValueError(f"{path}: no label column {label!r}; columns are {names}")
        return label
    found = [n for n in names if n.strip().lower() in LABEL_NAMES]
    if len(found) > 1:
        raise ValueError(f"{path}: several columns could be the label ({found}); name one with --label")
    return found[0] if found else None


def read_delimited(path, label=None, index=None, delimiter=None):
    """A CSV (``,``) or TSV (tab) file with a header row; ``delimiter`` defaults from the suffix."""
    path = Path(path)
    delimiter = delimiter or ("\t" if path.suffix.lower() in (".tsv", ".tab") else ",")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValueError(f"{path}: empty file (a header row with the column names is needed)")
    header, body = [h.strip() for h in rows[0]], rows[1:]
    widths = {len(r) for r in body}
    if widths - {len(header)}:
        i = next(k for k, r in enumerate(body) if len(r) != len(header))
        raise ValueError(f"{path}: row {i} has {len(body[i])} fields but the header has {len(header)}")
    columns = [[r[j].strip() for r in body] for j in range(len(header))]
    return _columns_to_table(header, columns, path, label, index)


def read_npz(path, label=None, index=None):
    """A ``.npz`` with ``X`` (n, d) and, unless ``label=False``, ``y`` (n,); an optional ``index`` array."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable .npz file ({exc})") from None
    if "X" not in arrays:
        raise ValueError(f"{path}: a dataset .npz holds an array 'X' (and 'y' for labels); it has {sorted(arrays)}")
    X = np.asarray(arrays["X"])
    if X.ndim != 2:
        raise ValueError(f"{path}: X must be 2-D (rows x features), got shape {X.shape}")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{path}: X holds {X.dtype} values, not numbers")
    ykey = label or "y"
    y = None
    if label is not False and ykey in arrays:
        y = np.asarray(arrays[ykey]).ravel()
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"{path}: X has {X.shape[0]} rows but {ykey} has {y.shape[0]} labels")
        if not np.all(np.isin(y, (0, 1))):
            raise ValueError(f"{path}: labels {ykey!r} must be 0 (inlier) or 1 (outlier)")
        y = y.astype(np.int64)
    elif label:
        raise ValueError(f"{path}: no label array {label!r}; it has {sorted(arrays)}")
    ids = np.asarray(arrays[index]) if index else np.arange(X.shape[0])
    return X.astype(np.float64), y, ids, None


def read_parquet(path, label=None, index=None):
    """A Parquet file (needs pyarrow, an optional extra)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(f"reading Parquet needs pyarrow, which is not installed: {PARQUET_HINT}") from None
    table = pq.read_table(path)
    columns = [table.column(n).to_pylist() for n in table.column_names]
    return _columns_to_table(table.column_names, columns, Path(path), label, index)


#: file suffix -> (format name, reader)
READERS = {".csv": ("csv", read_delimited), ".tsv": ("tsv", read_delimited), ".tab": ("tsv", read_delimited),
           ".txt": ("csv", read_delimited), ".npz": ("npz", read_npz), ".parquet": ("parquet", read_parquet),
           ".pq": ("parquet", read_parquet)}
