"""The single-file ``.npz`` format of a trained GAN (written atomically, :mod:`mimgan.files`)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from ..files import write_bytes_atomic

FORMAT_VERSION = 1


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
    try:
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise ValueError("a single array, not an archive")
            contents = {k: z[k] for k in z.files}
        if "__meta__" not in contents:
            raise ValueError("no metadata")
        meta = json.loads(bytes(contents.pop("__meta__")).decode())
        arrays = contents
    except (zipfile.BadZipFile, EOFError, OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a readable mimgan model file: truncated or corrupt "
                         f"({type(exc).__name__}: {exc})") from None
    except (ValueError, TypeError) as exc:  # numpy: pickled, a bare array or foreign content
        raise ValueError(f"{path} is not a mimgan model file ({exc})") from None
    if not isinstance(meta, dict) or meta.get("library") != "mimgan" or meta.get("format") != FORMAT_VERSION:
        meta = meta if isinstance(meta, dict) else {}
        raise ValueError(f"{path}: format {meta.get('format')!r} of library {meta.get('library')!r}; this version of "
                         f"mimgan reads format {FORMAT_VERSION}")
    return arrays, meta
