"""Every objective's loss gradients against finite differences, NumPy formulas, and extreme logits."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mimgan.nn import get_objective

CASES = [("mim", {}), ("mim", {"bounded": False}), ("gan", {"generator_loss": "saturating"}),
         ("gan", {"generator_loss": "non-saturating"}), ("lsgan", {}), ("lsgan", {"output": "linear"}),
         ("wgan", {}), ("wgan-gp", {})]


# Gradients of every family against finite differences and two oracles: tests/test_objective_lab.py.


def test_mim_loss_value_is_eq3():
    obj = get_objective("mim")
    r, f = np.array([0.3, -1.0]), np.array([2.0])
    s = 1 / (1 + np.exp(-np.array([0.3, -1.0, 2.0])))
    assert obj.discriminator_loss(r, f)[0] == pytest.approx(np.mean(np.exp(1 - s[:2])) + np.exp(s[2]), rel=1e-14)
    assert obj.generator_loss(f)[0] == pytest.approx(-np.exp(s[2]), rel=1e-14)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=20), st.sampled_from(
    [c for c in CASES if c != ("mim", {"bounded": False})]))
def test_extreme_logits_stay_finite_in_float32(logits, case):
    name, opts = case
    obj = get_objective(name, **opts)
    x = np.array(logits, dtype=np.float32)
    loss, gr, gf = obj.discriminator_loss(x, x[::-1].copy())
    gl, gg = obj.generator_loss(x)
    for v in (loss, gl):
        assert np.isfinite(v)
    for a in (gr, gf, gg):
        assert a.dtype == np.float32 and np.all(np.isfinite(a))


def test_unbounded_mim_finite_while_representable():
    obj = get_objective("mim", bounded=False)
    x = np.array([-80.0, 0.0, 80.0], dtype=np.float32)
    loss, gr, gf = obj.discriminator_loss(x, x)
    assert np.isfinite(loss) and np.all(np.isfinite(gr)) and np.all(np.isfinite(gf))


@pytest.mark.parametrize("call, match", [
    (lambda: get_objective("vae"), "unknown GAN objective"),
    (lambda: get_objective("gan", generator_loss="hinge"), "unknown generator_loss"),
    (lambda: get_objective("mim", temperature=2), "bad options"),
    (lambda: get_objective("wgan", n_critic=0), "n_critic"),
    (lambda: get_objective("mim").discriminator_loss([], [1.0]), "empty"),
    (lambda: get_objective("mim").discriminator_loss([np.nan], [1.0]), "NaN"),
    (lambda: get_objective("mim").generator_loss(np.ones((2, 2))), "shape"),
])
def test_objective_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_unbounded_mim_overflow_is_an_error_not_inf():
    obj = get_objective("mim", bounded=False)
    x = np.array([-100.0, 0.0, 100.0], dtype=np.float32)
    with pytest.raises(ValueError, match="overflows float32"):
        obj.discriminator_loss(x, x)
    with pytest.raises(ValueError, match="overflows float32"):
        obj.generator_loss(x)
    loss, gr, gf = obj.discriminator_loss(x.astype(np.float64), x.astype(np.float64))
    assert np.isfinite(loss) and np.all(np.isfinite(gr)) and np.all(np.isfinite(gf))


@pytest.mark.parametrize("spec, words", [
    ("mim:bounded=off", "true or false"),           # an unknown word used to train the bounded MIM
    ("mim:omega=2,omega=3", "given twice"),         # the last one used to win silently
    ("gan:n_critic=2.5", "whole number"),           # used to be truncated to 2
    ("wgan:clip=nan", "a number"),
    ("mim:gp_lambda=inf", "finite"),
    ("lsgan:a=nan", "a number"),
    ("lsgan:b=inf", "finite"),
    ("mim:omega=nan", "a number"),
    ("gan:generator_loss=1", "a word"),
])
def test_bad_option_values_are_refused_by_name(spec, words):
    with pytest.raises(ValueError, match=words) as info:
        get_objective(spec)
    assert spec.split(":")[1].split("=")[0] in str(info.value) or "LSGAN's targets" in str(info.value)


def test_boolean_options_have_one_canonical_spelling():
    assert get_objective("mim:bounded=0").name == get_objective("mim:bounded=no").name == "mim:bounded=false"
    assert get_objective("mim:bounded=1").name == get_objective("mim", bounded=True).name == "mim:bounded=true"
    assert np.array_equal(get_objective("mim:bounded=0").options, get_objective("mim", bounded=False).options)


def test_lsgan_with_one_target_for_real_and_fake_warns():
    with pytest.warns(UserWarning, match="no signal"):
        get_objective("lsgan:a=1,b=1")
