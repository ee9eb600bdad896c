"""The compiled GAN step: gradients by finite differences, agreement with the NumPy reference,
bit-for-bit reproducibility, persistence and error handling."""
import numpy as np
import pytest

from mimgan.nn import MLP, SGD, GANTrainer, NonFiniteLossError
from mimgan.nn.gan_step import train_steps
from mimgan.nn.latent_search import search_rows
from mimgan.nn.reference import RefGAN, RefMLP
from nn_helpers import assert_grad_close, fd_grad

OBJECTIVES = [("mim", {}), ("gan", {"generator_loss": "saturating"}), ("gan", {}), ("lsgan", {}),
              ("wgan", {}), ("wgan-gp", {}), ("mim", {"bounded": False})]


def nets(dtype=np.float64, hidden="leaky_relu"):
    return (MLP([3, 8, 8, 5], hidden=hidden, output="tanh", seed=1, dtype=dtype),
            MLP([5, 8, 8, 1], hidden=hidden, output="linear", seed=2, dtype=dtype))


def data(n=200, d=5, seed=0):
    return np.tanh(np.random.default_rng(seed).standard_normal((n, d)))


def run_once(t, X, S=1):
    idx, z, eps = t._draw(S, len(X))
    losses = np.zeros((S, 4))
    o = t.objective
    train_steps(t.G.spec(), t.D.spec(), t._gbuf, t._dbuf, *o.loss_functions, o.options, o.n_critic, o.clip, o.gp_lambda,
                t.g_opt.state(), t.d_opt.state(), t.prepare(X), idx, z, eps, t._gp, losses)
    return idx, z, eps, losses


@pytest.mark.parametrize("name, opts", OBJECTIVES)
@pytest.mark.parametrize("hidden", ["leaky_relu", "tanh"])
def test_whole_step_gradients_match_finite_differences(name, opts, hidden):
    G, D = nets(hidden=hidden)
    t = GANTrainer(G, D, objective=name, batch_size=6, seed=4, g_optimizer=SGD(1e-3), d_optimizer=SGD(1e-3),
                   n_critic=1, clip=0.0, **opts)
    X = data()
    G0, D0 = G.params.copy(), D.params.copy()
    idx, z, eps, _ = run_once(t, X)
    gD, gG = D.grads.copy(), G.grads.copy()
    D1 = D.params.copy()
    obj, B = t.objective, 6
    real = t.prepare(X)[idx[0]]

    def d_loss():
        fake = G.forward(z[0])
        logits = D.forward(np.concatenate([real, fake]))
        loss = obj.discriminator_loss(logits[:B], logits[B:])[0]
        if obj.gp_lambda > 0:
            xh = eps[0][:, None] * real + (1 - eps[0][:, None]) * fake
            D.forward(xh)
            u = D.backward(np.ones((B, 1)), param_grads=False)
            loss += obj.gp_lambda * np.mean((np.linalg.norm(u, axis=1) - 1) ** 2)
        return loss

    G.params[:], D.params[:] = G0, D0
    assert_grad_close(gD, fd_grad(d_loss, D.params))
    D.params[:] = D1  # the G step differentiates through the updated discriminator

    def g_loss():
        return obj.generator_loss(D.forward(G.forward(z[0])))[0]

    assert_grad_close(gG, fd_grad(g_loss, G.params))


@pytest.mark.parametrize("name, opts", [c for c in OBJECTIVES if c[0] != "wgan-gp"])
def test_trainer_matches_numpy_reference(name, opts):
    G, D = nets()
    rG, rD = RefMLP.from_mlp(G), RefMLP.from_mlp(D)
    t = GANTrainer(G, D, objective=name, batch_size=16, seed=3, **opts)
    ref = RefGAN(rG, rD, name, opts, n_critic=t.objective.n_critic, clip=t.objective.clip)
    X = t.prepare(data())
    for _ in range(4):
        idx, z, _, losses = run_once(t, X)
        ref_losses = ref.step(X, idx, z)
    np.testing.assert_allclose(G.params, rG.flat(), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(D.params, rD.flat(), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(losses[0, :2], ref_losses, rtol=1e-11)


@pytest.mark.parametrize("name", ["mim", "wgan-gp"])
def test_same_seed_same_bits_and_chunking_does_not_matter(name):
    X = data(500, 5, 1).astype(np.float32)
    runs = []
    for chunk in (7, 50, 50):
        G, D = nets(np.float32)
        t = GANTrainer(G, D, objective=name, batch_size=32, seed=11)
        t.fit(X, 30, chunk=chunk)
        runs.append((G.params.copy(), D.params.copy(), np.array(t.history["g_loss"])))
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)
    G, D = nets(np.float32)
    t = GANTrainer(G, D, objective=name, batch_size=32, seed=12)
    t.fit(X, 30)
    assert not np.array_equal(G.params, runs[0][0])


def test_kernels_compile_once_per_plain_type_and_the_steps_only_inside_the_loop():
    """A constant argument (``backward(..., True, False)``) compiles no copy of its own, and the D and G steps
    are compiled only inside ``train_steps``: on a fresh checkout each copy was seconds of compilation."""
    from numba.core import types

    from mimgan.nn import gan_step, mlp_kernels, microkernel

    G, D = nets(np.float64)
    GANTrainer(G, D, objective="wgan-gp", batch_size=8, seed=0).fit(data(), 2)
    search_rows(G, D, data(9), np.zeros((9, 3)), 2)
    for disp in (mlp_kernels.backward, mlp_kernels.forward, mlp_kernels.layer_view, microkernel.gemm_rows):
        literal = [sig for sig in disp.signatures if any(isinstance(a, types.Literal) for a in sig)]
        assert not literal, (disp.py_func.__name__, literal)
    assert mlp_kernels.backward.signatures  # the check above looked at compiled kernels
    assert not gan_step.d_step.signatures and not gan_step.g_step.signatures


def test_save_load_resumes_bit_identically(tmp_path):
    X = data(300).astype(np.float32)
    G, D = nets(np.float32)
    a = GANTrainer(G, D, objective="gan", batch_size=16, seed=5)
    a.fit(X, 10)
    path = a.save(tmp_path / "m.npz")
    b = GANTrainer.load(path)
    a.fit(X, 10)
    b.fit(X, 10)
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)
    assert b.iteration == 20 and b.history["g_loss"] == a.history["g_loss"]
    np.testing.assert_array_equal(a.sample(5), b.sample(5))
    with pytest.raises(ValueError, match="does not match"):
        GANTrainer.load(path, expect={"generator": {"sizes": [3, 16, 16, 5]}})
    with pytest.raises(FileNotFoundError):
        GANTrainer.load(tmp_path / "missing.npz")
    assert not list(tmp_path.glob("*.tmp"))


def test_non_finite_loss_stops_with_iteration_and_network():
    G, D = nets(np.float32)
    t = GANTrainer(G, D, objective="mim", batch_size=16, seed=0, bounded=False,
                   g_optimizer=SGD(1e6), d_optimizer=SGD(1e6))
    with pytest.raises(NonFiniteLossError, match=r"(discriminator|generator) .*(iteration \d+|by iteration)"):
        t.fit(data().astype(np.float32), 200, chunk=10)


def test_trainer_input_errors():
    G, D = nets(np.float32)
    t = GANTrainer(G, D)
    with pytest.raises(ValueError, match="NaN"):
        t.fit(np.full((10, 5), np.nan), 1)
    with pytest.raises(ValueError, match="columns"):
        t.fit(np.zeros((10, 4)), 1)
    with pytest.raises(ValueError, match="empty"):
        t.fit(np.zeros((0, 5)), 1)
    with pytest.raises(ValueError, match="unknown GAN objective"):
        GANTrainer(*nets(np.float32), objective="bigan")
    with pytest.raises(ValueError, match="outputs 5 features"):
        GANTrainer(MLP([3, 4, 5]), MLP([4, 4, 1]))
