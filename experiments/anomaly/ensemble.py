"""An ensemble of K GAN detectors trained from K seeds (:class:`GANEnsembleDetector`), and how their scores combine.

Members differ only in their seed, so their scores measure the same thing on
different scales (a GAN's residuals and cross-entropies depend on how its
training went).  Each member's score is standardised by the mean and standard
deviation of its own *training* scores, which uses no test data and no
labels, and the standardised scores are averaged: an outlier for most
members stays an outlier, one member's unlucky seed is diluted by K.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...nn.blas import blas_threads, budget as blas_budget
from ...nn.serialization import load_npz, save_npz_atomic
from .detector import FILE_TAG, LATENT_POOL, GANAnomalyDetector

#: Member k is seeded ``random_state + SEED_STRIDE * k`` (a prime, so members never share a seed with
#: the single detectors of nearby seeds 0..9 or 100..109 a benchmark also runs).
SEED_STRIDE = 7919
MAX_MEMBERS = 64


def check_members(n) -> int:
    if not (isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 1 <= n <= MAX_MEMBERS):
        raise ValueError(f"n_members must be an integer in [1, {MAX_MEMBERS}], got {n!r}")
    return int(n)


def member_seed(random_state: int, k: int) -> int:
    return int(random_state) + SEED_STRIDE * int(k)


def member_stats(train_scores) -> np.ndarray:
    """(K, 2): mean and standard deviation of each member's training scores (a zero spread counts as 1,
    so a member that scores every training row alike only shifts the sum)."""
    out = []
    for s in train_scores:
        s = np.asarray(s, dtype=np.float64)
        sd = float(s.std())
        out.append((float(s.mean()), sd if sd > 1e-12 * max(1.0, abs(float(s.mean()))) else 1.0))
    return np.array(out, dtype=np.float64)


def combine(member_scores, stats) -> np.ndarray:
    """Mean over members of (score - mean_k) / std_k; ``member_scores`` is (K, n)."""
    S = np.asarray(member_scores, dtype=np.float64)
    stats = np.asarray(stats, dtype=np.float64)
    if S.ndim != 2 or stats.shape != (S.shape[0], 2):
        raise ValueError(f"need (K, n) scores and (K, 2) statistics, got {S.shape} and {stats.shape}")
    return ((S - stats[:, :1]) / stats[:, 1:]).mean(axis=0)


class GANEnsembleDetector(GANAnomalyDetector):
    """K :class:`GANAnomalyDetector` members from the seeds ``random_state + 7919 k``, scores combined.

    Each member's score is standardised by the mean and standard deviation of its training scores (the
    rows of ``decision_scores_``) and the standardised scores are averaged, so no member dominates by its
    scale (:func:`combine`).  Members train side by side on up to ``n_threads`` threads (default: the BLAS
    thread budget, i.e. the cores this process may use), with the same bits as one after another.

    Parameters
    ----------
    n_members : int
        K, in [1, 64] (default 5).
    **params
        Every parameter of :class:`GANAnomalyDetector`, given to each member (``random_state`` seeds the first).

    Attributes
    ----------
    members_ : list of GANAnomalyDetector
    member_stats_ : ndarray (K, 2)  (mean and std of each member's training scores)
    gan_, scaler_, threshold_index_ : the first member's
    decision_scores_, threshold_, labels_, n_features_in_, timings_ : as for a single detector
    """

    def __init__(self, objective="mim", hidden=64, depth=2, latent_dim=16, n_iter=2000, batch_size=64, lr=0.001,
                 latent_steps=100, latent_lr=0.003, lam=0.1, eta=0.05, p=2.0, beta=1.0, ce_input="logit",
                 contamination=0.1, random_state=0, objective_options=None, block_rows=512, threshold_rows=None,
                 n_threads=None, progress=False, scaling="minmax", discriminator_term="ce",
                 latent_pool=LATENT_POOL, latent_restarts=1, latent_tol=None, n_members=5):
        super().__init__(objective, hidden, depth, latent_dim, n_iter, batch_size, lr, latent_steps, latent_lr, lam,
                         eta, p, beta, ce_input, contamination, random_state, objective_options, block_rows,
                         threshold_rows, n_threads, progress, scaling, discriminator_term, latent_pool,
                         latent_restarts, latent_tol)
        self.n_members = n_members

    def _validate_params(self):
        super()._validate_params()
        check_members(self.n_members)

    def _member_params(self) -> dict:
        return {k: v for k, v in self.get_params().items() if k != "n_members"}

    def fit(self, X, y=None):
        """K members fitted on X (side by side), every one scoring the same training rows; scores combined."""
        X = self._begin_fit(X)
        t0 = time.perf_counter()
        params = {**self._member_params(), "progress": False}
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
        self._adopt_first_member()
        train = [m.decision_scores_ for m in self.members_]
        self._member_train_scores = {self.ce_input: train}
        self.member_stats_ = member_stats(train)
        self._set_training_scores(combine(train, self.member_stats_))
        self.timings_ = {key: sum(m.timings_[key] for m in self.members_) for key in ("train_s", "score_train_s")}
        self.timings_["fit_s"] = time.perf_counter() - t0
        return self

    def _adopt_first_member(self):
        first = self.members_[0]
        self.gan_, self.scaler_, self.threshold_index_ = first.gan_, first.scaler_, first.threshold_index_

    def _members_train(self, ce):
        """Each member's training scores under reading ``ce`` (computed once)."""
        if ce not in self._member_train_scores:
            self._member_train_scores[ce] = [m._score_scaled(m._threshold_rows_scaled, ce) for m in self.members_]
        return self._member_train_scores[ce]

    def threshold_for(self, ce_input=None) -> float:
        """Eq. 21's threshold under either reading of Eq. 24, from the members' combined training scores."""
        self._check_fitted()
        ce = self._reading(ce_input)
        if ce == self.ce_input:
            return self.threshold_
        train = self._members_train(ce)
        return self._quantile(combine(train, member_stats(train)))

    def score_terms(self, X, ce_input=None) -> dict:
        """``member_scores`` (K, n) and the combined ``score`` per row."""
        self._check_fitted()
        X = self._check_columns(X)
        ce = self._reading(ce_input)
        member = np.array([m._score_scaled(m._scaled(X), ce) for m in self.members_])
        return {"member_scores": member, "score": combine(member, member_stats(self._members_train(ce)))}

    def save(self, path):
        """Every member's networks, scaling and training scores in one atomic ``.npz``."""
        self._check_fitted()
        arrays = {"decision_scores": self.decision_scores_, "member_stats": self.member_stats_}
        meta = {**self._meta(), "members": []}
        for k, m in enumerate(self.members_):
            a, mm = m._parts()
            arrays.update({f"member{k}/{key}": v for key, v in a.items()})
            meta["members"].append(mm)
        return save_npz_atomic(path, arrays, {**meta, **FILE_TAG})

    @classmethod
    def _load(cls, path):
        arrays, meta = cls._read(path)
        if "members" not in meta:
            raise ValueError(f"{path} holds a single GAN detector: load it with GANAnomalyDetector.load (or "
                             "experiments.anomaly.load_detector)")
        det = cls(**meta["params"])
        det.members_ = []
        for k, mm in enumerate(meta["members"]):
            prefix = f"member{k}/"
            part = {key[len(prefix):]: v for key, v in arrays.items() if key.startswith(prefix)}
            det.members_.append(GANAnomalyDetector._from_parts(part, mm, path))
        det._adopt_first_member()
        det.member_stats_ = arrays["member_stats"]
        det._member_train_scores = {det.ce_input: [m.decision_scores_ for m in det.members_]}
        det._finish_load(arrays, meta)
        return det


def make_gan_detector(objective="mim", n_members=1, **params) -> GANAnomalyDetector:
    """One GAN detector, or an ensemble when ``n_members`` > 1 (how presets and stored settings name one)."""
    if n_members == 1:
        return GANAnomalyDetector(objective=objective, **params)
    return GANEnsembleDetector(objective=objective, n_members=n_members, **params)


def recorded_params(det) -> dict:
    """A GAN detector's parameters as a run record keeps them: without the speed-only ones, with ``n_members``
    (1 for a single GAN) so every record says how many GANs scored it."""
    params = {k: v for k, v in det.get_params().items() if k not in ("progress", "n_threads", "n_members")}
    return {**params, "n_members": getattr(det, "n_members", 1)}


def load_detector(path) -> GANAnomalyDetector:
    """A saved GAN detector or ensemble, whichever the file holds (errors as :meth:`GANAnomalyDetector.load`)."""
    try:
        ensemble = "members" in load_npz(path)[1]
    except Exception:  # noqa: BLE001 - the load below names what is wrong with the file
        ensemble = False
    return (GANEnsembleDetector if ensemble else GANAnomalyDetector).load(path)
