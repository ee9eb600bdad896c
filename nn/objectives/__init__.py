"""GAN objectives: one module each, one registry line each (TF-GAN style named loss pairs).

Every objective module (see :mod:`nn.objectives.base` for what it declares)
holds its symbolic form and its compiled per-logit losses; :data:`REGISTRY`
names it once, and the compiled GAN step (:mod:`nn.objectives.dispatch`),
the NumPy reference (:mod:`nn.reference`), the theory (:mod:`theory.lab`),
the CLI and every experiment derive from that entry.

Losses take the discriminator's raw outputs (logits) and return the batch-mean
loss and its gradient with respect to those logits, in the logits' dtype,
computed in float64 from overflow-free forms, so |logit| = 100 in float32 stays
finite for every bounded family.  Where the exact gradient exceeds the dtype's
range (e^|logit| for the unbounded MIM discriminator, the exponential f-GANs,
alpha-GAN with alpha < 1), the loss functions raise a ValueError saying so.

An objective is named by a *spec*: a registry name, optionally with options,
``"mim:omega=2"``, ``"alpha:alpha=0.5"``, ``"lsgan:a=-1,b=1,c=0"``.

>>> obj = get_objective("gan", generator_loss="saturating")
>>> loss, g_real, g_fake = obj.discriminator_loss(real_logits, fake_logits)  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from . import alpha, dispatch, fgan, gan, lsgan, mim, wgan
from .base import D as _D, v as _v


@dataclass(frozen=True)
class Family:
    """A registered objective: its module, training defaults and what the rest of the toolkit derives from it.

    Parameters
    ----------
    module
        The objective module (``mim``, ``fgan``, ...).
    paper : bool
        One of the four families Section IV compares (the default set of every experiment).
    label : str, optional
        Name in tables and figures (default: the module's ``LABEL``).
    n_critic, clip, gp_lambda
        Training defaults: discriminator steps per generator step, weight clipping, gradient penalty.
    fixed : dict
        Options this registry name fixes (``fgan-kl`` is ``fgan`` with ``divergence="kl"``).
    theory : str, optional
        Its objective's name in :data:`theory.OBJECTIVES` (default: the registry name).
    theory_options : dict
        Options of the objective the theory studies, when not the training defaults (the original GAN's
        theory is the minimax game of Eq. 1; it trains with the non-saturating generator loss).
    """

    module: object
    paper: bool = False
    label: str | None = None
    n_critic: int = 1
    clip: float = 0.0
    gp_lambda: float = 0.0
    fixed: dict = field(default_factory=dict)
    theory: str | None = None
    theory_options: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = [a for a in ("NAME", "LABEL", "DEFAULTS", "options", "symbolic", "real_loss", "fake_loss", "gen_loss")
                   if not hasattr(self.module, a)]
        if missing:
            raise TypeError(f"objective module {getattr(self.module, '__name__', self.module)!r} lacks {missing} "
                            "(see nn.objectives.base)")
        object.__setattr__(self, "key", dispatch.add_module(self.module))

    @property
    def title(self) -> str:
        return self.label or self.module.LABEL


#: name -> family: one line per objective.  "wgan-gp" is the WGAN critic loss plus the gradient penalty.
REGISTRY: dict[str, Family] = {
    "mim": Family(mim, paper=True),
    "gan": Family(gan, paper=True, theory_options={"generator_loss": "saturating"}),
    "lsgan": Family(lsgan, paper=True),
    "wgan": Family(wgan, paper=True, n_critic=5, clip=0.01),
    "wgan-gp": Family(wgan, label="W-GP", n_critic=5, gp_lambda=10.0, theory="wgan"),
    "fgan-kl": Family(fgan, label="f-KL", fixed={"divergence": "kl"}),
    "fgan-rkl": Family(fgan, label="f-reverse-KL", fixed={"divergence": "reverse-kl"}),
    "fgan-pearson": Family(fgan, label="f-Pearson", fixed={"divergence": "pearson"}),
    "fgan-hellinger": Family(fgan, label="f-Hellinger", fixed={"divergence": "hellinger"}),
    "fgan-js": Family(fgan, label="f-JS", fixed={"divergence": "js"}),
    "alpha": Family(alpha),
}


def register(name: str, family: Family, replace: bool = False) -> Family:
    """Add an objective defined outside this package: ``register("toy", Family(toy_module))``."""
    if not isinstance(family, Family):
        raise TypeError("register() takes a Family(module, ...)")
    if name in REGISTRY and not replace:
        raise ValueError(f"objective {name!r} is already registered (pass replace=True)")
    if not name or any(c in name for c in ":,= "):
        raise ValueError(f"objective names cannot be empty or contain ':', ',', '=' or spaces: {name!r}")
    REGISTRY[name] = family
    return family


#: The four families of Section IV, in the paper's order: the default set of every experiment.
PAPER_FAMILIES = tuple(name for name, fam in REGISTRY.items() if fam.paper)
class _Labels(dict):
    """Registry name -> label; any other spec gets :func:`label`'s (``LABELS["mim:omega=2"]``)."""

    def __missing__(self, spec):
        return label(spec)

    def get(self, spec, default=None):
        return self[spec] if is_registered(spec) else default


#: Table and figure labels of the registry names (any spec: :func:`label`).
LABELS = _Labels({name: fam.title for name, fam in REGISTRY.items()})
OBJECTIVE_NAMES = tuple(REGISTRY)
#: Per-objective options that are training settings rather than the objective's own.
TRAINING_OPTIONS = ("n_critic", "clip", "gp_lambda")


def family_order(name: str) -> int:
    """Sort key: registry order of a spec's name (unknown names last)."""
    base = split_spec(name)[0]
    return list(REGISTRY).index(base) if base in REGISTRY else len(REGISTRY)


# ------------------------------------------------------------------ specs

def _parse_value(text):
    low = text.strip().lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def _format_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def split_spec(spec: str) -> tuple[str, dict]:
    """``"mim:omega=2,bounded=false"`` -> ``("mim", {"omega": 2, "bounded": False})``."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"an objective spec is a non-empty string such as 'mim' or 'mim:omega=2', got {spec!r}")
    name, _, rest = spec.strip().partition(":")
    opts = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"bad option {item!r} in objective spec {spec!r}: expected KEY=VALUE")
        if key.strip() in opts:  # keeping the last one silently would train another objective than typed
            raise ValueError(f"option {key.strip()!r} is given twice in objective spec {spec!r}")
        opts[key.strip()] = _parse_value(val)
    return name.strip(), opts


def make_spec(name: str, options: dict) -> str:
    """The canonical spec of ``name`` with ``options`` (sorted, defaults kept as given)."""
    if not options:
        return name
    return name + ":" + ",".join(f"{k}={_format_value(v)}" for k, v in sorted(options.items()))


def split_list(text: str) -> list[str]:
    """Split a comma-separated list of specs; a ``KEY=VALUE`` piece continues the spec before it.

    ``"lsgan:a=-1,b=1,mim"`` -> ``["lsgan:a=-1,b=1", "mim"]``; ``"all"`` -> every registered name.
    """
    out = []
    for piece in (s.strip() for s in text.split(",")):
        if not piece:
            continue
        if "=" in piece and ":" not in piece and out:
            out[-1] += "," + piece
        else:
            out.append(piece)
    if out == ["all"]:
        return list(REGISTRY)
    return out


def label(spec: str) -> str:
    """Table label of a spec: the family's label and any options, e.g. ``MIM (omega=2)``."""
    name, opts = split_spec(spec)
    base = REGISTRY[name].title if name in REGISTRY else name
    return f"{base} ({', '.join(f'{k}={_format_value(v)}' for k, v in sorted(opts.items()))})" if opts else base


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


@dataclass
class Objective:
    """A configured objective: its family, compiled key, packed options and training defaults.

    ``name`` is the canonical spec (``"mim"``, ``"mim:omega=2"``); ``family`` the registry name.
    """

    name: str
    family: str
    key: str
    options: np.ndarray
    n_critic: int
    clip: float
    gp_lambda: float
    config: dict

    @property
    def module(self):
        return REGISTRY[self.family].module

    @property
    def tag(self) -> np.ndarray:
        """What the compiled step receives to specialise itself for this objective (see ``dispatch.tag``)."""
        return dispatch.tag(self.key)

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
        loss = dispatch.d_loss(self.tag, r, f, gr, gf, self.options)
        _representable(self.name, gr, gf)
        return float(loss), gr, gf

    def generator_loss(self, fake_logits):
        """(batch-mean loss, d loss/d fake_logits) for the generator."""
        f = _logits(fake_logits, "fake_logits")
        gf = np.empty_like(f)
        loss = dispatch.g_loss(self.tag, f, gf, self.options)
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
    s = module.symbolic(**dict(options))
    return tuple(sp.lambdify(_v, t.subs(_D, s.output), "numpy") for t in s.terms)


#: Options every family takes, with the type their values must have (the family's own defaults differ).
TRAINING_DEFAULTS = {"n_critic": 1, "clip": 0.0, "gp_lambda": 0.0}


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


def get_objective(name: str, **options) -> Objective:
    """Configure an objective from a spec (``"mim"``, ``"mim:omega=2"``) and keyword options.

    Options are the module's (``mim``: ``bounded``, ``omega``; ``gan``: ``generator_loss``; ``lsgan``:
    ``output``, ``a``, ``b``, ``c``; ``fgan-*``: ``generator_loss``; ``alpha``: ``alpha``,
    ``generator_loss``) plus ``n_critic``, ``clip`` and ``gp_lambda``, which apply to any family.
    Keyword options override those of the spec.
    """
    base, spec_opts = split_spec(name)
    if base not in REGISTRY:
        raise ValueError(f"unknown GAN objective {base!r}; expected one of {', '.join(REGISTRY)}")
    fam = REGISTRY[base]
    options = {**spec_opts, **options}
    typed = {**fam.module.DEFAULTS, **TRAINING_DEFAULTS}
    for key, value in options.items():
        _check_option(base, key, value, typed.get(key))
        if isinstance(typed.get(key), bool):
            options[key] = bool(value)  # "bounded=0" and "bounded=false" are one objective, one spec
    spec = make_spec(base, options)
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
        raise ValueError(f"bad options for objective {base!r}: {exc}; it takes {sorted(fam.module.DEFAULTS)}") from None
    config = {**fam.module.DEFAULTS, **module_opts, "n_critic": n_critic, "clip": clip, "gp_lambda": gp}
    return Objective(spec, base, fam.key, opt, n_critic, clip, gp, config)


def is_registered(spec: str) -> bool:
    """``spec``'s name is a registered objective (its options are checked by :func:`get_objective`)."""
    try:
        return split_spec(spec)[0] in REGISTRY
    except ValueError:
        return False


def theory_kind(spec: str) -> str:
    """The objective :mod:`theory` studies for a spec: the registry entry's theory kind, or the spec itself."""
    name, opts = split_spec(spec)
    if name not in REGISTRY:
        raise ValueError(f"unknown GAN objective {name!r}; expected one of {', '.join(REGISTRY)}")
    return make_spec(name, opts) if opts else (REGISTRY[name].theory or name)


def check_names(names, what="GAN") -> list[str]:
    """``names`` (specs) as a list of canonical specs, with a ValueError naming any that is not valid."""
    names = list(names)
    if not names:
        raise ValueError(f"unknown {what}: none given; choose from {', '.join(REGISTRY)}")
    out = []
    for n in names:
        try:
            out.append(get_objective(n).name)
        except ValueError as exc:
            raise ValueError(f"unknown {what} {n!r}: {exc}") from None
    return out
