"""The ``mimgan`` command line: one entry point for the theory checks and the experiments."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def cmd_verify(args) -> int:
    from theory.checks import ERROR, run_all
    from theory.report import format_table, to_json, to_markdown

    t0 = time.perf_counter()
    results = run_all(progress=(lambda name: print(f"  checking {name} ...", file=sys.stderr)) if not args.quiet else None)
    print(format_table(results))
    print(f"\n{len(results)} checks in {time.perf_counter() - t0:.1f} s")
    from nn.serialization import write_text_atomic
    if args.json:
        write_text_atomic(Path(args.json), to_json(results))
    if args.markdown:
        write_text_atomic(Path(args.markdown), to_markdown(results))
    # A "fails" verdict is a finding about the paper; only a crashed check is an error.
    return 1 if any(r.verdict == ERROR for r in results) else 0


def cmd_data(args) -> int:
    from experiments import datasets as ds

    root = ds.data_dir(args.data_dir)
    if args.action == "list":
        print(f"data folder: {root}  (override with --data-dir or ${ds.ENV_VAR})")
        for name in ds.dataset_names():
            spec = ds.get_spec(name)
            status = {f.relpath: ("ok" if (root / f.relpath).exists() else "missing") for f in spec["files"]}
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


def cmd_detect(args) -> int:
    from experiments.aggregate import write_summary
    from experiments.detect import GANS, dataset_key, run_detection

    gans = [g.strip() for g in args.gan.split(",") if g.strip()]
    from nn.objectives import REGISTRY
    bad = [g for g in gans if g not in REGISTRY]
    if bad:
        raise SystemExit(f"mimgan detect: unknown GAN {bad}; choose from {sorted(REGISTRY)}")
    digits = [None]
    if args.dataset == "mnist":
        digits = list(range(10)) if args.digit == "all" else [int(args.digit)]
    overrides = {"n_iter": args.n_iter, "hidden": args.hidden, "latent_dim": args.latent_dim,
                 "latent_steps": args.latent_steps, "batch_size": args.batch_size, "ce_input": args.ce_input}
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    for digit in digits:
        recs = run_detection(args.dataset, gans, args.runs, args.out, args.protocol, digit or 0, args.force,
                             not args.quiet, args.data_dir, seeds, **overrides)
        name = dataset_key(args.dataset) + (f"_digit{digit}" if digit is not None else "")
        reading = recs[0]["default_reading"]
        rows, tests, png = write_summary(recs, args.out, name, reading)
        print(f"\n{name}: {len(recs)} runs ({reading} reading of Eq. 24; figure {png})")
        for r in rows:
            if r["reading"] == reading:
                print(f"  {r['gan']:8s} AUC {r['auc_mean']:.3f} +- {r['auc_std']:.3f}   "
                      f"F1 {r['f1_threshold_mean']:.3f} +- {r['f1_threshold_std']:.3f}   "
                      f"{r['seconds_per_run']:.1f} s/run")
        for t in tests:
            print(f"  MIM vs {t['other']:6s}: mean AUC diff {t['mean_diff']:+.3f}, wins {t['wins']}/{t['n']}, "
                  f"Wilcoxon p = {t['p_value']:.3g}")
    return 0


def cmd_train(args) -> int:
    from experiments.train import train

    res = train(args.gan, args.data, args.out, args.iters, args.batch, args.hidden, args.latent, args.lr, args.seed,
                args.p_rare, progress=not args.quiet)
    print(f"trained {args.gan} for {args.iters} iterations in {res['seconds']:.1f} s")
    for k in ("model", "history", "plot"):
        print(f"  {k}: {res[k]}")
    return 0


def _floats(text):
    return [float(v) for v in text.split(",")] if text else None


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


def cmd_reproduce(args) -> int:
    from experiments import reproduce as rp

    opts = _options(args.option)
    targets = [args.target] if args.target != "all" else ["fig1", "rare-events"]
    for target in targets:
        if target == "fig1":
            r = rp.reproduce_fig1(args.out, args.quick, args.seeds, args.force, not args.quiet, **opts)
            print(f"fig1: {r['computed']} of {r['total']} runs computed in {r['seconds']:.1f} s; figure {r['figure']}")
            for row in r["rows"]:
                print(f"  {row['gan']:6s} N={row['N']:5d} final L {row['final_mean']:+.4f} +- {row['final_std']:.4f}"
                      f"  |L - L_eq| {row['final_distance_to_equilibrium_mean']:.4f}"
                      f"  settle {row['settle_iteration_mean']:.0f} it  last-100 std {row['std_last_100_mean']:.2e}")
        else:
            r = rp.reproduce_rare(args.out, args.quick, args.seeds, args.force, not args.quiet,
                                  p_values=_floats(args.p_rare), dims=[int(d) for d in args.dims.split(",")], **opts)
            print(f"rare-events: {r['computed']} of {r['total']} runs computed in {r['seconds']:.1f} s; "
                  f"figure {r['figure']}")
            for row in r["rows"]:
                print(f"  {row['dim']}-D p={row['p_rare']:<5g} {row['gan']:6s} rare mass {row['rare_mass_mean']:.4f} "
                      f"+- {row['rare_mass_ci95']:.4f} (95% CI)  distance {row['distance_mean']:.3f}  "
                      f"Upsilon_MIM/KL at q_hat {row['upsilon_mim_at_mean_q']:.4f}/{row['upsilon_kl_at_mean_q']:.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mimgan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="check every claim of Sections II-III and list the errata")
    v.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    v.add_argument("--markdown", metavar="PATH", help="also write a Markdown report")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.set_defaults(func=cmd_verify)

    d = sub.add_parser("data", help="list, fetch or verify the datasets")
    d.add_argument("action", choices=["list", "fetch", "verify"])
    d.add_argument("name", nargs="?", help="dataset to fetch (default: all)")
    d.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    d.set_defaults(func=cmd_data)

    t = sub.add_parser("detect", help="GAN anomaly detection runs and Figures 2-5")
    t.add_argument("--dataset", required=True, help="cardio, thyroid, musk, mnist or a path to an ODDS .mat file")
    t.add_argument("--gan", default="mim,gan,lsgan,wgan", help="comma-separated objectives")
    t.add_argument("--runs", type=int, default=10, help="seeds 0..runs-1")
    t.add_argument("--seeds", help="explicit comma-separated seeds (overrides --runs)")
    t.add_argument("--out", default="results/detect", help="output folder (results store + tables + figures)")
    t.add_argument("--protocol", default="one-class", choices=["one-class", "contaminated"])
    t.add_argument("--digit", default="0", help="MNIST anomalous digit 0-9 or 'all'")
    t.add_argument("--force", action="store_true", help="recompute runs already in the store")
    t.add_argument("--data-dir", help="data folder (default: $MIMGAN_DATA or the user cache)")
    t.add_argument("--n-iter", type=int, help="GAN training iterations")
    t.add_argument("--hidden", type=int, help="hidden width")
    t.add_argument("--latent-dim", type=int)
    t.add_argument("--latent-steps", type=int, help="Adam steps of the latent search")
    t.add_argument("--batch-size", type=int)
    t.add_argument("--ce-input", choices=["logit", "output"], help="reading of Eq. 24 used for the threshold")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_detect)

    tr = sub.add_parser("train", help="train one GAN; save model, loss history and a plot")
    tr.add_argument("--gan", required=True, choices=["mim", "gan", "lsgan", "wgan", "wgan-gp"])
    tr.add_argument("--data", default="gaussian", help="gaussian, mixture or a path to an .npy array")
    tr.add_argument("--out", default="results/train")
    tr.add_argument("--iters", type=int, default=3000)
    tr.add_argument("--batch", type=int, default=256)
    tr.add_argument("--hidden", type=int, default=64)
    tr.add_argument("--latent", type=int, default=8)
    tr.add_argument("--lr", type=float, default=0.001)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--p-rare", type=float, default=0.05, help="rare-mode probability of --data mixture")
    tr.add_argument("--quiet", action="store_true")
    tr.set_defaults(func=cmd_train)

    rp = sub.add_parser("reproduce", help="reproduce the paper's experiments")
    rp.add_argument("target", nargs="?", default="all", choices=["all", "fig1", "rare-events"])
    rp.add_argument("--quick", action="store_true", help="few seeds, fewer iterations (minutes)")
    rp.add_argument("--out", default="results")
    rp.add_argument("--seeds", type=int, help="number of seeds (default 10, --quick 2-3)")
    rp.add_argument("--p-rare", help="comma-separated rare-mode probabilities for rare-events, e.g. 0.01,0.05,0.2")
    rp.add_argument("--dims", default="1,2", help="rare-events data dimensions")
    rp.add_argument("--force", action="store_true", help="recompute runs already in the store")
    rp.add_argument("--option", action="append", metavar="KEY=VALUE",
                    help="override a protocol setting, e.g. phase2_iters=2000, batch=4000, hidden=64, "
                         "phase1_optimizer=sgd (fig1) or iters=5000, batch=128 (rare-events); repeatable")
    rp.add_argument("--quiet", action="store_true")
    rp.set_defaults(func=cmd_reproduce)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        # Input and data problems get one clear line, not a traceback.
        print(f"mimgan {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
