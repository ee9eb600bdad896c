"""The package's shape: one ``mimgan`` namespace, no import cycles, every family list from the registry,
and a relative ``MIMGAN_DATA`` that means the folder the user ran the command in."""
import argparse
import ast
import functools
import os
import sys
import tomllib
from pathlib import Path

import processes
import pytest

import mimgan
from mimgan.experiments import cli
from mimgan.experiments.datasets import data_dir
from mimgan.experiments.stages import STAGES
from mimgan.nn import reference
from mimgan.nn.objectives import LABELS, PAPER_FAMILIES, REGISTRY
from mimgan.theory import theory_kind

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("theory", "nn", "experiments")


def _modules():
    """{dotted name: source path} of every module of the checkout, as installed under ``mimgan``."""
    out = {"mimgan": ROOT / "__init__.py"}
    out.update({f"mimgan.{p.stem}": p for p in ROOT.glob("*.py") if p.name != "__init__.py"})
    for sub in SUBPACKAGES:
        for path in sorted((ROOT / sub).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(("mimgan",) + parts)] = path
    return out


def _resolve(module, is_pkg, node):
    """Absolute target of an import statement inside ``module`` (None for outside imports)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "mimgan"]
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    if node.level:
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "mimgan":
        return []
    return [target] + [f"{target}.{a.name}" for a in node.names]


@functools.lru_cache(maxsize=None)
def _import_graph():
    """Module-level and function-level edges between mimgan modules (from the source, not by importing)."""
    mods = _modules()
    top, inner = {m: set() for m in mods}, {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text())
        is_pkg = path.name == "__init__.py"
        module_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for t in _resolve(name, is_pkg, node):
                    if t in mods and t != name:
                        (top if id(node) in module_level else inner)[name].add(t)
    return top, inner


def test_pyproject_lists_every_package():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert cfg["package-dir"] == {"mimgan": "."}
    folders = {"mimgan"} | {"mimgan." + ".".join(p.parent.relative_to(ROOT).parts)
                            for sub in SUBPACKAGES for p in (ROOT / sub).rglob("__init__.py")}
    assert set(cfg["packages"]) == folders


def test_no_import_cycles():
    top, _ = _import_graph()
    # A package's __init__ importing its own submodules is not a cycle; a submodule importing a sibling
    # through the package __init__ is resolved to the package, so edges to one's own ancestors are dropped.
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in top.items()}
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(t):] + [t]))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_function_level_imports_are_few_and_not_cycle_dodges():
    """Three mimgan imports are deferred into a function: the executors' BLAS limiter, which a pool worker must
    import after its initializer capped the thread counts; the compiled batch losses, which a configured
    objective loads only when it computes a loss (so the theory loads no compiled training code); and the
    theory checks, which the CLI loads only for `mimgan verify` (half its start-up time otherwise)."""
    _, inner = _import_graph()
    deferred = {(m, t) for m, ts in inner.items() for t in ts}
    assert deferred <= {("mimgan.experiments.runs.executors", "mimgan.nn.blas"),
                        ("mimgan.nn.objectives.configured", "mimgan.nn.objectives"),
                        ("mimgan.nn.objectives.configured", "mimgan.nn.objectives.dispatch"),
                        ("mimgan.experiments.cli", "mimgan.theory.checks"),
                        ("mimgan.experiments.cli", "mimgan.theory.checks.lab"),
                        ("mimgan.experiments.cli", "mimgan.theory.report")}, deferred


def _layer(module):
    parts = module.split(".")
    if parts[1:3] == ["nn", "objectives"]:
        return "nn.objectives"
    # the root package and its own modules (mimgan.files: atomic writes) are shared by every layer
    return parts[1] if len(parts) > 1 and parts[1] in SUBPACKAGES else "mimgan"


#: layer -> the layers it may import (besides itself and the root package's constants)
ALLOWED_LAYERS = {"theory": {"nn.objectives", "nn"}, "nn.objectives": {"nn"}, "nn": {"nn.objectives"},
                  "experiments": {"theory", "nn", "nn.objectives"}}


def test_layers_theory_uses_only_objective_definitions_nn_uses_neither_theory_nor_experiments():
    """theory -> nn.objectives only (and nn's lazy package, plus the jit decorator the objective modules use);
    nn -> neither theory nor experiments; experiments -> both."""
    top, inner = _import_graph()
    bad = []
    for m in top:
        layer = _layer(m)
        for t in top[m] | inner[m]:
            tl = _layer(t)
            if tl in (layer, "mimgan") or m.startswith(t + "."):
                continue
            if tl not in ALLOWED_LAYERS.get(layer, set()):
                bad.append((m, t))
            elif layer == "theory" and tl == "nn" and t not in ("mimgan.nn", "mimgan.nn.jit"):
                bad.append((m, t))  # theory may reach nn only through nn.objectives
    assert not bad, bad


@pytest.fixture(scope="module")
def fresh_interpreter():
    """One fresh interpreter (an interpreter start and the imports cost ~2.5 s of CPU): it loads the theory and
    the objectives and prints which compiled-training modules came with them, then imports every module of
    the package and prints "ok"."""
    code = ("import importlib, sys, mimgan.theory, mimgan.theory.checks, mimgan.nn.objectives\n"
            "from mimgan.theory import objective\n"
            "objective('mim:omega=3').d_star\n"
            "print(sorted(m for m in sys.modules if m.startswith('mimgan.nn.') and not m.startswith('mimgan.nn.objectives')))\n"
            "for n in sys.argv[1:]:\n    importlib.import_module(n)\nprint('ok')")
    out = processes.run([sys.executable, "-c", code, *sorted(_modules())], timeout=300, cwd=Path.home())
    lines = out.stdout.strip().splitlines()
    return out.returncode, lines, out.stderr


@pytest.mark.xdist_group("fresh_interpreter")
def test_theory_and_objectives_load_no_trainer(fresh_interpreter):
    rc, lines, err = fresh_interpreter
    assert lines, err
    loaded = eval(lines[0])
    assert loaded == ["mimgan.nn.jit"], loaded


@pytest.mark.xdist_group("fresh_interpreter")
def test_every_module_imports_in_a_fresh_interpreter(fresh_interpreter):
    rc, lines, err = fresh_interpreter
    assert rc == 0 and lines[-1:] == ["ok"], err


def test_the_command_line_and_the_detectors_start_without_the_theorys_libraries():
    """``mimgan``'s start-up (every command) and a detector's import leave sympy, the theory, SciPy's statistics
    and pyplot unloaded: together about half a second of each command's start."""
    code = ("import sys, mimgan.experiments.cli, mimgan.experiments.anomaly, mimgan.nn.objectives\n"
            "print(sorted(m for m in ('sympy', 'mimgan.theory', 'scipy.stats', 'matplotlib.pyplot') if m in sys.modules))")
    out = processes.run([sys.executable, "-c", code], timeout=120, cwd=Path.home())
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


def test_no_top_level_nn_theory_or_experiments():
    """Outside the checkout only the ``mimgan`` namespace exists."""
    code = ("import importlib.util as u\n"
            "print([n for n in ('nn', 'theory', 'experiments') if u.find_spec(n) is not None])")
    out = processes.run([sys.executable, "-c", code], timeout=120, cwd=Path.home())
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


def test_installed_package_is_the_one_under_test():
    """CI runs the suite a second time against a non-editable install (``MIMGAN_EXPECT_INSTALLED=1``)."""
    location = Path(mimgan.__file__).resolve().parent
    if os.environ.get("MIMGAN_EXPECT_INSTALLED") == "1":
        assert "site-packages" in location.parts and location != ROOT, location
    else:
        assert location == ROOT, location


def test_the_console_script_runs():
    """The ``mimgan`` entry point installed beside this interpreter (the README's first command uses it)."""
    script = Path(sys.executable).parent / "mimgan"
    assert script.exists(), f"no console script at {script}: is the package installed (pip install -e .)?"
    out = processes.run([str(script), "data", "list"], timeout=120, cwd=Path.home())
    assert out.returncode == 0, out.stderr
    assert "cardio" in out.stdout and "mnist" in out.stdout


def test_public_api():
    from mimgan import GANAnomalyDetector, GANTrainer, MLP, get_objective, verify  # noqa: F401
    assert mimgan.__version__ == mimgan.nn.__version__
    assert mimgan.theory.OBJECTIVES and callable(verify)
    with pytest.raises(AttributeError, match="no attribute 'Detector'"):
        mimgan.Detector  # noqa: B018


def test_every_family_list_derives_from_the_registry():
    for name, fam in REGISTRY.items():
        assert fam.title, name
        kind = theory_kind(name)
        assert kind in mimgan.theory.OBJECTIVES, f"{name}: no theory objective {kind!r}"
        d_loss, g_loss = reference.losses(name, {})  # a reference implementation exists
        assert callable(d_loss) and callable(g_loss)
    assert PAPER_FAMILIES == ("mim", "gan", "lsgan", "wgan") and set(LABELS) == set(REGISTRY)
    for stage in STAGES.values():
        assert getattr(stage, "GANS", PAPER_FAMILIES) == PAPER_FAMILIES
    parser = cli.build_parser()
    train = next(a for a in parser._subparsers._group_actions[0].choices["train"]._actions if a.dest == "gan")
    assert all(train.type(name) == name for name in REGISTRY)
    with pytest.raises(argparse.ArgumentTypeError, match="unknown GAN objective"):
        train.type("vae")
    # No module of experiments/ spells out a list of families again.
    names = set(REGISTRY)
    for path in (ROOT / "experiments").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                consts = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                assert len(consts & names) < 3, f"{path.relative_to(ROOT)}:{node.lineno} lists GAN families"


def test_relative_data_dir_is_pinned_at_import(tmp_path):
    rel = os.path.relpath(data_dir(), tmp_path)
    code = "import os, mimgan; print(os.environ['MIMGAN_DATA'])"
    out = processes.run([sys.executable, "-c", code], timeout=120, cwd=tmp_path,
                        env={**os.environ, "MIMGAN_DATA": rel})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == os.path.abspath(tmp_path / rel)


def test_notebook_and_local_detection_with_a_relative_data_dir_from_the_repository_root(tmp_path):
    """The README's test command gives ``MIMGAN_DATA=../shared/data``: a notebook kernel (which runs in
    notebooks/) and the local pool's workers must read the folder meant from the root."""
    env = {**os.environ, "MIMGAN_DATA": os.path.relpath(data_dir(), ROOT)}
    # As the test process does: import mimgan (conftest), then start a kernel in notebooks/ and ask it there.
    nb = processes.run([sys.executable, "-c", """
import mimgan, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "from mimgan.experiments.datasets import data_dir; import os; print(os.getcwd()); print(data_dir())")])
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "notebooks"}}).execute()
print(nb.cells[0].outputs[0]["text"], end="")
"""], cwd=ROOT, env=env, timeout=900)
    assert nb.returncode == 0, nb.stdout[-3000:] + nb.stderr[-3000:]
    kernel_cwd, kernel_data = nb.stdout.strip().splitlines()[-2:]
    assert Path(kernel_cwd).resolve() == (ROOT / "notebooks").resolve()  # where a relative path would go wrong
    assert Path(kernel_data).resolve() == data_dir().resolve()
    out = tmp_path / "out"
    det = processes.run([sys.executable, "-m", "mimgan.experiments.cli", "detect", "--dataset", "cardio",
                         "--gan", "mim", "--runs", "2", "--n-iter", "20", "--latent-steps", "3", "--executor",
                         "local", "--workers", "1", "--out", str(out), "--quiet"],
                        cwd=ROOT, env=env, timeout=900)
    assert det.returncode == 0, det.stderr
    import json
    records = [json.loads(p.read_text()) for p in (out / "detect" / "runs").rglob("*.json")]
    assert len(records) == 2
    # every worker read the folder meant, given as an absolute path
    assert all(Path(r["data_dir"]).is_absolute() for r in records)
    assert {Path(r["data_dir"]).resolve() for r in records} == {data_dir().resolve()}


def test_every_stage_satisfies_the_stage_protocol_with_the_same_split():
    import inspect

    from mimgan.experiments.stages.base import Stage
    for name, stage in STAGES.items():
        assert isinstance(stage, Stage), name
        for fn in ("groups", "run", "run_name", "group_of", "summarise", "report", "defaults"):
            assert inspect.isfunction(getattr(stage, fn)), (name, fn)
        params = list(inspect.signature(stage.run).parameters)
        assert params[:2] == [params[0], "data_dir"] and params[0] in ("cfg", "config"), (name, params)
        assert list(inspect.signature(stage.summarise).parameters) == ["root", "label", "records"], name
        assert list(inspect.signature(stage.report).parameters) == ["doc", "out", "groups"], name


def test_no_stage_imports_another_stages_private_names():
    top, inner = _import_graph()
    for path in (ROOT / "experiments" / "stages").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level:
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, (path.name, node.module, private)


def _links(path):
    import re
    return [m for m in re.findall(r"\]\(([^)#\s]+)\)", path.read_text()) if "://" not in m]


def test_the_readme_is_a_short_front_door_linking_every_docs_page():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README not beside the tests (installed-package run)")
    text = readme.read_text()
    assert len(text.splitlines()) <= 200
    first = text.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first[0].startswith("pip install -e . && mimgan reproduce --quick")
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = ci.split("TEST_CMD='", 1)[1].split("'", 1)[0]
    assert first[1].startswith(test_cmd), "the README's second command must be CI's test command"
    linked = {(ROOT / link).resolve() for link in _links(readme)}
    pages = {p.resolve() for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, sorted(str(p) for p in pages - linked)


def test_every_relative_link_of_the_readme_and_docs_resolves():
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")]
    if not files[0].exists():
        pytest.skip("README not beside the tests (installed-package run)")
    broken = [(f.name, link) for f in files if f.exists() for link in _links(f)
              if not (f.parent / link).exists()]
    assert not broken, broken


def test_the_tests_asserts_are_still_rewritten_and_hypothesis_is_not():
    """conftest imports hypothesis past pytest's assertion rewriting; the tests' own asserts keep theirs."""
    import hypothesis

    left, right = 1, 2
    with pytest.raises(AssertionError) as err:
        assert left == right
    assert "assert 1 == 2" in str(err.value)  # pytest's introspection: this module was rewritten
    assert not hasattr(sys.modules[hypothesis.__name__], "@py_builtins")  # hypothesis was not
