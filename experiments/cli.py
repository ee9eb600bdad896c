"""The ``mimgan`` command line: one entry point for the theory checks and the experiments."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _write_atomic(path: Path, text: str) -> None:
    from experiments.io import write_text_atomic
    write_text_atomic(path, text)


def cmd_verify(args) -> int:
    from theory.checks import ERROR, run_all
    from theory.report import format_table, to_json, to_markdown

    t0 = time.perf_counter()
    results = run_all(progress=(lambda name: print(f"  checking {name} ...", file=sys.stderr)) if not args.quiet else None)
    print(format_table(results))
    print(f"\n{len(results)} checks in {time.perf_counter() - t0:.1f} s")
    if args.json:
        _write_atomic(Path(args.json), to_json(results))
    if args.markdown:
        _write_atomic(Path(args.markdown), to_markdown(results))
    # A "fails" verdict is a finding about the paper; only a crashed check is an error.
    return 1 if any(r.verdict == ERROR for r in results) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mimgan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="check every claim of Sections II-III and list the errata")
    v.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    v.add_argument("--markdown", metavar="PATH", help="also write a Markdown report")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.set_defaults(func=cmd_verify)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
