"""Verdicts, evidence and errata produced by the claim checks.

A check never writes its verdict down: it computes evidence (symbolic
residuals, numeric errors, ranges) and :func:`decide` turns that evidence into
one of the four verdicts.  Feeding a check a wrong formula must flip it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

HOLDS = "holds"
HOLDS_WITH_ERRATUM = "holds with erratum"
HOLDS_UNDER_CONDITION = "holds under a condition"
FAILS = "fails"
VERDICTS = (HOLDS, HOLDS_WITH_ERRATUM, HOLDS_UNDER_CONDITION, FAILS)


@dataclass
class Erratum:
    """A printed formula that the checks found wrong or over-stated."""

    equation: str
    printed: str
    should_read: str
    #: "typo" (a printed step is wrong), "notation", "logical gap" (a step that does not follow), "over-claim" (true
    #: only on a sub-range), "understatement", "condition", or "beyond the paper" (a finding about a question the
    #: paper does not ask, e.g. over objectives it does not study).
    kind: str = "typo"


@dataclass
class CheckResult:
    """Outcome of one check of one claim of the paper."""

    id: str
    item: int
    claim: str
    checked: str
    verdict: str
    evidence: dict = field(default_factory=dict)
    condition: str | None = None
    errata: list[Erratum] = field(default_factory=list)
    #: "paper" (a claim the paper makes) or "beyond the paper" (a question the toolkit asks of the paper's setting).
    scope: str = "paper"

    def to_dict(self) -> dict:
        return asdict(self)


def decide(statement_ok: bool, printed_steps_ok: bool = True, condition: str | None = None) -> str:
    """Combine computed evidence into a verdict.

    Parameters
    ----------
    statement_ok : bool
        The claim's statement agrees with the computation on its stated domain
        (or, with ``condition``, on part of it).
    printed_steps_ok : bool
        Every printed intermediate step checked agrees too.
    condition : str or None
        Set when the statement holds only on a computed sub-domain.
    """
    if not statement_ok:
        return FAILS
    if condition is not None:
        return HOLDS_UNDER_CONDITION
    return HOLDS if printed_steps_ok else HOLDS_WITH_ERRATUM


def close(a, b, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Scalar closeness used by the checks (relative, with a floor near 0)."""
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))
