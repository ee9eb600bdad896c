"""What every stage of ``mimgan reproduce`` is: a module with the same small interface.

A stage module defines

``NAME``
    its name on the command line and its folder under the output folder;
``SECTIONS``
    the report headings it writes, in order;
``REQUIRED``
    the keys a stored record must have besides ``config`` (one without them is recomputed);
``IN_PROCESS``
    True when its runs should not be sent to a pool (the theory checks: one
    short run whose progress lines belong on this console);
``groups(budget, seeds=None, **options) -> list[Group]``
    the run configurations of a budget, cut into groups (one table and
    figure each: one per dataset for detection);
``run(config, data_dir=None) -> dict``
    one run, a module-level function (executors pickle it by name);
``run_name(config) -> str``
    the readable part of a run's file name (``cardio/mim-seed3``; the run id follows it);
``group_of(record) -> str``
    the group label of a stored record (reports of folders without a plan);
``summarise(root, label, records) -> dict``
    tables and figures of one group, written under ``root``, from records only;
``report(doc, out, groups) -> dict``
    its report section(s), given ``{label: records}``;
``defaults() -> dict``
    the settings a budget overrides (shown in the report's configuration section).

:mod:`experiments.stages` lists them in the order the paper is reproduced;
:mod:`experiments.reproduce` and the report loop over that list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass
class Group:
    """One sweep of a stage: a label (names its tables and figures), its run configurations, and the
    registered dataset it needs (fetched first; ``None`` for synthetic data or a file given by path).
    ``unavailable`` says why the group cannot run here (a missing optional package): it is skipped with
    that reason, like a dataset that cannot be fetched."""

    label: str
    configs: list = field(default_factory=list)
    dataset: str | None = None
    unavailable: str | None = None


@runtime_checkable
class Stage(Protocol):
    """The interface above, as a type: every module of :data:`experiments.stages.STAGES` satisfies it (tested)."""

    NAME: str
    SECTIONS: tuple
    IN_PROCESS: bool
    REQUIRED: tuple

    def groups(self, budget, seeds=None, **options) -> list: ...

    def run(self, config: dict, data_dir=None) -> dict: ...

    def run_name(self, config: dict) -> str: ...

    def group_of(self, record: dict) -> str: ...

    def summarise(self, root, label: str, records: list) -> dict: ...

    def report(self, doc, out, groups: dict) -> dict: ...

    def defaults(self) -> dict: ...


def pop_seeds(budget: dict, seeds) -> int:
    """The number of seeds: the override if given, else the budget's (removed from ``budget``)."""
    n = budget.pop("seeds", None)
    n = seeds if seeds is not None else n
    if n is None or int(n) != n or n < 1:
        raise ValueError(f"the number of seeds must be a positive integer, got {n!r}")
    return int(n)


def unknown_options(stage: str, given, valid) -> None:
    """Raise a ValueError naming options a stage does not have."""
    bad = sorted(set(given) - set(valid))
    if bad:
        raise ValueError(f"unknown {stage} option(s) {bad}; valid: {sorted(valid)}")


def section_records(doc, title, groups) -> list:
    """Start a stage's report section; its records over all groups, or [] after saying it was not run."""
    doc.heading(title)
    recs = [r for rs in groups.values() for r in rs]
    if not recs:
        doc.para("Not run.")
    return recs
