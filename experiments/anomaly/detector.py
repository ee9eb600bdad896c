"""GAN-based anomaly detector of Section III-B (Eq. 21–25), with pyod / scikit-learn conventions.

>>> det = GANAnomalyDetector(objective="mim", contamination=0.1, random_state=0).fit(X_train)  # doctest: +SKIP
>>> scores = det.decision_function(X_test)     # higher = more anomalous (S of Eq. 25)  # doctest: +SKIP
>>> labels = det.predict(X_test)               # Eq. 21 with Gamma = threshold_             # doctest: +SKIP
"""
from __future__ import annotations

import inspect
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...nn import MLP, Adam, GANTrainer, get_objective
from ...nn.latent_search import cross_entropy, initial_latents, layer_rows, logits_rows, search_rows
from ... import __version__
from ...nn.blas import blas_threads, budget as blas_budget
from ...nn.mlp_kernels import cache_size
from ...nn.serialization import FORMAT_VERSION, load_npz, save_npz_atomic
from ...nn.mlp import check_batch

from .ensemble import check_members, combine, member_seed, member_stats
from .scaling import SCALINGS, make_scaler

CE_INPUTS = ("logit", "output")
#: Discriminator terms of the score: Eq. 23's cross-entropy, or EGBAD's feature-matching residual.
SCORES = ("ce", "fm")


#: Largest p of Eq. 23's norm: |r|^p overflows float64 for p in the hundreds (and the norm is max-like long before).
MAX_P = 100.0
#: A GAN cannot learn a distribution from fewer distinct training rows than this.
MIN_DISTINCT_ROWS = 10


def _column_names(X):
    """Column names of a DataFrame (as scikit-learn's ``feature_names_in_``), else None."""
    cols = getattr(X, "columns", None)
    if cols is None or not all(isinstance(c, str) for c in cols):
        return None
    return np.asarray(list(cols), dtype=object)


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v)


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


class NotFittedError(ValueError, AttributeError):
    """decision_function/predict called before fit (as in scikit-learn)."""


class GANAnomalyDetector:
    """Train a GAN on (mostly normal) data; score rows by the latent search of Eq. 22–25.

    Parameters
    ----------
    objective : {"mim", "gan", "lsgan", "wgan", "wgan-gp"}
        The GAN family (the experiment swaps only this, Section IV-B2).
    hidden : int
        Hidden width of G and D (paper: 64 for Cardio/Thyroid, 256 for MNIST/Musk).
    depth : int
        Hidden layers in G and D (not given in the paper; default 2).
    latent_dim : int
        Size of z (not given; default 16).
    n_iter, batch_size, lr : training iterations, batch, Adam learning rate (paper: Adam, 0.001).
    latent_steps, latent_lr : Adam steps and rate of the latent search (paper: Adam, 0.003).
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
    score : {"ce", "fm"}
        The discriminator term of J (Eq. 23) once the latent search has
        found z*: ``"ce"`` (default, the paper) is H_ce(D(G(z*))); ``"fm"`` is
        EGBAD's feature-matching residual ||f(x) - f(G(z*))||_1 / width, with f
        the last hidden layer of D (Zenati et al. 2018).  The search itself
        always minimises Eq. 23 as printed.
    n_members : int
        1 (default) is one GAN.  K > 1 trains K GANs from the seeds
        ``random_state + 7919 k`` and averages their scores after standardising
        each by the mean and standard deviation of its training scores (the
        rows of ``decision_scores_``), so no member dominates by its scale.
        Members train side by side on up to ``n_threads`` threads (default:
        the BLAS thread budget, i.e. the cores this process may use), with
        the same bits as one after another.

    Attributes
    ----------
    gan_ : nn.GANTrainer  (the first member's when ``n_members > 1``)
    members_ : list of GANAnomalyDetector  (only when ``n_members > 1``)
    member_stats_ : ndarray (K, 2)  (mean and std of each member's training scores)
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
                 n_threads=None, progress=False, scaling="minmax", score="ce", n_members=1):
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
        self.score = score
        self.n_members = n_members

    @classmethod
    def _param_names(cls) -> list[str]:
        return [n for n in inspect.signature(cls.__init__).parameters if n != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters (scikit-learn's contract; none is itself an estimator, so
        ``deep`` changes nothing)."""
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params) -> "GANAnomalyDetector":
        """Set constructor parameters by name; returns ``self``. The next ``fit`` uses them."""
        valid = self._param_names()
        bad = sorted(set(params) - set(valid))
        if bad:
            raise ValueError(f"invalid parameter(s) {bad} for GANAnomalyDetector; valid: {valid}")
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items() if n != "self"}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"GANAnomalyDetector({', '.join(changed)})"

    def check_params(self) -> "GANAnomalyDetector":
        """Raise a ValueError naming the first invalid constructor parameter (``fit`` calls it too)."""
        self._validate_params()
        get_objective(self.objective, **(self.objective_options or {}))
        return self

    def _validate_params(self):
        if not (isinstance(self.contamination, (int, float)) and 0 < self.contamination <= 0.5):
            raise ValueError(f"contamination must be in (0, 0.5], got {self.contamination!r}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {tuple(SCALINGS)}, got {self.scaling!r}")
        if self.score not in SCORES:
            raise ValueError(f"score must be one of {SCORES} (Eq. 23's cross-entropy or feature matching), "
                             f"got {self.score!r}")
        check_members(self.n_members)
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
        for name in ("hidden", "depth", "latent_dim", "n_iter", "batch_size", "latent_steps", "block_rows"):
            v = getattr(self, name)
            if not (_is_int(v) and v >= (0 if name in ("n_iter", "latent_steps") else 1)):
                raise ValueError(f"{name} must be a {'non-negative' if name in ('n_iter', 'latent_steps') else 'positive'}"
                                 f" integer, got {v!r}")
        if self.threshold_rows is not None and not (_is_int(self.threshold_rows) and self.threshold_rows >= 1):
            raise ValueError(f"threshold_rows must be None (all rows) or an integer >= 1, got {self.threshold_rows!r}")
        if self.random_state is not None and not (_is_int(self.random_state) and self.random_state >= 0):
            raise ValueError(f"random_state must be None or a non-negative integer, got {self.random_state!r}")

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Scale (fitted on X), train the GAN(s) on X, score X to set ``threshold_``."""
        self._validate_params()
        names = _column_names(X)
        X = check_batch(X, np.shape(X)[1] if np.ndim(X) == 2 else -1, name="X")
        distinct = len(np.unique(X, axis=0))
        if distinct < MIN_DISTINCT_ROWS:
            raise ValueError(f"X has {distinct} distinct row(s); the GAN needs at least {MIN_DISTINCT_ROWS} to "
                             "learn what normal data looks like")
        t0 = time.perf_counter()
        # random_state=None draws fresh entropy (scikit-learn's convention), recorded so the fit can be repeated.
        self.random_state_ = (int(np.random.SeedSequence().entropy % (1 << 31)) if self.random_state is None
                              else int(self.random_state))
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        for attr in ("members_", "member_stats_"):
            self.__dict__.pop(attr, None)
        self._member_train_scores = {}
        if self.n_members == 1:
            self._fit_one(X)
        else:
            self._fit_members(X)
        self.threshold_ = float(np.quantile(self.decision_scores_, 1.0 - self.contamination))
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        self.timings_["fit_s"] = time.perf_counter() - t0
        return self

    def _fit_one(self, X):
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
        self.decision_scores_ = self._score_scaled(self._threshold_rows_scaled)
        self.timings_ = {"train_s": t1 - t0, "score_train_s": time.perf_counter() - t1}

    def _fit_members(self, X):
        """K single detectors from K seeds, scored on the same training rows, combined (:mod:`.ensemble`)."""
        params = {**self.get_params(), "n_members": 1, "progress": False}
        members = []
        for k in range(self.n_members):
            m = GANAnomalyDetector(**{**params, "random_state": member_seed(self.random_state_, k)})
            m._threshold_seed = self.random_state_  # every member scores the same training rows
            members.append(m)
        workers = min(self.n_members, blas_budget() if self.n_threads is None else int(self.n_threads))
        if workers <= 1:
            self.members_ = [m.fit(X) for m in members]
        else:
            # Members are independent and the compiled kernels release the GIL, so they train side by side,
            # one BLAS thread each; a member's bits do not depend on its BLAS thread count (tested).
            with blas_threads(1), ThreadPoolExecutor(workers) as pool:
                self.members_ = list(pool.map(lambda m: m.fit(X), members))
        first = self.members_[0]
        self.gan_, self.scaler_, self.threshold_index_ = first.gan_, first.scaler_, first.threshold_index_
        train = [m.decision_scores_ for m in self.members_]
        self._member_train_scores = {self.ce_input: train}
        self.member_stats_ = member_stats(train)
        self.decision_scores_ = combine(train, self.member_stats_)
        self.timings_ = {key: sum(m.timings_[key] for m in self.members_) for key in ("train_s", "score_train_s")}

    def threshold_for(self, ce_input=None) -> float:
        """Eq. 21's threshold Gamma under either reading of Eq. 24: the (1 - contamination) quantile of
        the training scores (``threshold_rows`` of them) computed with that reading.

        ``threshold_for()`` is ``threshold_``; the other reading costs one latent search of those rows
        (per member).
        """
        self._check_fitted()
        ce = self._reading(ce_input)
        if ce == self.ce_input:
            return self.threshold_
        if self.n_members > 1:
            train = self._members_train(ce)
            scores = combine(train, member_stats(train))
        else:
            scores = self._score_scaled(self._threshold_rows_scaled, ce)
        return float(np.quantile(scores, 1.0 - self.contamination))

    def _members_train(self, ce):
        """Each member's training scores under reading ``ce`` (computed once)."""
        if ce not in self._member_train_scores:
            self._member_train_scores[ce] = [m._score_scaled(m._threshold_rows_scaled, ce) for m in self.members_]
        return self._member_train_scores[ce]

    def _threshold_index(self, n):
        if self.threshold_rows is None or self.threshold_rows >= n:
            return np.arange(n)
        seed = getattr(self, "_threshold_seed", self.random_state_)
        return np.sort(np.random.default_rng([seed, 104729]).permutation(n)[:int(self.threshold_rows)])

    # -------------------------------------------------------------- scoring
    def _check_fitted(self):
        if not hasattr(self, "gan_"):
            raise NotFittedError("this GANAnomalyDetector is not fitted yet; call fit(X) first")

    def _search(self, Xs, ce_logit):
        """Residual, the discriminator term of J and H_ce(D(x)) per row (float64)."""
        G, D = self.gan_.G, self.gan_.D
        Xs = np.ascontiguousarray(Xs, dtype=np.float32)
        # z0 is a hash of the row itself: a row's score never depends on the other rows or its position.
        Z = initial_latents(Xs, G.sizes[0], self.random_state_ * 7919 + 1)
        res, hz = search_rows(G, D, Xs, Z, int(self.latent_steps), float(self.latent_lr), float(self.lam),
                              float(self.p), float(self.beta), ce_logit, threads=self.n_threads,
                              block_rows=int(self.block_rows))
        logits = logits_rows(D.spec(), Xs, np.zeros(cache_size(D.sizes, len(Xs)), D.dtype)).astype(np.float64)
        hx = np.array([cross_entropy(v, float(self.beta), ce_logit)[0] for v in logits])
        terms = {"residual": res.astype(np.float64), "h_ce_generated": hz.astype(np.float64), "h_ce_input": hx}
        if self.score == "fm":
            # Z now holds z*; f = D's last hidden layer, each row computed alone like the search.
            Gz = layer_rows(G, Z, -1).astype(np.float32)
            terms["feature_matching"] = np.abs(layer_rows(D, Xs, -2) - layer_rows(D, Gz, -2)).mean(axis=1)
        return terms

    def _terms(self, Xs, ce):
        """Eq. 23 and 25 term by term for already-scaled rows."""
        t = self._search(Xs, ce == "logit")
        disc = t["feature_matching"] if self.score == "fm" else t["h_ce_generated"]
        t["J"] = (1 - self.lam) * t["residual"] + self.lam * disc
        t["score"] = (1 - self.eta) * t["J"] + self.eta * t["h_ce_input"]
        return t

    def _check_columns(self, X):
        names = _column_names(X)
        fitted = getattr(self, "feature_names_in_", None)
        if fitted is not None and names is not None and list(names) != list(fitted):
            raise ValueError(f"X's columns {list(names)} are not those seen in fit {list(fitted)} (same names in the "
                             "same order are required)")
        if fitted is not None and names is None:  # as scikit-learn: columns in another order would pass silently
            warnings.warn(f"X has no column names, but this detector was fitted on columns {list(fitted)}: its columns "
                          "are taken in that order", UserWarning, stacklevel=3)
        return check_batch(X, self.n_features_in_, name="X")

    def score_terms(self, X, ce_input=None) -> dict:
        """The pieces of Eq. 23 and 25 per row: residual, H_ce(D(G(z))) (and the feature-matching term
        with ``score="fm"``), J, H_ce(D(x)), S.  An ensemble gives ``member_scores`` (K, n) and the
        combined ``score``."""
        self._check_fitted()
        X = self._check_columns(X)
        ce = self._reading(ce_input)
        if self.n_members > 1:
            member = np.array([m._score_scaled(m._scaled(X), ce) for m in self.members_])
            train = self._members_train(ce)
            return {"member_scores": member, "score": combine(member, member_stats(train))}
        return self._terms(self._scaled(X), ce)

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
        """Anomaly score S of Eq. 25 per row (higher = more anomalous); an ensemble's combined score."""
        return self.score_terms(X, ce_input)["score"]

    def predict(self, X):
        """Eq. 21: 1 where S > threshold_, else 0."""
        return (self.decision_function(X) > self.threshold_).astype(np.int64)

    # ----------------------------------------------------------- persistence
    def _parts(self):
        """(arrays, meta) of one fitted single detector."""
        arrays = {"G": self.gan_.G.params, "D": self.gan_.D.params, "decision_scores": self.decision_scores_,
                  "threshold_index": self.threshold_index_, "threshold_rows_scaled": self._threshold_rows_scaled}
        arrays.update({f"scaler.{k}": np.asarray(v) for k, v in vars(self.scaler_).items()})
        meta = {"params": self.get_params(), "random_state_": self.random_state_,
                "n_features_in_": self.n_features_in_, "threshold_": self.threshold_,
                "feature_names_in_": list(getattr(self, "feature_names_in_", []) or []) or None,
                "networks": self.gan_.config(), "timings_": self.timings_}
        return arrays, meta

    def save(self, path):
        """The fitted detector in one atomic, versioned ``.npz`` (the format of ``GANTrainer.save``):
        networks, scaling, training scores and threshold (each member's, for an ensemble);
        :meth:`load` gives bit-identical scores."""
        self._check_fitted()
        if self.n_members == 1:
            arrays, meta = self._parts()
        else:
            arrays, meta = {"decision_scores": self.decision_scores_, "member_stats": self.member_stats_}, {
                "params": self.get_params(), "random_state_": self.random_state_,
                "n_features_in_": self.n_features_in_, "threshold_": self.threshold_,
                "feature_names_in_": list(getattr(self, "feature_names_in_", []) or []) or None,
                "timings_": self.timings_, "members": []}
            for k, m in enumerate(self.members_):
                a, mm = m._parts()
                arrays.update({f"member{k}/{key}": v for key, v in a.items()})
                meta["members"].append(mm)
        meta.update({"format": FORMAT_VERSION, "library": "mimgan", "kind": "GANAnomalyDetector",
                     "version": __version__})
        return save_npz_atomic(path, arrays, meta)

    @classmethod
    def load(cls, path) -> "GANAnomalyDetector":
        """A detector saved by :meth:`save`; a ValueError names the file and what is wrong with it: another kind or
        version, a missing array, weights of the wrong shape or not finite, parameters that are not valid."""
        try:
            det = cls._load(path)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ValueError(f"{path} is a damaged GANAnomalyDetector file ({type(exc).__name__}: {exc})") from None
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
    def _load(cls, path):
        arrays, meta = load_npz(path)
        if meta.get("kind") != "GANAnomalyDetector":
            raise ValueError(f"{path} holds a {meta.get('kind', 'GANTrainer')!r}, not a saved GANAnomalyDetector")
        if "members" not in meta:
            return cls._from_parts(arrays, meta, path)
        det = cls(**meta["params"])
        det.members_ = []
        for k, mm in enumerate(meta["members"]):
            prefix = f"member{k}/"
            part = {key[len(prefix):]: v for key, v in arrays.items() if key.startswith(prefix)}
            det.members_.append(cls._from_parts(part, mm, path))
        first = det.members_[0]
        det.gan_, det.scaler_, det.threshold_index_ = first.gan_, first.scaler_, first.threshold_index_
        det.member_stats_ = arrays["member_stats"]
        det._member_train_scores = {det.ce_input: [m.decision_scores_ for m in det.members_]}
        det._finish_load(arrays, meta)
        return det

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
        det._member_train_scores = {}
        det._finish_load(arrays, meta)
        return det

    def _finish_load(self, arrays, meta):
        self.decision_scores_ = arrays["decision_scores"]
        self.random_state_, self.n_features_in_ = meta["random_state_"], meta["n_features_in_"]
        self.threshold_, self.timings_ = meta["threshold_"], meta["timings_"]
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        if meta.get("feature_names_in_"):
            self.feature_names_in_ = np.array(meta["feature_names_in_"], dtype=object)
