"""Optimiser updates against their textbook formulas; the WGAN-GP gradient against finite differences."""
import numpy as np
import pytest

from mimgan.nn import MLP, SGD, Adam, GradientPenalty, RMSProp, make_optimizer
from mimgan.nn.reference import RefAdam
from nn_helpers import assert_grad_close, fd_grad


def test_adam_matches_reference_formula():
    rng = np.random.default_rng(0)
    p = rng.standard_normal(50)
    ref = [p.copy()]
    opt, ropt = Adam(0.01, 0.5, 0.99), RefAdam(0.01, 0.5, 0.99)
    for _ in range(20):
        g = rng.standard_normal(50)
        opt.step(p, g)
        ropt.step(ref, [g])
    np.testing.assert_allclose(p, ref[0], rtol=1e-13, atol=1e-15)


def test_sgd_momentum_and_rmsprop_formulas():
    rng = np.random.default_rng(1)
    p, q = rng.standard_normal(10), None
    q = p.copy()
    buf = np.zeros(10)
    opt = SGD(0.1, momentum=0.9)
    for _ in range(5):
        g = rng.standard_normal(10)
        opt.step(p, g)
        buf = 0.9 * buf + g
        q -= 0.1 * buf
    np.testing.assert_allclose(p, q, rtol=1e-14)
    p = rng.standard_normal(10)
    q, v = p.copy(), np.zeros(10)
    opt = RMSProp(0.01, rho=0.9, eps=1e-8)
    for _ in range(5):
        g = rng.standard_normal(10)
        opt.step(p, g)
        v = 0.9 * v + 0.1 * g * g
        q -= 0.01 * g / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(p, q, rtol=1e-13)


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop"])
def test_optimisers_descend_a_quadratic(name):
    A = np.diag(np.linspace(1, 3, 6))
    x = np.ones(6)
    opt = make_optimizer(name, lr=0.05)
    f0 = 0.5 * x @ A @ x
    for _ in range(200):
        opt.step(x, A @ x)
    assert 0.5 * x @ A @ x < 0.05 * f0


@pytest.mark.parametrize("name, kw", [("sgd", {}), ("sgd", {"momentum": 0.5}), ("adam", {}), ("rmsprop", {})])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_update_reports_non_finite_parameters(name, kw, dtype):
    """The check fused into the update loop flags any inf/NaN parameter, wherever it sits."""
    from mimgan.nn.optim import apply_update
    n = 1000
    for bad_at, bad in [(None, 0.0), (0, np.inf), (517, -np.inf), (n - 1, np.nan)]:
        opt = make_optimizer(name, lr=0.01, **kw).bind(np.zeros(n, dtype))
        p = np.linspace(-1, 1, n).astype(dtype)
        g = np.ones(n, dtype)
        if bad_at is not None:
            p[bad_at] = bad
        chk = apply_update(opt.code, opt.hyper(), p, g, opt.s1, opt.s2, opt.t)
        assert (chk == 0.0) if bad_at is None else np.isnan(chk)


def test_optimizer_errors():
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("lbfgs")
    with pytest.raises(ValueError, match="learning rate"):
        Adam(lr=-1)


@pytest.mark.parametrize("hidden", ["leaky_relu", "tanh"])
def test_gradient_penalty_gradient_matches_fd(hidden):
    D = MLP([3, 6, 5, 1], hidden=hidden, output="linear", dtype=np.float64, seed=3)
    gp = GradientPenalty(D, lam=10.0)
    X = np.random.default_rng(4).standard_normal((7, 3))

    def penalty():
        D.forward(X)
        u = D.backward(np.ones((7, 1)), param_grads=False)
        return 10.0 * np.mean((np.linalg.norm(u, axis=1) - 1) ** 2)

    value, grad = gp(X)
    assert value == pytest.approx(penalty(), rel=1e-12)
    assert_grad_close(grad, fd_grad(penalty, D.params))


def test_blas_thread_policy():
    from mimgan.nn.blas import SMALL_GEMM_MACS, blas_threads, largest_product, resolve
    assert largest_product([[21, 64, 64, 1]], 128) == 128 * 64 * 64
    assert resolve("auto", [[21, 64, 64, 1]], 128) == 1
    assert resolve("auto", [[784, 256, 256, 1]], 512) is None and 512 * 784 * 256 > SMALL_GEMM_MACS
    assert resolve("default", [[3, 3]], 1) is None and resolve(2, [[3, 3]], 1) == 2
    with pytest.raises(ValueError, match="blas_threads"):
        resolve(0, [[3, 3]], 1)
    from threadpoolctl import threadpool_info
    with blas_threads(1):
        assert all(i["num_threads"] == 1 for i in threadpool_info() if i["user_api"] == "blas")
