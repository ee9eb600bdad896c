import gc
import importlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _import_without_assertion_rewriting(*names):
    """Import ``names`` past pytest's assertion-rewriting import hook.

    pytest rewrites the asserts of every module of a distribution that provides a pytest plugin; for hypothesis
    that is the whole library (~100 modules), rewritten in every process of every run because
    ``PYTHONDONTWRITEBYTECODE`` (set on our machines) keeps pytest from caching them.  That is ~1 s of CPU per
    test process, and 1 s at the end of each run, when hypothesis's plugin imports it in the controller.  Its
    asserts are hypothesis's own, not our tests': nothing is lost.
    """
    hooks = [h for h in sys.meta_path if type(h).__module__ == "_pytest.assertion.rewrite"]
    for h in hooks:
        sys.meta_path.remove(h)
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        sys.meta_path[:0] = hooks


_import_without_assertion_rewriting("hypothesis", "hypothesis.strategies", "hypothesis.internal.observability")

import matplotlib  # noqa: E402

# Importing mimgan pins a relative MIMGAN_DATA to this process's folder before any test starts a notebook
# kernel, a pool worker or a subprocess in another folder.
import mimgan  # noqa: F401,E402

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The kernels most test processes need, compiled before the tests start, by the test processes themselves
#: side by side (float32: a detector's training and latent search; float64: the networks, the training step
#: and the search the gradient and invariance tests use, and every objective's loss kernels).  numba caches them on
#: disk, so every other process loads them instead of compiling the same kernels on a fresh checkout (both
#: test processes, and every pool worker and notebook kernel started before the cache is written, compiled
#: them).  Each test process collects the suite, compiles its share, then waits for the others' before its
#: first test (:func:`pytest_collection_finish`).  Measured on a cold cache against two warm-up processes
#: started beside the test processes' collection: 146-148 s -> 118-138 s wall, 17-52 s less CPU (four
#: processes on two cores had slowed the compilation).  pytest's own "in N s" includes the warm-up.
WARM_UP = {
    "float32": """
import numpy as np
from mimgan.experiments.anomaly import GANAnomalyDetector
X = np.random.default_rng(0).standard_normal((40, 3))
GANAnomalyDetector(n_iter=2, latent_steps=2, hidden=4, latent_dim=2, random_state=0).fit(X).decision_function(X)
""",
    "float64": """
import numpy as np
from mimgan.nn import MLP, GANTrainer
from mimgan.nn.latent_search import search_rows
rng = np.random.default_rng(0)
G = MLP([2, 4, 3], output="tanh", dtype=np.float64, seed=1)
D = MLP([3, 4, 1], output="linear", dtype=np.float64, seed=2)
X = rng.uniform(-1, 1, (20, 3))
GANTrainer(G, D, batch_size=4, seed=0).fit(X, 2)
D.forward(X)
D.backward(np.ones((20, 1)))
search_rows(G, D, X, rng.standard_normal((20, 2)), 2)
# every objective's loss kernels (dtype-free): here, so that the two sets take about as long (~22 s each)
from mimgan.nn.objectives import REGISTRY
from mimgan.nn.objectives.dispatch import loss_functions
for fam in REGISTRY.values():
    loss_functions(fam.module)
""",
}


#: Environment variable naming the folder (made by the controller) where the test processes record each
#: warm-up's outcome.
WARM_UP_DIR = "MIMGAN_TEST_WARM_UP_DIR"
#: Seconds a test process waits for the warm-up before it compiles what it needs itself.
WARM_UP_TIMEOUT = 600


def pytest_configure(config):
    """Under pytest-xdist, the controller makes the folder where the test processes record the warm-ups."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    folder = tempfile.mkdtemp(prefix="mimgan-warm-up-")
    os.environ[WARM_UP_DIR] = folder  # the test processes start after this and inherit it
    config._mimgan_warm_up = folder


def pytest_collection_finish(session):
    """A test process, its tests collected, compiles its share of :data:`WARM_UP` (test process i the sets
    i, i + n, ...), then waits until every set is compiled (its kernels are on disk)."""
    folder = os.environ.get(WARM_UP_DIR)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if folder and hasattr(session.config, "workerinput") and worker.startswith("gw"):
        # The compiler makes millions of short-lived objects; with the collector on, each of its full
        # collections walked everything collection had imported too.  Frozen and paused, the warm-up's
        # collections went from ~1.8 s to ~0.45 s of CPU (float32 set, one process, sympy & co. imported).
        gc.freeze()
        gc.disable()
        try:
            _warm_up(folder, worker)
        finally:
            gc.enable()
    # What exists now (the libraries the tests import, the compiled kernels) lives until the process exits:
    # frozen, it is left out of every later full garbage collection (a test process makes ~20 of them, 0.15-0.2 s
    # each, walking a heap of sympy, numba and matplotlib objects) and out of pytest's five at exit.  Measured
    # on the whole suite: those collections 2.98 + 4.29 -> 2.3 + 3.39 s, and the test processes' exit 3 -> 1.2 s.
    gc.freeze()
    # A full collection once per 50 middle ones instead of 10: after the freeze few objects are long-lived, so
    # CPython's 25 % rule no longer spaces them out.  Warm suite: 2.46 + 2.88 -> 2.2 + 1.67 s of collections.
    gc.set_threshold(700, 10, 50)


def _warm_up(folder, worker):
    i, n = int(worker[2:]), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for name in sorted(WARM_UP)[i::n]:
        try:
            exec(compile(WARM_UP[name], f"<warm-up {name}>", "exec"), {})
            outcome = "ok"
        except Exception:  # the tests still run, and compile what they need themselves
            import traceback
            outcome = traceback.format_exc()
        try:
            Path(folder, f"{name}.tmp").write_text(outcome)
            os.replace(Path(folder, f"{name}.tmp"), Path(folder, f"{name}.done"))
        except OSError:  # the session ended first (^C) and removed the folder
            pass
    deadline = time.monotonic() + WARM_UP_TIMEOUT
    while time.monotonic() < deadline and not all(Path(folder, f"{k}.done").exists() for k in WARM_UP):
        time.sleep(0.05)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A broken warm-up should be seen (the tests still ran)."""
    folder = getattr(config, "_mimgan_warm_up", None)
    for name in sorted(WARM_UP) if folder else ():
        try:
            outcome = Path(folder, f"{name}.done").read_text()
        except OSError:
            outcome = "did not finish"
        if outcome != "ok":
            terminalreporter.write_line(f"warning: the {name} kernel warm-up failed: {outcome}", yellow=True)


def pytest_unconfigure(config):
    if getattr(config, "_mimgan_warm_up", None) is not None and WARM_UP_DIR in os.environ:
        shutil.rmtree(os.environ.pop(WARM_UP_DIR), ignore_errors=True)
