"""What consultants hand over: one Excel workbook and one slide deck per municipality.

The four reports run quietly in this process; the session records every table and figure
they produce, so the workbook holds exactly the analyses' own tables and the deck their own
charts. Slides follow the order of the seed deck (the staircase with the cost allocation,
the housing profile, the persona trajectories and phase-in, calculator examples, sources);
key figures are editable text, and illustrative data is marked on every slide and sheet.
Both files are written atomically and byte-stable for the same inputs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml
from IPython.utils.capture import capture_output

from workbench import analyses
from workbench.analyses import Analysis
from workbench.analyses.allocation import report as allocation_views
from workbench.analyses.calculator import report as calculator_views
from workbench.analyses.housing import report as housing_views
from workbench.analyses.personas import report as personas_views
from workbench.config import Defaults, Municipality
from workbench.errors import InputError
from workbench.formatting import fte, kr, mill_kr, number, percent
from workbench.outputs import atomic_write_bytes, stable_zip
from workbench.plots import ILLUSTRATIVE_MARK
from workbench.project import Project
from workbench.provenance import STATUS_LABELS, Provenance
from workbench.session import Session, open_session

ORDER = ("allocation", "housing", "personas", "calculator")
"""The seed deck's order."""
REPORTS = {
    "allocation": allocation_views.show_report,
    "housing": housing_views.show_report,
    "personas": personas_views.show_report,
    "calculator": calculator_views.show_report,
}
SHEET_PREFIX = {"allocation": "Øko", "housing": "Bolig", "personas": "Pers", "calculator": "Kalk"}
FIXED_TIME = datetime(2000, 1, 1)
"""Document timestamps: fixed, so the same inputs give the same bytes."""
ILLUSTRATIVE_TEXT = ILLUSTRATIVE_MARK


@dataclass(frozen=True)
class Run:
    """One analysis run for the deliverables."""

    analysis: Analysis
    session: Session
    result: object


@dataclass(frozen=True)
class Collected:
    project: Project
    municipality: Municipality
    defaults: Defaults
    runs: list[Run]

    @property
    def illustrative(self) -> bool:
        return self.municipality.fictional or any(r.session.illustrative for r in self.runs)

    def sources(self) -> list[tuple[Provenance, list[str]]]:
        """Every data file used, once, with the analyses that used it."""
        found: dict[Path, tuple[Provenance, list[str]]] = {}
        for run in self.runs:
            for provenance in run.session.sources:
                entry = found.setdefault(provenance.path, (provenance, []))
                if run.analysis.title not in entry[1]:
                    entry[1].append(run.analysis.title)
        return list(found.values())


def collect(project: Project, number: str) -> Collected:
    """Run every analysis the municipality has set up, quietly, recording tables and figures.

    Raises:
        InputError: The municipality has no parameter file, or an analysis's inputs are invalid.
    """
    matches = sorted(project.parameters_dir.glob(f"{number}-*.y*ml"))
    if not matches:
        raise InputError(project.parameters_dir, f"ingen parameterfil for kommune {number}")
    municipality = Municipality.from_file(matches[0])
    defaults = Defaults.from_file(project.parameters_dir / "defaults.yaml")
    runs = []
    for key in ORDER:
        analysis = analyses.get(key)
        if not analysis.enabled_for(municipality):
            continue
        session = open_session(key, number, project_dir=str(project.root))
        session.record_figures = True
        inputs = analysis.load(session)
        with capture_output():
            result = REPORTS[key](session, inputs)
        runs.append(Run(analysis, session, result))
    return Collected(project, municipality, defaults, runs)


# --- Excel -----------------------------------------------------------------------------------


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
    """Write the workbook: front sheet, contents, one sheet per table, sources, assumptions."""
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
        ("Analyser", ", ".join(r.analysis.title for r in collected.runs)),
        (
            "Datagrunnlag",
            "; ".join(sorted({STATUS_LABELS[p.status] for p, _ in collected.sources()})),
        ),
        ("Laget med", "innsatstrapp workbench"),
    ]
    if collected.illustrative:
        rows.insert(1, (ILLUSTRATIVE_TEXT, ""))
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
    used: set[str] = set()
    for run in collected.runs:
        for table in run.session.tables:
            name = _sheet_name(f"{SHEET_PREFIX[run.analysis.key]} {table.stem}", used)
            contents.append([name, run.analysis.title, table.stem])
            _write_table(book.create_sheet(name), table.frame, collected.illustrative)

    sources = book.create_sheet("Kilder")
    sources.append(["Fil", "Innhold", "Kilde", "Status", "Brukt i"])
    for provenance, users in collected.sources():
        sources.append(
            [
                f"data/{provenance.relative}",
                provenance.title,
                provenance.source,
                STATUS_LABELS[provenance.status],
                ", ".join(users),
            ]
        )
    assumptions = book.create_sheet("Forutsetninger")
    assumptions.append(["Forutsetning", "Verdi", "Enhet", "Type", "Kilde"])
    kinds = {"source": "kilde", "derived": "avledet", "assumption": "antagelse"}
    for name, value in collected.defaults.assumptions:
        assumptions.append([name, value.value, value.unit, kinds[value.kind], value.source])
    for sheet in (contents, sources, assumptions):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in ("A", "B", "C", "D", "E"):
            sheet.column_dimensions[column].width = 40 if sheet is not contents else 28
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
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
        sheet.cell(sheet.max_row + 2, 1, ILLUSTRATIVE_TEXT).font = Font(bold=True, color="B00020")


def _cell_value(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


# --- PowerPoint ------------------------------------------------------------------------------


def write_deck(collected: Collected, path: Path) -> Path:
    """Write the slide deck in the seed deck's order."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    m = collected.municipality
    _title_slide(
        deck,
        f"Helhetlig innsatstrapp – {m.title}",
        f"Analyser {m.base_year}–{m.target_year}: "
        + ", ".join(r.analysis.title.lower() for r in collected.runs),
        collected.illustrative,
    )
    for run in collected.runs:
        for title, figure, points in SLIDES[run.analysis.key](run):
            _figure_slide(deck, title, figure, points, collected.illustrative)
        if run.analysis.key == "housing":
            _housing_table_slide(deck, run, collected.illustrative)
    _sources_slide(deck, collected)
    deck.core_properties.author = "innsatstrapp workbench"
    deck.core_properties.title = f"Helhetlig innsatstrapp – {m.title}"
    deck.core_properties.created = FIXED_TIME
    deck.core_properties.modified = FIXED_TIME
    deck.core_properties.last_modified_by = "innsatstrapp workbench"
    deck.core_properties.revision = 1
    buffer = io.BytesIO()
    deck.save(buffer)
    atomic_write_bytes(path, stable_zip(buffer.getvalue()))
    return path


def _figure(run: Run, prefix: str) -> bytes | None:
    return next((f.png for f in run.session.figures if f.stem.startswith(prefix)), None)


def _allocation_slides(run: Run) -> list[tuple[str, bytes | None, list[str]]]:
    result = run.result
    m = run.session.municipality
    if result is None:  # only the source's figures
        ref = run.session.tables[0].frame
        points = [
            f"Trinn {t}: {mill_kr(c)} ({percent(a)})"
            for t, c, a in zip(ref["Trinn"], ref["Kostnad (kr)"], ref["Andel"], strict=True)
        ]
        return [
            (
                f"Økonomifordeling {m.analyses.allocation.year}: kildens tall",
                _figure(run, "trapp"),
                points,
            )
        ]
    steps = result.steps.set_index("step")
    low = steps.loc[[s for s in steps.index if 1 <= s <= 4], "amount"].sum()
    high = steps.loc[[s for s in steps.index if s >= 9], "amount"].sum()
    total = steps["amount"].sum()
    points = [
        f"Driftsutgifter fordelt: {mill_kr(total)} i {result.year}",
        f"Trinn 1–4: {mill_kr(low)} ({percent(low / total)})",
        f"Trinn 9–12: {mill_kr(high)} ({percent(high / total)})",
        f"Ikke fordelt: {mill_kr(steps.loc[0, 'amount'])} ({percent(steps.loc[0, 'share'])})",
        "Avstemt mot regnskapet til øret",
    ]
    return [(f"Økonomifordeling i innsatstrappa {result.year}", _figure(run, "trapp"), points)]


def _housing_slides(run: Run) -> list[tuple[str, bytes | None, list[str]]]:
    summary = run.result.summary.set_index("key")
    m = run.session.municipality
    points = [
        f"Dagens bemanning {m.base_year}: {number(summary.loc['staff_base', 'value'])} årsverk",
        f"Vekst i behov til {m.target_year} med dagens profil: {number(summary.loc['growth', 'value'])} årsverk",
        f"Endret praksis, alternativ profil: {number(summary.loc['practice', 'value'])} årsverk",
        f"Reduserte kostnader: {percent(summary.loc['cost_share', 'value'])} av kostnadene i {m.target_year}",
    ]
    return [
        (f"Boligprofil 67+ mot {m.target_year}", _figure(run, "profil"), points[:2]),
        (
            "Årsverk og kostnader: dagens og alternativ profil",
            _figure(run, "arsverk-og-kostnader"),
            points[1:],
        ),
    ]


def _persona_slides(run: Run) -> list[tuple[str, bytes | None, list[str]]]:
    slides = []
    for index, result in enumerate(run.result):
        persona = result.persona
        totals = result.totals
        points = [
            f"{name}: {kr(cost)} over {persona.length} år, {number(hours)} timer"
            for name, cost, hours in zip(
                totals["trajectory_name"], totals["total_cost"], totals["hours"], strict=True
            )
        ]
        slides.append((persona.title, _nth_figure(run, "-forlop", index), points))
        saving = personas_views.first_saving_year(result.phase)
        yearly = zip(result.phase["year"][:4], result.phase["extra_total_cost"][:4], strict=True)
        phase_points = [
            f"{number(result.persons)} personer, {number(result.persons / result.length, 1)} nye per år",
            *(f"År {year}: {mill_kr(value, 1)}" for year, value in yearly),
            f"Første år med besparelse: {saving}" if saving else "Ingen besparelse i perioden",
        ]
        slides.append(
            (f"Innfasing – {persona.title}", _nth_figure(run, "-innfasing", index), phase_points)
        )
    return slides


def _nth_figure(run: Run, suffix: str, index: int) -> bytes | None:
    matches = [f.png for f in run.session.figures if f.stem.endswith(suffix)]
    return matches[index] if index < len(matches) else None


def _calculator_slides(run: Run) -> list[tuple[str, bytes | None, list[str]]]:
    slides = []
    figures = [f.png for f in run.session.figures]
    package_files = [p for p in run.session.sources if p.relative.endswith(".yaml")]
    for index, result in enumerate(run.result):
        points = [
            f"{name}: {kr(cost)} per år, {fte(f)} årsverk"
            for name, cost, f in zip(
                result.summary["alternative"],
                result.summary["cost"],
                result.summary["fte"],
                strict=True,
            )
        ]
        title = package_files[index].title if index < len(package_files) else "Ressurskalkulator"
        slides.append(
            (
                f"Ressurskalkulator: {title}",
                figures[index] if index < len(figures) else None,
                points,
            )
        )
    return slides


SLIDES = {
    "allocation": _allocation_slides,
    "housing": _housing_slides,
    "personas": _persona_slides,
    "calculator": _calculator_slides,
}


def _mark(slide, illustrative: bool) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    if not illustrative:
        return
    box = slide.shapes.add_textbox(Inches(7.3), Inches(0.1), Inches(5.9), Inches(0.4))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.text = ILLUSTRATIVE_TEXT
    paragraph.runs[0].font.size = Pt(12)
    paragraph.runs[0].font.bold = True
    paragraph.runs[0].font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _title(slide, text: str) -> None:
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(0.4), Inches(0.45), Inches(12.5), Inches(0.9))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(24 if len(text) < 60 else 20)
    box.text_frame.paragraphs[0].runs[0].font.bold = True


def _title_slide(deck, title: str, subtitle: str, illustrative: bool) -> None:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, title)
    box = slide.shapes.add_textbox(Inches(0.4), Inches(1.5), Inches(12.5), Inches(1.0))
    box.text_frame.text = subtitle
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(18)
    _mark(slide, illustrative)


def _bullets(slide, points: list[str], left, top, width, height) -> None:
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, point in enumerate(points):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {point}"
        paragraph.runs[0].font.size = Pt(16)
        paragraph.space_after = Pt(8)


def _figure_slide(
    deck, title: str, figure: bytes | None, points: list[str], illustrative: bool
) -> None:
    from pptx.util import Inches

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, title)
    if figure is not None:
        _picture(slide, figure, Inches(0.4), Inches(1.4), Inches(8.6), Inches(5.8))
    _bullets(slide, points, Inches(9.2), Inches(1.5), Inches(3.9), Inches(5.5))
    _mark(slide, illustrative)


def _picture(slide, png: bytes, left, top, width, height) -> None:
    """Place a picture as large as fits in the box, keeping its proportions."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        ratio = image.width / image.height
    if width / height > ratio:
        width = int(height * ratio)
    else:
        height = int(width / ratio)
    slide.shapes.add_picture(io.BytesIO(png), left, top, width=width, height=height)


def _housing_table_slide(deck, run: Run, illustrative: bool) -> None:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, "Bemanning og kostnader – sammendrag")
    table, _ = housing_views.summary_frame(run.result.summary)
    shape = slide.shapes.add_table(
        len(table) + 1, 2, Inches(0.4), Inches(1.4), Inches(12.4), Inches(5.6)
    ).table
    shape.columns[0].width = Inches(9.4)
    shape.columns[1].width = Inches(3.0)
    for column, header in enumerate(("", "Verdi")):
        shape.cell(0, column).text = header
    for row, (label, value) in enumerate(zip(table[""], table["Verdi"], strict=True), start=1):
        shape.cell(row, 0).text = str(label)
        shape.cell(row, 1).text = str(value)
        for column in (0, 1):
            shape.cell(row, column).text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    _mark(slide, illustrative)


SOURCES_PER_SLIDE = 10


def _sources_slide(deck, collected: Collected) -> None:
    from pptx.util import Inches, Pt

    sources = collected.sources()
    pages = [
        sources[i : i + SOURCES_PER_SLIDE] for i in range(0, len(sources), SOURCES_PER_SLIDE)
    ] or [[]]
    for number_, page in enumerate(pages, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        _title(slide, "Kilder" if len(pages) == 1 else f"Kilder ({number_} av {len(pages)})")
        table = slide.shapes.add_table(
            len(page) + 1, 3, Inches(0.4), Inches(1.4), Inches(12.5), Inches(0.4)
        ).table
        table.columns[0].width, table.columns[1].width, table.columns[2].width = (
            Inches(7.0),
            Inches(2.0),
            Inches(3.5),
        )
        for column, header in enumerate(("Datagrunnlag", "Status", "Brukt i")):
            table.cell(0, column).text = header
        for row, (provenance, users) in enumerate(page, start=1):
            for column, text in enumerate(
                (provenance.title, STATUS_LABELS[provenance.status], ", ".join(users))
            ):
                table.cell(row, column).text = text
                table.cell(row, column).text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        _mark(slide, collected.illustrative)


def build(project: Project, number: str, folder: Path) -> tuple[Path, Path]:
    """Collect the analyses and write ``<nr>-<slug>-innsatstrapp.xlsx`` and ``.pptx`` into ``folder``."""
    collected = collect(project, number)
    stem = f"{collected.municipality.key}-innsatstrapp"
    return write_workbook(collected, folder / f"{stem}.xlsx"), write_deck(
        collected, folder / f"{stem}.pptx"
    )
