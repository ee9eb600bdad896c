"""Stage ``theory``: every claim check of Sections II–III, once per library version (``mimgan verify``)."""
from __future__ import annotations

import json
import sys
import time

from ... import __version__
from ...theory.checks import ERROR, run_all
from ...theory.report import to_json
from .base import Group

NAME = "theory"
SECTIONS = ("Theory verification (Sections II-III)", "Errata and over-claims")
IN_PROCESS = True


def config() -> dict:
    """The theory checks depend on the library version only."""
    return {"stage": "theory", "version": __version__}


def groups(budget=None, seeds=None, **options) -> list[Group]:
    if options:
        raise ValueError(f"the theory stage has no options, got {sorted(options)}")
    return [Group(NAME, [config()])]


def run(cfg, data_dir=None, progress=True) -> dict:
    t0 = time.perf_counter()
    say = (lambda name: print(f"  theory: checking {name} ...", file=sys.stderr)) if progress else None
    results = run_all(progress=say)
    return {"config": cfg, **json.loads(to_json(results)), "errors": sum(r.verdict == ERROR for r in results),
            "seconds": time.perf_counter() - t0}


def run_name(cfg) -> str:
    return f"theory-{cfg['version']}"


def group_of(record) -> str:
    return NAME


def defaults() -> dict:
    return {}


def summarise(root, label, records) -> dict:
    return {}


def report(doc, out, groups) -> dict:
    recs = [r for rs in groups.values() for r in rs]
    doc.heading(SECTIONS[0])
    if not recs:
        doc.para("Not run.")
        doc.heading(SECTIONS[1]).para("Not run.")
        return {}
    rec = recs[-1]
    checks = rec["checks"]
    counts = {}
    for c in checks:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    doc.para(f"{len(checks)} computed checks (library {rec['config']['version']}): "
             + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + ".")
    doc.table(["check", "item", "claim", "verdict", "condition"],
              [[c["id"], c.get("item", ""), c.get("claim", ""), c["verdict"], c.get("condition") or ""]
               for c in checks])
    doc.heading(SECTIONS[1])
    errs = rec.get("errata", [])
    if not errs:
        doc.para("None found.")
    else:
        doc.bullets([f"[{e['kind']}] {e['equation']}: printed `{e['printed']}`; should read `{e['should_read']}`"
                     + (f" ({e['note']})" if e.get("note") else "") for e in errs])
    return {"checks": checks, "errata": errs}
