"""`workbench new -m 0301` on recorded responses: a project that validates, runs all four
analyses, derives the housing base year from the care statistics and says what is missing."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import recorded_oslo
import yaml
from conftest import make_project
from ssb_fixtures import RecordedApi

from workbench import input_templates
from workbench.cli import main
from workbench.loaders import Column, read_table

FOLDER = "municipalities/0301-oslo"


@pytest.fixture
def api():
    server = RecordedApi(recorded_oslo.tables(), recorded_oslo.klass())
    yield server
    server.close()


def new_command(project, api, number: str) -> list[str]:
    """``workbench new -m <number>`` against the recorded answers."""
    return [
        *("--project", str(project.root), "new", "-m", number),
        *("--base-url", api.url, "--klass-url", api.url + "/klass"),
    ]


@pytest.fixture
def oslo(tmp_path, api, capsys):
    project = make_project(tmp_path / "p", ())
    code = main(new_command(project, api, "0301"))
    out = capsys.readouterr()
    assert code == 0, out.err
    return project


def _csv(project, name: str) -> pd.DataFrame:
    return pd.read_csv(project.data_dir / FOLDER / name, sep=";", decimal=",", encoding="utf-8-sig")


def test_the_parameter_file_names_oslo_from_klass_with_the_base_year_from_the_metadata(oslo):
    parameters = yaml.safe_load((oslo.parameters_dir / "0301-oslo.yaml").read_text("utf-8"))
    assert parameters["name"] == "Oslo" and parameters["number"] == "0301"
    # the last year 11645, 12367 and 12292 all have (07459 goes on to 2025)
    assert parameters["base_year"] == 2024
    assert "former_numbers" not in parameters  # Oslo has kept its number


def test_the_housing_base_year_is_derived_from_the_care_statistics_by_hand(oslo):
    residents = _csv(oslo, "bolig/beboere.csv").set_index(["age_group", "step"])["residents"]
    # 67–79 in 2024: 620 inhabitants (300 men + 320 women aged 70 in 07459).
    # 11645: long-term 10, short-term 2, care housing 8 + 4 (of which 4 staffed around the
    # clock), home health services 60.
    assert residents["67-79"].to_dict() == {1: 548, 2: 48, 3: 8, 4: 2, 5: 4, 6: 10}
    # 90+: 60 inhabitants; long 20, short 2, housing 3 + 5 (5 staffed), home services 25
    # → step 2 = 25 − 8 = 17, step 1 = 60 − 20 − 2 − 8 − 17 = 13
    assert residents["90+"].to_dict() == {1: 13, 2: 17, 3: 3, 4: 2, 5: 5, 6: 20}
    sources = yaml.safe_load((oslo.data_dir / FOLDER / "bolig/sources.yaml").read_text("utf-8"))
    entry = sources["beboere.csv"]
    assert entry["status"] == "derived"
    assert "SSB tabell 11645" in entry["source"] and "trinn 6 = langtidsopphold" in entry["source"]


def test_cost_per_resident_comes_from_kostra_by_hand(oslo):
    costs = _csv(oslo, "bolig/trinnkostnader.csv").set_index("step")
    # Institutions: gross 253 + 261 = (30 000 + 3 000) × 1,2 = 39 600 (1 000 kr) for
    # 65 long-term + 11 short-term residents (all ages).
    assert costs.loc[6, "cost_per_resident"] == pytest.approx(39_600_000 / 76, abs=0.01)
    # Home services 2024: gross 257 + 258 = (12 000 + 9 000) × 1,2 = 25 200 for 235 users.
    assert costs.loc[2, "cost_per_resident"] == pytest.approx(25_200_000 / 235, abs=0.01)
    # 100 årsverk split by expenses: 39,6 / 64,8 to institutions
    assert costs.loc[4, "fte_per_resident"] == pytest.approx(100 * 39.6 / 64.8 / 76, abs=0.005)
    assert costs.loc[1].tolist() == [0, 0]


def test_ssb_files_record_the_tables_update_time(oslo):
    sources = yaml.safe_load((oslo.data_dir / FOLDER / "ssb/sources.yaml").read_text("utf-8"))
    assert sources["omsorgstjenester.csv"]["updated"] == "2025-06-17T06:00:00Z"
    assert "sist oppdatert av SSB 17.06.2025" in sources["omsorgstjenester.csv"]["source"]
    # the projection begins in 2025: the base year is the registered population
    population = _csv(oslo, "ssb/befolkning.csv")
    base = population[(population["alternative"] == "LLML") & (population["year"] == 2024)]
    assert base.set_index("age_group")["persons"].to_dict() == {
        "67-79": 620,
        "80-89": 250,
        "90+": 60,
    }
    comparisons = _csv(oslo, "ssb/sammenligning.csv")
    assert set(comparisons["municipality"]) == {"Bergen", "Trondheim"}


def test_templates_hold_a_header_and_a_commented_example(oslo):
    text = (oslo.data_dir / FOLDER / "okonomi/regnskap.csv").read_text("utf-8")
    lines = text.splitlines()
    assert lines[0] == "year;ansvar;ansvar_name;funksjon;art;amount"
    assert all(line.startswith("# ") for line in lines[1:]) and len(lines) == 3


def test_validate_is_clean_and_all_four_reports_are_made(oslo, capsys):
    assert main(["--project", str(oslo.root), "validate"]) == 0
    capsys.readouterr()
    assert main(["--project", str(oslo.root), "run", "-m", "0301", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "5 av 5 rapporter laget" in out  # four analyses and the deliverables
    folder = oslo.reports_dir / "0301-oslo"
    allocation = (folder / "allocation/allocation.html").read_text("utf-8")
    text = re.sub(r"<[^>]+>", " ", allocation)
    assert "Regnskapet er ikke lagt inn ennå: slik eksporterer dere det" in text
    assert "regnskapet per KOSTRA-funksjon" in text
    assert "ansvar_name" in text and "data/municipalities/0301-oslo/okonomi/regnskap.csv" in text
    housing = re.sub(r"<[^>]+>", " ", (folder / "housing/housing.html").read_text("utf-8"))
    assert "avledet" in housing and "Innbyggere 67+ per boligtrinn 2024" in housing
    assert "Kommunens egne årsverk og kostnader per beboer er ikke lagt inn ennå" in housing
    assert "Den alternative profilen er ennå lik dagens." in housing
    calculator = re.sub(r"<[^>]+>", " ", (folder / "calculator/calculator.html").read_text("utf-8"))
    assert "Kommunens lokale priser er ikke lagt inn ennå" in calculator
    assert (folder / "personas/personas.html").is_file()
    from openpyxl import load_workbook

    front = load_workbook(folder / "leveranse/0301-oslo-innsatstrapp.xlsx")["Forside"]
    rows = {r[0]: r[1] for r in front.iter_rows(values_only=True) if r[0]}
    assert "Regnskapet er ikke lagt inn ennå" in rows["Mangler ennå"]
    assert "Kommunens lokale priser er ikke lagt inn ennå" in rows["Mangler ennå"]
    # a real municipality on public data is not marked fictional
    assert "fiktiv" not in text.lower()


def test_a_filled_in_template_is_read_as_data(oslo, capsys):
    ledger = oslo.data_dir / FOLDER / "okonomi/regnskap.csv"
    ledger.write_text(
        ledger.read_text("utf-8") + "2024;33100;Sykehjem 1;253;010;1 250 000,00\n", encoding="utf-8"
    )
    table = read_table(ledger, {"year": Column("int"), "amount": Column("float")})
    assert table["amount"].tolist() == [1_250_000.0]  # the commented example is not a row
    # the manifest still says template: validation says what to change
    assert main(["--project", str(oslo.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert "regnskap.csv" in err and "status: template" in err


def test_new_refuses_to_overwrite_and_works_offline_from_the_cache(oslo, api, capsys):
    args = ["--project", str(oslo.root), "new", "-m", "0301", "--offline"]
    assert main(args) == 2
    assert "skriver ikke over" in capsys.readouterr().err
    (oslo.parameters_dir / "0301-oslo.yaml").unlink()
    import shutil

    shutil.rmtree(oslo.data_dir / FOLDER)
    api.close()
    assert main(args) == 0
    assert (oslo.data_dir / FOLDER / "bolig/beboere.csv").is_file()


def test_an_unknown_number_is_a_clear_error(tmp_path, api, capsys):
    project = make_project(tmp_path / "q", ())
    code = main(new_command(project, api, "0399"))
    assert code == 2
    assert "kommunenummer 0399 finnes ikke i SSBs kommuneliste" in capsys.readouterr().err


@pytest.mark.parametrize("kind", sorted(input_templates.TEMPLATES))
def test_each_template_has_the_columns_its_reader_reads(kind, tmp_path):
    from workbench import catalogue
    from workbench.analyses.allocation import engine as allocation
    from workbench.analyses.housing import engine as housing

    schema = {
        "ledger": allocation.LEDGER_SCHEMA,
        "rules": allocation.RULE_SCHEMA,
        "step_costs": housing.STEP_COSTS_SCHEMA,
        "prices": catalogue.SCHEMA,
    }[kind]
    path = input_templates.write_template(tmp_path / f"{kind}.csv", kind)
    assert input_templates.columns_of(path) == list(schema)
    assert input_templates.is_template(path)
    # the example row, uncommented, is a valid row for the reader
    lines = path.read_text("utf-8").splitlines()
    path.write_text(f"{lines[0]}\n{lines[2][2:]}\n", encoding="utf-8")
    assert len(read_table(path, schema)) == 1 and not input_templates.is_template(path)


def test_an_unchanged_alternative_profile_is_told_apart_from_a_chosen_one(repo):
    from workbench.analyses.housing import engine as housing

    folder = repo.data_dir / "municipalities/9999-demokommune/bolig"
    residents = housing.read_residents(folder / "beboere.csv")
    chosen = housing.read_target_shares(folder / "alternativ-profil.csv")
    assert not housing.profile_unchanged(residents, chosen)
    assert housing.profile_unchanged(residents, housing.today_shares(residents))


def test_the_allocation_app_says_it_shows_the_kostra_accounts(oslo):
    import contextlib
    import io

    from workbench.analyses.allocation.app import AllocationApp, build
    from workbench.session import open_session

    session = open_session("allocation", "0301", project_dir=str(oslo.root))
    with contextlib.redirect_stdout(io.StringIO()):
        app = build(session)
    assert isinstance(app, AllocationApp)
    assert "Regnskapet per KOSTRA-funksjon fra SSB" in app.widget.children[0].value
