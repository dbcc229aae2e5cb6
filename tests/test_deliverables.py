"""The workbook and the deck, built from the written report folders alone, opened with
openpyxl and python-pptx and compared with ``nokkeltall.json``, the CSV tables and hand
figures."""

from __future__ import annotations

import io
import json
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import make_project
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Emu, Inches

from workbench import deliverables
from workbench.collected import collect
from workbench.deck import write_deck
from workbench.errors import InputError
from workbench.formatting import with_unit
from workbench.outputs import KEY_FIGURES, ReportOutput
from workbench.workbook import write_workbook

pytestmark = pytest.mark.slow
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def written(delivered):
    return delivered


@pytest.fixture(scope="module")
def built(written, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deliverables")
    workbook, deck = deliverables.build(written, "9999", folder)
    return collect(written, "9999"), workbook, deck


def sheet_frame(sheet) -> pd.DataFrame:
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    body = [r for r in body if not (isinstance(r[0], str) and r[0].startswith("ILLUSTRATIVE"))]
    return pd.DataFrame(body, columns=header)


def test_workbook_has_a_sheet_per_written_table_with_the_same_numbers(built):
    collected, path, _ = built
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Forside", "Innhold", "Nøkkeltall"]
    assert book.sheetnames[-2:] == ["Kilder", "Forutsetninger"]
    contents = sheet_frame(book["Innhold"])
    tables = [
        (analysis.title, entry, frame)
        for analysis, output in collected.reports
        for entry, frame in output.tables()
    ]
    assert len(contents) == len(tables) > 0
    for (sheet_name, analysis_title, table_title), (title, entry, frame) in zip(
        contents.itertuples(index=False), tables, strict=True
    ):
        assert (analysis_title, table_title) == (title, entry.title)
        shown = sheet_frame(book[sheet_name])
        assert list(shown.columns) == [str(c) for c in frame.columns]
        for column in frame.select_dtypes("number").columns:
            assert shown[str(column)].to_numpy(dtype=float) == pytest.approx(
                frame[column].to_numpy(dtype=float), nan_ok=True
            ), (sheet_name, column)


def test_key_figures_sheet_equals_the_reports_key_figures(built):
    collected, path, _ = built
    shown = sheet_frame(load_workbook(path)["Nøkkeltall"])
    manifests = [
        (analysis, json.loads((output.folder / KEY_FIGURES).read_text()))
        for analysis, output in collected.reports
    ]
    # an amount says which kroner: «kr (kroner i 2023-priser)», the accounts' «… hvert
    # regnskapsårs priser»
    expected = [
        (
            analysis.title,
            entry["label"],
            entry["value"],
            f"kr ({manifest['prices'].lower()})" if entry["unit"] == "kr" else entry["unit"],
        )
        for analysis, manifest in manifests
        for entry in manifest["key_figures"]
    ]
    assert {m["prices"] for _, m in manifests} == {
        "Kroner i 2023-priser",
        "Kroner i hvert regnskapsårs priser",
    }
    rows = list(shown.itertuples(index=False, name=None))
    assert [r[:2] + r[3:4] for r in rows] == [e[:2] + e[3:] for e in expected]
    # each key figure says what its report says about illustrative numbers
    assert {r[5] for r in rows} == {"ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune"}
    assert {r[4] for r in rows} == {None}  # no source to compare a fictional municipality with
    for row, entry in zip(rows, expected, strict=True):
        value = entry[2]
        assert row[2] == (pytest.approx(value) if isinstance(value, float) else value)


def test_the_source_package_costs_what_the_source_says(built):
    """The calculator's worked example in the Færder presentation (12 February 2025): 16,5 t/uke
    dagaktivitet × 219 kr and 10 t/uke ambulerende helsetjenester × 799 kr, 52 uker: 603 382 kr
    per år."""
    _, path, _ = built
    book = load_workbook(path)
    contents = sheet_frame(book["Innhold"])
    [name] = contents.loc[
        contents["Tabell"]
        == "Regneeksempel fra ressurskalkulatoren: Sammenligning av alternativene per år",
        "Ark",
    ]
    assert name == "Kalkulator 2 Sammendrag"
    sheet = book[name]
    cost = sheet["B2"]
    assert cost.value == 16.5 * 52 * 219 + 10 * 52 * 799
    assert cost.data_type == "n" and cost.number_format == '#,##0 "kr"'


def test_front_sources_and_assumptions(built):
    _, path, _ = built
    book = load_workbook(path)
    front = [r[:2] for r in book["Forside"].iter_rows(values_only=True)]
    assert ("Kommune", "9999 Demokommune") in front and ("Priskatalog", "23-11") in front
    assert front[1][0].startswith("ILLUSTRATIVE TALL")
    # the municipality's settings as a two-column table, data files by their dataset title
    assert ("Personas og forløp: N fra", "forekomst × befolkning") in front
    assert (
        "Personas og forløp: Forekomst per aldersgruppe",
        "Forekomst av demens blant personer 70 år og eldre (HUNT4 70+)",
    ) in front
    assert ("Boligprofil: Framskrivingsalternativ", "MMMM") in front
    assert (
        "Boligprofil: Beboere per boligtrinn",
        "Innbyggere 67+ per boligtrinn i basisåret, Demokommune",
    ) in front
    assert ("Økonomifordeling: Grunnlag", "netto: alle linjer") in front
    sources = sheet_frame(book["Kilder"])
    assert list(sources.columns[:5]) == ["Datasett", "Utgiver", "Publisert", "Kilde", "Status"]
    prices = sources.set_index("Datasett").loc[
        "Nasjonal priskatalog for ressurskalkulatoren, versjon 23-11"
    ]
    assert (prices["Utgiver"], prices["Publisert"]) == ("Agenda Kaupang", "november 2023")
    assert set(sources["Status"]) <= {"reelle tall", "avledet", "illustrative tall"}
    assumptions = sheet_frame(book["Forutsetninger"]).set_index("Forutsetning")
    assert assumptions.loc["Timer per årsverk", "Verdi"] == 1600
    share = book["Forutsetninger"].cell(
        list(assumptions.index).index("Gjennomsnittlig stillingsstørrelse") + 2, 2
    )
    assert share.value == 0.67 and share.number_format == "0 %"


def test_sheet_names_are_whole_words_and_the_contents_link_to_them(built):
    _, path, _ = built
    book = load_workbook(path)
    prefixes = ("Økonomi ", "Kalkulator ", "Bolig ", "Personas ")
    tables = [n for n in book.sheetnames if n.startswith(prefixes)]
    assert tables and all(len(n) <= 31 for n in tables)
    assert not any("-" in n.split(" ", 2)[-1] for n in tables), tables  # no file-name slugs
    words = {w.strip(",.") for n in tables for w in n.split()[2:]}
    # every word is a whole Norwegian word or abbreviation from the titles
    assert words <= {
        "Antall",
        "personer",
        "Per",
        "per",
        "trinn",
        "Uten",
        "skole",
        "bhg",
        "SFO",
        "Avstemming",
        "tjenesteområde",
        "og",
        "år",
        "Sammenligning",
        "Ikke",
        "fordelt",
        "Sammendrag",
        "Tjenester",
        "Råd",
        "til",
        "Behov",
        "Sum",
        "over",
        "forløpet",
        "Skalert",
        "Innfasing",
        "Kildens",
        "lengde",
        "innfasing",
        "målgruppe",
        "Målprofil",
        "Tjenestene",
        "på",
        "trinnene",
        "Samlet",
        "effekt",
        "Arbeidskraft",
        "Nye",
        "Befolkning",
        "tilfeller",
    }, words
    contents = book["Innhold"]
    for row in contents.iter_rows(min_row=2):
        assert row[0].hyperlink.location == f"'{row[0].value}'!A1"


def slide_texts(path) -> list[list[str]]:
    return [
        [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for slide in Presentation(path).slides
    ]


def test_deck_follows_the_presentation_order_with_the_key_figures(built):
    collected, _, path = built
    texts = slide_texts(path)
    titles = [t[0] for t in texts]
    order = ["Helhetlig innsatstrapp", "Økonomifordeling", "Boligprofil", "Årsverk og kostnader"]
    order += ["Bemanning og kostnader", "Johs", "Innfasing", "Ressurskalkulator", "Kilder"]
    firsts = [next((o for o in order if t.startswith(o)), None) for t in titles]
    assert [o for i, o in enumerate(firsts) if o and o not in firsts[:i]] == order
    outputs = {a.key: o for a, o in collected.reports}
    total = outputs["allocation"].key_figure("total")
    assert with_unit(total.value, total.unit) in "".join(texts[1])
    by_title = {t[0].split(" ")[0]: "".join(t) for t in reversed(texts)}  # the first of each
    growth = outputs["housing"].key_figure("growth")
    assert with_unit(growth.value, growth.unit) in by_title["Boligprofil"]
    # the target profile's slide, after the staircase, with the kroner to move
    assert titles[2] == "Målprofil fram mot 2030"
    move = outputs["allocation"].key_figure("target_move")
    assert f"innen 2030: {with_unit(move.value, move.unit)}" in by_title["Målprofil"]
    calculator = "".join(t for slide in texts if slide[0].startswith("Ressurs") for t in slide)
    assert f"603{NBSP}382{NBSP}kr" in calculator  # the seed package, NOU 2023: 4, boks 8.9


def test_every_slide_is_marked_illustrative_and_pictures_are_the_written_figures(built):
    collected, _, path = built
    written = {
        output.png(entry)
        for _, output in collected.reports
        for entry in output.figures()
        if entry.slide is not None
    }
    pictures = 0
    for slide in Presentation(path).slides:
        assert any(
            "ILLUSTRATIVE TALL" in s.text_frame.text for s in slide.shapes if s.has_text_frame
        )
        for shape in slide.shapes:
            if shape.shape_type == 13:  # picture
                pictures += 1
                assert shape.image.blob in written
                assert shape.image.size[0] >= 1600  # sharp on a projector
    assert pictures >= 5


def test_a_figure_slide_shows_the_slide_version_at_its_own_size_with_its_source_once(built):
    from PIL import Image

    collected, _, path = built
    versions = {
        output.png(entry): entry
        for _, output in collected.reports
        for entry in output.figures()
        if entry.slide is not None
    }
    seen = 0
    for slide in Presentation(path).slides:
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        if not pictures or pictures[0].image.blob not in versions:
            continue
        seen += 1
        entry = versions[pictures[0].image.blob]
        with Image.open(io.BytesIO(pictures[0].image.blob)) as image:
            pixels = image.size
        # drawn at 8,6 × 5 in and 200 dpi, and placed at that size: 12 pt stays 12 pt
        assert pixels == (1720, 1000)
        assert abs(pictures[0].width - Inches(8.6)) <= Emu(12700)
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        sources = [t for t in texts if t.startswith("Kilde:")]
        assert sources == [
            f"Kilde: {'; '.join(entry.sources)}. Beregnet med innsatstrapp workbench."
        ]
    assert seen >= 5  # staircase, profile, staffing, a trajectory, a phase-in, the calculator


def test_same_reports_same_bytes(built, written, tmp_path):
    _, workbook, deck = built
    again = collect(written, "9999")
    assert write_workbook(again, tmp_path / "a.xlsx").read_bytes() == workbook.read_bytes()
    assert write_deck(again, tmp_path / "a.pptx").read_bytes() == deck.read_bytes()


def test_a_missing_figure_is_a_clear_error_and_nothing_is_written(written, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(written.root, copy)
    project = type(written)(copy)
    output = ReportOutput.read(project.reports_dir / "9999-demokommune" / "housing")
    figure = project.reports_dir / "9999-demokommune" / "housing" / output.figures()[0].slide
    figure.unlink()
    folder = tmp_path / "deliverables"
    with pytest.raises(InputError, match="figuren mangler") as error:
        deliverables.build(project, "9999", folder)
    assert figure.name in str(error.value)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_missing_report_names_the_report(tmp_path):
    project = make_project(tmp_path / "p")
    with pytest.raises(InputError, match="rapporten Økonomifordeling mangler"):
        collect(project, "9999")


def test_a_municipality_with_only_some_analyses(written, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(written.root, copy)
    project = type(written)(copy)
    path = project.parameters_dir / "9999-demokommune.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  allocation:")], encoding="utf-8")  # no allocation
    shutil.rmtree(project.reports_dir / "9999-demokommune" / "allocation")
    collected = collect(project, "9999")
    assert "allocation" not in [a.key for a, _ in collected.reports]
    titles = [t[0] for t in slide_texts(write_deck(collected, tmp_path / "d.pptx"))]
    assert titles[0].startswith("Helhetlig innsatstrapp") and titles[-1].startswith("Kilder")
    assert not any(t.startswith("Økonomifordeling") for t in titles)


def test_years_ages_steps_and_counts_are_whole_numbers_in_the_workbook(built):
    """«2 024,» was how the year looked with the format #,##0.##."""
    _, path, _ = built
    book = load_workbook(path)
    seen = set()
    tables = ("Økonomi", "Kalkulator", "Bolig ", "Personas", "Nøkkeltall")
    for sheet in (s for s in book.worksheets if s.title.startswith(tables)):
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for name, cell in zip(header, row, strict=False):
                if not isinstance(cell.value, int | float) or isinstance(cell.value, bool):
                    continue
                if str(name).lower() in {"år", "alder", "trinn", "boligtrinn"}:
                    assert cell.number_format == "0", (sheet.title, name)
                    seen.add(str(name))
                assert not cell.number_format.endswith(".##"), (sheet.title, name)
                if float(cell.value).is_integer() and cell.number_format not in (
                    "#,##0.00",  # årsverk keep two decimals
                    "#,##0.0",  # a column the report shows with one decimal keeps it
                    "0.0 %",
                    "0 %",
                ):
                    assert cell.number_format in ("0", "#,##0", '#,##0 "kr"', '#,##0 "t"'), (
                        sheet.title,
                        name,
                        cell.number_format,
                    )
    assert {"År", "Trinn", "Alder"} <= seen


def test_a_report_made_without_the_deck_says_how_to_get_its_slides(tmp_path):
    from workbench.manifest import Entry

    figure = Entry(
        stem="profil", title="Profil", svg="figures/profil.svg", sources=[], illustrative=False
    )
    with pytest.raises(InputError, match="lysarkversjonen av figuren mangler") as error:
        ReportOutput.png(SimpleNamespace(folder=tmp_path), figure)
    assert "profil-lysark.png" in str(error.value)


@pytest.fixture(scope="module")
def faerder(delivered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("leveranse-3911")
    return deliverables.build(delivered, "3911", folder)


def table_cells(path, title: str) -> list[list[str]]:
    """The cells of the first slide titled ``title`` that has a table, row by row."""
    for slide in Presentation(path).slides:
        shapes = list(slide.shapes)
        if shapes[0].text_frame.text.startswith(title) and any(s.has_table for s in shapes):
            table = next(s.table for s in shapes if s.has_table)
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(title)


def test_faerders_deck_and_workbook_show_the_sources_figures_beside_the_model(faerder):
    """«Helhetlig innsatstrapp i Færder kommune», presentasjon for kommunestyret 12. februar
    2025: dagens bemanning 855 årsverk, økte kostnader etter gjennomføring 103 mill. kr."""
    workbook, deck = faerder
    rows = table_cells(deck, "Bemanning og kostnader")
    assert rows[0] == ["Nøkkeltall", "Modellen", "Kilden", "Avvik"]
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["Dagens bemanning, 2024"][1] == f"855{NBSP}årsverk"
    assert by_label["Økte kostnader etter gjennomføring av alt. profil"][1] == (
        f"103,0{NBSP}mill.{NBSP}kr"
    )
    assert by_label["herav til tjenester for yngre enn 67 år, 2024"][1] == ""
    shown = sheet_frame(load_workbook(workbook)["Nøkkeltall"]).set_index("Nøkkeltall")
    assert shown.loc["Dagens bemanning, 2024", "Kildens tall"] == 855
    assert shown.loc["Dagens bemanning, 2024", "Verdi"] == pytest.approx(855, abs=2)
    assert shown.loc["Økte kostnader i 2040 (2024-profil)", "Kildens tall"] == 199_000_000


def _boxes(slide):
    """(name, left, top, right, bottom) in inches of every shape with something to show."""
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame and not shape.text_frame.text.strip():
            continue
        left, top = Emu(shape.left).inches, Emu(shape.top).inches
        found.append(
            (shape.name, left, top, left + Emu(shape.width).inches, top + Emu(shape.height).inches)
        )
    return found


@pytest.mark.parametrize("deck_of", ["9999", "3911"])
def test_no_text_frame_overlaps_another_or_leaves_the_slide(built, faerder, deck_of):
    """Demokommune's phase-in and calculator slides printed their bullets over the source
    line and off the slide: every box now ends where the next begins, and the bullets'
    text fits its box at the size it was given."""
    from workbench.deck import text_height

    path = built[2] if deck_of == "9999" else faerder[1]
    deck = Presentation(path)
    width, height = Emu(deck.slide_width).inches, Emu(deck.slide_height).inches
    for number, slide in enumerate(deck.slides, start=1):
        boxes = _boxes(slide)
        for name, left, top, right, bottom in boxes:
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, (number, name)
        for i, first in enumerate(boxes):
            for second in boxes[i + 1 :]:
                apart = (
                    first[3] <= second[1] + 1e-6
                    or second[3] <= first[1] + 1e-6
                    or first[4] <= second[2] + 1e-6
                    or second[4] <= first[2] + 1e-6
                )
                assert apart, (number, first, second)
        for shape in slide.shapes:
            paragraphs = shape.text_frame.paragraphs if shape.has_text_frame else []
            if paragraphs and paragraphs[0].text.startswith("• "):
                size = paragraphs[0].runs[0].font.size.pt
                texts = [p.text for p in paragraphs]
                after = paragraphs[0].space_after.pt
                needed = text_height(texts, size, Emu(shape.width).inches, after)
                assert needed <= Emu(shape.height).inches + 1e-6, (number, size, texts)


def test_samlet_effekt_is_a_table_with_headers_and_only_the_steps_that_change(built):
    """It was a table with an empty header, one «Verdi» column and a row of 0,0."""
    rows = table_cells(built[2], "Samlet effekt per trinn i 2030")
    assert rows[0] == ["Trinn", "Endring per år", "Endring i årsverk"]
    assert all(row[0].startswith("Trinn ") and len(row) == 3 for row in rows[1:])
    assert all(row[1] != "0,0 mill. kr" for row in rows[1:])
    assert len(rows) > 1


def test_the_workbook_keeps_shares_exact_in_percent_and_every_value_fits_its_column(built):
    """The target profile was stored as 0,34 for 34,5 %, and 31 cells showed «###»."""
    book = load_workbook(built[1])
    target = next(
        s for s in book.worksheets if s.title.startswith("Økonomi") and "Målprofil" in s.title
    )
    header = [c.value for c in target[1]]
    today = header.index("I dag") + 1
    shares = [target.cell(row, today) for row in range(2, 14)]
    assert all(c.number_format == "0.0 %" for c in shares)
    assert any(round(c.value, 2) != c.value for c in shares)  # four decimals, not two
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    # what Excel shows at least: the grouped whole digits and the unit
                    shown = len(f"{abs(cell.value):,.0f}")
                    shown += 3 if '"kr"' in cell.number_format else 0
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert width >= shown, (sheet.title, cell.coordinate, cell.value, width)


def test_the_title_slide_says_when_by_whom_and_for_which_years(built, tmp_path):
    import dataclasses
    import datetime

    collected = built[0]
    defaults = collected.defaults.model_copy(update={"made_by": "Agenda Kaupang"})
    signed = dataclasses.replace(collected, defaults=defaults)
    path = write_deck(signed, tmp_path / "d.pptx", made_on=datetime.date(2026, 12, 6))
    texts = slide_texts(path)[0]
    assert texts[0] == "Helhetlig innsatstrapp – 9999 Demokommune"
    lines = texts[1].split("\n")
    assert lines[1] == "Basisår 2024, målår 2040"
    assert lines[2] == "6. desember 2026 · Agenda Kaupang"
