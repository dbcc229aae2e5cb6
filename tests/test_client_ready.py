"""What a municipality receives reads as written for it: no internal words anywhere.

One batch for the two default municipalities (reports, workbook and deck), then every text a
reader can see is scanned: the HTML pages (text and image descriptions), the CSV files' names
and headers, every workbook sheet name and cell, and every slide's text and tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FORBIDDEN
from openpyxl import load_workbook
from pptx import Presentation

from workbench.marking import is_mark

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(delivered) -> Path:
    return delivered.reports_dir


def readable_texts(reports: Path) -> list[tuple[str, str]]:
    """(where, text) for everything a reader of the deliverables can see."""
    texts = []
    for page in sorted(reports.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        where = page.relative_to(reports).as_posix()
        texts.append((where, soup.get_text(" ")))
        texts += [(f"{where} (bildetekst)", img.get("alt", "")) for img in soup.find_all("img")]
    for table in sorted(reports.rglob("*.csv")):
        header = table.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        texts.append((table.relative_to(reports).as_posix(), f"{table.stem} {header}"))
    for path in sorted(reports.rglob("*.xlsx")):
        book = load_workbook(path)
        for sheet in book.worksheets:
            where = f"{path.name}, arket «{sheet.title}»"
            texts.append((where, sheet.title))
            texts += [
                (where, value)
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if isinstance(value, str)
            ]
    for path in sorted(reports.rglob("*.pptx")):
        for number, slide in enumerate(Presentation(path).slides, start=1):
            where = f"{path.name}, lysark {number}"
            for shape in slide.shapes:
                if shape.has_text_frame:
                    texts.append((where, shape.text_frame.text))
                if shape.has_table:
                    texts += [(where, c.text) for r in shape.table.rows for c in r.cells]
    return texts


def test_the_deliverables_were_all_made(reports):
    for key in ("9999-demokommune", "3911-faerder"):
        assert (reports / key / "deliverables" / f"{key}-innsatstrapp.xlsx").is_file()
        assert (reports / key / "deliverables" / f"{key}-innsatstrapp.pptx").is_file()
        assert len(list((reports / key).glob("*/*.html"))) == 4


def test_no_internal_word_reaches_a_reader(reports):
    texts = readable_texts(reports)
    assert len(texts) > 500  # pages, tables, sheets and slides were all read
    hits = [
        f"{where}: «{text[max(0, m.start() - 40) : m.end() + 20]}»"
        for where, text in texts
        for m in FORBIDDEN.finditer(text)
    ]
    assert hits == []


def test_the_scan_finds_what_it_looks_for():
    for text in (
        "Seed 002, Johs-tabellen",
        "domenespesifikasjonen §3.1",
        "hours_per_fte",
        "workbench.synthetic.ledger(2500)",
        "line;year;ansvar_name",
        "se report.py",
        "../shared/ssb-sources.md",
        "Cellen under regner ut alle pakkene",
        "sett «N fra» i kommunens parameterfil",
        "og hvorfor, står i utenfor-trappa.csv.",
        "(trolig tusen kroner): kontroller før bruk",
        "Vises når kommunens regnskap er lagt inn.",
    ):
        assert FORBIDDEN.search(text), text
    for text in ("Timer per årsverk", "Færder kommune og Agenda Kaupang", "67-79", "23-11"):
        assert not FORBIDDEN.search(text), text


def test_a_real_municipality_is_never_called_fictional(reports):
    texts = readable_texts(reports)
    faerder = [(w, t) for w, t in texts if "3911-faerder" in w]
    assert faerder and not [w for w, t in faerder if "fiktiv" in t.lower()]


def test_what_is_built_from_real_data_carries_no_mark_and_the_rest_names_its_inputs(reports):
    from pptx import Presentation

    deck = Presentation(reports / "3911-faerder/deliverables/3911-faerder-innsatstrapp.pptx")
    marks = {}
    for slide in deck.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        marks[texts[0]] = [t for t in texts if is_mark(t)]
    # the title, the allocation (the source's own 2024 figures), the personas and the
    # calculator example are all real or derived from the source: no mark
    for title, found in marks.items():
        if not title.startswith(("Boligprofil", "Årsverk", "Bemanning", "Målprofil")):
            assert found == [], title
    # the target profile is an example, not the municipality's: its slide says so
    assert marks["Målprofil fram mot 2030"] == [
        "ILLUSTRATIVE INNDATA: målandelene per trinn er illustrative; økonomifordelingen 2024 er "
        "reelle tall"
    ]
    housing = marks["Boligprofil 67+ mot 2040"]
    # the profile is built from residents and the alternative profile alone
    assert housing == [
        "KALIBRERTE INNDATA: beboere per boligtrinn og den alternative profilen er kalibrert "
        "mot kildens sammendrag"
    ]
    # the sector's årsverk and cost: the 67+ and the rest of the sector
    assert marks["Årsverk og kostnader: dagens og alternativ profil"] == [
        "KALIBRERTE INNDATA: beboere per boligtrinn, årsverk og kostnad per beboer, den "
        "alternative profilen og resten av sektoren er kalibrert mot kildens sammendrag; "
        "befolkningen er reelle tall"
    ]
    # the summary counts dwellings too, persons per dwelling is illustrative, and the
    # source's own figures stand beside the model's
    assert marks["Bemanning og kostnader – sammendrag"] == [
        "KALIBRERTE OG ILLUSTRATIVE INNDATA: beboere per boligtrinn, årsverk og kostnad per "
        "beboer, den alternative profilen og resten av sektoren er kalibrert mot kildens "
        "sammendrag; personer per bolig er illustrative; befolkningen og kildens sammendrag er "
        "reelle tall"
    ]
    book = load_workbook(reports / "3911-faerder/deliverables/3911-faerder-innsatstrapp.xlsx")
    for sheet in book.worksheets:
        cells = [v for r in sheet.iter_rows(values_only=True) for v in r if isinstance(v, str)]
        marked = [c for c in cells if is_mark(c)]
        if sheet.title.startswith("Bolig ") and sheet.title.endswith("Befolkning"):
            assert marked == [], sheet.title  # the presentation's population table, as it is
        elif sheet.title.startswith("Bolig "):
            assert marked and "beboere per boligtrinn" in marked[0], sheet.title
        elif sheet.title == "Økonomi 2 Målprofil":
            assert marked and "målandelene per trinn er illustrative" in marked[0]
        elif sheet.title.startswith(("Økonomi", "Kalkulator", "Personas")):
            assert marked == [], sheet.title


def test_every_page_of_the_fictional_municipality_says_it_is_fictional(reports):
    from pptx import Presentation

    fictional = "ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune"
    deck = Presentation(
        reports / "9999-demokommune/deliverables/9999-demokommune-innsatstrapp.pptx"
    )
    for number, slide in enumerate(deck.slides, start=1):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert fictional in texts, number
    book = load_workbook(
        reports / "9999-demokommune/deliverables/9999-demokommune-innsatstrapp.xlsx"
    )
    for sheet in book.worksheets:
        if sheet.title.startswith(("Økonomi", "Kalkulator", "Bolig ", "Personas")):
            cells = [v for r in sheet.iter_rows(values_only=True) for v in r]
            assert fictional in cells, sheet.title


def test_the_real_municipalitys_cover_names_its_kinds_of_inputs_and_files_by_title(reports):
    book = load_workbook(reports / "3911-faerder/deliverables/3911-faerder-innsatstrapp.xlsx")
    front = [r[:2] for r in book["Forside"].iter_rows(values_only=True)]
    assert front[1][0].startswith("Noen inndata er illustrative eller kalibrert mot kilden.")
    assert (
        "Økonomifordeling: Kildens tall",
        "Færders økonomifordeling i innsatstrappa 2024 slik kilden viser den (trinn 1–4, 7 og 8)",
    ) in front
    assert (
        "Boligprofil: Utgangspunkt for kalibreringen: beboere per boligtrinn",
        "Innbyggere 67+ per boligtrinn i 2024 for Færder – illustrativ fordeling (utgangspunkt "
        "for kalibreringen)",
    ) in front
    assert not [v for _, v in front if isinstance(v, str) and v.endswith((".csv", ".yaml"))]


def test_the_cost_per_step_in_the_csv_adds_up_to_the_reconciled_total(reports):
    """A reader sums «Kostnad (kr)» in Excel and compares it with the reconciliation: the
    whole kroner add up to what was allocated, to the krone."""
    import csv

    folder = reports / "9999-demokommune" / "allocation" / "tables"

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(encoding="utf-8-sig") as file:
            return list(csv.DictReader(file, delimiter=";"))

    # the reconciliation is to the øre, as the report shows it
    ledger = {
        row["År"]: float(row["Regnskap (kr)"].replace(",", ".")) for row in rows("avstemming.csv")
    }
    steps = rows("per-trinn-2024.csv")  # the twelve steps and «Ikke fordelt»
    assert [row["Trinn"] for row in steps] == [str(n) for n in range(1, 13)] + ["–"]
    assert sum(int(row["Kostnad (kr)"]) for row in steps) == round(ledger["2024"])


def test_sections_that_need_the_accounts_are_left_out_until_they_are_in(reports):
    """Færder has not given its accounts: one sentence says what they would add, instead of
    seven sections each saying it is empty. Demokommune's report has them all."""
    faerder = (reports / "3911-faerder/allocation/allocation.html").read_text(encoding="utf-8")
    demo = (reports / "9999-demokommune/allocation/allocation.html").read_text(encoding="utf-8")
    for heading in ("Avstemming", "Per tjenesteområde", "Ikke fordelt", "Utvikling over år"):
        assert f">{heading}<" not in faerder and f">{heading}<" in demo, heading
    assert faerder.count("Med kommunens eget regnskap viser rapporten også") == 1
    assert ">Kostnad per trinn<" in faerder and ">Nøkkeltall<" in faerder
