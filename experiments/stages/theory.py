"""Stage ``theory``: every claim check of Sections II–III, once per library version (``mimgan verify``)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ... import __version__
from ...nn.objectives import LABELS
from ...theory import lab
from ...theory.checks import ERROR, run_all
from ...theory.checks.lab import upsilon_ranking
from ...theory.report import BEYOND, to_json
from ..plotting import drawn_from_inputs, link, save_figure
from .base import Group

NAME = "theory"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("checks", "errata")
SECTIONS = ("Theory verification (Sections II-III)", "Errata and over-claims", "Objective lab (beyond the paper)")
IN_PROCESS = True


def config() -> dict:
    """The theory checks depend on the library version only."""
    return {"stage": "theory", "version": __version__}


def groups(budget=None, seeds=None, **options) -> list[Group]:
    if options:
        raise ValueError(f"the theory stage has no options, got {sorted(options)}")
    return [Group(NAME, [config()])]


def run(cfg, data_dir=None, progress=True) -> dict:
    t0 = time.perf_counter()
    say = (lambda name: print(f"  theory: checking {name} ...", file=sys.stderr)) if progress else None
    results = run_all(progress=say)
    return {"config": cfg, **json.loads(to_json(results)), "errors": sum(r.verdict == ERROR for r in results),
            "seconds": time.perf_counter() - t0}


def run_name(cfg) -> str:
    return f"theory-{cfg['version']}"


def group_of(record) -> str:
    return NAME


def defaults() -> dict:
    return {}


def summarise(root, label, records) -> dict:
    return {}


def report(doc, out, groups) -> dict:
    recs = [r for rs in groups.values() for r in rs]
    doc.heading(SECTIONS[0])
    if not recs:
        doc.para("Not run.")
        doc.heading(SECTIONS[1]).para("Not run.")
        return {}
    rec = recs[-1]
    checks = rec["checks"]
    counts = {}
    for c in checks:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    doc.para(f"{len(checks)} computed checks (library {rec['config']['version']}): "
             + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + ".")
    doc.table(["check", "item", "claim", "verdict", "condition"],
              [[c["id"], c.get("item", ""), c.get("claim", ""), c["verdict"], c.get("condition") or ""]
               for c in checks])
    doc.heading(SECTIONS[1])
    errs = rec.get("errata", [])
    paper = [e for e in errs if e["kind"] != BEYOND]
    beyond = [e for e in errs if e["kind"] == BEYOND]
    if not paper:
        doc.para("None found.")
    else:
        doc.bullets([f"[{e['kind']}] {e['equation']}: printed `{e['printed']}`; should read `{e['should_read']}`"
                     + (f" ({e['note']})" if e.get("note") else "") for e in paper])
    if beyond:
        doc.para("Findings beyond the paper (questions the paper does not ask):")
        doc.bullets([f"{e['equation']}: asked `{e['printed']}`; found `{e['should_read']}`" for e in beyond])
    lab_section(doc, out, checks)
    return {"checks": checks, "errata": errs}


def figure_upsilon(path_stem, n=99):
    """Υ(p, q) of each objective minus the original GAN's, and the objective ranking first at each (p, q)."""
    return _draw_upsilon(path_stem, *lab.ranking(n=n))


@drawn_from_inputs
def _draw_upsilon(path_stem, kinds, P, Q, Y, first):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap, SymLogNorm

    ref = Y[kinds.index("gan")]
    cols = 4
    rows = int(np.ceil((len(kinds) + 1) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows), squeeze=False)
    ext = (0, 1, 0, 1)
    for ax, k, y in zip(axes.flat, kinds, Y):
        # symmetric log scale: MIM's and the GAN's shares differ by 1e-3..1e-2, the f-GANs' by up to 1
        im = ax.imshow((y - ref).T, origin="lower", extent=ext, cmap="RdBu_r",
                       norm=SymLogNorm(linthresh=1e-3, vmin=-1, vmax=1))
        ax.contour(P, Q, y - ref, levels=[0], colors="k", linewidths=0.6)
        ax.set(title=f"{LABELS.get(k, k)}: Upsilon - Upsilon_KL", xlabel="p (real rare mass)", ylabel="q (generated)")
    fig.colorbar(im, ax=axes.flat[len(kinds) - 1], fraction=0.046)
    ax = axes.flat[len(kinds)]
    cmap = ListedColormap(plt.get_cmap("tab10").colors[:len(kinds)])
    ax.imshow(first.T, origin="lower", extent=ext, cmap=cmap, vmin=-0.5, vmax=len(kinds) - 0.5, interpolation="nearest")
    ax.set(title="largest Upsilon (objective's share)", xlabel="p", ylabel="q")
    for i, k in enumerate(kinds):
        if np.any(first == i):
            ax.plot([], [], "s", color=cmap(i), label=LABELS.get(k, k))
    ax.legend(fontsize=6, loc="upper right")
    for a in list(axes.flat)[len(kinds) + 1:]:
        a.axis("off")
    fig.suptitle("Rare-event share at the optimum, two-point model (Proposition 4), every registered objective")
    fig.tight_layout()
    return save_figure(fig, path_stem)


def lab_section(doc, out, checks):
    """Generic theory of every registered objective, the MIM <-> f-GAN verdict and the Υ ranking."""
    doc.heading(SECTIONS[2])
    rows = [c for c in checks if c["id"].startswith("lab.") and c["id"] != "lab.upsilon_ranking"]
    if not rows:
        doc.para("Not run.")
        return
    doc.para("Computed from each objective module's symbolic form alone (theory.lab): sympy's D*, checked by the "
             "second-order condition and a numeric optimiser; the value at D* as an f-divergence (identified, then "
             "checked against substitution); Υ's region against the original GAN's; the ε-ranges where the generator's "
             "gradient multiplier is below the saturating / non-saturating GAN's.")
    ev = lambda c, k: str(c["evidence"].get(k, ""))  # noqa: E731
    doc.table(["objective", "verdict", "D*", "value at D*", "Υ > Υ_KL on (agreement)", "multiplier < sat. / non-sat."],
              [[c["id"][4:], c["verdict"], ev(c, "d_star") or "none (Lipschitz)", ev(c, "divergence"),
                f"{ev(c, 'upsilon_beats_kl_region')} ({c['evidence'].get('upsilon_region_agreement', float('nan')):.3f})"
                if "upsilon_beats_kl_region" in c["evidence"] else "n/a",
                f"{ev(c, 'multiplier_below_saturating')} / {ev(c, 'multiplier_below_non_saturating')}"] for c in rows])
    fg = next((c for c in checks if c["id"] == "mim.f_gan"), None)
    if fg:
        doc.para(f"Is MIM an f-GAN? **{fg['verdict']}**: {fg['evidence'].get('identity', '')}; "
                 f"{fg['evidence'].get('what_varpi_changes', '')}.")
    rk = next((c for c in checks if c["id"] == "lab.upsilon_ranking"), None)
    if rk:
        doc.para(f"Which objective gives rare events the largest share at the optimum? Claim checked: {rk['claim']} — "
                 f"**{rk['verdict']}**. {rk['evidence'].get('why', '')}.")
        table = {part: upsilon_ranking(part) for part in lab.PARTS}
        kinds = list(table["objective"])
        doc.table(["objective", "ranks first: whole grid", "p, q < 1/2", "divergence part: p, q < 1/2"],
                  [[LABELS.get(k, k), f"{table['objective'][k][0]:.1%}", f"{table['objective'][k][1]:.1%}",
                    f"{table['divergence'][k][1]:.1%}"] for k in kinds])
        path = figure_upsilon(Path(out) / NAME / "upsilon_ranking")
        doc.figure(link(path, out), "Υ − Υ_KL for every objective (0-contour in black) and the objective ranking first")
