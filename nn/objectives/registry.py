"""The registry of GAN objectives: one :class:`Family` line per objective module.

A family names an objective module (see :mod:`nn.objectives.base` for what it
declares) with its training defaults; everything else is derived from the
module: its option defaults (the signature of its ``options``) and its label.
"""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import alpha, fgan, gan, lsgan, mim, wgan
from .spec import Spec, format_value

#: What an objective module must define (see :mod:`nn.objectives.base`).
REQUIRED = ("NAME", "LABEL", "TITLE", "EQUATION", "options", "symbolic", "real_loss", "fake_loss", "gen_loss")

def option_defaults(module) -> dict:
    """The module's options and their defaults, read from the signature of its ``options`` function."""
    params = inspect.signature(module.options).parameters.values()
    missing = [p.name for p in params if p.default is inspect.Parameter.empty
               and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    if missing:
        raise TypeError(f"objective module {module.__name__!r}: every argument of options() needs a default "
                        f"(it is the option's default value), {missing} have none")
    return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


@dataclass(frozen=True)
class Family:
    """A registered objective: its module and training defaults.

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
    """

    module: object
    paper: bool = False
    label: str | None = None
    n_critic: int = 1
    clip: float = 0.0
    gp_lambda: float = 0.0
    fixed: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = [a for a in REQUIRED if not hasattr(self.module, a)]
        if missing:
            raise TypeError(f"objective module {getattr(self.module, '__name__', self.module)!r} lacks {missing} "
                            "(see nn.objectives.base)")
        object.__setattr__(self, "defaults", option_defaults(self.module))

    @property
    def title(self) -> str:
        return self.label or self.module.LABEL


#: name -> family: one line per objective.  "wgan-gp" is the WGAN critic loss plus the gradient penalty.
REGISTRY: dict[str, Family] = {
    "mim": Family(mim, paper=True),
    "gan": Family(gan, paper=True),
    "lsgan": Family(lsgan, paper=True),
    "wgan": Family(wgan, paper=True, n_critic=5, clip=0.01),
    "wgan-gp": Family(wgan, label="W-GP", n_critic=5, gp_lambda=10.0),
    "fgan-kl": Family(fgan, label="f-KL", fixed={"divergence": "kl"}),
    "fgan-rkl": Family(fgan, label="f-reverse-KL", fixed={"divergence": "reverse-kl"}),
    "fgan-pearson": Family(fgan, label="f-Pearson", fixed={"divergence": "pearson"}),
    "fgan-hellinger": Family(fgan, label="f-Hellinger", fixed={"divergence": "hellinger"}),
    "fgan-js": Family(fgan, label="f-JS", fixed={"divergence": "js"}),
    "alpha": Family(alpha),
}


KERNELS = ("real_loss", "fake_loss", "gen_loss")


def trial_call(family: Family) -> None:
    """Call each of a module's kernels once, on the logit 0 with its default options, and say what is wrong in one
    line (not a kernel, a numba typing error, not ``(loss, gradient)``) before any training compiles it."""
    mod = family.module.__name__
    try:
        opt = np.asarray(family.module.options(**{**family.defaults, **family.fixed}), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - the module's own failure, named
        raise ValueError(f"objective module {mod!r}: options() with its defaults fails: {type(exc).__name__}: {exc}") \
            from None
    for name in KERNELS:
        fn = getattr(family.module, name)
        if not hasattr(fn, "py_func"):
            raise ValueError(f"objective module {mod!r}: {name} is not a compiled kernel; decorate it with "
                             "mimgan.nn.objectives.kernel")
        try:
            out = fn(0.0, opt)
        except Exception as exc:  # noqa: BLE001 - a numba typing error is many lines; its first says what
            first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
            raise ValueError(f"objective module {mod!r}: {name}(0.0, options) fails to compile or run: {first}") \
                from None
        if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(v, float) for v in out)):
            raise ValueError(f"objective module {mod!r}: {name} must return (loss, d loss / d logit), two floats; "
                             f"it returned {out!r}")


def register(name: str, family: Family, replace: bool = False) -> Family:
    """Add an objective defined outside this package: ``register("toy", Family(toy_module))``.

    Each of its kernels is called once first (:func:`trial_call`), so a broken module is refused here with one
    line rather than at the first fit with a numba traceback.
    """
    if not isinstance(family, Family):
        raise TypeError("register() takes a Family(module, ...)")
    if name in REGISTRY and not replace:
        raise ValueError(f"objective {name!r} is already registered (pass replace=True)")
    if not name or any(c in name for c in ":,= "):
        raise ValueError(f"objective names cannot be empty or contain ':', ',', '=' or spaces: {name!r}")
    trial_call(family)
    REGISTRY[name] = family
    return family


#: The four families of Section IV, in the paper's order: the default set of every experiment.
PAPER_FAMILIES = tuple(name for name, fam in REGISTRY.items() if fam.paper)


def label(spec) -> str:
    """Table label of a spec: the family's label and any options, e.g. ``MIM (omega=2)``."""
    s = Spec.of(spec)
    base = REGISTRY[s.name].title if s.name in REGISTRY else s.name
    return f"{base} ({', '.join(f'{k}={format_value(v)}' for k, v in s.options)})" if s.options else base


class _Labels(Mapping):
    """Registry name -> label, always in step with :data:`REGISTRY`; any other spec gets :func:`label`'s
    (``LABELS["mim:omega=2"]``), and ``get`` gives the default for a name that is not registered."""

    def __getitem__(self, spec):
        return label(spec)

    def __iter__(self):
        return iter(REGISTRY)

    def __len__(self):
        return len(REGISTRY)

    def __contains__(self, spec):
        return is_registered(spec)

    def get(self, spec, default=None):
        return self[spec] if is_registered(spec) else default


#: Table and figure labels of the registry names (any spec: :func:`label`).
LABELS = _Labels()
OBJECTIVE_NAMES = tuple(REGISTRY)


def family_order(spec) -> int:
    """Sort key: registry order of a spec's name (unknown names last)."""
    base = Spec.of(spec).name
    return list(REGISTRY).index(base) if base in REGISTRY else len(REGISTRY)


def is_registered(spec) -> bool:
    """``spec``'s name is a registered objective (its options are checked by :func:`get_objective`)."""
    try:
        return Spec.of(spec).name in REGISTRY
    except ValueError:
        return False
