import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import matplotlib
import pytest

# Importing mimgan pins a relative MIMGAN_DATA to this process's folder before any test starts a notebook
# kernel, a pool worker or a subprocess in another folder.
import mimgan  # noqa: F401

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The kernels most test processes need, compiled before the tests start, in two processes side by side
#: (float32: a detector's training, latent search and every objective's kernels; float64: the networks, the
#: training step and the search the gradient and invariance tests use).  numba caches them on disk, so the
#: test processes load them instead of each compiling the same kernels on a fresh checkout (both test
#: processes, and every pool worker and notebook kernel started before the cache is written, compiled them).
#: Measured on a cold cache beside a 2-worker sweep: 6 min 32 s -> 5 min 57 s wall, 29 s less CPU.  The test
#: processes start beside the warm-up and collect the tests meanwhile (~8 s of CPU each); each waits for the
#: warm-up before its first test.  pytest's own "in N s" starts after the warm-up has started.
WARM_UP = {
    "float32": """
import numpy as np
from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.nn.objectives import REGISTRY
from mimgan.nn.objectives.dispatch import loss_functions
X = np.random.default_rng(0).standard_normal((40, 3))
GANAnomalyDetector(n_iter=2, latent_steps=2, hidden=4, latent_dim=2, random_state=0).fit(X).decision_function(X)
for fam in REGISTRY.values():
    loss_functions(fam.module)
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
""",
}


#: Environment variable naming the folder where the controller records each warm-up's exit code.
WARM_UP_DIR = "MIMGAN_TEST_WARM_UP_DIR"
#: Seconds a test process waits for the warm-up before it compiles what it needs itself.
WARM_UP_TIMEOUT = 600


def pytest_configure(config):
    """Under pytest-xdist, the controller starts :data:`WARM_UP` before it starts the test processes; a thread
    records each warm-up's exit code in the folder the test processes inherit (:data:`WARM_UP_DIR`)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    folder = tempfile.mkdtemp(prefix="mimgan-warm-up-")
    os.environ[WARM_UP_DIR] = folder  # the test processes start after this and inherit it
    config._mimgan_warm_up = {}

    def record(name, proc):
        try:
            rc = proc.wait(timeout=WARM_UP_TIMEOUT)
        except subprocess.TimeoutExpired:  # the tests compile what they need themselves
            proc.kill()
            rc = proc.wait()
        config._mimgan_warm_up[name] = rc
        try:
            Path(folder, f"{name}.tmp").write_text(str(rc))
            os.replace(Path(folder, f"{name}.tmp"), Path(folder, f"{name}.rc"))
        except OSError:  # the session ended first (^C) and removed the folder
            pass

    for name, code in WARM_UP.items():
        proc = subprocess.Popen([sys.executable, "-c", code])
        threading.Thread(target=record, args=(name, proc), daemon=True, name=f"warm-up-{name}").start()


def pytest_collection_finish(session):
    """A test process waits here, its tests collected, until every warm-up has ended (its kernels are on disk)."""
    folder = os.environ.get(WARM_UP_DIR)
    if not folder or not hasattr(session.config, "workerinput"):
        return
    deadline = time.monotonic() + WARM_UP_TIMEOUT
    while time.monotonic() < deadline and not all(Path(folder, f"{n}.rc").exists() for n in WARM_UP):
        time.sleep(0.05)


def pytest_unconfigure(config):
    if getattr(config, "_mimgan_warm_up", None) is not None and WARM_UP_DIR in os.environ:
        shutil.rmtree(os.environ.pop(WARM_UP_DIR), ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The tests still run (and compile for themselves) after a broken warm-up; it should be seen."""
    for name, rc in getattr(config, "_mimgan_warm_up", {}).items():
        if rc != 0:
            terminalreporter.write_line(f"warning: the {name} kernel warm-up exited with {rc}; see its traceback "
                                        "above", yellow=True)
