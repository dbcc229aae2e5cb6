"""Allocate a ledger of 500 000 lines and print the time and peak memory.

Targets: under 2 s and under 1 GiB. The ledger is synthetic and deterministic
(:func:`workbench.synthetic.ledger`); the rules are the shipped defaults plus Demokommune's.

    .venv/bin/python benchmarks/bench_allocation.py [--lines 500000]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from workbench.analyses.allocation import engine as allocation
from workbench.synthetic import ledger

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_BYTES = 1 << 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    args = parser.parse_args()
    steps = set(range(1, 13))
    default = allocation.read_rules(
        REPO / "data/reference/standardregler.csv", allocation.DEFAULT, steps
    )
    municipal = allocation.read_rules(
        REPO / "data/municipalities/9999-demokommune/okonomi/regler.csv",
        allocation.MUNICIPAL,
        steps,
    )
    rules, parts = allocation.compile_rules(municipal, default)
    table = ledger(args.lines, years=(2024,), units_per_area=40, seed=1)
    table["amount_ore"] = np.rint(table["amount"].to_numpy() * 100).astype(np.int64)
    table["line"] = np.arange(len(table))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    result = allocation.allocate(table, rules, parts)
    reconciliation = allocation.reconcile(table, result)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()  # a second, traced run for the allocations made (tracing slows it down)
    allocation.reconcile(table, allocation.allocate(table, rules, parts))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    combos = table[["ansvar", "funksjon", "art"]].drop_duplicates().shape[0]
    print(
        f"{len(table):,} lines ({combos:,} distinct ansvar/funksjon/art), {len(rules)} rules → {len(result):,} parts"
    )
    print(
        f"allocate + reconcile: {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if seconds < TARGET_SECONDS else 'MISSED'})"
    )
    print(
        f"memory: process peak RSS {rss / 2**20:.0f} MiB (before allocating {baseline / 2**20:.0f} MiB; "
        f"target < 1 GiB: {'met' if rss < TARGET_BYTES else 'MISSED'}); traced allocations {peak / 2**20:.0f} MiB"
    )
    print(f"difference to the ledger: {int(reconciliation['difference_ore'].abs().sum())} øre")


if __name__ == "__main__":
    main()
