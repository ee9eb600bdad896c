"""Stage ``rare-events`` (beyond the paper): does MIM keep more mass on a rare mode?

Data: (1 - p) N(0, I) + p N(m, 0.5^2 I) with m = 6 in 1-D and (4, 4) in 2-D,
divided by 8 to sit inside the generator's tanh range.  Each GAN is trained
with its registry defaults (Adam 0.001, batch 256); every ``eval_every``
iterations 20,000 generated samples give the rare-mode mass q_hat (share of
samples nearer the rare centre than the main one, as for the real data) and a
distance to a fresh real sample (1-D: W1; 2-D: sliced W1 over 64 fixed
directions).  Corollary 2 predicts Upsilon_MIM(p, q) >= Upsilon_KL(p, q) for
p + q <= 1: the MIM objective weights the rare atom at least as much.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from scipy import stats

from ... import __version__, theory
from ...nn import LABELS, MLP, PAPER_FAMILIES, GANTrainer
from ...nn.objectives import check_names, family_order
from ...theory import theory_kind
from ...theory import lab
from ...files import write_text_atomic
from ..plotting import drawn_from_inputs, link, save_figure
from ..stats import mean_ci95, paired_wilcoxon
from ..tabulate import fmt, to_csv
from .base import Group, pop_seeds, section_records, unknown_options

NAME = "rare-events"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("final_rare_mass", "rare_mass")
SECTIONS = ("Rare events (Section III-A)",)
IN_PROCESS = False
GANS = PAPER_FAMILIES
RARE_MEAN = {1: np.array([6.0]), 2: np.array([4.0, 4.0])}
DEFAULTS = {"iters": 3000, "batch": 256, "hidden": 64, "latent": 8, "scale": 8.0, "eval_every": 100,
            "n_eval": 20000, "rare_sigma": 0.5}


def defaults() -> dict:
    return dict(DEFAULTS)


def groups(budget, seeds=None, gans=None, p_values=None, dims=None, **kw) -> list[Group]:
    """Every rare-event run of a budget; ``kw`` overrides settings (see :data:`DEFAULTS`)."""
    unknown_options(NAME, kw, DEFAULTS)
    opts = dict(budget)
    n_seeds = pop_seeds(opts, seeds)
    ps = tuple(p_values or opts.pop("p_values"))
    ds = tuple(dims or opts.pop("dims"))
    opts.pop("p_values", None)
    opts.pop("dims", None)
    extra = {**opts, **{k: v for k, v in kw.items() if v is not None}}
    gans = check_names(gans or GANS)
    return [Group(NAME, [rare_config(g, p, d, s, **extra) for d in ds for p in ps for g in gans
                         for s in range(n_seeds)])]


def run_name(cfg) -> str:
    return f"{cfg['dim']}d-p{cfg['p_rare']:g}/{cfg['gan']}-seed{cfg['seed']}"


def group_of(record) -> str:
    return NAME


def run(cfg, data_dir=None) -> dict:
    return run_rare(cfg)


def rare_config(gan, p_rare, dim, seed, **kw):
    cfg = {"experiment": "rare-events", "gan": gan, "p_rare": float(p_rare), "dim": int(dim), "seed": int(seed),
           **DEFAULTS}
    cfg.update({k: v for k, v in kw.items() if v is not None})
    for key in ("iters", "eval_every", "n_eval", "batch"):
        if int(cfg[key]) < 1:
            raise ValueError(f"rare-events option {key} must be >= 1, got {cfg[key]}")
    return cfg


def sample_mixture(n, p_rare, dim, rng, rare_sigma=0.5):
    rare = rng.random(n) < p_rare
    X = rng.standard_normal((n, dim))
    X[rare] = RARE_MEAN[dim] + rare_sigma * rng.standard_normal((int(rare.sum()), dim))
    return X


def rare_mass(X, dim) -> float:
    """Share of rows nearer the rare centre than the main centre (the origin)."""
    d_rare = np.linalg.norm(X - RARE_MEAN[dim], axis=1)
    return float(np.mean(d_rare < np.linalg.norm(X, axis=1)))


def distance(A, B, dim, rng) -> float:
    if dim == 1:
        return float(stats.wasserstein_distance(A[:, 0], B[:, 0]))
    dirs = rng.standard_normal((16, dim))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    return float(np.mean([stats.wasserstein_distance(A @ d, B @ d) for d in dirs]))


def run_rare(cfg) -> dict:
    t0 = time.perf_counter()
    seed, dim, p = cfg["seed"], cfg["dim"], cfg["p_rare"]
    rng = np.random.default_rng([seed, 11])
    X = (sample_mixture(200_000, p, dim, rng, cfg["rare_sigma"]) / cfg["scale"]).astype(np.float32)
    G = MLP([cfg["latent"], cfg["hidden"], cfg["hidden"], dim], output="tanh", seed=seed)
    D = MLP([dim, cfg["hidden"], cfg["hidden"], 1], output="linear", seed=seed + 1)
    gan = GANTrainer(G, D, objective=cfg["gan"], batch_size=cfg["batch"], seed=seed)
    erng = np.random.default_rng([seed, 12])
    its, mass, dist = [], [], []

    def evaluate(tr, it, *_):
        if it % cfg["eval_every"] and it != cfg["iters"]:  # the last iteration is always evaluated
            return
        fake = tr.sample(cfg["n_eval"]).astype(np.float64) * cfg["scale"]
        real = sample_mixture(cfg["n_eval"], p, dim, erng, cfg["rare_sigma"])
        its.append(it)
        mass.append(rare_mass(fake, dim))
        dist.append(distance(fake, real, dim, erng))

    gan.fit(X, cfg["iters"], callback=evaluate, chunk=cfg["eval_every"])
    q_hat = mass[-1]
    qc = min(max(q_hat, 1e-6), 1 - 1e-6)
    return {"config": cfg, "iterations": its, "rare_mass": mass, "distance": dist, "final_rare_mass": q_hat,
            "final_distance": dist[-1], "real_rare_mass": p,
            "upsilon_mim_at_q_hat": float(theory.upsilon_mim(p, qc)), "upsilon_kl_at_q_hat": float(theory.upsilon_kl(p, qc)),
            "seconds": time.perf_counter() - t0, "version": __version__}


def own_upsilon(gan, p, q) -> float:
    """The objective's own rare-event share Υ(p, q) (Proposition 4, :func:`theory.lab.upsilon`); NaN without a
    pointwise optimum (WGAN)."""
    kind = theory_kind(gan)
    if theory.objective(kind).symbolic.lipschitz:
        return float("nan")
    return float(lab.upsilon(kind, p, min(max(q, 1e-6), 1 - 1e-6)))


def family_tests(rows) -> list[dict]:
    """Does an objective's predicted rare-event share order the measured errors?  Per (dim, p): Spearman's rank
    correlation over objectives between Υ(p, p/2) (the share when the rare mode is under-generated, which the
    thesis says pushes back harder) and the mean |q̂ - p|; the thesis predicts a negative correlation."""
    from scipy.stats import spearmanr
    out = []
    for key in sorted({(r["dim"], r["p_rare"]) for r in rows}):
        rs = [r for r in rows if (r["dim"], r["p_rare"]) == key and np.isfinite(r["upsilon_own_at_half_p"])]
        if len(rs) < 4:
            continue
        rho, pv = spearmanr([r["upsilon_own_at_half_p"] for r in rs], [r["abs_error_mean"] for r in rs])
        out.append({"dim": key[0], "p_rare": key[1], "objectives": len(rs), "spearman_rho": float(rho),
                    "p_value": float(pv), "thesis_supported_at_5pct": bool(pv < 0.05 and rho < 0)})
    return out


def summarise_rare(records) -> tuple[list[dict], list[dict]]:
    """Per (dim, p, GAN): rare mass and distance with 95 % CIs and the Upsilon predictions;
    plus paired Wilcoxon tests of MIM's |q_hat - p| against each other GAN."""
    groups = {}
    for r in records:
        c = r["config"]
        groups.setdefault((c["dim"], c["p_rare"], c["gan"]), {})[c["seed"]] = r
    rows, tests = [], []
    for (dim, p, gan), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], family_order(kv[0][2]))):
        q = [r["final_rare_mass"] for r in rs.values()]
        m, h = mean_ci95(q)
        dm, dh = mean_ci95([r["final_distance"] for r in rs.values()])
        qc = min(max(m, 1e-6), 1 - 1e-6)
        rows.append({"dim": dim, "p_rare": p, "gan": gan, "seeds": len(rs), "rare_mass_mean": m, "rare_mass_ci95": h,
                     "abs_error_mean": float(np.mean(np.abs(np.array(q) - p))), "distance_mean": dm,
                     "distance_ci95": dh, "upsilon_mim_at_mean_q": float(theory.upsilon_mim(p, qc)),
                     "upsilon_kl_at_mean_q": float(theory.upsilon_kl(p, qc)),
                     "upsilon_own_at_mean_q": own_upsilon(gan, p, qc), "upsilon_own_at_half_p": own_upsilon(gan, p, p / 2),
                     "seconds_median": float(np.median([r["seconds"] for r in rs.values()]))})
        if gan != "mim" and (dim, p, "mim") in groups:
            base = groups[(dim, p, "mim")]
            seeds = sorted(set(base) & set(rs))
            d = np.array([abs(rs[s]["final_rare_mass"] - p) - abs(base[s]["final_rare_mass"] - p) for s in seeds])
            pv = paired_wilcoxon(d)
            tests.append({"dim": dim, "p_rare": p, "other": gan, "n": len(d),
                          "mean_error_advantage_of_mim": float(d.mean()), "mim_closer_count": int(np.sum(d > 0)),
                          "wilcoxon_p": pv, "mim_better_at_5pct": bool(pv < 0.05 and d.mean() > 0)})
    return rows, tests


@drawn_from_inputs
def figure_rare(records, path_stem):
    """Per dimension: rare mass during training, final rare mass per objective, and (with several objectives)
    each objective's mean |q̂ - p| against its predicted share Υ(p, p/2)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gans = sorted({r["config"]["gan"] for r in records}, key=family_order)
    dims = sorted({r["config"]["dim"] for r in records})
    ps = sorted({r["config"]["p_rare"] for r in records})
    palette = plt.get_cmap("tab20").colors
    color = {g: palette[(2 * i) % 20 + (2 * i) // 20 % 2] for i, g in enumerate(gans)}
    scatter = len(gans) >= 4
    ncols = 3 if scatter else 2
    fig, axes = plt.subplots(len(dims), ncols, figsize=(5.5 * ncols, 4.0 * len(dims)), squeeze=False)
    for i, dim in enumerate(dims):
        p0 = ps[len(ps) // 2]
        for gan in gans:
            rs = [r for r in records if r["config"]["dim"] == dim and r["config"]["gan"] == gan
                  and r["config"]["p_rare"] == p0]
            if rs:
                M = np.array([r["rare_mass"] for r in rs])
                it = rs[0]["iterations"]
                m = M.mean(0)
                h = 1.96 * M.std(0, ddof=1) / np.sqrt(len(M)) if len(M) > 1 else 0 * m
                axes[i, 0].plot(it, m, label=LABELS[gan], color=color[gan], lw=1)
                if len(gans) <= 4:
                    axes[i, 0].fill_between(it, m - h, m + h, alpha=0.2, color=color[gan])
            per_p = [[r["final_rare_mass"] for r in records if r["config"]["dim"] == dim
                      and r["config"]["gan"] == gan and r["config"]["p_rare"] == p] for p in ps]
            if len(ps) > 1:
                pts = [(p, np.mean(v)) for p, v in zip(ps, per_p) if v]
                if pts:
                    axes[i, 1].plot(*zip(*pts), "o-", label=LABELS[gan], color=color[gan])
            elif per_p[0]:
                # One p: each GAN's final rare mass with its 95 % CI.
                m, h = mean_ci95(per_p[0])
                axes[i, 1].errorbar([gans.index(gan)], [m], yerr=[h], fmt="o", capsize=4, color=color[gan])
            if scatter:
                q = [r["final_rare_mass"] for r in rs]
                ups = own_upsilon(gan, p0, p0 / 2)
                if q and np.isfinite(ups):
                    err = float(np.mean(np.abs(np.array(q) - p0)))
                    axes[i, 2].scatter([ups], [err], color=color[gan])
                    axes[i, 2].annotate(LABELS[gan], (ups, err), fontsize=7, xytext=(3, 3), textcoords="offset points")
        axes[i, 0].axhline(p0, color="k", ls=":", label="real p")
        axes[i, 0].set(title=f"{dim}-D: rare-mode mass during training (p = {p0})", xlabel="iteration",
                       ylabel="generated rare mass (mean over seeds)")
        if len(ps) > 1:
            axes[i, 1].plot(ps, ps, "k:", label="q = p")
            axes[i, 1].set(title=f"{dim}-D: final rare mass vs p", xlabel="p (real)", ylabel="q_hat (generated)")
            axes[i, 1].legend(fontsize=7)
        else:
            axes[i, 1].axhline(ps[0], color="k", ls=":")
            axes[i, 1].set_xticks(range(len(gans)), [LABELS[g] for g in gans], rotation=60, ha="right", fontsize=7)
            axes[i, 1].set(title=f"{dim}-D: final rare mass (mean, 95% CI; dotted: real p)", ylabel="q_hat (generated)")
        axes[i, 0].legend(fontsize=6, ncol=2)
        if scatter:
            axes[i, 2].set(xscale="log", title=f"{dim}-D: error vs predicted share (p = {p0})",
                           xlabel="Upsilon(p, p/2) of the objective (theory.lab)", ylabel="mean |q_hat - p|")
    fig.tight_layout()
    return save_figure(fig, path_stem)


def summarise(root, label, records) -> dict:
    """Rare-event tables, paired tests and figure under ``root`` from stored records."""
    root = Path(root)
    rows, tests = summarise_rare(records)
    write_text_atomic(root / "rare_events_summary.csv", to_csv(rows))
    write_text_atomic(root / "rare_events_tests.csv", to_csv(tests))
    family = family_tests(rows)
    write_text_atomic(root / "rare_events_summary.json", json.dumps({"rows": rows, "tests": tests, "family": family},
                                                                    indent=1))
    return {"rows": rows, "tests": tests, "family": family, "figure": figure_rare(records, root / "rare_events")}


def report(doc, out, groups) -> dict:
    recs = section_records(doc, SECTIONS[0], groups)
    if not recs:
        return {}
    s = summarise(Path(out) / NAME, NAME, recs)
    doc.para("Each GAN learns a mixture with a rare mode of probability p; q̂ is the rare mass it generates. "
             "Section III-A predicts MIM's objective is more sensitive to the rare mode (Υ_MIM ≥ Υ_KL).")
    doc.figure(link(s["figure"], out), "Rare-event mass generated by each GAN")
    doc.table(["dim", "p", "GAN", "seeds", "q̂ (95 % CI)", "|q̂ - p|", "Υ_MIM / Υ_KL at q̂", "own Υ at q̂", "own Υ(p, p/2)"],
              [[r["dim"], r["p_rare"], LABELS[r["gan"]], r["seeds"],
                f"{r['rare_mass_mean']:.4f} ± {r['rare_mass_ci95']:.4f}", fmt(r["abs_error_mean"], 4),
                f"{r['upsilon_mim_at_mean_q']:.4f} / {r['upsilon_kl_at_mean_q']:.4f}", fmt(r["upsilon_own_at_mean_q"], 4),
                fmt(r["upsilon_own_at_half_p"], 4)] for r in s["rows"]])
    if s["family"]:
        doc.para("Across objectives: does the predicted share Υ(p, p/2) order the measured |q̂ - p|? (Spearman over "
                 "objectives with a pointwise optimum; the thesis predicts ρ < 0.)")
        doc.table(["dim", "p", "objectives", "Spearman ρ", "p-value", "thesis supported at 5 %"],
                  [[f["dim"], f["p_rare"], f["objectives"], f"{f['spearman_rho']:+.3f}", fmt(f["p_value"], 3),
                    "yes" if f["thesis_supported_at_5pct"] else "no"] for f in s["family"]])
    if s["tests"]:
        doc.para("Paired Wilcoxon tests over seeds: is MIM's |q̂ - p| smaller than the other GAN's?")
        doc.table(["dim", "p", "vs", "n", "mean advantage of MIM", "MIM closer", "p-value", "MIM better at 5 %"],
                  [[t["dim"], t["p_rare"], t["other"], t["n"], f"{t['mean_error_advantage_of_mim']:+.4f}",
                    f"{t['mim_closer_count']}/{t['n']}", fmt(t["wilcoxon_p"], 3), "yes" if t["mim_better_at_5pct"]
                    else "no"] for t in s["tests"]])
    return s


def console(res) -> list[str]:
    """What ``mimgan reproduce rare-events`` prints: the rare mode's learned mass per (dim, p, GAN)."""
    s = res["summaries"][NAME]
    out = [f"rare-events: {res['computed']} of {res['total']} runs computed in {res['seconds']:.1f} s; "
           f"figure {s['figure']}"]
    for row in s["rows"]:
        out.append(f"  {row['dim']}-D p={row['p_rare']:<5g} {row['gan']:6s} rare mass {row['rare_mass_mean']:.4f} "
                   f"+- {row['rare_mass_ci95']:.4f} (95% CI)  distance {row['distance_mean']:.3f}  "
                   f"Upsilon_MIM/KL at q_hat {row['upsilon_mim_at_mean_q']:.4f}/{row['upsilon_kl_at_mean_q']:.4f}")
    return out
