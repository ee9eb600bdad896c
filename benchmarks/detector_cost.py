"""Cost of one GAN detector against an ensemble of K, on Cardio (fit + score of one split), side by side.

The issue's budget: one GAN < 3 s on 2 cores; an ensemble of K at most K times that, its members
training side by side where cores allow.  Each contestant is timed in turn within every repeat
(``interleaved``); the ratios printed are of medians from the same run.
Run: ``MIMGAN_DATA=../shared/data python benchmarks/detector_cost.py [--repeats 5] [--members 5]``.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import interleaved  # noqa: E402

from mimgan.experiments import datasets as ds  # noqa: E402
from mimgan.experiments.anomaly import make_gan_detector, odds_split  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--dataset", default="cardio")
    args = ap.parse_args()
    X, y = ds.load(args.dataset)
    split = odds_split(X, y, "one-class", 0)

    def job(**kw):
        def run():
            det = make_gan_detector(random_state=0, **kw).fit(split.X_train)
            det.decision_function(split.X_test)
        return run

    K = args.members
    fns = {"one GAN": job(),
           f"ensemble K={K}, members one after another": job(n_members=K, n_threads=1),
           f"ensemble K={K}, members side by side": job(n_members=K)}
    med = interleaved(fns, steps=1, repeats=args.repeats, warmup=1, gap=0.3)
    one = med["one GAN"]
    print(f"{args.dataset}: fit + score of one split, median of {args.repeats} (os.cpu_count() = {os.cpu_count()})")
    for name, t in med.items():
        print(f"  {name:45s} {t:7.2f} s   {t / one:5.2f} x one GAN   ({t / one / (1 if name == 'one GAN' else K):.2f} "
              f"x K x one GAN)")


if __name__ == "__main__":
    main()
