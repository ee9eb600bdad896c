"""A configured objective: a spec's family with its options validated and packed for the kernels.

:func:`get_objective` is where a spec is understood: the name looked up in the
registry, each option's type and the module's own ranges checked, the training
options (``n_critic``, ``clip``, ``gp_lambda``) split off.  Its
:class:`Objective` carries the canonical :class:`~nn.objectives.spec.Spec`;
everything downstream reads that, never the string again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import base as _base
from .registry import REGISTRY
from .spec import Spec

#: Options every family takes, with the type their values must have (the family's own defaults differ).
TRAINING_DEFAULTS = {"n_critic": 1, "clip": 0.0, "gp_lambda": 0.0}
#: Per-objective options that are training settings rather than the objective's own.
TRAINING_OPTIONS = tuple(TRAINING_DEFAULTS)


def _logits(x, name):
    a = np.asarray(x)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must have shape (B,) or (B, 1), got {np.shape(x)}")
    if a.size == 0:
        raise ValueError(f"{name} is an empty batch")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or inf")
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    return np.ascontiguousarray(a)


def _representable(name, *grads):
    for g in grads:
        if not np.all(np.isfinite(g)):
            raise ValueError(f"the {name} gradient overflows {g.dtype.name} (|gradient| > {np.finfo(g.dtype).max:.3g}): "
                             "pass float64 logits, or use a bounded discriminator")


def _dispatch():
    """The compiled batch losses, loaded when something first computes a loss: the theory configures
    objectives (their packed options) without loading any compiled training code."""
    from . import dispatch
    return dispatch


@dataclass
class Objective:
    """A configured objective: its family, packed options and training defaults.

    ``name`` is the canonical spec string (``"mim"``, ``"mim:omega=2"``), ``spec`` the same as a
    :class:`~nn.objectives.spec.Spec`; ``family`` the registry name.
    """

    name: str
    family: str
    options: np.ndarray
    n_critic: int
    clip: float
    gp_lambda: float
    config: dict

    @property
    def spec(self) -> Spec:
        return Spec.of(self.name)

    @property
    def module(self):
        return REGISTRY[self.family].module

    @property
    def loss_functions(self) -> tuple:
        """The module's per-logit kernels as the compiled step takes them (:func:`.dispatch.loss_functions`)."""
        return _dispatch().loss_functions(self.module)

    def objective_options(self) -> dict:
        """The module options this objective was configured with (fixed ones included)."""
        return {k: v for k, v in self.config.items() if k not in TRAINING_OPTIONS}

    def symbolic(self):
        """Its :class:`nn.objectives.base.Symbolic` form (Eq. 2), for these options."""
        return self.module.symbolic(**self.objective_options())

    def discriminator_loss(self, real_logits, fake_logits):
        """(batch-mean loss, d loss/d real_logits, d loss/d fake_logits) for the discriminator."""
        r, f = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
        gr, gf = np.empty_like(r), np.empty_like(f)
        loss = _dispatch().d_loss(*self.loss_functions[:2], r, f, gr, gf, self.options)
        _representable(self.name, gr, gf)
        return float(loss), gr, gf

    def generator_loss(self, fake_logits):
        """(batch-mean loss, d loss/d fake_logits) for the generator."""
        f = _logits(fake_logits, "fake_logits")
        gf = np.empty_like(f)
        loss = _dispatch().g_loss(self.loss_functions[2], f, gf, self.options)
        _representable(self.name, gf)
        return float(loss), gf

    def value_terms(self, real_logits, fake_logits):
        """(E_P[a(D)], E_Pg[b(D)]): the two terms of the generator's criterion (Eq. 2; ``L`` itself unless
        the family sets one, see :class:`nn.objectives.base.Symbolic`).

        Their sum at the optimal D is what :func:`theory.value_at_optimum` evaluates, so it can be compared
        with ``theory.equilibrium_value``.  Uses the module's stable ``value_terms`` when it has one, its
        symbolic form otherwise.
        """
        r, f = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
        r, f = r.astype(np.float64), f.astype(np.float64)
        if hasattr(self.module, "value_terms"):
            return self.module.value_terms(r, f, self.options)
        a, b = _symbolic_terms(self.module, tuple(sorted(self.objective_options().items())))
        return float(np.mean(a(r) + 0 * r)), float(np.mean(b(f) + 0 * f))


@lru_cache(maxsize=None)
def _symbolic_terms(module, options):
    """NumPy functions of the logit for the criterion's two terms (lambdified once per objective: Figure 1
    calls ``value_terms`` every iteration)."""
    import sympy as sp

    s = module.symbolic(**dict(options))
    return tuple(sp.lambdify(_base.v, t.subs(_base.D, s.output), "numpy") for t in s.terms)




def _check_option(base: str, key: str, value, default) -> None:
    """Refuse a value whose type cannot be the option's: a word for a boolean, a fraction for an integer, NaN/inf.

    ``default`` is the option's default (its type is the option's type); ``None`` means an option the family does
    not take, which the module's ``options`` reports by name.
    """
    where = f"option {key!r} of objective {base!r}"
    is_bool = isinstance(value, (bool, np.bool_))
    if isinstance(default, bool):
        if not (is_bool or (isinstance(value, (int, np.integer)) and value in (0, 1))):
            raise ValueError(f"{where} is true or false (true/false/yes/no/1/0), got {value!r}")
    elif isinstance(default, (int, float)):
        if is_bool or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{where} is a number, got {value!r}")
        # NaN is never an option value; inf can be (alpha-GAN's alpha = inf is the TV game): a family's module
        # judges its own ranges, the training options must be finite.
        if np.isnan(value) or (key in TRAINING_DEFAULTS and not np.isfinite(value)):
            raise ValueError(f"{where} must be {'a number' if np.isnan(value) else 'finite'}, got {value!r}")
        if isinstance(default, int) and float(value) != int(value):
            raise ValueError(f"{where} is a whole number, got {value!r}")
    elif isinstance(default, str) and not isinstance(value, str):
        raise ValueError(f"{where} is a word such as {default!r}, got {value!r}")


def get_objective(name, **options) -> Objective:
    """Configure an objective from a spec (``"mim"``, ``"mim:omega=2"``) and keyword options.

    Options are the module's (``mim``: ``bounded``, ``omega``; ``gan``: ``generator_loss``; ``lsgan``:
    ``output``, ``a``, ``b``, ``c``; ``fgan-*``: ``generator_loss``; ``alpha``: ``alpha``,
    ``generator_loss``) plus ``n_critic``, ``clip`` and ``gp_lambda``, which apply to any family.
    Keyword options override those of the spec.  ``name`` is a spec string or a
    :class:`~nn.objectives.spec.Spec`.
    """
    parsed = Spec.of(name)
    base, spec_opts = parsed.name, parsed.opts
    if base not in REGISTRY:
        raise ValueError(f"unknown GAN objective {base!r}; expected one of {', '.join(REGISTRY)}")
    fam = REGISTRY[base]
    options = {**spec_opts, **options}
    typed = {**fam.defaults, **TRAINING_DEFAULTS}
    for key, value in options.items():
        _check_option(base, key, value, typed.get(key))
        if isinstance(typed.get(key), bool):
            options[key] = bool(value)  # "bounded=0" and "bounded=false" are one objective, one spec
    spec = str(Spec.make(base, options))
    n_critic = int(options.pop("n_critic", fam.n_critic))
    clip = float(options.pop("clip", fam.clip))
    gp = float(options.pop("gp_lambda", fam.gp_lambda))
    if n_critic < 1:
        raise ValueError(f"n_critic must be >= 1, got {n_critic}")
    if clip < 0 or gp < 0:
        raise ValueError("clip and gp_lambda must be >= 0")
    clash = {k: v for k, v in options.items() if k in fam.fixed and v != fam.fixed[k]}
    if clash:
        raise ValueError(f"objective {base!r} fixes {fam.fixed}; it cannot take {clash}")
    module_opts = {**fam.fixed, **options}
    try:
        opt = np.array(fam.module.options(**module_opts), dtype=np.float64)
    except TypeError as exc:
        raise ValueError(f"bad options for objective {base!r}: {exc}; it takes {sorted(fam.defaults)}") from None
    config = {**fam.defaults, **module_opts, "n_critic": n_critic, "clip": clip, "gp_lambda": gp}
    return Objective(spec, base, opt, n_critic, clip, gp, config)


def check_names(names, what="GAN") -> list[str]:
    """``names`` (specs) as a list of canonical spec strings; one ValueError sentence for the first bad one.

    An unknown name is called unknown; a known name with a bad option is called invalid, with the reason.
    """
    names = list(names)
    if not names:
        raise ValueError(f"no {what} given; choose from {', '.join(REGISTRY)}")
    out = []
    for n in names:
        try:
            parsed = Spec.of(n)
        except ValueError as exc:
            raise ValueError(f"invalid {what} spec {n!r}: {exc}") from None
        if parsed.name not in REGISTRY:
            raise ValueError(f"unknown {what} {parsed.name!r}; expected one of {', '.join(REGISTRY)}")
        try:
            out.append(get_objective(parsed).name)
        except ValueError as exc:
            raise ValueError(f"invalid {what} {n!r}: {exc}") from None
    return out
