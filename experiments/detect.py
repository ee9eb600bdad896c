"""Figures 2–5: GAN anomaly detection on ODDS and MNIST, many seeds, resumable.

``run_detection`` trains and scores one detector per (GAN, seed), writes each
run's JSON to the results store (skipping runs already there unless
``force``), then ``aggregate`` builds the table, the paired tests and the
figure from the store alone.
"""
from __future__ import annotations

import functools
import os
import platform
import time
from pathlib import Path

import numpy as np

import nn

from . import datasets
from .detector import CE_INPUTS, GANAnomalyDetector
from .metrics import auc, best_f1, f1_at_k, f1_at_threshold, roc_curve
from .protocols import mnist_one_digit_out, odds_split
from .store import ResultStore, run_id

GANS = ("mim", "gan", "lsgan", "wgan")

#: Settings per dataset: the paper's (hidden width, Section IV-B2) plus our choices for what it leaves open.
PRESETS = {
    "cardio": {"hidden": 64, "latent_dim": 16, "n_iter": 2000, "batch_size": 64, "latent_steps": 500},
    "thyroid": {"hidden": 64, "latent_dim": 16, "n_iter": 2000, "batch_size": 64, "latent_steps": 500},
    "musk": {"hidden": 256, "latent_dim": 32, "n_iter": 2000, "batch_size": 64, "latent_steps": 300},
    "mnist": {"hidden": 256, "latent_dim": 100, "n_iter": 3000, "batch_size": 64, "latent_steps": 100,
              "threshold_rows": 5000},
    "default": {"hidden": 64, "latent_dim": 16, "n_iter": 2000, "batch_size": 64, "latent_steps": 500},
}
ROC_POINTS = 101


def dataset_key(dataset) -> str:
    p = Path(str(dataset))
    return p.stem if p.suffix == ".mat" else str(dataset)


_DATA_CACHE: dict = {}  # loaded datasets, reused across the runs of one process


def _split(dataset, protocol, seed, digit, data_dir):
    cache = _DATA_CACHE
    key = (str(dataset), str(data_dir))
    if dataset == "mnist":
        if key not in cache:
            cache[key] = datasets.load_mnist(data_dir)
        train, test = cache[key]
        return mnist_one_digit_out(train, test, digit, seed)
    if key not in cache:
        cache[key] = datasets.load(dataset, data_dir)
    X, y = cache[key]
    return odds_split(X, y, protocol, seed)


def run_config(dataset, gan, seed, protocol="one-class", digit=0, **overrides) -> dict:
    """The full configuration of one run (its hash names the result file)."""
    preset = dict(PRESETS.get(dataset_key(dataset), PRESETS["default"]))
    preset.update({k: v for k, v in overrides.items() if v is not None})
    cfg = {"dataset": str(dataset), "protocol": "mnist-one-digit-out" if dataset == "mnist" else protocol,
           "gan": gan, "seed": int(seed), "detector": preset}
    if dataset == "mnist":
        cfg["digit"] = int(digit)
    return cfg


def run_one(cfg: dict, data_dir=None) -> dict:
    """Train + score one detector; returns the JSON record (metrics for both Eq. 24 readings)."""
    t0 = time.perf_counter()
    split = _split(cfg["dataset"], cfg["protocol"], cfg["seed"], cfg.get("digit", 0), data_dir)
    t_load = time.perf_counter() - t0
    det = GANAnomalyDetector(objective=cfg["gan"], random_state=cfg["seed"], **cfg["detector"])
    t1 = time.perf_counter()
    det.fit(split.X_train)
    t_fit = time.perf_counter() - t1
    metrics, roc = {}, {}
    t_score = {}
    for ce in (det.ce_input,) + tuple(c for c in CE_INPUTS if c != det.ce_input):
        t2 = time.perf_counter()
        s = det.decision_function(split.X_test, ce_input=ce)
        thr = det.threshold_ if ce == det.ce_input else float(
            np.quantile(det._score_scaled(det.scaler_.transform(split.X_train[det.threshold_index_]).astype(np.float32), ce),
                        1 - det.contamination))
        t_score[ce] = time.perf_counter() - t2
        bf, _ = best_f1(split.y_test, s)
        metrics[ce] = {"auc": auc(split.y_test, s), "f1_threshold": f1_at_threshold(split.y_test, s, thr),
                       "f1_at_k": f1_at_k(split.y_test, s), "f1_best": bf, "threshold": thr}
        fpr, tpr, _ = roc_curve(split.y_test, s)
        grid = np.linspace(0, 1, ROC_POINTS)
        roc[ce] = np.interp(grid, fpr, tpr).round(5).tolist()
    return {"id": run_id(cfg), "config": cfg, "split": split.info, "default_reading": det.ce_input,
            "metrics": metrics, "roc_tpr_on_fpr_grid": roc,
            "timings": {"load_s": t_load, "fit_s": t_fit, "fit_train_s": det.timings_["train_s"],
                        "score_test_s": t_score, "total_s": time.perf_counter() - t0},
            "version": nn.__version__, "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}


def run_detection(dataset, gans=GANS, runs=10, out="results", protocol="one-class", digit=0, force=False,
                  progress=True, data_dir=None, seeds=None, executor=None, **overrides) -> list[dict]:
    """Run every (GAN, seed) not yet in the store under ``out``; return all matching records.

    ``executor`` (see :mod:`experiments.executors`) decides where runs execute;
    default: one after another in this process.
    """
    from .executors import run_tasks
    store = ResultStore(out)
    seeds = list(range(runs)) if seeds is None else list(seeds)
    tasks = [run_config(dataset, g, s, protocol, digit, **overrides) for g in gans for s in seeds]
    if not str(dataset).endswith(".mat"):
        datasets.fetch(dataset, data_dir, progress=progress)  # once, here, not in every worker
    records, _ = run_tasks(store, tasks, functools.partial(run_one, data_dir=data_dir), executor, force, progress,
                           f"detect {dataset_key(dataset)}")
    return records
