"""``mimgan reproduce``: run an experiment's tasks through the results store, then aggregate.

Each task's record is stored under ``OUT/<experiment>/runs/<config-hash>.json``
(atomic); a rerun skips tasks already stored (``force`` recomputes).
Tables and figures are rebuilt from the store alone.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from nn.serialization import write_text_atomic

from .aggregate import to_csv
from .store import ResultStore, run_id

QUICK = {
    "fig1": {"seeds": 2, "batch": 2000, "phase2_iters": 300},
    "rare-events": {"seeds": 3, "iters": 600, "p_values": (0.05,), "dims": (1, 2)},
}
FULL = {
    "fig1": {"seeds": 10},
    "rare-events": {"seeds": 10, "iters": 3000, "p_values": (0.05,), "dims": (1, 2)},
}


def run_tasks(store: ResultStore, configs, fn, force=False, progress=True, desc="runs"):
    todo = [c for c in configs if force or not store.has(run_id(c))]
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), desc=desc, unit="run")
    for cfg in todo:
        rec = fn(cfg)
        rec["id"] = run_id(cfg)
        store.write(rec["id"], rec)
        if bar is not None:
            bar.set_postfix({k: cfg[k] for k in ("gan", "seed") if k in cfg})
            bar.update(1)
    if bar is not None:
        bar.close()
    return [store.read(run_id(c)) for c in configs], len(todo)


def reproduce_fig1(out, quick=False, seeds=None, force=False, progress=True, gans=None, Ns=(500, 1000, 1500), **kw):
    from .dynamics import DEFAULTS, GANS, fig1_config, figure1, run_fig1, summarise_fig1
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown fig1 option(s) {sorted(unknown)}; valid: {sorted(DEFAULTS)}")
    t0 = time.perf_counter()
    opts = dict(QUICK["fig1"] if quick else FULL["fig1"])
    n_seeds = seeds or opts.pop("seeds")
    opts.pop("seeds", None)
    opts.update({k: v for k, v in kw.items() if v is not None})
    root = Path(out) / "fig1"
    store = ResultStore(root)
    configs = [fig1_config(g, n, s, **opts) for g in (gans or GANS) for n in Ns for s in range(n_seeds)]
    records, computed = run_tasks(store, configs, run_fig1, force, progress, "fig1")
    rows = summarise_fig1(records)
    write_text_atomic(root / "fig1_summary.csv", to_csv(rows))
    write_text_atomic(root / "fig1_summary.json", json.dumps(rows, indent=1))
    png = figure1(records, root / "fig1")
    return {"rows": rows, "figure": png, "computed": computed, "total": len(configs),
            "seconds": time.perf_counter() - t0}


def reproduce_rare(out, quick=False, seeds=None, force=False, progress=True, gans=None, p_values=None, dims=None,
                   **kw):
    from .rare_events import DEFAULTS, GANS, figure_rare, rare_config, run_rare, summarise_rare
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown rare-events option(s) {sorted(unknown)}; valid: {sorted(DEFAULTS)}")
    t0 = time.perf_counter()
    opts = dict(QUICK["rare-events"] if quick else FULL["rare-events"])
    n_seeds = seeds or opts["seeds"]
    ps = tuple(p_values or opts["p_values"])
    ds = tuple(dims or opts["dims"])
    extra = {"iters": opts["iters"], **{k: v for k, v in kw.items() if v is not None}}
    root = Path(out) / "rare-events"
    store = ResultStore(root)
    configs = [rare_config(g, p, d, s, **extra) for d in ds for p in ps for g in (gans or GANS)
               for s in range(n_seeds)]
    records, computed = run_tasks(store, configs, run_rare, force, progress, "rare-events")
    rows, tests = summarise_rare(records)
    write_text_atomic(root / "rare_events_summary.csv", to_csv(rows))
    write_text_atomic(root / "rare_events_tests.csv", to_csv(tests))
    write_text_atomic(root / "rare_events_summary.json", json.dumps({"rows": rows, "tests": tests}, indent=1))
    png = figure_rare(records, root / "rare_events")
    return {"rows": rows, "tests": tests, "figure": png, "computed": computed, "total": len(configs),
            "seconds": time.perf_counter() - t0}
