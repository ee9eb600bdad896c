"""``mimgan detect`` on a user's own file: options recorded in the run, data-shape defaults, one latent
search per reading, readable output (console, per-reading CSV, summary.json) and stated reasons."""
import csv
import json

import numpy as np
import pytest
from scipy import io

from mimgan.experiments.anomaly import GANAnomalyDetector, average_precision
from mimgan.experiments.anomaly.defaults import settings_for_shape
from mimgan.experiments.cli import main
from mimgan.experiments.datasets import DatasetRef, get_spec


def test_shape_rule_keeps_the_paper_settings():
    """The settings the paper's datasets were run with (Section IV-B2 plus the project's earlier presets)."""
    paper = {
        "cardio": {"hidden": 64, "latent_dim": 16, "n_iter": 2000, "batch_size": 64, "latent_steps": 500},
        "thyroid": {"hidden": 64, "latent_dim": 16, "n_iter": 2000, "batch_size": 64, "latent_steps": 500},
        "musk": {"hidden": 256, "latent_dim": 32, "n_iter": 2000, "batch_size": 64, "latent_steps": 300},
        "mnist": {"hidden": 256, "latent_dim": 100, "n_iter": 3000, "batch_size": 64, "latent_steps": 100,
                  "threshold_rows": 5000},
    }
    for name, want in paper.items():
        assert settings_for_shape(*get_spec(name)["shape"]) == want, name
    big = settings_for_shape(95_156, 3)
    assert big["hidden"] == 64 and big["n_iter"] == 3000 and big["threshold_rows"] == 5000
    with pytest.raises(ValueError, match="shape"):
        settings_for_shape(0, 3)


def test_average_precision_matches_scikit_learn():
    from sklearn.metrics import average_precision_score
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = (rng.random(200) < 0.1).astype(int)
        y[:2] = [0, 1]
        s = np.round(rng.standard_normal(200) + y, 1)  # ties included
        assert average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-12)


def test_standard_scaling_gives_a_linear_generator():
    X = np.random.default_rng(1).standard_normal((200, 4)) * 50 + 10
    det = GANAnomalyDetector(n_iter=20, latent_steps=3, hidden=8, scaling="standard").fit(X)
    assert det.gan_.G.output == "linear" and abs(det.scaler_.transform(X).mean()) < 1e-9
    assert np.all(np.isfinite(det.decision_function(X[:10])))
    with pytest.raises(ValueError, match="scaling"):
        GANAnomalyDetector(scaling="robust").fit(X)


@pytest.fixture()
def rare_mat(tmp_path):
    """A user's file: 2,000 rows x 5 features, 0.5 % outliers."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((2000, 5))
    y = np.zeros(2000)
    y[:10] = 1
    X[:10] += 4.0
    path = tmp_path / "my data.mat"
    io.savemat(path, {"X": X, "y": y[:, None]})
    return path


def test_detect_on_a_users_file(rare_mat, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["detect", "--dataset", str(rare_mat), "--gan", "mim,gan", "--runs", "3", "--contamination", "0.005",
            "--readings", "logit", "--iterations", "30", "--latent-steps", "5", "--hidden", "16", "--out", str(out),
            "--quiet"]
    assert main(args) == 0
    console = capsys.readouterr().out
    key = DatasetRef.parse(rare_mat).key  # "my data-<sha256[:8]>": the file's stem and its content
    assert key.startswith("my data-") and len(key) == len("my data-") + 8
    # the settings used, on one line for the dataset, with the data-shape rule's values where none was given
    assert f"{key}: hidden=16, depth=2, latent_dim=16, n_iter=30, batch_size=64" in console
    assert "contamination=0.005" in console and "readings logit" in console
    assert "AUC-PR" in console and "F1@k" in console and "F1 (Eq. 21)" in console
    assert "no Wilcoxon p (needs >= 6 paired seeds, has 3)" in console
    root = out / "detect"
    runs = sorted((root / "runs" / key).glob("*-seed*-*.json"))
    assert [p.name.split("-seed")[0] for p in runs] == ["gan"] * 3 + ["mim"] * 3
    for p in runs:
        rec = json.loads(p.read_text())
        assert rec["config"]["detector"]["contamination"] == 0.005 and rec["config"]["readings"] == "logit"
        assert rec["detector_params"]["contamination"] == 0.005
        assert list(rec["metrics"]) == ["logit"] and list(rec["timings"]["score_test_s"]) == ["logit"]
        assert rec["latent_searches"] == {"train": 1, "test": 1}  # one search of each set: no second reading
    summary = json.loads((root / f"{key}_summary.json").read_text())
    assert summary["dataset"] == key and summary["seeds"] == [0, 1, 2]
    assert summary["settings"]["mim"]["contamination"] == 0.005
    row = next(r for r in summary["table"] if r["gan"] == "mim")
    assert row["dataset"] == key and 0 <= row["auc_pr_mean"] <= 1 and 0 <= row["f1_at_k_mean"] <= 1
    assert (root / f"{key}_table_logit.csv").exists() and not (root / f"{key}_table_output.csv").exists()
    with open(root / f"{key}_paired_tests.csv") as fh:
        tests = list(csv.DictReader(fh))
    assert tests[0]["p_value_note"] == "needs >= 6 paired seeds, has 3" and tests[0]["p_value"] == "nan"
    # Another option is another run: nothing is reused across settings.
    assert main(args[:-3] + ["--scaling", "standard", "--out", str(out), "--quiet"]) == 0
    assert len(list((root / "runs").rglob("*.json"))) == 12


def test_detect_readings_both_scores_twice(rare_mat, tmp_path):
    out = tmp_path / "o"
    assert main(["detect", "--dataset", str(rare_mat), "--gan", "mim", "--runs", "1", "--readings", "both",
                 "--iterations", "10", "--latent-steps", "2", "--hidden", "8", "--out", str(out), "--quiet"]) == 0
    (p,) = (out / "detect" / "runs").rglob("*.json")
    rec = json.loads(p.read_text())
    assert set(rec["metrics"]) == {"logit", "output"} and rec["latent_searches"] == {"train": 2, "test": 2}
    assert (out / "detect" / f"{DatasetRef.parse(rare_mat).key}_table_output.csv").exists()


def test_detect_preset_sets_the_detector_and_options_override_it(rare_mat, tmp_path):
    out = tmp_path / "p"
    assert main(["detect", "--dataset", str(rare_mat), "--gan", "mim", "--runs", "1", "--preset", "ensemble-standard",
                 "--iterations", "10", "--latent-steps", "2", "--hidden", "8", "--scaling", "minmax", "--out", str(out),
                 "--quiet"]) == 0
    (p,) = (out / "detect" / "runs").rglob("*.json")
    det = json.loads(p.read_text())["detector_params"]
    assert det["n_members"] == 5 and det["scaling"] == "minmax" and det["n_iter"] == 10  # the option wins
    assert main(["detect", "--dataset", str(rare_mat), "--preset", "huge"]) == 2  # a usage error, in one line


def test_detect_refuses_a_digit_without_mnist(rare_mat, tmp_path, capsys):
    assert main(["detect", "--dataset", str(rare_mat), "--digit", "3", "--out", str(tmp_path)]) == 2
    assert "--digit 3 holds out an MNIST digit, but no dataset is mnist" in capsys.readouterr().err
    assert not (tmp_path / "detect").exists()


def test_figure2_summary_across_held_out_digits(tmp_path):
    """With more than one MNIST digit stored, the detection section adds Figure 2: per digit and GAN, AUC and F1
    (mean ± std over seeds) in a table, a CSV and a figure with the mean ROC of one digit."""
    from mimgan.experiments.report.document import Document
    from mimgan.experiments.stages import detect

    rng = np.random.default_rng(0)
    groups = {}
    for digit in (0, 3):
        recs = []
        for gan in ("mim", "gan"):
            for seed in range(2 if (digit, gan) == (3, "gan") else 3):  # a sweep part-way: GAN's third seed missing
                auc = 0.6 + 0.1 * digit / 3 + 0.01 * seed + (0.05 if gan == "mim" else 0.0)
                m = {"auc": auc, "auc_pr": 0.5, "f1_at_k": 0.4, "f1_threshold": auc - 0.3, "f1_best": 0.5, "threshold": 1.0}
                recs.append({"config": {"dataset": "mnist", "protocol": "mnist-one-digit-out", "gan": gan, "seed": seed,
                                        "digit": digit, "detector": {}},
                             "default_reading": "logit", "metrics": {"logit": m},
                             "roc_tpr_on_fpr_grid": {"logit": np.sort(rng.uniform(0, 1, 51)).tolist()},
                             "timings": {"total_s": 1.0}, "detector_params": {}})
        groups[f"mnist_digit{digit}"] = recs
    doc = Document("t")
    detect.report(doc, tmp_path, groups)
    md = doc.to_markdown()
    assert "### MNIST, every held-out digit (Figure 2)" in md
    row3 = next(line for line in md.splitlines() if line.startswith("| 3 |"))
    assert "0.760 ± 0.010" in row3 and "0.705 ± 0.007" in row3  # mim, gan AUC
    assert row3.endswith("| 3/2 |")  # seeds per GAN where they differ
    assert next(line for line in md.splitlines() if line.startswith("| 0 |")).endswith("| 3 |")
    assert (tmp_path / "detect" / "mnist_figure2.png").stat().st_size > 1000
    assert len((tmp_path / "detect" / "mnist_digits_table.csv").read_text().splitlines()) == 5  # header + 2 x 2
