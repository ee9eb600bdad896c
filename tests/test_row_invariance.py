"""A row's anomaly score is a function of the row, the fitted detector and its settings only: not of its
position, the other rows, the block cut or the thread count (issue: scores moved with row order)."""
import numpy as np
import pytest

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.nn import MLP
from mimgan.nn.latent_search import search_rows, shared_starts
from mimgan.nn.scoring import _start_costs, score_terms
from mimgan.nn.microkernel import TILE_ROWS, gemm_rows, padded, tile_cols
from mimgan.nn.rowwise import forward_rows, input_grad_rows, layer_rows, pack, padded_rows, row_cache_size, row_work_size


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("K", [1, 21, 300])  # 300 > K_BLOCK: the sum over k is cut into pieces
def test_tiled_product_matches_numpy_and_ignores_neighbours(dtype, K):
    rng = np.random.default_rng(0)
    cw = tile_cols(np.dtype(dtype).itemsize)
    n, rows = 37, padded(40, TILE_ROWS)
    A = rng.standard_normal((rows, K)).astype(dtype)
    W = np.zeros((K, padded(n, cw)), dtype)
    W[:, :n] = rng.standard_normal((K, n))
    C = np.full((rows, W.shape[1]), np.nan, dtype)
    gemm_rows(A.ravel(), 0, K, W.ravel(), 0, W.shape[1], cw, C.ravel(), 0, W.shape[1], rows, K, W.shape[1])
    np.testing.assert_allclose(C[:, :n], A.astype(np.float64) @ W[:, :n], rtol=1e-4, atol=1e-4 * np.sqrt(K))
    assert np.all(C[:, n:] == 0)
    # Row i alone (in the first slot of a tile of otherwise different rows) gives the same bits.
    for i in (0, 5, 17, 39):
        one = rng.standard_normal((TILE_ROWS, K)).astype(dtype)
        one[0] = A[i]
        c1 = np.empty((TILE_ROWS, W.shape[1]), dtype)
        gemm_rows(one.ravel(), 0, K, W.ravel(), 0, W.shape[1], cw, c1.ravel(), 0, W.shape[1], TILE_ROWS, K,
                  W.shape[1])
        np.testing.assert_array_equal(c1[0], C[i])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden, output", [("leaky_relu", "tanh"), ("relu", "sigmoid"), ("tanh", "linear")])
def test_rowwise_passes_match_the_network(dtype, hidden, output):
    """forward_rows / input_grad_rows / layer_rows against MLP.forward / MLP.backward (BLAS); the
    piecewise-linear activations are fused into the products, the others get passes of their own."""
    rng = np.random.default_rng(1)
    net = MLP([21, 64, 30, 3], hidden=hidden, output=output, seed=3, dtype=dtype)
    X = rng.standard_normal((37, 21)).astype(dtype)
    G = rng.standard_normal((37, 3)).astype(dtype)
    rn = pack(net)
    rows = padded_rows(37)
    Xp = np.zeros((rows, 21), dtype)
    Xp[:37] = X
    cache = np.zeros(row_cache_size(rn.padded, rows), dtype)
    out = forward_rows(rn, Xp.ravel(), 21, rows, cache)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[:37, :3], net.forward(X), **tol)
    Gp = np.zeros((rows, int(rn.padded[-1])), dtype)
    Gp[:37, :3] = G
    dX = input_grad_rows(rn, rows, cache, Gp, np.zeros(row_work_size(rn.padded, rows), dtype))
    np.testing.assert_allclose(dX[:37, :21], net.backward(G, param_grads=False), **tol)
    np.testing.assert_allclose(layer_rows(net, X, -2), _hidden(net, X), **tol)
    np.testing.assert_array_equal(layer_rows(net, X[5:6], -1)[0], layer_rows(net, X, -1)[5])


def _hidden(net, X):
    """The last hidden layer of ``net`` in plain float64 NumPy (the oracle of layer_rows)."""
    from mimgan.nn.activations import reference_activation

    W1, b1, W2, b2 = net.parameters[:4]
    h = reference_activation(net.hidden, X.astype(np.float64) @ W1 + b1, net.slope)
    return reference_activation(net.hidden, h @ W2 + b2, net.slope)


def test_shared_starts_come_from_the_seed_alone():
    Z = shared_starts(9, 500, seed=5)
    assert Z.shape == (500, 9) and Z.dtype == np.float32 and abs(Z.mean()) < 0.1 and 0.9 < Z.std() < 1.1
    np.testing.assert_array_equal(shared_starts(9, 500, 5), Z)
    np.testing.assert_array_equal(shared_starts(9, 3, 5), Z[:3])  # a larger pool extends a smaller one
    assert not np.array_equal(shared_starts(9, 500, 6), Z)
    with pytest.raises(ValueError, match="at least 1 start"):
        shared_starts(9, 0, 5)


def _nets(dtype, dx=5, dz=4, h=8):
    return (MLP([dz, h, dx], output="tanh", seed=1, dtype=dtype), MLP([dx, h, 1], output="linear", seed=2, dtype=dtype))


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0])
def test_start_costs_are_eq23_at_every_start(p):
    G, D = _nets(np.float64)
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (20, 5))
    starts = shared_starts(4, 7, 0).astype(np.float64)
    got = _start_costs(G, D, X, starts, 0.1, p, 1.0, True)
    # Oracle: the plain NumPy forward pass of both networks and Eq. 23-24 written out.
    Gz = G.forward(starts)
    logit = D.forward(Gz)[:, 0]
    h = np.logaddexp(0.0, -logit)  # H_ce with beta = 1 on the logit: -ln sigmoid(d)
    want = 0.9 * (np.abs(X[:, None, :] - Gz[None]) ** p).sum(-1) ** (1 / p) + 0.1 * h[None]
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_row_keeps_its_best_search_from_its_cheapest_starts(dtype):
    """pool/restarts against an oracle built from single-row, single-start searches."""
    G, D = _nets(dtype)
    X = np.random.default_rng(5).uniform(-1, 1, (12, 5)).astype(dtype)
    kw = dict(steps=15, lr=0.01, lam=0.1, p=2.0, beta=1.0)
    got = score_terms(G, D, X, seed=3, pool=6, restarts=3, eta=0.05, **kw)
    starts = shared_starts(4, 6, 3).astype(dtype)
    costs = _start_costs(G, D, X, starts, 0.1, 2.0, 1.0, True)
    for i in range(len(X)):
        best = None
        for m in np.argsort(costs[i], kind="stable")[:3]:
            z = starts[m:m + 1].copy()
            r, h = search_rows(G, D, X[i:i + 1].copy(), z, kw["steps"], kw["lr"], 0.1, 2.0, 1.0, True, threads=1)
            J = 0.9 * float(r[0]) + 0.1 * float(h[0])
            best = J if best is None or J < best else best
        assert got["residual"][i] * 0.9 + got["h_ce_generated"][i] * 0.1 == pytest.approx(best, rel=1e-12)
    again = score_terms(G, D, X[::-1].copy(), seed=3, pool=6, restarts=3, eta=0.05, threads=2, block_rows=2, **kw)
    np.testing.assert_array_equal(again["score"][::-1], got["score"])
    with pytest.raises(ValueError, match="restarts must be in"):
        score_terms(G, D, X, seed=3, pool=2, restarts=3, **kw)


@pytest.mark.parametrize("budget", [
    dict(n_iter=30, latent_steps=5, hidden=8, latent_dim=4, block_rows=16),   # tiny, many blocks
    dict(n_iter=30, latent_steps=5, hidden=8, latent_dim=4, latent_pool=9, latent_restarts=3, block_rows=16),
    dict(n_iter=30, latent_steps=60, hidden=8, latent_dim=4, latent_tol=1e-3, block_rows=16),  # rows stop early
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stopping_rule_is_a_cut_search_of_each_row(dtype):
    """tol = 0 never stops: the windowed search gives the uncut search's bits; tol > 0 stops rows at
    multiples of the window, each with the bits of an uncut search of that many steps."""
    G, D = _nets(dtype)
    X = np.random.default_rng(6).uniform(-1, 1, (40, 5)).astype(dtype)
    Z0 = np.tile(shared_starts(4, 1, 0).astype(dtype), (40, 1))
    args = (X, 70, 0.01, 0.1, 2.0, 1.0, True)
    plain_z = Z0.copy()
    plain = search_rows(G, D, X, plain_z, *args[1:])
    cut_z = Z0.copy()
    r, h, used = search_rows(G, D, X, cut_z, *args[1:], tol=0.0, window=9, return_steps=True)
    np.testing.assert_array_equal(r, plain[0])
    np.testing.assert_array_equal(h, plain[1])
    np.testing.assert_array_equal(cut_z, plain_z)
    assert np.all(used == 70)
    stop_z = Z0.copy()
    r, h, used = search_rows(G, D, X, stop_z, *args[1:], tol=0.05, window=10, return_steps=True, block_rows=7)
    assert used.min() < 70 and set(np.unique(used)) <= {20, 30, 40, 50, 60, 70}  # never before two checks
    for i in np.flatnonzero(used < 70)[:5]:
        z = Z0[i:i + 1].copy()
        ri, hi = search_rows(G, D, X[i:i + 1].copy(), z, int(used[i]), *args[2:])
        assert (ri[0], hi[0]) == (r[i], h[i])
        np.testing.assert_array_equal(z[0], stop_z[i])
        # ... and it stopped because its J moved by less than tol over its last window
        z = Z0[i:i + 1].copy()
        rp, hp = search_rows(G, D, X[i:i + 1].copy(), z, int(used[i]) - 10, *args[2:])
        J, Jp = 0.9 * float(r[i]) + 0.1 * float(h[i]), 0.9 * float(rp[0]) + 0.1 * float(hp[0])
        assert abs(J - Jp) < 0.05 * abs(J)
    with pytest.raises(ValueError, match="stopping tolerance"):
        search_rows(G, D, X, Z0.copy(), 5, tol=-1.0)
    with pytest.raises(ValueError, match="stopping window"):
        search_rows(G, D, X, Z0.copy(), 5, tol=0.1, window=0)
    with pytest.raises(ValueError, match="latent_tol"):
        GANAnomalyDetector(latent_tol=float("nan")).check_params()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_compiled_search_serves_plain_stopping_and_read_only_networks(dtype):
    """A plain search, a search with the stopping rule and a network whose arrays are read-only (as one
    unpickled from another process can be) use one compiled search: each new specialisation costs 5-10 s of
    compilation in every process that meets it."""
    from mimgan.nn.latent_search import search

    G, D = _nets(dtype)
    X = np.random.default_rng(7).uniform(-1, 1, (9, 5)).astype(dtype)
    Z0 = np.tile(shared_starts(4, 1, 0).astype(dtype), (9, 1))
    search_rows(G, D, X, Z0.copy(), 3)
    before = set(search.signatures)
    search_rows(G, D, X, Z0.copy(), 3, tol=1e-3, window=2)
    for arr in (G.sizes, G.acts, D.sizes, D.acts):
        arr.flags.writeable = False
    try:
        packed = pack(G)
        assert all(a.flags.writeable for a in packed[:-1])
        search_rows(G, D, X, Z0.copy(), 3)
    finally:
        for arr in (G.sizes, G.acts, D.sizes, D.acts):
            arr.flags.writeable = True
    assert set(search.signatures) == before
