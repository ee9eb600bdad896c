"""A row's anomaly score is a function of the row, the fitted detector and its settings only: not of its
position, the other rows, the block cut or the thread count (issue: scores moved with row order)."""
import numpy as np
import pytest

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.nn import MLP
from mimgan.nn.latent_search import initial_latents
from mimgan.nn.mlp_kernels import forward
from mimgan.nn.rowwise import dot_rows, dot_rows_transposed, forward_rows


def test_rowwise_products_match_numpy_and_ignore_neighbours():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((37, 21)).astype(np.float32)
    W = rng.standard_normal((21, 64)).astype(np.float32)
    out = np.empty((37, 64), np.float32)
    dot_rows(A, W, out)
    np.testing.assert_allclose(out, A.astype(np.float64) @ W, rtol=1e-5, atol=1e-5)
    for i in (0, 17, 36):
        one = np.empty((1, 64), np.float32)
        dot_rows(A[i:i + 1].copy(), W, one)
        np.testing.assert_array_equal(one[0], out[i])
    G = rng.standard_normal((37, 64)).astype(np.float32)
    outT = np.empty((37, 21), np.float32)
    dot_rows_transposed(G, W, outT)
    np.testing.assert_allclose(outT, G.astype(np.float64) @ W.T, rtol=1e-5, atol=1e-5)
    net = MLP([21, 64, 64, 1], output="linear", seed=3)
    cache = np.zeros(1000 * 129, np.float32)
    rows = forward_rows(*_spec(net), A, cache).copy()
    np.testing.assert_allclose(rows, net.forward(A), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rows, forward(*_spec(net), A, cache), rtol=1e-5, atol=1e-6)


def _spec(net):
    p, g, s, a, w, b, sl = net.spec()
    return p, s, a, w, b, sl


def test_initial_latents_are_a_function_of_the_row():
    X = np.random.default_rng(1).standard_normal((50, 6)).astype(np.float32)
    Z = initial_latents(X, 9, seed=5)
    assert Z.shape == (50, 9) and abs(Z.mean()) < 0.2 and 0.8 < Z.std() < 1.2
    np.testing.assert_array_equal(initial_latents(X[::-1], 9, 5), Z[::-1])
    np.testing.assert_array_equal(initial_latents(X[[3, 3, 3]], 9, 5), Z[[3, 3, 3]])
    assert not np.array_equal(initial_latents(X, 9, 6), Z)  # the seed matters
    assert len({tuple(z) for z in Z}) == 50  # distinct rows, distinct starts


@pytest.mark.parametrize("budget", [
    dict(n_iter=30, latent_steps=5, hidden=8, latent_dim=4, block_rows=16),   # tiny, many blocks
    dict(),                                                                   # the detector's defaults
])
def test_scores_ignore_order_duplicates_batch_and_threads(budget):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((300, 5))
    det = GANAnomalyDetector(random_state=1, **({"n_iter": 200} | budget)).fit(X)
    T = np.r_[rng.standard_normal((60, 5)), rng.standard_normal((10, 5)) * 3 + 2]
    s = det.decision_function(T)
    np.testing.assert_array_equal(det.decision_function(T[::-1])[::-1], s)
    perm = rng.permutation(len(T))
    np.testing.assert_array_equal(det.decision_function(T[perm]), s[perm])
    np.testing.assert_array_equal(det.decision_function(T[[7] * 5])[0:5], np.full(5, s[7]))
    for i in (0, 33, 69):
        np.testing.assert_array_equal(det.decision_function(T[i:i + 1]), s[i:i + 1])
    det.set_params(n_threads=1)
    np.testing.assert_array_equal(det.decision_function(T), s)
    det.set_params(block_rows=7, n_threads=2)
    np.testing.assert_array_equal(det.decision_function(T), s)
    np.testing.assert_array_equal(det.predict(T[perm]), det.predict(T)[perm])
