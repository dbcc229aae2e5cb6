"""The allocation's slides, read from its written report folder."""

from __future__ import annotations

from workbench.deck import Slide, figure_png, point
from workbench.outputs import ReportOutput

LEDGER_POINTS = (
    "total",
    "steps_1_4",
    "steps_1_4_share",
    "steps_9_12",
    "steps_9_12_share",
    "not_allocated",
    "not_allocated_share",
)


def slides(output: ReportOutput) -> list[Slide]:
    """The staircase with the cost per step (from the ledger, or the source's own figures
    when the municipality has not entered its accounts), and the target profile where the
    municipality has set one."""
    return _staircase(output) + _target(output)


def _target(output: ReportOutput) -> list[Slide]:
    figure = figure_png(output, "malprofil")
    if figure is None:
        return []
    last = output.key_figure("target_year").value
    return [
        Slide(
            f"Målprofil fram mot {last}",
            figure,
            [point(output.key_figure("target_move"))],
        )
    ]


def _staircase(output: ReportOutput) -> list[Slide]:
    year = output.key_figure("year").value
    figure = figure_png(output, "trapp")
    if any(f.key == "total" for f in output.key_figures()):
        points = [point(output.key_figure(key)) for key in LEDGER_POINTS]
        difference = output.key_figure("difference_ore").value
        points.append(
            "Avstemt mot regnskapet til øret"
            if difference == 0
            else f"Avviker fra regnskapet med {difference} øre"
        )
        return [Slide(f"Økonomifordeling i innsatstrappa {year}", figure, points)]
    steps = [f for f in output.key_figures("step_") if not f.key.endswith("_share")]
    points = [point(output.key_figure("source_total")), *(point(f) for f in steps)]
    return [Slide(f"Økonomifordeling {year}: kildens tall", figure, points)]
