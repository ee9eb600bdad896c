"""Saving matplotlib figures atomically as PNG and PDF."""
from __future__ import annotations

import io
from pathlib import Path

from ..files import write_bytes_atomic


def save_figure(fig, path_stem, dpi=110):
    """Write ``path_stem``.png and .pdf (atomically), close the figure, return the PNG path."""
    import matplotlib.pyplot as plt

    out = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=dpi)
        out.append(write_bytes_atomic(Path(f"{path_stem}.{ext}"), buf.getvalue()))
    plt.close(fig)
    return out[0]


def link(path, folder) -> str:
    """``path`` relative to ``folder`` (a report's link to a figure beside it)."""
    return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
