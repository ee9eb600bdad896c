"""``OUT/report.md`` and ``OUT/report.html`` from the results stores alone (``mimgan report OUT``).

Reads ``OUT/reproduce.json`` (which run ids make up each stage group, the
budget, skipped groups and wall times) and the stored run records; each stage
redraws its own section, tables and figures from them; nothing is trained.
Without a ``reproduce.json`` (folders filled by ``mimgan detect`` or
``mimgan reproduce fig1``) it reports every record it finds.
"""
from __future__ import annotations

import json
from pathlib import Path

from ...files import write_text_atomic
from ..stages import STAGES, store
from ..tabulate import fmt
from .document import Document
from .claims import section4_claims
from .references import ADBENCH

COMPARISON = "Comparison with published numbers"
CLAIMS = "Claims of Section IV"
def sections() -> tuple:
    """The report's section titles, in order (every stage's own in the middle)."""
    return ("Summary", *(s for st in STAGES.values() for s in st.SECTIONS), COMPARISON, CLAIMS, "Skipped parts",
            "Configuration", "Library versions", "Wall times")


def __getattr__(name):
    # SECTIONS is computed when asked for: listing every stage's sections imports every stage module.
    if name == "SECTIONS":
        return sections()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stage_records(out: Path, name: str, stage_log=None) -> dict:
    """``{group label: records}`` of stage ``name``: the run ids the plan lists, or every stored record.

    With a plan, a group the plan does not list (runs that ``mimgan benchmark`` or ``mimgan detect`` wrote into
    the same folder, e.g. classical detectors on MNIST) is reported with every record it holds: they were put
    there to be seen. A planned group keeps to its planned ids (other budgets' runs of it stay out).
    """
    stage = STAGES[name]
    runs = store(out, stage)
    if stage_log and "ids" in stage_log:
        planned = stage_log["ids"]
        groups = {label: [runs.read(i) for i in ids if runs.has(i)] for label, ids in planned.items()}
        for r in runs.records():
            label = stage.group_of(r)
            if label not in planned:
                groups.setdefault(label, []).append(r)
        return groups
    groups = {}
    for r in runs.records():
        groups.setdefault(stage.group_of(r), []).append(r)
    return groups


def unplanned_groups(log: dict, records: dict) -> dict:
    """``{stage: [group labels]}`` of the groups reported that the plan in ``log`` does not list."""
    stages = log.get("stages", {})
    return {name: sorted(set(groups) - set(stages[name]["ids"])) for name, groups in records.items()
            if name in stages and "ids" in stages[name] and set(groups) - set(stages[name]["ids"])}


def compare_section(doc, detect, baselines):
    """Best GAN of the detection stage next to the best classical detector measured on the same splits."""
    doc.heading(COMPARISON)
    measured = {}
    for s in (baselines or {}).values():
        for r in s["rows"]:
            if r["kind"] == "classical":
                key = (r["dataset"], r["protocol"])
                if key not in measured or r["auc_mean"] > measured[key]["auc_mean"]:
                    measured[key] = r
    rows = []
    for label, s in detect.items():
        if s["dataset"] not in ADBENCH:
            continue
        best = max(s["rows"], key=lambda r: r["auc_mean"])
        mim = next((r for r in s["rows"] if r["gan"] == "mim"), None)
        ref = measured.get((s["dataset"], s["protocol"]))
        rows.append([label, s["protocol"], fmt(mim["auc_mean"]) if mim else "n/a",
                     f"{best['gan']} {best['auc_mean']:.3f} ({best['runs']} seeds)",
                     f"{ref['label']} {ref['auc_mean']:.3f} ({ref['runs']} seeds)" if ref else "not measured",
                     f"{best['auc_mean'] - ref['auc_mean']:+.3f}" if ref else "n/a",
                     f"{ADBENCH[s['dataset']]:.4f}"])
    if not rows:
        doc.para("No ODDS results to compare.")
        return
    doc.para("Best classical detector as measured by the `benchmark` stage on the same splits and seeds (pyod, "
             "standardised features; its section lists the defaults changed) and ADBench's published "
             "unsupervised number (70/30 split with anomalies in training — a different protocol; "
             "`mimgan detect --protocol contaminated` follows it). `mimgan benchmark` adds paired tests and "
             "more detectors.")
    doc.table(["dataset", "protocol", "MIM AUC", "best GAN here", "best classical (measured)",
               "best GAN - classical", "ADBench (contaminated)"], rows)


def read_log(path) -> dict:
    """``reproduce.json``, or an error naming the file when it is not a mimgan plan (garbage, truncated)."""
    try:
        log = json.loads(Path(path).read_text())
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable mimgan plan ({exc}); delete it to report every stored "
                         "record, or rerun `mimgan reproduce` to write it again") from None
    if not isinstance(log, dict) or not isinstance(log.get("stages", {}), dict):
        raise ValueError(f"{path} is not a mimgan plan (no 'stages' mapping); delete it or rerun `mimgan reproduce`")
    return log


def load_records(out, log=None) -> dict:
    """``{stage: {group label: records}}`` of a results folder (the plan's runs when ``reproduce.json`` is there)."""
    out = Path(out)
    if log is None:
        log_path = out / "reproduce.json"
        log = read_log(log_path) if log_path.exists() else {"stages": {}}
    stages = log.get("stages", {})
    return {name: stage_records(out, name, stages.get(name)) for name in STAGES}


def claims_section(doc, records) -> list[dict]:
    """One row per experimental claim of Section IV, with its statistic, test and computed verdict."""
    doc.heading(CLAIMS)
    rows = section4_claims(records)
    if not rows:
        doc.para("No stored Figure 1, detection or rare-event runs to judge the claims by.")
        return rows
    doc.para("Verdicts are computed from the runs above: paired Wilcoxon tests over common seeds for better/worse, "
             "Brown-Forsythe tests for volatility (5 %); *pairs* counts the paired units (seeds, or (N, seed) for "
             "Figure 1). *Inconclusive* means fewer than 6 for a test.")
    doc.table(["claim", "statistic", "test", "pairs", "verdict", "comparisons"],
              [[r["claim"], r["statistic"], r["test"], r["seeds"], f"**{r['verdict']}**", r["detail"]] for r in rows])
    return rows


def _skipped(log, has_log) -> dict:
    stages = log.get("stages", {})
    skipped = {k: v for st in stages.values() for k, v in st.get("skipped", {}).items()}
    skipped.update({s: "not requested" for s in STAGES if has_log and s not in stages})
    if "detect" in stages:
        budget = log.get("budget", {}).get("detect", {})
        opts = log.get("options", {}).get("detect", {})
        # groups an earlier invocation planned (the log keeps them) are in the folder, not left out
        planned = set(stages["detect"].get("ids", {}))
        for name in budget:
            if opts.get("datasets") and name not in opts["datasets"] and not any(
                    g == name or g.startswith(name + "_digit") for g in planned):
                skipped[name] = "not requested (--datasets)"
        digits = opts.get("mnist_digits")
        left = sorted(d for d in set(budget.get("mnist", {}).get("digits", ())) - set(digits or ())
                      if f"mnist_digit{d}" not in planned)
        if digits is not None and left and "mnist" not in skipped:
            skipped["mnist digits " + ",".join(map(str, left))] = (
                f"not requested (--mnist-digits {','.join(map(str, digits))}; the {log['mode']} budget has them)")
    return skipped


def _record_seconds(r):
    v = r.get("seconds", r.get("timings", {}).get("total_s") if isinstance(r.get("timings"), dict) else None)
    return v if isinstance(v, (int, float)) else None


def build_report(out) -> dict:
    """Write ``report.md`` and ``report.html`` under ``out``; return their paths and the section names."""
    out = Path(out)
    if not out.is_dir():
        raise FileNotFoundError(f"no results folder at {out}")
    log_path = out / "reproduce.json"
    has_log = log_path.exists()
    log = read_log(log_path) if has_log else {"stages": {}}
    stages = log.get("stages", {})
    doc = Document("mimgan: reproduction of “MIM-Based GAN” (She & Fan)")
    doc.heading("Summary")
    if has_log:
        doc.para(f"Mode `{log['mode']}`, executor: {log['executor']}. Started {log['started']}; wall time "
                 f"{log.get('wall_seconds', 0) / 60:.1f} min for the stages run ({', '.join(stages)}).")
        doc.para(f"Command: `{log['command']}`")
    else:
        doc.para("No `reproduce.json` here: the report covers every stored record found.")
    records = load_records(out, log)
    if not has_log and not any(rs for groups in records.values() for rs in groups.values()):
        raise ValueError(f"{out} holds no mimgan runs (no reproduce.json and no <stage>/runs/*.json): nothing "
                         "to report; pass the --out folder of `mimgan reproduce` or `mimgan detect`")
    summaries = {name: stage.report(doc, out, records[name]) for name, stage in STAGES.items()}
    compare_section(doc, summaries["detect"], summaries.get("benchmark"))
    claims_section(doc, records)
    doc.heading("Skipped parts")
    skipped = _skipped(log, has_log)
    for name, stage in STAGES.items():
        for path in store(out, stage).corrupt_files():
            skipped[f"{name} record {path.relative_to(out)}"] = ("unreadable or foreign, moved aside; rerunning the "
                                                                  "same command computes that run again")
    doc.bullets([f"{k}: {v}" for k, v in skipped.items()]) if skipped else doc.para("None.")
    doc.heading("Configuration")
    if has_log:
        doc.para("Budget of this mode, then the defaults it overrides (every run's full configuration is also "
                 "in its JSON record, whose file name is the hash of that configuration):")
        doc.pre(json.dumps({k: log.get(k) for k in ("mode", "budget", "seeds_override", "options")}, indent=1))
        doc.pre(json.dumps({f"{name} defaults": st.defaults() for name, st in STAGES.items() if st.defaults()},
                           indent=1))
    else:
        doc.para("See each run's JSON record.")
    doc.heading("Library versions")
    vers = log.get("versions") or {}
    doc.table(["package", "version"], [[k, v] for k, v in vers.items()]) if vers else doc.para("Not recorded.")
    doc.heading("Wall times")
    if stages:
        doc.table(["stage", "runs computed / total", "wall time of the last invocation"],
                  [[name, f"{s.get('computed', 0)} / {s.get('total', 0)}", f"{s.get('seconds', 0):.1f} s"]
                   for name, s in stages.items()])
    inv = log.get("invocations", [])
    if len(inv) > 1:
        doc.para(f"This folder was filled by {len(inv)} invocations (an interrupted run is resumed by rerunning the "
                 f"same command), {sum(i['wall_seconds'] for i in inv) / 60:.1f} min of wall time in all:")
        doc.table(["started", "mode", "runs computed", "wall time"],
                  [[i["started"], i["mode"], i["computed"], f"{i['wall_seconds']:.1f} s"] for i in inv])
    compute = {}
    for name in ("fig1", "rare-events", "detect"):
        secs = [s for r in store(out, STAGES[name]).records() if (s := _record_seconds(r)) is not None]
        if secs:
            compute[name] = sum(secs)
    if compute:
        doc.para("Compute time stored with the records (sum over runs, all invocations): "
                 + ", ".join(f"{k} {v / 60:.1f} min" for k, v in compute.items()) + ".")
    md, html = out / "report.md", out / "report.html"
    write_text_atomic(md, doc.to_markdown())
    write_text_atomic(html, doc.to_html())
    return {"markdown": md, "html": html, "sections": doc.section_names()}
