"""Where independent runs execute: in this process, a local process pool, or a Dask cluster.

Every sweep (Figure 1 seeds, rare events, Figures 2–5) is a list of run
configurations and one module-level function ``fn(config) -> record``.
:func:`run_tasks` sends the runs that the :class:`~experiments.store.ResultStore`
does not hold yet to an executor and writes each record to the store *in
this process, as soon as it arrives*.  Workers therefore need only the
package and their data cache, never the output folder, and a run lost with
a killed worker is simply recomputed: finished records are already on disk.

Executors
---------
``serial``  the runs one after another in this process (BLAS left as it is).
``local``   a process pool over the local cores (default: all).  Each worker
            gets ``cores // workers`` BLAS threads so the machine is not
            oversubscribed.
``dask``    the same tasks on a ``dask.distributed`` cluster; the scheduler
            re-runs the tasks of a worker that dies.

A run's result depends only on its configuration and its BLAS thread count:
``local`` and ``dask`` give bit-identical records for the same seeds when
their workers have the same number of BLAS threads (one, by default, for
Dask workers; see :func:`call_with_blas_threads`).
"""
from __future__ import annotations

import functools
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from .store import ResultStore, run_id

EXECUTORS = ("serial", "local", "dask")
#: Seconds to wait for a Dask scheduler before saying it cannot be reached.
CONNECT_TIMEOUT_S = 5


def call_with_blas_threads(fn, config, blas_threads):
    """Run ``fn(config)`` with BLAS limited to ``blas_threads`` (None: unchanged); the task body of every pool."""
    from ...nn.blas import blas_threads as limit  # controls SciPy's OpenBLAS, the one numba calls
    with limit(None if blas_threads is None else int(blas_threads)):
        return fn(config)


def _init_worker(n: int, owner: int, environ: dict):
    """Pool initializer: the owner's environment, BLAS and numba threads capped, and death with the owner.

    A forkserver's worker inherits the server's environment, taken when the server started; a spawned worker
    had the owner's at the time, which is what a run may read (``MIMGAN_*`` settings changed since)."""
    os.environ.clear()
    os.environ.update(environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)  # for the libraries this worker loads from now on
    # A worker forked from the forkserver has NumPy's and SciPy's OpenBLAS loaded already, each with the
    # server's thread count: the variables above come too late for them.
    from threadpoolctl import threadpool_limits
    threadpool_limits(n)
    _exit_with_owner(owner)


def _alive(pid: int) -> bool | None:
    """Whether ``pid`` runs (a zombie, killed and not yet collected by its parent, does not); None where
    this cannot be told without /proc (``os.kill(pid, 0)`` would terminate the process on Windows)."""
    if not os.path.isdir("/proc/self"):
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:  # a /proc that hides other processes
        return None


def _exit_with_owner(owner: int):
    """A worker whose pool owner was killed (kill -9 leaves no chance to shut the pool down) must not live on,
    holding the terminal's pipes open: Linux's parent-death signal, and a watchdog thread elsewhere.

    The worker's parent is the owner (``spawn``) or the forkserver, which exits when the owner does, so the
    parent's death is the owner's.  ``owner`` is the owner's pid, taken when the pool was made: it is checked
    too, because a worker whose parent died while it was still starting has already been adopted by another
    process, and the parent-death signal, armed too late, would never come."""
    import signal
    import threading
    import time
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = os.getppid()

    def orphaned() -> bool:  # without /proc, adoption by init is the sign that the parent is gone
        alive = _alive(owner)
        return os.getppid() != parent or alive is False or (alive is None and os.getppid() == 1)

    if orphaned():
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.5)
            if orphaned():
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="mimgan-owner-watch").start()


def _pool_context(fn):
    """The way pool workers start: ``forkserver`` where the platform has it, else ``spawn``.

    Both start workers from a fresh interpreter, never from a fork of the pool's owner (that would copy its
    OpenBLAS and numba thread pools mid-flight).  With ``spawn`` every worker imports the package and the
    task's module itself, about 2.5 s of CPU each; the forkserver imports them once and forks each worker
    from itself, so a sweep's later pools (and a pool's other workers) start at once.  The forkserver is
    one per process: the first pool names what it imports."""
    import multiprocessing as mp
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    while isinstance(fn, functools.partial):  # a stage's run with its options bound
        fn = fn.func
    module = getattr(fn, "__module__", None)
    # A task defined in a script (``__main__``) is imported by each worker as with spawn, not by the server.
    ctx.set_forkserver_preload([__name__, "mimgan.nn.blas"] + ([module] if module not in (None, "__main__") else []))
    return ctx


class SerialExecutor:
    """Runs tasks one after another in this process."""

    name = "serial"
    blas_threads = None

    def submit_all(self, fn, configs):
        for cfg in configs:
            yield cfg, fn(cfg)

    def describe(self) -> str:
        return "serial (this process)"

    def close(self):
        pass


class LocalExecutor:
    """A pool of ``workers`` processes (default: one per core), each with ``cores // workers`` BLAS threads.

    Workers start from a forkserver (``spawn`` where there is none; see :func:`_pool_context`).  The pool
    starts on first use.
    """

    name = "local"

    def __init__(self, workers: int | None = None):
        cores = os.cpu_count() or 1
        if workers is not None and (isinstance(workers, bool) or int(workers) != workers or workers < 1):
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        self.workers = int(workers or cores)
        self.blas_threads = max(1, cores // self.workers)
        self._pool = None

    def _get_pool(self, fn):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_pool_context(fn),
                                             initializer=_init_worker,
                                             initargs=(self.blas_threads, os.getpid(), dict(os.environ)))
        return self._pool

    def submit_all(self, fn, configs):
        pool = self._get_pool(fn)
        futures = {pool.submit(call_with_blas_threads, fn, cfg, self.blas_threads): cfg for cfg in configs}
        finished = False
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
            finished = True
        finally:
            for fut in futures:
                fut.cancel()
            if not finished:
                self._abort()

    def _abort(self):
        """Stop the workers now (^C, SIGTERM, a failed run): a run still running would only finish to be
        dropped, since the caller stores results as they arrive, and waiting for it kept a stopped sweep
        busy for up to a run's length."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"local process pool ({self.workers} workers x {self.blas_threads} BLAS threads)"

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """Tasks on a ``dask.distributed`` cluster, given its scheduler address or a ready ``Client``.

    Each task is submitted under the key ``<desc>-<run id>-<sweep token>``:
    a fresh token per sweep, because the scheduler may still be releasing the
    cancelled futures of an interrupted sweep under the old keys.  Worker failures
    are the scheduler's business: it re-runs lost tasks up to its
    ``distributed.scheduler.allowed-failures`` limit.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, client=None, blas_threads: int = 1):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError("the dask executor needs dask.distributed: pip install 'mimgan[dask]'") from exc
        if client is None and not scheduler:
            raise ValueError("the dask executor needs --scheduler tcp://HOST:PORT (or a Client)")
        self._own = client is None
        if client is None:
            try:
                client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError) as exc:
                raise RuntimeError(f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT_S} s "
                                   f"({type(exc).__name__}); is `dask scheduler` running there?") from None
        self.client = client
        self.blas_threads = blas_threads
        self.desc = "run"

    def submit_all(self, fn, configs):
        import uuid

        from distributed import as_completed as dask_completed
        token = uuid.uuid4().hex[:8]
        futures = {}
        for cfg in configs:
            fut = self.client.submit(call_with_blas_threads, fn, cfg, self.blas_threads,
                                     key=f"{self.desc}-{run_id(cfg)}-{token}")
            futures[fut.key] = (fut, cfg)
        try:
            for fut in dask_completed([f for f, _ in futures.values()]):
                yield futures[fut.key][1], fut.result()
        finally:
            for fut, _ in futures.values():
                if not fut.done():
                    fut.cancel()

    def describe(self) -> str:
        return f"dask cluster at {self.client.scheduler.address} ({len(self.client.scheduler_info()['workers'])} workers)"

    def close(self):
        if self._own:
            self.client.close()


def make_executor(name: str = "local", workers: int | None = None, scheduler: str | None = None):
    """Build an executor by name: ``serial``, ``local`` (a process pool) or ``dask`` (needs ``scheduler``)."""
    if name == "serial":
        return SerialExecutor()
    if name == "local":
        return LocalExecutor(workers)
    if name == "dask":
        return DaskExecutor(scheduler)
    raise ValueError(f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}")


def run_tasks(store: ResultStore, configs, fn, executor=None, force=False, progress=True, desc="runs",
              on_record=None):
    """Run every configuration the store lacks (all of them with ``force``); return (records, n_computed).

    Each record is written atomically the moment it arrives, so stopping the
    sweep at any point keeps every finished run.  ``records`` follows the
    order of ``configs``.  ``on_record(config, record)`` is called after each
    write (progress displays, tests).
    """
    configs = list(configs)
    ids = [run_id(c) for c in configs]
    if len(set(ids)) != len(ids):
        raise ValueError("two runs of the sweep have the same configuration")
    todo = [c for c, rid in zip(configs, ids) if force or not store.has(rid)]
    executor = executor or SerialExecutor()
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), desc=desc, unit="run")
    if hasattr(executor, "desc"):
        executor.desc = desc
    try:
        for cfg, rec in executor.submit_all(fn, todo):
            rec["id"] = run_id(cfg)
            store.write(rec["id"], rec)
            if on_record is not None:
                on_record(cfg, rec)
            if bar is not None:
                # names only: a detect run's "detector" is its settings dict, too long for a bar
                bar.set_postfix({k: cfg[k] for k in ("gan", "detector", "seed") if isinstance(cfg.get(k), (str, int))})
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return [store.read(rid) for rid in ids], len(todo)
