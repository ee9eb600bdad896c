"""The stages of ``mimgan reproduce``, in the order the paper is reproduced.

Each is a module with the interface of :mod:`.base`: the theory checks,
Figure 1, the rare-event experiment, Figures 2–5 and the classical baselines
measured on the same splits.  ``reproduce``,
``--dry-run`` and the report loop over :data:`STAGES`.
"""
from pathlib import Path

from ..runs import ResultStore
from . import benchmark, detect, fig1, rare_events, theory
from .base import Group

STAGES = {m.NAME: m for m in (theory, fig1, rare_events, detect, benchmark)}
NAMES = tuple(STAGES)


def get_stage(name: str):
    """The stage module called ``name``, with an error listing the valid names."""
    try:
        return STAGES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown stage {name!r}; choose from {', '.join(NAMES)}") from None


def store(out, stage) -> ResultStore:
    """The results store of ``stage`` under the output folder ``out`` (``OUT/<stage>/runs/...``)."""
    return ResultStore(Path(out) / stage.NAME, name=stage.run_name, required=stage.REQUIRED)


__all__ = ["Group", "NAMES", "STAGES", "get_stage", "store", "benchmark", "detect", "fig1", "rare_events", "theory"]
