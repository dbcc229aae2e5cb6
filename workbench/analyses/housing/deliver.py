"""The housing profile's slides, read from its written report folder."""

from __future__ import annotations

from workbench.deck import Slide, figure_png, point
from workbench.formatting import with_unit
from workbench.outputs import ReportOutput


def slides(output: ReportOutput) -> list[Slide]:
    """The profile today and at the target year, årsverk and cost for both profiles, and
    every key figure as a table."""
    target = output.manifest["municipality"]["target_year"]
    staff = [point(output.key_figure(k)) for k in ("staff_base", "growth")]
    change = [point(output.key_figure(k)) for k in ("growth", "practice", "cost_share")]
    table = [(f.label, with_unit(f.value, f.unit)) for f in output.key_figures()]
    return [
        Slide(f"Boligprofil 67+ mot {target}", figure_png(output, "profil"), staff),
        Slide(
            "Årsverk og kostnader: dagens og alternativ profil",
            figure_png(output, "arsverk-og-kostnader"),
            change,
        ),
        Slide("Bemanning og kostnader – sammendrag", rows=table, table="sammendrag"),
    ]
