"""Budgets of ``mimgan reproduce``, per stage.

``quick`` keeps the whole reproduction under ~10 minutes on 2 cores;
``full`` is the paper's scale (10 seeds, every MNIST digit).  A stage's
entry overrides that stage's defaults (see each stage's ``defaults()``).
"""
from __future__ import annotations

import json

QUICK = {
    "theory": {},
    "fig1": {"seeds": 2, "batch": 2000, "phase2_iters": 300},
    "rare-events": {"seeds": 3, "iters": 600, "p_values": (0.05,), "dims": (1, 2)},
    "detect": {
        "cardio": {"seeds": 3, "n_iter": 1000, "latent_steps": 300},
        "thyroid": {"seeds": 3, "n_iter": 1000, "latent_steps": 300},
        "musk": {"seeds": 2, "n_iter": 500, "latent_steps": 100},
        "mnist": {"seeds": 1, "digits": (0,), "n_iter": 300, "latent_steps": 30, "threshold_rows": 1000},
    },
    # the classical baselines on the detection stage's ODDS sets and seeds (pairs with its runs)
    "benchmark": {"cardio": {"seeds": 3}, "thyroid": {"seeds": 3}, "musk": {"seeds": 2}},
}
FULL = {
    "theory": {},
    "fig1": {"seeds": 10},
    "rare-events": {"seeds": 10, "iters": 3000, "p_values": (0.05,), "dims": (1, 2)},
    "detect": {
        "cardio": {"seeds": 10},
        "thyroid": {"seeds": 10},
        "musk": {"seeds": 10},
        # Figure 2 at the paper's scale: 10 digits x 10 seeds x 4 GANs.  One reading of Eq. 24 (the detector's
        # own, on D's logit): the two readings are compared on the ODDS sets, and a second reading would
        # double the 400 runs' latent searches (15,000 rows each).
        "mnist": {"seeds": 10, "digits": tuple(range(10)), "readings": "logit"},
    },
    "benchmark": {"cardio": {"seeds": 10}, "thyroid": {"seeds": 10}, "musk": {"seeds": 10}},
}
BUDGETS = {"quick": QUICK, "full": FULL}
MODES = tuple(BUDGETS)


def budget(mode: str, stage: str) -> dict:
    """A deep copy of one stage's budget (callers pop from it)."""
    if mode not in BUDGETS:
        raise ValueError(f"unknown budget {mode!r}; choose from {', '.join(MODES)}")
    return json.loads(json.dumps(BUDGETS[mode].get(stage, {})))
