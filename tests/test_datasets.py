"""Loaders on the shared data, protocols, scaling, and the download path against a local HTTP server."""
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from mimgan.experiments import datasets as ds
from mimgan.experiments.datasets.cache import DatasetUnavailableError, fetch_file
from mimgan.experiments.datasets.registry import RemoteFile
from mimgan.experiments.anomaly.protocols import contaminated_split, mnist_one_digit_out, one_class_split
from mimgan.experiments.anomaly.scaling import MinMaxToTanh

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def data_root():
    root = ds.data_dir()
    if not (root / "odds" / "cardio.mat").exists():
        pytest.fail(f"test data not found under {root}; set MIMGAN_DATA to the shared data folder")
    return root


@pytest.mark.parametrize("name, shape, outliers", [("cardio", (1831, 21), 176), ("thyroid", (3772, 6), 93),
                                                     ("musk", (3062, 166), 97)])
def test_odds_loaders(data_root, name, shape, outliers):
    X, y = ds.load(name, download=False)
    assert X.shape == shape and X.dtype == np.float64
    assert y.dtype == np.int64 and int(y.sum()) == outliers
    X2, y2 = ds.load(str(data_root / "odds" / f"{name}.mat"))  # any .mat path works
    np.testing.assert_array_equal(X, X2)


def test_mnist_loader(data_root):
    (Xtr, dtr), (Xte, dte) = ds.load_mnist(download=False)
    assert Xtr.shape == (60000, 784) and Xte.shape == (10000, 784)
    assert np.bincount(dtr).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert abs(Xtr.mean() - 0.1307) < 1e-4
    sp = mnist_one_digit_out((Xtr, dtr), (Xte, dte), digit=0)
    assert 0 not in set(dtr[dtr != 0][:10]) and sp.X_train.shape[0] == 60000 - 5923
    assert int(sp.y_test.sum()) == 980


def test_verify_reports_ok(data_root):
    assert set(ds.verify().values()) == {"ok"}


def test_mat_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        ds.load(tmp_path / "nope.mat")
    bad = tmp_path / "bad.mat"
    bad.write_bytes(b"not a mat file at all")
    with pytest.raises(ValueError):
        ds.load(bad)
    from scipy.io import savemat
    savemat(tmp_path / "nokeys.mat", {"A": np.ones((3, 2))})
    with pytest.raises(ValueError, match="lacks the ODDS keys"):
        ds.load(tmp_path / "nokeys.mat")
    with pytest.raises(ValueError, match="unknown dataset"):
        ds.load("kdd99")


def test_custom_mat_file_with_integer_dtypes(tmp_path):
    from scipy.io import savemat
    savemat(tmp_path / "tiny.mat", {"X": np.arange(12, dtype=np.int16).reshape(6, 2), "y": np.array([[0], [0], [1], [0], [0], [1]], np.uint8)})
    X, y = ds.load(tmp_path / "tiny.mat")
    assert X.dtype == np.float64 and y.tolist() == [0, 0, 1, 0, 0, 1]


def test_protocols():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((100, 3)), (np.arange(100) < 10).astype(int)
    s = one_class_split(X, y, seed=3)
    assert s.X_train.shape[0] == 45 and s.y_test.sum() == 10 and len(s.y_test) == 55
    inl = np.flatnonzero(y == 0)
    np.testing.assert_array_equal(s.X_train, X[inl[np.random.default_rng(3).permutation(90)[:45]]])
    c = contaminated_split(X, y, seed=1)
    assert c.y_train.sum() == 7 and c.y_test.sum() == 3 and len(c.y_test) == 30
    with pytest.raises(ValueError, match="labels"):
        one_class_split(X, np.full(100, 2), 0)


def test_scaling_survives_constant_and_collinear_columns():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(50)
    X = np.c_[a, 2 * a + 1, np.full(50, 7.0), rng.standard_normal(50)]
    sc = MinMaxToTanh().fit(X)
    Z = sc.transform(X)
    assert np.all(np.isfinite(Z)) and np.all(Z[:, 2] == 0)
    assert Z[:, [0, 1, 3]].min() == -1 and Z[:, [0, 1, 3]].max() == 1
    np.testing.assert_allclose(sc.inverse_transform(Z), X, atol=1e-12)
    # A test row that leaves the training constant keeps its deviation (it was erased to 0 before).
    T = X[:2].copy()
    T[:, 2] = [7.0, 9.8]
    assert sc.transform(T)[0, 2] == 0 and sc.transform(T)[1, 2] == pytest.approx(2.8 / 7.0)


# ------------------------------------------------------------ downloads
class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        path = Path(self.server.root) / self.path.lstrip("/").split("?")[0]
        if self.path.startswith("/corrupt/"):
            body = b"x" * 1000
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path.startswith("/truncated/"):
            data = (Path(self.server.root) / self.path[len("/truncated/"):]).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def server(data_root):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.root = str(data_root)
    # shutdown() waits for the serving loop to look at its flag, every poll_interval (0.5 s by default)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _spec(name="cardio"):
    return ds.get_spec(name)["files"][0]


def test_download_good_file(server, tmp_path):
    f = _spec()
    p = fetch_file(f, tmp_path, url=f"{server}/{f.relpath}")
    assert p == tmp_path / f.relpath and ds.cache.sha256(p) == f.sha256
    # cached: a second call does not need the server
    assert fetch_file(f, tmp_path, url="http://127.0.0.1:1/nothing") == p


def test_download_checksum_mismatch_leaves_nothing(server, tmp_path):
    f = _spec()
    with pytest.raises(ValueError, match="checksum mismatch"):
        fetch_file(f, tmp_path, url=f"{server}/corrupt/{f.relpath}")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_interrupted_download_leaves_nothing(server, tmp_path):
    f = _spec("musk")
    with pytest.raises((DatasetUnavailableError, ValueError)):
        fetch_file(f, tmp_path, url=f"{server}/truncated/{f.relpath}")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_offline_missing_dataset_says_how_to_fix(tmp_path):
    f = RemoteFile("odds/cardio.mat", "http://127.0.0.1:1/cardio.mat", _spec().sha256)
    with pytest.raises(DatasetUnavailableError, match=r"put it at .*cardio\.mat.*MIMGAN_DATA"):
        fetch_file(f, tmp_path)
    with pytest.raises(DatasetUnavailableError, match="mimgan data fetch cardio"):
        ds.fetch("cardio", tmp_path, download=False)


def test_corrupt_file_in_cache_is_reported(tmp_path, data_root):
    f = _spec()
    dest = tmp_path / f.relpath
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="sha256"):
        fetch_file(f, tmp_path)
    assert ds.verify(tmp_path)["odds/cardio.mat"] == "corrupt"


def test_env_var_and_default_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("MIMGAN_DATA", str(tmp_path))
    assert ds.data_dir() == tmp_path
    monkeypatch.delenv("MIMGAN_DATA")
    assert "mimgan" in str(ds.data_dir())
