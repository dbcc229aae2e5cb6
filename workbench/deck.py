"""The slide deck: a title slide, each analysis's slides in the registry's order (figures
the reports wrote, bullets from their key figures) and the sources. Key figures are
editable text; illustrative data is marked on every slide. Written atomically and
byte-stable."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from workbench.collected import Collected
from workbench.formatting import with_unit, wrapped
from workbench.outputs import FIXED_TIME, KeyFigure, ReportOutput, atomic_write_bytes, stable_zip
from workbench.provenance import STATUS_LABELS


@dataclass(frozen=True)
class Slide:
    """One slide an analysis contributes.

    Args:
        title: The slide's heading.
        figure: A figure's PNG (from the report folder), or None.
        points: Bullet points (editable text).
        rows: A table (label, then one text per further header) instead of a figure, or
            empty.
        table: The stem of the report table the rows come from: the slide carries that
            table's mark (default the report's).
        headers: The table's column headers; the first column holds the labels.
    """

    title: str
    figure: bytes | None = None
    points: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    table: str = ""
    headers: tuple[str, ...] = ("Nøkkeltall", "Verdi")


def point(figure: KeyFigure) -> str:
    """A key figure as a bullet: its label and its value in Norwegian format."""
    return f"{figure.label}: {with_unit(figure.value, figure.unit)}"


def figure_png(output: ReportOutput, prefix: str, index: int = 0) -> bytes | None:
    """The PNG of the ``index``-th figure whose stem starts with ``prefix`` (None if none)."""
    entries = output.figures(prefix)
    return output.png(entries[index]) if index < len(entries) else None


def long_date(day: datetime.date) -> str:
    """«6. desember 2026»."""
    from babel.dates import format_date

    return format_date(day, format="long", locale="nb_NO")


def write_deck(collected: Collected, path: Path, made_on: datetime.date | None = None) -> Path:
    """Write the slide deck; its title slide carries ``made_on`` (today by default)."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    m = collected.municipality
    _title_slide(
        deck,
        f"Helhetlig innsatstrapp – {m.title}",
        [
            f"Analyser {m.base_year}–{m.target_year}: "
            + ", ".join(a.title.lower() for a, _ in collected.reports),
            f"Basisår {m.base_year}, målår {m.target_year}",
            " · ".join(
                filter(
                    None, [long_date(made_on or datetime.date.today()), collected.defaults.made_by]
                )
            ),
        ],
        collected.fictional_mark,
    )
    for analysis, output in collected.reports:
        figures = output.slide_figures()
        tables = output.table_marks()
        for slide in analysis.part("deliver").slides(output):
            # a figure's slide says what that figure says; a table's, what its table says
            if slide.rows:
                _table_slide(deck, slide, tables.get(slide.table, output.marking))
            elif slide.figure is not None:
                entry = figures[slide.figure]
                _figure_slide(deck, slide, entry.marking, entry.sources)
            else:
                _figure_slide(deck, slide, output.marking, None)
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


def _mark(slide, mark: str) -> None:
    """The slide's mark (:mod:`workbench.marking`) in its top right corner; nothing if empty."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    if not mark:
        return
    # a footer across the slide, under the figure or table, clear of the title
    box = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.45))
    box.text_frame.word_wrap = True
    paragraph = box.text_frame.paragraphs[0]
    paragraph.text = mark
    paragraph.runs[0].font.size = Pt(11)
    paragraph.runs[0].font.bold = True
    paragraph.runs[0].font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _title(slide, text: str) -> None:
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(0.4), Inches(0.45), Inches(12.5), Inches(0.9))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(24 if len(text) < 60 else 20)
    box.text_frame.paragraphs[0].runs[0].font.bold = True


def _title_slide(deck, title: str, lines: list[str], illustrative: str) -> None:
    """The title, then what the deck covers, the years, and when and by whom it was made."""
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, title)
    box = slide.shapes.add_textbox(Inches(0.4), Inches(1.5), Inches(12.5), Inches(1.6))
    box.text_frame.word_wrap = True
    for index, line in enumerate(filter(None, lines)):
        paragraph = box.text_frame.paragraphs[0] if index == 0 else box.text_frame.add_paragraph()
        paragraph.text = line
        paragraph.runs[0].font.size = Pt(18 if index == 0 else 14)
        paragraph.space_after = Pt(6)
    _mark(slide, illustrative)


LINE_SPACING = 1.2
SIDE_MARGINS_IN, END_MARGINS_IN = 0.2, 0.1
"""python-pptx's default text box margins together: 0,1 in left and right, 0,05 in top and
bottom."""


def text_height(texts: list[str], size_pt: float, width_in: float, after_pt: float = 0) -> float:
    """Inches the paragraphs ``texts`` need at ``size_pt`` in a box ``width_in`` wide
    (lines as :func:`workbench.formatting.wrapped` breaks them)."""
    inside = width_in - SIDE_MARGINS_IN
    lines = sum(wrapped(t, inside, size_pt).count("\n") + 1 for t in texts)
    points = lines * size_pt * LINE_SPACING + after_pt * len(texts)
    return points / 72 + END_MARGINS_IN


def _inches_up(inches: float) -> int:
    """``inches`` in EMU, rounded up (a box never a hair smaller than its text needs)."""
    import math

    from pptx.util import Emu

    return Emu(math.ceil(inches * 914400))


BULLET_SIZES = (16, 14, 12, 11)
"""Bullet type sizes, largest first: the largest that fits above the source line is used."""


def _bullets(slide, points: list[str], left, top, width, bottom) -> None:
    """The points as bullets from ``top``, in the largest size that ends above ``bottom``
    (EMU), the box as high as its text."""
    from pptx.util import Emu, Pt

    texts = [f"• {point}" for point in points]
    room = Emu(bottom - top).inches
    for size in BULLET_SIZES:
        after = size / 2
        needed = text_height(texts, size, Emu(width).inches, after)
        if needed <= room:
            break
    box = slide.shapes.add_textbox(left, top, width, min(_inches_up(needed), bottom - top))
    frame = box.text_frame
    frame.word_wrap = True
    for index, text in enumerate(texts):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.runs[0].font.size = Pt(size)
        paragraph.space_after = Pt(after)


SOURCE_SUFFIX = "Beregnet med innsatstrapp workbench."
COLUMN_LEFT_IN, COLUMN_WIDTH_IN = 9.2, 3.9
"""The right-hand column of a figure slide: the points, then the source line."""
COLUMN_TOP_IN, COLUMN_BOTTOM_IN = 1.5, 6.9
SOURCE_SIZE_PT = 10


def _figure_slide(deck, content: Slide, illustrative: str, sources: list[str] | None) -> None:
    """The figure on the left (a slide version at its own size, 8,6 × 5 in), the points on
    the right with the figure's source under them, and the mark at the foot. The source
    box is as high as its text and ends at the column's foot; the points end above it.

    Args:
        sources: The figure's data titles; None for a slide without a figure.
    """
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, content.title)
    if content.figure is not None:
        _picture(slide, content.figure, Inches(0.4), Inches(1.4), Inches(8.6), Inches(5.5))
    bottom = Inches(COLUMN_BOTTOM_IN)
    if sources is not None:  # under the points, in the right-hand column
        named = f"{'; '.join(sources)}. " if sources else ""
        text = f"Kilde: {named}{SOURCE_SUFFIX}"
        height = _inches_up(text_height([text], SOURCE_SIZE_PT, COLUMN_WIDTH_IN))
        top = bottom - height
        box = slide.shapes.add_textbox(Inches(COLUMN_LEFT_IN), top, Inches(COLUMN_WIDTH_IN), height)
        box.text_frame.word_wrap = True
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        paragraph.runs[0].font.size = Pt(SOURCE_SIZE_PT)
        paragraph.runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        bottom = top - Inches(0.1)
    _bullets(
        slide,
        content.points,
        Inches(COLUMN_LEFT_IN),
        Inches(COLUMN_TOP_IN),
        Inches(COLUMN_WIDTH_IN),
        bottom,
    )
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


ROW_HEIGHT_IN = 0.45
"""A table row's height at 12 pt, its margins included."""
TABLE_ROWS_AT_FULL_SIZE = 14
"""Rows a table slide holds in 12 pt above the mark; more are set smaller and tighter."""


def _table_slide(deck, content: Slide, illustrative: str) -> None:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, content.title)
    columns = len(content.headers)
    # as high as its rows (a short table is not stretched over the slide), at most to the mark
    height = Inches(min(5.6, ROW_HEIGHT_IN * (len(content.rows) + 1)))
    shape = slide.shapes.add_table(
        len(content.rows) + 1, columns, Inches(0.4), Inches(1.4), Inches(12.4), height
    ).table
    value_width = 3.0 if columns == 2 else 2.0
    shape.columns[0].width = Inches(12.4 - value_width * (columns - 1))
    for column in range(1, columns):
        shape.columns[column].width = Inches(value_width)
    for column, header in enumerate(content.headers):
        shape.cell(0, column).text = header
    # a long table keeps clear of the mark at the foot: smaller type, tighter rows
    crowded = len(content.rows) > TABLE_ROWS_AT_FULL_SIZE
    size = Pt(10.5 if crowded else 12)
    if crowded:
        for row in shape.rows:
            row.height = Inches(5.4 / (len(content.rows) + 1))
    for row, cells in enumerate(content.rows, start=1):
        for column, text in enumerate(cells):
            cell = shape.cell(row, column)
            cell.text = text
            if crowded:
                cell.margin_top = cell.margin_bottom = Inches(0.02)
            for run in cell.text_frame.paragraphs[0].runs:  # none in an empty cell
                run.font.size = size
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
        for column, header in enumerate(("Datagrunnlag (utgiver, dato)", "Status", "Brukt i")):
            table.cell(0, column).text = header
        for row, (source, users) in enumerate(page, start=1):
            by = ", ".join(x for x in (source.get("publisher"), source.get("published")) if x)
            for column, text in enumerate(
                (
                    f"{source['title']} ({by})" if by else source["title"],
                    STATUS_LABELS[source["status"]],
                    ", ".join(users),
                )
            ):
                table.cell(row, column).text = text
                table.cell(row, column).text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        _mark(slide, collected.fictional_mark)
