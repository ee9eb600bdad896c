"""The claim checks of Sections II–III, one module per group of claims.

Items (numbering of the verification table):

1. :mod:`.objectives` — objectives registry, Eq. 1–4, each optimum as a divergence; :mod:`.f_gan` — MIM as an
   f-GAN, and what a scale varpi changes
2. :mod:`.lemma1` — Lemma 1 / Eq. 5, its proof, bounded discriminators
3. :mod:`.proposition1` — Eq. 7, Proposition 1, Eq. 8–10; :mod:`.remarks` — Remark 1 (the saddle point) and
   Remark 2 (item 4: the gradient near P)
4. :mod:`.proposition2` — Proposition 2 / Eq. 11
5. :mod:`.anti_interference` — Proposition 3, Corollary 1, Appendix A; :mod:`.chain_rule` — the first equality of
   Eq. 12–13 and 27–30 with a real discriminator
6. :mod:`.rare_events` — Proposition 4, Corollary 2 (Eq. 16–20); :mod:`.rare_sets` — Eq. 14–15; the Section IV-C2
   comparison of rare-event shares is in :mod:`.lab`
7. :mod:`.eq26` — Eq. 26 and its follow-up
8. :mod:`.anomaly_score` — Eq. 24–25 with a sigmoid D, Section III-B3's D(x) ~ 0 for unseen x
9. :mod:`.lab` — beyond the paper: the generic theory of every registered objective, and which objective gives
   rare events the largest share
"""
from __future__ import annotations

import copy
import time
import traceback

from ...nn.objectives import REGISTRY
from ..verdict import CheckResult
from . import (anomaly_score, anti_interference, chain_rule, eq26, f_gan, lab, lemma1, objectives, proposition1,
               proposition2, rare_events, rare_sets, remarks)

#: (item of the verification table, module), in the paper's order.
MODULES = ((1, objectives), (1, f_gan), (2, lemma1), (3, proposition1), (3, remarks), (4, proposition2),
           (5, anti_interference), (5, chain_rule), (6, rare_sets), (6, rare_events), (7, eq26), (8, anomaly_score),
           (9, lab))
ERROR = "error"


_MEMO: dict = {}


def _state() -> tuple:
    """What the checks' results depend on besides their code: the registered objectives (the lab checks
    every one) and which ``run`` each module has (a test may replace one)."""
    return (tuple((name, id(fam.module), repr(fam.fixed)) for name, fam in REGISTRY.items()),
            tuple(id(mod.run) for _, mod in MODULES))


def run_all(progress=None) -> list[CheckResult]:
    """Run every check; a check that crashes becomes a result with verdict ``"error"``.

    The checks are deterministic computations (about 20 s in all), so a process computes them once per set
    of registered objectives and returns copies afterwards (``mimgan verify``, the theory stage of
    ``mimgan reproduce`` and the tests ask for the same table).

    Parameters
    ----------
    progress : callable or None
        Called as ``progress(module_name)`` before each module runs (not called when the results are known).
    """
    key = _state()
    if key not in _MEMO:
        _MEMO.clear()
        _MEMO[key] = _run_all(progress)
    return copy.deepcopy(_MEMO[key])


def _run_all(progress) -> list[CheckResult]:
    results: list[CheckResult] = []
    for item, mod in MODULES:
        name = mod.__name__.rsplit(".", 1)[-1]
        if progress:
            progress(name)
        t0 = time.perf_counter()
        try:
            out = mod.run()
        except Exception as exc:  # a crashing check is reported, never hidden
            out = [CheckResult(id=f"{name}.crashed", item=item, claim=name, checked="(crashed)", verdict=ERROR,
                               evidence={"exception": repr(exc), "traceback": traceback.format_exc()})]
        dt = time.perf_counter() - t0
        for r in out:
            r.evidence.setdefault("module_seconds", round(dt, 3))
        results.extend(out)
    return results
