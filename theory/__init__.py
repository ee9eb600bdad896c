"""Symbolic and numeric checks of the claims of 'MIM-Based GAN' (She & Fan), Sections II–III.

Public API
----------
bhattacharyya, renyi_divergence, jensen_shannon, kl_divergence,
triangular_discrimination, pearson_chi2, wasserstein1
    Divergences the objectives reduce to at the optimum (Eq. 7–10).
objective, SymbolicObjective, theory_kind, OBJECTIVES
    The theory's view of each objective (Eq. 1–5): its sympy form, D*, equilibrium.
optimal_discriminator, value_at_optimum, equilibrium_value
    Numerics of that view.
upsilon_mim, upsilon_kl, upsilon_mim_approx, upsilon_kl_approx
    Rare-event shares of Proposition 4 / Corollary 2 (Eq. 16–20).
checks.run_all
    Every claim check, each returning a computed verdict.
"""
from .divergences import (
    bhattacharyya,
    gaussian_bhattacharyya,
    gaussian_renyi,
    jensen_shannon,
    kl_divergence,
    pearson_chi2,
    renyi_divergence,
    triangular_discrimination,
    wasserstein1,
)
from .objectives import (OBJECTIVES, SymbolicObjective, equilibrium_value, objective, optimal_discriminator, theory_kind,
                         value_at_optimum)
from .upsilon import q_from, upsilon_kl, upsilon_kl_approx, upsilon_mim, upsilon_mim_approx
from .verdict import FAILS, HOLDS, HOLDS_UNDER_CONDITION, HOLDS_WITH_ERRATUM, CheckResult, Erratum

__all__ = [
    "bhattacharyya", "renyi_divergence", "jensen_shannon", "kl_divergence", "triangular_discrimination",
    "pearson_chi2", "wasserstein1", "gaussian_bhattacharyya", "gaussian_renyi",
    "optimal_discriminator", "value_at_optimum", "OBJECTIVES", "equilibrium_value", "objective",
    "SymbolicObjective", "theory_kind",
    "upsilon_mim", "upsilon_kl", "upsilon_mim_approx", "upsilon_kl_approx", "q_from",
    "CheckResult", "Erratum", "HOLDS", "HOLDS_WITH_ERRATUM", "HOLDS_UNDER_CONDITION", "FAILS",
]
