"""``mimgan reproduce``: the whole paper — theory checks, Figure 1, rare events, Figures 2–5 — resumably.

Every stage (:mod:`experiments.stages`) is a list of groups of independent
runs.  Each run's record is stored under ``OUT/<stage>/runs/<config-hash>.json``
(atomic writes), so a rerun skips finished runs and ``force`` recomputes.  Runs
go through an executor (:mod:`experiments.runs.executors`): this process, a
local process pool, or Dask.

``OUT/reproduce.json`` records the plan of the last invocation (which run ids
belong to which stage and group, the exact settings, skipped groups and why,
wall times, versions).  :func:`experiments.report.build_report` reads only that
file and the stores, so ``mimgan report OUT`` redraws every table and figure
without retraining.
"""
from __future__ import annotations

import functools
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

from ..files import write_text_atomic
from . import datasets as ds
from .report import build_report
from .report.builder import read_log
from .runs import SerialExecutor, run_id, run_tasks
from .runs.estimate import estimate_group, wall_seconds
from .stages import NAMES, get_stage, store
from .stages.budgets import BUDGETS, budget

LOG = "reproduce.json"
#: Errors that make a dataset unavailable: offline, or a corrupt file in the cache.
UNAVAILABLE = (ds.DatasetUnavailableError, ValueError, OSError)


def writable_folder(path) -> Path:
    """Create ``path`` if needed and check that files can be written there; a clear OSError otherwise."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"output folder {path} exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    try:
        tempfile.TemporaryFile(dir=path).close()
    except OSError as exc:
        raise PermissionError(f"cannot write to the output folder {path}: {exc.strerror or exc}") from None
    return path


def _desc(stage, label) -> str:
    return stage.NAME if label == stage.NAME else f"{stage.NAME} {label}"


def run_stage(out, stage, groups, executor=None, force=False, progress=True, data_dir=None, skip_unavailable=True,
              summarise=True) -> dict:
    """Run every group of ``stage`` through the store under ``OUT/<stage>``; summarise each group.

    A group whose dataset cannot be fetched is skipped with its reason when
    ``skip_unavailable`` (the rest of the paper still runs), else the error
    propagates.  ``summarise=False`` leaves tables and figures to the report.
    """
    t0 = time.perf_counter()
    root = Path(out) / stage.NAME
    writable_folder(out)  # before any run is computed, not after
    writable_folder(root)
    runs = store(out, stage)
    kwargs = {"data_dir": data_dir}
    if stage.IN_PROCESS:
        kwargs["progress"] = progress
        executor = SerialExecutor()
    fn = functools.partial(stage.run, **kwargs)
    ids, skipped, summaries, computed, total = {}, {}, {}, 0, 0
    for grp in groups:
        if grp.unavailable:
            skipped[f"{stage.NAME} {grp.label}"] = grp.unavailable
            if progress:
                print(f"  {stage.NAME}: skipping {grp.label}: {grp.unavailable}", file=sys.stderr)
            continue
        if grp.dataset is not None:
            if grp.dataset in skipped:
                continue
            try:
                ds.fetch(grp.dataset, data_dir, progress=progress)  # once, here, not in every worker
            except UNAVAILABLE as exc:
                if not skip_unavailable:
                    raise
                skipped[grp.dataset] = str(exc)
                if progress:
                    print(f"  {stage.NAME}: skipping {grp.dataset}: {exc}", file=sys.stderr)
                continue
        records, n = run_tasks(runs, grp.configs, fn, executor, force, progress, _desc(stage, grp.label))
        if summarise:
            summaries[grp.label] = stage.summarise(root, grp.label, records)
        ids[grp.label] = [r["id"] for r in records]
        computed += n
        total += len(grp.configs)
    return {"ids": ids, "skipped": skipped, "summaries": summaries, "computed": computed, "total": total,
            "seconds": time.perf_counter() - t0}


def stage_groups(name, quick=False, seeds=None, **options):
    """The groups of stage ``name`` under the quick or full budget (``options`` are the stage's own)."""
    return get_stage(name).groups(budget("quick" if quick else "full", name), seeds, **options)


def reproduce_stage(out, name, quick=False, seeds=None, force=False, progress=True, executor=None, data_dir=None,
                    summarise=True, **options) -> dict:
    """One stage of the paper (``mimgan reproduce fig1`` ...), resumable like the whole."""
    groups = stage_groups(name, quick, seeds, **options)
    return run_stage(out, get_stage(name), groups, executor, force, progress, data_dir, summarise=summarise)


def plan(out, quick=True, stages=NAMES, seeds=None, force=False, options=None, estimate=False, data_dir=None,
         workers=None) -> list[dict]:
    """What a reproduction would run, without running it: per stage group, the runs in its budget and how
    many the store under ``out`` already holds.  Invalid settings fail here as they would in the run.

    ``estimate`` adds each group's estimated compute ``seconds`` of the runs left and its ``wall`` time on
    ``workers`` (default: one per core) with the ``basis`` of the estimate (:mod:`.runs.estimate`).
    """
    out = Path(out)
    options = options or {}
    workers = workers or os.cpu_count() or 1
    rows = []
    for name in stages:
        stage = get_stage(name)
        runs = store(out, stage)
        stored = list(runs.records()) if estimate and runs.root.exists() else []
        for grp in stage_groups(name, quick, seeds, **options.get(name, {})):
            done = 0 if force else sum(runs.has(run_id(c)) for c in grp.configs)
            # a group the run would skip (a missing optional package) computes nothing: say so, do not count it
            todo = [] if grp.unavailable else [c for c in grp.configs if force or not runs.has(run_id(c))]
            row = {"stage": _desc(stage, grp.label), "runs": len(grp.configs), "stored": done,
                   "to_compute": len(todo), "skipped": grp.unavailable}
            if estimate:
                try:
                    est = estimate_group(name, todo, stored, data_dir)
                except UNAVAILABLE as exc:  # the data is not here: no sizes to estimate from
                    est = {"seconds": None, "basis": {"none": len(todo)}, "why": str(exc)}
                row.update(seconds=est["seconds"], basis=est["basis"],
                           wall=None if est["seconds"] is None else wall_seconds(est["seconds"], workers))
            rows.append(row)
    return rows


def stage_options(target, quick=False, overrides=None, gans=None, p_values=None, dims=None, datasets=None,
                  mnist_digits=None) -> dict:
    """Each stage's own options for ``mimgan reproduce TARGET``: ``overrides`` (``--option KEY=VALUE``) and
    ``gans`` apply to a single experiment (fig1, rare-events); ``p_values``/``dims`` to rare events;
    ``datasets``/``mnist_digits`` narrow detection, and the baselines follow the detection datasets."""
    single = ("fig1", "rare-events")
    if overrides and target not in single:
        raise ValueError("--option applies to a single experiment: use it with `reproduce fig1` or "
                         "`reproduce rare-events`")
    out = {}
    if overrides:
        out[target] = dict(overrides)
    if gans:
        if target not in single:
            raise ValueError("--gan applies to `reproduce fig1` and `reproduce rare-events` (the full reproduction "
                             "keeps the paper's four; `mimgan detect --gan` runs detection with other objectives)")
        out.setdefault(target, {})["gans"] = list(gans)
    if target in ("all", "rare-events") and (p_values or dims):
        out.setdefault("rare-events", {}).update({"p_values": p_values, "dims": dims if dims else [1, 2]})
    if target in ("all", "detect") and (datasets or mnist_digits):
        out["detect"] = {"datasets": datasets, "mnist_digits": mnist_digits}
    if target in ("all", "benchmark") and datasets:
        # the baselines follow the detection datasets (those with classical runs: the ODDS sets)
        odds = set(budget("quick" if quick else "full", "benchmark"))
        out["benchmark"] = {"datasets": [d for d in datasets if d in odds]}
    return out


def command_line() -> str:
    """The command as a user would type it again: ``mimgan ...`` whether it ran as the ``mimgan`` script or as
    ``python -m mimgan.experiments.cli``."""
    args = sys.argv[1:]
    prog = Path(sys.argv[0]).name if sys.argv else "mimgan"
    if prog in ("mimgan", "cli.py", "__main__.py", "-c") or not sys.argv:
        return " ".join(["mimgan", *map(shlex.quote, args)])
    return " ".join(map(shlex.quote, sys.argv))


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


def merge_stage(before: dict | None, res: dict, mode: str, before_mode: str | None = None) -> dict:
    """A stage's entry of the log after an invocation: its groups' run ids (and the budget that planned them)
    replace those of the same groups before; groups it did not run keep theirs, so one folder can hold
    ODDS at the full budget and MNIST digits added by later invocations."""
    before = before or {}
    ids = {**before.get("ids", {}), **res["ids"]}
    modes = {**before.get("modes", {k: before_mode or mode for k in before.get("ids", {})}),
             **{k: mode for k in res["ids"]}}
    out = {k: res[k] for k in ("computed", "total", "seconds", "skipped")}
    out.update(ids=ids, modes=modes)
    return out


def planned(groups) -> dict:
    """A stage's log entry before it runs (as :func:`run_stage` returns it, nothing computed yet): the run ids
    of every group it will try."""
    ids = {grp.label: [run_id(c) for c in grp.configs] for grp in groups if not grp.unavailable}
    return {"ids": ids, "skipped": {}, "computed": 0, "total": sum(map(len, ids.values())), "seconds": 0.0}


def _stored(out, name, groups) -> int:
    """How many of the stage's planned runs the store holds."""
    runs = store(out, get_stage(name))
    return sum(runs.has(i) for ids in planned(groups)["ids"].values() for i in ids)


def _record_interrupted(out, log, name, groups, stored_before, t_all) -> None:
    inv = log["invocations"][-1]
    inv["computed"] += _stored(out, name, groups) - stored_before
    inv["wall_seconds"] = log["wall_seconds"] = time.perf_counter() - t_all
    inv["interrupted"] = name
    write_text_atomic(out / LOG, json.dumps(log, indent=1, default=str))


def reproduce_all(out, quick=True, stages=NAMES, force=False, progress=True, executor=None, data_dir=None,
                  seeds=None, report=True, options=None) -> dict:
    """Run the stages in order, log the plan to ``OUT/reproduce.json`` after each, then write the report.

    ``options`` maps a stage name to its own options (``{"detect": {"datasets": ["cardio"]}}``).  The
    log is rewritten after every stage, so an interrupted reproduction still has a report of what
    finished (``mimgan report OUT``).
    """
    stages = tuple(stages)
    for name in stages:
        get_stage(name)
    options = {k: dict(v) for k, v in (options or {}).items()}
    for name in options:
        if name not in stages:
            raise ValueError(f"options given for stage {name!r}, which is not run (stages: {', '.join(stages)})")
    groups = {name: stage_groups(name, quick, seeds, **options.get(name, {})) for name in stages}  # fail early
    out = writable_folder(out)
    executor = executor or SerialExecutor()
    mode = "quick" if quick else "full"
    log = {"mode": mode, "budget": BUDGETS[mode], "seeds_override": seeds, "options": options,
           "executor": executor.describe(), "command": command_line(),
           "started": time.strftime("%Y-%m-%d %H:%M:%S"), "versions": versions(), "stages": {}}
    previous = read_log(out / LOG) if (out / LOG).exists() else {}
    # Earlier invocations on the same folder (an interrupted run, its resumption, a sweep extended by another
    # budget or other datasets) stay on record, and so do the groups they planned: each group's run ids are
    # those of the last invocation that ran it (see `merge_stage`).
    log["invocations"] = previous.get("invocations", [])
    log["invocations"].append({"started": log["started"], "mode": mode, "stages": list(stages), "computed": 0,
                               "wall_seconds": 0.0, "command": log["command"]})
    log["stages"] = {k: v for k, v in previous.get("stages", {}).items() if k not in stages}
    t_all = time.perf_counter()
    if progress:
        print(f"mimgan reproduce ({mode}, {executor.describe()}): {' -> '.join(stages)}", file=sys.stderr)
    for i, name in enumerate(stages, 1):
        if progress:
            print(f"[{i}/{len(stages)}] {name} (left: {', '.join(stages[i:]) or 'report'})", file=sys.stderr)
        # The plan goes on record before the stage runs: a sweep stopped part-way (a session's end, ^C) is
        # reported with every run it finished (the report reads the planned ids the store holds).
        log["stages"][name] = merge_stage(previous.get("stages", {}).get(name), planned(groups[name]), mode,
                                          previous.get("mode"))
        write_text_atomic(out / LOG, json.dumps(log, indent=1, default=str))
        stored_before = _stored(out, name, groups[name])
        # With the report coming, a stage's tables and figures would be drawn twice; the report draws them
        # (an interrupted run gets them from `mimgan report OUT`).
        try:
            res = run_stage(out, get_stage(name), groups[name], executor, force, progress, data_dir,
                            summarise=not report)
        except BaseException:
            # ^C, SIGTERM, a session's end: the runs this invocation finished and its wall time go on record
            # too (the docs' provenance lists invocations by what they computed).
            _record_interrupted(out, log, name, groups[name], stored_before, t_all)
            raise
        log["stages"][name] = merge_stage(previous.get("stages", {}).get(name), res, mode, previous.get("mode"))
        log["wall_seconds"] = time.perf_counter() - t_all
        log["invocations"][-1]["wall_seconds"] = log["wall_seconds"]
        log["invocations"][-1]["computed"] += res["computed"]
        write_text_atomic(out / LOG, json.dumps(log, indent=1, default=str))
    return {"log": log, "report": build_report(out) if report else None}
