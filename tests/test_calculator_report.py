"""The calculator's report blocks (``workbench/analyses/calculator/report.py``): what each shows,
what it writes into the report folder and what ``nokkeltall.json`` says about it.

Hand figures are the Færder presentation's worked example (Agenda Kaupang's ressurskalkulator,
prices 23-11): 16,5 t/uke dagaktivitet with staffing factor 0,3 at 219 kr and 10 t/uke
ambulatory health services day/evening at 799 kr cost 603 382 kr a year, about 1 138 staff
hours (0,71 årsverk), and buy 23,2 t/uke of day activity with staffing factor 1,0 (500 kr).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import make_project
from IPython.display import HTML

from workbench.analyses.calculator import engine, report
from workbench.analyses.calculator.load import load
from workbench.formatting import NBSP, Table
from workbench.outputs import CSV_DECIMAL, CSV_ENCODING, CSV_SEPARATOR, KEY_FIGURES
from workbench.session import open_session

SEED_COST = 16.5 * 52 * 219 + 10 * 52 * 799
DAY_HOURS = 16.5 * 52 * 0.3 / 0.95  # staffing factor ÷ 0,95 hours per hour (the catalogue's note)
STORED = 1e-5  # the catalogue stores hours per unit with six decimals (0,315789)
AMBULATORY_HOURS = 10 * 52 + (10 * 52 * 60 / 30) * 20 / 60  # 30-minute visits, 20 min travel each


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(
        tmp_path_factory.mktemp("calculator") / "project",
        ("9999-demokommune.yaml", "3911-faerder.yaml"),
    )


@pytest.fixture
def shown(monkeypatch) -> list:
    """Everything the blocks display, in order (instead of printing it)."""
    found: list = []
    monkeypatch.setattr(report, "display", found.append)
    monkeypatch.setattr("workbench.session.display", found.append)
    return found


def opened(project, tmp_path, number: str):
    session = open_session(
        "calculator", number, output_dir=str(tmp_path / "out"), project_dir=str(project.root)
    )
    inputs = load(session)
    results = [
        engine.evaluate(p.package, inputs.catalogue, inputs.assumptions) for p in inputs.packages
    ]
    return session, inputs, results


def manifest(session) -> dict:
    return json.loads((session.output_dir / KEY_FIGURES).read_text(encoding="utf-8"))


def csv(session, stem: str) -> pd.DataFrame:
    return pd.read_csv(
        session.output_dir / "tables" / f"{stem}.csv",
        sep=CSV_SEPARATOR,
        decimal=CSV_DECIMAL,
        encoding=CSV_ENCODING,
    )


def source_titles(session, *relative: str) -> list[str]:
    return [p.title for p in session.sources if p.relative in relative]


def test_summary_table_shows_and_writes_the_seed_example(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911")
    report.summary_tables(session, inputs, results)
    title = inputs.packages[0].package.title
    heading, table, source = shown
    assert heading.data == f"<h3>{title}</h3>"
    assert isinstance(table, Table) and table.caption == "Sammenligning av alternativene per år"
    assert f"603{NBSP}382{NBSP}kr" in table.to_html()
    assert source.data.startswith("<p style=") and "Kilde: " in source.data
    written = csv(session, "eksempelpakker-faerder-sammendrag")
    assert list(written.columns) == ["Alternativ", "Årskostnad (kr)", "Timer per år", "Årsverk"]
    assert written.loc[0, "Årskostnad (kr)"] == pytest.approx(SEED_COST)
    assert SEED_COST == 603_382  # as the source prints it
    (entry,) = manifest(session)["tables"]
    assert entry["stem"] == "eksempelpakker-faerder-sammendrag"
    assert entry["title"] == f"{title}: Sammenligning av alternativene per år"
    assert entry["csv"] == "tables/eksempelpakker-faerder-sammendrag.csv"
    catalogue = [p.relative for p in session.sources if p.relative.startswith("prices/")]
    assert entry["sources"] == source_titles(
        session, *catalogue, "packages/eksempelpakker-faerder.yaml"
    )
    assert entry["illustrative"] is False  # Færder's figures are real


def test_cost_figure_is_shown_and_written_as_svg_with_its_sources(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911")
    report.cost_figures(session, inputs, results)
    assert len(shown) == 1 and 'src="data:image/svg+xml;base64,' in shown[0].data
    (figure,) = manifest(session)["figures"]
    assert figure["stem"] == "eksempelpakker-faerder-kostnad-og-arsverk"
    assert figure["title"] == inputs.packages[0].package.title
    assert "png" not in figure and "slide" not in figure  # no deck asked for
    assert (session.output_dir / figure["svg"]).is_file()
    assert source_titles(session, "packages/eksempelpakker-faerder.yaml")[0] in figure["sources"]
    assert any("23-11" in s for s in figure["sources"])


def test_line_table_lists_each_service_per_year(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911")
    report.line_tables(session, inputs, results)
    assert shown[1].caption == "Tjenestene i hvert alternativ"
    assert "per uke" in shown[1].to_html()
    written = csv(session, "eksempelpakker-faerder-linjer")
    assert list(written.columns) == [
        "Alternativ",
        "Trinn",
        "Tjeneste",
        "Antall",
        "Enhet",
        "Periode",
        "Enhetspris (kr)",
        "Antall per år",
        "Årskostnad (kr)",
        "Timer per år",
        "Herav reisetid",
    ]
    assert list(written["Antall per år"]) == pytest.approx([16.5 * 52, 10 * 52])
    assert list(written["Årskostnad (kr)"]) == pytest.approx([16.5 * 52 * 219, 10 * 52 * 799])
    # hours are written as the report shows them, whole: the source's 271 and 867 hours
    assert list(written["Timer per år"]) == [round(DAY_HOURS), round(AMBULATORY_HOURS)]
    assert list(written["Timer per år"]) == [271, 867]


def test_affordable_table_buys_23_2_hours_of_day_activity(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911")
    report.affordable_tables(session, inputs, results)
    assert shown[1].caption.startswith("Hva har vi råd til?")
    written = csv(session, "eksempelpakker-faerder-rad-til").set_index("Tjeneste")
    name = inputs.packages[0].package.alternatives[0].name
    bought = written.loc["Dagaktivitetstilbud – Bemanningsfaktor 1,0", name]
    assert bought == pytest.approx(SEED_COST / (500 * 52), abs=0.05)  # as the report shows it
    assert bought == 23.2  # and as the source shows it
    assert written.loc["Dagaktivitetstilbud – Bemanningsfaktor 1,0", "Enhet"] == "timer per uke"
    # the source's uncertain price is flagged where it is shown, and only that one
    flagged = written["Merknad"].dropna()
    assert list(flagged.index) == ["Forhøyet hjelpestønad (NAV) – Per år"]
    assert flagged.iloc[0].endswith("(trolig tusen kroner); prisen er usikker")
    # a service priced per week, counted per week, is not «uke per uke»: places at a time
    assert not written["Enhet"].str.contains("uke per uke").any()
    assert "plasser samtidig" in set(written["Enhet"])


def test_key_figures_are_the_seed_example_with_units(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911")
    session.show_key_figures(report.key_figures(inputs, results))
    figures = {f["key"]: f for f in manifest(session)["key_figures"]}
    package = inputs.packages[0].package
    name = package.alternatives[0].name
    assert figures["eksempelpakker-faerder.title"] == {
        "key": "eksempelpakker-faerder.title",
        "label": "Tjenestepakke",
        "value": package.title,
        "unit": "tekst",
    }
    cost = figures["eksempelpakker-faerder.0.annual_cost"]
    assert (cost["label"], cost["unit"]) == (f"{name}: årskostnad", "kr")
    assert cost["value"] == pytest.approx(603_382)
    hours = figures["eksempelpakker-faerder.0.hours"]
    assert hours["unit"] == "timer"
    assert hours["value"] == pytest.approx(DAY_HOURS + AMBULATORY_HOURS, rel=STORED)
    fte = figures["eksempelpakker-faerder.0.fte"]
    assert fte["unit"] == "årsverk"
    per_fte = inputs.assumptions.hours_per_fte
    assert fte["value"] == pytest.approx((DAY_HOURS + AMBULATORY_HOURS) / per_fte, rel=STORED)
    assert round(fte["value"], 2) == 0.71  # the source's årsverk for the example


def test_several_alternatives_keep_the_package_order(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "9999")
    report.summary_tables(session, inputs, results)
    session.show_key_figures(report.key_figures(inputs, results))
    package_file = inputs.packages[0]
    names = [a.name for a in package_file.package.alternatives]
    s = package_file.stem
    figures = {f["key"]: f for f in manifest(session)["key_figures"]}
    assert [figures[f"{s}.{i}.annual_cost"]["label"] for i in range(len(names))] == [
        f"{n}: årskostnad" for n in names
    ]
    # the last alternative is a nursing-home place all year: 365 døgn × the døgn price
    price = inputs.catalogue.loc["sykehjem-langtid", "unit_price"]
    assert figures[f"{s}.3.annual_cost"]["value"] == pytest.approx(365 * price)
    # the home-care alternative has a safety alarm without staff hours: flagged, with a note
    summary = csv(session, f"{s}-sammendrag")
    assert summary.loc[0, "Alternativ"] == f"{names[0]} *"
    assert any(isinstance(o, HTML) and report.HOURS_NOTE in o.data for o in shown)
    assert manifest(session)["illustrative"] is True  # Demokommune is fictional


def test_packages_shows_each_title_and_description(project, tmp_path, shown):
    _, inputs, _ = opened(project, tmp_path, "9999")
    report.packages(inputs)
    assert [o.data.split("</h3>")[0] for o in shown] == [
        f"<h3>{p.package.title}" for p in inputs.packages
    ]


def test_blocks_write_nothing_without_an_output_folder(project, shown):
    session = open_session("calculator", "3911", project_dir=str(project.root))
    inputs = load(session)
    results = [
        engine.evaluate(p.package, inputs.catalogue, inputs.assumptions) for p in inputs.packages
    ]
    report.summary_tables(session, inputs, results)
    report.cost_figures(session, inputs, results)
    assert session.tables == [] and session.figures == []
    assert any(isinstance(o, Table) for o in shown)


def test_every_price_unit_has_its_plural():
    from workbench.catalogue import UNITS

    assert set(report.PLURALS) == set(UNITS)
