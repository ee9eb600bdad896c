"""``mimgan reproduce`` end to end on a tiny budget: every report section, resume without recomputation,
an offline dataset skipped with its reason, and ``mimgan report`` redrawing from the store alone."""
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mimgan.experiments import reproduce as rp
from mimgan.experiments.stages import budgets
from mimgan.experiments import cli
from mimgan.experiments.cli import main
from mimgan.experiments.datasets import data_dir
from mimgan.experiments.datasets.registry import DATASETS
from mimgan.experiments.report import SECTIONS, build_report

TINY = {
    "theory": {},
    "fig1": {"seeds": 1, "batch": 200, "phase2_iters": 20, "hidden": 8, "eval_every": 100, "n_eval": 500},
    "rare-events": {"seeds": 1, "iters": 40, "p_values": (0.1,), "dims": (1,)},
    "detect": {
        "cardio": {"seeds": 2, "n_iter": 40, "latent_steps": 10},
        "mnist": {"seeds": 1, "digits": (0,), "n_iter": 10, "latent_steps": 3, "threshold_rows": 100},
    },
    "benchmark": {"cardio": {"seeds": 2}},
}


@pytest.fixture()
def tiny_budget(monkeypatch):
    monkeypatch.setitem(budgets.BUDGETS, "quick", TINY)


@pytest.fixture()
def offline_data(tmp_path, monkeypatch):
    """A data folder with only cardio; MNIST's download address is a closed local port."""
    root = tmp_path / "data"
    (root / "odds").mkdir(parents=True)
    shutil.copy(data_dir() / "odds" / "cardio.mat", root / "odds" / "cardio.mat")
    files = [replace(f, url=f"http://127.0.0.1:1/{f.relpath}") for f in DATASETS["mnist"]["files"]]
    monkeypatch.setitem(DATASETS, "mnist", {**DATASETS["mnist"], "files": files})
    return root


def _run_files(out: Path):
    return {p: p.stat().st_mtime_ns for p in out.rglob("runs/**/*.json")}


@pytest.mark.xdist_group("theory")  # every theory check (run_all): computed once per process
def test_reproduce_writes_every_section_resumes_and_skips_offline_data(tmp_path, tiny_budget, offline_data,
                                                                         capsys):
    out = tmp_path / "r"
    args = ["reproduce", "--quick", "--out", str(out), "--executor", "serial", "--data-dir", str(offline_data),
            "--quiet"]
    assert main(args) == 0
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    for section in SECTIONS:
        assert f"## {section}" in md, section
        assert f"<h2>{section}</h2>" in html, section
    log = json.loads((out / "reproduce.json").read_text())
    assert log["stages"]["fig1"]["computed"] == 12 and log["stages"]["rare-events"]["computed"] == 4
    assert log["stages"]["detect"]["computed"] == 8  # cardio: 4 GANs x 2 seeds
    assert "mnist" in log["stages"]["detect"]["skipped"]
    assert "mnist: " in md.split("## Skipped parts")[1].split("##")[0]
    assert "### cardio" in md
    # the comparison's baseline is the one the benchmark stage measured on the same splits, not a typed-in number
    assert log["stages"]["benchmark"]["computed"] == 12  # 6 classical detectors x 2 seeds
    bench = json.loads((out / "benchmark" / "cardio_summary.json").read_text())
    best = max((r for r in bench["table"] if r["kind"] == "classical"), key=lambda r: r["auc_mean"])
    comparison = md.split("## Comparison with published numbers")[1].split("##")[0]
    assert f"{best['label']} {best['auc_mean']:.3f} (2 seeds)" in comparison
    # Section IV's claims are judged from the stored runs: too few seeds at this budget
    claims = md.split("## Claims of Section IV")[1].split("\n## ")[0]
    assert "Fig. 3: MIM is better on cardio" in claims and "Section III: MIM generates rare events" in claims
    assert claims.count("**inconclusive**") == 5 and "**reproduced**" not in claims
    capsys.readouterr()
    cli.print_claims(out)
    assert "[inconclusive] Fig. 1: MIM converges fastest" in capsys.readouterr().out
    for fig in ("fig1/fig1.png", "rare-events/rare_events.png", "detect/cardio_figure.png"):
        assert f"]({fig})" in md and (out / fig).stat().st_size > 1000
    assert not list(out.rglob("*.pdf"))  # PDFs only with --pdf

    # The plan sees every stored run; MNIST is in the budget but skipped (offline).
    capsys.readouterr()
    assert main(args + ["--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "detect cardio" in printed and "8 stored,     0 to compute" in printed
    assert "detect mnist_digit0        4 runs,     0 stored,     4 to compute" in printed

    # A rerun finds every run in the store and computes nothing.
    before = _run_files(out)
    figure = out / "detect" / "cardio_figure.png"
    drawn = figure.stat().st_mtime_ns
    assert main(args) == 0
    log = json.loads((out / "reproduce.json").read_text())
    assert all(s["computed"] == 0 for s in log["stages"].values())
    assert _run_files(out) == before
    assert figure.stat().st_mtime_ns == drawn  # records read back from the store draw what the computed ones drew

    # Interrupted: remove two finished runs; only those two are recomputed.
    lost = sorted((out / "detect" / "runs").rglob("*.json"))[:2]
    for p in lost:
        p.unlink()
    assert main(args) == 0
    log = json.loads((out / "reproduce.json").read_text())
    assert log["stages"]["detect"]["computed"] == 2
    assert sum(s["computed"] for s in log["stages"].values()) == 2
    assert [i["computed"] for i in log["invocations"]] == [37, 0, 2]  # theory 1 + fig1 12 + rare 4 + cardio 8 + baselines 12
    assert figure.stat().st_mtime_ns == drawn  # the two runs computed again gave the same curves
    assert "filled by 3 invocations" in (out / "report.md").read_text()
    capsys.readouterr()

    # The report is rebuilt from the store alone: same tables, no run recomputed.
    before = _run_files(out)
    md = (out / "report.md").read_text()
    for p in [out / "report.md", out / "report.html", out / "detect" / "cardio_figure.png"]:
        p.unlink()
    assert main(["report", str(out)]) == 0
    assert _run_files(out) == before
    assert (out / "report.md").read_text() == md
    assert (out / "detect" / "cardio_figure.png").exists()

    # Restricting the datasets is recorded, and the report says what was left out.
    assert main(args + ["--datasets", "cardio"]) == 0
    assert "- mnist: not requested (--datasets)" in (out / "report.md").read_text()


def test_report_of_a_detect_folder_and_errors(tmp_path, capsys):
    out = tmp_path / "d"
    assert main(["detect", "--dataset", "cardio", "--gan", "mim,gan", "--runs", "2", "--n-iter", "30",
                 "--latent-steps", "5", "--out", str(out), "--quiet"]) == 0
    res = build_report(out)
    md = res["markdown"].read_text()
    assert "No `reproduce.json` here" in md and "### cardio" in md
    assert "vs gan: too few paired seeds (2)" in md
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "no results folder" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown stage"):
        rp.reproduce_all(tmp_path / "x", stages=("figure9",))
    assert not (tmp_path / "x").exists()  # settings are checked before anything is written
    assert main(["reproduce", "detect", "--option", "iters=5", "--out", str(tmp_path / "y")]) == 2
    groups = rp.stage_groups("detect", quick=False, datasets=["mnist"], mnist_digits=[3, 5])
    assert [g.label for g in groups] == ["mnist_digit3", "mnist_digit5"]
    assert {c["digit"] for c in groups[1].configs} == {5} and len(groups[1].configs) == 40
    with pytest.raises(ValueError, match="unknown detection dataset"):
        rp.stage_groups("detect", datasets=["cifar"])
    with pytest.raises(ValueError, match="digits are 0-9"):
        rp.stage_groups("detect", mnist_digits=[10])


def test_document_renders_the_same_blocks_to_markdown_and_escaped_html():
    from mimgan.experiments.report.document import Document
    d = Document("T <1>").heading("A & B").para("use `x<y` and **bold**").table(["a|b", "c"], [[1, "<i>"]])
    d.figure("f.png", "cap").bullets(["one"]).pre("x < 1")
    md, html = d.to_markdown(), d.to_html()
    assert "| a\\|b | c |" in md and "![cap](f.png)" in md and "```\nx < 1\n```" in md
    assert "<code>x&lt;y</code>" in html and "<strong>bold</strong>" in html and "<td>&lt;i&gt;</td>" in html
    assert "<h1>T &lt;1&gt;</h1>" in html and "<pre>x &lt; 1</pre>" in html
    assert d.section_names() == ["A & B"]
    with pytest.raises(ValueError, match="2 cells"):
        d.table(["a"], [[1, 2]])


def test_ctrl_c_is_a_clean_exit_that_says_how_to_resume(tmp_path, monkeypatch, capsys):
    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "reproduce_all", interrupted)
    assert main(["reproduce", "--quick", "--out", str(tmp_path), "--executor", "serial"]) == 130
    assert "run the same command again" in capsys.readouterr().err


def test_user_errors_are_one_line_before_any_run(tmp_path, capsys):
    afile = tmp_path / "a_file"
    afile.write_text("x")
    base = ["detect", "--dataset", "cardio", "--gan", "mim", "--runs", "1", "--iterations", "5", "--latent-steps",
            "1", "--quiet"]
    cases = [
        (base + ["--out", str(afile)], "is not a folder"),
        (base + ["--out", str(afile / "sub")], "Not a directory"),
        (["detect", "--dataset", "cardio", "--gan", "", "--out", str(tmp_path)], "no GAN given"),
        (["detect", "--dataset", "cardio", "--runs", "0", "--out", str(tmp_path)], "no seeds"),
        (["detect", "--dataset", "cardio", "--runs", "-3", "--out", str(tmp_path)], "no seeds"),
        (["detect", "--dataset", str(tmp_path / "none.mat"), "--out", str(tmp_path)], "no such data file"),
        (["report", str(tmp_path / "empty")], "no results folder"),
        (["reproduce", "--seeds", "0", "--dry-run", "--out", str(tmp_path)], "positive integer"),
    ]
    (tmp_path / "empty2").mkdir()
    cases.append((["report", str(tmp_path / "empty2")], "holds no mimgan runs"))
    for args, message in cases:
        capsys.readouterr()
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (args, err)
        assert err.count("\n") == 1, err
    assert not (afile.parent / "detect").exists()


def test_a_later_invocation_extends_the_plan_group_by_group():
    """One results folder holds ODDS at the full budget and MNIST digits added later: each group keeps the
    run ids (and budget) of the last invocation that ran it."""
    before = {"ids": {"cardio": ["a"], "mnist_digit0": ["b"]}, "modes": {"cardio": "full", "mnist_digit0": "quick"}}
    res = {"ids": {"mnist_digit0": ["c"], "mnist_digit1": ["d"]}, "computed": 2, "total": 2, "seconds": 1.0,
           "skipped": {}}
    merged = rp.merge_stage(before, res, "full")
    assert merged["ids"] == {"cardio": ["a"], "mnist_digit0": ["c"], "mnist_digit1": ["d"]}
    assert merged["modes"] == {"cardio": "full", "mnist_digit0": "full", "mnist_digit1": "full"}
    assert rp.merge_stage(None, res, "quick")["ids"] == res["ids"]


def test_a_sweep_stopped_part_way_is_reported_with_the_runs_it_finished(tmp_path, tiny_budget, monkeypatch):
    """A long sweep ends with its session: the plan is on record before the stage runs, so the report (and the
    claims) see every run finished before the stop, and a rerun computes only the rest."""
    from mimgan.experiments.report.builder import load_records
    from mimgan.experiments.stages import get_stage

    stage = get_stage("rare-events")
    real, calls = stage.run, []

    def stopped_at_the_third(config, **kw):
        calls.append(config)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(config, **kw)

    monkeypatch.setattr(stage, "run", stopped_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        rp.reproduce_all(tmp_path, quick=True, stages=("rare-events",), progress=False, report=False)
    log = json.loads((tmp_path / "reproduce.json").read_text())
    (ids,) = log["stages"]["rare-events"]["ids"].values()
    assert len(ids) == 4  # 4 GANs x 1 seed planned
    (records,) = load_records(tmp_path)["rare-events"].values()
    assert len(records) == 2 and {r["id"] for r in records} < set(ids)
    (inv,) = log["invocations"]  # what the stopped invocation finished is on record, for the docs' provenance
    assert inv["computed"] == 2 and inv["interrupted"] == "rare-events" and inv["wall_seconds"] > 0
    monkeypatch.setattr(stage, "run", real)
    res = rp.reproduce_all(tmp_path, quick=True, stages=("rare-events",), progress=False, report=False)
    assert res["log"]["stages"]["rare-events"]["computed"] == 2
    (records,) = load_records(tmp_path)["rare-events"].values()
    assert len(records) == 4
