"""Executors: the local process pool and a Dask LocalCluster give the serial results bit for bit,
a worker killed mid-sweep loses no finished result, and a rerun computes only what is missing."""
import os
import signal
import subprocess
import sys
import time

import pytest

from mimgan.experiments.runs.executors import DaskExecutor, LocalExecutor, SerialExecutor, make_executor, run_tasks
from mimgan.experiments.stages.rare_events import rare_config, run_rare
from mimgan.experiments.runs.store import ResultStore, run_id

# Small but real runs: a GAN trained on the rare-event mixture (~0.1-0.3 s each).
CONFIGS = [rare_config(g, 0.1, 1, s, iters=60, batch=64, hidden=16, eval_every=30, n_eval=2000)
           for g in ("mim", "gan") for s in range(3)]
TIMING_KEYS = {"seconds"}

# One test process runs the module, so its pool results, serial results and Dask cluster are made once.
pytestmark = pytest.mark.xdist_group("executors")


def results(records):
    """Everything a run computed, minus its wall time."""
    return [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in records]


@pytest.fixture(scope="module")
def serial_records(tmp_path_factory):
    store = ResultStore(tmp_path_factory.mktemp("serial"))
    records, n = run_tasks(store, CONFIGS, run_rare, SerialExecutor(), progress=False)
    assert n == len(CONFIGS)
    # Every run computed something of its own, so equality below is a real comparison.
    assert len({tuple(r["distance"]) for r in records}) == len(CONFIGS)
    return results(records)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    import dask
    # Workers forked from this process's forkserver (which the local pool's fixture started with the package
    # imported) instead of each importing it in a fresh interpreter: 3-5 s of CPU less per worker.
    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None, silence_logs=40) as cluster:
            with distributed.Client(cluster) as client:
                yield client


@pytest.fixture(scope="module")
def local_records(tmp_path_factory):
    ex = LocalExecutor(workers=2)
    try:
        records, n = run_tasks(ResultStore(tmp_path_factory.mktemp("local")), CONFIGS, run_rare, ex, progress=False)
    finally:
        ex.close()
    assert n == len(CONFIGS)
    assert ex.blas_threads == max(1, (os.cpu_count() or 1) // 2)
    return results(records)


def test_local_pool_gives_the_serial_results(local_records, serial_records):
    assert local_records == serial_records


def test_dask_gives_the_local_pool_results(tmp_path, local_records, dask_client):
    records, n = run_tasks(ResultStore(tmp_path), CONFIGS, run_rare, DaskExecutor(client=dask_client),
                           progress=False)
    assert n == len(CONFIGS)
    assert results(records) == local_records


def test_killed_dask_worker_loses_no_finished_result(tmp_path, serial_records, dask_client):
    """SIGKILL one worker after the first result: the scheduler reruns its tasks, every record arrives
    exactly once, and the files written before the kill are untouched."""
    store = ResultStore(tmp_path)
    configs = [rare_config(g, 0.1, 1, s, iters=600, batch=64, hidden=16, eval_every=300, n_eval=2000)
               for g in ("mim", "gan") for s in range(4)]
    pids = dask_client.run(os.getpid)
    written, killed = [], []

    def kill_one_worker(cfg, rec):
        written.append((run_id(cfg), store.path(run_id(cfg)).stat().st_mtime_ns))
        if not killed:
            addr, pid = sorted(pids.items())[0]
            killed.append(addr)
            os.kill(pid, signal.SIGKILL)

    records, n = run_tasks(store, configs, run_rare, DaskExecutor(client=dask_client), progress=False,
                           on_record=kill_one_worker)
    assert killed and n == len(configs)
    assert sorted(r for r, _ in written) == sorted(run_id(c) for c in configs)  # each written once
    for rid, mtime in written:
        assert store.path(rid).stat().st_mtime_ns == mtime
    assert all(r["config"] == c for r, c in zip(records, configs))
    dask_client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker for later tests


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("kind", ["local", "dask"])
def test_rerun_after_interruption_computes_only_the_missing_runs(tmp_path, serial_records, kind, request):
    store = ResultStore(tmp_path)

    def make():
        if kind == "dask":
            return DaskExecutor(client=request.getfixturevalue("dask_client"))
        return LocalExecutor(workers=1)  # the resume, not the pool's width (local_records checks 2 workers)

    def stop_after_two(cfg, rec):
        if len(list(store.runs.glob("*.json"))) == 2:
            raise Interrupt

    ex = make()
    try:
        with pytest.raises(Interrupt):
            run_tasks(store, CONFIGS, run_rare, ex, progress=False, on_record=stop_after_two)
    finally:
        ex.close()
    done_before = {p.name: p.stat().st_mtime_ns for p in store.runs.glob("*.json")}
    assert len(done_before) == 2
    assert not list(store.runs.glob("*.tmp*"))
    ex = make()
    try:
        records, n = run_tasks(store, CONFIGS, run_rare, ex, progress=False)
    finally:
        ex.close()
    assert n == len(CONFIGS) - 2
    assert {p: store.runs.joinpath(p).stat().st_mtime_ns for p in done_before} == done_before
    assert results(records) == serial_records


def test_a_later_pool_sees_the_environment_and_folder_of_its_owner_now(local_records, monkeypatch, tmp_path):
    """The forkserver (started by the first pool, above) keeps the environment it started with; a worker
    forked from it later must see the owner's environment and folder of that moment, as a spawned one did."""
    monkeypatch.setenv("MIMGAN_EXECUTOR_PROBE", "set after the first pool")
    monkeypatch.chdir(tmp_path)
    ex = LocalExecutor(workers=1)
    try:
        got = dict(ex.submit_all(os.getenv, ["MIMGAN_EXECUTOR_PROBE", "OPENBLAS_NUM_THREADS"]))
        cwd = dict(ex.submit_all(os.path.realpath, ["."]))
    finally:
        ex.close()
    assert got == {"MIMGAN_EXECUTOR_PROBE": "set after the first pool", "OPENBLAS_NUM_THREADS": str(ex.blas_threads)}
    assert cwd == {".": os.path.realpath(tmp_path)}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_owner_watch_counts_a_killed_owner_as_gone_before_it_is_collected():
    """A pool worker watches its owner's pid; a killed owner whose parent has not collected it yet (a zombie)
    must count as gone, or its workers would outlive it."""
    from mimgan.experiments.runs.executors import _alive

    assert _alive(os.getpid()) is True
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert _alive(child.pid) is True
        child.kill()
        deadline = time.monotonic() + 10
        while _alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _alive(child.pid) is False
        assert child.poll() is not None  # it was a zombie until now: collected only here
        assert _alive(child.pid) is False
    finally:
        child.kill()
        child.wait()


def test_executor_errors():
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        make_executor("spark")
    with pytest.raises(ValueError, match="--scheduler"):
        make_executor("dask")
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        LocalExecutor(workers=-1)
    with pytest.raises(ValueError, match="same configuration"):
        run_tasks(ResultStore("unused"), CONFIGS[:1] * 2, run_rare, progress=False)


def test_benchmark_runs_on_dask_give_the_serial_metrics(tmp_path, dask_client):
    """``mimgan benchmark``'s runs (a GAN and two classical detectors on Cardio) through Dask: same metrics."""
    from mimgan.experiments.datasets import data_dir
    from mimgan.experiments.reproduce import run_stage
    from mimgan.experiments.stages import benchmark

    groups = benchmark.user_groups(["cardio"], ["mim", "iforest", "pca"], seeds=[0, 1])
    for g in groups:  # a short GAN: this test is about the executor, not about detection
        for c in g.configs:
            if c["detector"] == "mim":
                c["settings"].update(n_iter=50, latent_steps=10)
    serial = run_stage(tmp_path / "s", benchmark, groups, SerialExecutor(), progress=False, data_dir=data_dir(),
                       summarise=False)
    dask = run_stage(tmp_path / "d", benchmark, groups, DaskExecutor(client=dask_client), progress=False,
                     data_dir=data_dir(), summarise=False)
    assert dask["computed"] == serial["computed"] == 6 and dask["ids"] == serial["ids"]
    store_s, store_d = (ResultStore(tmp_path / k / "benchmark", name=benchmark.run_name) for k in ("s", "d"))
    for rid in serial["ids"]["cardio"]:
        assert store_d.read(rid)["metrics"] == store_s.read(rid)["metrics"]
