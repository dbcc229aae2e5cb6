"""The report a session writes: tables as CSV, figures as SVG (and PNG for the slides), and
``nokkeltall.json`` (:class:`workbench.manifest.Manifest`) naming them with their sources.

:class:`ReportWriter` is the second part of :class:`workbench.session.Session`, on top of
:class:`workbench.sources.Sources`; the session adds what a notebook displays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.analyses import Analysis
from workbench.input_templates import TEMPLATES
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
from workbench.provenance import asdict_provenance
from workbench.sources import Sources

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
class ReportWriter(Sources):
    """Writes one analysis's report for one municipality.

    Args:
        analysis: The analysis being presented.
        output_dir: Where to write figures and tables; ``None`` writes nothing.
        slides: Draw the slide version of the figures the deck shows.
    """

    analysis: Analysis | None
    output_dir: Path | None = None
    slides: bool = False
    tables: list[Recorded] = field(default_factory=list, kw_only=True)
    figures: list[Recorded] = field(default_factory=list, kw_only=True)
    key_figures: list[KeyFigure] = field(default_factory=list, kw_only=True)
    omitted: list[str] = field(default_factory=list, kw_only=True)
    """Cell tags whose sections the HTML report leaves out (``regnskap`` when the accounts
    are not in yet): the report says once what they would show, instead of each section
    saying it is empty."""

    def omit_from_report(self, tag: str) -> None:
        """Leave the notebook's cells tagged ``tag`` out of the HTML report (they stay in the
        executed notebook for the analyst)."""
        if tag not in self.omitted:
            self.omitted.append(tag)
            self.write_manifest()

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
        if not titles:
            return "innsatstrapp workbench."
        prices = [f"{self.price_label()}."] if money and self.analysis is not None else []
        return " ".join([f"{titles}.", *prices, "Beregnet med innsatstrapp workbench."])

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

    def write_figure(self, stem: str, title: str, files: dict[str, bytes], sources) -> None:
        """Write a figure's files (``{"svg": …, "slide": …}`` → bytes, the SVG under
        ``figures/<stem>.svg`` and the slide PNG under ``figures/<stem>-lysark.png``) and
        record it (nothing without an output folder)."""
        if self.output_dir is None:
            return
        names = {"svg": f"{FIGURES}/{stem}.svg", "slide": f"{FIGURES}/{stem}-lysark.png"}
        written = {}
        for kind, data in files.items():
            written[kind] = names[kind]
            atomic_write_bytes(self.output_dir / names[kind], data)
        self._record("figure", stem, title, written, sources)

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
