"""The stages of ``mimgan reproduce``, in the order the paper is reproduced.

Each is a module with the interface of :mod:`.base`: the theory checks,
Figure 1, the rare-event experiment, Figures 2–5 and the classical baselines
measured on the same splits.  ``reproduce``,
``--dry-run`` and the report loop over :data:`STAGES`.

A stage module is imported when it is first used (:data:`STAGES` is a lazy
mapping): a pool worker that runs detection runs imports the detection stage,
not the theory checks or the classical detectors.
"""
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path

from ..runs import ResultStore
from .base import Group

#: stage name -> its module (relative to this package), in the paper's order.
_MODULES = {"theory": ".theory", "fig1": ".fig1", "rare-events": ".rare_events", "detect": ".detect",
            "benchmark": ".benchmark"}
NAMES = tuple(_MODULES)


class _Stages(Mapping):
    """name -> stage module, imported on first access."""

    def __getitem__(self, name):
        return import_module(_MODULES[name], __name__)

    def __iter__(self):
        return iter(NAMES)

    def __len__(self):
        return len(NAMES)


STAGES = _Stages()


def get_stage(name: str):
    """The stage module called ``name``, with an error listing the valid names."""
    if not isinstance(name, str) or name not in _MODULES:
        raise ValueError(f"unknown stage {name!r}; choose from {', '.join(NAMES)}")
    return STAGES[name]


def store(out, stage) -> ResultStore:
    """The results store of ``stage`` under the output folder ``out`` (``OUT/<stage>/runs/...``)."""
    return ResultStore(Path(out) / stage.NAME, name=stage.run_name, required=stage.REQUIRED)


def __getattr__(name):
    """``stages.detect`` and the other stage modules as attributes, imported when asked for."""
    if name in ("benchmark", "detect", "fig1", "rare_events", "theory"):
        return import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Group", "NAMES", "STAGES", "get_stage", "store", "benchmark", "detect", "fig1", "rare_events", "theory"]
