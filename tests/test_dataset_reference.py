"""One dataset reference built from what the user typed; a user file identified by its content."""
import os
import shutil

import numpy as np
import pytest

from mimgan.experiments import cli
from mimgan.experiments import datasets as ds
from mimgan.experiments.datasets import DatasetRef
from mimgan.experiments.runs.store import run_id, safe_stem
from mimgan.experiments.stages import benchmark, detect, store

DATA = os.environ.get("MIMGAN_DATA")


@pytest.fixture()
def mat(tmp_path):
    path = tmp_path / "X.mat"
    shutil.copy(ds.fetch("thyroid", DATA)[0], path)
    return path


def _ids(dataset, **kw):
    (grp,) = detect.user_groups(dataset, ["mim"], [0], n_iter=1, latent_steps=1, **kw)
    return [run_id(c) for c in grp.configs], grp


def test_a_run_id_depends_on_the_content_not_on_how_the_path_was_typed(mat, monkeypatch):
    monkeypatch.chdir(mat.parent)
    a, grp = _ids("X.mat")
    b, _ = _ids("./X.mat")
    c, _ = _ids(str(mat))
    d, _ = _ids(str(mat.parent / ".." / mat.parent.name / "X.mat"))
    assert a == b == c == d
    cfg = grp.configs[0]
    assert cfg["dataset"]["sha256"] == ds.cache.sha256(mat) and cfg["source"]["path"] == str(mat)
    assert grp.label == f"X-{cfg['dataset']['sha256'][:8]}" and grp.dataset is None
    # the same content elsewhere is the same runs; the registered set keeps its name-based ids
    other = mat.parent / "sub"
    other.mkdir()
    shutil.copy(mat, other / "X.mat")
    assert _ids(str(other / "X.mat"))[0] == a
    assert detect.run_config("thyroid", "mim", 0)["dataset"] == "thyroid"


def test_a_file_edited_in_place_gets_new_runs_and_a_stale_plan_is_refused(mat, tmp_path):
    before, grp = _ids(str(mat))
    ref = DatasetRef.from_config(grp.configs[0])
    X, y = ref.load()
    from scipy import io
    io.savemat(mat, {"X": X[:-1] * 2, "y": y[:-1].reshape(-1, 1)})
    after, _ = _ids(str(mat))
    assert before != after
    stale = DatasetRef.from_config(grp.configs[0])
    with pytest.raises(ValueError, match="changed since its runs were planned"):
        stale._read(None, True)


def test_tables_in_the_formats_people_keep_them(tmp_path):
    X, y = ds.load("cardio", DATA)
    cols = [f"f{i}" for i in range(X.shape[1])]
    csv = tmp_path / "c.csv"
    csv.write_text(",".join(cols + ["is_anomaly"]) + "\n"
                   + "".join(",".join(repr(float(v)) for v in r) + f",{lab}\n" for r, lab in zip(X, y)))
    tsv = tmp_path / "c.tsv"
    tsv.write_text(csv.read_text().replace(",", "\t"))
    npz = tmp_path / "c.npz"
    np.savez(npz, X=X, y=y)
    for path in (csv, tsv):
        Xc, yc = ds.load(path, label="is_anomaly")
        assert np.array_equal(Xc, X) and np.array_equal(yc, y)
    Xn, yn = ds.load(npz)
    assert np.array_equal(Xn, X) and np.array_equal(yn, y)
    with pytest.raises(ValueError, match="no label column"):
        ds.load(csv)  # 'is_anomaly' is not a name the label is found by: say how to name it
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,2,0\n3,high,1\n")
    with pytest.raises(ValueError, match="column 'b' is not numeric \\(row 1: 'high'\\)"):
        ds.load(bad)
    with pytest.raises(ValueError, match="unknown dataset 'kdd'"):
        DatasetRef.parse("kdd")
    with pytest.raises(FileNotFoundError, match="no such data file"):
        DatasetRef.parse(tmp_path / "none.csv")


def test_parquet_is_read_with_pyarrow_and_without_it_the_error_says_how_to_get_it(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [0.0, 1.0, 2.0], "b": [5, 6, 7], "y": [0, 0, 1]}), path)
    X, y = ds.load(path)
    assert X.tolist() == [[0.0, 5.0], [1.0, 6.0], [2.0, 7.0]] and y.tolist() == [0, 0, 1]
    monkeypatch.setitem(__import__("sys").modules, "pyarrow.parquet", None)  # as if pyarrow were not installed
    with pytest.raises(ImportError, match=r"mimgan\[parquet\]"):
        DatasetRef.parse(path, label="y")._read(None, True)  # the uncached read (load() remembers the first)


def test_record_file_names_are_safe_on_every_file_system(tmp_path):
    assert safe_stem("cardio/lsgan:a=-1,b=1,c=0-seed0") == "cardio/lsgan+a-1+b1+c0-seed0"
    cfg = detect.run_config("cardio", "lsgan:a=-1,b=1,c=0", 0)
    st = store(tmp_path, detect)
    name = st.path(run_id(cfg), cfg).relative_to(tmp_path)
    assert not set(str(name)) & set(':=,<>|?*"\\'), name


def test_detect_and_benchmark_take_a_csv_from_the_command_line(tmp_path, capsys):
    X, y = ds.load("thyroid", DATA)
    csv = tmp_path / "t.csv"
    csv.write_text("a,b,c,d,e,f,label\n" + "".join(",".join(f"{v:.6g}" for v in r) + f",{lab}\n"
                                                  for r, lab in zip(X, y)))
    out = tmp_path / "res"
    fast = ["--runs", "1", "--iterations", "2", "--latent-steps", "1", "--quiet", "--out", str(out)]
    assert cli.main(["detect", "--dataset", str(csv), "--gan", "mim", *fast]) == 0
    assert "t-" in capsys.readouterr().out
    groups = benchmark.user_groups([DatasetRef.parse(csv)], ["mim"], [0])
    assert groups[0].label.startswith("t-") and groups[0].configs[0]["dataset"]["format"] == "csv"


def test_fit_and_score_give_a_practitioner_the_detector_without_python(tmp_path, capsys):
    rng = np.random.default_rng(0)
    train = tmp_path / "train.csv"
    rows = rng.standard_normal((200, 3))
    train.write_text("id,a,b,c\n" + "".join(f"r{i},{float(a)!r},{float(b)!r},{float(c)!r}\n" for i, (a, b, c) in enumerate(rows)))
    data = tmp_path / "new.csv"
    new = np.vstack([rows[:5], rows[:3] + 8])
    data.write_text("id,a,b,c\n" + "".join(f"n{i},{float(a)!r},{float(b)!r},{float(c)!r}\n" for i, (a, b, c) in enumerate(new)))
    model, scores = tmp_path / "m.npz", tmp_path / "s.csv"
    assert cli.main(["fit", str(train), "--out", str(model), "--iterations", "40", "--quiet"]) == 0
    assert cli.main(["score", str(model), str(data), "--out", str(scores)]) == 0
    lines = scores.read_text().splitlines()
    assert lines[0] == "index,score,label" and len(lines) == 9
    s = np.array([float(line.split(",")[1]) for line in lines[1:]])
    assert s[5:].min() > s[:5].max()  # the far rows score higher
    from mimgan.experiments.anomaly import load_detector
    det = load_detector(model)
    with pytest.warns(UserWarning, match="no column names, but this detector was fitted on columns"):
        direct = det.decision_function(new)  # an array: its columns are taken in the fitted order, with a warning
    assert np.allclose(s, direct, rtol=0, atol=0)
    assert [line.split(",")[2] for line in lines[6:]] == ["1", "1", "1"]
    # another table's columns are refused by name
    other = tmp_path / "other.csv"
    other.write_text("a,b,z\n1,2,3\n")
    assert cli.main(["score", str(model), str(other), "--out", str(tmp_path / "x.csv")]) == 2
    assert "missing ['c']" in capsys.readouterr().err
