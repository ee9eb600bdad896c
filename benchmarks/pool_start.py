"""Start-up cost of the local pool's workers: a fresh interpreter each (``spawn``) against forks of one
forkserver that imported the package once (what ``LocalExecutor`` uses where the platform has one).

Each repeat runs, for each contestant in turn and each in a fresh interpreter, a sweep of two stages as
``mimgan reproduce`` runs them: two pools of 2 workers one after the other, each computing 4 small
rare-event runs (the work itself is a small part: the pools' start is what differs). It prints the medians
of the sweeps' wall times and their ratio, measured side by side in one run.
Run: ``python benchmarks/pool_start.py [--repeats 5]``.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

SWEEP = r"""
import sys, time
t0 = time.perf_counter()
import multiprocessing as mp
from mimgan.experiments.runs import executors
from mimgan.experiments.stages.rare_events import rare_config, run_rare
if sys.argv[1] == "spawn":  # the previous start method, for comparison
    executors._pool_context = lambda fn: mp.get_context("spawn")
configs = [rare_config("mim", 0.1, 1, s, iters=20, batch=64, hidden=8, eval_every=20, n_eval=500) for s in range(4)]
for stage in range(2):
    ex = executors.LocalExecutor(workers=2)
    try:
        assert len(list(ex.submit_all(run_rare, configs))) == len(configs)
    finally:
        ex.close()
print(time.perf_counter() - t0)
"""


def sweep_seconds(method: str) -> float:
    out = subprocess.run([sys.executable, "-c", SWEEP, method], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    methods = ("spawn", "forkserver")
    sweep_seconds("forkserver")  # compiles the kernels the runs need, so no contestant pays for it
    times = {m: [] for m in methods}
    for _ in range(args.repeats):
        for m in methods:
            times[m].append(sweep_seconds(m))
    med = {m: statistics.median(v) for m, v in times.items()}
    for m in methods:
        print(f"{m:>10}: median {med[m]:.2f} s over {args.repeats} sweeps "
              f"(min {min(times[m]):.2f}, max {max(times[m]):.2f})")
    print(f"spawn / forkserver: {med['spawn'] / med['forkserver']:.2f}x")


if __name__ == "__main__":
    main()
