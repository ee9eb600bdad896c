"""Atomic writes and the single-file ``.npz`` format of a trained GAN."""
from __future__ import annotations

import io
import json
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1


def _umask() -> int:
    """The process umask (Linux: read from /proc, which does not change it; elsewhere set and restored)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def write_bytes_atomic(path, data: bytes) -> Path:
    """Write via a temporary file in the same folder and ``os.replace``: all or nothing.

    A symlink is written through (its target is replaced, the link stays); a
    path that holds something other than a regular file (a FIFO, a device, a
    socket, a folder) is refused, never replaced.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if os.path.lexists(path) and not stat.S_ISREG(os.stat(path).st_mode):
        raise FileExistsError(f"{path} exists and is not a regular file (a folder, FIFO or device); refusing to "
                              "replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600; the result should have the mode any file the user creates gets (or keep the
    # mode of the file it replaces).
    mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.lexists(path) else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
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
