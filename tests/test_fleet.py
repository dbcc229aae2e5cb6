"""All municipalities at once: the figures are each municipality's report figures (the
personas against the report's own ``evaluate``), checked by hand where the files allow it,
and the allocation adds up to the ledgers as read straight from their CSV files."""

import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from workbench import fleet, synthetic
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.calculator import engine as calculator
from workbench.analyses.personas import engine as personas


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Three synthetic municipalities (national prices, shared rules) and Demokommune (own
    prices, own rules), so the fleet has to keep different inputs apart."""
    root = tmp_path_factory.mktemp("fleet") / "project"
    project = synthetic.project(root, 3)
    demo = "municipalities/9999-demokommune"
    shutil.copytree(REPO / "data" / demo, project.data_dir / demo)
    shutil.copy(REPO / "parameters/9999-demokommune.yaml", project.parameters_dir)
    return project


@pytest.fixture(scope="module")
def loaded(project):
    inputs = fleet.load(project)
    return inputs, fleet.compute(inputs)


def test_every_municipality_is_there(loaded):
    inputs, results = loaded
    numbers = {"5001", "5002", "5003", "9999"}
    assert {m.number for m in inputs.municipalities} == numbers
    for table in ("calculator", "personas", "housing", "allocation", "reconciliation"):
        assert set(getattr(results, table)["municipality"]) == numbers, table


def test_calculator_equals_the_engine_per_municipality(loaded):
    inputs, results = loaded
    for m in inputs.having("calculator"):
        given = m.inputs["calculator"]
        for package in given.packages:
            expected = calculator.evaluate(package.package, given.catalogue, given.assumptions)
            got = results.calculator[
                (results.calculator["municipality"] == m.number)
                & (results.calculator["package"] == package.stem)
            ]
            assert list(got["alternative"]) == list(expected.summary["alternative"])
            np.testing.assert_allclose(got["cost"], expected.summary["cost"])
            np.testing.assert_allclose(got["fte"], expected.summary["fte"])
    seed = results.calculator[results.calculator["package"] == "eksempelpakker-faerder"]
    # the seed's worked example, 603 382 kr a year, at national prices (5001–5003) and in
    # Demokommune, whose own prices leave the example's services unchanged
    assert sorted(seed["municipality"]) == ["5001", "5002", "5003", "9999"]
    assert set(seed.loc[seed["alternative"] == "Alternativ 1", "cost"].round()) == {603382}


def test_personas_scaling_and_phase_in_equal_the_engine(loaded):
    """The fleet's arrays against the report's own evaluation, N(t) from prevalence included
    (Demokommune)."""
    inputs, results = loaded
    for m in inputs.having("personas"):
        given = m.inputs["personas"]
        for item in given.personas:
            expected = personas.evaluate(item.persona, given)
            got = results.personas[
                (results.personas["municipality"] == m.number)
                & (results.personas["persona"] == item.stem)
            ]
            assert list(got["trajectory"]) == list(expected.scaled["trajectory"])
            np.testing.assert_allclose(got["annual_cost"], expected.scaled["annual_cost"])
            np.testing.assert_allclose(got["diff_annual_cost"], expected.scaled["diff_annual_cost"])
            got_phase = results.phase_in[
                (results.phase_in["municipality"] == m.number)
                & (results.phase_in["persona"] == item.stem)
            ]
            for column in ("extra_running_cost", "extra_investment"):
                np.testing.assert_allclose(got_phase[column], expected.phase[column])
            np.testing.assert_allclose(
                got["annual_investment"], expected.scaled["annual_investment"]
            )
            assert set(got["first_saving_year"]) == {personas.first_saving_year(expected.phase)}


def test_scaling_is_n_over_l_times_the_running_cost(loaded):
    """Hand check: annual running cost = N ÷ L × the trajectory's running cost, and the
    investments the same on their own."""
    inputs, results = loaded
    demo = next(m for m in inputs.municipalities if m.number == "9999")
    row = results.personas[
        (results.personas["municipality"] == "9999")
        & (results.personas["trajectory"] == "proactive")
    ].iloc[0]
    length = demo.inputs["personas"].personas[0].persona.length
    # N = 14,6 % (HUNT4 70+) × Demokommune's 3 000 + 1 000 + 220 residents 67+ in 2024
    assert row["annual_cost"] == pytest.approx(0.146 * 4_220 / length * row["running_cost"])
    assert row["annual_investment"] == pytest.approx(0.146 * 4_220 / length * row["investment"])


def test_housing_persons_follow_the_population_files_by_hand(loaded, project):
    """Independent of the loaders: the 67+ in a given year and in a year between two given
    years (linear), from the synthetic municipalities' own population CSV files; the
    sector is the 67+ plus the rest, in every year."""
    _, results = loaded
    for key in ("5001-synt-1", "5002-synt-2", "5003-synt-3"):
        raw = pd.read_csv(
            project.data_dir / "municipalities" / key / "befolkning.csv", sep=";", decimal=","
        )
        old = raw[(raw["alternative"] == "MMMM") & raw["age_group"].isin(["67-79", "80-89", "90+"])]
        mmmm = old.groupby("year")["persons"].sum()
        mine = results.housing[results.housing["municipality"] == key[:4]].set_index("year")
        assert mine.loc[2024, "persons"] == pytest.approx(mmmm[2024])
        assert mine.loc[2030, "persons"] == pytest.approx(mmmm[2030])
        between = mmmm[2024] + (mmmm[2030] - mmmm[2024]) * 3 / 6  # 2027, half way
        assert mine.loc[2027, "persons"] == pytest.approx(between)
        assert list(mine.index) == list(range(2024, 2041))
        for kind in ("fte", "cost"):
            for scenario in ("today", "alt"):
                sector = mine[f"{kind}_{scenario}"] + mine[f"{kind}_rest"]
                np.testing.assert_allclose(mine[f"{kind}_sector_{scenario}"], sector)


def test_allocation_equals_the_engine_and_reconciles_with_the_files(loaded, project):
    inputs, results = loaded
    for m in inputs.having("allocation"):
        given = m.inputs["allocation"]
        parts = allocation.place_shared(
            allocation.allocate(given.ledger, given.rules, given.parts),
            allocation.shared_costs(given),
        )
        expected = parts.groupby(["year", "step"])["amount_ore"].sum()
        got = results.allocation[results.allocation["municipality"] == m.number].set_index(
            ["year", "step"]
        )["amount_ore"]
        pd.testing.assert_series_equal(got, expected, check_names=False)
    # independent of the loaders: the ledgers' own CSV files, summed per year, in øre
    for key in ("5001-synt-1", "5002-synt-2", "5003-synt-3"):
        raw = pd.read_csv(
            project.data_dir / "municipalities" / key / "regnskap.csv", sep=";", decimal=","
        )
        ore = (raw["amount"] * 100).round().astype("int64").groupby(raw["year"]).sum()
        mine = results.reconciliation[results.reconciliation["municipality"] == key[:4]]
        assert dict(zip(mine["year"], mine["ledger_ore"], strict=True)) == ore.to_dict()
        allocated = results.allocation[results.allocation["municipality"] == key[:4]]
        assert allocated.groupby("year")["amount_ore"].sum().to_dict() == ore.to_dict()
    assert (results.reconciliation["difference_ore"] == 0).all()


def test_municipalities_can_be_chosen(project):
    inputs = fleet.load(project, ["5002"])
    assert [m.number for m in inputs.municipalities] == ["5002"]
    assert set(fleet.compute(inputs).housing["municipality"]) == {"5002"}


def test_cli_writes_the_tables_with_norwegian_headers(project, tmp_path, capsys):
    from workbench.cli import main

    code = main(["--project", str(project.root), "fleet", "--reports", str(tmp_path)])
    assert code == 0
    assert "4 kommuner: lest på" in capsys.readouterr().out
    folder = tmp_path / fleet.FOLDER
    housing_table = pd.read_csv(folder / "boligprofil-per-ar.csv", sep=";", decimal=",")
    assert list(housing_table.columns[:4]) == [
        "Kommune",
        "Illustrative tall",
        "År",
        "Innbyggere 67+",
    ]
    assert set(housing_table["Illustrative tall"]) == {"ja"}  # synthetic and fictional
    assert set(housing_table["Kommune"]) == {5001, 5002, 5003, 9999}
    for name in fleet.table_files().values():
        assert (folder / f"{name}.csv").read_bytes().startswith("\ufeff".encode())


def test_cli_unknown_municipality_is_a_usage_error(project, tmp_path, capsys):
    from workbench.cli import main

    code = main(["--project", str(project.root), "fleet", "-m", "0301", "--reports", str(tmp_path)])
    assert code == 2
    assert "ingen parameterfil for kommune 0301 (finnes: 5001-synt-1" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_equal_tables_share_a_fingerprint_and_any_difference_changes_it():
    frame = pd.DataFrame({"service": ["Hjemmesykepleie", "Dagsenter"], "price": [740.0, 1200.0]})
    assert fleet.fingerprint(frame) == fleet.fingerprint(frame.copy())
    changed = frame.copy()
    changed.loc[1, "price"] = 1201.0
    as_integers = frame.assign(price=[740, 1200])
    renamed = frame.rename(columns={"price": "pris"})
    other_index = frame.set_axis([5, 6])
    found = {fleet.fingerprint(f) for f in (frame, changed, as_integers, renamed, other_index)}
    assert len(found) == 5
