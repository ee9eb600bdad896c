"""MLP kernels against the NumPy reference and finite differences (float64)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mimgan.nn import MLP
from mimgan.nn.activations import ACTIVATIONS, bias_activate, reference_activation, tanh_inplace, times_derivative
from mimgan.nn.reference import RefMLP
from nn_helpers import assert_grad_close, fd_grad

HIDDEN = ["leaky_relu", "relu", "tanh"]
OUTPUT = ["sigmoid", "tanh", "linear"]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_kernel_and_derivative(name):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 5)) * 3
    z[np.abs(z) < 1e-3] = 0.5  # keep finite differences away from the kinks
    Z = z.copy()
    bias_activate(Z, np.zeros(5), ACTIVATIONS[name], 0.2)
    np.testing.assert_allclose(Z, reference_activation(name, z), rtol=1e-15, atol=1e-15)
    # derivative via the output, against finite differences of the reference
    G = rng.standard_normal(z.shape)
    out = np.empty_like(z)
    times_derivative(G, Z, ACTIVATIONS[name], 0.2, out)
    h = 1e-6
    fd = (reference_activation(name, z + h) - reference_activation(name, z - h)) / (2 * h)
    np.testing.assert_allclose(out, G * fd, rtol=1e-6, atol=1e-9)


def test_float32_tanh_fast_path_accuracy():
    x = np.linspace(-12, 12, 200001).astype(np.float32)
    y = x.copy()
    tanh_inplace(y)
    assert np.max(np.abs(y - np.tanh(x.astype(np.float64)))) < 5e-7


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUT)
def test_forward_matches_reference_and_backward_matches_fd(hidden, output):
    rng = np.random.default_rng(1)
    m = MLP([4, 6, 5, 3], hidden=hidden, output=output, dtype=np.float64, seed=2)
    ref = RefMLP.from_mlp(m)
    X = rng.standard_normal((8, 4))
    np.testing.assert_allclose(m.forward(X), ref.forward(X), rtol=1e-13, atol=1e-14)
    W = rng.standard_normal((8, 3))  # loss = sum(W * out)
    dX = m.backward(W)

    def loss():
        return float(np.sum(W * m.forward(X)))

    assert_grad_close(m.grads.copy(), fd_grad(loss, m.params))
    Xc = X.copy()
    assert_grad_close(dX, fd_grad(lambda: float(np.sum(W * m.forward(Xc))), Xc))


def test_input_only_backward_skips_parameter_gradients():
    m = MLP([4, 6, 3], dtype=np.float64)
    X = np.random.default_rng(0).standard_normal((5, 4))
    m.forward(X)
    full = m.backward(np.ones((5, 3)))
    m.grads[:] = 123.0
    only = m.backward(np.ones((5, 3)), param_grads=False)
    np.testing.assert_array_equal(full, only)
    assert np.all(m.grads == 123.0)


def test_parameter_layout_and_seeded_init():
    m = MLP([3, 4, 2], seed=5)
    shapes = [p.shape for p in m.parameters]
    assert shapes == [(3, 4), (4,), (4, 2), (2,)]
    assert all(np.shares_memory(p, m.params) for p in m.parameters)
    assert [g.shape for g in m.gradients] == shapes
    np.testing.assert_array_equal(m.params, MLP([3, 4, 2], seed=5).params)
    assert not np.array_equal(m.params, MLP([3, 4, 2], seed=6).params)
    assert m.params.dtype == np.float32


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.lists(st.integers(1, 9), min_size=2, max_size=4))
def test_shapes_for_any_batch_and_sizes(batch, sizes):
    m = MLP(sizes, seed=0)
    X = np.random.default_rng(batch).standard_normal((batch, sizes[0]))
    out = m.forward(X)
    assert out.shape == (batch, sizes[-1]) and np.all(np.isfinite(out))
    assert m.backward(np.ones_like(out)).shape == (batch, sizes[0])


@pytest.mark.parametrize("X, match", [
    (np.zeros((4, 3)), "has 3 columns, the network expects 5"),
    (np.zeros((0, 5)), "empty batch"),
    (np.zeros(5), "2-D"),
    (np.array([[0, 0, np.nan, 0, 0]]), "NaN or inf"),
    (np.array([[0, 0, np.inf, 0, 0]]), "NaN or inf"),
])
def test_bad_input_raises_before_numba(X, match):
    m = MLP([5, 3, 1])
    with pytest.raises(ValueError, match=match):
        m.forward(X)


def test_bad_construction():
    with pytest.raises(ValueError, match="unknown activation"):
        MLP([3, 2], hidden="swish")
    with pytest.raises(ValueError, match="unknown activation"):
        MLP([3, 2], output="relu6")
    with pytest.raises(ValueError, match="two positive widths"):
        MLP([3])
    with pytest.raises(RuntimeError, match="before forward"):
        MLP([3, 2]).backward(np.ones((1, 2)))
    m = MLP([3, 2])
    m.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="rows"):
        m.backward(np.ones((5, 2)))


def test_a_cached_kernel_is_stale_once_any_nn_source_changes(monkeypatch):
    """numba checks only the cached function's own file; a kernel inlines kernels of other files, so
    the cache stamp also carries a digest of every nn/ source (an edit anywhere recompiles)."""
    from mimgan.nn import jit
    from mimgan.nn.microkernel import tile_cols

    tile_cols(4)
    sig, ctx = tile_cols.signatures[0], tile_cols.targetctx
    assert tile_cols._cache.load_overload(sig, ctx) is not None
    stamp = tile_cols._cache._impl.locator.get_source_stamp()
    assert stamp[1] == jit.sources_digest()
    assert jit._FunctionCache(tile_cols.py_func).load_overload(sig, ctx) is not None  # what a new process sees
    monkeypatch.setattr(jit, "sources_digest", lambda: b"an edit elsewhere in nn/")
    assert jit._FunctionCache(tile_cols.py_func).load_overload(sig, ctx) is None


def test_cache_entries_saved_at_the_same_time_by_several_writers_name_their_own_code(tmp_path, monkeypatch):
    """Writers saving different signatures of one kernel at once (the float32 and float64 warm-ups) each get
    an entry whose file holds their own code. numba's own saving lost entries and, once in CI, left an
    entry naming the other signature's code; slow file writes here widen the window between reading and
    writing the index."""
    import threading
    import time

    from mimgan.nn import jit
    from mimgan.nn.microkernel import tile_cols

    locked = type(jit._FunctionCache(tile_cols.py_func)._cache_file)
    for name in ("_save_index", "_save_data"):
        def slow(self, *args, _orig=getattr(locked, name)):
            time.sleep(0.002)
            return _orig(self, *args)
        monkeypatch.setattr(locked, name, slow)

    def writer(w):
        f = locked(cache_path=str(tmp_path), filename_base="probe", source_stamp="stamp")
        for i in range(8):
            f.save((f"signature {w}", i), ("code of", w, i))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    index = locked(cache_path=str(tmp_path), filename_base="probe", source_stamp="stamp")
    entries = index._load_index()
    assert len(entries) == 32 and len(set(entries.values())) == 32
    for (sig, i), name in entries.items():
        assert index._load_data(name) == ("code of", int(sig.split()[-1]), i)
