"""Stage ``fig1`` (Figure 1, Section IV-B1): generator training against a fixed discriminator.

Protocol.  Data N(mu = 4, sigma = 1.25), 16,000 fresh samples per iteration,
divided by ``scale = 10`` so they lie inside the generator's tanh range
(4 +- 5 sigma maps into [-0.23, 1.03]; the top 1e-6 tail is unreachable).
Phase 1: train G and D adversarially for N in {500, 1000, 1500} iterations
("to obtain a not bad discriminator"). Phase 2: freeze D and train G alone
with SGD (lr 0.001) for ``phase2_iters`` iterations, recording at every
iteration the objective L(D, G) = E_P[f(D)] + E_Pg[g(D)] of the family
(Eq. 2; E_P is estimated once on 200,000 samples since D is fixed).

Choices the paper leaves open (options): G = latent 8 -> 32 -> 32 -> 1 (tanh),
D = 1 -> 32 -> 32 -> 1 (sigmoid applied by the objective), leaky ReLU; phase 1
uses Adam(0.001) by default (``phase1_optimizer="sgd"`` follows the paper's
SGD literally, which leaves D close to its initialisation after 500 steps);
phase 2 length 1,000 iterations; the original GAN uses the minimax
(saturating) generator loss, the objective of Eq. 1.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ... import __version__, theory
from ...nn import LABELS, MLP, PAPER_FAMILIES, SGD, Adam, GANTrainer, NonFiniteLossError, get_objective
from ...nn.objectives import REGISTRY, check_names, family_order
from ...nn.serialization import write_text_atomic
from ..plotting import link, save_figure
from ..tabulate import fmt, to_csv
from .base import Group, pop_seeds, section_records, unknown_options

NAME = "fig1"
SECTIONS = ("Figure 1: generator objective with a fixed discriminator",)
IN_PROCESS = False
GANS = PAPER_FAMILIES
NS = (500, 1000, 1500)
DEFAULTS = {"mu": 4.0, "sigma": 1.25, "scale": 10.0, "batch": 16000, "latent": 8, "hidden": 32,
            "phase2_iters": 1000, "phase1_optimizer": "adam", "lr": 0.001}


def defaults() -> dict:
    return dict(DEFAULTS)


def fig1_config(gan, n_pretrain, seed, **kw) -> dict:
    cfg = {"experiment": "fig1", "gan": gan, "n_pretrain": int(n_pretrain), "seed": int(seed), **DEFAULTS}
    cfg.update({k: v for k, v in kw.items() if v is not None})
    return cfg


def _objective(gan):
    return get_objective(gan, generator_loss="saturating") if gan == "gan" else get_objective(gan)


def settle_iteration(curve, rel=0.01) -> int:
    """First iteration after which |L_t - L_T| stays within ``rel`` of the total change |L_0 - L_T|."""
    final = curve[-1]
    tol = rel * max(abs(curve[0] - final), 1e-12)
    outside = np.flatnonzero(np.abs(curve - final) > tol)
    return int(outside[-1] + 1) if outside.size else 0


def groups(budget, seeds=None, gans=None, Ns=NS, **kw) -> list[Group]:
    """Every Figure 1 run of a budget; ``kw`` overrides protocol settings (see :data:`DEFAULTS`)."""
    unknown_options(NAME, kw, DEFAULTS)
    opts = dict(budget)
    n_seeds = pop_seeds(opts, seeds)
    opts.update({k: v for k, v in kw.items() if v is not None})
    gans = check_names(gans or GANS)
    return [Group(NAME, [fig1_config(g, n, s, **opts) for g in gans for n in Ns for s in range(n_seeds)])]


def run_name(cfg) -> str:
    return f"{cfg['gan']}-N{cfg['n_pretrain']}-seed{cfg['seed']}"


def group_of(record) -> str:
    return NAME


def run(cfg: dict, data_dir=None) -> dict:
    return run_fig1(cfg)


def run_fig1(cfg: dict) -> dict:
    """One (GAN, N, seed) run of Figure 1's protocol; returns the per-iteration objective and summaries."""
    t0 = time.perf_counter()
    seed, gan = cfg["seed"], cfg["gan"]
    obj = _objective(gan)
    rng = np.random.default_rng([seed, 1])
    G = MLP([cfg["latent"], cfg["hidden"], cfg["hidden"], 1], output="tanh", seed=seed)
    D = MLP([1, cfg["hidden"], cfg["hidden"], 1], output="linear", seed=seed + 1)
    opt1 = (lambda: Adam(cfg["lr"])) if cfg["phase1_optimizer"] == "adam" else (lambda: SGD(cfg["lr"]))
    B = int(cfg["batch"])
    trainer = GANTrainer(G, D, objective=obj, g_optimizer=opt1(), d_optimizer=opt1(), batch_size=B, seed=seed)
    # Fresh samples every iteration: draw a pool and let the trainer sample rows from it.
    pool = (rng.normal(cfg["mu"], cfg["sigma"], size=(max(20 * B, 200_000), 1)) / cfg["scale"]).astype(np.float32)
    trainer.fit(pool, cfg["n_pretrain"])
    # Phase 2: D frozen, G alone with SGD.
    real_term, _ = obj.value_terms(D.forward(pool[:200_000])[:, 0], np.zeros(1))
    sgd = SGD(cfg["lr"])
    curve = np.empty(cfg["phase2_iters"])
    zrng = np.random.default_rng([seed, 2])
    for t in range(cfg["phase2_iters"]):
        z = zrng.standard_normal((B, cfg["latent"])).astype(np.float32)
        fake = G.forward(z)
        logits = D.forward(fake)
        _, g_term = obj.value_terms(np.zeros(1), logits[:, 0])
        curve[t] = real_term + g_term
        _, glog = obj.generator_loss(logits[:, 0])
        dfake = D.backward(glog[:, None], param_grads=False)
        G.backward(dfake)
        sgd.step(G.params, G.grads)
    if not np.all(np.isfinite(curve)):
        raise NonFiniteLossError(f"fig1 {gan} N={cfg['n_pretrain']} seed={seed}: objective became non-finite")
    eq = theory.equilibrium_value(REGISTRY[gan].theory)
    sample = G.forward(np.random.default_rng([seed, 3]).standard_normal((20000, cfg["latent"])).astype(np.float32))
    return {"config": cfg, "curve": curve.tolist(), "final": float(curve[-1]), "equilibrium_value": eq,
            "final_distance_to_equilibrium": float(abs(curve[-1] - eq)), "settle_iteration": settle_iteration(curve),
            "std_last_100": float(np.std(curve[-100:], ddof=1)),
            "generated_mean": float(sample.mean() * cfg["scale"]), "generated_std": float(sample.std() * cfg["scale"]),
            "seconds": time.perf_counter() - t0, "version": __version__}


def summarise_fig1(records) -> list[dict]:
    """Mean +- std over seeds per (GAN, N) of the final objective, settling iteration and last-100 std."""
    groups = {}
    for r in records:
        groups.setdefault((r["config"]["gan"], r["config"]["n_pretrain"]), []).append(r)
    rows = []
    for (gan, n), rs in sorted(groups.items(), key=lambda kv: (family_order(kv[0][0]), kv[0][1])):
        def ms(key):
            v = np.array([r[key] for r in rs], float)
            return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0
        row = {"gan": gan, "N": n, "seeds": len(rs), "equilibrium_value": rs[0]["equilibrium_value"]}
        for key in ("final", "final_distance_to_equilibrium", "settle_iteration", "std_last_100",
                    "generated_mean", "generated_std"):
            row[f"{key}_mean"], row[f"{key}_std"] = ms(key)
        rows.append(row)
    return rows


def figure1(records, path_stem):
    """Paper layout (one panel per N, four generators) plus a normalised version; mean +- 95 % CI bands."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Ns = sorted({r["config"]["n_pretrain"] for r in records})
    fig, axes = plt.subplots(2, len(Ns), figsize=(4.5 * len(Ns), 7), squeeze=False)
    for j, n in enumerate(Ns):
        for gan in sorted({r["config"]["gan"] for r in records}, key=family_order):
            rs = [r for r in records if r["config"]["gan"] == gan and r["config"]["n_pretrain"] == n]
            if not rs:
                continue
            C = np.array([r["curve"] for r in rs])
            it = np.arange(1, C.shape[1] + 1)
            m = C.mean(0)
            half = 1.96 * C.std(0, ddof=1) / np.sqrt(len(C)) if len(C) > 1 else 0 * m
            axes[0, j].plot(it, m, label=LABELS[gan])
            axes[0, j].fill_between(it, m - half, m + half, alpha=0.25)
            # Distances are positive and spread over decades: median and quartiles on a log axis.
            Y = np.abs(C - rs[0]["equilibrium_value"])
            q1, med, q3 = np.percentile(Y, [25, 50, 75], axis=0)
            axes[1, j].plot(it, med, label=LABELS[gan])
            axes[1, j].fill_between(it, q1, q3, alpha=0.25)
        axes[0, j].set(title=f"N = {n}", xlabel="generator iteration (D fixed)", ylabel="objective L(D, G)")
        axes[1, j].set(xlabel="generator iteration (D fixed)", ylabel="|L - L_eq| (median, quartiles)", yscale="log")
        axes[0, j].legend(fontsize=8)
    fig.suptitle("Figure 1: generator objective with the discriminator fixed (mean, 95% CI over seeds)")
    fig.tight_layout()
    return save_figure(fig, path_stem)


def summarise(root, label, records) -> dict:
    """Figure 1 tables and figure under ``root`` from stored records."""
    root = Path(root)
    rows = summarise_fig1(records)
    write_text_atomic(root / "fig1_summary.csv", to_csv(rows))
    write_text_atomic(root / "fig1_summary.json", json.dumps(rows, indent=1))
    return {"rows": rows, "figure": figure1(records, root / "fig1")}


def report(doc, out, groups) -> dict:
    recs = section_records(doc, SECTIONS[0], groups)
    if not recs:
        return {}
    s = summarise(Path(out) / NAME, NAME, recs)
    doc.para("Phase 1 trains each GAN; phase 2 fixes D and trains G alone with SGD, recording the generator "
             "objective L. |L - L_eq| is the final distance to the value at the equilibrium P = Pg.")
    doc.figure(link(s["figure"], out),
               "Figure 1: generator objective during phase 2 (mean and 95 % band over seeds)")
    doc.table(["GAN", "N", "seeds", "final L", "|L - L_eq|", "settling iteration", "std of last 100"],
              [[r["gan"], r["N"], r["seeds"], f"{r['final_mean']:+.4f} ± {r['final_std']:.4f}",
                fmt(r["final_distance_to_equilibrium_mean"], 4), f"{r['settle_iteration_mean']:.0f}",
                f"{r['std_last_100_mean']:.2e}"] for r in s["rows"]])
    return s
