"""GAN trainer: generator + discriminator + objective + optimisers + seed.

Example
-------
>>> G = MLP([16, 64, 64, 21], output="tanh")
>>> D = MLP([21, 64, 64, 1], output="linear")      # logits; the objective applies D's sigmoid
>>> gan = GANTrainer(G, D, objective="mim", seed=0)
>>> history = gan.fit(X, n_iter=1000)               # doctest: +SKIP
>>> fake = gan.sample(500)                          # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np

from . import __version__
from .blas import blas_threads, resolve
from .gan_step import train_steps
from .mlp import MLP, check_batch
from .mlp_kernels import cache_size, work_size
from .objectives import Objective, get_objective
from .optim import Adam, Optimizer, make_optimizer
from .penalty import GPScratch, scratch_sizes
from .serialization import load_npz, save_npz_atomic


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN/inf loss or parameter; says where."""


class GANTrainer:
    """Adversarial training of ``generator`` against ``discriminator``.

    Parameters
    ----------
    generator, discriminator : MLP
        ``generator.sizes[-1]`` must equal ``discriminator.sizes[0]``; the
        discriminator has one output (a logit).  Both must share a dtype.
    objective : str or Objective
        Registry name (``mim``, ``gan``, ``lsgan``, ``wgan``, ``wgan-gp``) or a
        configured :class:`nn.objectives.Objective`; ``objective_options`` are
        passed to :func:`nn.objectives.get_objective`.
    g_optimizer, d_optimizer : Optimizer, optional
        Default Adam(lr=0.001) for both (Section IV-B2).
    batch_size : int
    seed : int
        Seeds the random streams of z, real-row sampling and the WGAN-GP
        interpolation (separate streams, so results do not depend on how
        iterations are grouped into compiled calls).
    blas_threads : "auto", "default" or int
        BLAS threads for the compiled step (see :mod:`nn.blas`): ``auto`` uses
        one thread for small networks, where thread hand-offs cost more than
        they save.
    """

    def __init__(self, generator: MLP, discriminator: MLP, objective="mim", g_optimizer: Optimizer | None = None,
                 d_optimizer: Optimizer | None = None, batch_size: int = 64, seed: int = 0, blas_threads="auto",
                 **objective_options):
        if not isinstance(generator, MLP) or not isinstance(discriminator, MLP):
            raise TypeError("generator and discriminator must be nn.MLP instances")
        if generator.sizes[-1] != discriminator.sizes[0]:
            raise ValueError(f"generator outputs {generator.sizes[-1]} features but the discriminator takes "
                             f"{discriminator.sizes[0]}")
        if discriminator.sizes[-1] != 1:
            raise ValueError("the discriminator must have a single output (a logit)")
        if generator.dtype != discriminator.dtype:
            raise ValueError("generator and discriminator must have the same dtype")
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.G, self.D = generator, discriminator
        self.objective = objective if isinstance(objective, Objective) else get_objective(objective, **objective_options)
        self.g_opt = (g_optimizer or Adam(0.001)).bind(generator.params)
        self.d_opt = (d_optimizer or Adam(0.001)).bind(discriminator.params)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.blas_threads = resolve(blas_threads, [generator.sizes, discriminator.sizes], 2 * self.batch_size)
        self.iteration = 0
        self.history = {"iteration": [], "d_loss": [], "g_loss": []}
        ss = np.random.SeedSequence(seed)
        self._rng_z, self._rng_idx, self._rng_gp, self._rng_sample = (np.random.default_rng(s) for s in ss.spawn(4))
        self._zbufs = {}
        self._alloc()

    @property
    def latent_dim(self) -> int:
        return int(self.G.sizes[0])

    @property
    def data_dim(self) -> int:
        return int(self.D.sizes[0])

    def _alloc(self):
        B, dt = self.batch_size, self.G.dtype
        self._gbuf = (np.zeros(cache_size(self.G.sizes, B), dt), np.zeros(work_size(self.G.sizes, B), dt))
        self._dbuf = (np.zeros(cache_size(self.D.sizes, 2 * B), dt), np.zeros(work_size(self.D.sizes, 2 * B), dt),
                      np.zeros(2 * B * self.data_dim, dt), np.zeros(2 * B, dt))
        if self.objective.gp_lambda > 0:
            c, su, sm, sw = scratch_sizes(self.D.sizes, B)
            self._gp = GPScratch(np.zeros(B * self.data_dim, dt), np.zeros_like(self.D.params),
                                 *(np.zeros(n, dt) for n in (c, c, c, su, sm, sm, sm, sw)))
        else:
            z1 = np.zeros(1, dt)  # no penalty: the step never touches these
            self._gp = GPScratch(*([z1] * len(GPScratch._fields)))

    def _draw(self, S, n_rows):
        """Random inputs for S iterations (each n_critic batches).

        z is drawn in float64 (the stream every earlier result used) into a
        reused buffer and cast into another: fresh arrays of this size come
        from ``mmap`` and cost a page fault per 4 KiB on every step.  The
        returned z is overwritten by the next draw of the same size.
        """
        k = S * self.objective.n_critic
        B = self.batch_size
        bufs = self._zbufs.get(k)
        if bufs is None:
            shape = (k, B, self.latent_dim)
            bufs = self._zbufs[k] = (np.empty(shape, np.float64), np.empty(shape, self.G.dtype))
        self._rng_z.standard_normal(out=bufs[0])
        z = bufs[1]
        np.copyto(z, bufs[0], casting="same_kind")
        idx = self._rng_idx.integers(0, n_rows, size=(k, B), dtype=np.int64)
        eps = self._rng_gp.random((k, B))
        return idx, z, eps

    def _run(self, X, S):
        idx, z, eps = self._draw(S, X.shape[0])
        losses = np.zeros((S, 4))
        o = self.objective
        with blas_threads(self.blas_threads):
            train_steps(self.G.spec(), self.D.spec(), self._gbuf, self._dbuf, *o.loss_functions, o.options, o.n_critic,
                        o.clip, o.gp_lambda, self.g_opt.state(), self.d_opt.state(), X, idx, z, eps, self._gp, losses)
        return losses

    def _check_finite(self, losses, start):
        for net, col in (("discriminator", 0), ("generator", 1)):
            bad = np.nonzero(~np.isfinite(losses[:, col]))[0]
            if bad.size:
                hint = getattr(self.objective.module, "overflow_hint", lambda opt, dtype: None)(
                    self.objective.options, self.G.dtype)
                why = (f"objective {self.objective.name!r}: {hint}" if hint
                       else "lower the learning rate or check the data scale")
                raise NonFiniteLossError(f"{net} loss became non-finite ({losses[bad[0], col]}) at iteration "
                                         f"{start + bad[0] + 1}; {why}")
        for net, col in (("discriminator", 2), ("generator", 3)):
            bad = np.nonzero(~np.isfinite(losses[:, col]))[0]
            if bad.size:
                raise NonFiniteLossError(f"{net} parameters became non-finite at iteration {start + bad[0] + 1}")

    def prepare(self, X) -> np.ndarray:
        """Validate training data once (shape, NaN) and return it in the networks' dtype."""
        return check_batch(X, self.data_dim, name="training data", dtype=self.G.dtype)

    def step(self, X) -> tuple[float, float]:
        """One iteration (n_critic D updates, one G update) on data X; returns (d_loss, g_loss)."""
        X = X if (isinstance(X, np.ndarray) and X.dtype == self.G.dtype and X.flags.c_contiguous
                  and X.ndim == 2 and X.shape[1] == self.data_dim) else self.prepare(X)
        losses = self._run(X, 1)
        self._record(losses)
        return float(losses[0, 0]), float(losses[0, 1])

    def _record(self, losses):
        start = self.iteration
        self._check_finite(losses, start)
        self.history["iteration"].extend(range(start + 1, start + 1 + len(losses)))
        self.history["d_loss"].extend(losses[:, 0].tolist())
        self.history["g_loss"].extend(losses[:, 1].tolist())
        self.iteration += len(losses)

    def fit(self, X, n_iter: int, callback=None, chunk: int = 50, progress: bool = False):
        """Train for ``n_iter`` iterations.

        ``callback(trainer, iteration, d_loss, g_loss)`` is called after every
        chunk of ``chunk`` iterations (compiled calls run a chunk at once);
        ``progress=True`` shows a tqdm bar with the current losses.
        Returns :attr:`history`.
        """
        X = self.prepare(X)
        if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
            raise ValueError(f"n_iter (the number of iterations) must be a non-negative integer, got {n_iter!r}")
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=int(n_iter), desc=f"{self.objective.name}", unit="it")
        done = 0
        try:
            while done < n_iter:
                S = min(chunk, n_iter - done)
                losses = self._run(X, S)
                self._record(losses)
                done += S
                if bar is not None:
                    bar.update(S)
                    bar.set_postfix(d_loss=f"{losses[-1, 0]:.4g}", g_loss=f"{losses[-1, 1]:.4g}")
                if callback is not None:
                    callback(self, self.iteration, float(losses[-1, 0]), float(losses[-1, 1]))
        finally:
            if bar is not None:
                bar.close()
        return self.history

    def sample(self, n: int) -> np.ndarray:
        """n generated samples G(z), z ~ N(0, I) from the trainer's sampling stream."""
        if int(n) < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        z = self._rng_sample.standard_normal((int(n), self.latent_dim)).astype(self.G.dtype)
        return self.G.forward(z)

    # ----------------------------------------------------------- persistence
    def config(self) -> dict:
        def net(m):
            return {"sizes": m.sizes.tolist(), "hidden": m.hidden, "output": m.output, "slope": m.slope,
                    "dtype": m.dtype.name}
        return {"generator": net(self.G), "discriminator": net(self.D), "objective": self.objective.name,
                "objective_config": self.objective.config, "g_optimizer": self.g_opt.config(),
                "d_optimizer": self.d_opt.config(), "batch_size": self.batch_size, "seed": self.seed}

    def save(self, path):
        """Weights, optimiser state, config, iteration and library version in one ``.npz`` (atomic)."""
        arrays = {"G": self.G.params, "D": self.D.params}
        for name, o in (("g_opt", self.g_opt), ("d_opt", self.d_opt)):
            arrays[f"{name}_s1"], arrays[f"{name}_s2"], arrays[f"{name}_t"] = o.s1, o.s2, o.t
        meta = {"format": 1, "library": "mimgan", "version": __version__, "config": self.config(),
                "iteration": self.iteration, "history": self.history,
                "rng": [r.bit_generator.state for r in (self._rng_z, self._rng_idx, self._rng_gp, self._rng_sample)]}
        return save_npz_atomic(path, arrays, meta)

    @classmethod
    def load(cls, path, expect: dict | None = None) -> "GANTrainer":
        """Rebuild a trainer saved by :meth:`save`.

        ``expect`` (optional) is an architecture dict like ``config()['generator']``
        keyed by ``generator``/``discriminator``; a mismatch is a ValueError.
        """
        arrays, meta = load_npz(path)
        if "config" not in meta:
            raise ValueError(f"{path} holds a {meta.get('kind', 'file of another kind')!r}, not a saved GANTrainer"
                             + (" (load it with GANAnomalyDetector.load)" if meta.get("kind") == "GANAnomalyDetector" else ""))
        cfg = meta["config"]
        if expect:
            for k, want in expect.items():
                have = {kk: cfg[k][kk] for kk in want}
                if have != want:
                    raise ValueError(f"{path}: saved {k} architecture {cfg[k]} does not match the expected {want}")
        def net(c, seed):
            return MLP(c["sizes"], hidden=c["hidden"], output=c["output"], slope=c["slope"], dtype=c["dtype"],
                       seed=seed)
        G, D = net(cfg["generator"], 0), net(cfg["discriminator"], 0)
        for name, m in (("G", G), ("D", D)):
            if arrays[name].shape != m.params.shape:
                raise ValueError(f"{path}: {name} has {arrays[name].size} parameters, the architecture needs "
                                 f"{m.params.size}")
            m.params[:] = arrays[name]
        def opt(c):
            c = dict(c)
            return make_optimizer(c.pop("name"), **c)
        ocfg = {k: v for k, v in cfg["objective_config"].items()}
        trainer = cls(G, D, objective=cfg["objective"], g_optimizer=opt(cfg["g_optimizer"]),
                      d_optimizer=opt(cfg["d_optimizer"]), batch_size=cfg["batch_size"], seed=cfg["seed"], **ocfg)
        for name, o in (("g_opt", trainer.g_opt), ("d_opt", trainer.d_opt)):
            o.s1[:], o.s2[:], o.t[:] = arrays[f"{name}_s1"], arrays[f"{name}_s2"], arrays[f"{name}_t"]
        trainer.iteration = meta["iteration"]
        trainer.history = meta["history"]
        for r, st in zip((trainer._rng_z, trainer._rng_idx, trainer._rng_gp, trainer._rng_sample), meta["rng"]):
            r.bit_generator.state = st
        return trainer
