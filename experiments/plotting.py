"""Saving matplotlib figures atomically: PNG (what the reports show), and PDF when asked; a figure whose inputs
did not change is not drawn again (:func:`drawn_from_inputs`)."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import io
import json
import sys
from pathlib import Path

import numpy as np

from .. import __version__
from ..files import write_bytes_atomic, write_text_atomic

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
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    # ``fig.tight_layout()`` leaves a placeholder layout engine behind, and savefig lays out every figure that
    # has an engine once more (a whole draw without rendering) before drawing it: a third of each save, for
    # the same pixels.  Without the placeholder the PNG is byte-identical (tests/test_plotting.py).
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    out = []
    for ext in _FORMATS:
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=dpi)
        out.append(write_bytes_atomic(Path(f"{path_stem}.{ext}"), buf.getvalue()))
    plt.close(fig)
    return out[0]


def _jsonable(x):
    if isinstance(x, np.ndarray):  # its bytes' digest: cheap for the large grids some figures take
        return f"{x.dtype}{x.shape}:{hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()}"
    if isinstance(x, np.generic):
        return x.item()
    return str(x)


@functools.lru_cache(maxsize=None)
def _module_source(name: str) -> str:
    return inspect.getsource(sys.modules[name])


def drawn_from_inputs(fn):
    """Decorate a figure function ``fn(..., path_stem or path, ...)`` that returns :func:`save_figure`'s PNG path:
    it draws only when the figure's inputs changed.

    Beside the PNG, ``<stem>.key`` holds a digest of everything the drawing depends on: the arguments (records,
    arrays, titles), the source of the function's module and of this one, the formats being written, and the
    versions of mimgan and matplotlib.  With the same digest and every file present, the figure is the one
    drawn before and the call returns its path at once (``mimgan report`` and a resumed ``reproduce`` redraw
    only what changed; rendering is most of a report's time).
    """
    sig = inspect.signature(fn)
    stem_arg = "path_stem" if "path_stem" in sig.parameters else "path"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import matplotlib

        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        stem = Path(bound.arguments[stem_arg])
        inputs = {k: v for k, v in bound.arguments.items() if k != stem_arg}
        h = hashlib.sha256()
        for part in (fn.__module__, fn.__qualname__, _module_source(fn.__module__), _module_source(__name__),
                     ",".join(_FORMATS), __version__, matplotlib.__version__,
                     json.dumps(inputs, sort_keys=True, default=_jsonable)):
            h.update(part.encode())
            h.update(b"\0")
        key = h.hexdigest()
        key_file = Path(f"{stem}.key")
        outputs = [Path(f"{stem}.{ext}") for ext in _FORMATS]
        if key_file.exists() and key_file.read_text() == key and all(p.exists() for p in outputs):
            return outputs[0]
        key_file.unlink(missing_ok=True)  # a drawing cut short leaves no key that vouches for it
        out = fn(*args, **kwargs)
        write_text_atomic(key_file, key)
        return out

    return wrapper


def link(path, folder) -> str:
    """``path`` relative to ``folder`` (a report's link to a figure beside it)."""
    return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
