"""Assertions that a light mutation probe showed were missing: each test fails if its planted bug is put back.

* ``threshold_`` computed with the contamination fixed at 0.1;
* the claims verdict taking ``any`` instead of ``all`` of the comparisons;
* Eq. 25's H_ce(D(x)) read on the logit whatever ``ce_input`` says;
* the two arguments of Figure 1's "more stably" spread test swapped;
plus direct checks of Eq. 23's J = (1 - lambda) residual + lambda H_ce and of MIM's scale at several values.
"""
import numpy as np
import pytest

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.experiments.report import claims
from mimgan.nn import get_objective


@pytest.fixture(scope="module")
def tiny():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((300, 4))
    det = GANAnomalyDetector(n_iter=60, latent_steps=5, hidden=8, contamination=0.05, lam=0.3, eta=0.2,
                             random_state=1).fit(X)
    return det, X, rng.standard_normal((20, 4)) * 2


def test_threshold_follows_the_contamination(tiny):
    det, X, _ = tiny
    assert det.threshold_ == np.quantile(det.decision_scores_, 0.95)
    assert abs(det.labels_.mean() - 0.05) <= 1 / len(X)
    other = GANAnomalyDetector(n_iter=60, latent_steps=5, hidden=8, contamination=0.25, random_state=1).fit(X)
    assert other.threshold_ == np.quantile(other.decision_scores_, 0.75)
    assert abs(other.predict(X).mean() - 0.25) <= 1 / len(X)


def _sigmoid_ce(v, beta):
    s = 1 / (1 + np.exp(-v))
    return -beta * np.log(s) - (1 - beta) * np.log(1 - s)


def test_h_ce_of_eq25_follows_the_reading(tiny):
    det, _, Xt = tiny
    logits = det.gan_.D.forward(det.scaler_.transform(Xt).astype(np.float32)).astype(np.float64).ravel()
    on_logit = det.score_terms(Xt, ce_input="logit")["h_ce_input"]
    on_output = det.score_terms(Xt, ce_input="output")["h_ce_input"]
    np.testing.assert_allclose(on_logit, _sigmoid_ce(logits, det.beta), rtol=1e-5)
    np.testing.assert_allclose(on_output, _sigmoid_ce(1 / (1 + np.exp(-logits)), det.beta), rtol=1e-5)
    assert np.max(np.abs(on_logit - on_output)) > 1e-3


def test_eq23_and_eq25_compose_with_the_given_weights(tiny):
    det, _, Xt = tiny
    t = det.score_terms(Xt)
    np.testing.assert_allclose(t["J"], 0.7 * t["residual"] + 0.3 * t["h_ce_generated"], rtol=1e-12)
    np.testing.assert_allclose(t["score"], 0.8 * t["J"] + 0.2 * t["h_ce_input"], rtol=1e-12)


def test_claims_verdict_needs_all_comparisons():
    sup, none = {"outcome": "supports", "n": 10, "p": 0.01}, {"outcome": "no significant difference", "n": 10, "p": 0.4}
    against = {"outcome": "contradicts", "n": 10, "p": 0.01}
    assert claims.verdict([sup, sup]) == claims.REPRODUCED
    assert claims.verdict([sup, none]) == claims.NOT_REPRODUCED
    assert claims.verdict([none, sup]) == claims.NOT_REPRODUCED
    assert claims.verdict([sup, against]) == claims.NOT_REPRODUCED


def _fig1_records(spread_of):
    """Figure 1 records with final W1 whose spread over (N, seed) is ``spread_of[gan]``."""
    rng = np.random.default_rng(5)
    recs = []
    for gan, sd in spread_of.items():
        for seed in range(12):
            recs.append({"config": {"gan": gan, "n_pretrain": 500, "seed": seed, "phase2_lr": 0.001},
                         "final_w1": float(1.0 + sd * rng.standard_normal()), "iterations_to_w1": 100.0 + seed})
    return recs


def test_fig1_more_stably_is_judged_in_both_directions():
    def stably(records):
        return next(r for r in claims.fig1_claims(records) if "more stably" in r["claim"])

    gan_noisy = stably(_fig1_records({"gan": 2.0, "mim": 0.1, "lsgan": 0.1, "wgan": 0.1}))
    assert gan_noisy["verdict"] == claims.REPRODUCED
    gan_calm = stably(_fig1_records({"gan": 0.1, "mim": 2.0, "lsgan": 2.0, "wgan": 2.0}))
    assert gan_calm["verdict"] == claims.NOT_REPRODUCED
    assert all(c["outcome"] == "contradicts" for c in gan_calm["comparisons"])


@pytest.mark.parametrize("omega", [0.5, 1.0, 3.0])
def test_mim_scale_omega_in_the_compiled_losses(omega):
    """Eq. 3 with a scale: D's loss E_P[exp(w(1 - D))] + E_Pg[exp(w D)] on the sigmoid output (bounded MIM)."""
    obj = get_objective(f"mim:omega={omega}")
    real = np.array([-1.0, 0.3, 2.0], np.float64)
    fake = np.array([0.5, -2.0, 1.0], np.float64)
    loss = obj.discriminator_loss(real, fake)[0]
    d = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    expected = np.mean(np.exp(omega * (1 - d(real)))) + np.mean(np.exp(omega * d(fake)))
    assert loss == pytest.approx(expected, rel=1e-12)


def test_a_nan_mean_is_never_named_the_highest():
    assert claims._highest({"mim": {0: float("nan"), 1: 0.9}, "gan": {0: 0.6, 1: 0.7}}, np.mean) == "gan"
    assert claims._highest({"mim": {0: float("nan")}}, np.mean).startswith("none")
