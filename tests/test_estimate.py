"""The estimate of ``mimgan reproduce --dry-run``: stored runs of the same settings first, then the measured
parts of a detection run, then the stage's other runs."""
import numpy as np
import pytest

from mimgan.experiments.anomaly.protocols import make_split
from mimgan.experiments.datasets import DatasetRef
from mimgan.experiments.runs import estimate as est
from mimgan.experiments.stages.detect import run_config


def _rec(cfg, seconds, key="seconds"):
    return {"config": cfg, key: seconds} if key == "seconds" else {"config": cfg, "timings": {"total_s": seconds}}


def test_stored_runs_of_the_same_settings_come_first_then_the_stage():
    a = {"experiment": "fig1", "gan": "mim", "seed": 0}
    b = {"experiment": "fig1", "gan": "gan", "seed": 0}
    stored = [_rec({**a, "seed": s}, t) for s, t in ((1, 10.0), (2, 12.0), (3, 30.0))] + [_rec(b, 2.0)]
    got = est.estimate_group("fig1", [a, {**a, "seed": 9}], stored)
    assert got == {"seconds": 24.0, "basis": {"stored": 2, "parts": 0, "stage": 0, "none": 0}}
    other = {"experiment": "fig1", "gan": "lsgan", "seed": 0}
    got = est.estimate_group("fig1", [other], stored)
    assert got["basis"]["stage"] == 1 and got["seconds"] == pytest.approx(np.median([10, 12, 30, 2]))
    assert est.estimate_group("fig1", [other], []) == {"seconds": None, "basis": {"stored": 0, "parts": 0, "stage": 0,
                                                                                   "none": 1}}
    assert est.run_seconds(_rec(a, 4.5, "timings")) == 4.5 and est.run_seconds({"config": a}) is None
    assert est.cost_key({**a, "seed": 5, "digit": 3}) == est.cost_key(a)


def test_a_detection_run_is_its_training_steps_and_search_row_steps():
    cfg = run_config("cardio", "mim", 0, "one-class", n_iter=40, latent_steps=10, threshold_rows=300)
    split = make_split(DatasetRef.parse("cardio"), "one-class", 0)
    work = est.detection_work(cfg)
    d = split.X_train.shape[1]
    assert work["G"][0] == cfg["detector"]["latent_dim"] and work["G"][-1] == d and work["D"] == (d, 64, 64, 1)
    assert work["train_steps"] == 40
    # both readings of Eq. 24 score the test rows and up to threshold_rows training rows, 10 steps + the last J
    assert work["row_steps"] == 2 * (len(split.X_test) + 300) * 11
    step, row_step = est.part_times(work["G"], work["D"], work["batch"])
    assert 0 < row_step < step < 1
    got = est.estimate_group("detect", [cfg], [])
    assert got["basis"]["parts"] == 1
    assert got["seconds"] == pytest.approx(40 * step + work["row_steps"] * row_step)
    assert est.wall_seconds(100.0, 4) == 25.0
