"""GAN-based anomaly detector of Section III-B (Eq. 21–25), with pyod / scikit-learn conventions.

>>> det = GANAnomalyDetector(objective="mim", contamination=0.1, random_state=0).fit(X_train)  # doctest: +SKIP
>>> scores = det.decision_function(X_test)     # higher = more anomalous (S of Eq. 25)  # doctest: +SKIP
>>> labels = det.predict(X_test)               # Eq. 21 with Gamma = threshold_             # doctest: +SKIP
"""
from __future__ import annotations

import time
import warnings

import numpy as np

from ... import __version__
from ...nn.gan import GANTrainer
from ...nn.mlp import MLP
from ...nn.objectives import get_objective
from ...nn.optim import Adam
from ...nn.scoring import score_terms
from ...nn.serialization import FORMAT_VERSION, load_npz, save_npz_atomic
from .base import BaseDetector, NotFittedError, check_contamination, check_X, column_names  # noqa: F401 - NotFittedError re-exported
from .scaling import SCALINGS, make_scaler

CE_INPUTS = ("logit", "output")
#: Discriminator terms of the score: Eq. 23's cross-entropy, or EGBAD's feature-matching residual.
DISCRIMINATOR_TERMS = ("ce", "fm")


#: Largest p of Eq. 23's norm: |r|^p overflows float64 for p in the hundreds (and the norm is max-like long before).
MAX_P = 100.0
#: Shared latent starts screened per row by default (docs/reliability.md: stability, AUC and cost per rule).
LATENT_POOL = 64
#: Screening costs N x pool distances; beyond this the pool is noise-free enough and only costs memory.
MAX_LATENT_POOL = 4096
#: A GAN cannot learn a distribution from fewer distinct training rows than this.
MIN_DISTINCT_ROWS = 10
#: What marks a file as a saved GAN detector (an ensemble's too; its meta also lists the members).
FILE_TAG = {"format": FORMAT_VERSION, "library": "mimgan", "kind": "GANAnomalyDetector", "version": __version__}


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v)


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _names_list(names):
    return None if names is None or len(names) == 0 else [str(n) for n in names]


class GANAnomalyDetector(BaseDetector):
    """Train a GAN on (mostly normal) data; score rows by the latent search of Eq. 22–25.

    Parameters
    ----------
    objective : str
        An objective spec (``"mim"``, ``"gan"``, ``"lsgan"``, ``"wgan"``, ``"mim:omega=2"``, any registered
        objective; see :mod:`nn.objectives`).  Section IV-B2 swaps only this.
    hidden : int
        Hidden width of G and D (paper: 64 for Cardio/Thyroid, 256 for MNIST/Musk).
    depth : int
        Hidden layers in G and D (not given in the paper; default 2).
    latent_dim : int
        Size of z (not given; default 16).
    n_iter, batch_size, lr : training iterations, batch, Adam learning rate (paper: Adam, 0.001).
    latent_steps, latent_lr : Adam steps and rate of the latent search (paper: Adam, 0.003).
    latent_pool, latent_restarts : int
        Where the latent search of each row starts (not given in the paper).  ``latent_pool`` standard-normal
        starts, drawn from ``random_state`` and shared by every row, are screened by J (Eq. 23); each row
        searches from its ``latent_restarts`` cheapest ones and keeps the lowest final J.  A shared start
        makes the score a smooth function of the row (a change far below the data's precision moves it by
        as little; docs/reliability.md measures it); screening many of them costs a few forward passes.
    latent_tol : float or None
        A per-row stopping rule for the latent search: a row stops once its J (Eq. 23) changed by less
        than this (relative) over 25 steps, ``latent_steps`` being the most it takes (None: every row
        takes ``latent_steps``).  Decided from the row's own J only, so scores stay independent of the
        other rows (:func:`nn.latent_search.search_rows`; docs/reliability.md measures the trade-off).
    lam, eta, p, beta : Eq. 23–25 weights (paper: lambda = 0.1, eta = 0.05, p = 2, beta = 1).
    ce_input : {"logit", "output"}
        What Eq. 24's sigmoid is applied to.  Default ``"logit"``: Section IV's
        D already ends in a sigmoid, so applying Eq. 24 to that output would
        squeeze H_ce into [0.31, 0.69] (beta = 1) and all but remove the
        discriminator term; reading it as sigmoid cross-entropy on D's logit is
        the standard (AnoGAN) form.  ``"output"`` is the paper as printed.
    contamination : float in (0, 0.5]
        Expected anomaly fraction; ``threshold_`` is the (1 - contamination) quantile of training scores.
    random_state : int
        Seeds the networks, training and the latent initialisation.
    objective_options : dict, optional
        Passed to :func:`nn.get_objective` (e.g. ``{"generator_loss": "saturating"}``).
    block_rows : int
        The latent search cuts the rows into blocks of about this many (one
        compiled call each; bounds memory).  Scores depend on neither this
        cut nor ``n_threads``: every row is searched from its own start with
        row-wise products (:mod:`nn.rowwise`).
    n_threads : int or None
        Blocks searched at once, each on its own core with one BLAS thread
        (default: the process's BLAS thread budget; see
        :func:`nn.latent_search.search_rows`).
    threshold_rows : int or None
        Score only this many (seeded, random) training rows for ``decision_scores_``
        and ``threshold_`` (None = all; MNIST uses 5,000 of its 54,000 rows).
    scaling : {"minmax", "standard"}
        ``"minmax"`` (default) maps each training column onto [-1, 1], the
        range of the generator's tanh output (Section IV); ``"standard"`` uses
        z-scores, as classical detectors usually do, with a linear generator
        output so that every scaled value is reachable.
    discriminator_term : {"ce", "fm"}
        The discriminator term of J (Eq. 23) once the latent search has
        found z*: ``"ce"`` (default, the paper) is H_ce(D(G(z*))); ``"fm"`` is
        EGBAD's feature-matching residual ||f(x) - f(G(z*))||_1 / width, with f
        the last hidden layer of D (Zenati et al. 2018).  The search itself
        always minimises Eq. 23 as printed.

    Several GANs from several seeds, scores combined: :class:`GANEnsembleDetector`.

    Attributes
    ----------
    gan_ : nn.GANTrainer
    scaler_ : MinMaxToTanh or Standardize
    decision_scores_ : ndarray  (scores of the training rows)
    threshold_ : float
    labels_ : ndarray  (Eq. 21 on the training rows: 1 where decision_scores_ > threshold_)
    n_features_in_ : int
    timings_ : dict  (seconds spent in fit / scoring)
    """

    def __init__(self, objective="mim", hidden=64, depth=2, latent_dim=16, n_iter=2000, batch_size=64, lr=0.001,
                 latent_steps=100, latent_lr=0.003, lam=0.1, eta=0.05, p=2.0, beta=1.0, ce_input="logit",
                 contamination=0.1, random_state=0, objective_options=None, block_rows=512, threshold_rows=None,
                 n_threads=None, progress=False, scaling="minmax", discriminator_term="ce",
                 latent_pool=LATENT_POOL, latent_restarts=1, latent_tol=None):
        self.objective = objective
        self.hidden = hidden
        self.depth = depth
        self.latent_dim = latent_dim
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.lr = lr
        self.latent_steps = latent_steps
        self.latent_lr = latent_lr
        self.lam = lam
        self.eta = eta
        self.p = p
        self.beta = beta
        self.ce_input = ce_input
        self.contamination = contamination
        self.random_state = random_state
        self.objective_options = objective_options
        self.block_rows = block_rows
        self.threshold_rows = threshold_rows
        self.n_threads = n_threads
        self.progress = progress
        self.scaling = scaling
        self.discriminator_term = discriminator_term
        self.latent_pool = latent_pool
        self.latent_restarts = latent_restarts
        self.latent_tol = latent_tol

    def check_params(self) -> "GANAnomalyDetector":
        """Raise a ValueError naming the first invalid constructor parameter (``fit`` calls it too)."""
        self._validate_params()
        get_objective(self.objective, **(self.objective_options or {}))
        return self

    def _validate_params(self):
        check_contamination(self.contamination)
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {tuple(SCALINGS)}, got {self.scaling!r}")
        if self.discriminator_term not in DISCRIMINATOR_TERMS:
            raise ValueError(f"discriminator_term must be one of {DISCRIMINATOR_TERMS} (Eq. 23's cross-entropy or "
                             f"feature matching), got {self.discriminator_term!r}")
        if self.ce_input not in CE_INPUTS:
            raise ValueError(f"ce_input must be one of {CE_INPUTS}, got {self.ce_input!r}")
        for name in ("lam", "eta"):
            v = getattr(self, name)
            if not (_is_real(v) and 0 < v < 1):
                raise ValueError(f"{name} must be in (0, 1) (Eq. 23/25), got {v}")
        if not (_is_real(self.p) and 1 <= self.p <= MAX_P):
            raise ValueError(f"p (the norm of Eq. 23) must be a number in [1, {MAX_P}], got {self.p!r}")
        if not (_is_real(self.beta) and 0 <= self.beta <= 1):
            raise ValueError(f"beta (Eq. 24) must be in [0, 1], got {self.beta!r}")
        for name, top in (("lr", 1.0), ("latent_lr", 10.0)):
            v = getattr(self, name)
            if not (_is_real(v) and 0 < v <= top):
                raise ValueError(f"{name} must be a learning rate in (0, {top:g}], got {v!r}")
        for name in ("hidden", "depth", "latent_dim", "n_iter", "batch_size", "latent_steps", "block_rows",
                     "latent_pool", "latent_restarts"):
            v = getattr(self, name)
            if not (_is_int(v) and v >= (0 if name in ("n_iter", "latent_steps") else 1)):
                raise ValueError(f"{name} must be a {'non-negative' if name in ('n_iter', 'latent_steps') else 'positive'}"
                                 f" integer, got {v!r}")
        if self.latent_restarts > self.latent_pool:
            raise ValueError(f"latent_restarts ({self.latent_restarts}) cannot exceed latent_pool "
                             f"({self.latent_pool}): each row searches from the cheapest starts of the pool")
        if self.latent_tol is not None and not (_is_real(self.latent_tol) and 0 <= self.latent_tol < 1):
            raise ValueError(f"latent_tol must be None (no stopping rule) or a relative tolerance in [0, 1), "
                             f"got {self.latent_tol!r}")
        if self.latent_pool > MAX_LATENT_POOL:
            raise ValueError(f"latent_pool must be at most {MAX_LATENT_POOL}, got {self.latent_pool}")
        if self.threshold_rows is not None and not (_is_int(self.threshold_rows) and self.threshold_rows >= 1):
            raise ValueError(f"threshold_rows must be None (all rows) or an integer >= 1, got {self.threshold_rows!r}")
        if self.random_state is not None and not (_is_int(self.random_state) and self.random_state >= 0):
            raise ValueError(f"random_state must be None or a non-negative integer, got {self.random_state!r}")

    # ------------------------------------------------------------------ fit
    def _begin_fit(self, X) -> np.ndarray:
        """Parameters and X checked; ``random_state_``, ``n_features_in_`` and ``feature_names_in_`` set."""
        self._validate_params()
        names = column_names(X)
        X = check_X(X, owner=type(self).__name__)
        distinct = len(np.unique(X, axis=0))
        if distinct < MIN_DISTINCT_ROWS:
            raise ValueError(f"X has {len(X)} sample(s), {distinct} distinct; the GAN needs at least "
                             f"{MIN_DISTINCT_ROWS} distinct rows to learn what normal data looks like")
        # random_state=None draws fresh entropy (scikit-learn's convention), recorded so the fit can be repeated.
        self.random_state_ = (int(np.random.SeedSequence().entropy % (1 << 31)) if self.random_state is None
                              else int(self.random_state))
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return X

    def fit(self, X, y=None):
        """Scale (fitted on X), train the GAN on X, score X to set ``threshold_`` (Eq. 21)."""
        X = self._begin_fit(X)
        t0 = time.perf_counter()
        scaler, g_output = make_scaler(self.scaling)
        self.scaler_ = scaler.fit(X)
        Xs = self._scaled(X)
        h, k = int(self.hidden), int(self.depth)
        seed = self.random_state_
        G = MLP([self.latent_dim] + [h] * k + [X.shape[1]], hidden="leaky_relu", output=g_output, seed=seed)
        D = MLP([X.shape[1]] + [h] * k + [1], hidden="leaky_relu", output="linear", seed=seed + 1)
        self.gan_ = GANTrainer(G, D, objective=self.objective, g_optimizer=Adam(self.lr), d_optimizer=Adam(self.lr),
                               batch_size=min(int(self.batch_size), len(Xs)), seed=seed,
                               **(self.objective_options or {}))
        self.gan_.fit(Xs, int(self.n_iter), progress=self.progress)
        t1 = time.perf_counter()
        self.threshold_index_ = self._threshold_index(len(Xs))
        self._threshold_rows_scaled = Xs[self.threshold_index_]
        self._set_training_scores(self._score_scaled(self._threshold_rows_scaled))
        self.timings_ = {"train_s": t1 - t0, "score_train_s": time.perf_counter() - t1,
                         "fit_s": time.perf_counter() - t0}
        return self

    def threshold_for(self, ce_input=None) -> float:
        """Eq. 21's threshold Gamma under either reading of Eq. 24: the (1 - contamination) quantile of
        the training scores (``threshold_rows`` of them) computed with that reading.

        ``threshold_for()`` is ``threshold_``; the other reading costs one latent search of those rows.
        """
        self._check_fitted()
        ce = self._reading(ce_input)
        if ce == self.ce_input:
            return self.threshold_
        return self._quantile(self._score_scaled(self._threshold_rows_scaled, ce))

    def _threshold_index(self, n):
        """The training rows that set the threshold: all, or ``threshold_rows`` of them (seeded; an ensemble's
        members all draw the ensemble's rows)."""
        if self.threshold_rows is None or self.threshold_rows >= n:
            return np.arange(n)
        seed = getattr(self, "_threshold_seed", self.random_state_)
        return np.sort(np.random.default_rng([seed, 104729]).permutation(n)[:int(self.threshold_rows)])

    # -------------------------------------------------------------- scoring
    def _terms(self, Xs, ce):
        """Eq. 23 and 25 term by term for already-scaled rows."""
        return score_terms(self.gan_.G, self.gan_.D, Xs, seed=self.random_state_, steps=self.latent_steps,
                           lr=self.latent_lr, lam=self.lam, p=self.p, beta=self.beta, ce_logit=ce == "logit",
                           eta=self.eta, features=self.discriminator_term == "fm", pool=self.latent_pool,
                           restarts=self.latent_restarts, tol=self.latent_tol, threads=self.n_threads,
                           block_rows=self.block_rows)

    def _check_columns(self, X):
        names = column_names(X)
        fitted = getattr(self, "feature_names_in_", None)
        if fitted is not None and names is not None and list(names) != list(fitted):
            raise ValueError(f"X's columns {list(names)} are not those seen in fit {list(fitted)} (same names in the "
                             "same order are required)")
        if fitted is not None and names is None:  # as scikit-learn: columns in another order would pass silently
            warnings.warn(f"X has no column names, but this detector was fitted on columns {list(fitted)}: its columns "
                          "are taken in that order", UserWarning, stacklevel=3)
        return check_X(X, self.n_features_in_, owner=type(self).__name__)

    def score_terms(self, X, ce_input=None) -> dict:
        """The pieces of Eq. 23 and 25 per row: residual, H_ce(D(G(z))) (and the feature-matching term
        with ``discriminator_term="fm"``), J, H_ce(D(x)), S."""
        self._check_fitted()
        X = self._check_columns(X)
        return self._terms(self._scaled(X), self._reading(ce_input))

    def _scaled(self, X):
        """The rows after the fitted scaling, in the network's float32; a value that scaling takes beyond float32
        is an error naming its row and column (it would score NaN and be labelled normal)."""
        with np.errstate(over="ignore", invalid="ignore"):
            Xs = self.scaler_.transform(X).astype(np.float32)
        if not np.all(np.isfinite(Xs)):
            r, c = np.argwhere(~np.isfinite(Xs))[0]
            raise ValueError(f"X's value {X[r, c]!r} at row {r}, column {c} is beyond float32's range after scaling "
                             "(it would score NaN); rescale the data or remove the row")
        return Xs

    def _reading(self, ce_input):
        ce = self.ce_input if ce_input is None else ce_input
        if ce not in CE_INPUTS:
            raise ValueError(f"ce_input must be one of {CE_INPUTS}, got {ce!r}")
        return ce

    def _score_scaled(self, Xs, ce_input=None):
        return self._terms(Xs, self.ce_input if ce_input is None else ce_input)["score"]

    def decision_function(self, X, ce_input=None):
        """Anomaly score S of Eq. 25 per row (higher = more anomalous)."""
        return self.score_terms(X, ce_input)["score"]

    # ----------------------------------------------------------- persistence
    def _meta(self) -> dict:
        """The fitted state every saved detector records besides its arrays."""
        return {"params": self.get_params(), "random_state_": self.random_state_, "n_features_in_": self.n_features_in_,
                "threshold_": self.threshold_,
                "feature_names_in_": _names_list(getattr(self, "feature_names_in_", None)),
                "timings_": self.timings_}

    def _parts(self):
        """(arrays, meta) of one fitted GAN."""
        arrays = {"G": self.gan_.G.params, "D": self.gan_.D.params, "decision_scores": self.decision_scores_,
                  "threshold_index": self.threshold_index_, "threshold_rows_scaled": self._threshold_rows_scaled}
        arrays.update({f"scaler.{k}": np.asarray(v) for k, v in vars(self.scaler_).items()})
        return arrays, {**self._meta(), "networks": self.gan_.config()}

    def save(self, path):
        """The fitted detector in one atomic, versioned ``.npz`` (the format of ``GANTrainer.save``):
        networks, scaling, training scores and threshold; :meth:`load` gives bit-identical scores."""
        self._check_fitted()
        arrays, meta = self._parts()
        return save_npz_atomic(path, arrays, {**meta, **FILE_TAG})

    @classmethod
    def load(cls, path):
        """A detector saved by :meth:`save`; a ValueError names the file and what is wrong with it: another kind or
        version, a missing array, weights of the wrong shape or not finite, parameters that are not valid."""
        try:
            det = cls._load(path)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ValueError(f"{path} is a damaged {cls.__name__} file ({type(exc).__name__}: {exc})") from None
        for m in getattr(det, "members_", None) or [det]:
            m._check_loaded(path)
        try:
            det.check_params()
        except ValueError as exc:
            raise ValueError(f"{path}: saved parameters are not valid: {exc}") from None
        return det

    def _check_loaded(self, path):
        """What a damaged file could get past :meth:`_from_parts`: the architecture against the saved parameters,
        finite weights, scores and threshold."""
        for name, net, width in (("generator", self.gan_.G, self.latent_dim), ("discriminator", self.gan_.D, None)):
            hidden = [int(v) for v in net.sizes[1:-1]]
            if hidden != [int(self.hidden)] * int(self.depth) or (width is not None and int(net.sizes[0]) != width):
                raise ValueError(f"{path}: the {name}'s layers {net.sizes.tolist()} do not match the saved parameters "
                                 f"hidden={self.hidden}, depth={self.depth}, latent_dim={self.latent_dim}")
            if not np.all(np.isfinite(net.params)):
                raise ValueError(f"{path}: the {name}'s weights contain NaN or inf")
        if not (np.all(np.isfinite(self.decision_scores_)) and np.isfinite(self.threshold_)):
            raise ValueError(f"{path}: the stored training scores or threshold are not finite")

    @classmethod
    def _read(cls, path):
        arrays, meta = load_npz(path)
        if meta.get("kind") != "GANAnomalyDetector":
            raise ValueError(f"{path} holds a {meta.get('kind', 'GANTrainer')!r}, not a saved GANAnomalyDetector")
        return arrays, meta

    @classmethod
    def _load(cls, path):
        arrays, meta = cls._read(path)
        if "members" in meta:
            raise ValueError(f"{path} holds an ensemble of {len(meta['members'])} GANs: load it with "
                             "GANEnsembleDetector.load (or experiments.anomaly.load_detector)")
        return cls._from_parts(arrays, meta, path)

    @classmethod
    def _from_parts(cls, arrays, meta, path):
        det = cls(**meta["params"])
        nets = meta["networks"]
        G, D = (MLP(c["sizes"], hidden=c["hidden"], output=c["output"], slope=c["slope"], dtype=c["dtype"])
                for c in (nets["generator"], nets["discriminator"]))
        for name, net in (("G", G), ("D", D)):
            if arrays[name].shape != net.params.shape:
                raise ValueError(f"{path}: {name} has {arrays[name].size} parameters but its architecture "
                                 f"{net.sizes.tolist()} needs {net.params.size}")
            net.params[:] = arrays[name]
        det.gan_ = GANTrainer(G, D, objective=nets["objective"], batch_size=nets["batch_size"], seed=nets["seed"],
                              **nets["objective_config"])
        det.scaler_, _ = make_scaler(det.scaling)
        for key, value in arrays.items():
            if key.startswith("scaler."):
                setattr(det.scaler_, key[len("scaler."):], value)
        det.threshold_index_ = arrays["threshold_index"]
        det._threshold_rows_scaled = arrays["threshold_rows_scaled"]
        det._finish_load(arrays, meta)
        return det

    def _finish_load(self, arrays, meta):
        self.decision_scores_ = arrays["decision_scores"]
        self.random_state_, self.n_features_in_ = meta["random_state_"], meta["n_features_in_"]
        self.threshold_, self.timings_ = meta["threshold_"], meta["timings_"]
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        if meta.get("feature_names_in_"):
            self.feature_names_in_ = np.array(meta["feature_names_in_"], dtype=object)
