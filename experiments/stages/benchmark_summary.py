"""Benchmark tables, paired tests against the best classical detector, and figures, from records only."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...nn import LABELS
from ...nn.objectives import family_order
from ...files import write_text_atomic
from ..anomaly.classical import CLASSICAL
from ..datasets import DatasetRef
from ..plotting import drawn_from_inputs, link, save_figure
from ..stats import MIN_PAIRS, missing_p_reason, paired_wilcoxon
from ..tabulate import to_csv

METRICS = ("auc", "auc_pr", "f1_at_k", "f1_threshold")
TIMES = ("fit_s", "score_s")
#: Presets are chosen on these seeds and above only; seeds below are the ones results are reported on.
HELD_OUT_SEEDS = 100


def detector_key(cfg) -> str:
    """``iforest``, ``mim`` (paper preset) or ``mim+ensemble``: what a table row and a test are about."""
    preset = cfg.get("preset", "paper")
    return cfg["detector"] if preset in (None, "paper") else f"{cfg['detector']}+{preset}"


def detector_label(key) -> str:
    name, _, preset = key.partition("+")
    base = LABELS.get(name) or (CLASSICAL[name][0] if name in CLASSICAL else name)
    return base + (f" [{preset}]" if preset else "")


def is_classical(key) -> bool:
    return key in CLASSICAL


def _dataset(r):
    return DatasetRef.key_of(r["config"])


def by_detector(records) -> dict:
    """``{(dataset, protocol): {detector key: {seed: record}}}``."""
    out = {}
    for r in records:
        key = (_dataset(r), r["config"]["protocol"])
        out.setdefault(key, {}).setdefault(detector_key(r["config"]), {})[r["config"]["seed"]] = r
    return out


def table(records) -> list[dict]:
    """One row per (dataset, protocol, detector): mean and std over seeds of every metric and time."""
    rows = []
    for (ds, protocol), dets in sorted(by_detector(records).items()):
        for key, seeds in dets.items():
            row = {"dataset": ds, "protocol": protocol, "detector": key, "label": detector_label(key),
                   "kind": "classical" if is_classical(key) else "GAN", "runs": len(seeds),
                   "seeds": seed_span(seeds)}
            for m in METRICS:
                xs = np.array([r["metrics"][m] for r in seeds.values()], float)
                row[f"{m}_mean"] = float(xs.mean())
                row[f"{m}_std"] = float(xs.std(ddof=1)) if len(xs) > 1 else 0.0
            for t in TIMES:
                row[f"{t}_median"] = float(np.median([r["timings"][t] for r in seeds.values()]))
            rows.append(row)
    rows.sort(key=lambda r: (r["dataset"], r["protocol"], -r["auc_mean"]))
    return rows


def seed_span(seeds) -> str:
    """``0-9``, ``100-102``, ``0, 3, 5``: which seeds a row averages (held-out seeds >= 100 are selection runs)."""
    seeds = sorted(int(s) for s in seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds))


def held_out_best(records, rows) -> dict:
    """Per (dataset, protocol), the row of the GAN detector with the highest mean AUC among those run on
    held-out seeds only (all >= :data:`HELD_OUT_SEEDS`): what a preset or an ensemble should be chosen by."""
    held_out = {(ds, protocol, key) for (ds, protocol), dets in by_detector(records).items()
                for key, seeds in dets.items() if not is_classical(key) and min(seeds) >= HELD_OUT_SEEDS}
    best = {}
    for r in rows:
        if (r["dataset"], r["protocol"], r["detector"]) in held_out:
            key = (r["dataset"], r["protocol"])
            if key not in best or r["auc_mean"] > best[key]["auc_mean"]:
                best[key] = r
    return best


def best_classical(rows, dataset, protocol):
    """The classical row with the highest mean AUC for (dataset, protocol), or None."""
    cands = [r for r in rows if r["dataset"] == dataset and r["protocol"] == protocol and r["kind"] == "classical"]
    return max(cands, key=lambda r: r["auc_mean"]) if cands else None


def paired_tests(records, rows=None, metric="auc") -> list[dict]:
    """Wilcoxon signed-rank test of each GAN detector against the best classical detector of its
    dataset (by mean AUC), over the seeds both have."""
    rows = table(records) if rows is None else rows
    out = []
    for (ds, protocol), dets in sorted(by_detector(records).items()):
        best = best_classical(rows, ds, protocol)
        if best is None:
            continue
        ref = dets[best["detector"]]
        for key, seeds in dets.items():
            if is_classical(key):
                continue
            common = sorted(set(seeds) & set(ref))
            d = np.array([seeds[s]["metrics"][metric] - ref[s]["metrics"][metric] for s in common])
            p = paired_wilcoxon(d)
            out.append({"dataset": ds, "protocol": protocol, "detector": key, "against": best["detector"],
                        "metric": metric, "n": len(d), "mean_diff": float(d.mean()) if len(d) else float("nan"),
                        "wins": int(np.sum(d > 0)), "losses": int(np.sum(d < 0)), "p_value": p,
                        "p_value_note": missing_p_reason(d),
                        "verdict": _verdict(d, p)})
    return out


def _verdict(d, p):
    if len(d) >= MIN_PAIRS and not np.any(np.asarray(d) != 0):
        return "equal on every seed"
    if not np.isfinite(p):
        return "too few seeds to test"
    if p >= 0.05:
        return "no significant difference"
    return "GAN better" if d.mean() > 0 else "classical better"


def mean_ranks(rows) -> dict:
    """Mean rank (1 = best mean AUC) of each detector over the (dataset, protocol) pairs where every
    detector of the benchmark ran; with the Friedman test's p-value when it applies."""
    from scipy.stats import friedmanchisquare

    cells = {}
    for r in rows:
        cells.setdefault((r["dataset"], r["protocol"]), {})[r["detector"]] = r["auc_mean"]
    dets = sorted({d for c in cells.values() for d in c})
    full = [c for c in cells.values() if set(c) == set(dets)]
    if not full or len(dets) < 2:
        return {"detectors": dets, "ranks": {}, "blocks": 0, "friedman_p": float("nan")}
    from scipy.stats import rankdata
    R = np.array([rankdata([-c[d] for d in dets]) for c in full])
    p = float("nan")
    if len(dets) >= 3 and len(full) >= 2:
        p = float(friedmanchisquare(*[np.array([c[d] for c in full]) for d in dets]).pvalue)
    return {"detectors": dets, "ranks": dict(zip(dets, R.mean(axis=0).tolist())), "blocks": len(full),
            "friedman_p": p}


def preset_ranking(records) -> dict:
    """Each GAN preset's mean AUC over the (dataset, protocol, GAN, seed) cells that every preset ran, as
    the mean of the per-dataset means (each dataset weighs the same, whatever its seeds), best first;
    ``held_out`` says whether every seed is >= :data:`HELD_OUT_SEEDS` (a choice made on lower seeds
    would be tuned on the seeds the docs report)."""
    cells = {}
    for r in records:
        c = r["config"]
        if c["detector"] in CLASSICAL:
            continue
        cells.setdefault((_dataset(r), c["protocol"], c["detector"], c["seed"]), {})[c.get("preset", "paper")] = \
            r["metrics"]["auc"]
    presets = sorted({p for v in cells.values() for p in v})
    common = [v for v in cells.values() if set(v) == set(presets)]
    if len(presets) < 2 or not common:
        return {"presets": presets, "ranking": [], "cells": 0, "held_out": False}
    per_dataset = {}
    for (ds, protocol, _, _), v in cells.items():
        if set(v) == set(presets):
            for p in presets:
                per_dataset.setdefault(ds, {}).setdefault(p, []).append(v[p])
    seeds = {k[3] for k, v in cells.items() if set(v) == set(presets)}
    means = {p: float(np.mean([np.mean(d[p]) for d in per_dataset.values()])) for p in presets}
    return {"presets": presets, "cells": len(common), "seeds": sorted(seeds),
            "held_out": min(seeds) >= HELD_OUT_SEEDS,
            "ranking": sorted(means.items(), key=lambda kv: -kv[1]),
            "per_dataset": {ds: {p: float(np.mean(x)) for p, x in d.items()} for ds, d in sorted(per_dataset.items())}}


def preset_line(rank) -> str:
    if not rank["ranking"]:
        return ""
    where = "held-out seeds" if rank["held_out"] else "seeds that include reported ones (< 100): not a fair choice"
    return (f"preset ranking by mean AUC (mean of the per-dataset means) over {rank['cells']} (dataset, GAN, seed) "
            f"cells, {where}: "
            + ", ".join(f"{p} {m:.3f}" for p, m in rank["ranking"]))


def _order(keys):
    """GANs (registry order, presets after their paper row), then classical detectors (their order)."""
    def k(key):
        name, _, preset = key.partition("+")
        if name in CLASSICAL:
            return (1, list(CLASSICAL).index(name), "")
        return (0, family_order(name), preset)
    return sorted(keys, key=k)


GAN_COLOUR, CLASSICAL_COLOUR = "#fdae6b", "#9ecae1"


@drawn_from_inputs
def figure(records, path, title):
    """Per dataset, horizontal AUC box plots sorted by median AUC (best on top; GAN detectors orange, classical
    blue) and, over several datasets, the mean rank; one title, labels that never overlap however many
    detectors there are."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    # matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal" (vert warns from 3.11, goes in 3.13)
    horizontal = ({"orientation": "horizontal"} if tuple(map(int, matplotlib.__version__.split(".")[:2])) >= (3, 10)
                  else {"vert": False})

    groups = by_detector(records)
    rows = table(records)
    ranks = mean_ranks(rows)
    n = len(groups) + (1 if ranks["blocks"] >= 2 else 0)
    most = max([len(d) for d in groups.values()] + [len(ranks["ranks"])])
    fig, axes = plt.subplots(1, n, figsize=(max(6.0, 4.6 * n), 1.2 + 0.32 * most), squeeze=False)
    for ax, ((ds, protocol), dets) in zip(axes[0], sorted(groups.items())):
        data = {k: [r["metrics"]["auc"] for r in dets[k].values()] for k in dets}
        # best median on top: barh/boxplot draw the first position at the bottom
        keys = sorted(data, key=lambda k: (float(np.median(data[k])), detector_label(k)))
        box = ax.boxplot([data[k] for k in keys], **horizontal, patch_artist=True, widths=0.6, medianprops={"color": "black"},
                         tick_labels=[detector_label(k) for k in keys])
        for patch, k in zip(box["boxes"], keys):
            patch.set_facecolor(CLASSICAL_COLOUR if is_classical(k) else GAN_COLOUR)
        ax.set(title=f"{ds} ({protocol})", xlabel="AUC over seeds")
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    if ranks["blocks"] >= 2:
        ax = axes[0][-1]
        keys = sorted(ranks["ranks"], key=ranks["ranks"].get)[::-1]  # best (lowest rank) on top
        ax.barh([detector_label(k) for k in keys], [ranks["ranks"][k] for k in keys],
                color=[CLASSICAL_COLOUR if is_classical(k) else GAN_COLOUR for k in keys])
        p = ranks["friedman_p"]
        ax.set(xlabel="mean rank of mean AUC (1 = best)",
               title=f"rank over {ranks['blocks']} datasets" + (f"\nFriedman p = {p:.2g}" if np.isfinite(p) else ""))
        ax.tick_params(axis="y", labelsize=8)
    fig.legend(handles=[Patch(color=GAN_COLOUR, label="GAN detector"), Patch(color=CLASSICAL_COLOUR,
                                                                               label="classical (pyod)")],
               loc="lower center", ncol=2, frameon=False, fontsize=8)
    if n > 1:  # one panel has its own title; a second one above it would only repeat it
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return save_figure(fig, Path(path), dpi=110)


def write_summary(records, out_dir, name) -> dict:
    """``<name>_table.csv``, ``<name>_paired_tests.csv``, ``<name>_summary.json`` and the figure."""
    out_dir = Path(out_dir)
    rows = table(records)
    tests = paired_tests(records, rows)
    write_text_atomic(out_dir / f"{name}_table.csv", to_csv(rows))
    write_text_atomic(out_dir / f"{name}_paired_tests.csv", to_csv(tests))
    notes = sorted({n for r in records for n in r.get("notes", [])})
    summary = {"name": name, "runs": len(records), "seeds": sorted({r["config"]["seed"] for r in records}),
               "table": rows, "paired_tests": tests, "ranks": mean_ranks(rows), "pyod_fixes": notes,
               "preset_ranking": preset_ranking(records),
               "settings": {detector_key(r["config"]): r["config"]["settings"] for r in records}}
    write_text_atomic(out_dir / f"{name}_summary.json", json.dumps(summary, indent=1, default=str))
    png = figure(records, out_dir / f"{name}_figure", f"Detectors on the same splits: {name}")
    return {"rows": rows, "tests": tests, "figure": png, "notes": notes, "ranks": summary["ranks"],
            "preset_ranking": summary["preset_ranking"]}


def test_line(t) -> str:
    if t["n"] == 0:
        return f"{detector_label(t['detector'])} vs {detector_label(t['against'])}: no seed in common, not compared"
    if t["p_value_note"]:
        p = f"no Wilcoxon p ({t['p_value_note']})"
    else:
        p = f"Wilcoxon p = {t['p_value']:.3g}"
    return (f"{detector_label(t['detector'])} vs {detector_label(t['against'])}: mean AUC difference "
            f"{t['mean_diff']:+.3f}, wins {t['wins']}/{t['n']}, {p} — {t['verdict']}")


def report_section(doc, out, groups, title) -> dict:
    """The benchmark's report section: per dataset, the table, the figure, the tests and pyod's fixes."""
    doc.heading(title)
    groups = {k: v for k, v in groups.items() if v}
    if not groups:
        doc.para("Not run.")
        return {}
    doc.para("Every detector on the same splits of each seed (the detection stage's protocols; standardisation "
             "fitted on the training split for the classical detectors, pyod defaults except where noted). "
             "Tests: Wilcoxon signed-rank of each GAN detector against the best classical detector, over "
             "common seeds.")
    summaries = {}
    for label, recs in groups.items():
        s = write_summary(recs, Path(out) / "benchmark", label)
        doc.heading(label, 3)
        doc.figure(link(s["figure"], out), f"{label}: AUC per detector over seeds")
        doc.table(["detector", "seeds", "AUC", "AUC-PR", "F1@k", "F1 (Eq. 21 threshold)", "fit s", "score s"],
                  [[r["label"], r["seeds"], *(f"{r[m + '_mean']:.3f} ± {r[m + '_std']:.3f}" for m in METRICS),
                    f"{r['fit_s_median']:.2f}", f"{r['score_s_median']:.2f}"] for r in s["rows"]])
        if s["tests"]:
            doc.bullets([test_line(t) for t in s["tests"]])
        for r in held_out_best(recs, s["rows"]).values():
            doc.para(f"Best GAN detector on held-out seeds (>= {HELD_OUT_SEEDS}, runs for choosing, not for "
                     f"reporting): {r['label']}, mean AUC {r['auc_mean']:.3f} over seeds {r['seeds']}.")
        if s["notes"]:
            doc.para("pyod defaults changed on these splits: " + "; ".join(s["notes"]) + ".")
        summaries[label] = s
    return summaries
