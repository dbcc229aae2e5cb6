"""The report building blocks (``workbench/analyses/*/report.py``): what each writes into the
report folder, what ``nokkeltall.json`` says about it, and key figures checked against the
Færder presentation and hand calculations."""

from __future__ import annotations

import contextlib
import io
import json

import pandas as pd
import pytest
from conftest import make_project

from workbench.analyses.allocation import engine as allocation_engine
from workbench.analyses.allocation import report as allocation_report
from workbench.analyses.allocation.load import load as load_allocation
from workbench.analyses.calculator import engine as calculator_engine
from workbench.analyses.calculator import report as calculator_report
from workbench.analyses.calculator.load import load as load_calculator
from workbench.analyses.housing import engine as housing_engine
from workbench.analyses.housing import report as housing_report
from workbench.analyses.housing.load import load as load_housing
from workbench.analyses.personas import engine as personas_engine
from workbench.analyses.personas import report as personas_report
from workbench.analyses.personas.load import load as load_personas
from workbench.errors import InputError
from workbench.outputs import KEY_FIGURES, ReportOutput, for_reading, write_table
from workbench.session import open_session


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(
        tmp_path_factory.mktemp("p") / "project", ("9999-demokommune.yaml", "3911-faerder.yaml")
    )


def opened(project, tmp_path, analysis: str, number: str):
    return open_session(
        analysis, number, output_dir=str(tmp_path / analysis), project_dir=str(project.root)
    )


def manifest(session) -> dict:
    return json.loads((session.output_dir / KEY_FIGURES).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def quiet():
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def figures(session) -> dict[str, float]:
    return {f["key"]: f["value"] for f in manifest(session)["key_figures"]}


def test_calculator_blocks_write_what_they_show_and_the_seed_example_costs_603_382_kr(
    project, tmp_path
):
    session = opened(project, tmp_path, "calculator", "3911")
    inputs = load_calculator(session)
    results = [
        calculator_engine.evaluate(p.package, inputs.catalogue, inputs.assumptions)
        for p in inputs.packages
    ]
    calculator_report.summary_tables(session, inputs, results)
    calculator_report.cost_figures(session, inputs, results)
    calculator_report.line_tables(session, inputs, results)
    calculator_report.affordable_tables(session, inputs, results)
    session.show_key_figures(calculator_report.key_figures(inputs, results))
    written = manifest(session)
    assert [t["stem"] for t in written["tables"]] == [
        "eksempelpakker-faerder-sammendrag",
        "eksempelpakker-faerder-linjer",
        "eksempelpakker-faerder-rad-til",
    ]
    summary = pd.read_csv(
        session.output_dir / "tables/eksempelpakker-faerder-sammendrag.csv", sep=";", decimal=","
    )
    assert list(summary.columns[:2]) == ["Alternativ", "Årskostnad (kr)"]
    # Færder presentation, ressurskalkulator: 16,5 t/uke × 219 kr + 10 dager/uke × 799 kr, 52 uker
    assert summary.loc[0, "Årskostnad (kr)"] == pytest.approx(16.5 * 52 * 219 + 10 * 52 * 799)
    assert figures(session)["eksempelpakker-faerder.0.annual_cost"] == pytest.approx(603_382)
    figure = written["figures"][0]
    assert figure["stem"] == "eksempelpakker-faerder-kostnad-og-arsverk"
    assert (session.output_dir / figure["svg"]).is_file()
    assert any("23-11" in s for s in figure["sources"])  # the price catalogue it used
    assert written["illustrative"] is False  # Færder's real figures
    assert written["municipality"]["key"] == "3911-faerder"


def test_persona_key_figures_match_the_seed_table_for_faerder(project, tmp_path):
    """Færder presentation, «Forskjeller mellom proaktivt-, normal- eller reaktivt forløp»:
    normal 3 × 218 102 + 6 × 246 432 + 5 × 371 442 + 2 × 1 003 466 = 5 997 040 kr; 684 persons
    with presumed dementia over a 19-year trajectory."""
    session = opened(project, tmp_path, "personas", "3911")
    inputs = load_personas(session, "personas/johs-kildens-tall.yaml")
    results = [personas_engine.evaluate(p.persona, inputs) for p in inputs.personas]
    personas_report.trajectory_figures(session, inputs, results)
    personas_report.yearly_tables(session, inputs, results)
    personas_report.total_tables(session, inputs, results)
    personas_report.scaled_tables(session, inputs, results)
    personas_report.phase_tables(session, inputs, results)
    personas_report.phase_figures(session, inputs, results)
    session.show_key_figures(personas_report.key_figures(inputs, results))
    shown = figures(session)
    normal = 3 * 218_102 + 6 * 246_432 + 5 * 371_442 + 2 * 1_003_466
    assert shown["johs-kildens-tall.normal.running_cost"] == pytest.approx(normal)
    assert shown["johs-kildens-tall.persons"] == 684
    assert shown["johs-kildens-tall.new_per_year"] == pytest.approx(684 / 19)
    written = manifest(session)
    assert [f["stem"] for f in written["figures"]] == [
        "johs-kildens-tall-forlop",
        "johs-kildens-tall-innfasing",
    ]
    assert {t["stem"] for t in written["tables"]} == {
        "johs-kildens-tall-per-ar",
        "johs-kildens-tall-sum",
        "johs-kildens-tall-skalert",
        "johs-kildens-tall-kildens-lengde",  # the source's own scaled figures beside ours
        "johs-kildens-tall-innfasing",
        "johs-kildens-tall-kildens-innfasing",  # the source's phase-in beside ours
    }


def test_housing_key_figures_are_the_summary_with_units(project, tmp_path):
    session = opened(project, tmp_path, "housing", "9999")
    inputs = load_housing(session)
    m = session.municipality
    result = housing_engine.evaluate(inputs, m.base_year, m.target_year)
    housing_report.summary_table(session, inputs, result)
    housing_report.profile_figure(session, inputs)
    housing_report.staffing_figure(session, inputs, result)
    housing_report.yearly_table(session, inputs, result)
    session.show_key_figures(housing_report.key_figures(result))
    written = manifest(session)
    summary = pd.read_csv(session.output_dir / "tables/sammendrag.csv", sep=";", decimal=",")
    # no source to compare with: each row says which part of the care sector it covers
    assert list(summary.columns) == ["Størrelse", "Verdi", "Enhet", "Gjelder"]
    assert summary.set_index("Størrelse")["Gjelder"].iloc[0] == "Hele sektoren"
    entries = {f["key"]: f for f in written["key_figures"]}
    assert {"staff_base", "growth", "practice", "cost_share"} <= set(entries)
    assert entries["staff_base"]["unit"] == "årsverk" and entries["cost_share"]["unit"] == "andel"
    # the CSV rounds each row by its unit: årsverk to 0,01, kroner to the krone, shares to 0,0001
    tolerance = {"årsverk": 0.005, "kr": 0.5, "andel": 0.00005}
    for figure, shown in zip(written["key_figures"], summary["Verdi"], strict=True):
        assert figure["value"] == pytest.approx(shown, abs=tolerance.get(figure["unit"], 0.5))
    assert written["illustrative"] is True  # Demokommune is fictional
    assert all(t["illustrative"] for t in written["tables"])


def test_allocation_reconciles_to_the_ore_against_the_ledger_file(project, tmp_path):
    session = opened(project, tmp_path, "allocation", "9999")
    inputs = load_allocation(session)
    result = allocation_engine.evaluate(inputs)
    allocation_report.staircase_figure(session, inputs, result)
    allocation_report.step_table(session, inputs, result)
    allocation_report.reconciliation_table(session, inputs, result)
    session.show_key_figures(allocation_report.key_figures(inputs, result))
    ledger = pd.read_csv(
        project.data_dir / "municipalities/9999-demokommune/okonomi/regnskap.csv",
        sep=";",
        decimal=",",
        dtype={"art": str},
    )
    shown = figures(session)
    assert shown["difference_ore"] == 0
    assert shown["year"] == result.year
    in_year = ledger["year"] == result.year
    assert shown["total"] == pytest.approx(ledger.loc[in_year, "amount"].sum(), abs=0.005)
    assert shown["steps_1_4_share"] == pytest.approx(shown["steps_1_4"] / shown["total"])


def test_allocation_with_only_the_source_figures(project, tmp_path):
    """Færder has not entered its accounts: the report shows the presentation's own per-step
    figures, and their total is what the shares imply (≈ 2 080 mill. kr, the total the
    presentation's «140 mill. kr / 6,7 %» for school and kindergarten implies)."""
    session = opened(project, tmp_path, "allocation", "3911")
    inputs = load_allocation(session)
    allocation_report.staircase_figure(session, inputs, None)
    allocation_report.step_table(session, inputs, None)
    session.show_key_figures(allocation_report.key_figures(inputs, None))
    shown = figures(session)
    assert shown["source_total"] == pytest.approx(140e6 / 0.067, rel=0.02)
    written = manifest(session)
    assert [f["stem"] for f in written["figures"]] == ["trapp-2024-kilde"]
    assert [t["stem"] for t in written["tables"]] == ["kilde-2024"]


def test_report_output_reads_back_what_the_session_wrote(project, tmp_path):
    session = opened(project, tmp_path, "calculator", "9999")
    inputs = load_calculator(session)
    results = [
        calculator_engine.evaluate(p.package, inputs.catalogue, inputs.assumptions)
        for p in inputs.packages
    ]
    calculator_report.summary_tables(session, inputs, results)
    output = ReportOutput.read(session.output_dir, "Ressurskalkulator")
    (entry, frame), *_ = output.tables()
    assert entry.title == (
        f"{inputs.packages[0].package.title}: Sammenligning av alternativene per år"
    )
    again = tmp_path / "again.csv"
    write_table(for_reading(frame), again)  # rounding what is already rounded changes nothing
    assert again.read_bytes() == (session.output_dir / entry.csv).read_bytes()


def test_a_report_folder_of_another_version_is_refused_not_half_read(project, tmp_path):
    """nokkeltall.json is one model for the writer and every reader: a folder written by
    another version (here version 1, without the price year) is refused with what to do."""
    import json

    session = opened(project, tmp_path, "calculator", "9999")
    session.write_manifest()
    path = session.output_dir / KEY_FIGURES
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["version"] == 2 and written["prices"] == "Kroner i 2023-priser"
    assert ReportOutput.read(session.output_dir).manifest.municipality.number == "9999"
    older = {k: v for k, v in written.items() if k not in ("version", "price_year", "prices")}
    path.write_text(json.dumps(older), encoding="utf-8")
    with pytest.raises(InputError, match="laget av en annen versjon av arbeidsbenken"):
        ReportOutput.read(session.output_dir, "Ressurskalkulator")


def test_the_housing_year_table_shows_costs_in_millions(project, tmp_path, monkeypatch):
    found: list = []
    monkeypatch.setattr("workbench.session.display", found.append)
    session = opened(project, tmp_path, "housing", "3911")
    inputs = load_housing(session)
    m = session.municipality
    result = housing_engine.evaluate(inputs, m.base_year, m.target_year)
    housing_report.yearly_table(session, inputs, result)
    page = next(o for o in found if hasattr(o, "to_html")).to_html()
    # 2024: population × the age group's share on each step × cost per resident, summed
    # straight from the three files
    folder = project.data_dir / "municipalities/3911-faerder"
    costs, residents, persons = {}, {}, {}
    for line in (folder / "trinnkostnader-kalibrert.csv").read_text().splitlines()[1:]:
        step, _, cost = line.split(";")
        costs[step] = float(cost.replace(",", "."))
    for line in (folder / "beboere-kalibrert.csv").read_text().splitlines()[1:]:
        group, step, count = line.split(";")
        residents[(group, step)] = float(count.replace(",", "."))
    for line in (folder / "befolkning.csv").read_text().splitlines()[1:]:
        alternative, year, group, count = line.split(",")
        if (alternative, year) == ("MMMM", "2024"):
            persons[group] = float(count)
    in_group = {g: sum(v for (h, _), v in residents.items() if h == g) for g in persons}
    total = sum(
        persons[g] * count / in_group[g] * costs[step] for (g, step), count in residents.items()
    )
    # plus the rest of the care sector (services to people under 67), held constant
    rest = (folder / "resten-av-sektoren-kalibrert.csv").read_text().splitlines()[1]
    total += float(rest.split(";")[1].replace(",", "."))
    shown = f"{total / 1e6:.1f}".replace(".", ",")
    # in millions with one decimal, the header without a second «(kr)»
    assert f"{shown}\u00a0mill.\u00a0kr" in page
    assert ">Kostnad i sektoren, dagens profil</th>" in page
