import os
import subprocess
import sys

import matplotlib
import pytest

# Importing mimgan pins a relative MIMGAN_DATA to this process's folder before any test starts a notebook
# kernel, a pool worker or a subprocess in another folder.
import mimgan  # noqa: F401

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The kernels most test processes need, compiled once before the tests start, in two processes side by side
#: (float32: a detector's training, latent search and every objective's kernels; float64: the networks, the
#: training step and the search the gradient and invariance tests use).  numba caches them on disk, so the
#: test processes load them instead of each compiling the same kernels on a fresh checkout (both test
#: processes, and every pool worker and notebook kernel started before the cache is written, compiled them).
#: Measured on a cold cache beside a 2-worker sweep: 6 min 32 s -> 5 min 57 s wall, 29 s less CPU.  pytest's
#: own "in N s" starts after this warm-up; the wall clock of the test command includes it.
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


def pytest_configure(config):
    """Under pytest-xdist, the controller compiles :data:`WARM_UP` before it starts the test processes."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    procs = {name: subprocess.Popen([sys.executable, "-c", code]) for name, code in WARM_UP.items()}
    for name, p in procs.items():
        try:
            rc = p.wait(timeout=600)
        except subprocess.TimeoutExpired:  # the tests compile what they need themselves
            p.kill()
            rc = p.wait()
        if rc != 0:  # the tests still run (and compile for themselves); a broken warm-up should be seen
            config.issue_config_time_warning(
                pytest.PytestConfigWarning(f"the {name} kernel warm-up exited with {rc}; see its traceback above"),
                stacklevel=2)
