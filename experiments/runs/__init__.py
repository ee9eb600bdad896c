"""Running many independent runs: the resumable results store and the executors (serial, local pool, Dask)."""
from .executors import EXECUTORS, DaskExecutor, LocalExecutor, SerialExecutor, make_executor, run_tasks
from .store import ResultStore, run_id

__all__ = ["EXECUTORS", "DaskExecutor", "LocalExecutor", "ResultStore", "SerialExecutor", "make_executor", "run_id",
           "run_tasks"]
