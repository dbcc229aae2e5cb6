"""The housing profile's slides, read from its written report folder."""

from __future__ import annotations

from workbench.deck import Slide, figure_png, point
from workbench.formatting import mill_kr, number, with_unit
from workbench.outputs import KeyFigure, ReportOutput


def slides(output: ReportOutput) -> list[Slide]:
    """The profile today and at the target year, årsverk and cost for both profiles, and
    every key figure as a table (with the source's figure and the deviation beside it, where
    the municipality has the source's summary)."""
    target = output.manifest.municipality.target_year
    staff = [point(output.key_figure(k)) for k in ("staff_base", "growth")]
    change = [point(output.key_figure(k)) for k in ("growth", "practice", "cost_share")]
    figures = output.key_figures()
    if any(f.source is not None for f in figures):
        headers = ("Nøkkeltall", "Modellen", "Kilden", "Avvik")
        table = [
            (
                f.label,
                with_unit(f.value, f.unit),
                with_unit(f.source, f.unit) if f.source is not None else "",
                deviation(f) if f.source is not None else "",
            )
            for f in figures
        ]
    else:
        headers = ("Nøkkeltall", "Verdi")
        table = [(f.label, with_unit(f.value, f.unit)) for f in figures]
    return [
        Slide(f"Boligprofil 67+ mot {target}", figure_png(output, "profil"), staff),
        Slide(
            "Årsverk og kostnader: dagens og alternativ profil",
            figure_png(output, "arsverk-og-kostnader"),
            change,
        ),
        Slide(
            "Bemanning og kostnader – sammendrag",
            rows=table,
            table="sammendrag",
            headers=headers,
        ),
    ]


def deviation(figure: KeyFigure) -> str:
    """The model's figure less the source's, as the reader sees the figures (percentage
    points for shares)."""
    difference = figure.value - figure.source
    if figure.unit == "andel":
        return f"{number(difference * 100, 1)} prosentpoeng"
    if figure.unit == "kr":  # in the unit the figures beside it are read in
        return mill_kr(difference, 1)
    return f"{number(difference, 1)} {figure.unit}"
