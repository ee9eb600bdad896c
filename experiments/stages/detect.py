"""Stage ``detect`` (Figures 2–5, Section IV-B2): GAN anomaly detection on ODDS and MNIST, many seeds.

One run trains and scores one detector (Eq. 21–25) for one (dataset, GAN,
seed) and records its metrics under both readings of Eq. 24.  Runs are
grouped per dataset (and held-out MNIST digit); each group gets a table, paired
tests and a figure (:mod:`.detect_summary`).  ``mimgan reproduce`` takes its
groups from a budget, ``mimgan detect`` builds them from the command line
(:func:`user_groups`); both write the same layout under ``OUT/detect``.
"""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

from ... import __version__
from ...nn import PAPER_FAMILIES
from ...files import write_text_atomic
from ...nn.objectives import check_names, family_order
from .. import datasets as ds
from ..anomaly import (CE_INPUTS, GANAnomalyDetector, auc, average_precision, best_f1, f1_at_k, f1_at_threshold,
                       roc_curve)
from ..anomaly.protocols import make_split
from ..datasets import DatasetRef
from ..anomaly.defaults import settings_for_shape
from ..anomaly.ensemble import make_gan_detector, recorded_params
from ..plotting import link
from ..tabulate import fmt, to_csv
from .base import Group, pop_seeds
from .detect_summary import digit_table, figure2, mnist_digits, write_summary

NAME = "detect"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("metrics",)
SECTIONS = ("Figures 2-5: GAN anomaly detection",)
IN_PROCESS = False
GANS = PAPER_FAMILIES

ROC_POINTS = 101
CLAIM = ("MIM-based GAN improves ROC, AUC and F1 over the original GAN, LSGAN and WGAN on MNIST and on "
         "the three ODDS sets (Section IV-B, Figures 2-5)")


def defaults() -> dict:
    """The data-shape rule's settings for each registered dataset (:mod:`..anomaly.defaults`)."""
    return {name: settings_for_shape(*ds.get_spec(name)["shape"]) for name in ds.dataset_names()}


def group_label(dataset, digit=None) -> str:
    """A group's label: the dataset's short key (and held-out MNIST digit)."""
    return DatasetRef.parse(dataset).key + (f"_digit{digit}" if digit is not None else "")


READINGS = (*CE_INPUTS, "both")


def run_config(dataset, gan, seed, protocol="one-class", digit=0, shape=None, readings="both", **overrides) -> dict:
    """The full configuration of one run (its hash names the result file).

    The detector settings are the data-shape rule's (``shape`` = (rows, features), looked up when not
    given) with ``overrides`` on top; ``None`` overrides are left out.  ``readings`` is the reading of
    Eq. 24 to score with (``"logit"`` or ``"output"``; each costs one latent search of the test rows) or
    ``"both"`` (the paper's stages); a single reading is also the detector's threshold reading.
    """
    if readings not in READINGS:
        raise ValueError(f"readings must be one of {', '.join(READINGS)}, got {readings!r}")
    if readings != "both" and readings != GANAnomalyDetector().ce_input:
        overrides = {**overrides, "ce_input": readings}
    ref = DatasetRef.parse(dataset)
    preset = settings_for_shape(*(shape or ref.shape()))
    preset.update({k: v for k, v in overrides.items() if v is not None})
    make_gan_detector(gan, **preset).check_params()  # a bad setting fails here, before any run
    mnist = ref.kind == "mnist"
    cfg = {"dataset": ref.config_value(), "protocol": "mnist-one-digit-out" if mnist else protocol,
           "gan": gan, "seed": int(seed), "detector": preset}
    if mnist:
        cfg["digit"] = int(digit)
    if readings != "both":
        cfg["readings"] = readings
    if ref.source():
        cfg["source"] = ref.source()
    return cfg


def run(cfg: dict, data_dir=None) -> dict:
    """Train + score one detector; returns the JSON record (metrics for both Eq. 24 readings)."""
    t0 = time.perf_counter()
    split = make_split(DatasetRef.from_config(cfg), cfg["protocol"], cfg["seed"], cfg.get("digit", 0), data_dir)
    t_load = time.perf_counter() - t0
    det = make_gan_detector(cfg["gan"], random_state=cfg["seed"], **cfg["detector"])
    t1 = time.perf_counter()
    det.fit(split.X_train)
    t_fit = time.perf_counter() - t1
    metrics, roc, t_score = {}, {}, {}
    readings = (det.ce_input,) + (() if "readings" in cfg else tuple(c for c in CE_INPUTS if c != det.ce_input))
    for ce in readings:
        t2 = time.perf_counter()
        s = det.decision_function(split.X_test, ce_input=ce)
        thr = det.threshold_for(ce)
        t_score[ce] = time.perf_counter() - t2
        bf, _ = best_f1(split.y_test, s)
        metrics[ce] = {"auc": auc(split.y_test, s), "auc_pr": average_precision(split.y_test, s),
                       "f1_threshold": f1_at_threshold(split.y_test, s, thr),
                       "f1_at_k": f1_at_k(split.y_test, s), "f1_best": bf, "threshold": thr}
        fpr, tpr, _ = roc_curve(split.y_test, s)
        grid = np.linspace(0, 1, ROC_POINTS)
        roc[ce] = np.interp(grid, fpr, tpr).round(5).tolist()
    return {"config": cfg, "split": split.info, "default_reading": det.ce_input,
            "detector_params": recorded_params(det),
            # the fit scores the training rows once; each reading scores the test rows once, and a
            # reading other than the detector's also rescores the training rows for its threshold
            "latent_searches": {"train": len(readings), "test": len(readings)},
            "metrics": metrics, "roc_tpr_on_fpr_grid": roc,
            "timings": {"load_s": t_load, "fit_s": t_fit, "fit_train_s": det.timings_["train_s"],
                        "score_test_s": t_score, "total_s": time.perf_counter() - t0},
            "version": __version__, "data_dir": str(ds.data_dir(data_dir)),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}


def groups(budget, seeds=None, datasets=None, mnist_digits=None) -> list[Group]:
    """The detection sweeps of a budget: one group per dataset (and MNIST digit).

    ``datasets`` restricts the datasets, ``mnist_digits`` the held-out digits (default: the budget's).
    """
    unknown = sorted(set(datasets or ()) - set(budget))
    if unknown:
        raise ValueError(f"unknown detection dataset(s) {unknown}; this budget has {sorted(budget)}")
    bad = [d for d in (mnist_digits or ()) if d not in range(10)]
    if bad:
        raise ValueError(f"MNIST digits are 0-9, got {bad}")
    out = []
    for name, opts in budget.items():
        if datasets is not None and name not in datasets:
            continue
        opts = dict(opts)
        n_seeds = pop_seeds(opts, seeds)
        digits = opts.pop("digits", (None,))
        if name == "mnist" and mnist_digits is not None:
            digits = tuple(mnist_digits)
        for digit in digits:
            cfgs = [run_config(name, g, s, "one-class", digit or 0, **opts) for g in GANS for s in range(n_seeds)]
            out.append(Group(group_label(name, digit), cfgs, dataset=name))
    return out


def user_groups(dataset, gans=GANS, seeds=range(10), protocol="one-class", digits=(None,), readings="logit",
                data_dir=None, **overrides) -> list[Group]:
    """The groups of ``mimgan detect``: one dataset (a registry name or a ``.mat`` path), its GANs and seeds.

    Settings follow the data-shape rule (:mod:`..anomaly.defaults`) with ``overrides`` on top; by
    default only the detector's own reading of Eq. 24 is scored (one latent search per run).
    """
    gans = check_names(gans)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("no seeds to run")
    ref = DatasetRef.parse(dataset)  # an unknown name fails here, naming the valid ones
    if ref.kind != "mnist":
        digits = (None,)
    shape = ref.shape(data_dir)
    return [Group(group_label(ref, d), [run_config(ref, g, s, protocol, d or 0, shape, readings, **overrides)
                                        for g in gans for s in seeds], dataset=ref.registered)
            for d in digits]


def describe_settings(cfg) -> str:
    """The settings of a run on one line (what ``mimgan detect`` prints per dataset)."""
    det = {**recorded_params(GANAnomalyDetector()), **cfg["detector"]}
    keys = ("hidden", "depth", "latent_dim", "n_iter", "batch_size", "lr", "latent_steps", "latent_lr",
            "latent_pool", "latent_restarts", "latent_tol", "contamination", "scaling", "threshold_rows")
    return (", ".join(f"{k}={det[k]}" for k in keys) + f"; protocol {cfg['protocol']}; readings "
            + cfg.get("readings", "both"))


def _label_of(cfg) -> str:
    return DatasetRef.key_of(cfg) + (f"_digit{cfg['digit']}" if cfg.get("digit") is not None else "")


def run_name(cfg) -> str:
    return f"{_label_of(cfg)}/{cfg['gan']}-seed{cfg['seed']}"


def group_of(record) -> str:
    return _label_of(record["config"])


def summarise(root, label, records) -> dict:
    """Table (both readings), paired tests and figure of one group, under ``root``."""
    rows, tests, png = write_summary(records, root, label, records[0]["default_reading"])
    return {"rows": rows, "tests": tests, "figure": png, "default_reading": records[0]["default_reading"]}


def paired_test_lines(tests) -> list[str]:
    """One line per paired test of MIM against another GAN, in words."""
    out = []
    for t in tests:
        if not np.isfinite(t["p_value"]):
            out.append(f"vs {t['other']}: too few paired seeds ({t['n']}) for a test")
            continue
        better = "MIM better" if t["baseline_better_at_5pct"] else (
            "MIM worse" if t["p_value"] < 0.05 else "no significant difference")
        out.append(f"vs {t['other']}: mean AUC difference {t['mean_diff']:+.3f}, MIM wins "
                   f"{t['wins']}/{t['n']}, Wilcoxon p = {t['p_value']:.3g} — {better}")
    return out


def report(doc, out, groups) -> dict:
    doc.heading(SECTIONS[0])
    groups = {k: v for k, v in groups.items() if v}
    if not groups:
        doc.para("Not run.")
        return {}
    doc.para(f"The paper's claim: {CLAIM}. Below, each dataset's runs (one per GAN and seed) under the "
             "`one-class` protocol (MNIST: one digit out); the Eq. 24 reading named in each table is the "
             "detector's default (`logit`), the other reading is in the CSV files.")
    summary = {}
    for label, recs in groups.items():
        reading = recs[0]["default_reading"]
        s = summarise(Path(out) / NAME, label, recs)
        rows = [r for r in s["rows"] if r["reading"] == reading]
        doc.heading(label, 3)
        doc.figure(link(s["figure"], out), f"{label}: (a) ROC, (b) AUC, (c) F1 at the Eq. 21 threshold")
        doc.table(["GAN", "runs", "AUC", "F1 (Eq. 21)", "F1@k", "best F1 (oracle)", "s/run"],
                  [[r["gan"], r["runs"], f"{r['auc_mean']:.3f} ± {r['auc_std']:.3f}",
                    f"{r['f1_threshold_mean']:.3f} ± {r['f1_threshold_std']:.3f}",
                    f"{r['f1_at_k_mean']:.3f} ± {r['f1_at_k_std']:.3f}", fmt(r["f1_best_mean"]),
                    f"{r['seconds_per_run']:.1f}"] for r in rows])
        if s["tests"]:
            doc.bullets(paired_test_lines(s["tests"]))
        summary[label] = {"rows": rows, "dataset": DatasetRef.key_of(recs[0]["config"]),
                          "protocol": recs[0]["config"]["protocol"]}
    mnist_section(doc, out, groups)
    return summary


#: The digit whose mean ROC curves the Figure 2 summary draws (the paper's Figure 2 shows one digit's ROC).
ROC_DIGIT = 0


def mnist_section(doc, out, groups) -> None:
    """Figure 2 across the held-out digits: AUC and F1 per digit and GAN (mean ± std over seeds), and the mean
    ROC of :data:`ROC_DIGIT`; written when the runs hold more than one digit."""
    by_digit = mnist_digits(groups)
    if len(by_digit) < 2:
        return
    reading = next(iter(by_digit.values()))[0]["default_reading"]
    rows = digit_table(by_digit, reading)
    root = Path(out) / NAME
    write_text_atomic(root / "mnist_digits_table.csv", to_csv(rows))
    roc = ROC_DIGIT if ROC_DIGIT in by_digit else next(iter(by_digit))
    png = figure2(by_digit, reading, roc, root / "mnist_figure2")
    doc.heading("MNIST, every held-out digit (Figure 2)", 3)
    doc.figure(link(png, out), f"MNIST one digit out: (a) mean ROC for digit {roc}, (b) AUC, (c) F1 per digit")
    gans = sorted({r["gan"] for r in rows}, key=family_order)
    cell = {(r["digit"], r["gan"]): r for r in rows}
    doc.table(["digit", *[f"{g} AUC" for g in gans], *[f"{g} F1" for g in gans], "seeds"],
              [[d, *[_mean_std(cell.get((d, g)), "auc") for g in gans],
                *[_mean_std(cell.get((d, g)), "f1_threshold") for g in gans],
                _seed_counts([cell[(d, g)]["runs"] if (d, g) in cell else 0 for g in gans])] for d in by_digit])


def _seed_counts(counts) -> str:
    """One count when every GAN has as many seeds, else each GAN's (a sweep part-way shows where it is)."""
    return str(counts[0]) if len(set(counts)) == 1 else "/".join(map(str, counts))


def _mean_std(row, key) -> str:
    return "—" if row is None else f"{row[key + '_mean']:.3f} ± {row[key + '_std']:.3f}"


def console(res) -> list[str]:
    """What ``mimgan detect`` prints: per group, the default reading's table and MIM's paired tests."""
    out = []
    for label, s in res["summaries"].items():
        n = len(res["ids"][label])
        out += [f"\n{label}: {n} runs ({s['default_reading']} reading of Eq. 24); tables, summary.json and "
                f"figure in {Path(s['figure']).parent}",
                f"  {'GAN':8s} {'AUC':>15s} {'AUC-PR':>15s} {'F1@k':>15s} {'F1 (Eq. 21)':>15s} {'s/run':>6s}"]
        for r in s["rows"]:
            if r["reading"] == s["default_reading"]:
                cells = [f"{r[k + '_mean']:.3f} +- {r[k + '_std']:.3f}" for k in ("auc", "auc_pr", "f1_at_k",
                                                                                 "f1_threshold")]
                out.append(f"  {r['gan']:8s} " + " ".join(f"{c:>15s}" for c in cells) + f" {r['seconds_per_run']:6.1f}")
        for t in s["tests"]:
            p = f"Wilcoxon p = {t['p_value']:.3g}" if not t["p_value_note"] else f"no Wilcoxon p ({t['p_value_note']})"
            out.append(f"  MIM vs {t['other']:6s}: mean AUC diff {t['mean_diff']:+.3f}, wins {t['wins']}/{t['n']}, {p}")
    return out
