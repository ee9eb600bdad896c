import json

import pytest

from mimgan.experiments.cli import main


@pytest.mark.xdist_group("theory")  # every theory check (run_all): computed once per process
def test_mimgan_verify_json_and_markdown(tmp_path, capsys):
    js, md = tmp_path / "v.json", tmp_path / "v.md"
    assert main(["verify", "--quiet", "--json", str(js), "--markdown", str(md)]) == 0
    out = capsys.readouterr().out
    data = json.loads(js.read_text())
    checks = data["checks"]
    assert {c["item"] for c in checks} == set(range(1, 10))  # 9: the objective lab, beyond the paper
    for c in checks:
        assert {"id", "claim", "verdict", "evidence"} <= set(c)
        assert c["verdict"] in ("holds", "holds with erratum", "holds under a condition", "fails")
    assert any(e["equation"] == "Lemma 1 proof" for e in data["errata"])
    text = md.read_text()
    assert "## Errata and over-claims" in text and "lemma1.statement" in text
    assert "Errata and over-claims found" in out
