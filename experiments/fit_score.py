"""The detector for a practitioner's own files: ``mimgan fit TRAIN --out model.npz`` and
``mimgan score model.npz DATA --out scores.csv``, no Python needed.

``fit`` trains a GAN detector (or an ensemble, with a preset that asks for one) on every row of a table
(labels, if the file has a label column, are not used) with the data-shape rule's settings, and saves it
with the table's column names.  ``score`` writes one line per row of DATA: the row's index (an index
column's value, or its number), its score S (Eq. 25; higher = more anomalous) and its Eq. 21 label
(1 where S exceeds the threshold fitted on the training rows).
"""
from __future__ import annotations

import csv
import io
import time
import warnings
from pathlib import Path

import numpy as np

from .anomaly.defaults import settings_for_shape
from .anomaly.ensemble import load_detector, make_gan_detector
from .anomaly.presets import preset_settings
from .datasets import DatasetRef
from ..files import write_text_atomic


def _features(data, label, data_dir):
    ref = DatasetRef.parse(data, label=label)
    if ref.kind == "mnist":
        raise ValueError("fit and score take a table of features (a data file or an ODDS set), not MNIST images")
    return ref, ref.load(data_dir, labelled=False)


def fit_file(train, out, gan="mim", preset="paper", label=None, seed=0, data_dir=None, progress=False,
             **overrides) -> dict:
    """Fit a detector on the rows of ``train`` and save it to ``out`` (``.npz``); returns what was done."""
    out = Path(out)
    if out.suffix != ".npz":
        raise ValueError(f"--out {out}: a detector is saved as a .npz file")
    ref, (X, _, _, columns) = _features(train, label, data_dir)
    settings = {**settings_for_shape(*X.shape), **preset_settings(preset),
                **{k: v for k, v in overrides.items() if v is not None}}
    det = make_gan_detector(gan, random_state=int(seed), progress=progress, **settings)
    t0 = time.perf_counter()
    det.fit(X)
    if columns is not None:
        # the file's column names go with the model, so `score` can refuse a table with other columns
        det.feature_names_in_ = np.asarray(columns, dtype=object)
    seconds = time.perf_counter() - t0
    det.save(out)
    return {"model": out, "rows": X.shape[0], "features": X.shape[1], "threshold": det.threshold_,
            "seconds": seconds, "detector": det, "dataset": ref.key}


def score_file(model, data, out, label=None, data_dir=None) -> dict:
    """Score every row of ``data`` with the saved detector ``model``; write ``out`` (CSV: index, score, label)."""
    det = load_detector(model)
    _, (X, _, index, columns) = _features(data, label, data_dir)
    fitted = getattr(det, "feature_names_in_", None)
    if fitted is not None and columns is not None and list(columns) != list(fitted):
        missing = [c for c in fitted if c not in columns]
        extra = [c for c in columns if c not in fitted]
        raise ValueError(f"{data}: its feature columns are not the ones {model} was fitted on"
                         + (f"; missing {missing}" if missing else "") + (f"; not in the model {extra}" if extra else "")
                         + ("" if missing or extra else "; same names in another order"))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        # the columns were compared by name above; the array itself has none
        warnings.filterwarnings("ignore", message="X has no column names", category=UserWarning)
        scores = det.decision_function(X)
    seconds = time.perf_counter() - t0
    labels = (scores > det.threshold_).astype(np.int64)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["index", "score", "label"])
    for i, s, lab in zip(index.tolist(), scores.tolist(), labels.tolist()):
        w.writerow([i, repr(float(s)), lab])
    write_text_atomic(Path(out), buf.getvalue())
    return {"scores": Path(out), "rows": len(scores), "anomalies": int(labels.sum()), "threshold": det.threshold_,
            "seconds": seconds}
