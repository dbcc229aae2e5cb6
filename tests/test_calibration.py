"""Calibrating the housing inputs to a source's summary: a hand case the fit must solve
exactly, Færder against the figures of «Hva er en bærekraftig boligprofil?» in «Helhetlig
innsatstrapp i Færder kommune» (presentasjon for kommunestyret 12. februar 2025), and the
committed calibrated files against what `workbench calibrate` writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from workbench.analyses.housing import calibrate
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import load
from workbench.errors import InputError
from workbench.project import Project
from workbench.session import open_session

GROUPS = housing.AGE_GROUPS


def grid(values: dict[int, float], column: str) -> pd.DataFrame:
    """The same split for every age group."""
    return pd.DataFrame(
        [(g, s, values.get(s, 0.0)) for g in GROUPS for s in housing.STEPS],
        columns=["age_group", "step", column],
    )


@pytest.fixture
def doubled() -> housing.HousingData:
    """Population doubling from 2024 to 2034; half of every age group on step 1, half on
    step 6; the alternative profile three quarters on step 1."""
    population = pd.DataFrame(
        [
            ("MMMM", y, g, n * (1 if y == 2024 else 2))
            for y in (2024, 2034)
            for g, n in zip(GROUPS, (100, 50, 10), strict=True)
        ],
        columns=["alternative", "year", "age_group", "persons"],
    )
    residents = pd.DataFrame(
        [
            (g, s, n / 2 if s in (1, 6) else 0.0)
            for g, n in zip(GROUPS, (100, 50, 10), strict=True)
            for s in housing.STEPS
        ],
        columns=["age_group", "step", "residents"],
    )
    costs = pd.DataFrame(
        {
            "fte_per_resident": [0.1, 0, 0, 0, 0, 1.0],
            "cost_per_resident": [10_000, 0, 0, 0, 0, 100_000],
        },
        index=pd.Index(housing.STEPS, name="step"),
    )
    dwellings = pd.DataFrame(
        {"persons_per_dwelling": [1.0, 1.0, 1.0]}, index=pd.Index(GROUPS, name="age_group")
    )
    return housing.HousingData(
        population, residents, costs, grid({1: 0.75, 6: 0.25}, "share"), dwellings
    )


def summary_of(data: housing.HousingData) -> pd.Series:
    projection = housing.project(data, "MMMM", 2024, 2034)
    return housing.summary(projection, 2024, 2034, 0.67).set_index("key")["value"]


def test_the_hand_case_before_calibration(doubled):
    table = summary_of(doubled)
    # 2024: 80 on step 1 × 0,1 + 80 on step 6 × 1,0 = 88 årsverk; 8,8 mill. kr
    assert table["staff_base"] == pytest.approx(88)
    assert table["growth"] == pytest.approx(88)
    # 2034 alternative: 240 × 0,1 + 80 × 1,0 = 104 against 176 with today's profile
    assert table["practice"] == pytest.approx(-72)
    assert table["cost_cut"] == pytest.approx(-7_200_000)
    assert table["cost_share"] == pytest.approx(7.2 / 17.6)


def test_a_source_with_twice_the_staff_and_half_again_the_cost_scales_only_the_levels(doubled):
    # the hand figures above with årsverk × 2 and kroner × 1,5: reachable by the two levels alone
    targets = {
        "staff_base": 176,
        "growth": 176,
        "practice": -144,
        "cost_growth": 13_200_000,
        "cost_cut": -10_800_000,
        "cost_share": 7.2 / 17.6,
    }
    result = calibrate.fit(doubled, targets, "MMMM", 2024, 2034)
    assert result.converged
    fte = result.data.step_costs["fte_per_resident"]
    cost = result.data.step_costs["cost_per_resident"]
    assert fte[1] == pytest.approx(0.2, rel=1e-3) and fte[6] == pytest.approx(2.0, rel=1e-3)
    assert cost[1] == pytest.approx(15_000, rel=1e-3) and cost[6] == pytest.approx(
        150_000, rel=1e-3
    )
    residents = result.data.residents.set_index(["age_group", "step"])["residents"]
    assert residents[("67-79", 1)] == pytest.approx(50, rel=1e-3)
    assert residents[("90+", 6)] == pytest.approx(5, rel=1e-3)
    shares = result.data.target_shares.set_index(["age_group", "step"])["share"]
    assert shares[("80-89", 1)] == pytest.approx(0.75, abs=1e-3)
    table = summary_of(result.data)
    for key, value in targets.items():
        assert table[key] == pytest.approx(value, rel=1e-3), key


def test_the_fits_model_is_the_engines_summary(doubled):
    """The fast model the fit uses gives the engine's numbers for any parameters."""
    problem = calibrate._Problem(doubled, {}, "MMMM", 2024, 2034)
    rng = np.random.default_rng(7)
    for _ in range(3):
        x = rng.normal(scale=0.3, size=problem.size)
        fast = problem.model(x)
        table = summary_of(problem.data(x))
        for key, value in fast.items():
            assert table[key] == pytest.approx(value, rel=1e-9), key


def test_every_kept_age_group_sums_to_its_population_and_every_profile_to_one(doubled):
    targets = {
        "staff_base": 120,
        "growth": 60,
        "practice": -50,
        "cost_growth": 5e6,
        "cost_cut": -5e6,
        "cost_share": 0.3,
    }
    data = calibrate.rounded(calibrate.fit(doubled, targets, "MMMM", 2024, 2034).data)
    residents = data.residents.groupby("age_group")["residents"].sum()
    assert residents.to_dict() == pytest.approx({"67-79": 100, "80-89": 50, "90+": 10}, abs=0.5)
    assert housing.share_sum_problems(data.target_shares) == []


@pytest.fixture(scope="module")
def faerder():
    session = open_session("housing", "3911", project_dir=str(REPO))
    inputs = load(session)
    m = session.municipality
    return inputs, housing.evaluate(inputs, m.base_year, m.target_year)


def test_faerders_calibrated_model_meets_the_sources_level_and_effect(faerder):
    inputs, result = faerder
    model = result.summary.set_index("key")["value"]
    # the source: dagens bemanning 855 årsverk; endret praksis −120; −96 mill. kr; 12,1 %
    assert abs(model["staff_base"] - 855) / 855 < 0.02
    assert abs(model["practice"] - -120) / 120 < 0.02
    assert abs(model["cost_share"] - 0.121) < 0.001
    assert abs(model["cost_cut"] - -96e6) / 96e6 < 0.05
    # before calibration the illustrative inputs gave 606 årsverk and 21,6 %
    prior = housing.summary(
        housing.project(inputs.prior, "MMMM", 2024, 2040), 2024, 2040, inputs.position_size
    ).set_index("key")["value"]
    assert prior["staff_base"] < 700 and prior["cost_share"] > 0.2


def test_faerders_growth_follows_the_population_and_the_report_says_why(faerder, monkeypatch):
    inputs, result = faerder
    model = result.summary.set_index("key")["value"]
    # 248 årsverk is 29 % of 855; the calibrated base grows by more than that, and by less
    # than the 82 % of the 80–89-year-olds
    assert 248 < model["growth"] < 0.82 * model["staff_base"]
    from workbench.analyses.housing import report

    shown = []
    monkeypatch.setattr(report, "display", shown.append)
    session = open_session("housing", "3911", project_dir=str(REPO))
    report.calibration_note(session, inputs, result)
    text = shown[0].data.replace("\xa0", " ")  # the percent sign keeps to its number
    assert "80–89 år med 82 %" in text and "90 år og eldre med 97 %" in text
    assert "Kildens vekst på 248 årsverk er 29 % av dagens bemanning" in text
    assert "Kildens basisår er 2023; modellen regner fra 2024" in text


def test_the_comparison_shows_every_figure_of_the_source(faerder):
    inputs, result = faerder
    table = calibrate.comparison(inputs.reference, result.summary)
    assert list(table["label"]) == list(inputs.reference["label"])
    row = table.set_index("key").loc["cost_growth"]
    assert row["source"] == 199_000_000 and row["unit"] == "kr"
    assert table.set_index("key").loc["cost_share", "source"] == pytest.approx(0.121)
    assert table.set_index("key").loc["staff_alt", "role"] == "ikke kalibrert"


def test_the_committed_files_are_what_calibrate_writes(tmp_path):
    for folder in ("parameters", "data"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    written, _ = calibrate.calibrate_municipality(Project(tmp_path), "3911")
    assert [p.name for p in written] == [
        "beboere-kalibrert.csv",
        "trinnkostnader-kalibrert.csv",
        "alternativ-profil-kalibrert.csv",
    ]
    for path in written:
        committed = REPO / path.relative_to(tmp_path)
        ours, theirs = (
            pd.read_csv(f, sep=";", dtype=str, encoding="utf-8-sig") for f in (path, committed)
        )
        # the same rows and columns, numbers equal to one unit of the last digit written: a
        # least-squares fit can land on the other side of a rounding boundary when BLAS
        # runs with another number of threads
        assert list(ours.columns) == list(theirs.columns) and len(ours) == len(theirs), path.name
        for column in ours.columns:
            if column in ("age_group", "step"):
                assert ours[column].tolist() == theirs[column].tolist(), (path.name, column)
                continue
            decimals = max(len(v.partition(",")[2]) for v in theirs[column])
            a, b = (pd.to_numeric(t[column].str.replace(",", ".")) for t in (ours, theirs))
            assert (a - b).abs().max() <= 10**-decimals + 1e-12, (path.name, column)


def test_a_municipality_without_a_calibration_block_is_told_what_is_missing():
    with pytest.raises(InputError, match="ingen calibration-blokk"):
        calibrate.calibrate_municipality(Project(REPO), "9999")


def test_a_summary_without_the_fits_rows_names_them(tmp_path: Path):
    reference = pd.DataFrame(
        {
            "key": ["staff_base"],
            "label": ["Dagens bemanning"],
            "value": [855.0],
            "unit": ["årsverk"],
            "source_row": [5],  # as read_table gives it: the row as the file shows it
        }
    )
    with pytest.raises(InputError) as caught:
        calibrate.source_targets(reference, tmp_path / "kilde.csv")
    assert "radene cost_share, practice, cost_cut, growth, cost_growth" in str(caught.value)
    assert "kilde.csv" in str(caught.value)
    with pytest.raises(InputError, match="rad 5, kolonne «unit»: ukjent enhet «timer»"):
        calibrate.source_targets(reference.assign(unit="timer"), tmp_path / "kilde.csv")


def test_calibrated_files_are_never_written_outside_data(tmp_path):
    for folder in ("parameters", "data"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    parameters = tmp_path / "parameters/3911-faerder.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(
        text.replace(
            "residents: municipalities/3911-faerder/beboere-kalibrert.csv",
            "residents: ../beboere.csv",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="må være et filnavn relativt til data/-mappen"):
        calibrate.calibrate_municipality(Project(tmp_path), "3911")
    assert not (tmp_path / "beboere.csv").exists()
