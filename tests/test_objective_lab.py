"""The objective lab: every registered family's kernels, specs, a toy objective added from outside, generic theory."""
import importlib
import importlib.util
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mimgan import theory
from mimgan.nn import MLP, GANTrainer, get_objective
from mimgan.nn.objectives import LABELS, REGISTRY, Family, Spec, check_names, label, register, split_list, split_spec
from mimgan.theory import theory_kind
from mimgan.nn.reference import losses as ref_losses, symbolic_losses
from mimgan.theory import lab
from mimgan.theory.checks import lab as lab_checks
from nn_helpers import assert_grad_close, fd_grad

# In the process that computes every theory check once (theory.checks.run_all, the "theory" group): sympy's
# cache and the per-objective caches of theory.lab (D*, identify, phi) are warm there: these two files 42.7 ->
# 29.3 s alone in one process (cold vs after `mimgan verify`'s test); in the whole suite 24.4 -> 21.8 s of CPU.
pytestmark = pytest.mark.xdist_group("theory")

#: Every registry name with its defaults, plus the options that change the kernels' branches.
CASES = [(name, {}) for name in REGISTRY] + [
    ("mim", {"omega": 2.0}), ("mim", {"omega": 0.5, "bounded": False}), ("alpha", {"alpha": 0.5}),
    ("alpha", {"alpha": 1.0}), ("alpha", {"alpha": float("inf")}), ("alpha", {"generator_loss": "saturating"}),
    ("fgan-kl", {"generator_loss": "saturating"}), ("fgan-rkl", {"generator_loss": "saturating"}),
    ("fgan-pearson", {"generator_loss": "saturating"}), ("fgan-hellinger", {"generator_loss": "saturating"}),
    ("fgan-js", {"generator_loss": "saturating"}), ("lsgan", {"a": -1.0, "b": 1.0, "c": 0.0, "output": "linear"})]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'}" for n, o in CASES]


@pytest.mark.parametrize("name, opts", CASES, ids=IDS)
def test_every_family_gradient_matches_finite_differences_and_its_symbolic_form(name, opts):
    obj = get_objective(name, **opts)
    rng = np.random.default_rng(1)
    r, f = rng.standard_normal(6) * 1.5, rng.standard_normal(5) * 1.5
    loss, gr, gf = obj.discriminator_loss(r, f)
    assert_grad_close(gr, fd_grad(lambda: obj.discriminator_loss(r, f)[0], r))
    assert_grad_close(gf, fd_grad(lambda: obj.discriminator_loss(r, f)[0], f))
    gl, gg = obj.generator_loss(f)
    assert_grad_close(gg, fd_grad(lambda: obj.generator_loss(f)[0], f))
    # The module's hand-derived kernels against sympy's derivatives of its symbolic form, and against the
    # hand-written NumPy formulas of nn/reference.py (the paper's families).
    for d_ref, g_ref in (symbolic_losses(name, opts), ref_losses(name, opts)):
        ref = d_ref(r, f)
        assert loss == pytest.approx(ref[0], rel=1e-12, abs=1e-14)
        np.testing.assert_allclose(gr, ref[1], rtol=1e-11, atol=1e-15)
        np.testing.assert_allclose(gf, ref[2], rtol=1e-11, atol=1e-15)
        assert gl == pytest.approx(g_ref(f)[0], rel=1e-12, abs=1e-14)
        np.testing.assert_allclose(gg, g_ref(f)[1], rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("name, opts", CASES, ids=IDS)
def test_every_family_at_logit_100(name, opts):
    """Finite in float32 at |logit| = 100, or (only where the exact gradient exceeds float32's range, as computed
    in float64) a ValueError that says so; always finite in float64."""
    obj = get_objective(name, **opts)
    x64 = np.array([-100.0, -30.0, 0.0, 30.0, 100.0])
    loss64, gr64, gf64 = obj.discriminator_loss(x64, x64[::-1].copy())
    gl64, gg64 = obj.generator_loss(x64)
    assert np.isfinite(loss64) and np.isfinite(gl64)
    assert all(np.all(np.isfinite(a)) for a in (gr64, gf64, gg64))
    big = np.finfo(np.float32).max
    x32 = x64.astype(np.float32)
    calls = [(lambda: obj.discriminator_loss(x32, x32[::-1].copy()), (gr64, gf64)),
             (lambda: obj.generator_loss(x32), (gg64,))]
    for call, exact in calls:
        if max(np.max(np.abs(a)) for a in exact) > big:
            with pytest.raises(ValueError, match="overflows float32"):
                call()
        else:
            loss, *grads = call()
            assert np.isfinite(loss)
            for a in grads:
                assert a.dtype == np.float32 and np.all(np.isfinite(a))


def test_bounded_families_never_overflow():
    for name in ("mim", "gan", "lsgan", "wgan", "fgan-pearson", "fgan-js", "alpha"):
        x = np.array([-100.0, 100.0], dtype=np.float32)
        assert np.all(np.isfinite(get_objective(name).discriminator_loss(x, x)[1])), name


def test_omega_one_is_the_papers_mim_bit_for_bit():
    r, f = np.random.default_rng(2).standard_normal((2, 9))
    a = get_objective("mim").discriminator_loss(r, f)
    b = get_objective("mim:omega=1").discriminator_loss(r, f)
    assert a[0] == b[0] and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])


def test_alpha_one_is_the_original_gan():
    r, f = np.random.default_rng(3).standard_normal((2, 9))
    a = get_objective("alpha", alpha=1.0).discriminator_loss(r, f)
    b = get_objective("gan").discriminator_loss(r, f)
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-13)


# ------------------------------------------------------------------ specs

def test_specs_parse_and_canonicalise():
    assert split_spec("mim:omega=2,bounded=false") == ("mim", {"omega": 2, "bounded": False})
    assert get_objective("mim:omega=2").name == "mim:omega=2"
    assert get_objective("mim", omega=2.0).name == "mim:omega=2"
    assert get_objective("alpha:alpha=0.5").config["alpha"] == 0.5
    assert split_list("lsgan:a=-1,b=1,mim, alpha:alpha=0.5") == ["lsgan:a=-1,b=1", "mim", "alpha:alpha=0.5"]
    assert split_list("all") == list(REGISTRY)
    assert label("mim:omega=2") == "MIM (omega=2)" and LABELS["mim:omega=2"] == "MIM (omega=2)"
    assert LABELS.get("knn", "knn") == "knn"
    assert theory_kind("gan") == "gan" and theory_kind("wgan-gp") == "wgan" and theory_kind("mim:omega=2") == "mim:omega=2"
    assert check_names(["mim", "fgan-js:generator_loss=saturating"]) == ["mim", "fgan-js:generator_loss=saturating"]


def test_a_spec_is_a_value_parsed_once():
    s = Spec.of("mim:omega=2,bounded=false")
    assert s == Spec("mim", (("bounded", False), ("omega", 2))) and Spec.of(s) is s
    assert str(s) == "mim:bounded=false,omega=2" and Spec.of(str(s)) == s  # canonical: sorted options
    assert get_objective(s).spec == s and get_objective(s).name == str(s)
    assert label(s) == label(str(s)) == "MIM (bounded=false, omega=2)"


@pytest.mark.parametrize("names, message", [
    (["foo"], "unknown GAN 'foo'; expected one of mim, "),
    (["mim:omega=-1"], "invalid GAN 'mim:omega=-1': MIM's scale omega must be a positive number"),
    (["mim:bounded=off"], "invalid GAN 'mim:bounded=off': option 'bounded'"),
    (["mim:omega"], "invalid GAN spec 'mim:omega'"),
    ([], "no GAN given"),
])
def test_a_bad_gan_list_gets_one_sentence_that_tells_unknown_from_invalid(names, message):
    with pytest.raises(ValueError) as err:
        check_names(names)
    assert str(err.value).startswith(message) and str(err.value).count("unknown") <= 1, err.value


def test_option_defaults_come_from_the_options_signature():
    from mimgan.nn.objectives import mim
    assert REGISTRY["mim"].defaults == {"bounded": True, "omega": 1.0}
    assert get_objective("mim").config == {"bounded": True, "omega": 1.0, "n_critic": 1, "clip": 0.0, "gp_lambda": 0.0}
    assert not hasattr(mim, "DEFAULTS")


def test_verify_objective_runs_the_generic_theory_of_any_spec(capsys):
    from mimgan.experiments import cli
    assert cli.main(["verify", "--objective", "mim:omega=3,alpha:alpha=0.5,wgan-gp", "--quiet"]) == 0
    out = capsys.readouterr().out
    for spec in ("lab.mim:omega=3", "lab.alpha:alpha=0.5", "lab.wgan "):
        row = next(line for line in out.splitlines() if line.startswith(spec))
        assert " holds " in row, row  # alpha < 1: D* is the optimum between the poles at 0 and 1
    assert "3 checks" in out
    assert cli.main(["verify", "--objective", "mim:omega=0"]) == 2
    assert "invalid GAN 'mim:omega=0'" in capsys.readouterr().err


@pytest.mark.parametrize("spec, match", [
    ("vae", "unknown GAN objective"), ("mim:omega", "KEY=VALUE"), ("mim:omega=-1", "positive"),
    ("alpha:alpha=0", r"alpha must be in \(0, inf\]"), ("fgan-kl:divergence=js", "fixes"),
    ("fgan-kl:divergence=tv", "fixes"), ("mim:temperature=2", "bad options"), ("", "non-empty"),
])
def test_bad_specs_name_the_problem(spec, match):
    with pytest.raises(ValueError, match=match):
        get_objective(spec)


# ------------------------------------------------------------------ a toy objective from outside the package

TOY = '''
"""Toy: D minimises E_P[(D - 1)^2] + E_Pg[(D + 1)^2] on a raw logit; G minimises E_Pg[(D - 1)^2]."""
import sympy as sp
from mimgan.nn.objectives import kernel
from mimgan.nn.objectives.base import IDENTITY, D, Symbolic

NAME = "toy"
LABEL = "Toy"
TITLE = "toy least squares"
EQUATION = "tests"


def options():
    return [0.0]


def symbolic():
    return Symbolic(f=(D - 1) ** 2, g=(D + 1) ** 2, discriminator="min", generator=(D - 1) ** 2, output=IDENTITY)


@kernel
def real_loss(x, opt):
    return (x - 1.0) ** 2, 2.0 * (x - 1.0)


@kernel
def fake_loss(x, opt):
    return (x + 1.0) ** 2, 2.0 * (x + 1.0)


@kernel
def gen_loss(x, opt):
    return (x - 1.0) ** 2, 2.0 * (x - 1.0)
'''


@pytest.mark.parametrize("how", ["import", "from-path"])
def test_a_toy_objective_in_a_temporary_module_registers_trains_and_gets_its_theory(tmp_path, monkeypatch, how):
    """A user's objective: one module (here written to a temporary folder) and one ``register`` line.

    ``import``: the usual way, the folder on sys.path; ``from-path``: loaded from a file without sys.modules
    (compiled anew each process, since numba could not rebuild a cached step that refers to it)."""
    name = f"toy_objective_{how.replace('-', '_')}"
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(TOY))
    if how == "import":
        monkeypatch.syspath_prepend(str(tmp_path))
        mod = importlib.import_module(name)
    else:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    register("toy", Family(mod))
    try:
        obj = get_objective("toy")
        r, f = np.array([0.2, -0.7, 1.3]), np.array([0.4, -1.1])
        loss, gr, gf = obj.discriminator_loss(r, f)
        assert_grad_close(gr, fd_grad(lambda: obj.discriminator_loss(r, f)[0], r))
        X = np.random.default_rng(0).standard_normal((200, 2)).astype(np.float32)

        def fit():
            G = MLP([3, 8, 2], output="linear", seed=0, dtype=np.float32)
            Dn = MLP([2, 8, 1], output="linear", seed=1, dtype=np.float32)
            tr = GANTrainer(G, Dn, objective="toy", batch_size=16, seed=0)
            tr.fit(X, n_iter=30)
            return tr.history["d_loss"], tr.sample(5)
        (h1, s1), (h2, s2) = fit(), fit()
        assert len(h1) == 30 and np.all(np.isfinite(h1)) and h1 == h2 and np.array_equal(s1, s2)
        # The generic theory of the toy, with no line written for it: D* = (p - q)/(p + q), Pearson-type value.
        th = theory.objective("toy")
        assert float(th.d_star.subs({theory.objectives.p: 3, theory.objectives.q: 1})) == pytest.approx(0.5)
        assert theory.optimal_discriminator("toy", 3.0, 1.0) == pytest.approx(0.5)
        assert lab.identify("toy").name == "triangular discrimination"
        res = lab_checks.check_generic("toy")
        assert res.verdict == "holds", res.evidence
    finally:
        REGISTRY.pop("toy")
        theory.objectives._SPECS.pop("toy", None)
        sys.modules.pop(name, None)


def test_register_refuses_bad_modules_and_names():
    with pytest.raises(TypeError, match="lacks"):
        Family(np)
    with pytest.raises(ValueError, match="already registered"):
        register("mim", REGISTRY["mim"])
    with pytest.raises(ValueError, match="cannot be empty or contain"):
        register("a:b", REGISTRY["mim"])


# ------------------------------------------------------------------ generic theory

def test_generic_theory_reproduces_the_papers_closed_forms():
    pts = np.random.default_rng(4).uniform(0.05, 3, (30, 2))
    p_, q_ = pts[:, 0], pts[:, 1]
    np.testing.assert_allclose(theory.optimal_discriminator("mim", p_, q_), 0.5 + 0.5 * np.log(p_ / q_), rtol=1e-13)
    np.testing.assert_allclose(theory.optimal_discriminator("gan", p_, q_), p_ / (p_ + q_), rtol=1e-13)
    assert lab.identify("mim").name == "squared Hellinger" and lab.identify("gan").name == "Jensen-Shannon (2 JSD)"
    assert lab.identify("lsgan").name == "triangular discrimination"
    for kind, name in (("fgan-kl", "KL(P||Pg)"), ("fgan-rkl", "reverse KL, KL(Pg||P)"), ("fgan-pearson", "Pearson chi2(P||Pg)"),
                       ("fgan-hellinger", "squared Hellinger"), ("fgan-js", "Jensen-Shannon (2 JSD)")):
        ident = lab.identify(kind)
        assert ident.name == name and ident.factor == pytest.approx(1.0) and float(ident.constant) == 0.0
    # alpha-GAN: D* = p^alpha / (p^alpha + q^alpha) (Kurri et al.)
    np.testing.assert_allclose(theory.optimal_discriminator("alpha", p_, q_), p_**2 / (p_**2 + q_**2), rtol=1e-12)
    assert lab.sharp_region("mim")[:2] == ("p + q < 1", 1.0)  # Corollary 2, found on the grid
    # Two stationary points: the optimum is chosen by the second-order condition; the removable singularity
    # of (p - sqrt(pq))/(p - q) at p = q is cancelled, so D* = 1/2 there (not NaN).
    np.testing.assert_allclose(theory.optimal_discriminator("alpha:alpha=0.5", p_, q_),
                               np.sqrt(p_) / (np.sqrt(p_) + np.sqrt(q_)), rtol=1e-12)
    assert theory.optimal_discriminator("alpha:alpha=0.5", 0.3, 0.3) == pytest.approx(0.5)
    assert theory.equilibrium_value("alpha:alpha=0.5") == pytest.approx(-2.0)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_generic_upsilon_is_proposition_4s(p_, q_):
    assert lab.upsilon("mim", p_, q_) == pytest.approx(float(theory.upsilon_mim(p_, q_)), rel=1e-10)
    assert lab.upsilon("gan", p_, q_) == pytest.approx(float(theory.upsilon_kl(p_, q_)), rel=1e-9, abs=1e-12)


def test_multiplier_ranges_are_appendix_as():
    r = lab.multiplier_ranges("mim")
    assert r["saturating"] == [(0.0, 1.0)]
    (lo, hi), = r["non-saturating"]
    # e^eps eps (1 - eps) < 1 - eps  <=>  eps e^eps < 1  <=>  eps < W(1) (the omega constant)
    assert lo == 0.0 and hi == pytest.approx(0.5671432904097838, abs=1e-9)


def test_generic_checks_flip():
    assert lab_checks.check_generic("gan").verdict == "holds"
    assert lab_checks.check_generic("gan", claimed_d_star=theory.objectives.q / (theory.objectives.p
                                                                                   + theory.objectives.q)).verdict == "fails"
    assert lab_checks.check_upsilon_ranking("mim").verdict == "fails"
    assert lab_checks.check_upsilon_ranking("fgan-pearson").verdict != "fails"


def test_cli_train_takes_a_spec(tmp_path, capsys):
    from mimgan.experiments import cli

    out = tmp_path / "t"
    assert cli.main(["train", "--gan", "mim:omega=2", "--iters", "20", "--batch", "32", "--hidden", "8", "--out",
                     str(out), "--quiet"]) == 0
    assert "mim:omega=2" in capsys.readouterr().out
    assert cli.main(["train", "--gan", "mim:omega=-2"]) == 2
    assert "positive" in capsys.readouterr().err


def test_f_js_trains_bit_identically_to_the_non_saturating_gan():
    """Its losses are the GAN's minus constants (2 ln 2 for D, ln 2 for G), so every gradient is the same bits."""
    X = np.random.default_rng(5).standard_normal((300, 2)).astype(np.float32)

    def fit(objective):
        G = MLP([3, 8, 2], output="tanh", seed=0, dtype=np.float32)
        Dn = MLP([2, 8, 1], output="linear", seed=1, dtype=np.float32)
        tr = GANTrainer(G, Dn, objective=objective, batch_size=32, seed=0)
        tr.fit(X, n_iter=40)
        return tr.sample(50), np.array(tr.history["d_loss"])
    (a, la), (b, lb) = fit("gan"), fit("fgan-js")
    assert np.array_equal(a, b)
    np.testing.assert_allclose(la - lb, 2 * np.log(2), rtol=1e-12)


def test_generic_values_on_gaussians_match_closed_forms():
    """The generic quadrature (no per-objective code) against textbook closed forms for two Gaussians."""
    from scipy import stats
    m0, s0, m1, s1 = 0.0, 1.0, 0.7, 1.3
    P, Q = stats.norm(m0, s0), stats.norm(m1, s1)
    kl = np.log(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - 0.5
    rkl = np.log(s0 / s1) + (s1**2 + (m0 - m1) ** 2) / (2 * s0**2) - 0.5
    bc = np.sqrt(2 * s0 * s1 / (s0**2 + s1**2)) * np.exp(-((m0 - m1) ** 2) / (4 * (s0**2 + s1**2)))
    assert theory.value_at_optimum("fgan-kl", P, Q) == pytest.approx(kl, rel=1e-9)
    assert theory.value_at_optimum("fgan-rkl", P, Q) == pytest.approx(rkl, rel=1e-9)
    assert theory.value_at_optimum("fgan-hellinger", P, Q) == pytest.approx(2 - 2 * bc, rel=1e-9)
    assert theory.value_at_optimum("mim:omega=2", P, Q) == pytest.approx(2 * np.e * bc, rel=1e-9)


@pytest.mark.parametrize("edit, message", [
    (("@kernel\ndef fake_loss", "def fake_loss"), "fake_loss is not a compiled kernel"),
    (("return (x + 1.0) ** 2, 2.0 * (x + 1.0)", "return (x + 1.0) ** 2"), "fake_loss must return (loss, d loss / d logit)"),
    (("return (x + 1.0) ** 2, 2.0 * (x + 1.0)", "return x.nope, 0.0"), "fake_loss(0.0, options) fails to compile or run"),
    (("def options():\n    return [0.0]", "def options():\n    raise RuntimeError('boom')"), "options() with its defaults fails"),
])
def test_register_refuses_a_broken_module_in_one_line(tmp_path, monkeypatch, edit, message):
    src = TOY.replace(*edit)
    assert src != TOY, edit
    name = f"broken_{abs(hash(edit)) % 10 ** 8}"
    (tmp_path / f"{name}.py").write_text(src)
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module(name)
    with pytest.raises(ValueError) as err:
        register(name, Family(mod))
    assert message in str(err.value) and "\n" not in str(err.value), err.value
    assert name not in REGISTRY
