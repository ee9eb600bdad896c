"""``mimgan reproduce``: the whole paper — theory checks, Figure 1, rare events, Figures 2–5 — resumably.

Every experiment is a sweep of independent runs.  Each run's record is stored
under ``OUT/<stage>/runs/<config-hash>.json`` (atomic writes), so a rerun
skips finished runs and ``force`` recomputes.  Runs go through an executor
(:mod:`experiments.executors`): this process, a local process pool, or Dask.

``OUT/reproduce.json`` records the plan of the last invocation (which run ids
belong to which stage, the exact settings, skipped stages and why, wall
times, versions).  :func:`experiments.report.build_report` reads only that
file and the stores, so ``mimgan report OUT`` redraws every table and figure
without retraining.
"""
from __future__ import annotations

import functools
import json
import platform
import sys
import time
from pathlib import Path

from nn.serialization import write_text_atomic

from .aggregate import to_csv
from .executors import run_tasks
from .store import ResultStore, run_id

MODES = ("quick", "full")

#: Budgets.  ``quick`` keeps the whole reproduction under ~10 minutes on 2 cores;
#: ``full`` is the paper's scale (10 seeds, every MNIST digit).
QUICK = {
    "fig1": {"seeds": 2, "batch": 2000, "phase2_iters": 300},
    "rare-events": {"seeds": 3, "iters": 600, "p_values": (0.05,), "dims": (1, 2)},
    "detect": {
        "cardio": {"seeds": 3, "n_iter": 1000, "latent_steps": 300},
        "thyroid": {"seeds": 3, "n_iter": 1000, "latent_steps": 300},
        "musk": {"seeds": 2, "n_iter": 500, "latent_steps": 100},
        "mnist": {"seeds": 1, "digits": (0,), "n_iter": 300, "latent_steps": 30, "threshold_rows": 1000},
    },
}
FULL = {
    "fig1": {"seeds": 10},
    "rare-events": {"seeds": 10, "iters": 3000, "p_values": (0.05,), "dims": (1, 2)},
    "detect": {
        "cardio": {"seeds": 10},
        "thyroid": {"seeds": 10},
        "musk": {"seeds": 10},
        "mnist": {"seeds": 10, "digits": tuple(range(10))},
    },
}
BUDGETS = {"quick": QUICK, "full": FULL}
STAGES = ("theory", "fig1", "rare-events", "detect")
LOG = "reproduce.json"


def _budget(quick: bool, stage: str) -> dict:
    return json.loads(json.dumps(BUDGETS["quick" if quick else "full"][stage]))  # a deep copy


# ----------------------------------------------------------------- theory
def theory_config() -> dict:
    """The theory checks run once per library version."""
    import nn
    return {"stage": "theory", "version": nn.__version__}


def reproduce_theory(out, force=False, progress=True) -> dict:
    """Run every claim check once per library version; store the JSON under ``OUT/theory``."""
    from theory.checks import ERROR, run_all
    from theory.report import to_json

    t0 = time.perf_counter()
    cfg = theory_config()
    store = ResultStore(Path(out) / "theory")
    rid = run_id(cfg)
    computed = 0
    if force or not store.has(rid):
        say = (lambda name: print(f"  theory: checking {name} ...", file=sys.stderr)) if progress else None
        results = run_all(progress=say)
        rec = {"id": rid, "config": cfg, **json.loads(to_json(results)),
               "errors": sum(r.verdict == ERROR for r in results), "seconds": time.perf_counter() - t0}
        store.write(rid, rec)
        computed = 1
    return {"ids": [rid], "computed": computed, "total": 1, "seconds": time.perf_counter() - t0}


# ----------------------------------------------------------------- Figure 1
def fig1_configs(quick=False, seeds=None, gans=None, Ns=(500, 1000, 1500), **kw) -> list[dict]:
    """Every Figure 1 run of a budget (``kw`` overrides protocol settings, see ``dynamics.DEFAULTS``)."""
    from .dynamics import DEFAULTS, GANS, fig1_config
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown fig1 option(s) {sorted(unknown)}; valid: {sorted(DEFAULTS)}")
    opts = _budget(quick, "fig1")
    n_seeds = seeds or opts.pop("seeds")
    opts.pop("seeds", None)
    opts.update({k: v for k, v in kw.items() if v is not None})
    return [fig1_config(g, n, s, **opts) for g in (gans or GANS) for n in Ns for s in range(n_seeds)]


def _sweep(out, name, configs, fn, executor, force, progress, summarise) -> dict:
    """Run one stage's configs through the store under ``OUT/name``, then summarise from the records
    (``summarise=None``: leave tables and figures to the report, which draws them anyway)."""
    t0 = time.perf_counter()
    records, computed = run_tasks(ResultStore(Path(out) / name), configs, fn, executor, force, progress, name)
    return {**(summarise(out, records) if summarise else {}), "ids": [r["id"] for r in records],
            "computed": computed, "total": len(configs), "seconds": time.perf_counter() - t0}


def reproduce_fig1(out, quick=False, seeds=None, force=False, progress=True, gans=None, Ns=(500, 1000, 1500),
                   executor=None, summarise=True, **kw):
    from .dynamics import run_fig1
    return _sweep(out, "fig1", fig1_configs(quick, seeds, gans, Ns, **kw), run_fig1, executor, force, progress,
                  summarise_fig1_stage if summarise else None)


def summarise_fig1_stage(out, records) -> dict:
    """Figure 1 tables and figure from stored records."""
    from .dynamics import figure1, summarise_fig1
    root = Path(out) / "fig1"
    rows = summarise_fig1(records)
    write_text_atomic(root / "fig1_summary.csv", to_csv(rows))
    write_text_atomic(root / "fig1_summary.json", json.dumps(rows, indent=1))
    return {"rows": rows, "figure": figure1(records, root / "fig1")}


# ----------------------------------------------------------------- rare events
def rare_configs(quick=False, seeds=None, gans=None, p_values=None, dims=None, **kw) -> list[dict]:
    """Every rare-event run of a budget (``kw`` overrides settings, see ``rare_events.DEFAULTS``)."""
    from .rare_events import DEFAULTS, GANS, rare_config
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown rare-events option(s) {sorted(unknown)}; valid: {sorted(DEFAULTS)}")
    opts = _budget(quick, "rare-events")
    n_seeds = seeds or opts["seeds"]
    ps = tuple(p_values or opts["p_values"])
    ds = tuple(dims or opts["dims"])
    extra = {"iters": opts["iters"], **{k: v for k, v in kw.items() if v is not None}}
    return [rare_config(g, p, d, s, **extra) for d in ds for p in ps for g in (gans or GANS) for s in range(n_seeds)]


def reproduce_rare(out, quick=False, seeds=None, force=False, progress=True, gans=None, p_values=None, dims=None,
                   executor=None, summarise=True, **kw):
    from .rare_events import run_rare
    return _sweep(out, "rare-events", rare_configs(quick, seeds, gans, p_values, dims, **kw), run_rare, executor,
                  force, progress, summarise_rare_stage if summarise else None)


def summarise_rare_stage(out, records) -> dict:
    from .rare_events import figure_rare, summarise_rare
    root = Path(out) / "rare-events"
    rows, tests = summarise_rare(records)
    write_text_atomic(root / "rare_events_summary.csv", to_csv(rows))
    write_text_atomic(root / "rare_events_tests.csv", to_csv(tests))
    write_text_atomic(root / "rare_events_summary.json", json.dumps({"rows": rows, "tests": tests}, indent=1))
    return {"rows": rows, "tests": tests, "figure": figure_rare(records, root / "rare_events")}


# ----------------------------------------------------------------- Figures 2-5
def detection_groups(quick=False, seeds=None, datasets=None, mnist_digits=None) -> list[dict]:
    """The detection sweeps of a budget: one group per dataset (and MNIST digit) with its run configs.

    ``datasets`` restricts the datasets, ``mnist_digits`` the held-out digits (default: the budget's).
    """
    from .detect import GANS, run_config
    budget = _budget(quick, "detect")
    unknown = sorted(set(datasets or ()) - set(budget))
    if unknown:
        raise ValueError(f"unknown detection dataset(s) {unknown}; this budget has {sorted(budget)}")
    bad = [d for d in (mnist_digits or ()) if d not in range(10)]
    if bad:
        raise ValueError(f"MNIST digits are 0-9, got {bad}")
    groups = []
    for name, opts in budget.items():
        if datasets is not None and name not in datasets:
            continue
        n_seeds = seeds or opts.pop("seeds")
        opts.pop("seeds", None)
        digits = opts.pop("digits", (None,))
        if name == "mnist" and mnist_digits is not None:
            digits = tuple(mnist_digits)
        for digit in digits:
            cfgs = [run_config(name, g, s, "one-class", digit or 0, **opts) for g in GANS for s in range(n_seeds)]
            label = name + (f"_digit{digit}" if digit is not None else "")
            groups.append({"dataset": name, "label": label, "configs": cfgs})
    return groups


def reproduce_detect(out, quick=False, seeds=None, force=False, progress=True, executor=None, data_dir=None,
                     datasets=None, mnist_digits=None, summarise=True) -> dict:
    """Figures 2–5 for every dataset of the budget; a dataset that cannot be fetched is skipped, with the reason."""
    from . import datasets as ds
    from .detect import run_one
    t0 = time.perf_counter()
    root = Path(out) / "detect"
    store = ResultStore(root)
    groups = detection_groups(quick, seeds, datasets, mnist_digits)
    fn = functools.partial(run_one, data_dir=data_dir)
    ids, skipped, computed, total = {}, {}, 0, 0
    for grp in groups:
        name = grp["dataset"]
        if name in skipped:
            continue
        try:
            ds.fetch(name, data_dir, progress=progress)
        except (ds.DatasetUnavailableError, ValueError, OSError) as exc:
            # Offline, or a corrupt file in the cache: the rest of the paper still runs; the report says why.
            skipped[name] = str(exc)
            if progress:
                print(f"  detect: skipping {name}: {exc}", file=sys.stderr)
            continue
        records, n = run_tasks(store, grp["configs"], fn, executor, force, progress, f"detect {grp['label']}")
        if summarise:
            summarise_detect_group(root, records, grp["label"])
        ids[grp["label"]] = [r["id"] for r in records]
        computed += n
        total += len(grp["configs"])
    return {"ids": ids, "skipped": skipped, "computed": computed, "total": total,
            "seconds": time.perf_counter() - t0}


def summarise_detect_group(root, records, label):
    from .aggregate import write_summary
    return write_summary(records, root, label, records[0]["default_reading"])


# ----------------------------------------------------------------- everything
def plan(out, quick=True, stages=STAGES, seeds=None, force=False, datasets=None, mnist_digits=None) -> list[dict]:
    """What a reproduction would run, without running it: per stage (and detection group), the runs in
    its budget and how many the store under ``out`` already holds."""
    out = Path(out)
    rows = []

    def row(name, root, configs):
        store = ResultStore(root)
        done = 0 if force else sum(store.has(run_id(c)) for c in configs)
        rows.append({"stage": name, "runs": len(configs), "stored": done, "to_compute": len(configs) - done})

    for stage in stages:
        if stage == "theory":
            row("theory", out / "theory", [theory_config()])
        elif stage == "fig1":
            row("fig1", out / "fig1", fig1_configs(quick, seeds))
        elif stage == "rare-events":
            row("rare-events", out / "rare-events", rare_configs(quick, seeds))
        else:
            for grp in detection_groups(quick, seeds, datasets, mnist_digits):
                row(f"detect {grp['label']}", out / "detect", grp["configs"])
    return rows


def versions() -> dict:
    import importlib.metadata as md
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("mimgan", "numpy", "scipy", "sympy", "mpmath", "numba", "matplotlib", "threadpoolctl", "pooch",
                "dask", "distributed"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def reproduce_all(out, quick=True, stages=STAGES, force=False, progress=True, executor=None, data_dir=None,
                  seeds=None, report=True, datasets=None, mnist_digits=None) -> dict:
    """Run the stages in order, log the plan to ``OUT/reproduce.json`` after each, then write the report.

    The log is rewritten after every stage, so an interrupted reproduction
    still has a report of what finished (``mimgan report OUT``).
    """
    from .executors import SerialExecutor
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    executor = executor or SerialExecutor()
    mode = "quick" if quick else "full"
    log = {"mode": mode, "budget": BUDGETS[mode], "seeds_override": seeds, "datasets": datasets,
           "mnist_digits": mnist_digits, "executor": executor.describe(),
           "command": " ".join(sys.argv), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "versions": versions(),
           "stages": {}}
    previous = out / LOG
    # Earlier invocations on the same folder (an interrupted run and its resumption) stay on record.
    log["invocations"] = json.loads(previous.read_text()).get("invocations", []) if previous.exists() else []
    log["invocations"].append({"started": log["started"], "mode": mode, "stages": list(stages), "computed": 0,
                               "wall_seconds": 0.0})
    t_all = time.perf_counter()
    if progress:
        print(f"mimgan reproduce ({mode}, {executor.describe()}): {' -> '.join(stages)}", file=sys.stderr)
    for i, stage in enumerate(stages, 1):
        if progress:
            print(f"[{i}/{len(stages)}] {stage} (left: {', '.join(stages[i:]) or 'report'})", file=sys.stderr)
        if stage == "theory":
            res = reproduce_theory(out, force, progress)
        # With the report coming, a stage's tables and figures would be drawn twice; the report draws them
        # (an interrupted run gets them from `mimgan report OUT`).
        elif stage == "fig1":
            res = reproduce_fig1(out, quick, seeds, force, progress, executor=executor, summarise=not report)
        elif stage == "rare-events":
            res = reproduce_rare(out, quick, seeds, force, progress, executor=executor, summarise=not report)
        else:
            res = reproduce_detect(out, quick, seeds, force, progress, executor, data_dir, datasets, mnist_digits,
                                   summarise=not report)
        log["stages"][stage] = {k: res[k] for k in ("ids", "computed", "total", "seconds", "skipped") if k in res}
        log["wall_seconds"] = time.perf_counter() - t_all
        log["invocations"][-1]["wall_seconds"] = log["wall_seconds"]
        log["invocations"][-1]["computed"] += res["computed"]
        write_text_atomic(out / LOG, json.dumps(log, indent=1, default=str))
    result = {"log": log, "report": None}
    if report:
        from .report import build_report
        result["report"] = build_report(out)
    return result
