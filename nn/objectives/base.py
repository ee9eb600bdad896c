"""What an objective module declares: the symbolic form every theory result is computed from.

An objective module (``mim.py``, ``gan.py``, ``fgan.py`` ...) holds one GAN
objective written down once:

* ``NAME``, ``LABEL``, ``TITLE``, ``EQUATION``: registry key, table label,
  human name and where it is stated;
* ``options(**kw)``, whose keyword defaults *are* the options' defaults (the
  registry reads them from its signature), validating the options and packing
  them into the float64 vector the kernels read;
* ``symbolic(**options) -> Symbolic``: the objective in the paper's form
  (Eq. 2), ``L(D, G) = E_P[f(D)] + E_Pg[g(D)]``, with what D does to it, the
  generator's per-sample loss and D's output map from the logit;
* three compiled per-logit kernels, each ``(logit, opt) -> (loss, d loss / d logit)``
  in float64 and in overflow-free forms, decorated with
  :func:`mimgan.nn.objectives.kernel`: ``real_loss`` and ``fake_loss`` (the
  discriminator's loss on a real and on a generated sample; D *minimises*
  their batch means) and ``gen_loss`` (the generator's, minimised).

Optional: ``value_terms(real_logits, fake_logits, opt)`` and
``pointwise_value(lp, lq, opt)``, numerically stable replacements for the
generic versions derived from ``symbolic`` (see :mod:`theory.lab`); and
``overflow_hint(opt, dtype) -> str | None``: why the loss can leave the
dtype's range at these options (the trainer says it when a loss becomes
non-finite, instead of blaming the learning rate).

The batch loops, the compiled GAN step, the NumPy reference, the theory and
every experiment are derived from these; see docs/objectives.md, "Adding an objective".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the annotations' sympy; at run time sympy is imported on first use (below)
    import sympy as sp

#: The sympy names of this module, made on first use: ``D``, the discriminator's output (theory variable), and
#: ``v``, its raw output, the logit; ``SIGMOID`` and ``IDENTITY``, D's output maps from the logit
#: (``Symbolic.output``).  Made lazily so that importing the objectives, to train or to score, does not import
#: sympy (about 0.3 s of every ``mimgan`` command); the built-in modules import it inside ``symbolic()``.
SYMBOLS = ("D", "v", "SIGMOID", "IDENTITY")
_made: dict = {}


def __getattr__(name):
    if name not in SYMBOLS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if not _made:
        import sympy as sp

        D, v = sp.Symbol("D", real=True), sp.Symbol("v", real=True)
        _made.update(D=D, v=v, SIGMOID=1 / (1 + sp.exp(-v)), IDENTITY=v)
    return _made[name]


@dataclass(frozen=True)
class Symbolic:
    """One objective in the form of Eq. 2, as sympy expressions in ``D``.

    Attributes
    ----------
    f, g : sympy.Expr
        The real-data and generated-data terms of ``L(D, G) = E_P[f(D)] + E_Pg[g(D)]``.
    discriminator : {"min", "max"}
        What the discriminator does to ``L`` (MIM minimises, Eq. 4; the original GAN maximises, Eq. 1).
    generator : sympy.Expr
        The generator's per-sample loss on a generated sample (it minimises ``E_Pg[generator]``).
    output : sympy.Expr, optional
        D as a function of the logit ``v``: ``SIGMOID`` (the default) or ``IDENTITY``.
    criterion : tuple of sympy.Expr, optional
        ``(a, b)``: the generator's criterion ``E_P[a(D)] + E_Pg[b(D)]`` at the optimal D, when it is
        not ``L`` itself (LSGAN's ``c``-target loss, the non-saturating GAN's ``-ln D``).
    equilibrium : sympy.Expr, optional
        The criterion's value at P = Pg when sympy cannot simplify it (computed otherwise).
    lipschitz : bool
        The discriminator is a 1-Lipschitz critic, not a pointwise function (WGAN): there is no
        pointwise optimal D.
    """

    f: sp.Expr
    g: sp.Expr
    discriminator: str
    generator: sp.Expr
    output: sp.Expr | None = None
    criterion: tuple | None = None
    equilibrium: sp.Expr | None = None
    lipschitz: bool = False
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.discriminator not in ("min", "max"):
            raise ValueError(f"discriminator must be 'min' or 'max', got {self.discriminator!r}")
        if self.output is None:
            object.__setattr__(self, "output", __getattr__("SIGMOID"))

    @property
    def generator_minimises_value(self) -> bool:
        """The generator minimises the criterion: its own criterion, or L when the discriminator maximises L."""
        return self.criterion is not None or self.discriminator == "max"

    @property
    def terms(self):
        """``(a, b)``: the generator's criterion's real and generated terms (``(f, g)`` unless set)."""
        return self.criterion if self.criterion is not None else (self.f, self.g)
