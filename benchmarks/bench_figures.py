"""What each report figure costs to draw: build, SVG for the HTML report, PNG at 200 dpi, and
the slide version where the deck shows it.

Runs the four report notebooks' code in this process for one municipality (the cells as the
batch runs them, without writing files; what they show is formatted as the kernel formats it,
HTML and plain text, and sent nowhere), timing every figure the reports show. Prints one row
per figure, the most expensive first:

    figure, axes, build ms, SVG ms, PNG ms (the same figure at 200 dpi, for comparison),
    slide ms (drawing and rendering the slide version; empty where the deck does not show it)

    .venv/bin/python benchmarks/bench_figures.py [--municipality 9999] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import json
import time
from collections import defaultdict
from pathlib import Path

import IPython.display
import matplotlib
from IPython.core.formatters import DisplayFormatter

matplotlib.use("Agg")
FORMATTER = DisplayFormatter()
# what the kernel does with each object shown: every representation (HTML, plain text) made,
# then sent to nobody
IPython.display.display = lambda *objects, **kwargs: [FORMATTER.format(o) for o in objects]

import matplotlib.pyplot as plt  # noqa: E402

from workbench import analyses, plots  # noqa: E402
from workbench.session import Session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def code_cells(notebook: Path) -> list[str]:
    """The notebook's code cells as the batch runs them (the analyst's cells left out)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "analytiker" not in c["metadata"].get("tags", [])
    ]


def measure(
    municipality: str, root: Path = ROOT, output_dir: str = "", slides: bool = True
) -> tuple[dict[str, dict[str, float]], float]:
    """Seconds per figure stem (build, svg, png, slide; and its number of axes), and the
    seconds all the notebooks' code took as the batch runs it (the comparison PNG left out).

    Args:
        root: The project folder (another than this one: ``benchmarks/bench_fleet.py``'s
            synthetic municipalities).
        output_dir: Where the notebooks write their files, as in the batch (empty: none).
        slides: Draw the slide versions too, as a batch with deliverables does.
    """
    created: dict[int, float] = {}
    comparison = 0.0
    found: dict[str, dict[str, float]] = {}
    original_subplots = plt.subplots

    def subplots(*args, **kwargs):
        started = time.perf_counter()
        fig, axes = original_subplots(*args, **kwargs)
        created[id(fig)] = started
        return fig, axes

    def show_figure(self, fig, stem, alt="", sources=None, slide=None):
        build = time.perf_counter() - created.pop(id(fig), time.perf_counter())
        started = time.perf_counter()
        plots.svg_bytes(fig)
        svg = time.perf_counter() - started
        nonlocal comparison
        started = time.perf_counter()
        plots.png_bytes(fig, plots.SLIDE_DPI, tight=False)
        png = time.perf_counter() - started
        comparison += png
        row = {"axes": len(fig.axes), "build": build, "svg": svg, "png": png, "slide": None}
        plt.close(fig)
        if slide is not None and self.slides:
            started = time.perf_counter()
            with plots.slide_style():
                drawn = slide()
            plots.png_bytes(drawn, plots.SLIDE_DPI, tight=False)
            row["slide"] = time.perf_counter() - started
            plt.close(drawn)
        found[f"{self.analysis.key}/{stem}"] = row

    plt.subplots = subplots
    Session.show_figure = show_figure
    started = time.perf_counter()
    try:
        for analysis in analyses.ANALYSES.values():
            cells = code_cells(ROOT / "notebooks" / analysis.notebook)
            namespace: dict = {}
            exec(cells[0], namespace)
            namespace.update(
                municipality=municipality,
                output_dir=output_dir,
                project_dir=str(root),
                slides=slides,
            )
            for source in cells[1:]:
                run_cell(source, analysis.notebook, namespace)
    finally:
        plt.subplots = original_subplots
    return found, time.perf_counter() - started - comparison


def run_cell(source: str, name: str, namespace: dict) -> None:
    """Run a cell as IPython does: a last line that is an expression is shown (formatted)."""
    body = ast.parse(source).body
    last = body.pop() if body and isinstance(body[-1], ast.Expr) else None
    exec(compile(ast.Module(body, type_ignores=[]), name, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
        if value is not None:
            FORMATTER.format(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipality", default="9999")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest counts")
    args = parser.parse_args()
    runs = [measure(args.municipality)[0] for _ in range(args.repeat)]
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for stem in runs[0]:
        for key in ("build", "svg", "png", "slide"):
            values = [run[stem][key] for run in runs if run[stem][key] is not None]
            best[stem][key] = min(values) if values else None
        best[stem]["axes"] = runs[0][stem]["axes"]

    def total(row):
        return row["build"] + row["svg"] + (row["slide"] or 0)

    print(f"Figurer for kommune {args.municipality}, raskeste av {args.repeat} kjøringer (ms):")
    print(f"{'figur':55} {'akser':>5} {'lage':>7} {'SVG':>7} {'PNG':>7} {'lysark':>7}")
    for stem, row in sorted(best.items(), key=lambda item: -total(item[1])):
        slide = f"{row['slide'] * 1000:7.0f}" if row["slide"] is not None else f"{'':>7}"
        print(
            f"{stem:55} {row['axes']:5d} {row['build'] * 1000:7.0f} {row['svg'] * 1000:7.0f} "
            f"{row['png'] * 1000:7.0f} {slide}"
        )
    report = sum(r["build"] + r["svg"] for r in best.values())
    slides = sum(r["slide"] or 0 for r in best.values())
    old = sum(r["build"] + r["png"] * 2 + r["svg"] * 2 for r in best.values())
    print(
        f"I alt per kommune: rapportene {report:.2f} s (lage + SVG), lysarkene {slides:.2f} s; "
        f"til sammenligning PNG og SVG med beskjæring (to tegninger hver): {old:.2f} s"
    )


if __name__ == "__main__":
    main()
