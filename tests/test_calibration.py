"""Calibrating the housing inputs to a source's summary: a hand case the fit must solve
exactly, Færder against the figures of «Hva er en bærekraftig boligprofil?» in «Helhetlig
innsatstrapp i Færder kommune» (presentasjon for kommunestyret 12. februar 2025), and the
committed calibrated files against what `workbench calibrate` writes."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from workbench.analyses.housing import calibrate
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import load, share_sum_problems
from workbench.errors import InputError
from workbench.population import AGE_GROUPS
from workbench.project import Project
from workbench.session import open_session

GROUPS = AGE_GROUPS


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
    rest = housing.rest_by_year(data, "MMMM", 2024, 2034) if data.rest is not None else None
    return housing.summary(projection, 2024, 2034, 0.67, rest).set_index("key")["value"]


def with_rest(data: housing.HousingData) -> housing.HousingData:
    """The starting point as the fit takes it: a rest of the sector still to be found."""
    return dataclasses.replace(data, rest=housing.SectorRest(0.0, 0.0))


def test_the_hand_case_before_calibration(doubled):
    table = summary_of(doubled)
    # 2024: 80 on step 1 × 0,1 + 80 on step 6 × 1,0 = 88 årsverk; 8,8 mill. kr
    assert table["staff_base"] == pytest.approx(88)
    assert table["growth"] == pytest.approx(88)
    # 2034 alternative: 240 × 0,1 + 80 × 1,0 = 104 against 176 with today's profile
    assert table["practice"] == pytest.approx(-72)
    assert table["cost_cut"] == pytest.approx(-7_200_000)
    assert table["cost_share"] == pytest.approx(7.2 / 17.6)


def test_a_sector_source_is_met_by_scaling_the_67_plus_and_adding_the_rest(doubled):
    """The hand figures above with årsverk × 2 and 75 000 kr per årsverk (150 000 on
    step 6's 2 årsverk per resident), plus a constant rest of 50 årsverk and 5 mill. kr:

    - staffing 2024: 2 × 88 + 50 = 226; growth 176 (the 67+ doubles, the rest is constant);
      practice 2 × −72 = −144;
    - costs: 67+ 13,2 mill. kr in 2024, 26,4 in 2034, 15,6 with the alternative: growth
      13,2 mill., cut −10,8 mill. = 10,8 ÷ (26,4 + 5) of the sector's 2034 cost.

    The source's own cost per årsverk, 10,8 mill. ÷ 144 = 75 000 kr, is the fit's anchor."""
    targets = {
        "staff_base": 226,
        "growth": 176,
        "practice": -144,
        "cost_growth": 13_200_000,
        "cost_cut": -10_800_000,
        "cost_share": 10.8 / 31.4,
    }
    assert calibrate.source_cost_per_fte(targets) == pytest.approx(75_000)
    result = calibrate.fit(with_rest(doubled), targets, "MMMM", 2024, 2034)
    assert result.converged
    fte = result.data.step_costs["fte_per_resident"]
    cost = result.data.step_costs["cost_per_resident"]
    assert fte[1] == pytest.approx(0.2, rel=1e-3) and fte[6] == pytest.approx(2.0, rel=1e-3)
    assert cost[1] == pytest.approx(15_000, rel=1e-3)
    assert cost[6] == pytest.approx(150_000, rel=1e-3)
    assert result.data.rest.fte == pytest.approx(50, rel=1e-3)
    assert result.data.rest.cost == pytest.approx(5_000_000, rel=1e-3)
    residents = result.data.residents.set_index(["age_group", "step"])["residents"]
    assert residents[("67-79", 1)] == pytest.approx(50, rel=1e-3)
    assert residents[("90+", 6)] == pytest.approx(5, rel=1e-3)
    shares = result.data.target_shares.set_index(["age_group", "step"])["share"]
    assert shares[("80-89", 1)] == pytest.approx(0.75, abs=1e-3)
    table = summary_of(result.data)
    for key, value in targets.items():
        assert table[key] == pytest.approx(value, rel=1e-3), key


TARGETS = {
    "staff_base": 150,
    "growth": 60,
    "practice": -50,
    "cost_growth": 5e6,
    "cost_cut": -5e6,
    "cost_share": 0.3,
}


def test_the_fits_model_is_the_engines_summary(doubled):
    """The fast model the fit uses gives the engine's numbers for any parameters."""
    problem = calibrate._Problem(with_rest(doubled), TARGETS, "MMMM", 2024, 2034)
    rng = np.random.default_rng(7)
    for _ in range(3):
        x = rng.normal(scale=0.3, size=problem.size)
        fast = problem.model(x)
        table = summary_of(problem.data(x))
        for key, value in fast.items():
            assert table[key] == pytest.approx(value, rel=1e-9), key


def test_every_kept_age_group_sums_to_its_population_and_every_profile_to_one(doubled):
    data = calibrate.rounded(calibrate.fit(with_rest(doubled), TARGETS, "MMMM", 2024, 2034).data)
    residents = data.residents.groupby("age_group")["residents"].sum()
    assert residents.to_dict() == pytest.approx({"67-79": 100, "80-89": 50, "90+": 10}, abs=0.5)
    assert share_sum_problems(data.target_shares) == []


def test_a_source_the_67_plus_alone_exceeds_is_refused(doubled):
    # the 67+ must grow by 176 årsverk, so it has 176 in 2024: more than the sector's 100
    targets = {**TARGETS, "staff_base": 100, "growth": 176, "practice": -144}
    with pytest.raises(InputError, match="resten av sektoren ville blitt negativ"):
        calibrate.fit(with_rest(doubled), targets, "MMMM", 2024, 2034)


@pytest.fixture(scope="module")
def faerder():
    session = open_session("housing", "3911", project_dir=str(REPO))
    inputs = load(session)
    m = session.municipality
    return inputs, housing.evaluate(inputs, m.base_year, m.target_year)


# «Hva er en bærekraftig boligprofil?» in «Helhetlig innsatstrapp i Færder kommune», as
# typed from the presentation: (figure, value, tolerance) in årsverk, ansatte, mill. kr or %
FAERDER = [
    ("staff_base", 855, 2),
    ("growth", 248, 2),
    ("practice", -120, 2),
    ("staff_alt", 984, 2),
    ("change", 129, 2),
    ("employees", 192, 2),
    ("cost_growth", 199, 2),
    ("cost_cut", -96, 2),
    ("cost_net", 103, 2),
]


@pytest.mark.parametrize(("key", "source", "tolerance"), FAERDER)
def test_faerders_model_gives_each_figure_of_the_source(faerder, key, source, tolerance):
    _, result = faerder
    model = result.summary.set_index("key")["value"]
    value = model[key] / 1e6 if key.startswith("cost_") else model[key]
    assert abs(value - source) <= tolerance


def test_faerders_cost_reduction_is_12_1_percent_of_the_sector(faerder):
    _, result = faerder
    model = result.summary.set_index("key")["value"]
    assert round(model["cost_share"] * 100, 1) == 12.1
    assert result.summary.set_index("key").loc["cost_share", "scope"] == "sector"
    # the sector's 2040 cost with today's profile: 96 ÷ 0,121 ≈ 793 mill. kr
    totals = result.totals.set_index("year")
    assert abs(totals.loc[2040, "cost_sector_today"] / 1e6 - 96 / 0.121) < 5


def test_faerders_cost_per_fte_is_what_the_source_implies(faerder):
    """199 mill. kr ÷ 248 årsverk and 96 ÷ 120 both give about 0,80 mill. kr per årsverk;
    every calibrated step lands within 0,70–0,90 mill. kr."""
    inputs, _ = faerder
    costs = inputs.data.step_costs
    per_fte = costs["cost_per_resident"] / costs["fte_per_resident"]
    assert per_fte.between(700_000, 900_000).all(), per_fte.to_dict()


def test_faerders_rest_of_the_sector_is_what_the_67_plus_leaves(faerder):
    inputs, result = faerder
    model = result.summary.set_index("key")["value"]
    rest = inputs.data.rest
    assert rest is not None and rest.growth == "constant"
    assert model["staff_base_67"] + model["staff_base_rest"] == pytest.approx(model["staff_base"])
    assert model["staff_base_rest"] == pytest.approx(rest.fte)
    assert 0 < rest.fte < 855 and rest.cost > 0
    # before calibration the illustrative 67+ inputs alone gave 606 årsverk and 21,6 %
    prior = housing.summary(
        housing.project(inputs.prior, "MMMM", 2024, 2040), 2024, 2040, inputs.position_size
    ).set_index("key")["value"]
    assert prior["staff_base"] < 700 and prior["cost_share"] > 0.2


def test_faerders_report_says_how_it_reads_the_source(faerder):
    inputs, result = faerder
    from workbench.analyses.housing import report

    session = open_session("housing", "3911", project_dir=str(REPO))
    text = " ".join(report.reading_notes(session, inputs, result)).replace("\xa0", " ")
    # 855 ÷ 5 720 inhabitants 67+ in 2024
    assert "855 årsverk er 149 per 1 000 innbyggere 67+" in text
    assert "hele pleie- og omsorgssektoren, alle aldre (en tolkning" in text
    assert "80–89 år med 82 %" in text and "90 år og eldre med 97 %" in text
    assert "0,80 mill. kr per årsverk i vekst og 0,80 mill. kr per årsverk i endret praksis" in text
    assert "96 mill. kr av 793 mill. kr" in text
    assert "855 + 248 − 120 = 983 årsverk, mens den skriver 984" in text
    assert "kildens 1 237 leses som økningen på trinn 2–6 med dagens profil" in text
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
        "resten-av-sektoren-kalibrert.csv",
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
    assert "radene cost_share, growth, practice, cost_growth, cost_cut" in str(caught.value)
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
