"""Results store: one JSON file per run, named by a hash of the run's full configuration.

Writes are atomic (temporary file + rename), so a run killed at any point
leaves either its complete result or none; rerunning skips finished runs.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ...nn.serialization import write_text_atomic


def run_id(config: dict) -> str:
    """Stable 16-hex-digit id of a configuration (key order does not matter)."""
    blob = json.dumps(config, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


class ResultStore:
    def __init__(self, root):
        self.root = Path(root)
        self.runs = self.root / "runs"

    def path(self, rid: str) -> Path:
        return self.runs / f"{rid}.json"

    def has(self, rid: str) -> bool:
        return self.path(rid).exists()

    def write(self, rid: str, record: dict) -> Path:
        return write_text_atomic(self.path(rid), json.dumps(record, indent=1, default=_jsonable))

    def read(self, rid: str) -> dict:
        return json.loads(self.path(rid).read_text())

    def records(self, **match) -> list[dict]:
        """Every stored record whose ``config`` has the given key/values."""
        out = []
        if not self.runs.exists():
            return out
        for p in sorted(self.runs.glob("*.json")):
            rec = json.loads(p.read_text())
            if all(rec.get("config", {}).get(k) == v for k, v in match.items()):
                out.append(rec)
        return out


def _jsonable(o):
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
