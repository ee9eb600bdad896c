"""Render check results: a console table, JSON, and a Markdown report with the errata list."""
from __future__ import annotations

import json

import numpy as np

from .verdict import HOLDS, HOLDS_UNDER_CONDITION, CheckResult, Erratum


def errata(results: list[CheckResult]) -> list[Erratum]:
    """All errata and over-claims the checks produced, in check order.

    Every verdict other than "holds" appears here: a check whose finding is only a computed condition
    (no printed step to correct) contributes the claim as printed and the condition under which it holds.
    """
    out = []
    for r in results:
        out.extend(r.errata)
        if r.verdict != HOLDS and not r.errata:
            if r.verdict == HOLDS_UNDER_CONDITION:
                should, kind = f"holds only under the condition: {r.condition}", "condition"
            else:
                should, kind = f"{r.verdict} (check {r.id}; evidence in the check table)", r.verdict
            out.append(Erratum(r.claim.split(":")[0], r.claim, should, kind=kind))
    return out


def _key_numbers(r: CheckResult, limit: int = 3) -> str:
    parts = []
    for k, v in r.evidence.items():
        if k == "module_seconds" or isinstance(v, (dict, list)):
            continue
        if isinstance(v, (float, np.floating)):
            parts.append(f"{k}={float(v):.3g}")
        elif isinstance(v, (bool, int, np.integer)):
            parts.append(f"{k}={v}")
        if len(parts) == limit:
            break
    return "; ".join(parts)


def format_table(results: list[CheckResult]) -> str:
    """Fixed-width table: id, item, verdict, key numbers, condition."""
    w_id = max(len(r.id) for r in results)
    w_v = max(len(r.verdict) for r in results)
    lines = [f"{'check':<{w_id}}  item  {'verdict':<{w_v}}  key numbers", "-" * (w_id + w_v + 40)]
    for r in results:
        lines.append(f"{r.id:<{w_id}}  {r.item:>4}  {r.verdict:<{w_v}}  {_key_numbers(r)}")
        if r.condition:
            lines.append(f"{'':<{w_id}}        condition: {r.condition}")
    errs = errata(results)
    lines.append("")
    lines.append(f"Errata and over-claims found ({len(errs)}):")
    for e in errs:
        lines.append(f"  [{e.kind}] {e.equation}: printed {e.printed!r}; should read {e.should_read!r}")
    return "\n".join(lines)


def _jsonable(obj):
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


def to_json(results: list[CheckResult]) -> str:
    """JSON: ``{"checks": [...], "errata": [...]}``; each check has id, claim, verdict, evidence."""
    payload = {"checks": [r.to_dict() for r in results], "errata": [e.__dict__ for e in errata(results)]}
    return json.dumps(payload, indent=2, default=_jsonable, allow_nan=True)


def to_markdown(results: list[CheckResult]) -> str:
    """A Markdown report: summary table, per-check evidence, errata list."""
    out = ["# MIM-GAN theory verification", "",
           "| check | item | claim | verdict |", "|---|---|---|---|"]
    for r in results:
        out.append(f"| `{r.id}` | {r.item} | {r.claim.replace('|', '/')} | **{r.verdict}** |")
    out += ["", "## Details", ""]
    for r in results:
        out += [f"### `{r.id}` — {r.verdict}", "", f"*Claim.* {r.claim}", "", f"*Checked.* {r.checked}", ""]
        if r.condition:
            out += [f"*Condition.* {r.condition}", ""]
        out += ["```json", json.dumps(r.evidence, indent=1, default=_jsonable)[:4000], "```", ""]
    out += ["## Errata and over-claims", "", "| equation | kind | as printed | as it should read |", "|---|---|---|---|"]
    for e in errata(results):
        out.append(f"| {e.equation} | {e.kind} | {e.printed} | {e.should_read} |")
    return "\n".join(out) + "\n"
