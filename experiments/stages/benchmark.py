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
from ..anomaly.ensemble import make_gan_detector, recorded_params
from ..anomaly.protocols import make_split
from ..datasets import DatasetRef
from ..anomaly.classical import CLASSICAL, INSTALL_HINT, ClassicalDetector, pyod_available, require_pyod
from ..anomaly.defaults import settings_for_shape
from ..anomaly.presets import check_presets, preset_settings
from .base import Group, pop_seeds
from ..runs import ResultStore
from .benchmark_summary import detector_key, detector_label, preset_line, report_section, test_line, write_summary

NAME = "benchmark"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("metrics",)
SECTIONS = ("Classical detectors on the same splits",)
IN_PROCESS = False
#: The protocol of an MNIST run (the detection stage's): one digit is the anomaly, the other nine normal.
MNIST_PROTOCOL = "mnist-one-digit-out"
#: ``mimgan benchmark``'s default: the paper's four GANs and every classical detector.
DEFAULT_DETECTORS = (*PAPER_FAMILIES, *CLASSICAL)


def defaults() -> dict:
    return {}


def check_detectors(names) -> list[str]:
    """Detector names (GAN objective specs of the registry or classical detectors) checked, in their order and
    canonical spelling; the classical ones are not imported (see :func:`detector_names`)."""
    names = [n.strip() for n in ([names] if isinstance(names, str) else names) if n.strip()]
    if not names:
        raise ValueError("no detector given")
    bad = [n for n in names if n not in CLASSICAL and not is_registered(n)]
    if bad:
        raise ValueError(f"unknown detector(s) {bad}; GANs: {', '.join(REGISTRY)}; classical: {', '.join(CLASSICAL)}")
    return [n if n in CLASSICAL else check_names([n])[0] for n in names]


def detector_names(names) -> list[str]:
    """:func:`check_detectors`, and pyod installed when a classical detector is among them."""
    names = check_detectors(names)
    if any(n in CLASSICAL for n in names):
        require_pyod()
    return names


def run_config(dataset, detector, seed, protocol="one-class", preset="paper", shape=None, contamination=None,
               digit=None, gan_settings=None) -> dict:
    """The configuration of one run: its hash names the result file.  MNIST runs hold out ``digit`` (the
    detection stage's protocol, whatever ``protocol`` says); ``gan_settings`` (e.g. ``{"n_iter": 500}``)
    override a GAN detector's data-shape rule and preset."""
    ref = DatasetRef.parse(dataset)
    mnist = ref.kind == "mnist"
    cfg = {"dataset": ref.config_value(), "protocol": MNIST_PROTOCOL if mnist else protocol, "detector": detector,
           "seed": int(seed)}
    if mnist:
        if digit not in range(10):
            raise ValueError(f"an MNIST run holds out one digit 0-9, got {digit!r}")
        cfg["digit"] = int(digit)
    if ref.source():
        cfg["source"] = ref.source()
    if detector in CLASSICAL:
        cfg["settings"] = {"contamination": 0.1 if contamination is None else float(contamination)}
        return cfg
    settings = settings_for_shape(*(shape or ref.shape()))
    settings.update(preset_settings(preset))
    settings.update(gan_settings or {})
    if contamination is not None:
        settings["contamination"] = float(contamination)
    make_gan_detector(detector, **settings).check_params()
    cfg.update({"preset": preset, "settings": settings})
    return cfg


def _detector(cfg):
    if cfg["detector"] in CLASSICAL:
        return ClassicalDetector(cfg["detector"], random_state=cfg["seed"], **cfg["settings"])
    return make_gan_detector(cfg["detector"], random_state=cfg["seed"], **cfg["settings"])


def run(cfg: dict, data_dir=None) -> dict:
    """Fit one detector on one split, score the test rows; the JSON record."""
    t0 = time.perf_counter()
    split = make_split(DatasetRef.from_config(cfg), cfg["protocol"], cfg["seed"], cfg.get("digit", 0), data_dir)
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
    params = recorded_params(det) if isinstance(det, GANAnomalyDetector) else det.get_params()
    return {"config": cfg, "split": split.info, "metrics": metrics, "detector_params": params,
            "notes": list(getattr(det, "notes_", [])), "changed_defaults": dict(getattr(det, "changed_", {})),
            "timings": {"fit_s": t_fit, "score_s": t_score, "total_s": time.perf_counter() - t0},
            "version": __version__, "library": _library_version(cfg["detector"]),
            "data_dir": str(ds.data_dir(data_dir)),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}


def _library_version(detector):
    return {"pyod": require_pyod()} if detector in CLASSICAL else {"mimgan": __version__}


def _groups_for(refs, detectors, seeds, protocols, presets, data_dir, contamination=None, digits=(0,),
                gan_settings=None):
    out = []
    for ref in refs:
        shape = ref.shape(data_dir)
        mnist = ref.kind == "mnist"
        for digit in (digits if mnist else (None,)):
            cfgs = []
            for protocol in ((MNIST_PROTOCOL,) if mnist else protocols):
                for det in detectors:
                    for preset in (presets if is_registered(det) else (None,)):
                        cfgs += [run_config(ref, det, s, protocol, preset or "paper", shape, contamination, digit,
                                            gan_settings) for s in seeds]
            out.append(Group(_label(ref.key, digit), cfgs, dataset=ref.registered))
    return out


def _label(key, digit=None) -> str:
    """A group's label: the dataset's key, and the held-out digit of an MNIST group (as the detection stage)."""
    return key if digit is None else f"{key}_digit{digit}"


def user_groups(datasets, detectors=DEFAULT_DETECTORS, seeds=range(10), protocols=("one-class",), presets=("paper",),
                data_dir=None, contamination=None, digits=(0,), gan_settings=None) -> list[Group]:
    """The groups of ``mimgan benchmark``: one per dataset (per held-out digit for MNIST, whose protocol is the
    detection stage's), with every protocol, detector (GANs under every preset, with ``gan_settings`` on top)
    and seed; the tables are loaded and checked (:func:`check_data`) first."""
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
    datasets = [datasets] if isinstance(datasets, (str, DatasetRef)) else list(datasets)
    if not datasets:
        raise ValueError("no dataset given")
    refs = [DatasetRef.parse(d) for d in datasets]
    keys = [r.key for r in refs]
    if len(set(keys)) != len(keys):  # the same dataset twice would run (and count in every table) twice
        raise ValueError(f"datasets repeat: {', '.join(sorted({k for k in keys if keys.count(k) > 1}))}")
    for ref in refs:
        if ref.kind == "mnist":
            continue  # images with digit labels: the split holds a digit out (checked by run_config)
        X, y = ref.load(data_dir)
        for protocol in protocols:
            check_dataset(X, y, protocol, name=f"dataset {ref.name!r}" + (f" ({ref.path})" if ref.is_file else ""))
    return _groups_for(refs, detectors, seeds, protocols, presets, data_dir, contamination, tuple(digits),
                       dict(gan_settings or {}))


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
    return f"{group_of({'config': cfg})}/{detector_key(cfg)}-{cfg['protocol']}-seed{cfg['seed']}"


def group_of(record) -> str:
    return _label(DatasetRef.key_of(record["config"]), record["config"].get("digit"))


def summarise(root, label, records) -> dict:
    return write_summary(records, Path(root), label)


def report(doc, out, groups) -> dict:
    return report_section(doc, out, groups, SECTIONS[0])


def console(res, out) -> list[str]:
    """What ``mimgan benchmark`` prints: per dataset the table, paired tests and pyod fixes; over several
    datasets the mean ranks (and the cross-dataset summary, written under ``OUT/benchmark/all``)."""
    lines = [f"benchmark: {res['computed']} of {res['total']} runs computed in {res['seconds']:.1f} s"]
    for label, s in res["summaries"].items():
        lines += [f"\n{label}: table, paired tests, summary.json and figure in {Path(s['figure']).parent}",
                  f"  {'detector':20s} {'protocol':12s} {'AUC':>15s} {'AUC-PR':>15s} {'F1@k':>15s} "
                  f"{'F1 (Eq. 21)':>15s} {'fit s':>6s} {'score s':>7s}"]
        for r in s["rows"]:
            cells = [f"{r[k + '_mean']:.3f} +- {r[k + '_std']:.3f}" for k in ("auc", "auc_pr", "f1_at_k", "f1_threshold")]
            lines.append(f"  {detector_label(r['detector']):20s} {r['protocol']:12s} "
                         + " ".join(f"{c:>15s}" for c in cells) + f" {r['fit_s_median']:6.2f} {r['score_s_median']:7.2f}")
        lines += ["  " + test_line(t) for t in s["tests"]]
        lines += [f"  pyod fix: {note}" for note in s["notes"]]
        if s["preset_ranking"]["ranking"]:
            lines.append("  " + preset_line(s["preset_ranking"]))
    if len(res["summaries"]) > 1:
        st = ResultStore(Path(out) / NAME, name=run_name, required=REQUIRED)
        records = [st.read(i) for ids in res["ids"].values() for i in ids]
        overall = write_summary(records, Path(out) / NAME, "all")
        ranks = overall["ranks"]
        if ranks["ranks"]:
            lines.append(f"\nmean rank of mean AUC over {ranks['blocks']} dataset/protocol pairs (1 = best): " + ", ".join(
                f"{detector_label(k)} {v:.2f}" for k, v in sorted(ranks["ranks"].items(), key=lambda kv: kv[1])))
        if overall["preset_ranking"]["ranking"]:
            lines.append(preset_line(overall["preset_ranking"]))
        lines.append(f"all datasets: {overall['figure']}")
    return lines
