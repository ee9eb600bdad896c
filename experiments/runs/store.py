"""Results store: one JSON file per run, named by a hash of the run's full configuration.

Writes are atomic (temporary file + rename), so a run killed at any point
leaves either its complete result or none; rerunning skips finished runs.

A store can also hold its records *packed*: ``ROOT/runs.jsonl``, one record
per line, sorted (:meth:`ResultStore.pack`).  Packed records count as stored
like loose ones, so a sweep kept in the repository in this compact form
(``docs/results/``) is extended by a later run instead of redone.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ...files import write_text_atomic


#: Keys of a configuration that say where its inputs lie, not what the run is: not part of the run id (a data
#: file is identified by its sha256 inside ``config["dataset"]``, wherever it lies and however it was typed).
LOCATION_KEYS = ("source",)
#: The file a store's packed records live in, beside ``runs/``.
PACK = "runs.jsonl"


def run_id(config: dict) -> str:
    """Stable 16-hex-digit id of a configuration (key order does not matter; :data:`LOCATION_KEYS` are left out)."""
    # The encoder the records are written with: a config read back from its file hashes to the same id.
    what = {k: v for k, v in config.items() if k not in LOCATION_KEYS}
    blob = json.dumps(what, sort_keys=True, default=_jsonable).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+- ")


def safe_stem(stem: str) -> str:
    """A record's readable stem with every path component safe on every common file system: a spec's ``:``,
    ``,`` and ``=`` (``lsgan:a=-1,b=1``) and anything else outside ``[A-Za-z0-9._+- ]`` become ``+``
    (``lsgan+a-1+b1``).  The canonical spec stays inside the record; only the id identifies it."""
    parts = []
    for part in stem.split("/"):
        clean = "".join(c if c in _SAFE else "+" for c in part.replace("=", "")).strip(". ") or "_"
        parts.append(clean)
    return "/".join(parts)


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
        self._pack = None
        self.quarantined: list[Path] = []

    @property
    def pack_path(self) -> Path:
        return self.root / PACK

    def _packed(self) -> dict:
        """``{run id: record}`` of the pack; a line that is not a valid record of this stage is left out."""
        if self._pack is None:
            self._pack = {}
            if self.pack_path.exists():
                for line in self.pack_path.read_text().splitlines():
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(rec, dict) and isinstance(rec.get("config"), dict) and all(
                            k in rec for k in self.required):
                        self._pack[run_id(rec["config"])] = rec
        return self._pack

    def pack(self) -> int:
        """Fold every loose record into ``runs.jsonl`` (one line each, in file-name order) and delete the loose
        files; returns how many records the pack holds.  Atomic: the pack is replaced whole."""
        records = self._packed()
        loose = [(rid, p) for rid, p in self._files().items() if self.has(rid)]
        for rid, p in loose:
            records[rid] = json.loads(p.read_text())
        order = sorted(records, key=lambda rid: self._stem(rid, records[rid].get("config")))
        write_text_atomic(self.pack_path, "".join(json.dumps(records[rid], sort_keys=True, default=_jsonable) + "\n"
                                                  for rid in order))
        for _, p in loose:
            p.unlink()
        self._index = None
        return len(records)

    def _files(self) -> dict:
        if self._index is None:
            self._index = {}
            if self.runs.exists():
                for p in sorted(self.runs.rglob("*.json")):
                    rid = p.stem[-16:]
                    if _is_id(rid):
                        self._index[rid] = p
        return self._index

    def _stem(self, rid, config=None) -> str:
        if config is not None and self._name is not None:
            return f"{safe_stem(self._name(config))}-{rid}"
        return rid

    def path(self, rid: str, config=None) -> Path:
        """Where record ``rid`` is (or, with its ``config``, would be) stored as a loose file."""
        found = self._files().get(rid)
        if found is not None:
            return found
        return self.runs / f"{self._stem(rid, config)}.json"

    def has(self, rid: str) -> bool:
        """True when a readable record of run ``rid`` is stored (loose or packed); a garbage, truncated or
        foreign file under its name is moved aside (``*.corrupt``), so the run is computed again."""
        path = self._files().get(rid)
        if path is not None and path.exists() and self._valid(rid, path):
            return True
        return rid in self._packed()

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
        path = self._files().get(rid)
        if path is None and rid in self._packed():
            return self._packed()[rid]
        return json.loads(self.path(rid).read_text())

    def records(self, **match) -> list[dict]:
        """Every stored record (loose or packed) whose ``config`` has the given key/values, in file-name order."""
        packed = self._packed()
        stems = {rid: self._stem(rid, rec.get("config")) for rid, rec in packed.items()}
        stems.update({rid: p.relative_to(self.runs).with_suffix("").as_posix() for rid, p in self._files().items()})
        out = []
        for rid in sorted(stems, key=stems.get):
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
