"""The ``mimgan`` command line: one entry point for the theory checks and the experiments."""
from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import time
from pathlib import Path

from ..nn.objectives import PAPER_FAMILIES, REGISTRY, check_names, get_objective, split_list
from ..files import write_text_atomic
from . import datasets as ds
from .anomaly import PROTOCOLS, GANAnomalyDetector
from .anomaly.scaling import SCALINGS
from .plotting import pdf_figures
from .report import build_report
from .report.builder import load_records
from .report.docs import write_docs
from .report.claims import section4_claims
from .reproduce import plan, reproduce_all, reproduce_stage, run_stage, stage_options
from .runs import EXECUTORS, make_executor
from .anomaly.classical import CLASSICAL
from .anomaly.presets import PRESETS, SELECTED, preset_settings
from .stages import NAMES, STAGES, benchmark, detect, get_stage, store
from .stages.benchmark import DEFAULT_DETECTORS
from .stages.detect import READINGS
from .train import train
from .fit_score import fit_file, score_file
from .datasets import DatasetRef


def cmd_verify(args) -> int:
    # Loaded by this command only: the theory (sympy, scipy.stats) is half of the CLI's start-up time.
    from ..theory.checks import ERROR, run_all
    from ..theory.checks.lab import check_objectives
    from ..theory.report import format_table, to_json, to_markdown

    for option, path in (("--json", args.json), ("--markdown", args.markdown)):
        if path and Path(path).is_dir():
            raise ValueError(f"{option} {path} is a folder; give a file name, e.g. {Path(path) / 'verify.json'}")
    if args.experiments and not Path(args.experiments).is_dir():
        raise FileNotFoundError(f"--experiments {args.experiments}: no such results folder")

    t0 = time.perf_counter()
    if args.objective:
        # The generic theory of the objectives the user named (D*, its divergence, equilibrium, Upsilon, multiplier).
        results = check_objectives(args.objective)
    else:
        results = run_all(progress=(lambda name: print(f"  checking {name} ...", file=sys.stderr))
                          if not args.quiet else None)
    print(format_table(results))
    print(f"\n{len(results)} checks in {time.perf_counter() - t0:.1f} s")
    if args.json:
        write_text_atomic(Path(args.json), to_json(results))
    if args.markdown:
        write_text_atomic(Path(args.markdown), to_markdown(results))
    if args.experiments:
        print_claims(args.experiments)
    # A "fails" verdict is a finding about the paper; only a crashed check is an error.
    return 1 if any(r.verdict == ERROR for r in results) else 0


def print_claims(folder) -> None:
    """Section IV's claims judged from the runs stored under ``folder``."""
    if not Path(folder).is_dir():
        raise FileNotFoundError(f"--experiments {folder}: no such results folder")
    rows = section4_claims(load_records(folder))
    print(f"\nClaims of Section IV, from the runs in {folder}:")
    if not rows:
        print("  no stored Figure 1, detection or rare-event runs there")
    for r in rows:
        print(f"  [{r['verdict']}] {r['claim']} ({r['seeds']} pairs; {r['statistic']}; {r['test']})\n      {r['detail']}")


def cmd_data(args) -> int:
    root = ds.data_dir(args.data_dir)
    if args.action == "list":
        print(f"data folder: {root}  (override with --data-dir or ${ds.ENV_VAR})")
        for name in ds.dataset_names():
            spec = ds.get_spec(name)
            status = {f.relpath: ds.file_status(f, root) for f in spec["files"]}  # checksums, not just presence
            print(f"  {name:8s} {spec['kind']:5s} " + ", ".join(f"{k} [{v}]" for k, v in status.items()))
        return 0
    if args.action == "fetch":
        names = ds.dataset_names() if args.name in (None, "all") else [args.name]
        for name in names:
            paths = ds.fetch(name, args.data_dir, progress=True)
            print(f"{name}: " + ", ".join(str(p) for p in paths))
        return 0
    statuses = ds.verify(args.data_dir)
    for rel, st in statuses.items():
        print(f"  {st:8s} {root / rel}")
    return 1 if any(s == "corrupt" for s in statuses.values()) else 0


#: ``mimgan detect`` option -> detector parameter
DETECTOR_OPTIONS = {"n_iter": "n_iter", "hidden": "hidden", "depth": "depth", "latent_dim": "latent_dim",
                    "latent_steps": "latent_steps", "batch_size": "batch_size", "lr": "lr", "latent_lr": "latent_lr",
                    "contamination": "contamination", "scaling": "scaling", "latent_pool": "latent_pool",
                    "latent_restarts": "latent_restarts", "latent_tol": "latent_tol"}


def _digits(args, datasets) -> list:
    """The held-out MNIST digits of ``--digit`` (default 0); refused when no dataset is MNIST, where it would be
    ignored without a word."""
    if args.digit is not None and not any(DatasetRef.parse(d).kind == "mnist" for d in datasets):
        raise ValueError(f"--digit {args.digit} holds out an MNIST digit, but no dataset is mnist")
    digit = "0" if args.digit is None else args.digit
    return list(range(10)) if digit == "all" else _ints(digit, "--digit")


def cmd_detect(args) -> int:
    digits = _digits(args, [args.dataset]) if args.dataset == "mnist" or args.digit is not None else [None]
    given = {param: getattr(args, opt) for opt, param in DETECTOR_OPTIONS.items()}
    # a named preset first, options given on the command line on top of it
    overrides = {**preset_settings(args.preset), **{k: v for k, v in given.items() if v is not None}}
    seeds = _ints(args.seeds, "--seeds") if args.seeds else range(args.runs)
    groups = detect.user_groups(DatasetRef.parse(args.dataset, label=args.label), args.gan, seeds,
                                args.protocol, digits, args.readings, args.data_dir, **overrides)
    for grp in groups:
        print(f"{grp.label}: {detect.describe_settings(grp.configs[0])}")
    res = _run_user_stage(args, detect, groups)
    print("\n".join(detect.console(res)))
    return 0


def _run_user_stage(args, stage, groups) -> dict:
    """The groups of a user command (``detect``, ``benchmark``) through the executor it asked for; a dataset
    that cannot be had is an error here, not a skipped part."""
    executor = make_executor(args.executor, args.workers, args.scheduler)
    try:
        return run_stage(args.out, stage, groups, executor, args.force, not args.quiet, args.data_dir,
                         skip_unavailable=False)
    finally:
        executor.close()


def cmd_benchmark(args) -> int:
    seeds = _ints(args.seeds, "--seeds") if args.seeds else range(args.runs)
    datasets = [DatasetRef.parse(d, label=args.label) for d in _names(args.dataset)]
    digits = _digits(args, _names(args.dataset))
    gan_settings = {k: getattr(args, k) for k in ("n_iter", "latent_steps", "hidden") if getattr(args, k) is not None}
    groups = benchmark.user_groups(datasets, args.detectors, seeds, _names(args.protocol),
                                   _names(args.preset), args.data_dir, args.contamination, digits, gan_settings)
    res = _run_user_stage(args, benchmark, groups)
    print("\n".join(benchmark.console(res, args.out)))
    return 0


def cmd_fit(args) -> int:
    given = {param: getattr(args, opt) for opt, param in DETECTOR_OPTIONS.items() if hasattr(args, opt)}
    res = fit_file(args.train, args.out, args.gan, args.preset, args.label, args.seed, args.data_dir,
                   not args.quiet, **given)
    print(f"fitted {res['detector']!r} on {res['rows']} rows x {res['features']} features of {res['dataset']} in "
          f"{res['seconds']:.1f} s; threshold {res['threshold']:.6g}; saved {res['model']}")
    return 0


def cmd_score(args) -> int:
    res = score_file(args.model, args.data, args.out, args.label, args.data_dir)
    print(f"scored {res['rows']} rows in {res['seconds']:.1f} s: {res['anomalies']} above the threshold "
          f"{res['threshold']:.6g} (label 1); scores in {res['scores']}")
    return 0


def _names(text):
    return [t.strip() for t in str(text).split(",") if t.strip()]


def cmd_train(args) -> int:
    res = train(args.gan, args.data, args.out, args.iters, args.batch, args.hidden, args.latent, args.lr, args.seed,
                args.p_rare, progress=not args.quiet)
    print(f"trained {args.gan} for {args.iters} iterations in {res['seconds']:.1f} s")
    for k in ("model", "history", "plot"):
        print(f"  {k}: {res[k]}")
    return 0


def _floats(text):
    return _numbers(text, "--p-rare", float) if text else None


def _numbers(text, option, cast):
    out = []
    for item in str(text).split(","):
        try:
            out.append(cast(item.strip()))
        except ValueError:
            raise ValueError(f"{option} expects comma-separated {'integers' if cast is int else 'numbers'}, "
                             f"got {text!r} ({item.strip()!r} is not one)") from None
    return out


def _ints(text, option):
    values = _numbers(text, option, int)
    negative = [v for v in values if v < 0]
    if option == "--seeds" and negative:  # numpy would say only "expected non-negative integer"
        raise ValueError(f"--seeds are non-negative integers, got {', '.join(map(str, negative))}")
    return values


def _options(pairs):
    """Parse repeated KEY=VALUE overrides; values are read as int, float or string."""
    out = {}
    for item in pairs or []:
        if "=" not in item:
            raise ValueError(f"--option expects KEY=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        for cast in (int, float):
            try:
                v = cast(v)
                break
            except ValueError:
                continue
        out[k.strip().replace("-", "_")] = v
    return out


def _reproduce_options(args) -> dict:
    """The command line's stage options, parsed (what they mean per stage: :func:`..reproduce.stage_options`)."""
    return stage_options(
        args.target, args.quick, overrides=_options(args.option), gans=args.gan,
        p_values=_floats(args.p_rare), dims=_ints(args.dims, "--dims") if args.dims != "1,2" else None,
        datasets=[d.strip() for d in args.datasets.split(",") if d.strip()] if args.datasets else None,
        mnist_digits=_ints(args.mnist_digits, "--mnist-digits") if args.mnist_digits else None)


def _duration(seconds) -> str:
    """``1 h 05 min``, ``12 min``, ``40 s``, or ``?`` for no estimate."""
    if seconds is None:
        return "?"
    if seconds >= 3600:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def cmd_reproduce(args) -> int:
    options = _reproduce_options(args)
    stages = NAMES if args.target == "all" else (args.target,)
    if args.dry_run:
        workers = 1 if args.executor == "serial" else (args.workers or os.cpu_count() or 1)
        rows = plan(args.out, args.quick, stages, args.seeds, args.force, options, estimate=True,
                    data_dir=args.data_dir, workers=workers)
        print(f"plan ({'quick' if args.quick else 'full'}) for {args.out}; estimated times for {workers} worker(s), "
              "from stored runs of the same settings or from this machine's time per training step and per "
              "search step:")
        for r in rows:
            print(f"  {r['stage']:22s} {r['runs']:5d} runs, {r['stored']:5d} stored, {r['to_compute']:5d} to compute"
                  f"  {_duration(r['wall']) if r['to_compute'] else '':>9s}"
                  + (f"  (skipped: {r['skipped']})" if r.get("skipped") else "")
                  + (f"  (no estimate: {r['why']})" if r.get("why") else ""))
        walls = [r["wall"] for r in rows if r["to_compute"]]
        total = "unknown" if any(w is None for w in walls) else _duration(sum(walls))
        print(f"  {'total':22s} {sum(r['runs'] for r in rows):5d} runs, {sum(r['stored'] for r in rows):5d} stored, "
              f"{sum(r['to_compute'] for r in rows):5d} to compute  {total:>9s}")
        return 0
    executor = make_executor(args.executor, args.workers, args.scheduler)
    try:
        if args.target in ("fig1", "rare-events"):
            res = reproduce_stage(args.out, args.target, args.quick, args.seeds, args.force, not args.quiet,
                                  executor, args.data_dir, **options.get(args.target, {}))
            print("\n".join(get_stage(args.target).console(res)))
            return 0
        res = reproduce_all(args.out, args.quick, stages, args.force, not args.quiet, executor, args.data_dir,
                            args.seeds, options=options)
    finally:
        executor.close()
    log = res["log"]
    print(f"reproduce ({log['mode']}): {log['wall_seconds'] / 60:.1f} min")
    for name in stages:  # this invocation's stages (the log also keeps earlier invocations' groups)
        st = log["stages"][name]
        extra = f"; skipped: {', '.join(st['skipped'])}" if st.get("skipped") else ""
        print(f"  {name:12s} {st['computed']} of {st['total']} runs computed in {st['seconds']:.1f} s{extra}")
    print(f"report: {res['report']['markdown']} and {res['report']['html']}")
    return 0


def cmd_report(args) -> int:
    if args.pack:
        for name, stage in STAGES.items():
            n = store(args.dir, stage).pack() if (Path(args.dir) / stage.NAME).is_dir() else 0
            if n:
                print(f"  {name}: {n} records in {Path(args.dir) / stage.NAME / 'runs.jsonl'}")
    if args.docs:
        for page, path in write_docs(args.dir, args.docs).items():
            print(f"  docs: {path}")
        return 0
    res = build_report(args.dir)
    print(f"report: {res['markdown']} and {res['html']} ({len(res['sections'])} sections)")
    return 0


def _add_pdf_option(p):
    p.add_argument("--pdf", action="store_true", help="also write each figure as PDF beside its PNG")


def _add_executor_options(p, default="local"):
    p.add_argument("--executor", default=default, choices=EXECUTORS,
                   help=f"where runs execute: this process (serial), a local process pool (local) or a Dask "
                        f"cluster (dask); default {default}")
    p.add_argument("--workers", type=int, help="local pool size (default: one per core)")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")


def _gan_spec(text):
    """argparse type of an objective spec: its canonical form, or a usage error naming the problem."""
    try:
        return get_objective(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _gan_specs(text):
    """argparse type of a comma-separated list of objective specs ('all': every registered one)."""
    try:
        return check_names(split_list(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _detector_specs(text):
    """argparse type of ``--detectors``: GAN specs and classical names, checked (pyod is needed only to run)."""
    try:
        return benchmark.check_detectors(split_list(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (and exit code 2), like every other user error of the CLI."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


class _Help(argparse.HelpFormatter):
    """Every option's help ends with its default, unless the help already states it."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" not in text and action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
            text += " (default: %(default)s)"
        return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mimgan", description=__doc__, formatter_class=_Help)
    sub = parser.add_subparsers(dest="command", required=True,
                                parser_class=functools.partial(_Parser, formatter_class=_Help))
    v = sub.add_parser("verify", help="check every claim of Sections II-III and list the errata")
    v.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    v.add_argument("--markdown", metavar="PATH", help="also write a Markdown report")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.add_argument("--experiments", metavar="DIR", help="also judge Section IV's experimental claims from the runs "
                   "stored in DIR (the --out folder of reproduce or detect)")
    v.add_argument("--objective", type=_gan_specs, metavar="SPEC[,SPEC...]",
                   help="instead of the paper's claims, run the generic theory checks (D*, the divergence at D*, "
                        "equilibrium, rare-event share, gradient multiplier) of these objective specs, e.g. "
                        "mim:omega=3,alpha:alpha=0.5 ('all': every registered objective)")
    v.set_defaults(func=cmd_verify)

    d = sub.add_parser("data", help="list, fetch or verify the datasets")
    d.add_argument("action", choices=["list", "fetch", "verify"])
    d.add_argument("name", nargs="?", help="dataset to fetch (default: all)")
    d.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    d.set_defaults(func=cmd_data)

    t = sub.add_parser("detect", help="GAN anomaly detection runs and Figures 2-5")
    dflt = GANAnomalyDetector()
    t.add_argument("--dataset", required=True, help="cardio, thyroid, musk, mnist or a path to a data file: an ODDS "
                   ".mat, a CSV/TSV with a header row, a .npz with X and y, or Parquet (with pyarrow)")
    t.add_argument("--label", metavar="COLUMN", help="the label column (0 inlier, 1 outlier) of a CSV/TSV/Parquet "
                   "--dataset (default: a column named label, y, outlier or anomaly)")
    t.add_argument("--gan", default=",".join(PAPER_FAMILIES), type=_gan_specs, metavar="SPEC[,SPEC...]",
                   help=f"comma-separated objective specs: {', '.join(REGISTRY)}, optionally with options "
                        "(mim:omega=2, alpha:alpha=0.5) (default: the paper's four)")
    t.add_argument("--runs", type=int, default=10, help="seeds 0..runs-1")
    t.add_argument("--seeds", help="explicit comma-separated seeds (overrides --runs)")
    t.add_argument("--out", default="results", help="output folder: runs, tables and figures go to OUT/detect, "
                   "the layout of `mimgan reproduce` (default: results)")
    t.add_argument("--protocol", default="one-class", choices=PROTOCOLS,
                   help="one-class: train on half the inliers; contaminated: a stratified 70/30 split with the "
                        "anomalies left in training (ADBench)")
    t.add_argument("--digit", help="with mnist: the anomalous digit(s) 0-9, comma-separated, or 'all' (default 0)")
    t.add_argument("--force", action="store_true", help="recompute runs already in the store")
    t.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    rule = "default: the data-shape rule, see docs/usage.md"
    t.add_argument("--iterations", "--n-iter", dest="n_iter", type=int, help=f"GAN training iterations ({rule})")
    t.add_argument("--hidden", type=int, help=f"hidden width of G and D ({rule})")
    t.add_argument("--depth", type=int, help=f"hidden layers of G and D (default: {dflt.depth})")
    t.add_argument("--latent-dim", type=int, help=f"size of z ({rule})")
    t.add_argument("--latent-steps", type=int, help=f"Adam steps of the latent search, Eq. 22 ({rule})")
    t.add_argument("--latent-pool", type=int, help=f"shared latent starts screened by J per row, Eq. 23 "
                   f"(default: {dflt.latent_pool})")
    t.add_argument("--latent-restarts", type=int, help=f"searches per row from its cheapest starts, the lowest final "
                   f"J kept (default: {dflt.latent_restarts})")
    t.add_argument("--latent-tol", type=float, help="stop a row's latent search once J changed by less than this "
                   "(relative) over 25 steps; --latent-steps is then the most it takes (default: no stopping rule)")
    t.add_argument("--batch-size", type=int, help=f"training batch ({rule})")
    t.add_argument("--lr", type=float, help=f"Adam learning rate of G and D (default: {dflt.lr})")
    t.add_argument("--latent-lr", type=float, help=f"Adam learning rate of the latent search (default: {dflt.latent_lr})")
    t.add_argument("--contamination", type=float,
                   help=f"expected anomaly share; Eq. 21's threshold is the (1 - c) quantile of the training "
                        f"scores (default: {dflt.contamination})")
    t.add_argument("--preset", default="paper", choices=list(PRESETS),
                   help="named detector settings on top of the data-shape rule (options given here override them): "
                        + "; ".join(f"{k}: {v[1]}" for k, v in PRESETS.items()) + f" (selected on held-out seeds: "
                        f"{SELECTED})")
    t.add_argument("--scaling", choices=SCALINGS, help=f"feature scaling fitted on the training split: min-max onto "
                   f"the generator's tanh range, or z-scores with a linear generator output (default: {dflt.scaling})")
    t.add_argument("--readings", default=dflt.ce_input, choices=READINGS,
                   help="reading(s) of Eq. 24 to score with; each costs one latent search of the test rows "
                        f"(default: {dflt.ce_input})")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    # Serial by default: each run then has both cores, and its recorded timings mean "one run on this machine".
    _add_executor_options(t, default="serial")
    _add_pdf_option(t)
    t.set_defaults(func=cmd_detect)

    b = sub.add_parser("benchmark", help="GAN and classical (pyod) detectors on the same splits: tables, tests, figures")
    b.add_argument("--dataset", required=True,
                   help="comma-separated ODDS sets (cardio, thyroid, musk), mnist, and/or paths to data files (ODDS "
                        ".mat, CSV/TSV, .npz with X and y, Parquet)")
    b.add_argument("--digit", help="with mnist: the anomalous digit(s) 0-9, comma-separated, or 'all' (default 0)")
    b.add_argument("--label", metavar="COLUMN", help="the label column of CSV/TSV/Parquet datasets (default: a column "
                   "named label, y, outlier or anomaly)")
    b.add_argument("--detectors", default=",".join(DEFAULT_DETECTORS), type=_detector_specs, metavar="NAME[,NAME...]",
                   help=f"comma-separated GAN objectives ({', '.join(REGISTRY)}) and classical detectors "
                        f"({', '.join(CLASSICAL)}; they need pyod: pip install \"mimgan[benchmark]\")")
    b.add_argument("--runs", type=int, default=10, help="seeds 0..runs-1")
    b.add_argument("--seeds", help="explicit comma-separated seeds (overrides --runs)")
    b.add_argument("--protocol", default="one-class",
                   help=f"comma-separated protocols from {', '.join(PROTOCOLS)}")
    b.add_argument("--preset", default="paper",
                   help="comma-separated GAN detector presets: " + "; ".join(f"{k}: {v[1]}" for k, v in PRESETS.items()))
    b.add_argument("--contamination", type=float, help="expected anomaly share for the Eq. 21 threshold of every "
                   f"detector (default: {dflt.contamination})")
    rule = "default: the data-shape rule and the preset, see docs/usage.md"
    b.add_argument("--iterations", "--n-iter", dest="n_iter", type=int, help=f"GAN detectors' training iterations "
                   f"({rule})")
    b.add_argument("--latent-steps", type=int, help=f"GAN detectors' latent search steps, Eq. 22 ({rule})")
    b.add_argument("--hidden", type=int, help=f"GAN detectors' hidden width of G and D ({rule})")
    b.add_argument("--out", default="results", help="output folder: runs, tables and figures go to OUT/benchmark")
    b.add_argument("--force", action="store_true", help="recompute runs already in the store")
    b.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_executor_options(b, default="local")
    _add_pdf_option(b)
    b.set_defaults(func=cmd_benchmark)

    tr = sub.add_parser("train", help="train one GAN; save model, loss history and a plot")
    tr.add_argument("--gan", required=True, type=_gan_spec, metavar="SPEC",
                    help=f"objective: {', '.join(REGISTRY)}, optionally with options, e.g. mim:omega=2 or "
                         "alpha:alpha=0.5")
    tr.add_argument("--data", default="gaussian", help="gaussian, mixture or a path to an .npy array")
    tr.add_argument("--out", default="results/train", help="output folder")
    tr.add_argument("--iters", type=int, default=3000, help="training iterations")
    tr.add_argument("--batch", type=int, default=256, help="batch size")
    tr.add_argument("--hidden", type=int, default=64, help="hidden width of G and D (two layers)")
    tr.add_argument("--latent", type=int, default=8, help="size of z")
    tr.add_argument("--lr", type=float, default=0.001, help="Adam learning rate of G and D")
    tr.add_argument("--seed", type=int, default=0, help="seeds networks, data and training")
    tr.add_argument("--p-rare", type=float, default=0.05, help="rare-mode probability of --data mixture")
    tr.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_pdf_option(tr)
    tr.set_defaults(func=cmd_train)

    ft = sub.add_parser("fit", help="fit a GAN detector on a table of (mostly normal) rows; save it as a .npz")
    ft.add_argument("train", help="the training rows: a CSV/TSV/Parquet/.npz/.mat file or an ODDS set name")
    ft.add_argument("--out", required=True, help="where the detector goes (.npz)")
    ft.add_argument("--gan", default="mim", type=_gan_spec, metavar="SPEC", help="objective spec, e.g. mim, gan, "
                    "mim:omega=2")
    ft.add_argument("--preset", default="paper", choices=list(PRESETS), help="named detector settings (see detect)")
    ft.add_argument("--label", metavar="COLUMN", help="a label column to leave out of the features (default: a "
                    "column named label, y, outlier or anomaly, if any)")
    ft.add_argument("--seed", type=int, default=0, help="seeds the networks, training and the latent search")
    ft.add_argument("--iterations", "--n-iter", dest="n_iter", type=int, help="GAN training iterations (default: the "
                    "data-shape rule)")
    ft.add_argument("--contamination", type=float, help="expected anomaly share; sets Eq. 21's threshold (default: "
                    f"{dflt.contamination})")
    ft.add_argument("--data-dir", help="data folder for a registered set (default: $MIMGAN_DATA or the user cache)")
    ft.add_argument("--quiet", action="store_true", help="no progress bar")
    ft.set_defaults(func=cmd_fit)

    sc = sub.add_parser("score", help="score every row of a table with a detector saved by `mimgan fit`")
    sc.add_argument("model", help="the .npz written by `mimgan fit` (or GANAnomalyDetector.save)")
    sc.add_argument("data", help="the rows to score (same feature columns as the training file)")
    sc.add_argument("--out", required=True, help="CSV with index, score (Eq. 25) and label (Eq. 21) per row")
    sc.add_argument("--label", metavar="COLUMN", help="a label column to leave out of the features")
    sc.add_argument("--data-dir", help="data folder for a registered set (default: $MIMGAN_DATA or the user cache)")
    sc.set_defaults(func=cmd_score)

    rp = sub.add_parser("reproduce", help="reproduce the paper: theory checks, Figure 1, rare events, Figures 2-5")
    rp.add_argument("target", nargs="?", default="all", choices=["all", *NAMES])
    mode = rp.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="few seeds, fewer iterations (< 10 minutes on 2 cores)")
    mode.add_argument("--full", action="store_true", help="the paper's scale (default): 10 seeds, every MNIST digit")
    rp.add_argument("--out", default="results", help="output folder: one sub-folder per stage, report.md/.html")
    rp.add_argument("--seeds", type=int, help="number of seeds (default: the budget's)")
    rp.add_argument("--p-rare", help="comma-separated rare-mode probabilities for rare-events, e.g. 0.01,0.05,0.2")
    rp.add_argument("--dims", default="1,2", help="rare-events data dimensions")
    rp.add_argument("--gan", type=_gan_specs, metavar="SPEC[,SPEC...]", help="objectives of `reproduce fig1` or `reproduce rare-events`: comma-separated specs "
                    f"({', '.join(REGISTRY)}, with options such as mim:omega=2) or 'all' for every registered "
                    "objective (default: the paper's four)")
    rp.add_argument("--force", action="store_true", help="recompute runs already in the store")
    rp.add_argument("--datasets", help="detection datasets to run, e.g. cardio,musk (default: all four)")
    rp.add_argument("--mnist-digits", help="held-out MNIST digits, e.g. 0,3 (default: 0 with --quick, 0-9 with --full)")
    rp.add_argument("--dry-run", action="store_true", help="print the runs of each stage and how many are stored; "
                                                           "run nothing")
    rp.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    rp.add_argument("--option", action="append", metavar="KEY=VALUE",
                    help="override a protocol setting, e.g. phase2_iters=2000, batch=4000, hidden=64, "
                         "phase1_optimizer=sgd (fig1) or iters=5000, batch=128 (rare-events); repeatable")
    rp.add_argument("--quiet", action="store_true", help="no progress display")
    _add_executor_options(rp)
    _add_pdf_option(rp)
    rp.set_defaults(func=cmd_reproduce)

    rep = sub.add_parser("report", help="rebuild report.md/report.html, tables and figures from a results folder")
    rep.add_argument("dir", help="the --out folder of mimgan reproduce (or of mimgan detect)")
    rep.add_argument("--pack", action="store_true", help="first fold each stage's run files into one compact "
                     "runs.jsonl (how docs/results keeps its runs in the repository)")
    rep.add_argument("--docs", metavar="DOCS", help="write the measured-results pages of DOCS (detection, benchmark, "
                     "Figure 1, rare events, Section IV) from the runs in DIR instead of report.md")
    _add_pdf_option(rep)
    rep.set_defaults(func=cmd_report)
    return parser


def _stop(signum, frame):
    raise KeyboardInterrupt  # a scheduler's or `timeout`'s SIGTERM ends a run as ^C does: the pool shut down


def main(argv=None) -> int:
    """The ``mimgan`` command; ``argv=None`` (the installed program) also turns SIGTERM into ^C's clean exit."""
    if argv is None:
        signal.signal(signal.SIGTERM, _stop)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed in one line: its exit code
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if getattr(args, "data_dir", None):
        # Workers, kernels and subprocesses may run in another folder: resolve against the user's one, once.
        args.data_dir = str(Path(args.data_dir).expanduser().absolute())
    try:
        out = getattr(args, "out", None)
        if out and os.path.islink(out) and not os.path.exists(out):
            raise ValueError(f"--out {out} is a symbolic link that leads nowhere (a loop or a missing target)")
        with pdf_figures(getattr(args, "pdf", False)):
            return args.func(args)
    except KeyboardInterrupt:
        print(f"\nmimgan {args.command}: interrupted. Finished runs are kept in the results store; run the same "
              "command again to compute only what is missing.", file=sys.stderr)
        return 130
    except (ValueError, OSError, RuntimeError, FloatingPointError) as exc:
        # Input, data and file-system problems (a missing file, an --out that is a file or not writable) and a
        # training that diverged (NonFiniteLossError) get one clear line, not a traceback.
        return _error(args, str(exc))
    except ImportError as exc:
        return _error(args, f"{exc}: this command needs an optional package (`pip install \"mimgan[benchmark]\"` for "
                            "pyod, `mimgan[dask]` for Dask)")
    except MemoryError as exc:
        return _error(args, f"not enough memory for this run ({exc or 'an allocation failed'}); lower --hidden, "
                            "--runs or the batch size")


def _error(args, message: str) -> int:
    print(f"mimgan {args.command}: error: {' '.join(message.split())}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
