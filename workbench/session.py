"""What a notebook works with: the project, the validated parameters and its outputs.

A notebook's second cell opens a session from its papermill parameters. The session
validates them, reads files only from the project's ``data/`` folder, records the source
of every data file it reads (for the sources section and the illustrative marker), and
writes figures and tables when the batch gives it an output folder.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from workbench import analyses, formatting, plots
from workbench.analyses import Analysis
from workbench.config import Defaults, Municipality, parameter_file
from workbench.errors import InputError
from workbench.formatting import styled
from workbench.input_templates import TEMPLATES, is_template, missing_html
from workbench.manifest import (
    AnalysisEntry,
    Entry,
    KeyFigureEntry,
    Manifest,
    MissingEntry,
    MunicipalityEntry,
)
from workbench.marking import marking
from workbench.outputs import (
    FIGURES,
    KEY_FIGURES,
    TABLES,
    KeyFigure,
    atomic_write_bytes,
    atomic_write_text,
    for_reading,
    write_table,
)
from workbench.project import Project
from workbench.provenance import (
    SOURCE_COLUMNS,
    Provenance,
    asdict_provenance,
    provenance_of,
    source_row,
)

MUNICIPALITY_PATTERN = "^[0-9]{4}$"
SOURCE_STYLE = "font-size:0.85em;color:#444"
MARK_STYLE = "font-size:0.85em;color:#b00020;font-weight:bold;margin-bottom:0"
PRICED_ANALYSES = frozenset({"calculator", "personas"})
"""The analyses priced from the price catalogue: their header names its version."""
CURRENT_PRICES = frozenset({"allocation"})
"""The analyses whose kroner are each year's own (the accounts), not one price year's."""


@dataclass(frozen=True)
class Recorded:
    """A table or figure a report showed and wrote, for ``nokkeltall.json``.

    Args:
        stem: File name without extension.
        title: What it shows, in Norwegian.
        files: Its files, relative to the report folder.
        sources: The titles of the data files it was computed from.
        marking: What it says about illustrative numbers (see :mod:`workbench.marking`);
            empty when it is built only from real or derived data of a real municipality.
    """

    stem: str
    title: str
    files: dict[str, str]
    sources: list[str]
    marking: str
    columns: dict[str, str] = field(default_factory=dict)
    """A table's column → its format in :data:`workbench.formatting.FORMATTERS` (what the
    report shows it as), for the CSV's rounding and the workbook's number formats."""

    @property
    def illustrative(self) -> bool:
        return bool(self.marking)


@dataclass
class Session:
    """One analysis for one municipality.

    Args:
        project: The project folder.
        defaults: Shared assumptions.
        municipality: The municipality's validated parameters.
        analysis: The analysis being presented.
        output_dir: Where to write figures and tables; ``None`` writes nothing.
    """

    project: Project
    defaults: Defaults
    municipality: Municipality
    analysis: Analysis | None
    output_dir: Path | None = None
    slides: bool = False
    """Draw the slide version of the figures the deck shows (:meth:`show_figure`)."""
    sources: list[Provenance] = field(default_factory=list)
    tables: list[Recorded] = field(default_factory=list)
    figures: list[Recorded] = field(default_factory=list)
    key_figures: list[KeyFigure] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    """Inputs still templates (:mod:`workbench.input_templates`): (kind, file under data/)."""
    notes: list[str] = field(default_factory=list)
    """What the loaders found suspicious but not wrong (a row exported twice, a year far from
    the others): said by ``validate`` and in the report's data section, never silent."""

    omitted: list[str] = field(default_factory=list)
    """Cell tags whose sections the HTML report leaves out (``regnskap`` when the accounts
    are not in yet): the report says once what they would show, instead of each section
    saying it is empty."""

    def omit_from_report(self, tag: str) -> None:
        """Leave the notebook's cells tagged ``tag`` out of the HTML report (they stay in the
        executed notebook for the analyst)."""
        if tag not in self.omitted:
            self.omitted.append(tag)
            self.write_manifest()

    def note(self, path: Path, text: str) -> None:
        """Record something suspicious about a data file (once)."""
        try:
            where = f"data/{path.resolve().relative_to(self.project.data_dir.resolve())}"
        except ValueError:
            where = path.name
        line = f"{where}: {text}"
        if line not in self.notes:
            self.notes.append(line)

    @property
    def illustrative(self) -> str:
        """The mark for everything read so far (:func:`workbench.marking.marking`): empty
        (false) for a real municipality with only real or derived data."""
        return self.illustrative_for(None)

    def illustrative_for(self, paths: list[Path] | None) -> str:
        """The mark for something built from these data files (all read so far for None):
        the fictional municipality's, the illustrative inputs named, or empty."""
        m = self.municipality
        return marking(m.fictional, m.name, self._chosen(paths))

    def data_file(self, relative: str, *, key: str, named_in: Path | None = None) -> Path:
        """Resolve a file name relative to ``data/`` and record its source.

        Args:
            relative: The file name as a parameter file or notebook parameter gives it.
            key: Which key named it (for error messages).
            named_in: The file that named it; default the municipality's parameter file.

        Raises:
            InputError: The name leaves ``data/``, the file is missing or has no source entry.
        """
        source = named_in or self.municipality.source_file
        path = self.project.data_path(relative, source=source, key=key)
        provenance = provenance_of(path, self.project.data_dir)
        if all(p.path != provenance.path for p in self.sources):
            self.sources.append(provenance)
        return path

    def filled_file(self, relative: str, *, key: str, kind: str) -> Path | None:
        """A data file that may still be a template the municipality has to fill in
        (:func:`workbench.input_templates.is_template`, and ``template`` in its
        ``sources.yaml``): its path, or None while it is a template (then recorded in
        :attr:`missing`, not among the sources).

        Raises:
            InputError: As :meth:`data_file`.
        """
        path = self.project.data_path(relative, source=self.municipality.source_file, key=key)
        # only a file its sources.yaml calls a template waits to be filled in: a data file
        # with nothing under its header is an empty file, read and refused as such
        if is_template(path) and provenance_of(path, self.project.data_dir).status == "template":
            if (kind, relative) not in self.missing:
                self.missing.append((kind, relative))
            return None
        return self.data_file(relative, key=key)

    def missing_inputs(self) -> HTML | None:
        """A section per input still a template: what is missing, the columns expected, how
        to get them and what the report uses meanwhile (nothing when all are filled in)."""
        if not self.missing:
            return None
        return HTML("".join(missing_html(kind, file) for kind, file in self.missing))

    @property
    def price_year(self) -> int:
        """The year the calculator, personas and housing profile count kroner in: the
        municipality's ``price_year``, else the defaults'."""
        return self.municipality.price_year or self.defaults.price_year

    def price_label(self) -> str:
        """Which kroner the analysis counts in, as every figure and table says it."""
        if self.analysis is not None and self.analysis.key in CURRENT_PRICES:
            return "Kroner i hvert regnskapsårs priser"
        return f"Kroner i {self.price_year}-priser"

    def source_line(self, paths: list[Path] | None = None, *, money: bool = True) -> str:
        """A short source line for figures and tables: the data files' titles, the price
        year (for kroner) and the workbench.

        Args:
            paths: Cite only these data files (default every file read so far).
            money: The figure or table shows kroner, so the line says which.
        """
        chosen = [p for p in self.sources if paths is None or p.path in paths]
        titles = "; ".join(dict.fromkeys(p.title for p in chosen))
        prices = f"{self.price_label()}." if money and self.analysis is not None else ""
        return (
            f"{titles}. {prices} Beregnet med innsatstrapp workbench.".replace("  ", " ")
            if titles
            else "innsatstrapp workbench."
        )

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

    def _chosen(self, paths: list[Path] | None) -> list[Provenance]:
        return [p for p in self.sources if paths is None or p.path in paths]

    def _record(self, kind: str, stem: str, title: str, files: dict, paths, columns=None) -> None:
        chosen = self._chosen(paths)
        entry = Recorded(
            stem,
            title,
            files,
            list(dict.fromkeys(p.title for p in chosen)),
            marking(self.municipality.fictional, self.municipality.name, chosen),
            {str(c): k for c, k in (columns or {}).items()},
        )
        records = self.tables if kind == "table" else self.figures
        records[:] = [r for r in records if r.stem != stem] + [entry]
        self.write_manifest()

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
            files = {"svg": f"{FIGURES}/{stem}.svg"}
            atomic_write_bytes(self.output_dir / files["svg"], svg)
            if slide is not None and self.slides:
                with plots.slide_style():
                    drawn = slide()
                files["slide"] = f"{FIGURES}/{stem}-lysark.png"
                atomic_write_bytes(
                    self.output_dir / files["slide"],
                    plots.png_bytes(drawn, plots.SLIDE_DPI, tight=False),
                )
                plots.plt.close(drawn)
            self._record("figure", stem, title, files, sources)
        display(HTML(plots.svg_image(svg, alt or title)))

    def save_table(
        self,
        frame: pd.DataFrame,
        stem: str,
        title: str,
        sources: list[Path] | None,
        formats: dict[str, str],
        parts: tuple[str, ...] = (),
    ) -> Path | None:
        """Write a table as CSV into ``tables/`` (nothing when there is no output folder),
        each number rounded as the report shows it (:func:`workbench.outputs.for_reading`).

        Args:
            title: What the table shows, in Norwegian.
            sources: The data files it was computed from (None: every file read so far).
            formats: Column → how the report shows it (:data:`workbench.formatting.FORMATTERS`):
                it decides the CSV's decimals too (kroner whole, årsverk to two decimals, a
                share shown in percent as a share with four), and the workbook's number
                formats. A table with an ``Enhet`` column rounds its other numbers by each
                row's unit.
            parts: Money columns whose rows are parts of one whole, written in whole kroner
                that add up to the rounded total.
        """
        if self.output_dir is None:
            return None
        path = self.output_dir / TABLES / f"{stem}.csv"
        write_table(for_reading(frame, parts, formats), path)
        files = {"csv": f"{TABLES}/{stem}.csv"}
        self._record("table", stem, title, files, sources, formats)
        return path

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

    def manifest(self) -> Manifest:
        """What ``nokkeltall.json`` holds: the municipality, the analysis, its key figures,
        tables and figures with their sources, and every data file read."""
        m = self.municipality
        return Manifest(
            municipality=MunicipalityEntry(
                number=m.number,
                name=m.name,
                key=m.key,
                fictional=m.fictional,
                base_year=m.base_year,
                target_year=m.target_year,
            ),
            analysis=AnalysisEntry(key=self.analysis.key, title=self.analysis.title),
            price_version=self.defaults.price_version,
            price_year=self.price_year,
            prices=self.price_label(),
            illustrative=bool(self.illustrative),
            marking=self.illustrative,
            key_figures=[_key_figure_entry(f) for f in self.key_figures],
            tables=[_entry(r) for r in self.tables],
            figures=[_entry(r) for r in self.figures],
            sources=[asdict_provenance(p) for p in self.sources],
            missing=[
                MissingEntry(kind=kind, file=f"data/{file}", heading=TEMPLATES[kind].heading)
                for kind, file in self.missing
            ],
            omitted_sections=list(self.omitted),
        )

    def write_manifest(self) -> None:
        """Write ``nokkeltall.json`` (nothing when there is no output folder)."""
        if self.output_dir is None or self.analysis is None:
            return
        atomic_write_text(self.output_dir / KEY_FIGURES, self.manifest().text())


def _entry(record: Recorded) -> Entry:
    return Entry(
        stem=record.stem,
        title=record.title,
        **record.files,
        sources=record.sources,
        illustrative=record.illustrative,
        marking=record.marking,
        columns=record.columns or None,
    )


def _plain(value):
    """A numpy number as the plain Python number it is."""
    return value.item() if hasattr(value, "item") else value


def _key_figure_entry(figure: KeyFigure) -> KeyFigureEntry:
    """A key figure as ``nokkeltall.json`` holds it."""
    return KeyFigureEntry(
        key=figure.key,
        label=figure.label,
        value=_plain(figure.value),
        unit=figure.unit,
        source=_plain(figure.source),
    )


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
