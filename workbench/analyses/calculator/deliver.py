"""The calculator's slides, read from its written report folder."""

from __future__ import annotations

from workbench.deck import Slide, point
from workbench.outputs import ReportOutput

FIGURE = "kostnad-og-arsverk"


def slides(output: ReportOutput) -> list[Slide]:
    """Per package: its chart, and each alternative's annual cost and årsverk."""
    found = []
    for entry in output.figures():
        if not entry.stem.endswith(f"-{FIGURE}"):
            continue
        stem = entry.stem.removesuffix(f"-{FIGURE}")
        title = output.key_figure(f"{stem}.title").value
        points = [
            point(f)
            for f in output.key_figures(f"{stem}.")
            if f.key.endswith((".annual_cost", ".fte"))
        ]
        found.append(Slide(f"Ressurskalkulator: {title}", output.png(entry), points))
    return found
