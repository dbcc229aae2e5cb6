"""Time one widget update in each app and print the figures.

Target: an update recomputes (engine + tables) in under 50 ms. The chart redraw is timed
separately ("full update"), since it is matplotlib's cost rather than the analysis's.

    .venv/bin/python benchmarks/bench_widget.py [--updates 30]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
from collections.abc import Callable

from workbench.analyses.calculator.app import CalculatorApp
from workbench.analyses.calculator.load import load as load_calculator
from workbench.analyses.housing.app import HousingApp
from workbench.analyses.housing.load import load as load_housing
from workbench.analyses.housing.report import step_names
from workbench.analyses.personas.app import PersonasApp
from workbench.analyses.personas.load import load as load_personas
from workbench.session import open_session

TARGET_MS = 50.0


def calculator() -> tuple[object, Callable[[int], None]]:
    session = open_session("calculator", "9999")
    app = CalculatorApp(load_calculator(session), session.source_line(), illustrative=True)
    quantity = app.editors[1].lines[0].quantity  # 4 alternatives, 9 lines, 34 services

    def change(i: int) -> None:
        quantity.text.value = str(10 + i % 7)

    return app, change


def personas() -> tuple[object, Callable[[int], None]]:
    session = open_session("personas", "3911")
    app = PersonasApp(load_personas(session), session.source_line(), illustrative=False)

    def change(i: int) -> None:
        app.persons.text.value = str(600 + i)

    return app, change


def housing() -> tuple[object, Callable[[int], None]]:
    session = open_session("housing", "9999")
    app = HousingApp(
        load_housing(session),
        2024,
        2040,
        step_names(session),
        session.source_line(),
        illustrative=True,
    )

    def change(i: int) -> None:
        app.sliders[("90+", 1)].value = 20 + i % 30

    return app, change


def measure(
    build: Callable[[], tuple[object, Callable[[int], None]]], updates: int
) -> tuple[list[float], list[float]]:
    recompute, full = [], []
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, Output widgets print
        app, change = build()
        for i in range(updates):
            started = time.perf_counter()
            change(i)
            full.append((time.perf_counter() - started) * 1000)
            recompute.append(app.last_seconds * 1000)
    return recompute, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=30)
    args = parser.parse_args()
    for name, build in (("calculator", calculator), ("personas", personas), ("housing", housing)):
        recompute, full = measure(build, args.updates)
        verdict = "met" if statistics.median(recompute) < TARGET_MS else "MISSED"
        for label, values in (
            ("recompute (engine + tables)", recompute),
            ("full update incl. charts", full),
        ):
            ordered = sorted(values)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            print(
                f"{name:10s} {label:28s} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms"
            )
        print(f"{name:10s} target recompute < {TARGET_MS:.0f} ms: {verdict}   (n={args.updates})")


if __name__ == "__main__":
    main()
