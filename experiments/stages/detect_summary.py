"""Detection over seeds: tables, paired tests and the Figures 2–5 layout, from stored run records only."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...nn import LABELS
from ...nn.objectives import family_order
from ...files import write_text_atomic
from ..plotting import drawn_from_inputs, save_figure
from ..stats import missing_p_reason, paired_wilcoxon
from ..datasets import DatasetRef
from ..tabulate import to_csv

METRICS = ("auc", "auc_pr", "f1_at_k", "f1_threshold", "f1_best")




def table(records, reading=None) -> list[dict]:
    """One row per (dataset, gan, reading): mean and std of each metric over seeds."""
    rows = {}
    for r in records:
        for ce, m in r["metrics"].items():
            if reading is not None and ce != reading:
                continue
            key = (DatasetRef.key_of(r["config"]), r["config"]["gan"], ce)
            rows.setdefault(key, []).append((r["config"]["seed"], m, r["timings"]["total_s"]))
    out = []
    for (ds, gan, ce), vals in sorted(rows.items()):
        row = {"dataset": ds, "gan": gan, "reading": ce, "runs": len(vals)}
        for k in METRICS:
            # Records stored before a metric existed lack it: NaN, not a crash.
            xs = np.array([m.get(k, np.nan) for _, m, _ in vals], float)
            row[f"{k}_mean"], row[f"{k}_std"] = float(xs.mean()), float(xs.std(ddof=1)) if len(xs) > 1 else 0.0
        row["seconds_per_run"] = float(np.median([t for _, _, t in vals]))
        out.append(row)
    return out


def paired_tests(records, reading, baseline="mim", metric="auc") -> list[dict]:
    """Wilcoxon signed-rank test of ``baseline`` against each other GAN over common seeds."""
    by = {}
    for r in records:
        if reading in r["metrics"]:
            by.setdefault((DatasetRef.key_of(r["config"]), r["config"]["gan"]), {})[r["config"]["seed"]] = \
                r["metrics"][reading][metric]
    out = []
    for (ds, gan), vals in sorted(by.items()):
        if gan == baseline or (ds, baseline) not in by:
            continue
        base = by[(ds, baseline)]
        seeds = sorted(set(base) & set(vals))
        d = np.array([base[s] - vals[s] for s in seeds])
        p = paired_wilcoxon(d)
        out.append({"dataset": ds, "baseline": baseline, "other": gan, "metric": metric, "reading": reading,
                    "n": len(d), "mean_diff": float(d.mean()) if len(d) else float("nan"),
                    "wins": int(np.sum(d > 0)), "losses": int(np.sum(d < 0)), "p_value": p,
                    "p_value_note": missing_p_reason(d),
                    "baseline_better_at_5pct": bool(p < 0.05 and d.mean() > 0)})
    return out


def figure(records, reading, title, path):
    """(a) mean ROC per GAN, (b) AUC box plot, (c) F1 box plot — the layout of Figures 2–5.

    Drawn from the numbers it shows only, so a run recomputed with the same results (or the records as
    computed rather than as read back from the store) finds the figure already drawn."""
    gans = sorted({r["config"]["gan"] for r in records}, key=family_order)
    curves = []
    for g in gans:
        rs = sorted((r for r in records if r["config"]["gan"] == g and reading in r["metrics"]),
                    key=lambda r: json.dumps(r["config"], sort_keys=True, default=str))  # however they arrived
        curves.append((g, np.array([r["roc_tpr_on_fpr_grid"][reading] for r in rs], dtype=np.float64),
                       [float(r["metrics"][reading]["auc"]) for r in rs],
                       [float(r["metrics"][reading]["f1_threshold"]) for r in rs]))
    return _draw(curves, title, path)


@drawn_from_inputs
def _draw(curves, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = LABELS
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    aucs, f1s = [], []
    for g, tprs, auc_g, f1_g in curves:
        grid = np.linspace(0, 1, tprs.shape[1])
        ax[0].plot(grid, tprs.mean(0), label=f"{label.get(g, g)} (AUC {np.mean(auc_g):.3f})")
        aucs.append(auc_g)
        f1s.append(f1_g)
    ax[0].plot([0, 1], [0, 1], "k:", lw=0.8)
    ax[0].set(xlabel="false positive rate", ylabel="true positive rate", title="(a) ROC (mean over runs)")
    ax[0].legend(loc="lower right", fontsize=8)
    ticks = [label.get(g, g) for g, *_ in curves]
    ax[1].boxplot(aucs, tick_labels=ticks)
    ax[1].set(title="(b) AUC", ylabel="AUC")
    ax[2].boxplot(f1s, tick_labels=ticks)
    ax[2].set(title="(c) F1 at the Eq. 21 threshold", ylabel="F1")
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, Path(path), dpi=120)


def write_summary(records, out_dir, name, reading):
    """One table CSV per reading of Eq. 24 computed, the paired-test CSV, ``<name>_summary.json`` with
    the same numbers, and the figure for one dataset."""
    out_dir = Path(out_dir)
    rows = table(records)
    for ce in sorted({r["reading"] for r in rows}):
        write_text_atomic(out_dir / f"{name}_table_{ce}.csv", to_csv([r for r in rows if r["reading"] == ce]))
    tests = paired_tests(records, reading)
    write_text_atomic(out_dir / f"{name}_paired_tests.csv", to_csv(tests))
    settings = {r["config"]["gan"]: r.get("detector_params", r["config"]["detector"]) for r in records}
    summary = {"dataset": name, "default_reading": reading, "runs": len(records),
               "seeds": sorted({r["config"]["seed"] for r in records}),
               "protocol": records[0]["config"]["protocol"], "settings": settings, "table": rows,
               "paired_tests": tests}
    write_text_atomic(out_dir / f"{name}_summary.json", json.dumps(summary, indent=1, default=str))
    png = figure(records, reading, f"GAN anomaly detection on {name} ({reading} reading of Eq. 24)",
                 out_dir / f"{name}_figure")
    return rows, tests, png


def mnist_digits(groups) -> dict:
    """``{digit: records}`` of the MNIST groups among ``groups`` (label -> records), digits in order."""
    out = {}
    for recs in groups.values():
        for r in recs:
            if r["config"].get("protocol") == "mnist-one-digit-out":
                out.setdefault(int(r["config"]["digit"]), []).append(r)
    return dict(sorted(out.items()))


def digit_table(by_digit, reading) -> list[dict]:
    """Figure 2's numbers: per (digit, GAN), the runs and AUC and F1 (Eq. 21) mean and std over seeds."""
    rows = []
    for digit, recs in by_digit.items():
        for row in table(recs, reading):
            rows.append({"digit": digit, "gan": row["gan"], "runs": row["runs"],
                         **{k: row[k] for k in ("auc_mean", "auc_std", "f1_threshold_mean", "f1_threshold_std",
                                                "seconds_per_run")}})
    return rows


@drawn_from_inputs
def figure2(by_digit, reading, roc_digit, path):
    """The paper's Figure 2 from the stored runs: (a) mean ROC per GAN for ``roc_digit``, (b) AUC and (c) F1
    at the Eq. 21 threshold per held-out digit, mean ± std over seeds."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = digit_table(by_digit, reading)
    gans = sorted({r["gan"] for r in rows}, key=family_order)
    digits = sorted(by_digit)
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1, 1.6, 1.6]})
    for g in gans:
        rs = [r for r in by_digit[roc_digit] if r["config"]["gan"] == g and reading in r["metrics"]]
        if rs:
            tpr = np.mean([r["roc_tpr_on_fpr_grid"][reading] for r in rs], axis=0)
            ax[0].plot(np.linspace(0, 1, len(tpr)), tpr, label=f"{LABELS.get(g, g)} ({len(rs)} seeds)")
    ax[0].plot([0, 1], [0, 1], "k:", lw=0.8)
    ax[0].set(xlabel="false positive rate", ylabel="true positive rate", title=f"(a) ROC, digit {roc_digit} held out")
    ax[0].legend(loc="lower right", fontsize=8)
    width = 0.8 / max(len(gans), 1)
    for panel, key, title in ((ax[1], "auc", "(b) AUC"), (ax[2], "f1_threshold", "(c) F1 at the Eq. 21 threshold")):
        for i, g in enumerate(gans):
            sel = {r["digit"]: r for r in rows if r["gan"] == g}
            xs = [d + (i - (len(gans) - 1) / 2) * width for d in digits if d in sel]
            panel.bar(xs, [sel[d][f"{key}_mean"] for d in digits if d in sel], width,
                      yerr=[sel[d][f"{key}_std"] for d in digits if d in sel], capsize=2, label=LABELS.get(g, g))
        panel.set(xticks=digits, xlabel="held-out (anomalous) digit", title=title + ", mean ± std over seeds")
    ax[1].set_ylim(0, 1)
    ax[2].set_ylim(0, 1)
    ax[1].legend(fontsize=8, ncol=len(gans))
    fig.suptitle(f"MNIST, one digit out (Figure 2; {reading} reading of Eq. 24)")
    fig.tight_layout()
    return save_figure(fig, Path(path), dpi=120)
