"""The latent search (Eq. 22-23) against finite differences, and the detector's API contract."""
import json

import numpy as np
import pytest

from mimgan.experiments.anomaly.detector import GANAnomalyDetector, NotFittedError
from mimgan.nn import MLP
from mimgan.nn.latent_search import allocate, cross_entropy, search
from mimgan.nn.rowwise import pack


@pytest.mark.parametrize("ce_logit", [True, False])
@pytest.mark.parametrize("p", [2.0, 1.5])
def test_latent_search_gradient_matches_fd(ce_logit, p):
    """One Adam step from z0 with tiny lr moves z along -grad J; compare grad J with finite differences."""
    G = MLP([3, 7, 4], hidden="tanh", output="tanh", dtype=np.float64, seed=1)
    D = MLP([4, 6, 1], hidden="leaky_relu", output="linear", dtype=np.float64, seed=2)
    rng = np.random.default_rng(0)
    X = rng.uniform(-0.9, 0.9, (5, 4))
    z0 = rng.standard_normal((5, 3))
    lam, beta = 0.1, 1.0

    def J(z):
        gx = G.forward(z)
        lg = D.forward(gx)[:, 0]
        res = np.sum(np.abs(X - gx) ** p, axis=1) ** (1 / p)
        h = np.array([cross_entropy(v, beta, ce_logit)[0] for v in lg])
        return (1 - lam) * res + lam * h

    fd = np.zeros_like(z0)
    for i in range(5):
        for j in range(3):
            e = np.zeros_like(z0)
            e[i, j] = 1e-6
            fd[i, j] = (J(z0 + e)[i] - J(z0 - e)[i]) / 2e-6
    # Adam's first step is lr * g / (|g| + eps'), so recover grad J from SGD-like probing instead:
    # run zero steps to get J, and one step with beta1 = beta2 = 0 where the update is lr * g / (|g| + eps).
    Gr, Dr = pack(G), pack(D)
    bufs = allocate(Gr, Dr, 5, np.float64)
    res, hz = np.zeros(5), np.zeros(5)
    z = z0.copy()
    search(Gr, Dr, X, z, 0, 1e-3, 0.9, 0.999, 1e-8, lam, p, beta, ce_logit, bufs, res, hz, 0)
    np.testing.assert_allclose((1 - lam) * res + lam * hz, J(z0), rtol=1e-12)
    z = z0.copy()
    big_eps = 1e6  # update = lr * g / (sqrt(g^2) + eps) ~= lr * g / eps for eps >> |g|
    search(Gr, Dr, X, z, 1, 1e-3, 0.0, 0.0, big_eps, lam, p, beta, ce_logit, bufs, res, hz, 0)
    g = (z0 - z) * big_eps / 1e-3
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


def test_search_lowers_J():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (300, 6))
    det = GANAnomalyDetector(n_iter=200, latent_steps=0, random_state=0).fit(X)
    j0 = det.score_terms(X[:50])["J"]
    det.latent_steps = 100
    j1 = det.score_terms(X[:50])["J"]
    assert np.mean(j1) < np.mean(j0)


def test_detector_contract_and_reproducibility():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((400, 5))
    X_out = rng.standard_normal((40, 5)) * 4 + 6
    det = GANAnomalyDetector(n_iter=300, latent_steps=50, contamination=0.1, random_state=3).fit(X)
    assert det.decision_scores_.shape == (400,)
    assert np.mean(det.decision_scores_ > det.threshold_) == pytest.approx(0.1, abs=0.01)
    s = det.decision_function(np.r_[X[:40], X_out])
    assert s[40:].mean() > s[:40].mean()
    assert set(np.unique(det.predict(X_out))) <= {0, 1} and det.predict(X_out).mean() > 0.9
    det2 = GANAnomalyDetector(n_iter=300, latent_steps=50, contamination=0.1, random_state=3).fit(X)
    np.testing.assert_array_equal(det2.decision_function(X_out), det.decision_function(X_out))
    terms = det.score_terms(X_out[:3])
    np.testing.assert_allclose(terms["score"], 0.95 * terms["J"] + 0.05 * terms["h_ce_input"])


def test_detector_errors():
    X = np.random.default_rng(0).standard_normal((50, 3))
    with pytest.raises(NotFittedError):
        GANAnomalyDetector().decision_function(X)
    with pytest.raises(ValueError, match="contamination"):
        GANAnomalyDetector(contamination=0.7).fit(X)
    with pytest.raises(ValueError, match="contamination"):
        GANAnomalyDetector(contamination=0).fit(X)
    with pytest.raises(ValueError, match="unknown GAN objective"):
        GANAnomalyDetector(objective="vae", n_iter=1).fit(X)
    with pytest.raises(ValueError, match="ce_input"):
        GANAnomalyDetector(ce_input="prob").fit(X)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GANAnomalyDetector(n_iter=1).fit(Xn)
    det = GANAnomalyDetector(n_iter=5, latent_steps=2).fit(X)
    with pytest.raises(ValueError, match="2 features, but GANAnomalyDetector is expecting 3"):
        det.decision_function(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        det.predict(Xn)


def test_cli_detect_small_run_resumes(tmp_path, capsys):
    from mimgan.experiments.cli import main

    args = ["detect", "--dataset", "cardio", "--gan", "mim,gan", "--runs", "2", "--n-iter", "50", "--latent-steps", "10",
            "--out", str(tmp_path), "--quiet", "--pdf"]
    assert main(args) == 0, capsys.readouterr().err
    runs = sorted((tmp_path / "detect" / "runs" / "cardio").glob("mim-seed*-*.json"))
    runs += sorted((tmp_path / "detect" / "runs" / "cardio").glob("gan-seed*-*.json"))
    assert len(runs) == 4
    rec = json.loads(runs[0].read_text())
    assert {"config", "split", "metrics", "timings", "version"} <= set(rec)
    assert set(rec["metrics"]) == {"logit"} and 0 <= rec["metrics"]["logit"]["auc"] <= 1  # the default reading only
    for f in ("cardio_table_logit.csv", "cardio_paired_tests.csv", "cardio_summary.json", "cardio_figure.png",
              "cardio_figure.pdf"):
        assert (tmp_path / "detect" / f).exists()
    mtimes = [p.stat().st_mtime_ns for p in runs]
    assert main(args) == 0
    assert [p.stat().st_mtime_ns for p in runs] == mtimes  # finished runs were skipped
    capsys.readouterr()
    assert main(args[:3] + ["--gan", "vae", "--out", str(tmp_path)]) == 2
    assert "unknown GAN" in capsys.readouterr().err


def test_latent_search_gives_the_same_bits_for_every_thread_count():
    """The row cut depends on N and block_rows only, so threads change speed, never results."""
    from mimgan.nn.latent_search import search_rows
    G = MLP([4, 16, 6], output="tanh", seed=1)
    D = MLP([6, 16, 1], output="linear", seed=2)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (301, 6)).astype(np.float32)
    Z0 = rng.standard_normal((301, 4)).astype(np.float32)
    runs = [(search_rows(G, D, X, Z, 30, threads=t, block_rows=64), Z) for t in (1, 2, 3, None)
            for Z in [Z0.copy()]]
    for (res, hz), Z in runs[1:]:
        np.testing.assert_array_equal(res, runs[0][0][0])
        np.testing.assert_array_equal(hz, runs[0][0][1])
        np.testing.assert_array_equal(Z, runs[0][1])
    assert not np.array_equal(runs[0][1], Z0)  # the search moved z
    # A different cut may round differently, but only at float32 precision.
    other, _ = search_rows(G, D, X, Z0.copy(), 30, block_rows=1000)
    np.testing.assert_allclose(other, runs[0][0][0], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="rows"):
        search_rows(G, D, X, Z0[:10].copy(), 1)
    with pytest.raises(ValueError, match="threads must be >= 1"):
        search_rows(G, D, X, Z0.copy(), 1, threads=0)
    with pytest.raises(ValueError, match="block_rows"):
        search_rows(G, D, X, Z0.copy(), 1, block_rows=0)


def test_blas_limits_reach_the_library_numba_calls():
    """numba's np.dot calls SciPy's OpenBLAS; the thread limits must control it, not only NumPy's."""
    from mimgan.nn.blas import blas_threads, budget, controlled_libraries
    import scipy.linalg.cython_blas  # noqa: F401  (the BLAS numba binds to)
    from threadpoolctl import ThreadpoolController
    every = {lib.filepath.rsplit("/", 1)[-1] for lib in ThreadpoolController().select(user_api="blas").lib_controllers}
    assert set(controlled_libraries()) == every
    with blas_threads(1):
        assert budget() == 1


def test_scikit_learn_conventions():
    """clone, get_params/set_params, labels_ and the public per-reading threshold (pyod's contract)."""
    from sklearn.base import clone
    det = GANAnomalyDetector(n_iter=40, latent_steps=5, hidden=8, contamination=0.2, random_state=4)
    twin = clone(det)
    assert twin is not det and twin.get_params() == det.get_params()
    assert det.get_params(deep=False) == det.get_params(deep=True)
    assert "n_iter" in det.get_params() and "self" not in det.get_params()
    assert det.set_params(n_iter=30, lam=0.2) is det and det.n_iter == 30 and det.lam == 0.2
    with pytest.raises(ValueError, match="invalid parameter"):
        det.set_params(depth_of_field=3)
    assert repr(det) == "GANAnomalyDetector(hidden=8, n_iter=30, latent_steps=5, lam=0.2, contamination=0.2, random_state=4)"
    X = np.random.default_rng(5).standard_normal((120, 4))
    det.fit(X)
    np.testing.assert_array_equal(det.labels_, det.predict(X))
    assert det.threshold_for() == det.threshold_ == det.threshold_for(det.ce_input)
    other = det.threshold_for("output")
    expected = np.quantile(det.decision_function(X, ce_input="output"), 1 - det.contamination)
    assert other == expected and other != det.threshold_
    with pytest.raises(ValueError, match="ce_input"):
        det.threshold_for("prob")
    assert not hasattr(clone(det), "threshold_")  # a clone is unfitted


def test_a_deviation_in_a_training_constant_column_raises_the_score():
    rng = np.random.default_rng(3)
    X = np.c_[rng.standard_normal((300, 3)), np.full(300, 5.0)]
    det = GANAnomalyDetector(n_iter=150, latent_steps=20, hidden=16, random_state=0).fit(X)
    row = X[:1].copy()
    moved = row.copy()
    moved[0, 3] = 25.0
    assert det.decision_function(moved)[0] > det.decision_function(row)[0]


@pytest.mark.parametrize("params, message", [
    (dict(p=np.inf), "p \\(the norm"), (dict(p=1e6), "p \\(the norm"), (dict(p=0.5), "p \\(the norm"),
    (dict(latent_lr=np.nan), "latent_lr"), (dict(latent_lr=-1.0), "latent_lr"), (dict(lr=1e6), "lr must"),
    (dict(beta=-1.0), "beta"), (dict(random_state=1.7), "random_state"), (dict(random_state=-1), "random_state"),
    (dict(threshold_rows=-1), "threshold_rows"), (dict(threshold_rows=0), "threshold_rows"),
    (dict(hidden=2.5), "hidden"), (dict(n_iter=True), "n_iter"),
])
def test_nonsense_settings_are_refused_before_training(params, message):
    X = np.random.default_rng(0).standard_normal((50, 3))
    with pytest.raises(ValueError, match=message):
        GANAnomalyDetector(**({"n_iter": 1} | params)).fit(X)


def test_degenerate_training_sets_and_fresh_entropy():
    X = np.random.default_rng(0).standard_normal((50, 3))
    with pytest.raises(ValueError, match="1 distinct"):
        GANAnomalyDetector(n_iter=1).fit(np.repeat(X[:1], 40, axis=0))
    with pytest.raises(ValueError, match="1 distinct"):
        GANAnomalyDetector(n_iter=1).fit(X[:1])
    a = GANAnomalyDetector(n_iter=3, latent_steps=1, hidden=4, random_state=None).fit(X)
    b = GANAnomalyDetector(n_iter=3, latent_steps=1, hidden=4, random_state=a.random_state_).fit(X)
    np.testing.assert_array_equal(a.decision_scores_, b.decision_scores_)  # the drawn seed repeats the fit
    with pytest.raises(ValueError, match="whole numbers"):
        MLP([2.5, 4, 1])


def test_compiled_cross_entropy_matches_the_theory_readings_of_eq24():
    """The compiled score's H_ce (nn) against the theory's two readings of Eq. 24 (theory.checks.anomaly_score)."""
    from mimgan.theory.checks.anomaly_score import hce_readings

    logits = np.linspace(-40, 40, 2001)
    for beta in (1.0, 0.3):
        printed, on_logit = hce_readings(logits, beta)
        # fastmath's exp/log1p: ~1e-12 relative; the compiled softplus loses ~1e-15 absolute in the far tail
        np.testing.assert_allclose([cross_entropy(v, beta, False)[0] for v in logits], printed, rtol=1e-11)
        np.testing.assert_allclose([cross_entropy(v, beta, True)[0] for v in logits], on_logit, rtol=1e-11,
                                   atol=1e-14)
