"""Atomic file writing, used by every layer (a trained network's ``.npz``, run records, reports, figures).

A write goes to a temporary file in the target's folder and is moved into place with ``os.replace``: a reader
sees the old file or the new one, never half of one, and a process killed mid-write leaves no partial file.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


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
