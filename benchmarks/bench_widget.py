"""Time one calculator update in the widget path and print the figures.

Target: a widget update recomputes (engine + tables) in under 50 ms. The chart redraw is
timed separately, since it is matplotlib's cost rather than the calculator's.

    .venv/bin/python benchmarks/bench_widget.py [--updates 50]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

from workbench.calculator_app import CalculatorApp
from workbench.inputs import calculator_inputs
from workbench.session import open_session

TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50)
    args = parser.parse_args()
    session = open_session("calculator", "9999")
    inputs = calculator_inputs(session)
    app = CalculatorApp(inputs, session.source_line(), illustrative=session.illustrative)
    quantity = app.editors[1].lines[0].quantity  # 4 alternatives, 9 lines, 34 services
    recompute, full = [], []
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, Output widgets print
        for i in range(args.updates):
            started = time.perf_counter()
            quantity.value = 10 + i % 7  # triggers refresh(): recompute + chart
            full.append((time.perf_counter() - started) * 1000)
            recompute.append(app.last_seconds * 1000)
    for label, values in (
        ("recompute (engine + tables)", recompute),
        ("full update incl. chart", full),
    ):
        values = sorted(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"{label:30s} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   (n={len(values)})"
        )
    verdict = "met" if statistics.median(recompute) < TARGET_MS else "MISSED"
    print(f"target: recompute < {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
