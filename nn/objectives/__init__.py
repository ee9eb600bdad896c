"""GAN objectives as named discriminator/generator loss pairs (TF-GAN style), one registry.

Every loss takes the discriminator's raw outputs (logits, before its output
activation) and returns the batch-mean loss and its gradient with respect to
those logits, in the logits' dtype.  Losses are computed in float64 from
overflow-free forms (softplus, two-sided sigmoid), so |logit| = 100 in float32
stays finite for every bounded family.  The unbounded MIM discriminator
(``bounded=False``, D = logit) has gradients of size e^|logit|, which float32
cannot hold beyond |logit| ~ 88: there the loss functions raise a ValueError
saying so (float64 logits hold them up to ~709).

>>> obj = get_objective("gan", generator_loss="saturating")
>>> loss, g_real, g_fake = obj.discriminator_loss(real_logits, fake_logits)  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dispatch, gan, lsgan, mim, wgan


@dataclass(frozen=True)
class Family:
    """A registered GAN family: its kernels' module, training defaults and what the rest of the toolkit
    derives from it.

    ``label`` names it in tables and figures; ``theory`` is its objective in
    :data:`theory.OBJECTIVES`; ``reference`` its plain-NumPy losses in
    :func:`nn.reference.losses`; ``paper`` marks the four families Section IV
    compares (the default set of every experiment).
    """

    module: object
    label: str
    theory: str
    reference: str
    paper: bool = False
    n_critic: int = 1
    clip: float = 0.0
    gp_lambda: float = 0.0
    fixed: dict = field(default_factory=dict)


#: name -> family; "wgan-gp" is the WGAN critic loss plus the gradient penalty.
REGISTRY = {
    "mim": Family(mim, "MIM", "mim", "mim", paper=True),
    "gan": Family(gan, "KL (GAN)", "gan", "gan", paper=True),
    "lsgan": Family(lsgan, "LS", "lsgan", "lsgan", paper=True),
    "wgan": Family(wgan, "W", "wgan", "wgan", paper=True, n_critic=5, clip=0.01),
    "wgan-gp": Family(wgan, "W-GP", "wgan", "wgan", n_critic=5, gp_lambda=10.0),
}

#: The four families of Section IV, in the paper's order: the default set of every experiment.
PAPER_FAMILIES = tuple(name for name, fam in REGISTRY.items() if fam.paper)
#: Table and figure labels.
LABELS = {name: fam.label for name, fam in REGISTRY.items()}


def family_order(name: str) -> int:
    """Sort key: registry order (unknown names last)."""
    return list(REGISTRY).index(name) if name in REGISTRY else len(REGISTRY)


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
    """A configured objective: its kernels' code, options and training defaults."""

    name: str
    code: int
    options: np.ndarray
    n_critic: int
    clip: float
    gp_lambda: float
    config: dict

    def discriminator_loss(self, real_logits, fake_logits):
        """(batch-mean loss, d loss/d real_logits, d loss/d fake_logits) for the discriminator."""
        r, f = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
        gr, gf = np.empty_like(r), np.empty_like(f)
        loss = dispatch.d_loss(self.code, r, f, gr, gf, self.options)
        _representable(self.name, gr, gf)
        return float(loss), gr, gf

    def value_terms(self, real_logits, fake_logits):
        """(E_P[f(D)], E_Pg[g(D)]): the two terms of the family's objective L (Eq. 2).

        Their sum is the quantity :func:`theory.value_at_optimum` evaluates at
        the optimal D, so it can be compared with ``theory.equilibrium_value``.
        """
        r, f = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
        return REGISTRY[self.name].module.value_terms(r.astype(np.float64), f.astype(np.float64), self.options)

    def generator_loss(self, fake_logits):
        """(batch-mean loss, d loss/d fake_logits) for the generator."""
        f = _logits(fake_logits, "fake_logits")
        gf = np.empty_like(f)
        loss = dispatch.g_loss(self.code, f, gf, self.options)
        _representable(self.name, gf)
        return float(loss), gf


def get_objective(name: str, **options) -> Objective:
    """Configure objective ``name`` (one of :data:`REGISTRY`) with family options.

    Options: ``mim``: ``bounded``; ``gan``: ``generator_loss``; ``lsgan``:
    ``output``, ``a``, ``b``, ``c``; ``wgan``/``wgan-gp``: ``clip``,
    ``gp_lambda``, ``n_critic`` (these three apply to any family).
    """
    if name not in REGISTRY:
        raise ValueError(f"unknown GAN objective {name!r}; expected one of {sorted(REGISTRY)}")
    fam = REGISTRY[name]
    n_critic = int(options.pop("n_critic", fam.n_critic))
    clip = float(options.pop("clip", fam.clip))
    gp = float(options.pop("gp_lambda", fam.gp_lambda))
    if n_critic < 1:
        raise ValueError(f"n_critic must be >= 1, got {n_critic}")
    if clip < 0 or gp < 0:
        raise ValueError("clip and gp_lambda must be >= 0")
    try:
        opt = np.array(fam.module.options(**options), dtype=np.float64)
    except TypeError as exc:
        raise ValueError(f"bad options for objective {name!r}: {exc}") from None
    config = {**fam.module.DEFAULTS, **options, "n_critic": n_critic, "clip": clip, "gp_lambda": gp}
    return Objective(name, fam.module.CODE, opt, n_critic, clip, gp, config)


OBJECTIVE_NAMES = tuple(REGISTRY)


def check_names(names, what="GAN") -> list[str]:
    """``names`` as a list, with a ValueError naming any that is not registered (or empty)."""
    names = list(names)
    bad = [n for n in names if n not in REGISTRY]
    if bad or not names:
        raise ValueError(f"unknown {what} {bad or names!r}; choose from {', '.join(REGISTRY)}")
    return names
