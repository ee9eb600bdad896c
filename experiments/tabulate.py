"""Rows of dicts to CSV, and numbers to table cells (shared by every stage and the report)."""
from __future__ import annotations

import csv
import io
import math


def to_csv(rows) -> str:
    """CSV text with the first row's keys as the header ('' for no rows)."""
    if not rows:
        return ""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def fmt(x, nd: int = 3) -> str:
    """``x`` with ``nd`` decimals, or ``n/a`` for None and non-finite values."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{nd}f}"
