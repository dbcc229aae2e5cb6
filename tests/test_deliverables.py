"""The workbook and the deck, opened with openpyxl and python-pptx and compared with the
analyses' own tables."""

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from workbench import deliverables
from workbench.formatting import kr, mill_kr, number

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(repo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("leveranse")
    collected = deliverables.collect(repo, "9999")
    workbook = deliverables.write_workbook(collected, folder / "demo.xlsx")
    deck = deliverables.write_deck(collected, folder / "demo.pptx")
    return collected, workbook, deck


def sheet_frame(sheet) -> pd.DataFrame:
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    body = [r for r in body if not (isinstance(r[0], str) and r[0].startswith("ILLUSTRATIVE"))]
    return pd.DataFrame(body, columns=header)


def test_workbook_has_a_sheet_per_table_with_the_same_numbers(built):
    collected, path, _ = built
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Forside", "Innhold"] and book.sheetnames[-2:] == [
        "Kilder",
        "Forutsetninger",
    ]
    contents = sheet_frame(book["Innhold"])
    tables = [(run.analysis.title, t) for run in collected.runs for t in run.session.tables]
    assert len(contents) == len(tables)
    for (sheet_name, analysis, stem), (title, table) in zip(
        contents.itertuples(index=False), tables, strict=True
    ):
        assert (analysis, stem) == (title, table.stem)
        shown = sheet_frame(book[sheet_name])
        assert list(shown.columns) == [str(c) for c in table.frame.columns]
        for column in table.frame.select_dtypes("number").columns:
            expected = table.frame[column].to_numpy(dtype=float)
            assert shown[str(column)].to_numpy(dtype=float) == pytest.approx(
                expected, nan_ok=True
            ), (sheet_name, column)


def test_numbers_are_numbers_with_formats(built):
    _, path, _ = built
    book = load_workbook(path)
    sheet = book["Kalk seed-eksempel-sammendrag"]
    cost = sheet["B2"]
    assert cost.value == 16.5 * 52 * 219 + 10 * 52 * 799  # the seed's 603 382 kr
    assert cost.data_type == "n" and cost.number_format == '#,##0 "kr"'
    assert sheet["D2"].number_format == "#,##0.00"  # årsverk
    share = book["Øko per-trinn-2024"]["D2"]
    assert share.data_type == "n" and share.number_format == "0.0 %"
    summary = sheet_frame(book["Bolig sammendrag"]).set_index("Størrelse")
    assert set(summary["Enhet"]) >= {"årsverk", "kr", "andel (0–1)"}


def test_front_sources_and_assumptions(built):
    collected, path, _ = built
    book = load_workbook(path)
    front = [r[:2] for r in book["Forside"].iter_rows(values_only=True)]
    assert ("Kommune", "9999 Demokommune") in front and ("Priskatalog", "23-11") in front
    assert front[1][0].startswith("ILLUSTRATIVE TALL")
    sources = sheet_frame(book["Kilder"])
    assert "data/prices/national-23-11.csv" in set(sources["Fil"])
    assert set(sources["Status"]) <= {"reelle tall", "avledet", "illustrative tall"}
    assumptions = sheet_frame(book["Forutsetninger"]).set_index("Forutsetning")
    assert (
        assumptions.loc["hours_per_fte", "Verdi"]
        == collected.defaults.assumptions.hours_per_fte.value
    )
    for name in book.sheetnames[2:-2]:
        assert any(
            isinstance(c.value, str) and c.value.startswith("ILLUSTRATIVE") for c in book[name]["A"]
        )


def slide_texts(path) -> list[list[str]]:
    return [
        [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for slide in Presentation(path).slides
    ]


def test_deck_follows_the_seed_order_with_key_figures(built):
    collected, _, path = built
    texts = slide_texts(path)
    titles = [t[0] for t in texts]
    order = [
        "Helhetlig innsatstrapp",
        "Økonomifordeling",
        "Boligprofil",
        "Årsverk og kostnader",
        "Bemanning og kostnader",
        "Johs",
        "Innfasing",
        "Ressurskalkulator",
        "Ressurskalkulator",
        "Kilder",
    ]
    assert [next((o for o in order if t.startswith(o)), t) for t in titles[: len(order)]] == order
    runs = {r.analysis.key: r for r in collected.runs}
    allocation = runs["allocation"].result.steps
    assert mill_kr(allocation["amount"].sum()) in texts[1][1]
    seed = runs["calculator"].result[1].summary
    assert kr(seed.loc[0, "cost"]) in "".join(texts[8]) and "603\u00a0382\u00a0kr" in "".join(
        texts[8]
    )
    persona = runs["personas"].result[0].totals
    assert kr(persona.loc[0, "total_cost"]) in "".join(texts[5])
    housing = runs["housing"].result.summary.set_index("key")
    assert number(housing.loc["growth", "value"]) in "".join(texts[2])


def test_every_slide_is_marked_illustrative_and_pictures_are_sharp(built):
    _, _, path = built
    for slide in Presentation(path).slides:
        assert any(
            "ILLUSTRATIVE TALL" in s.text_frame.text for s in slide.shapes if s.has_text_frame
        )
        for shape in slide.shapes:
            if shape.shape_type == 13:  # picture
                assert shape.image.size[0] >= 1600  # ≥ 1 600 px wide: sharp on a projector


def test_same_inputs_same_bytes(built, repo, tmp_path):
    _, workbook, deck = built
    again = deliverables.collect(repo, "9999")
    assert (
        deliverables.write_workbook(again, tmp_path / "a.xlsx").read_bytes()
        == workbook.read_bytes()
    )
    assert deliverables.write_deck(again, tmp_path / "a.pptx").read_bytes() == deck.read_bytes()


def test_a_municipality_with_only_some_analyses(tmp_path):
    from conftest import make_project

    project = make_project(tmp_path / "p")
    path = project.parameters_dir / "9999-demokommune.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  personas:")], encoding="utf-8")  # the calculator only
    collected = deliverables.collect(project, "9999")
    assert [r.analysis.key for r in collected.runs] == ["calculator"]
    deck = deliverables.write_deck(collected, tmp_path / "d.pptx")
    titles = [t[0] for t in slide_texts(deck)]
    assert titles[0].startswith("Helhetlig innsatstrapp") and titles[-1] == "Kilder"
    assert all(not t.startswith(("Økonomifordeling", "Boligprofil")) for t in titles)
