import json
import subprocess
import sys


def test_mimgan_verify_json_and_markdown(tmp_path):
    js, md = tmp_path / "v.json", tmp_path / "v.md"
    out = subprocess.run([sys.executable, "-m", "mimgan.experiments.cli", "verify", "--quiet", "--json", str(js),
                          "--markdown", str(md)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(js.read_text())
    checks = data["checks"]
    assert {c["item"] for c in checks} == set(range(1, 10))  # 9: the objective lab, beyond the paper
    for c in checks:
        assert {"id", "claim", "verdict", "evidence"} <= set(c)
        assert c["verdict"] in ("holds", "holds with erratum", "holds under a condition", "fails")
    assert any(e["equation"] == "Lemma 1 proof" for e in data["errata"])
    text = md.read_text()
    assert "## Errata and over-claims" in text and "lemma1.statement" in text
    assert "Errata and over-claims found" in out.stdout
