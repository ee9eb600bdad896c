"""Bad inputs get a clear error naming the problem; writes never destroy what is at a path; a corrupt run
record is moved aside and recomputed; pool workers die with their parent; a fitted detector round-trips."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import processes
import pytest

from mimgan.experiments.anomaly import GANAnomalyDetector
from mimgan.experiments.cli import main
from mimgan.experiments.datasets import load_odds_mat
from mimgan.nn import MLP
from mimgan.files import write_text_atomic


# ---------------------------------------------------------------- storage
def test_a_corrupt_record_is_moved_aside_recomputed_and_reported(tmp_path):
    out = tmp_path / "r"
    args = ["detect", "--dataset", "cardio", "--gan", "mim,gan", "--runs", "2", "--iterations", "10",
            "--latent-steps", "2", "--hidden", "8", "--out", str(out), "--quiet"]
    assert main(args) == 0
    files = sorted((out / "detect" / "runs").rglob("*.json"))
    assert len(files) == 4
    victims = {files[0]: "{}", files[1]: "not json at all", files[2]: files[2].read_text()[:50]}
    for p, text in list(victims.items())[:1]:
        p.write_text(text)
    before = {p: p.stat().st_mtime_ns for p in files[1:]}
    assert main(["report", str(out)]) == 0  # names the file instead of failing
    report = (out / "report.md").read_text()
    assert files[0].name + ".corrupt" in report and "moved aside" in report
    assert main(args) == 0  # recomputes exactly that run
    after = sorted((out / "detect" / "runs").rglob("*.json"))
    assert len(after) == 4 and json.loads(files[0].read_text())["config"]["seed"] in (0, 1)
    assert {p: p.stat().st_mtime_ns for p in files[1:]} == before
    for p, text in list(victims.items())[1:]:  # garbage and a truncated record too
        p.write_text(text)
    assert main(args) == 0
    assert len(sorted((out / "detect" / "runs").rglob("*.json"))) == 4
    assert len(list((out / "detect" / "runs").rglob("*.corrupt"))) == 3


def test_writes_go_through_symlinks_and_refuse_special_files(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError, match="not a regular file"):
        write_text_atomic(fifo, "x")
    assert fifo.exists() and not fifo.is_file()
    with pytest.raises(FileExistsError, match="not a regular file"):
        write_text_atomic(tmp_path, "x")  # a folder


def _running(proc, psutil) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _still_running(procs, psutil, timeout: float) -> list:
    """Those of ``procs`` still running after up to ``timeout`` s.  A zombie has exited: it waits only for
    its new parent (this machine's init) to collect its status, which ``psutil.wait_procs`` waits for too
    (seconds here, for processes that had exited at once)."""
    deadline = time.monotonic() + timeout
    alive = [p for p in procs if _running(p, psutil)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [p for p in alive if _running(p, psutil)]
    return alive


def _detect_with_a_busy_pool(tmp_path, psutil):
    """A ``mimgan detect`` program whose 2 pool workers are computing runs: (process, its multiprocessing
    processes: the workers, and the forkserver they were forked from where there is one)."""
    cmd = [sys.executable, "-m", "mimgan.experiments.cli", "detect", "--dataset", "cardio", "--gan", "mim",
           "--runs", "6", "--iterations", "3000", "--latent-steps", "400", "--executor", "local", "--workers", "2",
           "--out", str(tmp_path), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    procs, workers = [], []
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.1)
        procs = [c for c in psutil.Process(proc.pid).children(recursive=True)
                 if "multiprocessing" in " ".join(c.cmdline()) and "resource_tracker" not in " ".join(c.cmdline())]
        # A forkserver is the program's own child; the workers it forks are its children.
        workers = [c for c in procs if "forkserver" not in " ".join(c.cmdline()) or c.ppid() != proc.pid]
    assert len(workers) >= 2, "the pool did not start"
    # Workers busy with runs: each has computed for a while since it was found (a fixed sleep of 2 s cost
    # about 8 s of CPU over the two tests that use this, the pools computing all the while).
    start = {w.pid: _cpu_seconds(w, psutil) for w in workers}
    while time.time() < deadline and not all(_cpu_seconds(w, psutil) - start[w.pid] >= BUSY_CPU_SECONDS
                                             for w in workers):
        time.sleep(0.05)
    return proc, procs


#: CPU seconds each pool worker computes before a test interrupts the run.
BUSY_CPU_SECONDS = 0.5


def _cpu_seconds(p, psutil):
    try:
        t = p.cpu_times()
    except psutil.Error as exc:  # NoSuchProcess: a worker that died before computing is the failure
        pytest.fail(f"pool worker {p.pid} exited before it had computed {BUSY_CPU_SECONDS} s: {exc!r}")
    return t.user + t.system


def test_pool_workers_exit_when_the_main_process_is_killed(tmp_path):
    psutil = pytest.importorskip("psutil")  # a test dependency (pyproject [test])
    proc = None
    try:
        proc, workers = _detect_with_a_busy_pool(tmp_path, psutil)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        alive = _still_running(workers, psutil, timeout=5)
        assert not alive, f"workers still alive 5 s after kill -9 of their parent: {[p.pid for p in alive]}"
    finally:
        if proc is not None:
            processes.kill_group(proc)  # whatever of the run is left, pool workers included


def test_sigterm_is_a_clean_interruption(tmp_path):
    """``timeout``, a batch scheduler or ``kill`` send SIGTERM: the program stops as on ^C, says how to resume,
    exits 130 and leaves no worker behind."""
    psutil = pytest.importorskip("psutil")
    proc = None
    try:
        proc, workers = _detect_with_a_busy_pool(tmp_path, psutil)
        proc.terminate()
        err = proc.communicate(timeout=60)[1]
        assert proc.returncode == 130, err
        assert "interrupted" in err and "run the same command again" in err and "Traceback" not in err, err
        assert not _still_running(workers, psutil, timeout=10)
    finally:
        if proc is not None:
            processes.kill_group(proc)


# ---------------------------------------------------------------- the detector
def test_detector_save_load_round_trip(tmp_path):
    X = np.random.default_rng(0).standard_normal((120, 4))
    det = GANAnomalyDetector(n_iter=30, latent_steps=4, hidden=8, random_state=2).fit(X)
    path = det.save(tmp_path / "det.npz")
    again = GANAnomalyDetector.load(path)
    np.testing.assert_array_equal(again.decision_function(X[:20]), det.decision_function(X[:20]))
    assert again.threshold_ == det.threshold_ and again.get_params() == det.get_params()
    np.testing.assert_array_equal(again.labels_, det.labels_)
    det.gan_.save(tmp_path / "gan.npz")
    with pytest.raises(ValueError, match="not a saved GANAnomalyDetector"):
        GANAnomalyDetector.load(tmp_path / "gan.npz")
    (tmp_path / "cut.npz").write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        GANAnomalyDetector.load(tmp_path / "cut.npz")
    np.save(tmp_path / "plain.npy", np.zeros(3))
    with pytest.raises(ValueError, match="not a mimgan model file"):
        GANAnomalyDetector.load(tmp_path / "plain.npy")


def test_dataframe_columns_are_checked():
    pd = pytest.importorskip("pandas")  # a test dependency (pyproject [test])
    X = pd.DataFrame(np.random.default_rng(1).standard_normal((60, 3)), columns=["a", "b", "c"])
    det = GANAnomalyDetector(n_iter=10, latent_steps=2, hidden=4).fit(X)
    assert list(det.feature_names_in_) == ["a", "b", "c"]
    det.decision_function(X)
    with pytest.raises(ValueError, match="not those seen in fit"):
        det.decision_function(X[["c", "a", "b"]])
    with pytest.raises(ValueError, match="must hold numbers"):
        det.decision_function(X.astype(object).where(X > 0, pd.NA))


@pytest.mark.parametrize("bad, message", [
    (np.array([["a", "b"], ["c", "d"]]), "must hold numbers"),
    (np.array([[1.0, None], [2.0, 3.0]], dtype=object), "must hold numbers"),
    (np.zeros((5, 0)), "0 feature"),
    (np.zeros((0, 2)), "empty batch"),
])
def test_bad_arrays_name_the_problem(bad, message):
    with pytest.raises(ValueError, match=message):
        GANAnomalyDetector(n_iter=1).fit(bad)


def test_float32_overflow_is_named():
    net = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="overflows float32"):
        net.forward(np.array([[1e39, 0.0]]))


@pytest.mark.parametrize("content", [b"", b"just some text\n", b"MATLAB 5.0 MAT-file" + b"\x00" * 200])
def test_unreadable_mat_files_name_the_file(tmp_path, content):
    path = tmp_path / "bad.mat"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="bad.mat"):
        load_odds_mat(path)


# ---------------------------------------------------------------- the command line
@pytest.fixture(scope="class")
def earlier_garbage_collected():
    """An earlier test's garbage (a pipe a kernel or pool left, say) is collected before a run of bad command
    lines, not inside one, where its ResourceWarning would be charged to that command line (seen once in CI).
    Once per run of consecutive cases, not per case: a full collection in a test process that has run many
    tests costs about 0.25 s, most of each case's time (8 s over the 34 cases)."""
    import gc
    gc.collect()


BAD_COMMAND_LINES = [
    ["detect", "--dataset", "cardio", "--runs", "x"],
    ["detect", "--dataset", "cardio", "--seeds", "1,,2"],
    ["detect", "--dataset", "mnist", "--digit", "x"],
    ["detect", "--dataset", "cardio", "--gan", ","],
    ["detect", "--dataset", "cardio", "--contamination", "2", "--runs", "1", "--iterations", "1"],
    ["detect", "--dataset", "cardio", "--workers", "0", "--executor", "local", "--runs", "1"],
    ["detect", "--dataset", "cifar"],
    ["detect", "--dataset", "cardio", "--scaling", "robust"],
    ["train", "--gan", "vae"],
    ["train", "--gan", "lsgan:a=nan"],
    ["detect", "--dataset", "cardio", "--seeds=-1"],
    ["train", "--gan", "mim:bounded=off"],
    ["train", "--gan", "mim:omega=1000", "--data", "gaussian", "--iters", "20", "--quiet", "--out", "t"],  # diverges
    ["train", "--gan", "mim", "--data", "gaussian", "--hidden", "100000000", "--quiet", "--out", "t"],  # MemoryError
    ["detect", "--dataset", "cardio", "--gan", "mim:omega=2,omega=3"],
    ["detect", "--dataset", "cardio", "--gan", "gan:n_critic=2.5"],
    ["benchmark", "--dataset", "cardio,cardio", "--detectors", "mim", "--runs", "1", "--out", "b"],
    ["train", "--gan", "mim", "--data", "nothing.npy"],
    ["reproduce", "--seeds", "-1", "--dry-run"],
    ["reproduce", "fig1", "--option", "nonsense=1", "--dry-run"],
    ["reproduce", "--mnist-digits", "x", "--dry-run"],
    ["reproduce", "detect", "--datasets", "cifar", "--dry-run"],
    ["train", "--gan", "alpha:alpha=0.01", "--data", "gaussian", "--iters", "20", "--quiet", "--out", "t"],  # diverges
    ["benchmark", "--dataset", "cardio", "--detectors", "mim,svdd"],
    ["detect", "--dataset", "none.csv"],
    ["detect", "--dataset", "cardio", "--label", "y"],
    ["fit", "none.csv", "--out", "m.npz"],
    ["fit", "cardio", "--out", "m.txt"],
    ["score", "none.npz", "none.csv", "--out", "s.csv"],
    ["verify", "--objective", "mim:omega=-1"],
    ["report"],
    ["data", "frobnicate"],
    ["verify", "--json"],
    ["frobnicate"],
]


@pytest.mark.usefixtures("earlier_garbage_collected")
class TestBadCommandLines:
    @pytest.mark.parametrize("args", BAD_COMMAND_LINES)
    def test_cli_fuzz_one_line_errors(self, args, tmp_path, monkeypatch, capsys):
        """Each bad command line ends with exit code 2 and one line on stderr: no traceback, no warning.
        Run in this process (``main``), as the entry point runs it; the subprocess test below checks the
        entry point itself."""
        import warnings

        monkeypatch.chdir(tmp_path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rc = main([*args, *(["--out", str(tmp_path)] if args[0] in ("detect", "reproduce") else [])])
        err = capsys.readouterr().err
        assert rc == 2, (args, err)
        assert not caught, [str(w.message) for w in caught]
        assert "Traceback" not in err and err.count("\n") == 1, err
        assert "error" in err


@pytest.mark.parametrize("args", [["frobnicate"], ["detect", "--dataset", "cifar"], ["train", "--gan", "vae"]])
def test_the_entry_point_prints_one_line_and_exits_2(args, tmp_path):
    out = processes.run([sys.executable, "-m", "mimgan.experiments.cli", *args], timeout=300, cwd=tmp_path)
    assert out.returncode == 2, (args, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1, out.stderr


def test_verify_json_into_a_folder_fails_before_checking(tmp_path):
    t0 = time.perf_counter()
    assert main(["verify", "--quiet", "--json", str(tmp_path)]) == 2
    assert time.perf_counter() - t0 < 2


def test_datasets_without_both_classes_and_bad_npy_files(tmp_path):
    from scipy import io
    path = tmp_path / "ones.mat"
    io.savemat(path, {"X": np.random.default_rng(0).standard_normal((50, 3)), "y": np.ones((50, 1))})
    assert main(["detect", "--dataset", str(path), "--runs", "1", "--out", str(tmp_path), "--quiet"]) == 2
    path2 = tmp_path / "one_outlier.mat"
    y = np.zeros((50, 1))
    y[0] = 1
    io.savemat(path2, {"X": np.random.default_rng(0).standard_normal((50, 3)), "y": y})
    from mimgan.experiments.anomaly import odds_split
    with pytest.raises(ValueError, match="49 inliers and 1 outliers"):
        odds_split(*load_odds_mat(path2), "one-class", 0)
    (tmp_path / "text.npy").write_text("hello")
    from mimgan.experiments.train import load_training_data
    with pytest.raises(ValueError, match="not a NumPy .npy array file"):
        load_training_data(str(tmp_path / "text.npy"))


def test_matlab_v73_files_load_through_h5py(tmp_path):
    h5py = pytest.importorskip("h5py")  # a runtime dependency (pyproject)
    X = np.arange(12.0).reshape(3, 4)
    path = tmp_path / "v73.mat"
    with h5py.File(path, "w", userblock_size=512) as f:  # MATLAB stores arrays transposed
        f["X"] = X.T
        f["y"] = np.array([[0.0, 0.0, 1.0]])
    with open(path, "r+b") as fh:
        fh.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".ljust(116, b" ") + b"\x00" * 8
                 + b"\x00\x02IM")
    Xl, yl = load_odds_mat(path)
    np.testing.assert_array_equal(Xl, X)
    assert yl.tolist() == [0, 0, 1]


def test_a_device_is_never_replaced():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(FileExistsError, match="not a regular file"):
        write_text_atomic("/dev/full", "x")
    assert not os.path.isfile("/dev/full")


def test_unreachable_dask_scheduler_is_a_quick_clear_error(monkeypatch):
    pytest.importorskip("distributed")
    from mimgan.experiments.runs import DaskExecutor, executors
    # The wait is executors.CONNECT_TIMEOUT_S (5 s); the test need not sit through all of it.
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 0.2)
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1 within 0.2 s"):
        DaskExecutor("tcp://127.0.0.1:1")
    assert time.perf_counter() - t0 < 30


def test_data_list_checks_sums(tmp_path, capsys):
    (tmp_path / "odds").mkdir()
    (tmp_path / "odds" / "cardio.mat").write_bytes(b"not the real file")
    assert main(["data", "list", "--data-dir", str(tmp_path)]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.strip().startswith("cardio"))
    assert "[corrupt]" in line and "[ok]" not in line


def test_huge_but_finite_values_are_named_not_called_nan():
    X = np.random.default_rng(0).standard_normal((50, 2))
    X[0, 1], X[1, 1] = 1.5e308, -1.5e308
    for scaling in ("minmax", "standard"):
        with pytest.raises(ValueError, match=r"column\(s\) \[1\] are too large to scale"):
            GANAnomalyDetector(n_iter=1, scaling=scaling).fit(X)


def test_a_stored_record_keeps_its_id_when_read_back(tmp_path):
    """Numpy values in a config are written as plain numbers; the id must not change on the way back, or the
    store would take its own record for a foreign one."""
    from mimgan.experiments.runs import ResultStore, run_id
    cfg = {"seed": np.int64(3), "p": np.float64(0.05), "dims": (1, 2)}
    store = ResultStore(tmp_path)
    rid = run_id(cfg)
    store.write(rid, {"config": cfg, "value": 1})
    assert ResultStore(tmp_path).has(rid) and not list(tmp_path.rglob("*.corrupt"))
    assert run_id({"seed": 3, "p": 0.05, "dims": [1, 2]}) == rid


def test_atomic_writes_respect_the_umask_and_keep_an_existing_mode(tmp_path):
    import os
    import stat

    from mimgan.files import write_text_atomic

    old = os.umask(0o027)
    try:
        new = write_text_atomic(tmp_path / "record.json", "{}")
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o640  # 0666 & ~027, not mkstemp's 0600
        os.chmod(new, 0o604)
        write_text_atomic(new, "{}")
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o604
    finally:
        os.umask(old)


@pytest.mark.xdist_group("theory")  # every theory check (run_all): computed once per process
def test_a_record_without_its_results_is_foreign_not_a_crash(tmp_path):
    """A valid id and config but no ``metrics``: moved aside and recomputed, as ``{}`` is (not ``KeyError``)."""
    out = tmp_path / "r"
    args = ["detect", "--dataset", "cardio", "--gan", "mim,gan", "--runs", "1", "--iterations", "10",
            "--latent-steps", "2", "--hidden", "8", "--out", str(out), "--quiet"]
    assert main(args) == 0
    path = sorted((out / "detect" / "runs").rglob("*.json"))[0]
    rec = json.loads(path.read_text())
    del rec["metrics"]
    path.write_text(json.dumps(rec))
    assert main(["report", str(out)]) == 0
    assert path.name + ".corrupt" in (out / "report.md").read_text()
    assert main(["verify", "--experiments", str(out)]) in (0, 1)  # judges what is there; no traceback
    assert main(args) == 0
    assert "metrics" in json.loads(path.read_text())


@pytest.mark.parametrize("value", [1e39, -1e39, 1e300])
def test_a_huge_finite_test_value_is_an_error_naming_its_row_never_nan_or_normal(value):
    rng = np.random.default_rng(0)
    det = GANAnomalyDetector(n_iter=5, latent_steps=2, hidden=8).fit(rng.standard_normal((50, 3)))
    X = rng.standard_normal((4, 3))
    X[2, 1] = value
    for method in (det.decision_function, det.predict):
        with pytest.raises(ValueError, match="row 2, column 1"):
            method(X)


def test_unclear_messages_now_name_the_problem(tmp_path):
    from scipy import stats

    from mimgan import theory
    from mimgan.nn import GANTrainer

    with pytest.raises(ValueError, match="discrete scipy distribution"):
        theory.bhattacharyya(stats.poisson(3), stats.poisson(4))
    with pytest.raises(ValueError, match="multivariate scipy distribution"):
        theory.bhattacharyya(stats.multivariate_normal([0, 0]), stats.multivariate_normal([1, 1]))
    tr = GANTrainer(MLP([2, 4, 2], seed=0), MLP([2, 4, 1], seed=1))
    with pytest.raises(ValueError, match="n_iter .* non-negative integer, got 2.7"):
        tr.fit(np.zeros((20, 2)), 2.7)
    with pytest.raises(ValueError, match="lam must be in"):
        GANAnomalyDetector(lam="0.1").fit(np.random.default_rng(0).random((30, 2)))
    garbage = tmp_path / "r"
    garbage.mkdir()
    (garbage / "reproduce.json").write_text("garbage")
    with pytest.raises(ValueError, match="reproduce.json is not a readable mimgan plan"):
        from mimgan.experiments.report.builder import build_report
        build_report(garbage)
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    assert main(["detect", "--dataset", "cardio", "--runs", "1", "--out", str(loop), "--quiet"]) == 2
    assert main(["train", "--gan", "mim", "--data", "gaussian", "--hidden", "0", "--out", str(tmp_path / "t")]) == 2


def _tampered(tmp_path, det, change, name):
    from mimgan.nn.serialization import load_npz, save_npz_atomic

    src = det.save(tmp_path / "ok.npz")
    arrays, meta = load_npz(src)
    change(arrays, meta)
    return save_npz_atomic(tmp_path / name, arrays, meta)


def test_a_damaged_detector_file_is_refused_naming_the_file_and_the_damage(tmp_path):
    from mimgan.nn import GANTrainer

    det = GANAnomalyDetector(n_iter=5, latent_steps=2, hidden=16).fit(np.random.default_rng(0).random((40, 3)))
    cases = {
        "nan.npz": (lambda a, m: a["G"].__setitem__(0, np.nan), "weights contain NaN"),
        "hidden.npz": (lambda a, m: m["params"].__setitem__("hidden", 32), "do not match the saved parameters"),
        "contamination.npz": (lambda a, m: m["params"].__setitem__("contamination", 5), "contamination"),
        "objective.npz": (lambda a, m: m["params"].__setitem__("objective", "vae"), "unknown GAN objective"),
        "missing.npz": (lambda a, m: a.pop("decision_scores"), "damaged GANAnomalyDetector file"),
    }
    for name, (change, words) in cases.items():
        path = _tampered(tmp_path, det, change, name)
        with pytest.raises(ValueError, match=words) as info:
            GANAnomalyDetector.load(path)
        assert name in str(info.value)
    with pytest.raises(ValueError, match="not a saved GANTrainer"):
        GANTrainer.load(tmp_path / "ok.npz")
    again = GANAnomalyDetector.load(tmp_path / "ok.npz")  # an intact file still loads, bit for bit
    X = np.random.default_rng(1).random((5, 3))
    np.testing.assert_array_equal(again.decision_function(X), det.decision_function(X))


def test_a_dataframe_fitted_detector_warns_on_an_unnamed_array():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.random((40, 3)), columns=["a", "b", "c"])
    det = GANAnomalyDetector(n_iter=3, latent_steps=1, hidden=4).fit(df)
    with pytest.warns(UserWarning, match="no column names"):
        det.decision_function(df.to_numpy()[:, ::-1])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        det.decision_function(df)  # named columns in the fitted order: no warning


def test_a_dry_run_without_pyod_plans_no_baseline_runs(tmp_path, monkeypatch):
    from mimgan.experiments import reproduce
    from mimgan.experiments.stages import benchmark
    monkeypatch.setattr(benchmark, "pyod_available", lambda: False)
    rows = [r for r in reproduce.plan(tmp_path, quick=True, stages=("benchmark",))]
    assert rows and all(r["to_compute"] == 0 and "pyod is not installed" in r["skipped"] for r in rows)
    assert sum(r["runs"] for r in rows) == 48  # what the budget holds, said, but not planned


@pytest.mark.parametrize("spec, words", [("mim:omega=1000", "e^omega = e^1000, beyond float32's range"),
                                         ("alpha:alpha=0.01", "alpha < 1 makes the loss grow like")])
def test_an_option_that_overflows_is_named_not_the_learning_rate(spec, words):
    from mimgan.nn import MLP, GANTrainer, NonFiniteLossError
    X = np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32)
    G = MLP([2, 8, 2], hidden="leaky_relu", output="linear", seed=0)
    D = MLP([2, 8, 1], hidden="leaky_relu", output="linear", seed=1)
    with pytest.raises(NonFiniteLossError) as err:
        GANTrainer(G, D, objective=spec, batch_size=32, seed=0).fit(X, 50)
    assert words in str(err.value) and spec in str(err.value) and "learning rate" not in str(err.value)


def test_a_network_too_large_for_this_machine_is_refused_before_allocating():
    from mimgan.nn import MLP
    from mimgan.nn.mlp import physical_memory
    width = int((physical_memory() / 16) ** 0.5) + 1000  # ~width^2 float32 parameters x 4 copies > RAM
    with pytest.raises(MemoryError, match=r"GiB, more than this machine's"):
        MLP([8, width, width, 1])
