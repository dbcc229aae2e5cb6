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
from workbench.analyses.allocation.load import read_rules
from workbench.synthetic import ledger

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_BYTES = 1 << 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    args = parser.parse_args()
    steps = set(range(1, 13))
    default = read_rules(REPO / "data/reference/standardregler.csv", allocation.DEFAULT, steps)
    municipal = read_rules(
        REPO / "data/municipalities/9999-demokommune/okonomi/regler.csv",
        allocation.MUNICIPAL,
        steps,
    )
    rules, parts = allocation.compile_rules(municipal, default)
    table = ledger(args.lines, years=(2024,), units_per_area=40, random_state=1)
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
    from_csv(table, rules, parts)


def from_csv(table, rules, parts) -> None:
    """The same ledger as a semicolon CSV with decimal commas, as a Norwegian export writes
    it: read (every cell checked) and allocated, in a fresh process so memory is its own."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "regnskap.csv"
        columns = ["year", "ansvar", "ansvar_name", "funksjon", "art", "amount"]
        shown = table[columns].copy()
        shown["amount"] = [f"{v:.2f}".replace(".", ",") for v in shown["amount"]]
        shown.to_csv(path, sep=";", index=False)
        code = (
            "import resource, sys, time\n"
            "from pathlib import Path\n"
            "from workbench.analyses.allocation import engine as a\n"
            "from workbench.analyses.allocation import load\n"
            f"repo = Path({str(REPO)!r})\n"
            "steps = set(range(1, 13))\n"
            "d = load.read_rules(repo / 'data/reference/standardregler.csv', a.DEFAULT, steps)\n"
            "m = load.read_rules(repo / 'data/municipalities/9999-demokommune/okonomi/regler.csv',"
            " a.MUNICIPAL, steps)\n"
            "rules, parts = a.compile_rules(m, d)\n"
            "t = time.perf_counter()\n"
            f"ledger = load.read_ledger(Path({str(path)!r}))\n"
            "read = time.perf_counter() - t\n"
            "a.reconcile(ledger, a.allocate(ledger, rules, parts))\n"
            "total = time.perf_counter() - t\n"
            "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "print(f'{len(ledger)} {read:.2f} {total:.2f} {rss:.0f}')\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        lines, read, total, rss = out.stdout.split()
        seconds = float(total)
        print(
            f"CSV of {int(lines):,} lines ({path.stat().st_size / 2**20:.0f} MiB): read {read} s, "
            f"read + allocate + reconcile {total} s (target ≤ 3 s: "
            f"{'met' if seconds <= 3 else 'MISSED'}), peak RSS {rss} MiB (target ≤ 1 GiB: "
            f"{'met' if float(rss) * 2**20 <= TARGET_BYTES else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
