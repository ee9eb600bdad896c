"""Stage ``benchmark``: GAN detectors and classical detectors (pyod) on the same splits.

One run fits one detector on one (dataset, protocol, seed) split and records
AUC, AUC-PR, F1@k, F1 at the Eq. 21 threshold and its fit and score times.
The split of a seed is the detection stage's (:func:`..anomaly.odds_split`),
so a GAN run here and a classical run, or a ``detect`` run of the same seed,
see exactly the same rows.

``mimgan benchmark`` builds its groups with :func:`user_groups` (any GAN of
the registry, under any preset of :mod:`..anomaly.presets`, next to any
classical detector); ``mimgan reproduce`` runs only the classical detectors
here, on the detection budget's ODDS sets and seeds, so that the report
compares the GANs of the ``detect`` stage with baselines measured on the
same splits instead of numbers typed in from elsewhere.
"""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

from ... import __version__
from ...nn.objectives import PAPER_FAMILIES, REGISTRY, check_names, is_registered
from .. import datasets as ds
from ..anomaly import PROTOCOLS, GANAnomalyDetector, auc, average_precision, best_f1, check_dataset, f1_at_k, f1_at_threshold
from ..anomaly.classical import CLASSICAL, INSTALL_HINT, ClassicalDetector, pyod_available, require_pyod
from ..anomaly.defaults import settings_for_shape
from ..anomaly.presets import check_presets, preset_settings
from .base import Group, pop_seeds
from .benchmark_summary import detector_key, report_section, write_summary
from .detect import _load, _split, dataset_key, dataset_shape

NAME = "benchmark"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("metrics",)
SECTIONS = ("Classical detectors on the same splits",)
IN_PROCESS = False
#: ``mimgan benchmark``'s default: the paper's four GANs and every classical detector.
DEFAULT_DETECTORS = (*PAPER_FAMILIES, *CLASSICAL)


def defaults() -> dict:
    return {}


def detector_names(names) -> list[str]:
    """Check detector names (GAN objectives of the registry or classical detectors); keep their order."""
    names = [n.strip() for n in ([names] if isinstance(names, str) else names) if n.strip()]
    if not names:
        raise ValueError("no detector given")
    gans = [n for n in names if is_registered(n)]
    classical = [n for n in names if n in CLASSICAL]
    bad = [n for n in names if n not in gans and n not in classical]
    if bad:
        raise ValueError(f"unknown detector(s) {bad}; GANs: {', '.join(REGISTRY)}; classical: {', '.join(CLASSICAL)}")
    if gans:
        check_names(gans)
    if classical:
        require_pyod()
    return names


def run_config(dataset, detector, seed, protocol="one-class", preset="paper", shape=None, contamination=None) -> dict:
    """The configuration of one run: its hash names the result file."""
    cfg = {"dataset": str(dataset), "protocol": protocol, "detector": detector, "seed": int(seed)}
    if detector in CLASSICAL:
        cfg["settings"] = {"contamination": 0.1 if contamination is None else float(contamination)}
        return cfg
    settings = settings_for_shape(*(shape or dataset_shape(dataset)))
    settings.update(preset_settings(preset))
    if contamination is not None:
        settings["contamination"] = float(contamination)
    GANAnomalyDetector(objective=detector, **settings).check_params()
    cfg.update({"preset": preset, "settings": settings})
    return cfg


def _detector(cfg):
    if cfg["detector"] in CLASSICAL:
        return ClassicalDetector(cfg["detector"], random_state=cfg["seed"], **cfg["settings"])
    return GANAnomalyDetector(objective=cfg["detector"], random_state=cfg["seed"], **cfg["settings"])


def run(cfg: dict, data_dir=None) -> dict:
    """Fit one detector on one split, score the test rows; the JSON record."""
    t0 = time.perf_counter()
    split = _split(cfg["dataset"], cfg["protocol"], cfg["seed"], 0, data_dir)
    det = _detector(cfg)
    t1 = time.perf_counter()
    det.fit(split.X_train)
    t_fit = time.perf_counter() - t1
    t2 = time.perf_counter()
    s = det.decision_function(split.X_test)
    t_score = time.perf_counter() - t2
    thr = det.threshold_for()
    bf, _ = best_f1(split.y_test, s)
    metrics = {"auc": auc(split.y_test, s), "auc_pr": average_precision(split.y_test, s),
               "f1_at_k": f1_at_k(split.y_test, s), "f1_threshold": f1_at_threshold(split.y_test, s, thr),
               "f1_best": bf, "threshold": thr}
    params = {k: v for k, v in det.get_params().items() if k not in ("progress", "n_threads")}
    return {"config": cfg, "split": split.info, "metrics": metrics, "detector_params": params,
            "notes": list(getattr(det, "notes_", [])), "changed_defaults": dict(getattr(det, "changed_", {})),
            "timings": {"fit_s": t_fit, "score_s": t_score, "total_s": time.perf_counter() - t0},
            "version": __version__, "library": _library_version(cfg["detector"]),
            "data_dir": str(ds.data_dir(data_dir)),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}


def _library_version(detector):
    return {"pyod": require_pyod()} if detector in CLASSICAL else {"mimgan": __version__}


def _check_name(dataset) -> bool:
    """True for a .mat path; a registered name must be an ODDS table (an unknown one fails, listing them)."""
    if str(dataset).endswith(".mat"):
        return True
    spec = ds.get_spec(str(dataset))
    if spec["kind"] != "odds":
        raise ValueError(f"the benchmark takes ODDS-style tables (a registered ODDS set or a .mat path); "
                         f"{dataset!r} is {spec['kind']} data: use `mimgan detect --dataset {dataset}`")
    return False


def _groups_for(datasets, detectors, seeds, protocols, presets, data_dir, contamination=None):
    out = []
    for dataset in datasets:
        is_path = _check_name(dataset)
        shape = dataset_shape(dataset, data_dir) if is_path else None
        cfgs = []
        for protocol in protocols:
            for det in detectors:
                for preset in (presets if is_registered(det) else (None,)):
                    cfgs += [run_config(dataset, det, s, protocol, preset or "paper", shape, contamination)
                             for s in seeds]
        out.append(Group(dataset_key(dataset), cfgs, dataset=None if is_path else str(dataset)))
    return out


def user_groups(datasets, detectors=DEFAULT_DETECTORS, seeds=range(10), protocols=("one-class",), presets=("paper",),
                data_dir=None, contamination=None) -> list[Group]:
    """The groups of ``mimgan benchmark``: one per dataset, with every protocol, detector (GANs under
    every preset) and seed; the datasets are loaded and checked (:func:`check_data`) first."""
    protocols = [protocols] if isinstance(protocols, str) else list(protocols)
    bad = [p for p in protocols if p not in PROTOCOLS]
    if bad or not protocols:
        raise ValueError(f"unknown protocol(s) {bad or protocols}; choose from {', '.join(PROTOCOLS)}")
    detectors = detector_names(detectors)
    presets = check_presets(presets)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("no seeds to run")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds repeat: {seeds}")
    datasets = [d.strip() if isinstance(d, str) else d for d in ([datasets] if isinstance(datasets, str) else datasets)]
    if not datasets:
        raise ValueError("no dataset given")
    keys = [dataset_key(d) for d in datasets]
    if len(set(keys)) != len(keys):  # the same dataset twice would run (and count in every table) twice
        raise ValueError(f"datasets repeat: {', '.join(sorted({k for k in keys if keys.count(k) > 1}))}")
    for dataset in datasets:
        _check_name(dataset)
        for protocol in protocols:
            X, y = _load(dataset, data_dir)
            check_dataset(X, y, protocol, name=f"dataset {dataset_key(dataset)!r}")
    return _groups_for(datasets, detectors, seeds, protocols, presets, data_dir, contamination)


def groups(budget, seeds=None, datasets=None) -> list[Group]:
    """The reproduction's baselines: every classical detector on each ODDS set of the detection budget,
    with its seeds.  Without pyod every group is kept but marked unavailable, with the install hint."""
    unknown = sorted(set(datasets or ()) - set(budget))
    if unknown:
        raise ValueError(f"unknown benchmark dataset(s) {unknown}; this budget has {sorted(budget)}")
    out = []
    for name, opts in budget.items():
        if datasets is not None and name not in datasets:
            continue
        opts = dict(opts)
        n = pop_seeds(opts, seeds)
        cfgs = [run_config(name, det, s) for det in CLASSICAL for s in range(n)]
        grp = Group(name, cfgs, dataset=name)
        if not pyod_available():
            grp.unavailable = f"pyod is not installed ({INSTALL_HINT})"
        out.append(grp)
    return out


def run_name(cfg) -> str:
    return f"{dataset_key(cfg['dataset'])}/{detector_key(cfg)}-{cfg['protocol']}-seed{cfg['seed']}"


def group_of(record) -> str:
    return dataset_key(record["config"]["dataset"])


def summarise(root, label, records) -> dict:
    return write_summary(records, Path(root), label)


def report(doc, out, groups) -> dict:
    return report_section(doc, out, groups, SECTIONS[0])
