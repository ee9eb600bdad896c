"""Figure 1 protocol and the rare-event experiment on a tiny budget: the numbers, not the pixels."""
import json

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


def test_w1_to_normal_matches_scipy():
    from scipy.stats import wasserstein_distance
    from mimgan.experiments.stages.fig1 import normal_quantiles, w1_to_normal

    x = np.random.default_rng(0).normal(3.0, 2.0, 4000)
    oracle = wasserstein_distance(x, np.random.default_rng(1).normal(4.0, 1.25, 400_000))
    assert w1_to_normal(x, 4.0, 1.25) == pytest.approx(oracle, abs=0.01)
    assert w1_to_normal(x, 4.0, 1.25, normal_quantiles(4000, 4.0, 1.25)) == w1_to_normal(x, 4.0, 1.25)
    assert w1_to_normal(normal_quantiles(1000, 4.0, 1.25), 4.0, 1.25) == 0.0


def test_fig1_records_phase1_and_the_phase2_learning_rate_sweep(tmp_path):
    cfg = fig1_config("lsgan", 100, seed=3, batch=500, phase2_iters=40, hidden=8, eval_every=20, n_eval=1000,
                      phase2_lrs=(0.001, 0.1), w1_threshold=5.0)
    r = run_fig1(cfg)
    p1 = r["phase1"]
    assert p1["iterations"] == [0, 20, 40, 60, 80, 100] and len(p1["w1"]) == 6
    assert p1["objective_normalised"][0] == 1.0  # (L_0 - L_eq)/(L_0 - L_eq)
    reached = [i for i, w in zip(p1["iterations"], p1["w1"]) if w <= 5.0]
    assert r["reached_w1_threshold"] == bool(reached) and r["iterations_to_w1"] == (reached[0] if reached else 120)
    assert set(r["phase2"]) == {"0.001", "0.1"} and r["final_w1"] == r["phase2"]["0.001"]["final_w1"]
    for lr, ph in r["phase2"].items():
        assert len(ph["w1"]) == 3 and ph["w1"][0] == pytest.approx(r["phase1_final_w1"])  # same start for every lr
        assert len(ph["curve_normalised"]) == 2 and ph["curve_normalised"][0] == 1.0
    assert r["phase2"]["0.1"]["w1"] != r["phase2"]["0.001"]["w1"]  # the larger step moves G
    again = run_fig1(cfg)
    assert again["phase1"] == p1 and again["phase2"] == r["phase2"]  # same seed, same numbers
    from mimgan.experiments.stages.fig1 import paired_tests_fig1, summarise
    recs = [r] + [run_fig1(fig1_config(g, 40, seed=s, batch=300, phase2_iters=20, hidden=8, eval_every=20,
                                       n_eval=500, phase2_lrs=(0.01,))) for g in ("mim", "gan") for s in range(2)]
    s = summarise(tmp_path, "fig1", recs[1:])
    assert (tmp_path / "fig1_dynamics.png").exists() and s["dynamics"] is not None
    assert {t["other"] for t in paired_tests_fig1(recs[1:])} == {"gan"}
    assert all(t["outcome"] == "inconclusive" for t in s["tests"])  # 2 seeds


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


def test_cli_train(tmp_path, capsys):
    from mimgan.experiments.cli import main

    assert main(["train", "--gan", "lsgan", "--data", "mixture", "--iters", "60", "--out", str(tmp_path), "--quiet"]) == 0
    for f in ("model.npz", "history.csv", "training.png"):
        assert (tmp_path / f).exists()
    assert len((tmp_path / "history.csv").read_text().splitlines()) == 61
    np.save(tmp_path / "d.npy", np.random.default_rng(0).standard_normal((100, 3)))
    assert main(["train", "--gan", "mim", "--data", str(tmp_path / "d.npy"), "--iters", "20", "--out",
                 str(tmp_path / "npy"), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["train", "--gan", "mim", "--data", str(tmp_path / "missing.npy"), "--quiet"]) == 2
    assert "no such data file" in capsys.readouterr().err