"""Searches that stop when they are done: the per-row stopping rule of the latent search against the fixed
number of steps, on held-out seeds (issue 23, section 3).

For each (dataset, GAN, seed) one detector is trained at the settings ``mimgan detect`` uses
(:func:`experiments.anomaly.defaults.settings_for_shape`, one-class split, the default start rule); its test
rows are then scored with every row taking ``latent_steps`` steps (``fixed``) and with the stopping rule at
each tolerance (``latent_tol``: a row stops once J changed by less than tol, relative, over 25 steps).
Per tolerance the table gives the test AUC, the mean Adam steps per row and the scoring time; the summary
compares the AUC change with the seed-to-seed spread of the fixed search's AUC.

Run: ``MIMGAN_DATA=../shared/data python benchmarks/latent_stopping.py [--datasets cardio,thyroid,musk]
[--gans mim,gan,lsgan,wgan] [--seeds 100,101,102] [--tols 1e-3,1e-4] [--json out.json]``.
A rerun with the same ``--json`` skips the (dataset, GAN, seed) cells already measured there;
``--markdown`` prints the table of a stored ``--json`` (the one in docs/reliability.md) without measuring.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.experiments.anomaly.defaults import settings_for_shape
from mimgan.experiments.anomaly.metrics import auc as roc_auc
from mimgan.experiments.anomaly.protocols import make_split
from mimgan.experiments.datasets import DatasetRef


def measure(name, gan, seed, tols):
    split = make_split(DatasetRef.parse(name), "one-class", seed)
    n, d = split.X_train.shape[0] + split.X_test.shape[0], split.X_train.shape[1]
    det = GANAnomalyDetector(objective=gan, random_state=seed, **settings_for_shape(n, d)).fit(split.X_train)
    Xs = det._scaled(det._check_columns(split.X_test))
    row = {"dataset": name, "gan": gan, "seed": seed, "max_steps": det.latent_steps, "n_test": len(Xs)}
    for tol in (None, *tols):
        det.set_params(latent_tol=tol)
        t = time.perf_counter()
        terms = det._terms(Xs, det.ce_input)
        row["fixed" if tol is None else f"{tol:g}"] = {
            "auc": roc_auc(split.y_test, terms["score"]), "mean_steps": float(terms["steps"].mean()),
            "score_s": time.perf_counter() - t}
    return row


def summary(rows, tols):
    """Per (dataset, GAN): mean AUC fixed and per tolerance, the mean AUC change, the spread (max - min)
    of the fixed AUC over seeds, the mean steps and the time ratio."""
    out = []
    for name in dict.fromkeys(r["dataset"] for r in rows):
        for gan in dict.fromkeys(r["gan"] for r in rows):
            cell = [r for r in rows if r["dataset"] == name and r["gan"] == gan]
            if not cell:
                continue
            fixed = np.array([r["fixed"]["auc"] for r in cell])
            entry = {"dataset": name, "gan": gan, "seeds": len(cell), "auc_fixed": float(fixed.mean()),
                     "seed_spread": float(np.ptp(fixed)), "max_steps": cell[0]["max_steps"]}
            for tol in tols:
                k = f"{tol:g}"
                auc = np.array([r[k]["auc"] for r in cell])
                entry[k] = {"auc": float(auc.mean()), "delta_auc": float((auc - fixed).mean()),
                            "max_abs_delta": float(np.abs(auc - fixed).max()),
                            "mean_steps": float(np.mean([r[k]["mean_steps"] for r in cell])),
                            "time_ratio": float(np.median([r[k]["score_s"] / r["fixed"]["score_s"] for r in cell]))}
            out.append(entry)
    return out


def markdown(summary_rows, tols) -> str:
    """The docs table: per (dataset, GAN) the fixed search's AUC and seed spread, then per tolerance the AUC
    change, the mean steps and the scoring-time ratio."""
    head = ["dataset", "GAN", "seeds", "fixed AUC (spread)"] + [f"tol {t:g}: ΔAUC, steps, time" for t in tols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for e in summary_rows:
        cells = [e["dataset"], e["gan"], str(e["seeds"]), f"{e['auc_fixed']:.4f} ({e['seed_spread']:.3f})"]
        for t in tols:
            c = e[f"{t:g}"]
            cells.append(f"{c['delta_auc']:+.4f} (max {c['max_abs_delta']:.3f}), {c['mean_steps']:.0f}/{e['max_steps']}, "
                         f"×{c['time_ratio']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="cardio,thyroid,musk")
    ap.add_argument("--gans", default="mim,gan,lsgan,wgan")
    ap.add_argument("--seeds", default="100,101,102")
    ap.add_argument("--tols", default="1e-3,1e-4")
    ap.add_argument("--json", help="write the measurements here (and skip the cells already in it)")
    ap.add_argument("--markdown", action="store_true", help="print the table of the stored --json and stop")
    args = ap.parse_args(argv)
    tols = [float(t) for t in args.tols.split(",")]
    rows = []
    if args.json and os.path.exists(args.json):
        with open(args.json) as f:
            rows = json.load(f)["runs"]
    if args.markdown:
        if not rows:
            raise SystemExit("--markdown needs a --json file of measurements")
        tols = [float(k) for k in rows[0] if k not in ("dataset", "gan", "seed", "max_steps", "n_test", "fixed")]
        print(markdown(summary(rows, tols), tols))
        return
    done = {(r["dataset"], r["gan"], r["seed"]) for r in rows}
    print(f"{'dataset':8s} {'gan':6s} {'seed':>4s}  fixed: AUC   steps  time   "
          + "  ".join(f"tol {t:g}: AUC   steps  time" for t in tols), flush=True)
    for name in args.datasets.split(","):
        for gan in args.gans.split(","):
            for seed in (int(s) for s in args.seeds.split(",")):
                if (name, gan, seed) in done:
                    continue
                r = measure(name, gan, seed, tols)
                rows.append(r)
                print(f"{name:8s} {gan:6s} {seed:4d}  " + "  ".join(
                    f"{r[k]['auc']:.4f} {r[k]['mean_steps']:5.0f} {r[k]['score_s']:5.2f}s"
                    for k in ("fixed", *(f"{t:g}" for t in tols))), flush=True)
                if args.json:  # after every cell: a stopped sweep keeps what it measured
                    tmp = args.json + ".tmp"
                    with open(tmp, "w") as f:
                        json.dump({"runs": rows, "summary": summary(rows, tols)}, f, indent=1)
                    os.replace(tmp, args.json)
    for e in summary(rows, tols):
        print(f"{e['dataset']:8s} {e['gan']:6s} fixed {e['auc_fixed']:.4f} (seed spread {e['seed_spread']:.4f})  "
              + "  ".join(f"tol {t:g}: {e[f'{t:g}']['auc']:.4f} ({e[f'{t:g}']['delta_auc']:+.4f}, "
                          f"{e[f'{t:g}']['mean_steps']:.0f}/{e['max_steps']} steps, x{e[f'{t:g}']['time_ratio']:.2f} time)"
                          for t in tols))


if __name__ == "__main__":
    main()
