"""``mimgan benchmark``: classical detectors (pyod) beside the GAN detector on the same splits, the
ensemble and feature-matching options of the detector, and the errors a bad dataset gets."""
import json
import sys
import warnings

import numpy as np
import pytest
from scipy import io

from mimgan.experiments import datasets as ds
from mimgan.experiments.datasets import DatasetRef
from mimgan.experiments.anomaly import (GANAnomalyDetector, GANEnsembleDetector, auc, check_dataset, load_detector,
                                       make_gan_detector, odds_split)
from mimgan.experiments.anomaly.classical import ClassicalDetector, require_pyod
from mimgan.experiments.anomaly.ensemble import combine, member_seed, member_stats
from mimgan.experiments.cli import main
from mimgan.experiments.stages import benchmark
from mimgan.nn.rowwise import layer_rows

DATA = ds.data_dir()


def _odds(name):
    return ds.load(name, DATA)


# ----------------------------------------------------------------- classical detectors
def test_pyod_pca_default_fails_on_cardio_and_the_rank_fix_reproduces_the_reference():
    """pyod's default PCA divides by the ~0 variances of Cardio's constant/collinear training columns; keeping
    the numerical rank gives finite scores and the README's reference AUC (0.965 +- 0.004, 10 seeds)."""
    from pyod.models.pca import PCA

    X, y = _odds("cardio")
    aucs, broken = [], 0
    for seed in range(10):
        sp = odds_split(X, y, "one-class", seed)
        det = ClassicalDetector("pca", random_state=seed).fit(sp.X_train)
        assert det.changed_["n_components"] < X.shape[1] and "numerical rank" in det.notes_[0]
        aucs.append(auc(sp.y_test, det.decision_function(sp.X_test)))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # the divide-by-zero is the trap itself
            raw = PCA(random_state=seed).fit(det.scaler_.transform(sp.X_train))
            s = raw.decision_function(det.scaler_.transform(sp.X_test))
        broken += (not np.all(np.isfinite(s))) or auc(sp.y_test, s) < np.mean(aucs[-1]) - 0.05
    assert broken >= 1  # the trap is real on these splits, not a precaution
    assert abs(np.mean(aucs) - 0.965) <= 0.005, np.mean(aucs)


def test_iforest_on_thyroid_reproduces_the_reference():
    X, y = _odds("thyroid")
    aucs = []
    for seed in range(10):
        sp = odds_split(X, y, "one-class", seed)
        aucs.append(auc(sp.y_test, ClassicalDetector("iforest", random_state=seed).fit(sp.X_train)
                        .decision_function(sp.X_test)))
    assert abs(np.mean(aucs) - 0.989) <= 0.005, np.mean(aucs)


def test_classical_detector_contract():
    X = np.random.default_rng(0).standard_normal((300, 4))
    det = ClassicalDetector("knn", contamination=0.05)
    with pytest.raises(Exception, match="not fitted"):
        det.decision_function(X)
    det.fit(X)
    assert det.threshold_ == pytest.approx(np.quantile(det.decision_scores_, 0.95))
    assert det.labels_.mean() == pytest.approx(0.05, abs=0.01)
    far = np.vstack([X[:5], X[:5] + 20])
    assert det.predict(far).tolist() == [0] * 5 + [1] * 5
    with pytest.raises(ValueError, match="features"):
        det.decision_function(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        det.fit(np.where(X > 2, np.nan, X))
    with pytest.raises(ValueError, match="unknown classical detector"):
        ClassicalDetector("svdd").fit(X)
    small = ClassicalDetector("lof").fit(X[:8])  # fewer rows than LOF's 20 neighbours
    assert small.changed_ == {"n_neighbors": 7}


def test_missing_pyod_is_named_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyod", None)
    with pytest.raises(ImportError, match=r'pip install "mimgan\[benchmark\]"'):
        require_pyod()
    with pytest.raises(ImportError, match="pyod"):
        benchmark.detector_names(["mim", "iforest"])
    assert benchmark.detector_names(["mim", "gan"]) == ["mim", "gan"]  # GANs alone need no pyod
    (grp, *_) = benchmark.groups({"cardio": {"seeds": 1}})
    assert "pyod is not installed" in grp.unavailable


# ----------------------------------------------------------------- the detector's new options
def test_ensemble_is_the_mean_of_members_standardised_on_their_training_scores(tmp_path):
    X = np.random.default_rng(3).standard_normal((240, 3))
    Xt = np.vstack([X[:20], X[:10] + 3])
    kw = dict(hidden=8, latent_dim=4, n_iter=30, latent_steps=5, random_state=11)
    ens = GANEnsembleDetector(n_members=3, n_threads=2, **kw).fit(X)  # members train side by side
    # oracle: three detectors trained on their own from the member seeds
    singles = [GANAnomalyDetector(**{**kw, "random_state": member_seed(11, k)}).fit(X) for k in range(3)]
    train = np.array([d.decision_scores_ for d in singles])
    test = np.array([d.decision_function(Xt) for d in singles])
    want = ((test - train.mean(1, keepdims=True)) / train.std(1, keepdims=True)).mean(0)
    np.testing.assert_allclose(ens.decision_function(Xt), want, rtol=1e-12, atol=1e-12)
    one_by_one = GANEnsembleDetector(n_members=3, n_threads=1, **kw).fit(X)
    assert np.array_equal(one_by_one.decision_function(Xt), ens.decision_function(Xt))
    np.testing.assert_allclose(ens.decision_scores_,
                               ((train - train.mean(1, keepdims=True)) / train.std(1, keepdims=True)).mean(0))
    assert ens.threshold_ == pytest.approx(np.quantile(ens.decision_scores_, 0.9))
    assert len(set(member_seed(11, k) for k in range(3))) == 3
    # the other reading of Eq. 24 is standardised the same way
    other = ens.threshold_for("output")
    tr_o = np.array([d.threshold_for("output") for d in singles])  # each member's own threshold differs
    assert np.isfinite(other) and not np.isclose(other, tr_o).all()
    again = GANEnsembleDetector.load(ens.save(tmp_path / "ens.npz"))
    assert np.array_equal(again.decision_function(Xt), ens.decision_function(Xt))
    assert again.threshold_for("output") == other
    assert type(load_detector(tmp_path / "ens.npz")) is GANEnsembleDetector
    with pytest.raises(ValueError, match="GANEnsembleDetector.load"):
        GANAnomalyDetector.load(tmp_path / "ens.npz")
    with pytest.raises(ValueError, match="n_members"):
        GANEnsembleDetector(n_members=0).fit(X)
    assert type(make_gan_detector("mim", n_members=1)) is GANAnomalyDetector
    assert make_gan_detector("mim", n_members=4).n_members == 4


def test_combine_and_member_stats():
    S = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 10.0]])
    st = member_stats(S)
    assert st.tolist() == [[2.0, np.std([1, 2, 3])], [10.0, 1.0]]  # a constant member only shifts the sum
    assert combine(S, st).tolist() == pytest.approx([(-1 / st[0, 1]) / 2, 0.0, (1 / st[0, 1]) / 2])
    with pytest.raises(ValueError, match="statistics"):
        combine(S, st[:1])


def test_feature_matching_score_is_the_l1_residual_of_ds_last_hidden_layer():
    X = np.random.default_rng(5).standard_normal((200, 3))
    det = GANAnomalyDetector(discriminator_term="fm", hidden=8, latent_dim=4, n_iter=30, latent_steps=5, lam=0.3, eta=0.2).fit(X)
    D = det.gan_.D

    def hidden(A):  # a plain NumPy forward pass to D's last hidden layer (leaky ReLU, slope 0.2)
        W = D.parameters
        h = np.asarray(A, np.float64)
        for l in range(D.n_layers - 1):
            h = h @ W[2 * l].astype(np.float64) + W[2 * l + 1]
            h = np.where(h > 0, h, 0.2 * h)
        return h

    Xs = det.scaler_.transform(X[:7]).astype(np.float32)
    np.testing.assert_allclose(layer_rows(D, Xs, -2), hidden(Xs), rtol=1e-5, atol=1e-5)
    t = det.score_terms(X[:7])
    assert np.allclose(t["J"], 0.7 * t["residual"] + 0.3 * t["feature_matching"])
    assert np.allclose(t["score"], 0.8 * t["J"] + 0.2 * t["h_ce_input"])
    ce = GANAnomalyDetector(hidden=8, latent_dim=4, n_iter=30, latent_steps=5, lam=0.3, eta=0.2).fit(X)
    assert "feature_matching" not in ce.score_terms(X[:7])
    with pytest.raises(ValueError, match="discriminator_term"):
        GANAnomalyDetector(discriminator_term="l2").fit(X)


# ----------------------------------------------------------------- bad datasets
@pytest.mark.parametrize("n_out, protocol, ok", [(1, "one-class", False), (2, "one-class", True),
                                                  (5, "contaminated", False), (7, "contaminated", True)])
def test_too_few_test_outliers_are_refused_and_the_count_matches_the_split(n_out, protocol, ok):
    rng = np.random.default_rng(n_out)
    X = rng.standard_normal((100, 3))
    y = np.zeros(100)
    y[:n_out] = 1
    # the count check_dataset predicts, seen on a real split (a one-outlier file cannot even be split)
    held = int(odds_split(X, y, protocol, seed=4).y_test.sum()) if n_out >= 2 else 1
    assert (held >= 2) == ok
    if ok:
        check_dataset(X, y, protocol, "toy")
    else:
        with pytest.raises(ValueError, match=f"toy: its {protocol} test splits would hold {held} outlier"):
            check_dataset(X, y, protocol, "toy")


def _mat(path, X, y):
    io.savemat(path, {"X": X, "y": np.asarray(y, float)[:, None]})
    return str(path)


@pytest.mark.parametrize("case, message", [
    ("nan", "NaN/inf feature value"),
    ("single", "a single class"),
    ("one_outlier", "would hold 1 outlier"),
])
def test_benchmark_refuses_a_bad_dataset_by_name(tmp_path, capsys, case, message):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((120, 4)), np.zeros(120)
    if case == "nan":
        y[:10] = 1
        X[3, 2] = np.nan
    elif case == "one_outlier":
        y[0] = 1
    path = _mat(tmp_path / f"{case}.mat", X, y)
    rc = main(["benchmark", "--dataset", path, "--detectors", "iforest", "--runs", "2", "--out", str(tmp_path / "o"),
               "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and f"dataset '{case}'" in err and message in err, err
    assert not (tmp_path / "o" / "benchmark" / "runs").exists()  # refused before any run


def test_benchmark_unknown_names(tmp_path, capsys):
    assert main(["benchmark", "--dataset", "cardio", "--detectors", "mim,svdd", "--out", str(tmp_path)]) == 2
    assert "unknown detector(s) ['svdd']" in capsys.readouterr().err
    assert main(["benchmark", "--dataset", "cardio", "--preset", "huge", "--out", str(tmp_path)]) == 2
    assert "unknown preset(s) ['huge']" in capsys.readouterr().err
    assert main(["benchmark", "--dataset", "mnist", "--digit", "12", "--out", str(tmp_path)]) == 2
    assert "holds out one digit 0-9, got 12" in capsys.readouterr().err
    assert main(["benchmark", "--dataset", "cardio", "--digit", "3", "--out", str(tmp_path)]) == 2
    assert "--digit 3 holds out an MNIST digit, but no dataset is mnist" in capsys.readouterr().err
    assert not (tmp_path / "benchmark" / "runs").exists()  # every one refused before any run


# ----------------------------------------------------------------- the command
@pytest.fixture()
def user_mat(tmp_path):
    """An arbitrary ODDS-style file given by path: 400 x 5, 30 outliers."""
    rng = np.random.default_rng(9)
    X = rng.standard_normal((400, 5))
    y = np.zeros(400)
    y[:30] = 1
    X[:30] += rng.choice([-3.0, 3.0], size=(30, 5))
    return _mat(tmp_path / "mine.mat", X, y)


def test_benchmark_command_writes_everything_and_a_rerun_computes_nothing(user_mat, tmp_path, capsys):
    out = tmp_path / "out"
    # the wiring, at a small GAN budget (the options reach every GAN run's settings)
    args = ["benchmark", "--dataset", f"cardio,{user_mat}", "--detectors", "mim,iforest,pca,ecod", "--runs", "2",
            "--iterations", "200", "--latent-steps", "20", "--out", str(out), "--quiet", "--executor", "serial"]
    assert main(args) == 0
    console = capsys.readouterr().out
    assert "benchmark: 16 of 16 runs computed" in console
    assert "MIM vs PCA" in console or "MIM vs IForest" in console or "MIM vs ECOD" in console
    root = out / "benchmark"
    for name in ("cardio", DatasetRef.parse(user_mat).key, "all"):
        for suffix in ("_table.csv", "_paired_tests.csv", "_summary.json", "_figure.png"):
            assert (root / f"{name}{suffix}").exists(), name + suffix
    summary = json.loads((root / "cardio_summary.json").read_text())
    rows = {r["detector"]: r for r in summary["table"]}
    assert set(rows) == {"mim", "iforest", "pca", "ecod"} and all(r["runs"] == 2 for r in rows.values())
    assert any("numerical rank" in n for n in summary["pyod_fixes"])
    assert summary["settings"]["mim"]["n_iter"] == 200 and summary["settings"]["mim"]["latent_steps"] == 20
    (t,) = summary["paired_tests"]
    assert t["detector"] == "mim" and t["against"] == max(("iforest", "pca", "ecod"), key=lambda k: rows[k]["auc_mean"])
    # the GAN and the classical detectors saw the same test rows
    recs = [json.loads(p.read_text()) for p in (root / "runs").rglob("*.json")]
    by = {(DatasetRef.key_of(r["config"]), r["config"]["seed"]): set() for r in recs}
    for r in recs:
        by[(DatasetRef.key_of(r["config"]), r["config"]["seed"])].add(json.dumps(r["split"], sort_keys=True))
    assert len(recs) == 16 and all(len(v) == 1 for v in by.values())
    mtimes = {p: p.stat().st_mtime_ns for p in (root / "runs").rglob("*.json")}
    assert main(args) == 0
    assert "benchmark: 0 of 16 runs computed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in (root / "runs").rglob("*.json")} == mtimes


def test_benchmark_runs_through_the_local_pool_give_the_serial_records(user_mat, tmp_path, capsys):
    """The pool's path (a worker process, pickling, the store) at one worker and two runs, a GAN's and a classical
    detector's: the records are the serial ones bit for bit (but for their timings and machine), and a rerun
    computes nothing."""
    def run(executor):
        out = tmp_path / executor
        args = ["benchmark", "--dataset", user_mat, "--detectors", "mim,iforest", "--runs", "1", "--iterations", "50",
                "--latent-steps", "5", "--out", str(out), "--quiet", "--executor", executor, "--workers", "1"]
        assert main(args) == 0
        assert "benchmark: 2 of 2 runs computed" in capsys.readouterr().out
        recs = {p.name: json.loads(p.read_text()) for p in (out / "benchmark" / "runs").rglob("*.json")}
        return args, recs

    _, serial = run("serial")
    args, pooled = run("local")
    def computed(recs):  # everything but how long it took and where
        return {k: {f: v for f, v in r.items() if f not in ("timings", "machine")} for k, r in recs.items()}

    assert len(pooled) == 2 and computed(pooled) == computed(serial)
    assert main(args) == 0
    assert "benchmark: 0 of 2 runs computed" in capsys.readouterr().out


def test_preset_ranking_uses_common_cells_and_flags_reported_seeds():
    from mimgan.experiments.stages.benchmark_summary import preset_line, preset_ranking

    def rec(det, preset, seed, a, ds="cardio"):
        cfg = {"dataset": ds, "protocol": "one-class", "detector": det, "seed": seed}
        if preset:
            cfg["preset"] = preset
        return {"config": cfg, "metrics": {"auc": a}}

    recs = [rec("mim", "paper", 100, 0.8), rec("mim", "ensemble", 100, 0.9), rec("gan", "paper", 100, 0.7),
            rec("gan", "ensemble", 100, 0.5), rec("mim", "paper", 101, 0.1),  # no ensemble partner: left out
            rec("iforest", None, 100, 0.99)]  # classical: not a preset
    r = preset_ranking(recs)
    assert r["cells"] == 2 and r["held_out"] and r["ranking"] == [("paper", pytest.approx(0.75)),
                                                                  ("ensemble", pytest.approx(0.7))]
    assert "held-out seeds" in preset_line(r)
    low = preset_ranking([rec("mim", "paper", 3, 0.8), rec("mim", "fm", 3, 0.9)])
    assert not low["held_out"] and "not a fair choice" in preset_line(low)


def test_mnist_holds_a_digit_out_as_in_the_detection_stage():
    """`mimgan benchmark --dataset mnist --digit 0,3`: one group per held-out digit, the detection stage's split."""
    from mimgan.experiments.stages import benchmark as bench

    groups = bench.user_groups(["mnist"], ["pca", "mim"], seeds=[0, 1], digits=(0, 3), presets=("paper",))
    assert [g.label for g in groups] == ["mnist_digit0", "mnist_digit3"]
    cfg = groups[1].configs[0]
    assert cfg["protocol"] == "mnist-one-digit-out" and cfg["digit"] == 3 and cfg["detector"] == "pca"
    assert bench.group_of({"config": cfg}) == "mnist_digit3" and bench.run_name(cfg).startswith("mnist_digit3/")
    gan = next(c for c in groups[0].configs if c["detector"] == "mim")
    assert gan["settings"]["hidden"] == 256 and gan["settings"]["latent_dim"] == 100  # the data-shape rule's MNIST
    with pytest.raises(ValueError, match="holds out one digit"):
        bench.run_config("mnist", "pca", 0, digit=None)


def test_runs_added_outside_the_reproduce_plan_are_reported_and_a_planned_group_keeps_to_its_plan(user_mat, tmp_path):
    """`mimgan benchmark --out` into a reproduce folder (e.g. classical detectors on MNIST): the docs show that
    group; a group the plan lists shows only its planned runs."""
    from mimgan.experiments.report.builder import load_records
    from mimgan.experiments.report.docs import write_docs
    from mimgan.experiments.stages import STAGES, store

    out = tmp_path / "out"
    assert main(["benchmark", "--dataset", f"cardio,{user_mat}", "--detectors", "pca", "--runs", "2",
                 "--out", str(out), "--quiet", "--executor", "serial"]) == 0
    recs = store(out, STAGES["benchmark"]).records()
    planned = [r["id"] for r in recs if r["config"]["dataset"] == "cardio" and r["config"]["seed"] == 0]
    (out / "reproduce.json").write_text(json.dumps({"mode": "quick", "stages": {"benchmark": {"ids": {"cardio": planned}}}}))
    groups = load_records(out)["benchmark"]
    mine = DatasetRef.parse(user_mat).key
    assert {k: len(v) for k, v in groups.items()} == {"cardio": 1, mine: 2}
    page = write_docs(out, tmp_path / "docs")["benchmark.md"].read_text()
    assert f"Also reported: `{mine}`" in page and f"### {mine}" in page and "### cardio" in page


def test_held_out_selection_runs_are_shown_with_their_seeds_and_not_paired_with_reported_ones():
    from mimgan.experiments.stages.benchmark_summary import held_out_best, paired_tests, seed_span, table, test_line

    def rec(det, seed, a, preset="paper"):
        cfg = {"dataset": "cardio", "protocol": "one-class", "detector": det, "seed": seed}
        if det != "iforest":
            cfg["preset"] = preset
        return {"config": cfg, "metrics": {m: a for m in ("auc", "auc_pr", "f1_at_k", "f1_threshold")},
                "timings": {"fit_s": 1.0, "score_s": 1.0}}

    recs = ([rec("iforest", s, 0.9) for s in range(10)] + [rec("mim", s, 0.8) for s in (100, 101, 102)]
            + [rec("gan", s, 0.7) for s in (100, 101, 102)] + [rec("wgan", s, 0.95) for s in (3, 100)]
            + [rec("mim", s, 0.85, "ensemble") for s in range(10)])
    rows = table(recs)
    seeds = {r["detector"]: r["seeds"] for r in rows}
    assert seeds == {"iforest": "0-9", "mim": "100-102", "gan": "100-102", "wgan": "3, 100", "mim+ensemble": "0-9"}
    assert seed_span([5]) == "5" and seed_span([1, 2]) == "1, 2"
    # wgan is better but ran on a reported seed too: not a held-out choice
    (best,) = held_out_best(recs, rows).values()
    assert best["detector"] == "mim" and best["auc_mean"] == pytest.approx(0.8)
    lines = {t["detector"]: test_line(t) for t in paired_tests(recs, rows)}
    assert lines["mim"] == "MIM vs IForest: no seed in common, not compared"
    assert "wins 1/1" in lines["wgan"] and "wins 0/10" in lines["mim+ensemble"]
