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

What makes the claim testable (the literal phase 2 barely moves G at lr
0.001): phase 1 is recorded every ``eval_every`` iterations — the objective
normalised as (L - L_eq)/(L_0 - L_eq) (1 at the start, 0 at the equilibrium
value) and the 1-D Wasserstein-1 distance of ``n_eval`` generated samples to
N(4, 1.25), from quantiles — and phase 2 is repeated from the same phase-1
state at each learning rate of ``phase2_lrs``.  Each run records the
iterations phase 1 needs to bring W1 below ``w1_threshold`` (censored at
N + eval_every when it never does) and the final W1 of every phase.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ... import __version__, theory
from ...nn import LABELS, MLP, PAPER_FAMILIES, SGD, Adam, GANTrainer, NonFiniteLossError, get_objective
from ...nn.objectives import check_names, family_order
from ...theory import theory_kind
from ...files import write_text_atomic
from ..plotting import drawn_from_inputs, link, save_figure
from ..stats import compare
from ..tabulate import fmt, to_csv
from .base import Group, pop_seeds, section_records, unknown_options

NAME = "fig1"
#: Keys a stored record must have (besides "config"); one without them is recomputed.
REQUIRED = ("curve", "final")
SECTIONS = ("Figure 1: generator objective with a fixed discriminator",)
IN_PROCESS = False
GANS = PAPER_FAMILIES
NS = (500, 1000, 1500)
DEFAULTS = {"mu": 4.0, "sigma": 1.25, "scale": 10.0, "batch": 16000, "latent": 8, "hidden": 32,
            "phase2_iters": 1000, "phase1_optimizer": "adam", "lr": 0.001, "phase2_lrs": (0.001, 0.01, 0.1),
            "eval_every": 25, "n_eval": 5000, "w1_threshold": 0.1}


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


def normal_quantiles(n, mu, sigma) -> np.ndarray:
    """N(mu, sigma)'s quantiles at the midpoints (i - 1/2)/n, i = 1..n."""
    from scipy.stats import norm

    return mu + sigma * norm.ppf((np.arange(1, n + 1) - 0.5) / n)


def w1_to_normal(samples, mu, sigma, quantiles=None) -> float:
    """1-D Wasserstein-1 distance of the empirical ``samples`` to N(mu, sigma): the mean gap between the sorted
    samples and the normal's quantiles at the midpoints (``quantiles``, if already computed)."""
    x = np.sort(np.asarray(samples, float).ravel())
    q = normal_quantiles(x.size, mu, sigma) if quantiles is None else quantiles
    return float(np.mean(np.abs(x - q)))


def _normalised(curve, eq):
    """(L - L_eq)/(L_0 - L_eq): 1 at the first point, 0 at the equilibrium value (NaN when L_0 = L_eq)."""
    curve = np.asarray(curve, float)
    span = curve[0] - eq
    return (curve - eq) / span if abs(span) > 1e-12 else np.full_like(curve, np.nan)


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
    # Fixed evaluation draws: every recorded point sees the same real rows and latent codes.
    n_eval = int(cfg["n_eval"])
    z_eval = np.random.default_rng([seed, 4]).standard_normal((n_eval, cfg["latent"])).astype(np.float32)
    real_eval = pool[:n_eval]
    target = normal_quantiles(n_eval, cfg["mu"], cfg["sigma"])

    def measure():
        fake = G.forward(z_eval)
        real_term, fake_term = obj.value_terms(D.forward(real_eval)[:, 0], D.forward(fake)[:, 0])
        return real_term + fake_term, w1_to_normal(fake[:, 0] * cfg["scale"], cfg["mu"], cfg["sigma"], target)

    every = int(cfg["eval_every"])
    p1_iters, p1_L, p1_w1 = [0], *([v] for v in measure())
    def record(tr, iteration, d_loss, g_loss):
        L, w = measure()
        p1_iters.append(int(iteration))
        p1_L.append(L)
        p1_w1.append(w)

    trainer.fit(pool, cfg["n_pretrain"], callback=record, chunk=every)
    eq = theory.equilibrium_value(theory_kind(gan))
    below = np.flatnonzero(np.asarray(p1_w1) <= cfg["w1_threshold"])
    reached = bool(below.size)
    iters_to_w1 = p1_iters[below[0]] if reached else int(cfg["n_pretrain"]) + every
    # Phase 2: D frozen, G alone with SGD, from the same phase-1 state at every learning rate.
    real_term, _ = obj.value_terms(D.forward(pool[:200_000])[:, 0], np.zeros(1))
    g_after_phase1 = G.params.copy()
    phase2, curve = {}, None
    for lr in sorted({float(cfg["lr"]), *map(float, cfg["phase2_lrs"])}):
        G.params[:] = g_after_phase1
        c, w1 = _phase2(G, D, obj, real_term, lr, cfg, seed, measure, every)
        phase2[repr(lr)] = {"curve_normalised": _normalised(c, eq)[::every].round(6).tolist(), "w1": w1,
                            "final_w1": w1[-1], "final": float(c[-1]), "std_last_100": float(np.std(c[-100:], ddof=1))}
        if lr == float(cfg["lr"]):
            curve, g_literal = c, G.params.copy()
    G.params[:] = g_literal  # the literal protocol's generator is the one summarised below
    sample = G.forward(np.random.default_rng([seed, 3]).standard_normal((20000, cfg["latent"])).astype(np.float32))
    return {"config": cfg, "curve": curve.tolist(), "final": float(curve[-1]), "equilibrium_value": eq,
            "final_distance_to_equilibrium": float(abs(curve[-1] - eq)), "settle_iteration": settle_iteration(curve),
            "std_last_100": float(np.std(curve[-100:], ddof=1)),
            "generated_mean": float(sample.mean() * cfg["scale"]), "generated_std": float(sample.std() * cfg["scale"]),
            "phase1": {"iterations": p1_iters, "objective_normalised": _normalised(p1_L, eq).round(6).tolist(),
                       "w1": p1_w1},
            "iterations_to_w1": int(iters_to_w1), "reached_w1_threshold": reached, "phase1_final_w1": p1_w1[-1],
            "phase2": phase2, "final_w1": phase2[repr(float(cfg["lr"]))]["final_w1"],
            "seconds": time.perf_counter() - t0, "version": __version__}


def _phase2(G, D, obj, real_term, lr, cfg, seed, measure, every):
    """Train G alone against the fixed D with SGD(lr); the objective at every iteration, W1 every ``every``."""
    B = int(cfg["batch"])
    sgd = SGD(lr)
    curve = np.empty(cfg["phase2_iters"])
    w1 = []
    zrng = np.random.default_rng([seed, 2])
    for t in range(cfg["phase2_iters"]):
        if t % every == 0:  # before this step's forward passes, whose caches the backward pass needs
            w1.append(measure()[1])
        z = zrng.standard_normal((B, cfg["latent"])).astype(np.float32)
        fake = G.forward(z)
        logits = D.forward(fake)
        _, g_term = obj.value_terms(np.zeros(1), logits[:, 0])
        curve[t] = real_term + g_term
        _, glog = obj.generator_loss(logits[:, 0])
        dfake = D.backward(glog[:, None], param_grads=False)
        G.backward(dfake)
        sgd.step(G.params, G.grads)
    w1.append(measure()[1])
    if not np.all(np.isfinite(curve)):
        raise NonFiniteLossError(f"fig1 {cfg['gan']} N={cfg['n_pretrain']} seed={seed} lr={lr}: objective became "
                                 "non-finite")
    return curve, w1


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
        if all("phase2" in r for r in rs):  # records of the recorded protocol (phase 1 and the lr sweep)
            for key in ("iterations_to_w1", "phase1_final_w1", "final_w1"):
                row[f"{key}_mean"], row[f"{key}_std"] = ms(key)
            row["reached_w1_threshold"] = int(sum(r["reached_w1_threshold"] for r in rs))
            for lr in rs[0]["phase2"]:
                v = np.array([r["phase2"][lr]["final_w1"] for r in rs])
                row[f"w1_after_phase2_lr{lr}_mean"] = float(v.mean())
                row[f"w1_after_phase2_lr{lr}_std"] = float(v.std(ddof=1)) if len(v) > 1 else 0.0
        rows.append(row)
    return rows


def paired_tests_fig1(records) -> list[dict]:
    """MIM against each other GAN, paired by (N, seed): final W1 and iterations to the W1 threshold."""
    recs = [r for r in records if "phase2" in r]
    vals = {}
    for r in recs:
        c = r["config"]
        for key in ("final_w1", "phase1_final_w1", "iterations_to_w1"):
            vals.setdefault(key, {}).setdefault(c["gan"], {})[(c["n_pretrain"], c["seed"])] = float(r[key])
    out = []
    for key, by_gan in vals.items():
        for other in sorted(set(by_gan) - {"mim"}, key=family_order):
            if "mim" in by_gan:
                out.append({"statistic": key, "other": other,
                            **compare(by_gan["mim"], by_gan[other], lower_is_better=True)})
    return out


@drawn_from_inputs
def figure_dynamics(records, path_stem):
    """Phase 1 (objective normalised to 1 at the start and 0 at the equilibrium; W1 to N(4, 1.25)) at the
    largest N, and phase 2 per learning rate; median and quartiles over seeds."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = [r for r in records if "phase2" in r]
    if not recs:
        return None
    n = max(r["config"]["n_pretrain"] for r in recs)
    recs = [r for r in recs if r["config"]["n_pretrain"] == n]
    lrs = list(recs[0]["phase2"])
    fig, axes = plt.subplots(2, 1 + len(lrs), figsize=(4.2 * (1 + len(lrs)), 7), squeeze=False)
    every = recs[0]["config"]["eval_every"]
    for gan in sorted({r["config"]["gan"] for r in recs}, key=family_order):
        rs = [r for r in recs if r["config"]["gan"] == gan]
        it = np.array(rs[0]["phase1"]["iterations"])
        for row, key in ((0, "objective_normalised"), (1, "w1")):
            Y = np.array([r["phase1"][key] for r in rs], float)
            q1, med, q3 = np.nanpercentile(Y, [25, 50, 75], axis=0)
            line, = axes[row, 0].plot(it, med, label=LABELS[gan])
            axes[row, 0].fill_between(it, q1, q3, alpha=0.2, color=line.get_color())
        for j, lr in enumerate(lrs, start=1):
            for row, key in ((0, "curve_normalised"), (1, "w1")):
                Y = np.array([r["phase2"][lr][key] for r in rs], float)
                x = np.arange(Y.shape[1]) * every
                q1, med, q3 = np.nanpercentile(Y, [25, 50, 75], axis=0)
                line, = axes[row, j].plot(x, med, label=LABELS[gan])
                axes[row, j].fill_between(x, q1, q3, alpha=0.2, color=line.get_color())
    thr = recs[0]["config"]["w1_threshold"]
    axes[0, 0].set(title=f"phase 1 (G and D trained), N = {n}", ylabel="(L - L_eq) / (L_0 - L_eq)")
    axes[1, 0].set(xlabel="iteration", ylabel="W1 to N(4, 1.25)", yscale="log")
    axes[1, 0].axhline(thr, color="k", lw=0.8, ls=":")
    for j, lr in enumerate(lrs, start=1):
        axes[0, j].set(title=f"phase 2 (D fixed), SGD lr {lr}")
        axes[1, j].set(xlabel="generator iteration", yscale="log")
        axes[1, j].axhline(thr, color="k", lw=0.8, ls=":")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("Figure 1, recorded: normalised objective and W1 (median, quartiles over seeds)")
    fig.tight_layout()
    return save_figure(fig, path_stem)


@drawn_from_inputs
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
    tests = paired_tests_fig1(records)
    write_text_atomic(root / "fig1_summary.csv", to_csv(rows))
    write_text_atomic(root / "fig1_summary.json", json.dumps(rows, indent=1))
    if tests:
        write_text_atomic(root / "fig1_paired_tests.csv", to_csv(tests))
    return {"rows": rows, "tests": tests, "figure": figure1(records, root / "fig1"),
            "dynamics": figure_dynamics(records, root / "fig1_dynamics")}


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
    rows = [r for r in s["rows"] if "final_w1_mean" in r]
    if s["dynamics"] and rows:
        lrs = sorted({k[len("w1_after_phase2_lr"):-len("_mean")] for r in rows for k in r
                      if k.startswith("w1_after_phase2_lr") and k.endswith("_mean")}, key=float)
        thr = recs[0]["config"]["w1_threshold"]
        doc.para(f"Recorded protocol: phase 1's objective, normalised as (L - L_eq)/(L_0 - L_eq), and the W1 distance "
                 f"of the generated distribution to N(4, 1.25); phase 2 repeated from the same phase-1 state at SGD "
                 f"learning rates {', '.join(lrs)}. Iterations to W1 <= {thr} are censored at N + "
                 f"{recs[0]['config']['eval_every']} when phase 1 never gets there.")
        doc.figure(link(s["dynamics"], out), "Figure 1, recorded: phase 1 and the phase-2 learning-rate sweep")
        doc.table(["GAN", "N", "seeds", f"iterations to W1 <= {thr} (reached)", "W1 after phase 1",
                   *(f"W1 after phase 2, lr {lr}" for lr in lrs)],
                  [[r["gan"], r["N"], r["seeds"],
                    f"{r['iterations_to_w1_mean']:.0f} ± {r['iterations_to_w1_std']:.0f} ({r['reached_w1_threshold']})",
                    f"{r['phase1_final_w1_mean']:.3f} ± {r['phase1_final_w1_std']:.3f}",
                    *(f"{r[f'w1_after_phase2_lr{lr}_mean']:.3f} ± {r[f'w1_after_phase2_lr{lr}_std']:.3f}" for lr in lrs)]
                   for r in rows])
        if s["tests"]:
            doc.para("MIM against each other GAN, paired by (N, seed), Wilcoxon signed-rank (lower is better):")
            doc.table(["statistic", "vs", "pairs", "mean advantage of MIM", "p", "outcome"],
                      [[t["statistic"], t["other"], t["n"], f"{t['mean_advantage']:+.4g}",
                        fmt(t["p"], 3), t["outcome"]] for t in s["tests"]])
    return s


def console(res) -> list[str]:
    """What ``mimgan reproduce fig1`` prints: the settled value per (GAN, N)."""
    s = res["summaries"][NAME]
    out = [f"fig1: {res['computed']} of {res['total']} runs computed in {res['seconds']:.1f} s; figure {s['figure']}"]
    for row in s["rows"]:
        out.append(f"  {row['gan']:6s} N={row['N']:5d} final L {row['final_mean']:+.4f} +- {row['final_std']:.4f}"
                   f"  |L - L_eq| {row['final_distance_to_equilibrium_mean']:.4f}"
                   f"  settle {row['settle_iteration_mean']:.0f} it  last-100 std {row['std_last_100_mean']:.2e}")
    return out
