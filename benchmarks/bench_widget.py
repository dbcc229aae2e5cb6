"""Time one widget update in each app and print the figures.

Each app is built as its Voilà notebook (``notebooks/apps/<key>.ipynb``) builds it: through
the analysis's spec, for a session on this repository's project.
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
from pathlib import Path

from workbench import analyses
from workbench.session import open_session

TARGET_MS = 50.0
REPO = Path(__file__).resolve().parent.parent


def app_for(key: str, municipality: str):
    """The app for one analysis and municipality, built as its app notebook builds it."""
    session = open_session(key, municipality, project_dir=str(REPO))
    return analyses.get(key).app(session)


def calculator() -> tuple[object, Callable[[int], None]]:
    app = app_for("calculator", "9999")
    quantity = app.editors[1].lines[0].quantity  # 4 alternatives, 9 lines, 34 services

    def change(i: int) -> None:
        quantity.text.value = str(10 + i % 7)

    return app, change


def personas() -> tuple[object, Callable[[int], None]]:
    app = app_for("personas", "3911")

    def change(i: int) -> None:
        app.persons.text.value = str(600 + i)

    return app, change


def housing() -> tuple[object, Callable[[int], None]]:
    app = app_for("housing", "9999")

    def change(i: int) -> None:
        app.sliders[("90+", 1)].value = 20 + i % 30

    return app, change


def allocation() -> tuple[object, Callable[[int], None]]:
    app = app_for("allocation", "9999")  # the demo municipality has a ledger
    variants = [key for _label, key in app.variant.options]

    def change(i: int) -> None:
        app.variant.value = variants[(i + 1) % len(variants)]

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
    for name, build in (
        ("calculator", calculator),
        ("personas", personas),
        ("housing", housing),
        ("allocation", allocation),
    ):
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
