"""Saving matplotlib figures atomically: PNG (what the reports show), and PDF when asked."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

from ..files import write_bytes_atomic

#: The formats :func:`save_figure` writes; PNG first (its path is returned).  PDF is opt-in (``--pdf`` on the
#: commands that draw): a PDF takes about three times as long to render as the PNG, and the reports link PNGs.
_FORMATS = ["png"]


@contextlib.contextmanager
def pdf_figures(enabled: bool = True):
    """Within the block, :func:`save_figure` also writes a PDF beside each PNG (``enabled``)."""
    before = list(_FORMATS)
    _FORMATS[:] = ["png", "pdf"] if enabled else ["png"]
    try:
        yield
    finally:
        _FORMATS[:] = before


def save_figure(fig, path_stem, dpi=110):
    """Write ``path_stem``.png (and .pdf within :func:`pdf_figures`) atomically, close the figure, return the PNG
    path."""
    import matplotlib.pyplot as plt

    out = []
    for ext in _FORMATS:
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=dpi)
        out.append(write_bytes_atomic(Path(f"{path_stem}.{ext}"), buf.getvalue()))
    plt.close(fig)
    return out[0]


def link(path, folder) -> str:
    """``path`` relative to ``folder`` (a report's link to a figure beside it)."""
    return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
