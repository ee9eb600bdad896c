"""Is a GAN anomaly score a stable function of the row?  Label flips and score changes under changes far
below the data's precision, per latent-start rule, on held-out seeds (issue 23, section 1).

For each (dataset, seed) one detector is trained at the settings ``mimgan detect`` uses
(:func:`experiments.anomaly.defaults.settings_for_shape`, one-class split); its test rows are then scored
as they are and after three perturbations a user's data goes through without noticing:

* ``+1e-6 sd``: 1e-6 x the column's standard deviation added to one column;
* ``float32``: a float64 -> float32 -> float64 round trip;
* ``csv 6g``: written with 6 significant digits and read back.

Per start rule (``pool x restarts``: the number of shared starts screened by J, and how many of the cheapest
each row searches), the table gives the labels flipped (Eq. 21, threshold of the fitted detector), the 99th
percentile and the largest relative score change, the same two for the change relative to the threshold
(``thr99``, ``thrmax``: the scale that decides a label), the test AUC, the AUC spread over three start seeds of the
same trained networks (the noise of the start alone), and the scoring time.  With ``--before``, the same
measurements for the code that is imported (e.g. an older checkout on PYTHONPATH) labelled ``row hash``.

Run: ``MIMGAN_DATA=../shared/data python benchmarks/score_stability.py [--datasets cardio,thyroid,musk]
[--seeds 100,101,102] [--rules 1x1,64x1,256x1,8x8] [--json out.json]``.  A rerun with the same ``--json``
skips the (dataset, seed) cells stored there; ``--markdown`` prints the docs table of one or more stored
``--json`` files (comma-separated) without measuring.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import time

import numpy as np

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.experiments.anomaly.metrics import auc as roc_auc
from mimgan.experiments.anomaly.protocols import make_split
from mimgan.experiments.anomaly.defaults import settings_for_shape
from mimgan.experiments.datasets import DatasetRef
from mimgan.nn import scoring

PERTURBATIONS = ("+1e-6 sd", "float32", "csv 6g")


def perturb(X, kind):
    X = np.asarray(X, np.float64)
    if kind == "+1e-6 sd":
        sd = X.std(axis=0)
        j = int(np.argmax(sd > 0))
        out = X.copy()
        out[:, j] += 1e-6 * sd[j]
        return out
    if kind == "float32":
        return X.astype(np.float32).astype(np.float64)
    if kind == "csv 6g":
        return np.vectorize(lambda v: float(f"{v:.6g}"))(X)
    raise ValueError(kind)


def scores(det, X, rule, seed=None):
    """Eq. 25 with the start rule ``(pool, restarts)`` (None: the imported code's own start)."""
    Xs = det._scaled(det._check_columns(X))
    kw = {} if rule is None else {"pool": rule[0], "restarts": rule[1]}
    return scoring.score_terms(det.gan_.G, det.gan_.D, Xs, seed=det.random_state_ if seed is None else seed,
                               steps=det.latent_steps, lr=det.latent_lr, lam=det.lam, p=det.p, beta=det.beta,
                               ce_logit=True, eta=det.eta, **kw)["score"]


def measure(name, seed, rules):
    split = make_split(DatasetRef.parse(name), "one-class", seed)
    n, d = split.X_train.shape[0] + split.X_test.shape[0], split.X_train.shape[1]
    det = GANAnomalyDetector(random_state=seed, **settings_for_shape(n, d)).fit(split.X_train)
    rows = []
    for rule in rules:
        t = time.perf_counter()
        s0 = scores(det, split.X_test, rule)
        cost = time.perf_counter() - t
        # The threshold of this rule: the training rows scored the same way (Eq. 21).
        thr = np.quantile(scores(det, split.X_train, rule), 1 - det.contamination)
        row = {"dataset": name, "seed": seed, "rule": "row hash" if rule is None else f"{rule[0]}x{rule[1]}",
               "auc": roc_auc(split.y_test, s0), "score_s": cost, "n_test": len(s0)}
        for kind in PERTURBATIONS:
            s1 = scores(det, perturb(split.X_test, kind), rule)
            rel = np.abs(s1 - s0) / np.maximum(np.abs(s0), 1e-12)
            # Relative to the threshold too: a row the search reconstructs almost exactly has a score near 0
            # whose relative change is large while its label is far from moving.
            dthr = np.abs(s1 - s0) / thr
            row[kind] = {"flips": int(np.sum((s0 > thr) != (s1 > thr))), "rel99": float(np.quantile(rel, 0.99)),
                         "relmax": float(rel.max()), "thr99": float(np.quantile(dthr, 0.99)),
                         "thrmax": float(dthr.max())}
        if rule is not None:
            aucs = [roc_auc(split.y_test, scores(det, split.X_test, rule, seed=1000 + k)) for k in range(3)]
            row["auc_start_spread"] = float(np.ptp(aucs))
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _line(r):
    pert = "  ".join(f"{r[k]['flips']:4d} {100 * r[k]['rel99']:7.3f}% {100 * r[k]['relmax']:8.3f}%"
                     f" {100 * r[k].get('thr99', np.nan):6.3f}% {100 * r[k].get('thrmax', np.nan):6.3f}%"
                     for k in PERTURBATIONS)
    spread = r.get("auc_start_spread")
    return (f"{r['dataset']:8s} {r['seed']:4d} {r['rule']:9s} {r['auc']:.4f} "
            f"{'   -  ' if spread is None else f'{spread:.4f}'} {r['score_s']:6.2f}s  {pert}")


def markdown(rows) -> str:
    """The docs table: per (dataset, rule), AUC and start spread per seed, label flips per perturbation and
    seed, the largest rel99 and thr99 over seeds and perturbations, and the scoring time."""
    head = ["dataset (test rows)", "start rule", "AUC per seed", "start spread", "label flips (+1e-6 sd / float32 / "
            "csv 6g, per seed)", "rel99", "thr99", "scoring time"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in dict.fromkeys(r["dataset"] for r in rows):
        for rule in dict.fromkeys(r["rule"] for r in rows if r["dataset"] == name):
            cell = sorted((r for r in rows if r["dataset"] == name and r["rule"] == rule), key=lambda r: r["seed"])
            seeds = "/".join(str(r["seed"]) for r in cell)
            spread = " / ".join(f"{r['auc_start_spread']:.3f}" if "auc_start_spread" in r else "—" for r in cell)
            flips = " · ".join("+".join(str(r[k]["flips"]) for k in PERTURBATIONS) for r in cell)
            rel = max(r[k]["rel99"] for r in cell for k in PERTURBATIONS)
            thr = max(r[k].get("thr99", np.nan) for r in cell for k in PERTURBATIONS)
            t = [r["score_s"] for r in cell]
            aucs = " / ".join(f"{r['auc']:.4f}" for r in cell)
            lines.append(f"| {name} ({cell[0]['n_test']:,}) | {rule} | {aucs} "
                         f"(seeds {seeds}) | {spread} | {flips} | ≤ {100 * rel:.3g} % | ≤ {100 * thr:.3g} % | "
                         f"{min(t):.1f}–{max(t):.1f} s |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="cardio,thyroid,musk")
    ap.add_argument("--seeds", default="100,101,102")
    ap.add_argument("--rules", default="1x1,64x1,256x1,8x8")
    ap.add_argument("--before", action="store_true", help="measure the imported code's own start (no rule)")
    ap.add_argument("--json", help="write the measurements here (a rerun skips the (dataset, seed) cells in it)")
    ap.add_argument("--markdown", action="store_true", help="print the table of the stored --json file(s) and stop")
    args = ap.parse_args(argv)
    if args.markdown:
        rows = []
        for path in (args.json or "").split(","):
            with open(path) as f:
                rows += json.load(f)
        print(markdown(rows))
        return
    has_rules = "pool" in inspect.signature(scoring.score_terms).parameters
    rules = [None] if args.before or not has_rules else \
        [tuple(int(v) for v in r.split("x")) for r in args.rules.split(",")]
    print(f"{'dataset':8s} {'seed':>4s} {'rule':9s} {'AUC':6s} {'spread':6s} {'score':>7s}  "
          + "  ".join(f"{k:>4s}: flips  rel99    relmax  thr99  thrmax" for k in PERTURBATIONS))
    out = []
    if args.json and os.path.exists(args.json):
        with open(args.json) as f:
            out = json.load(f)
    done = {(r["dataset"], r["seed"]) for r in out}
    for name in args.datasets.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            if (name, seed) in done:
                continue
            out += measure(name, seed, rules)
            if args.json:  # after every (dataset, seed): a stopped sweep keeps what it measured
                tmp = args.json + ".tmp"
                with open(tmp, "w") as f:
                    json.dump(out, f, indent=1)
                os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
