"""The Excel workbook: a front sheet, the key figures, one sheet per table the reports wrote,
the sources and the assumptions. Numbers stay numbers with Norwegian-readable formats;
illustrative data is marked on every sheet. Written atomically and byte-stable."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from workbench import analyses
from workbench.analyses.allocation.engine import SHARED_METHODS
from workbench.analyses.housing.engine import REST_GROWTH
from workbench.collected import Collected
from workbench.config import Municipality
from workbench.formatting import number, percent
from workbench.outputs import FIXED_TIME, atomic_write_bytes, stable_zip
from workbench.provenance import SOURCE_COLUMNS, STATUS_LABELS, source_row

ASSUMPTION_KINDS = {"source": "kilde", "derived": "avledet", "assumption": "antagelse"}


LABEL_COLUMNS = frozenset({"år", "alder", "trinn", "boligtrinn"})
"""Columns of years, ages and steps: whole numbers without a thousands separator (2024)."""


EXCEL_FORMATS = {
    "percent": "0.0 %",
    "kr": '#,##0 "kr"',
    "mill_kr": '#,##0 "kr"',
    "mill_kr1": '#,##0 "kr"',
    "mill1": '#,##0 "kr"',
    "fte": "#,##0.00",
    "number1": "#,##0.0",
    "number2": "#,##0.00",
    "hours": '#,##0 "t"',
}
"""The Excel format for a column the report shows in a format of
:data:`workbench.formatting.FORMATTERS` (money always in whole kroner: the sheet's cells hold
kroner, not millions)."""


def excel_format(
    header: str, unit: str | None = None, value: object = None, shown_as: str | None = None
) -> str:
    """The Excel number format for a column (or, in unit-per-row tables, a row); ``value``
    (the cell's) makes a whole number show without a dangling decimal comma («2 024,»);
    ``shown_as``, the report's format for the column, decides where it is known."""
    if shown_as in EXCEL_FORMATS and unit is None:
        return EXCEL_FORMATS[shown_as]
    if header.lower() in LABEL_COLUMNS and unit is None:
        return "0"
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    text = (unit or header).lower()
    if unit == "kr" or "(kr)" in text or text.endswith(" kr"):
        return '#,##0 "kr"'
    if text.startswith("andel") or unit == "andel (0–1)":
        return "0.0 %"
    if "årsverk" in text:
        return "#,##0.00"
    if unit in ("år", "år nr."):
        return "0"
    return "#,##0" if whole else "#,##0.0#"


TRAJECTORY_NAMES = {"normal": "normalforløp", "proactive": "proaktivt", "reactive": "reaktivt"}
BASIS_NAMES = {"net": "netto: alle linjer", "gross": "brutto: art under 600"}
DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt", ".yaml", ".yml")


N_FROM_NAMES = {"given": "kommunens eget tall", "prevalence": "forekomst × befolkning"}
"""The personas' ``persons_by`` in words."""


STARTS_NAMES = {
    "length": "N ÷ L nye per år (kildens vei)",
    "incidence": "personaens andel av årets nye tilfeller (insidens)",
}


def settings_rows(m: Municipality, titles: dict[str, str]) -> list[tuple[str, str]]:
    """The municipality's parameter file as a two-column table in Norwegian: each setting's
    title and its value, data files by their dataset title (``titles``: ``data/…`` → title)."""

    def shown(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "ja" if value else "nei"
        if isinstance(value, list):
            return ", ".join(shown(name, v) for v in value) or "ingen"
        if isinstance(value, dict):
            return (
                "; ".join(
                    f"trinn {step}: {override.name or override.subtitle or override.goal}"
                    for step, override in value.items()
                )
                or "ingen"
            )
        if isinstance(value, str) and value.lower().endswith(DATA_SUFFIXES):
            return titles.get(f"data/{value}", value)  # a file, by its dataset title
        if name == "basis":
            return BASIS_NAMES.get(value, str(value))
        if name in ("reference", "phase_in_to"):
            return TRAJECTORY_NAMES.get(value, str(value))
        if name == "persons_by":
            return N_FROM_NAMES.get(value, str(value))
        if name == "rest_of_sector_growth":
            return REST_GROWTH.get(value, str(value))
        if name == "administration":
            return SHARED_METHODS.get(value, str(value))
        if name == "starts_by":
            return STARTS_NAMES.get(value, str(value))
        if name == "course_share":
            return percent(value, 1)
        if name == "average_position_size":
            return percent(value, 0)
        if isinstance(value, float):
            return number(value, 0 if value.is_integer() else 2)
        return str(value)

    rows = [
        (field.title, shown(name, getattr(m, name)))
        for name, field in type(m).model_fields.items()
        if field.title and getattr(m, name) is not None and name != "fictional"
    ]
    for key, spec in analyses.ANALYSES.items():
        settings = getattr(m.analyses, key)
        if settings is None:
            continue
        for name, field in type(settings).model_fields.items():
            value = getattr(settings, name)
            if isinstance(value, BaseModel):  # a block of settings: one row per setting
                rows += [
                    (f"{spec.title}: {inner.title}", shown(inner_name, getattr(value, inner_name)))
                    for inner_name, inner in type(value).model_fields.items()
                    if getattr(value, inner_name) is not None
                ]
            elif value is not None:
                rows.append((f"{spec.title}: {field.title}", shown(name, value)))
    return rows


def write_workbook(collected: Collected, path: Path) -> Path:
    """Write the workbook: front sheet, contents, key figures, one sheet per table, sources
    and assumptions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    book = Workbook()
    front = book.active
    front.title = "Forside"
    m = collected.municipality
    rows = [
        ("Helhetlig innsatstrapp", ""),
        ("Kommune", m.title),
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
    if collected.missing():
        rows.insert(-1, ("Mangler ennå", "; ".join(collected.missing())))
    if collected.fictional_mark:
        rows.insert(1, (collected.fictional_mark, ""))
        rows.insert(3, ("Fiktiv kommune", "ja"))
    elif collected.illustrative:
        statuses = {s["status"] for s, _ in collected.sources()}
        kinds = " eller ".join(
            word
            for status, word in (
                ("illustrative", "illustrative"),
                ("calibrated", "kalibrert mot kilden"),
            )
            if status in statuses
        )
        rows.insert(
            1,
            (
                f"Noen inndata er {kinds or 'illustrative'}. Arkene som bygger på dem, er merket "
                "og sier hvilke; de andre bygger bare på reelle eller avledede tall.",
                "",
            ),
        )
    for row in rows:
        front.append(list(row))
    front["A1"].font = Font(bold=True, size=16)
    if collected.illustrative:
        front["A2"].font = Font(bold=True, color="B00020")
    front.append([])
    front.append(["Innstillinger for kommunen", "Verdi"])
    for cell in front[front.max_row]:
        cell.font = Font(bold=True)
    titles = {source["file"]: source["title"] for source, _ in collected.sources()}
    for label, value in settings_rows(m, titles):
        front.append([label, value])
        front.cell(front.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    front.column_dimensions["A"].width = 60
    front.column_dimensions["B"].width = 50

    contents = book.create_sheet("Innhold")
    contents.append(["Ark", "Analyse", "Tabell"])
    key_figures = book.create_sheet("Nøkkeltall")
    key_figures.append(["Analyse", "Nøkkeltall", "Verdi", "Enhet", "Kildens tall", "Merknad"])
    for analysis, output in collected.reports:
        for figure in output.key_figures():
            key_figures.append(
                [
                    analysis.title,
                    figure.label,
                    figure.value,
                    f"{figure.unit} ({output.prices.lower()})"
                    if figure.unit == "kr" and output.prices
                    else figure.unit,
                    figure.source,
                    output.marking or None,
                ]
            )
            for column, value in ((3, figure.value), (5, figure.source)):
                if isinstance(value, int | float):
                    cell = key_figures.cell(key_figures.max_row, column)
                    cell.number_format = excel_format("", figure.unit, value)
    used: set[str] = {"Forside", "Innhold", "Nøkkeltall", "Kilder", "Forutsetninger"}
    for analysis, output in collected.reports:
        for number_, (entry, frame) in enumerate(output.tables(), start=1):
            name = sheet_name(f"{analysis.sheet_prefix} {number_}", entry.title, used, entry.stem)
            contents.append([name, analysis.title, entry.title])
            link = contents.cell(contents.max_row, 1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1")
            link.style = "Hyperlink"
            _write_table(book.create_sheet(name), frame, entry.marking, entry.columns or {})

    sources = book.create_sheet("Kilder")
    sources.append([*SOURCE_COLUMNS, "Brukt i"])
    for source, users in collected.sources():
        sources.append([*source_row(source).values(), ", ".join(users)])
    assumptions = book.create_sheet("Forutsetninger")
    assumptions.append(["Forutsetning", "Verdi", "Enhet", "Type", "Kilde"])
    for _, value in collected.defaults.assumptions:
        assumptions.append(
            [value.name, value.value, value.unit, ASSUMPTION_KINDS[value.kind], value.source]
        )
        if value.is_share:
            assumptions.cell(assumptions.max_row, 2).number_format = "0 %"
    for sheet in (contents, key_figures, sources, assumptions):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in ("A", "B", "C", "D", "E"):
            sheet.column_dimensions[column].width = 40 if sheet is not contents else 28
        if sheet is key_figures:  # the source's figures are numbers; the marks: two lines
            sheet.column_dimensions["E"].width = 16
            sheet.column_dimensions["F"].width = 90
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in book.worksheets:
        _fit_for_print(sheet)
    book.properties.creator = "innsatstrapp workbench"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(path, stable_zip(buffer.getvalue()))
    return path


def _fit_for_print(sheet) -> None:
    """Landscape, one page wide, and rows of wrapped text tall enough for their lines
    (spreadsheet programs do not all size them on opening)."""
    import math

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.alignment.wrap_text and isinstance(cell.value, str):
                width = sheet.column_dimensions[cell.column_letter].width or 10
                lines = max(lines, math.ceil(len(cell.value) * 1.1 / width))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines


SHEET_NAME_LIMIT = 31
"""Excel's longest sheet name."""
DANGLING_WORDS = frozenset({"av", "og", "per", "i", "til", "fra", "med", "når", "for", "som", "–"})


SHEET_WORDS = [
    (r"arbeidskraft$", "Arbeidskraft"),
    (r"samlet-effekt$", "Samlet effekt"),
    (r"antall-personer$", "Antall personer"),
    (r"nye-tilfeller$", "Nye tilfeller"),
    (r"befolkning$", "Befolkning"),
    (r"malprofil$", "Målprofil"),
    (r"tjenester-per-trinn-liste$", "Tjenestene på trinnene"),
    (r"tjenester-per-trinn$", "Tjenester per trinn"),
    (r"per-trinn-uten-barnehage-skole-sfo(-\d+)?$", "Uten skole, bhg., SFO"),
    (r"behov-per-trinn$", "Behov per trinn"),
    (r"per-trinn-og-ar$", "Per trinn og år"),
    (r"per-trinn(-\d+)?$", "Per trinn"),
    (r"per-tjenesteomrade(-\d+)?$", "Per tjenesteområde"),
    (r"per-malgruppe(-\d+)?$", "Per målgruppe"),
    (r"sammenligning(-\d+)?$", "Sammenligning"),
    (r"ikke-fordelt-linjer$", "Ikke fordelt"),
    (r"avstemming$", "Avstemming"),
    (r"kilde(-\d+)?$", "Kildens tall"),
    (r"sammendrag$", "Sammendrag"),
    (r"linjer$", "Tjenester"),
    (r"rad-til$", "Råd til"),
    (r"per-ar$", "Per år"),
    (r"sum$", "Sum over forløpet"),
    (r"skalert$", "Skalert"),
    (r"kildens-innfasing$", "Kildens innfasing"),
    (r"innfasing$", "Innfasing"),
    (r"kildens-lengde$", "Kildens lengde"),
]
"""What a table's sheet is called, by the end of its file name; other tables are named by
the first words of their title."""


def sheet_name(prefix: str, title: str, used: set[str], stem: str = "") -> str:
    """A sheet name a reader understands, within Excel's 31 characters: the prefix (analysis
    and number) and what the table is (from :data:`SHEET_WORDS`, else the first whole words
    of the table's own title after its «…:»), never a word cut in two or a dangling «og»."""
    import re

    known = next((words for pattern, words in SHEET_WORDS if re.search(pattern, stem)), None)
    own = known or title.rsplit(": ", 1)[-1]
    words = [w for w in own.replace("/", " ").split() if w]
    name = prefix
    for word in words:
        clean = "".join(c for c in word if c not in "[]:*?\\()")
        candidate = f"{name} {clean}"
        if len(candidate) > SHEET_NAME_LIMIT:
            break
        name = candidate
    parts = name.split()
    while (
        not known
        and len(parts) > len(prefix.split())
        and parts[-1].lower().strip(",") in DANGLING_WORDS
    ):
        parts.pop()
    name = " ".join(parts).rstrip(",;")
    if name in used:  # the prefix's number makes names unique; this is only a safeguard
        name = f"{name[: SHEET_NAME_LIMIT - 3]} {len(used)}"
    used.add(name)
    return name


def _write_table(sheet, frame: pd.DataFrame, mark: str, shown_as: dict | None = None) -> None:
    """One report table as a sheet: each number with the format the report shows it in,
    each column as wide as the widest value as Excel shows it (never «###»)."""
    from openpyxl.styles import Font

    shown_as = shown_as or {}
    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column) for column in columns]
    units = frame["Enhet"].tolist() if "Enhet" in frame.columns else None
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        values = [_cell_value(v) for v in record]
        sheet.append(values)
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            shown = "" if value is None else str(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell = sheet.cell(sheet.max_row, position + 1)
                cell.number_format = excel_format(
                    column,
                    units[index] if units and column == "Verdi" else None,
                    value,
                    shown_as.get(column),
                )
                shown = _as_excel_shows(value, cell.number_format)
            widths[position] = max(widths[position], len(shown))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, position).column_letter].width = min(
            max(10, width + 2), 60
        )
    sheet.freeze_panes = "A2"
    if mark:
        sheet.cell(sheet.max_row + 2, 1, mark).font = Font(bold=True, color="B00020")


def _as_excel_shows(value: float, number_format: str) -> str:
    """About what Excel shows for ``value`` in ``number_format`` (for the column's width):
    grouped digits, its decimals, and the suffix in quotes or a percent sign."""
    percent = number_format.endswith("%")
    shown = value * 100 if percent else value
    decimals = len(number_format.split(".")[1].split(" ")[0]) if "." in number_format else 0
    text = f"{shown:,.{decimals}f}"
    suffix = number_format.split('"')[1] if '"' in number_format else ""
    return f"{text} {suffix}".strip() + (" %" if percent else "")


def _cell_value(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
