"""What consultants hand over: one Excel workbook and one slide deck per municipality.

Both are assembled from what the report jobs wrote into ``reports/<nr>-<slug>/<analysis>/``
(read back by :mod:`workbench.collected`): the tables as CSV, the figures as PNG and
``nokkeltall.json`` with the key figures and every table's and figure's sources. Nothing here
runs a report or computes a figure; a missing report is an error that names it. Slides follow the order of the Færder presentation (the
staircase with the cost allocation, the housing profile, the persona trajectories and
phase-in, calculator examples, sources).
"""

from __future__ import annotations

from pathlib import Path

from workbench import deck, workbook
from workbench.collected import collect
from workbench.project import Project


def build(
    project: Project, number: str, folder: Path, reports_dir: Path | None = None
) -> tuple[Path, Path]:
    """Write ``<nr>-<slug>-innsatstrapp.xlsx`` and ``.pptx`` into ``folder`` from the
    municipality's written reports.

    Raises:
        InputError: A report, or a table or figure of one, is missing (nothing is written).
    """
    collected = collect(project, number, reports_dir)
    for _, output in collected.reports:
        output.check()  # a missing file stops the build before anything is written
    stem = f"{collected.municipality.key}-innsatstrapp"
    return (
        workbook.write_workbook(collected, folder / f"{stem}.xlsx"),
        deck.write_deck(collected, folder / f"{stem}.pptx"),
    )
