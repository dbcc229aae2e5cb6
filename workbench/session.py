"""What a notebook works with: the project, the validated parameters and its outputs.

A notebook's second cell opens a session from its papermill parameters. The session
validates them, reads files only from the project's ``data/`` folder, records the source
of every data file it reads (for the sources section and the illustrative marker), and
writes figures and tables when the batch gives it an output folder. It comes in three parts:
:mod:`workbench.sources` (what loading needs), :mod:`workbench.report_writer` (the files and
``nokkeltall.json``) and, here, what the notebook displays.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from workbench import analyses, formatting, plots
from workbench.config import Defaults, Municipality, parameter_file
from workbench.errors import InputError
from workbench.formatting import styled
from workbench.input_templates import missing_html
from workbench.outputs import KeyFigure
from workbench.project import Project
from workbench.provenance import (
    SOURCE_COLUMNS,
    asdict_provenance,
    source_row,
)
from workbench.report_writer import ReportWriter

MUNICIPALITY_PATTERN = "^[0-9]{4}$"
SOURCE_STYLE = "font-size:0.85em;color:#444"
MARK_STYLE = "font-size:0.85em;color:#b00020;font-weight:bold;margin-bottom:0"
PRICED_ANALYSES = frozenset({"calculator", "personas"})
"""The analyses priced from the price catalogue: their header names its version."""


@dataclass
class Session(ReportWriter):
    """One analysis for one municipality, in three parts: the data files read and their
    sources (:class:`workbench.sources.Sources`, what loading needs), the report written
    (:class:`workbench.report_writer.ReportWriter`), and here what a notebook displays:
    the banner, tables and figures with their source lines, key figures, sources and
    assumptions."""

    def missing_inputs(self) -> HTML | None:
        """A section per input still a template: what is missing, the columns expected, how
        to get them and what the report uses meanwhile (nothing when all are filled in)."""
        if not self.missing:
            return None
        return HTML("".join(missing_html(kind, file) for kind, file in self.missing))

    def banner(self) -> HTML:
        """The heading band of every report page: municipality, analysis and, for
        illustrative data, a clear warning."""
        m = self.municipality
        lines = [
            f"<div style='font-size:1.3em;font-weight:bold'>{self.analysis.title} – {m.title}</div>",
            f"<div>Basisår {m.base_year}, målår {m.target_year}."
            + (
                f" Priskatalog versjon {self.defaults.price_version}."
                if self.analysis.key in PRICED_ANALYSES
                else ""
            )
            + f" {self.price_label()}."
            + "</div>",
        ]
        style = "border-left:6px solid #1f5f8b;background:#eef4f8;padding:8px 12px;margin:4px 0"
        mark = self.illustrative  # the same words as on its tables and figures
        if mark:
            colour, background, note = (
                (
                    "#b00020",
                    "#fdecee",
                    "Tallene viser hvordan analysen virker og beskriver ingen virkelig kommune.",
                )
                if m.fictional
                else (
                    "#8a4b00",
                    "#fff4e5",
                    "Tabellene og figurene som bygger på dem, er merket "
                    "slik; de andre bygger bare på reelle eller avledede tall.",
                )
            )
            lines.append(
                f"<div style='color:{colour};font-weight:bold'>{html.escape(mark)}.</div>"
                f"<div>{note}</div>"
            )
            style = style.replace("#1f5f8b", colour).replace("#eef4f8", background)
        return HTML(f"<div style='{style}'>{''.join(lines)}</div>")

    def sources_table(self):
        """Every data file read, with its source and status; then what was suspicious about
        the data (:attr:`notes`), where anything was."""
        rows = [source_row(asdict_provenance(p)) for p in self.sources]
        table = styled(pd.DataFrame(rows, columns=SOURCE_COLUMNS), {})
        if not self.notes:
            return table
        display(table)
        items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return HTML(f"<p><strong>Merknader til datagrunnlaget</strong></p><ul>{items}</ul>")

    def assumptions_table(self):
        """The shared assumptions with their sources."""
        labels = {
            "source": "kilde",
            "derived": "avledet",
            "assumption": "antagelse",
        }
        rows = [
            {
                "Forutsetning": value.name,
                "Verdi": value.shown(),
                "Enhet": value.unit,
                "Type": labels[value.kind],
                "Kilde": value.source,
            }
            for _, value in self.defaults.assumptions
        ]
        return styled(pd.DataFrame(rows), {})

    def show_figure(
        self,
        fig: Figure,
        stem: str,
        alt: str = "",
        sources: list[Path] | None = None,
        slide: Callable[[], Figure] | None = None,
    ) -> None:
        """Show a figure in the report as SVG, write that SVG into ``figures/`` and close
        the figure: drawn once, at its own size (no cropping pass).

        Args:
            alt: Text for readers who cannot see the image (default the figure's title).
            sources: The data files it was computed from (default every file read so far).
            slide: Draws the same chart again; given for the figures the deck shows, and
                called when the session draws slides (:attr:`slides`), inside
                :func:`workbench.plots.slide_style`, written as ``<stem>-lysark.png``: at
                the slide's size, no text under 12 pt, without the title, mark and source
                line the slide shows as text. The only PNG a report writes.
        """
        svg = plots.svg_bytes(fig)
        title = plots.title_of(fig) or stem
        plots.plt.close(fig)
        if self.output_dir is not None:
            files = {"svg": svg}
            if slide is not None and self.slides:
                with plots.slide_style():
                    drawn = slide()
                files["slide"] = plots.png_bytes(drawn, plots.SLIDE_DPI, tight=False)
                plots.plt.close(drawn)
            self.write_figure(stem, title, files, sources)
        display(HTML(plots.svg_image(svg, alt or title)))

    def show_table(
        self,
        frame: pd.DataFrame,
        formats: dict[str, str],
        stem: str,
        title: str,
        sources: list[Path] | None = None,
        parts: tuple[str, ...] = (),
    ) -> None:
        """Write a table (see :meth:`save_table`) and show it in Norwegian format with its
        title as caption and its source line under it.

        Args:
            formats: Column → format name in :data:`workbench.formatting.FORMATTERS`.
            parts: See :meth:`save_table`.
        """
        self.save_table(frame, stem, title, sources, formats, parts)
        display(styled(frame, formats, caption=title))
        self.show_source(sources, money=any("kr" in f for f in formats.values()))

    def show_source(self, sources: list[Path] | None = None, *, money: bool = True) -> None:
        """The source line under a table: the data files' titles, the price year where it
        shows kroner, and the workbench, after the table's mark when it is built from
        illustrative data."""
        mark = self.illustrative_for(sources)
        marked = f"<p style='{MARK_STYLE}'>{html.escape(mark)}</p>" if mark else ""
        display(
            HTML(
                f"{marked}<p style='{SOURCE_STYLE}'>Kilde: "
                f"{html.escape(self.source_line(sources, money=money))}</p>"
            )
        )

    def show_key_figures(self, figures: list[KeyFigure]):
        """Record the report's key figures (for ``nokkeltall.json``) and show them as a table."""
        known = {f.key for f in figures}
        self.key_figures[:] = [f for f in self.key_figures if f.key not in known] + list(figures)
        self.write_manifest()
        frame = pd.DataFrame(
            {
                "Nøkkeltall": [f.label for f in figures],
                "Verdi": [formatting.with_unit(f.value, f.unit) for f in figures],
            }
        )
        if any(f.source is not None for f in figures):
            frame["Kildens tall"] = [
                formatting.with_unit(f.source, f.unit) if f.source is not None else ""
                for f in figures
            ]
        return styled(frame, {}, caption="Nøkkeltall")


def open_session(
    analysis: str,
    municipality: str,
    *,
    output_dir: str = "",
    project_dir: str = "",
    slides: bool = False,
) -> Session:
    """Validate a notebook's parameters and open its session.

    Args:
        analysis: Key in :data:`workbench.analyses.ANALYSES`.
        municipality: Four-digit municipality number, as text (``"0301"``, not ``301``).
        output_dir: Folder for figures and tables; empty for none.
        project_dir: Project folder; empty to locate it.
        slides: Also draw the slide versions of the deck's figures (with ``output_dir``).

    Raises:
        InputError: An unknown or malformed municipality number, an invalid parameter
            file, or a municipality that has not configured this analysis.
    """
    project = Project.locate(project_dir or None)
    chosen = analyses.get(analysis)
    path = parameter_file(project.parameters_dir, municipality)
    chosen_municipality = Municipality.from_file(path)
    if not chosen.enabled_for(chosen_municipality):
        raise InputError(
            path, f"kommunen har ikke satt opp analysen «{chosen.title}» under analyses:"
        )
    defaults = Defaults.from_file(project.parameters_dir / "defaults.yaml")
    out = Path(output_dir).resolve() if output_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return Session(project, defaults, chosen_municipality, chosen, out, slides=slides)
