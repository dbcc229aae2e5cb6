"""What a notebook works with: the project, the validated parameters and its outputs.

A notebook's second cell opens a session from its papermill parameters. The session
validates them, reads files only from the project's ``data/`` folder, records the source
of every data file it reads (for the sources section and the illustrative marker), and
writes figures and tables when the batch gives it an output folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, display
from matplotlib.figure import Figure

from workbench import analyses, plots
from workbench.analyses import Analysis
from workbench.config import Defaults, Municipality
from workbench.errors import InputError
from workbench.formatting import styled
from workbench.outputs import write_table
from workbench.project import Project
from workbench.provenance import STATUS_LABELS, Provenance, provenance_of

FIGURES = "figurer"
TABLES = "tabeller"
MUNICIPALITY_PATTERN = "^[0-9]{4}$"
SCREEN_DPI = 100
"""Pixels per inch a report page shows its figures at (they are stored at :data:`plots.DPI`)."""


@dataclass(frozen=True)
class RecordedTable:
    """A table a report showed and saved, as numbers (for the Excel workbook)."""

    stem: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class RecordedFigure:
    """A figure a report showed, as PNG at slide resolution (for the deck)."""

    stem: str
    png: bytes


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
    sources: list[Provenance] = field(default_factory=list)
    tables: list[RecordedTable] = field(default_factory=list)
    figures: list[RecordedFigure] = field(default_factory=list)
    record_figures: bool = False

    @property
    def illustrative(self) -> bool:
        """True when the municipality is fictional or any data read so far is illustrative."""
        return self.municipality.fictional or any(p.illustrative for p in self.sources)

    def illustrative_for(self, paths: list[Path]) -> bool:
        """True when the municipality is fictional or any of these data files is illustrative."""
        return self.municipality.fictional or any(
            p.illustrative for p in self.sources if p.path in paths
        )

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

    def source_line(self, paths: list[Path] | None = None) -> str:
        """A short source line for figures: the data files' titles and the workbench.

        Args:
            paths: Cite only these data files (default every file read so far).
        """
        chosen = [p for p in self.sources if paths is None or p.path in paths]
        titles = "; ".join(dict.fromkeys(p.title for p in chosen))
        return (
            f"{titles}. Beregnet med innsatstrapp workbench."
            if titles
            else "innsatstrapp workbench."
        )

    def banner(self) -> HTML:
        """The heading band of every report page: municipality, analysis and, for
        illustrative data, a clear warning."""
        m = self.municipality
        lines = [
            f"<div style='font-size:1.3em;font-weight:bold'>{self.analysis.title} – {m.title}</div>",
            f"<div>Basisår {m.base_year}, målår {m.target_year}. "
            f"Priskatalog versjon {self.defaults.price_version}.</div>",
        ]
        style = "border-left:6px solid #1f5f8b;background:#eef4f8;padding:8px 12px;margin:4px 0"
        if self.illustrative:
            reason = (
                "Demokommune er en fiktiv kommune"
                if m.fictional
                else "Noen av datafilene er illustrative"
            )
            lines.append(
                f"<div style='color:#b00020;font-weight:bold'>ILLUSTRATIVE TALL: {reason}. "
                "Tallene viser hvordan analysen virker og beskriver ingen virkelig kommune.</div>"
            )
            style = style.replace("#1f5f8b", "#b00020").replace("#eef4f8", "#fdecee")
        return HTML(f"<div style='{style}'>{''.join(lines)}</div>")

    def sources_table(self):
        """Every data file read, with its source and status."""
        rows = [
            {
                "Fil": f"data/{p.relative}",
                "Innhold": p.title,
                "Kilde": p.source,
                "Status": STATUS_LABELS[p.status],
            }
            for p in self.sources
        ]
        return styled(pd.DataFrame(rows, columns=["Fil", "Innhold", "Kilde", "Status"]), {})

    def assumptions_table(self):
        """The shared assumptions with their sources."""
        labels = {
            "source": "kilde",
            "derived": "avledet",
            "assumption": "antagelse",
        }
        rows = [
            {
                "Forutsetning": name,
                "Verdi": value.value,
                "Enhet": value.unit,
                "Type": labels[value.kind],
                "Kilde": value.source,
            }
            for name, value in self.defaults.assumptions
        ]
        return styled(pd.DataFrame(rows), {"Verdi": "number1"})

    def save_figure(self, fig: Figure, stem: str, png: bytes | None = None) -> list[Path]:
        """Write a figure as PNG and SVG into the output folder (nothing when interactive);
        with ``record_figures`` set, also keep a PNG at slide resolution in ``figures``.

        Args:
            png: The figure already rendered by :func:`workbench.plots.png_bytes`.
        """
        if self.record_figures:
            self.figures.append(RecordedFigure(stem, plots.png_bytes(fig, plots.SLIDE_DPI)))
        if self.output_dir is None:
            return []
        return plots.save_figure(fig, self.output_dir / FIGURES, stem, png)

    def show_figure(self, fig: Figure, stem: str, alt: str = "") -> None:
        """Save a figure (see :meth:`save_figure`), show it in the report and close it.

        The page shows the very PNG written to ``figurer/``: the figure is drawn once for
        both, not a second time by the notebook's inline backend.

        Args:
            alt: Text for readers who cannot see the image (default the figure's title).
        """
        png = plots.png_bytes(fig)
        self.save_figure(fig, stem, png)
        width, _ = plots.png_size(png)
        display(
            Image(
                data=png,
                format="png",
                width=round(width * SCREEN_DPI / plots.DPI),
                alt=alt or plots.title_of(fig) or stem,
            )
        )
        plots.plt.close(fig)

    def save_table(self, frame: pd.DataFrame, stem: str) -> Path | None:
        """Record a table (for the workbook) and write it as CSV into the output folder
        (nothing when interactive)."""
        self.tables.append(RecordedTable(stem, frame.copy()))
        if self.output_dir is None:
            return None
        path = self.output_dir / TABLES / f"{stem}.csv"
        write_table(frame, path)
        return path


def open_session(
    analysis: str, municipality: str, *, output_dir: str = "", project_dir: str = ""
) -> Session:
    """Validate a notebook's parameters and open its session.

    Args:
        analysis: Key in :data:`workbench.analyses.ANALYSES`.
        municipality: Four-digit municipality number, as text (``"0301"``, not ``301``).
        output_dir: Folder for figures and tables; empty for none.
        project_dir: Project folder; empty to locate it.

    Raises:
        InputError: An unknown or malformed municipality number, an invalid parameter
            file, or a municipality that has not configured this analysis.
    """
    project = Project.locate(project_dir or None)
    chosen = analyses.get(analysis)
    number = str(municipality).strip()
    if not number.isdigit() or len(number) != 4:
        raise InputError(
            None,
            f'kommunenummeret «{municipality}» må ha fire sifre som tekst, f.eks. "0301" '
            "(med papermill: -r municipality 0301 eller parameters={'municipality': '0301'})",
        )
    matches = [p for p in project.parameters_dir.glob(f"{number}-*.y*ml")]
    if not matches:
        known = ", ".join(p.stem for p in sorted(project.parameters_dir.glob("[0-9]*.y*ml")))
        raise InputError(
            project.parameters_dir, f"ingen parameterfil for kommune {number} (finnes: {known})"
        )
    if len(matches) > 1:
        raise InputError(
            project.parameters_dir,
            f"flere parameterfiler for kommune {number}: {', '.join(p.name for p in matches)}",
        )
    chosen_municipality = Municipality.from_file(matches[0])
    if not chosen.enabled_for(chosen_municipality):
        raise InputError(
            matches[0], f"kommunen har ikke satt opp analysen «{chosen.key}» under analyses:"
        )
    defaults = Defaults.from_file(project.parameters_dir / "defaults.yaml")
    out = Path(output_dir).resolve() if output_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return Session(project, defaults, chosen_municipality, chosen, out)
