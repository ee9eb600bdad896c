"""Every notebook executes end to end (reduced budget) through nbclient, in a Jupyter kernel.

The six notebooks share one kernel (started in notebooks/, as Jupyter starts it there), with the user's
namespace reset and every figure closed between two notebooks: each still runs from an empty namespace,
so a notebook that leans on another's names fails, and the suite pays one kernel start and one import of
sympy, scipy and the library instead of six (about 15 s of CPU).
"""
import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
RESET = "import matplotlib.pyplot as _plt\n_plt.close('all')\n%reset -f"

# One test process runs them all, so they meet the one kernel.
pytestmark = pytest.mark.xdist_group("notebooks")


@pytest.fixture(scope="module")
def kernel():
    km = KernelManager(kernel_name="python3")
    env = {**os.environ, "MIMGAN_NOTEBOOK_QUICK": "1", "MPLBACKEND": "Agg"}
    km.start_kernel(cwd=str(NOTEBOOKS[0].parent), env=env)
    try:
        yield km
    finally:
        km.shutdown_kernel(now=True)


def _execute(nb, km):
    client = NotebookClient(nb, timeout=600, km=km)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    return nb


def test_notebooks_exist():
    assert len(NOTEBOOKS) == 6
    assert len({p.parent for p in NOTEBOOKS}) == 1  # the shared kernel's folder is every notebook's


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "notebooks are stored without outputs"
    first = nb.cells[0].source
    assert "Eq." in first or "Section" in first  # opens with the claim and its equation numbers
    if not kernel.is_alive():  # an earlier notebook killed it: this one still gets a kernel of its own
        kernel.restart_kernel(now=True)
    reset = _execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RESET)]), kernel)
    assert not [o for o in reset.cells[0].outputs if o.get("output_type") == "error"]
    _execute(nb, kernel)
    last_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert last_outputs, "notebook produced no output"


def test_each_notebook_starts_from_an_empty_namespace(kernel):
    """The reset between notebooks works: a name one notebook defined is gone for the next."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("left_behind = 1")])
    _execute(nb, kernel)
    _execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RESET)]), kernel)
    probe = _execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('left_behind' in dir())")]),
                     kernel)
    assert probe.cells[0].outputs[0]["text"].strip() == "False"
