"""Atomic writes and the single-file ``.npz`` format of a trained GAN."""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1


def write_bytes_atomic(path, data: bytes) -> Path:
    """Write via a temporary file in the same folder and ``os.replace``: all or nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def save_npz_atomic(path, arrays: dict, meta: dict) -> Path:
    """``np.savez`` of ``arrays`` plus ``meta`` (JSON) as one atomically written file."""
    buf = io.BytesIO()
    np.savez(buf, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
    return write_bytes_atomic(path, buf.getvalue())


def load_npz(path):
    """Inverse of :func:`save_npz_atomic`: ``(arrays, meta)``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no saved model at {path}")
    with np.load(path, allow_pickle=False) as z:
        if "__meta__" not in z:
            raise ValueError(f"{path} is not a mimgan model file (no metadata)")
        meta = json.loads(bytes(z["__meta__"]).decode())
        arrays = {k: z[k] for k in z.files if k != "__meta__"}
    return arrays, meta
