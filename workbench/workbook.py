"""The Excel workbook: a front sheet, the key figures, one sheet per table the reports wrote,
the sources and the assumptions. Numbers stay numbers with Norwegian-readable formats;
illustrative data is marked on every sheet. Written atomically and byte-stable."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml

from workbench.deliverables import Collected
from workbench.outputs import atomic_write_bytes, stable_zip
from workbench.plots import ILLUSTRATIVE_MARK
from workbench.provenance import STATUS_LABELS

FIXED_TIME = datetime(2000, 1, 1)
"""Document timestamps: fixed, so the same inputs give the same bytes."""
ASSUMPTION_KINDS = {"source": "kilde", "derived": "avledet", "assumption": "antagelse"}


def excel_format(header: str, unit: str | None = None) -> str:
    """The Excel number format for a column (or, in unit-per-row tables, a row)."""
    text = (unit or header).lower()
    if unit == "kr" or "(kr)" in text or text.endswith(" kr"):
        return '#,##0 "kr"'
    if text.startswith("andel") or unit == "andel (0–1)":
        return "0.0 %"
    if "årsverk" in text:
        return "#,##0.00"
    return "#,##0.##"


def write_workbook(collected: Collected, path: Path) -> Path:
    """Write the workbook: front sheet, contents, key figures, one sheet per table, sources
    and assumptions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    front = book.active
    front.title = "Forside"
    m = collected.municipality
    rows = [
        ("Helhetlig innsatstrapp", ""),
        ("Kommune", m.title),
        ("Fiktiv kommune", "ja" if m.fictional else "nei"),
        ("Basisår", m.base_year),
        ("Målår", m.target_year),
        ("Priskatalog", collected.defaults.price_version),
        ("Analyser", ", ".join(a.title for a, _ in collected.reports)),
        (
            "Datagrunnlag",
            "; ".join(sorted({STATUS_LABELS[s["status"]] for s, _ in collected.sources()})),
        ),
        ("Laget med", "innsatstrapp workbench"),
    ]
    if collected.illustrative:
        rows.insert(1, (ILLUSTRATIVE_MARK, ""))
    for row in rows:
        front.append(list(row))
    front["A1"].font = Font(bold=True, size=16)
    if collected.illustrative:
        front["A2"].font = Font(bold=True, color="B00020")
    front.append([])
    front.append(["Parametere (fra parameterfilen)"])
    front.cell(front.max_row, 1).font = Font(bold=True)
    settings = yaml.safe_dump(
        m.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False
    )
    for line in settings.splitlines():
        front.append([line])
    front.column_dimensions["A"].width = 60
    front.column_dimensions["B"].width = 50

    contents = book.create_sheet("Innhold")
    contents.append(["Ark", "Analyse", "Tabell"])
    key_figures = book.create_sheet("Nøkkeltall")
    key_figures.append(["Analyse", "Nøkkeltall", "Verdi", "Enhet"])
    for analysis, output in collected.reports:
        for figure in output.key_figures():
            key_figures.append([analysis.title, figure.label, figure.value, figure.unit])
            if isinstance(figure.value, int | float):
                cell = key_figures.cell(key_figures.max_row, 3)
                cell.number_format = excel_format("", figure.unit)
    used: set[str] = {"Forside", "Innhold", "Nøkkeltall", "Kilder", "Forutsetninger"}
    for analysis, output in collected.reports:
        for entry, frame in output.tables():
            name = _sheet_name(f"{analysis.sheet_prefix} {entry['stem']}", used)
            contents.append([name, analysis.title, entry["title"]])
            _write_table(book.create_sheet(name), frame, entry["illustrative"])

    sources = book.create_sheet("Kilder")
    sources.append(["Fil", "Innhold", "Kilde", "Status", "Brukt i"])
    for source, users in collected.sources():
        sources.append(
            [
                source["file"],
                source["title"],
                source["source"],
                STATUS_LABELS[source["status"]],
                ", ".join(users),
            ]
        )
    assumptions = book.create_sheet("Forutsetninger")
    assumptions.append(["Forutsetning", "Verdi", "Enhet", "Type", "Kilde"])
    for name, value in collected.defaults.assumptions:
        assumptions.append(
            [name, value.value, value.unit, ASSUMPTION_KINDS[value.kind], value.source]
        )
    for sheet in (contents, key_figures, sources, assumptions):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in ("A", "B", "C", "D", "E"):
            sheet.column_dimensions[column].width = 40 if sheet is not contents else 28
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if collected.illustrative:
        key_figures.cell(key_figures.max_row + 2, 1, ILLUSTRATIVE_MARK).font = Font(
            bold=True, color="B00020"
        )
    book.properties.creator = "innsatstrapp workbench"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(path, stable_zip(buffer.getvalue()))
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("-" if c in "[]:*?/\\" else c for c in name)[:31]
    candidate, counter = clean, 2
    while candidate in used:
        suffix = f" {counter}"
        candidate = clean[: 31 - len(suffix)] + suffix
        counter += 1
    used.add(candidate)
    return candidate


def _write_table(sheet, frame: pd.DataFrame, illustrative: bool) -> None:
    from openpyxl.styles import Font

    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    units = frame["Enhet"].tolist() if "Enhet" in frame.columns else None
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        values = [_cell_value(v) for v in record]
        sheet.append(values)
        for column, value in zip(columns, values, strict=True):
            if isinstance(value, int | float):
                cell = sheet.cell(sheet.max_row, columns.index(column) + 1)
                cell.number_format = excel_format(
                    column, units[index] if units and column == "Verdi" else None
                )
    for position, column in enumerate(columns, start=1):
        width = max([len(column), *(len(str(v)) for v in frame.iloc[:, position - 1].head(200))])
        sheet.column_dimensions[sheet.cell(1, position).column_letter].width = min(
            max(10, width + 2), 60
        )
    sheet.freeze_panes = "A2"
    if illustrative:
        sheet.cell(sheet.max_row + 2, 1, ILLUSTRATIVE_MARK).font = Font(bold=True, color="B00020")


def _cell_value(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
