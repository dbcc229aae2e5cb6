"""``reports/index.html``: one page linking every municipality's reports.

Built from what is on disk, so it is true after partial runs too, and written without
dates so the same reports give the same page.
"""

from __future__ import annotations

import html
from pathlib import Path

from workbench import analyses
from workbench.batch import DELIVERABLES, FAILED
from workbench.config import Municipality, municipality_files
from workbench.errors import InputError
from workbench.outputs import atomic_write_text
from workbench.project import Project

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 6px 12px; text-align: left; }
.fiktiv { color: #b00020; font-weight: bold; } .feil { color: #b00020; } .mangler { color: #777; }
"""


def write_index(project: Project, reports_dir: Path) -> Path:
    """Write ``index.html`` in ``reports_dir`` and return its path."""
    keys = list(analyses.ANALYSES)
    header = (
        "".join(f"<th>{html.escape(analyses.ANALYSES[k].title)}</th>" for k in keys)
        + "<th>Leveranse</th>"
    )
    rows = []
    for path in municipality_files(project.parameters_dir):
        try:
            municipality = Municipality.from_file(path)
        except InputError:
            rows.append(
                f"<tr><td>{html.escape(path.stem)}</td>"
                f"<td colspan='{len(keys) + 1}' class='feil'>Ugyldig parameterfil – kjør «workbench validate»</td></tr>"
            )
            continue
        name = html.escape(municipality.title)
        if municipality.fictional:
            name += " <span class='fiktiv'>(fiktiv kommune, illustrative tall)</span>"
        cells = [_cell(reports_dir, municipality, analyses.ANALYSES[k]) for k in keys]
        cells.append(_deliverables_cell(reports_dir, municipality))
        rows.append(f"<tr><td>{name}</td>{''.join(cells)}</tr>")
    page = (
        "<!DOCTYPE html>\n<html lang='nb'><head><meta charset='utf-8'>"
        f"<title>Rapporter – innsatstrapp workbench</title><style>{STYLE}</style></head><body>"
        "<h1>Rapporter</h1><p>Analysene for hver kommune. Kjør «make reports» for å lage dem på nytt.</p>"
        f"<table><tr><th>Kommune</th>{header}</tr>{''.join(rows)}</table></body></html>\n"
    )
    target = reports_dir / "index.html"
    atomic_write_text(target, page)
    return target


def _cell(reports_dir: Path, municipality: Municipality, analysis: analyses.Analysis) -> str:
    if not analysis.enabled_for(municipality):
        return "<td class='mangler'>ikke satt opp</td>"
    report = Path(municipality.key) / analysis.key / f"{analysis.key}.html"
    failed = Path(FAILED) / f"{municipality.key}-{analysis.notebook}"
    made = (reports_dir / report).exists()
    if (reports_dir / failed).exists():
        # the last good report stays reachable, with the failure beside it
        previous = f"<a href='{report.as_posix()}'>forrige rapport</a> · " if made else ""
        return (
            f"<td class='feil'>{previous}siste kjøring feilet – se "
            f"<a href='{failed.as_posix()}'>notatboken</a></td>"
        )
    if made:
        return f"<td><a href='{report.as_posix()}'>rapport</a></td>"
    return "<td class='mangler'>ikke kjørt</td>"


def _deliverables_cell(reports_dir: Path, municipality: Municipality) -> str:
    folder = Path(municipality.key) / DELIVERABLES
    links = [
        f"<a href='{(folder / f'{municipality.key}-innsatstrapp.{suffix}').as_posix()}'>{label}</a>"
        for suffix, label in (("xlsx", "Excel"), ("pptx", "lysark"))
        if (reports_dir / folder / f"{municipality.key}-innsatstrapp.{suffix}").exists()
    ]
    return f"<td>{' · '.join(links)}</td>" if links else "<td class='mangler'>ikke laget</td>"
