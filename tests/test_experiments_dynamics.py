"""Figure 1 protocol and the rare-event experiment on a tiny budget: the numbers, not the pixels."""
import json
import subprocess
import sys

import numpy as np
import pytest

from mimgan import theory
from mimgan.experiments.stages.fig1 import fig1_config, run_fig1, settle_iteration, summarise_fig1
from mimgan.experiments.stages.rare_events import RARE_MEAN, rare_config, rare_mass, run_rare, summarise_rare
from mimgan.experiments.reproduce import reproduce_stage
from mimgan.nn import get_objective


@pytest.mark.parametrize("name", ["mim", "gan", "lsgan", "wgan"])
def test_value_terms_sum_to_theory_equilibrium_at_d_half(name):
    a, b = get_objective(name).value_terms(np.zeros(4), np.zeros(4))
    assert a + b == pytest.approx(theory.equilibrium_value(name), abs=1e-15)


def test_settle_iteration():
    c = np.r_[np.linspace(10, 1, 50), np.ones(50)]
    assert settle_iteration(c) == 49  # linspace ends exactly on the final value
    assert settle_iteration(np.ones(10)) == 0
    wiggle = np.r_[np.linspace(5, 0, 20), np.zeros(30)]
    wiggle[40] = 1.0  # leaves the 1 % band late
    assert settle_iteration(wiggle) == 41


@pytest.mark.parametrize("gan", ["mim", "wgan"])
def test_fig1_protocol_tiny(gan):
    cfg = fig1_config(gan, 20, seed=1, batch=500, phase2_iters=30, hidden=8)
    r = run_fig1(cfg)
    c = np.array(r["curve"])
    assert c.shape == (30,) and np.all(np.isfinite(c))
    assert r["equilibrium_value"] == theory.equilibrium_value(gan)
    assert r["final"] == c[-1] and r["final_distance_to_equilibrium"] == pytest.approx(abs(c[-1] - r["equilibrium_value"]))
    assert run_fig1(cfg)["curve"] == r["curve"]  # same seed, same numbers
    rows = summarise_fig1([r, run_fig1(fig1_config(gan, 20, seed=2, batch=500, phase2_iters=30, hidden=8))])
    assert rows[0]["seeds"] == 2 and rows[0]["N"] == 20


def test_rare_mass_and_tiny_run(tmp_path):
    X = np.r_[np.zeros((90, 1)), np.full((10, 1), 6.0)]
    assert rare_mass(X, 1) == pytest.approx(0.1)
    assert rare_mass(np.r_[np.zeros((3, 2)), RARE_MEAN[2][None]], 2) == pytest.approx(0.25)
    recs = [run_rare(rare_config(g, 0.1, 1, s, iters=200, eval_every=100, n_eval=2000, batch=64, hidden=16))
            for g in ("mim", "gan") for s in range(5)]
    for r in recs:
        assert len(r["rare_mass"]) == 2 and 0 <= r["final_rare_mass"] <= 1 and r["final_distance"] >= 0
        q = min(max(r["final_rare_mass"], 1e-6), 1 - 1e-6)
        assert r["upsilon_mim_at_q_hat"] == pytest.approx(float(theory.upsilon_mim(0.1, q)))
    rows, tests = summarise_rare(recs)
    assert {r["gan"] for r in rows} == {"mim", "gan"} and tests[0]["n"] == 5
    from mimgan.experiments.stages.rare_events import figure_rare
    assert figure_rare(recs, tmp_path / "one_p").exists()
    sweep = recs + [run_rare(rare_config("mim", 0.2, 1, 0, iters=100, eval_every=100, n_eval=1000, batch=64,
                                         hidden=16))]
    assert figure_rare(sweep, tmp_path / "sweep").exists()


def test_reproduce_fig1_resumes(tmp_path):
    kw = dict(gans=["gan"], Ns=(10,), batch=300, phase2_iters=10, hidden=8)
    r1 = reproduce_stage(tmp_path, "fig1", seeds=2, progress=False, **kw)
    assert r1["computed"] == 2 and (tmp_path / "fig1" / "fig1.png").exists()
    r2 = reproduce_stage(tmp_path, "fig1", seeds=3, progress=False, **kw)
    assert r2["computed"] == 1 and r2["total"] == 3  # only the new seed ran
    summary = json.loads((tmp_path / "fig1" / "fig1_summary.json").read_text())
    assert summary[0]["seeds"] == 3


def test_cli_train(tmp_path):
    out = subprocess.run([sys.executable, "-m", "mimgan.experiments.cli", "train", "--gan", "lsgan", "--data", "mixture",
                          "--iters", "60", "--out", str(tmp_path), "--quiet"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    for f in ("model.npz", "history.csv", "training.png"):
        assert (tmp_path / f).exists()
    assert len((tmp_path / "history.csv").read_text().splitlines()) == 61
    np.save(tmp_path / "d.npy", np.random.default_rng(0).standard_normal((100, 3)))
    out = subprocess.run([sys.executable, "-m", "mimgan.experiments.cli", "train", "--gan", "mim", "--data",
                          str(tmp_path / "d.npy"), "--iters", "20", "--out", str(tmp_path / "npy"), "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    bad = subprocess.run([sys.executable, "-m", "mimgan.experiments.cli", "train", "--gan", "mim", "--data",
                          str(tmp_path / "missing.npy"), "--quiet"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no such data file" in bad.stderr
