"""A municipality's written reports, collected for the deliverables: what the report jobs
wrote into ``reports/<nr>-<slug>/<analysis>/`` (the tables as CSV, the figures as PNG and
``nokkeltall.json`` with the key figures and every table's and figure's sources), read back
with its parameters. The workbook (:mod:`workbench.workbook`) and the deck
(:mod:`workbench.deck`) are written from it; :mod:`workbench.deliverables` builds both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench import analyses
from workbench.analyses.spec import Analysis
from workbench.config import Defaults, Municipality, parameter_file
from workbench.marking import marking
from workbench.outputs import ReportOutput
from workbench.project import Project


@dataclass(frozen=True)
class Collected:
    """A municipality's written reports, in the registry's order.

    Args:
        reports: Each analysis the municipality has set up, with its report folder.
    """

    project: Project
    municipality: Municipality
    defaults: Defaults
    reports: list[tuple[Analysis, ReportOutput]]

    @property
    def illustrative(self) -> bool:
        return self.municipality.fictional or any(o.illustrative for _, o in self.reports)

    @property
    def fictional_mark(self) -> str:
        """The mark for pages built from no data of their own (title, sources): only a
        fictional municipality's; a real one's title page is not illustrative."""
        m = self.municipality
        return marking(True, m.name, []) if m.fictional else ""

    def missing(self) -> list[str]:
        """What the reports say is still a template (their headings), once each."""
        return list(dict.fromkeys(m.heading for _, o in self.reports for m in o.manifest.missing))

    def sources(self) -> list[tuple[dict, list[str]]]:
        """Every data file the reports read, once, with the analyses that read it."""
        found: dict[str, tuple[dict, list[str]]] = {}
        for analysis, output in self.reports:
            for source in output.sources:
                entry = found.setdefault(source["file"], (source, []))
                if analysis.title not in entry[1]:
                    entry[1].append(analysis.title)
        return list(found.values())


def collect(project: Project, number: str, reports_dir: Path | None = None) -> Collected:
    """Read the municipality's written reports.

    Args:
        reports_dir: Where the reports are (default the project's ``reports/``).

    Raises:
        InputError: No parameter file for the number, or a report the municipality has set
            up has not been written (the message names it).
    """
    municipality = Municipality.from_file(parameter_file(project.parameters_dir, number))
    defaults = Defaults.from_file(project.parameters_dir / "defaults.yaml")
    folder = (reports_dir or project.reports_dir) / municipality.key
    reports = [
        (analysis, ReportOutput.read(folder / analysis.key, analysis.title))
        for analysis in analyses.ANALYSES.values()
        if analysis.enabled_for(municipality)
    ]
    return Collected(project, municipality, defaults, reports)
