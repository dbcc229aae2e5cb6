"""`workbench new -m 0301` on recorded responses: a project that validates, runs all four
analyses, derives the housing base year from the care statistics and says what is missing."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import recorded_oslo
import yaml
from conftest import make_project
from ssb_fixtures import RecordedApi, dataset

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


# Oslo's gross expenses 2024 in the recorded 12367 (1 000 kr; net × 1,2): institutions
# 253 + 261 = 39 600, staffed housing's personnel base 257 = 14 400, other home services
# 258 = 10 800, day activities 234 = 6 000; 100 årsverk in 12292 split by expenses.
GROSS = {"institution": 39_600_000, "staffed": 14_400_000, "home": 10_800_000, "day": 6_000_000}
TOTAL = sum(GROSS.values())
FTE = {k: 100 * v / TOTAL for k, v in GROSS.items()}
# 11645, all ages: 65 long-term + 11 short-term residents in institutions; 34 residents of
# housing with staff around the clock (service 29); 235 users of home health services, of
# whom the 34 in staffed housing are served from 257
USERS = {"institution": 76, "staffed": 34, "home": 235 - 34}


def test_cost_per_resident_comes_from_kostra_by_hand(oslo):
    costs = _csv(oslo, "bolig/trinnkostnader.csv").set_index("step")
    for step, kind in ((6, "institution"), (4, "institution"), (5, "staffed"), (2, "home")):
        expected = GROSS[kind] / USERS[kind]
        assert costs.loc[step, "cost_per_resident"] == pytest.approx(expected, abs=0.01), step
        fte = FTE[kind] / USERS[kind]
        assert costs.loc[step, "fte_per_resident"] == pytest.approx(fte, abs=0.00005), step
    assert costs.loc[3].tolist() == costs.loc[2].tolist()
    assert costs.loc[1].tolist() == [0, 0]
    # a resident of staffed housing costs more than one at home with home services: the
    # boligtrapp's gradient (423 529 kr against 53 731 kr)
    assert costs.loc[5, "cost_per_resident"] > 7 * costs.loc[2, "cost_per_resident"]
    sources = yaml.safe_load((oslo.data_dir / FOLDER / "bolig/sources.yaml").read_text("utf-8"))
    assert "funksjon 257" in sources["trinnkostnader.csv"]["source"]


def test_the_rest_of_the_sector_is_what_the_67_plus_leave_by_hand(oslo):
    """The 67+ on the steps (derived above): step 2 48 + 60 + 17, step 3 8 + 10 + 3, step 4
    2 + 5 + 2, step 5 4 + 10 + 5, step 6 10 + 30 + 20."""
    on_step = {2: 125, 3: 21, 4: 9, 5: 19, 6: 60}
    kind = {2: "home", 3: "home", 4: "institution", 5: "staffed", 6: "institution"}
    used_cost = sum(n * GROSS[kind[s]] / USERS[kind[s]] for s, n in on_step.items())
    used_fte = sum(n * FTE[kind[s]] / USERS[kind[s]] for s, n in on_step.items())
    rest = _csv(oslo, "bolig/resten-av-sektoren.csv").iloc[0]
    assert rest["cost"] == pytest.approx(TOTAL - used_cost, abs=1)
    assert rest["fte"] == pytest.approx(100 - used_fte, abs=0.01)
    parameters = yaml.safe_load((oslo.parameters_dir / "0301-oslo.yaml").read_text("utf-8"))
    housing = parameters["analyses"]["housing"]
    assert housing["rest_of_sector"] == f"{FOLDER}/bolig/resten-av-sektoren.csv"
    assert housing["steps_by_services"] is True


@pytest.mark.slow
def test_a_derived_municipalitys_steps_1_and_2_are_named_by_services(oslo, capsys):
    assert (
        main(["--project", str(oslo.root), "run", "-m", "0301", "-a", "housing", "--no-progress"])
        == 0
    )
    capsys.readouterr()
    folder = oslo.reports_dir / "0301-oslo/housing"
    for figure in ("profil", "behov-per-trinn"):  # the charts name the steps
        drawn = (folder / f"figures/{figure}.svg").read_text("utf-8")
        assert "Egen bolig med hjemmesykepleie" in drawn, figure
        assert "livsløpsstandard" not in drawn, figure
    text = re.sub(r"<[^>]+>", " ", (folder / "housing.html").read_text("utf-8"))
    assert "Hele sektoren" in text  # the summary covers the sector, the rest included


def _new_on_variant(tmp_path, capsys, change):
    """`workbench new -m 0301` on the recorded answers with one table's document changed by
    ``change``: the project and what the command printed."""
    documents = recorded_oslo.tables()
    change(documents)
    api = RecordedApi(documents, recorded_oslo.klass())
    try:
        project = make_project(tmp_path / "p", ())
        assert main(new_command(project, api, "0301")) == 0
    finally:
        api.close()
    return project, capsys.readouterr().out


def test_staffed_housing_inside_another_category_is_counted_once(tmp_path, capsys):
    """11645's metadata names service 29 as part of 12 (JSON-stat ``child``), and service 12
    holds its 29s: care housing is then service 12 alone. 67–79: 12 in care housing (12 + 0),
    4 of them staffed: the same steps as when the two are separate categories, not 16."""

    # the same residents as the recorded table, with service 12 now holding 29's
    users = {g: {**v, "12": v["12"] + v["29"]} for g, v in recorded_oslo.USERS.items()}

    def value(cell: dict) -> float | None:
        if cell["ContentsCode"] != "Brukere1":
            return None
        if cell["Alder"] == "Ialt":
            return sum(u[cell["TenesteType"]] for u in users.values())
        return users[cell["Alder"]][cell["TenesteType"]]

    def nest(documents):
        old = documents["11645"]
        documents["11645"] = dataset(
            "11645", recorded_oslo.CARE_DIMS, value, updated=old["updated"], label=old["label"]
        )
        documents["11645"]["label"] = old["label"]
        category = documents["11645"]["dimension"]["TenesteType"]["category"]
        category["child"] = {"12": ["29"]}

    project, out = _new_on_variant(tmp_path, capsys, nest)
    assert "er en del av «Bustad som kommunen disponerer til helse- og omsorgsformål»" in out
    residents = _csv(project, "bolig/beboere.csv").set_index(["age_group", "step"])["residents"]
    assert residents["67-79"].to_dict() == {1: 548, 2: 48, 3: 8, 4: 2, 5: 4, 6: 10}
    header = (project.parameters_dir / "0301-oslo.yaml").read_text("utf-8")
    assert "telles én gang" in header


def test_a_care_table_ending_a_year_early_sets_the_base_year_and_says_so(tmp_path, capsys):
    """11645 only to 2023 while 12367 and 12292 have 2024: the base year is 2023, and the
    consultant is told which table holds it back. Before 2024 KOSTRA has one function for
    home services (254), so steps 2, 3 and 5 share its average."""

    def shorten(documents):
        dimension = documents["11645"]["dimension"]["Tid"]["category"]
        dimension["index"] = {"2023": 0}
        dimension["label"] = {"2023": "2023"}
        documents["11645"]["size"][-1] = 1
        documents["11645"]["value"] = documents["11645"]["value"][::2]

    project, out = _new_on_variant(tmp_path, capsys, shorten)
    assert "tabell 11645 (brukere av omsorgstjenester) går til 2023" in out
    assert "tabell 12367 (regnskapet) går til 2024" in out and "Basisåret blir 2023" in out
    parameters = yaml.safe_load((project.parameters_dir / "0301-oslo.yaml").read_text("utf-8"))
    assert parameters["base_year"] == 2023
    costs = _csv(project, "bolig/trinnkostnader.csv").set_index("step")
    # 254 in 2023: 20 000 × 1,2 = 24 000 (1 000 kr) for all 235 home-service users
    assert costs.loc[5, "cost_per_resident"] == pytest.approx(24_000_000 / 235, abs=0.01)
    assert costs.loc[2].tolist() == costs.loc[5].tolist()


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


@pytest.mark.slow
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

    front = load_workbook(folder / "deliverables/0301-oslo-innsatstrapp.xlsx")["Forside"]
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
    from workbench.analyses.allocation import load as allocation
    from workbench.analyses.housing import load as housing

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
    from workbench.analyses.housing.load import read_residents, read_target_shares

    folder = repo.data_dir / "municipalities/9999-demokommune/bolig"
    residents = read_residents(folder / "beboere.csv")
    chosen = read_target_shares(folder / "alternativ-profil.csv")
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


def test_without_network_the_hint_leads_to_a_route_that_works(tmp_path, capsys):
    """Offline on a fresh clone `workbench new` says where to go; the README section it names
    exists, and its steps (a copied parameter file, the data folder with its sources) give a
    municipality that validates."""
    import shutil

    from conftest import REPO

    from workbench.ssb.client import WITHOUT_NETWORK

    project = make_project(tmp_path / "p", ())
    assert main(["--project", str(project.root), "new", "-m", "0301", "--offline"]) == 1
    said = capsys.readouterr().err
    section = re.search(r"README, «([^»]+)»", said).group(1)
    assert section in WITHOUT_NETWORK
    assert f"### {section}\n" in (REPO / "README.md").read_text(encoding="utf-8")
    # the section's steps 1–3, done as a consultant would
    demo = (REPO / "parameters" / "9999-demokommune.yaml").read_text(encoding="utf-8")
    text = (
        demo.replace('number: "9999"', 'number: "0301"')
        .replace("name: Demokommune", "name: Oslo")
        .replace("fictional: true\n", "")
        .replace("9999-demokommune", "0301-oslo")
    )
    (project.parameters_dir / "0301-oslo.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(
        project.data_dir / "municipalities" / "9999-demokommune",
        project.data_dir / "municipalities" / "0301-oslo",
    )
    capsys.readouterr()
    assert main(["--project", str(project.root), "validate"]) == 0, capsys.readouterr()
