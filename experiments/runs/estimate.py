"""How long the runs of a plan will take: from measured runs where there are any, from measured parts otherwise.

``mimgan reproduce --dry-run`` prints an estimated wall time per stage group.  Each run still to compute
gets, in this order:

1. **stored**: the median time of stored runs of the same stage and settings (only the seed, the MNIST
   digit and where a file lies may differ): what this machine measured for the same work;
2. **parts** (detection runs): the run's training steps times the time of one training step, plus the
   rows its latent searches score times the search steps times the time of one row-step, both timed
   here at the run's network sizes on one thread (as a pool worker runs them), then corrected by the
   ratio of stored to predicted times where the folder holds any detection runs;
3. **stage**: the median time of the stage's stored runs with other settings;

or none, and the group says so.  The wall time divides the summed run times by the workers.
"""
from __future__ import annotations

import json
import time
from functools import lru_cache

import numpy as np

from ...nn import MLP, GANTrainer
from ...nn.blas import blas_threads
from ...nn.latent_search import search_rows
from ..anomaly import GANAnomalyDetector
from ..anomaly.protocols import make_split
from ..datasets import DatasetRef

#: Settings a run's cost does not depend on.
COST_FREE = ("seed", "digit", "source")


def run_seconds(record) -> float | None:
    """A stored run's wall time (``seconds`` or ``timings.total_s``), or None."""
    v = record.get("seconds")
    if v is None and isinstance(record.get("timings"), dict):
        v = record["timings"].get("total_s")
    return float(v) if isinstance(v, (int, float)) else None


def cost_key(cfg: dict) -> str:
    return json.dumps({k: v for k, v in cfg.items() if k not in COST_FREE}, sort_keys=True, default=str)


def detection_work(cfg: dict, data_dir=None) -> dict | None:
    """A detection run's training steps and latent-search row-steps, with its network sizes; None for
    another stage's run."""
    if "detector" not in cfg or "gan" not in cfg or "dataset" not in cfg:
        return None
    p = {**GANAnomalyDetector().get_params(), **cfg["detector"]}
    where = {k: cfg[k] for k in ("dataset", "source") if k in cfg}
    n_train, n_test, d = _split_sizes(json.dumps(where, sort_keys=True), cfg.get("protocol", "one-class"),
                                      None if data_dir is None else str(data_dir))
    searched = n_test + min(n_train, int(p["threshold_rows"] or n_train))
    readings = 2 if cfg.get("readings", "both") == "both" else 1
    members = int(p.get("n_members") or 1)
    h, depth = int(p["hidden"]), int(p["depth"])
    return {"G": (int(p["latent_dim"]), *([h] * depth), d), "D": (d, *([h] * depth), 1),
            "batch": int(p["batch_size"]), "train_steps": members * int(p["n_iter"]),
            "row_steps": members * readings * searched * (int(p["latent_steps"]) + 1)}


@lru_cache(maxsize=64)
def _split_sizes(where_json: str, protocol: str, data_dir) -> tuple[int, int, int]:
    """(training rows, test rows, features) of a run's split (the counts do not depend on the seed)."""
    split = make_split(DatasetRef.from_config(json.loads(where_json)), protocol, 0, 0, data_dir)
    return len(split.X_train), len(split.X_test), split.X_train.shape[1]


@lru_cache(maxsize=16)
def part_times(G: tuple, D: tuple, batch: int) -> tuple[float, float]:
    """(seconds per training step, seconds per latent-search row-step) at these sizes on one thread."""
    rng = np.random.default_rng(0)
    g, dnet = MLP(list(G), output="tanh", seed=1), MLP(list(D), output="linear", seed=2)
    X = np.tanh(rng.standard_normal((max(4 * batch, 256), G[-1]))).astype(np.float32)
    with blas_threads(1):
        tr = GANTrainer(g, dnet, batch_size=batch, seed=0, blas_threads=1)
        tr.fit(X, 3)  # compiles (once per machine: the kernels are cached)
        n = 20
        t0 = time.perf_counter()
        tr.fit(X, n)
        step = (time.perf_counter() - t0) / n
        rows, steps = 120, 10
        Z = rng.standard_normal((rows, G[0])).astype(np.float32)
        search_rows(g, dnet, X[:rows], Z.copy(), 1, threads=1)
        t0 = time.perf_counter()
        search_rows(g, dnet, X[:rows], Z.copy(), steps, threads=1)
        row_step = (time.perf_counter() - t0) / (rows * steps)
    return step, row_step


def predicted_seconds(work: dict) -> float:
    step, row_step = part_times(work["G"], work["D"], work["batch"])
    return work["train_steps"] * step + work["row_steps"] * row_step


def estimate_group(stage_name: str, configs: list, stored: list, data_dir=None) -> dict:
    """Seconds of the given runs still to compute (``configs``) from the ``stored`` records of the stage:
    ``{"seconds": total or None, "basis": {"stored": n, "parts": n, "stage": n, "none": n}}``."""
    by_key: dict = {}
    for r in stored:
        s = run_seconds(r)
        if s is not None and isinstance(r.get("config"), dict):
            by_key.setdefault(cost_key(r["config"]), []).append(s)
    stage_median = float(np.median([s for v in by_key.values() for s in v])) if by_key else None
    basis = {"stored": 0, "parts": 0, "stage": 0, "none": 0}
    total = 0.0
    correction = None
    for cfg in configs:
        same = by_key.get(cost_key(cfg))
        if same:
            total += float(np.median(same))
            basis["stored"] += 1
            continue
        work = detection_work(cfg, data_dir) if stage_name == "detect" else None
        if work is not None:
            if correction is None:
                correction = _correction(stored, data_dir)
            total += predicted_seconds(work) * correction
            basis["parts"] += 1
        elif stage_median is not None:
            total += stage_median
            basis["stage"] += 1
        else:
            basis["none"] += 1
    return {"seconds": total if basis["none"] == 0 else None, "basis": basis}


def _correction(stored, data_dir) -> float:
    """Median ratio of stored to predicted times of the folder's detection runs (1 when it holds none): what
    a run costs beyond its training and search (loading, the threshold, the screening of the starts)."""
    ratios = []
    for r in stored[:20]:
        s = run_seconds(r)
        try:
            work = detection_work(r["config"], data_dir)
        except Exception:  # noqa: BLE001 - a record whose data is not here: no ratio from it
            work = None
        if s and work:
            ratios.append(s / predicted_seconds(work))
    return float(np.median(ratios)) if ratios else 1.0


def wall_seconds(run_seconds_total: float, workers: int) -> float:
    """Wall time of runs summing to ``run_seconds_total`` on ``workers`` parallel workers."""
    return run_seconds_total / max(1, int(workers))


__all__ = ["COST_FREE", "cost_key", "detection_work", "estimate_group", "part_times", "predicted_seconds",
           "run_seconds", "wall_seconds"]
