"""Time the opinion map's computation (opinions.clustering.opinion_map) on a synthetic
topic: 1,000 participants × 50 statements by default, three camps of different sizes,
10 % of votes flipped to pass, 30 % of statements unseen by each participant.

    .venv/bin/python bench/opinion_map.py [--participants 1000] [--statements 50] [--runs 5]

Prints the median and worst wall time of the whole computation (min-votes filter, impute,
PCA, k-means for k = 2…5 with silhouette scores, representative statements, consensus,
stable labels against the previous run's groups) and how it splits into its steps.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from opinions.clustering import Params, _cluster, _project, opinion_map


def synthetic(participants: int, statements: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    camps = rng.choice(3, size=participants, p=[0.5, 0.3, 0.2])
    leaning = rng.choice([-1.0, 1.0], size=(3, statements))
    leaning[:, : statements // 10] = 1.0  # some statements every camp agrees with
    votes = leaning[camps].copy()
    votes[rng.random(votes.shape) < 0.1] = 0.0
    votes[rng.random(votes.shape) < 0.3] = np.nan
    return votes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    votes = synthetic(args.participants, args.statements)
    keys = list(range(args.participants))
    previous = opinion_map(votes, keys=keys).members_by_label(keys)  # warm-up, and labels
    totals, steps = [], {"project": [], "cluster": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        result = opinion_map(votes, keys=keys, previous=previous)
        totals.append(time.perf_counter() - started)
        with threadpool_limits(limits=1):  # as opinion_map runs them
            started = time.perf_counter()
            points = _project(votes[list(result.included)])
            steps["project"].append(time.perf_counter() - started)
            started = time.perf_counter()
            _cluster(points, Params())
            steps["cluster"].append(time.perf_counter() - started)
    ms = [t * 1000 for t in totals]
    print(
        f"{args.participants} participants × {args.statements} statements, {args.runs} runs: "
        f"median {statistics.median(ms):.0f} ms, worst {max(ms):.0f} ms; "
        f"{len(result.groups)} groups, {len(result.consensus)} consensus statements"
    )
    for name, values in steps.items():
        print(f"  {name}: median {statistics.median(values) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
