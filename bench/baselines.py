"""Every member's baseline (rule 7) of a generated cooperative, in one process.

    python -m bench.baselines --size issue|large|small [--runs N] [--profile]

Prints the CPU time of ``member_baselines`` (each member's own needs priced alone, the
parts left with a choice solved by HiGHS in this process), how many members and
whether every baseline is a proven minimum; with ``--profile`` a cProfile of one more
run, by own time. The close computes the same baselines in the solver's worker
processes (``bench.close`` prints their CPU as ``workers_cpu_s``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time

from bench.generate import SIZES, cooperative
from pooling.adapters.highs import HighsSolver
from pooling.domain.baselines import member_baselines, own_demand
from shared.heap import collection_paused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="issue")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    instance = cooperative(**SIZES[args.size])
    demand = own_demand(instance.needs)
    solve = HighsSolver(120, workers=1)
    with collection_paused():  # as in the workers
        for _ in range(args.runs):
            started = time.process_time()
            baselines, optimal = member_baselines(
                demand, instance.offers, instance.suppliers, solve
            )
            cpu = time.process_time() - started
            figures = {"size": args.size, "members": len(baselines), "optimal": optimal}
            print(json.dumps(figures | {"cpu_s": round(cpu, 3)}))
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            member_baselines(demand, instance.offers, instance.suppliers, solve)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
