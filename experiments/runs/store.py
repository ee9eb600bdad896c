"""Results store: one JSON file per run, named by a hash of the run's full configuration.

Writes are atomic (temporary file + rename), so a run killed at any point
leaves either its complete result or none; rerunning skips finished runs.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ...nn.serialization import write_text_atomic


def run_id(config: dict) -> str:
    """Stable 16-hex-digit id of a configuration (key order does not matter)."""
    # The encoder the records are written with: a config read back from its file hashes to the same id.
    blob = json.dumps(config, sort_keys=True, default=_jsonable).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


class ResultStore:
    """One JSON record per run under ``ROOT/runs/``, found by the run id that ends its file name.

    ``name(config)`` (optional) gives a readable relative stem, e.g.
    ``cardio/mim-seed3``: the record is then stored as
    ``runs/cardio/mim-seed3-<id>.json``; without it, as ``runs/<id>.json``.
    Only the id identifies a run, so renaming the stem never loses one.
    ``required`` names the keys a record of this stage must have besides ``config``: a record without them
    is foreign (moved aside and recomputed), not a crash of whatever reads it later.
    """

    def __init__(self, root, name=None, required=()):
        self.root = Path(root)
        self.required = tuple(required)
        self.runs = self.root / "runs"
        self._name = name
        self._index = None
        self.quarantined: list[Path] = []

    def _files(self) -> dict:
        if self._index is None:
            self._index = {}
            if self.runs.exists():
                for p in sorted(self.runs.rglob("*.json")):
                    rid = p.stem[-16:]
                    if _is_id(rid):
                        self._index[rid] = p
        return self._index

    def path(self, rid: str, config=None) -> Path:
        """Where record ``rid`` is (or, with its ``config``, would be) stored."""
        found = self._files().get(rid)
        if found is not None:
            return found
        if config is not None and self._name is not None:
            return self.runs / f"{self._name(config)}-{rid}.json"
        return self.runs / f"{rid}.json"

    def has(self, rid: str) -> bool:
        """True when a readable record of run ``rid`` is stored; a garbage, truncated or foreign file
        under its name is moved aside (``*.corrupt``), so the run is computed again."""
        path = self._files().get(rid)
        if path is None or not path.exists():
            return False
        return self._valid(rid, path)

    def _valid(self, rid, path) -> bool:
        try:
            rec = json.loads(path.read_text())
            ok = (isinstance(rec, dict) and isinstance(rec.get("config"), dict) and run_id(rec["config"]) == rid
                  and all(k in rec for k in self.required))
        except (OSError, UnicodeDecodeError, ValueError):
            ok = False
        if not ok:
            aside = path.with_name(path.name + ".corrupt")
            os.replace(path, aside)
            del self._index[rid]
            self.quarantined.append(aside)
        return ok

    def corrupt_files(self) -> list[Path]:
        """Records moved aside as unreadable, by this process or earlier ones."""
        return sorted(self.runs.rglob("*.corrupt")) if self.runs.exists() else []

    def write(self, rid: str, record: dict) -> Path:
        path = write_text_atomic(self.path(rid, record.get("config")), json.dumps(record, indent=1, default=_jsonable))
        self._files()[rid] = path
        return path

    def read(self, rid: str) -> dict:
        return json.loads(self.path(rid).read_text())

    def records(self, **match) -> list[dict]:
        """Every stored record whose ``config`` has the given key/values."""
        out = []
        for rid in sorted(self._files(), key=lambda r: self._files()[r].as_posix()):
            if not self.has(rid):
                continue
            rec = self.read(rid)
            if all(rec.get("config", {}).get(k) == v for k, v in match.items()):
                out.append(rec)
        return out


def _is_id(text: str) -> bool:
    return len(text) == 16 and all(c in "0123456789abcdef" for c in text)


def _jsonable(o):
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
