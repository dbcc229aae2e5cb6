"""The housing profile checked against a hand calculation on a small input and the seed's
identities (seed 002, «Hva er en bærekraftig boligprofil?»)."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing import load as housing_load
from workbench.errors import InputError
from workbench.population import AGE_GROUPS, population_by_year, read_population, working_age

GROUPS = AGE_GROUPS
ZERO = {s: 0.0 for s in housing.STEPS}


def grid(values: dict[str, dict[int, float]], column: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(g, s, values[g].get(s, 0.0)) for g in GROUPS for s in housing.STEPS],
        columns=["age_group", "step", column],
    )


@pytest.fixture
def small() -> housing.HousingData:
    """Two given years ten years apart; each age group starts split between two steps."""
    population = pd.DataFrame(
        [
            ("MMMM", 2024, "67-79", 100),
            ("MMMM", 2024, "80-89", 50),
            ("MMMM", 2024, "90+", 10),
            ("MMMM", 2034, "67-79", 200),
            ("MMMM", 2034, "80-89", 100),
            ("MMMM", 2034, "90+", 20),
            ("LLML", 2024, "67-79", 100),
            ("LLML", 2024, "80-89", 50),
            ("LLML", 2024, "90+", 10),
            ("LLML", 2034, "67-79", 150),
            ("LLML", 2034, "80-89", 60),
            ("LLML", 2034, "90+", 10),
        ],
        columns=["alternative", "year", "age_group", "persons"],
    )
    residents = grid(
        {"67-79": {1: 60, 2: 40}, "80-89": {2: 30, 5: 20}, "90+": {5: 5, 6: 5}}, "residents"
    )
    target = grid(
        {"67-79": {1: 0.8, 2: 0.2}, "80-89": {1: 0.2, 2: 0.6, 5: 0.2}, "90+": {5: 0.7, 6: 0.3}},
        "share",
    )
    costs = pd.DataFrame(
        {
            "step": list(housing.STEPS),
            "fte_per_resident": [0.0, 0.1, 0.2, 0.5, 1.0, 1.5],
            "cost_per_resident": [0, 50_000, 100_000, 500_000, 1_000_000, 1_500_000],
        }
    ).set_index("step")
    dwellings = pd.DataFrame(
        {"age_group": list(GROUPS), "persons_per_dwelling": [2.0, 1.25, 1.0]}
    ).set_index("age_group")
    return housing.HousingData(population, residents, costs, target, dwellings)


def test_summary_by_hand(small):
    projection = housing.project(small, "MMMM", 2024, 2034)
    table = housing.summary(projection, 2024, 2034, 0.67).set_index("key")["value"]
    # base 2024: 67-79 on step 2: 40 × 0,1 = 4; 80-89: 30 × 0,1 + 20 × 1,0 = 23; 90+: 5 × 1,0 + 5 × 1,5 = 12,5
    base = 40 * 0.1 + (30 * 0.1 + 20 * 1.0) + (5 * 1.0 + 5 * 1.5)
    # 2034, today's shares, population doubled
    today = 2 * base
    # 2034, alternative: 67-79 200 × 0,2 on step 2; 80-89 100 × (0,6 × 0,1 + 0,2 × 1,0); 90+ 20 × (0,7 × 1,0 + 0,3 × 1,5)
    alt = 200 * 0.2 * 0.1 + 100 * (0.6 * 0.1 + 0.2 * 1.0) + 20 * (0.7 * 1.0 + 0.3 * 1.5)
    assert table["staff_base"] == pytest.approx(base)
    assert table["growth"] == pytest.approx(today - base)
    assert table["practice"] == pytest.approx(alt - today)
    assert table["staff_alt"] == pytest.approx(alt)
    assert table["change"] == pytest.approx(alt - base)
    assert table["employees"] == pytest.approx((alt - base) / 0.67)
    cost_base = 40 * 50_000 + 30 * 50_000 + 20 * 1_000_000 + 5 * 1_000_000 + 5 * 1_500_000
    cost_alt = (
        200 * 0.2 * 50_000
        + 100 * (0.6 * 50_000 + 0.2 * 1_000_000)
        + 20 * (0.7 * 1_000_000 + 0.3 * 1_500_000)
    )
    assert table["cost_growth"] == pytest.approx(2 * cost_base - cost_base)
    assert table["cost_cut"] == pytest.approx(cost_alt - 2 * cost_base)
    assert table["cost_net"] == pytest.approx(cost_alt - cost_base)
    assert table["cost_share"] == pytest.approx((2 * cost_base - cost_alt) / (2 * cost_base))
    # dwellings: steps 1–3 shared by persons per dwelling, steps 4–6 one unit each
    dwellings_base = (60 + 40) / 2.0 + 30 / 1.25 + 20 + 5 + 5
    assert table["dwellings_base"] == pytest.approx(dwellings_base)
    step1_today = 2 * 60 / 2.0
    step1_alt = 200 * 0.8 / 2.0 + 100 * 0.2 / 1.25
    assert table["units_to_step1"] == pytest.approx(step1_alt - step1_today)


def test_alternative_profile_is_phased_in_linearly(small):
    projection = housing.project(small, "MMMM", 2024, 2034)
    row = projection[
        (projection["year"] == 2029)
        & (projection["age_group"] == "67-79")
        & (projection["step"] == 1)
    ].iloc[0]
    assert row["share_today"] == pytest.approx(0.6)
    assert row["share_alt"] == pytest.approx(0.6 + (0.8 - 0.6) * 5 / 10)
    assert row["persons"] == pytest.approx(150) and row["interpolated"]


def test_interpolated_years_are_marked(small):
    population = population_by_year(small.population, "MMMM", 2024, 2034)
    marked = population.groupby("year")["interpolated"].first()
    assert not marked[2024] and not marked[2034] and marked[2025:2033].all()


def test_summary_identities_hold_exactly(small):
    table = housing.summary(housing.project(small, "LLML", 2024, 2034), 2024, 2034, 0.67).set_index(
        "key"
    )["value"]
    assert table["staff_base"] + table["growth"] + table["practice"] == pytest.approx(
        table["staff_alt"]
    )
    assert table["growth"] + table["practice"] == pytest.approx(table["change"])
    assert table["cost_growth"] + table["cost_cut"] == pytest.approx(table["cost_net"])


def test_the_seeds_summary_is_consistent_up_to_rounding(repo):
    seed = pd.read_csv(repo.data_dir / "municipalities/3911-faerder/boligprofil-kilde.csv")[
        "value"
    ].tolist()
    staff, growth, practice, alt, change, employees, cost_up, cost_cut, cost_net, share, *_ = seed
    assert abs(staff + growth + practice - alt) <= 1.5  # 855 + 248 − 120 = 983 vs 984
    assert alt - staff == change  # 984 − 855 = 129
    assert (change - 0.5) / 0.67 <= employees <= (change + 0.5) / 0.67  # 129 ÷ 0,67 = 192,5 vs 192
    assert cost_up + cost_cut == cost_net  # 199 − 96 = 103
    # 12,1 % is the cut as a share of the target year's cost with today's profile (≈ 793 mill.)
    assert -cost_cut / (share / 100) == pytest.approx(793, abs=4)


def test_band_spans_the_alternatives(small):
    band = housing.band(small, 2024, 2034)
    final = band[band["year"] == 2034].set_index("alternative")
    assert set(final.index) == {"MMMM", "LLML"}
    assert final.loc["LLML", "fte_today"] < final.loc["MMMM", "fte_today"]


def test_rebalance_keeps_the_group_at_one():
    shares = housing.rebalance({1: 0.4, 2: 0.4, 3: 0.2, 4: 0, 5: 0, 6: 0}, 1, 0.7)
    assert sum(shares.values()) == pytest.approx(1)
    assert shares[1] == 0.7 and shares[2] == pytest.approx(0.2) and shares[3] == pytest.approx(0.1)
    spread = housing.rebalance({1: 1.0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0}, 1, 0.5)
    assert spread[2] == pytest.approx(0.1)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def profile_csv(shares: dict[str, list[float]]) -> str:
    lines = ["age_group;step;share"]
    for group, values in shares.items():
        lines += [
            f"{group};{step};{str(v).replace('.', ',')}" for step, v in enumerate(values, start=1)
        ]
    return "\n".join(lines) + "\n"


def test_shares_not_summing_to_one_are_an_error(tmp_path):
    text = profile_csv(
        {
            "67-79": [0.5, 0.5, 0, 0, 0, 0],
            "80-89": [0.5, 0.4, 0.07, 0, 0, 0],
            "90+": [1, 0, 0, 0, 0, 0],
        }
    )
    with pytest.raises(
        InputError,
        match=r"p.csv: kolonne «share»: andelene for aldersgruppe 80-89 summerer til 0,970 \(skal være 1; høyst 0,005 fra 1 godtas\)",
    ):
        housing_load.read_target_shares(write(tmp_path, "p.csv", text))


def test_missing_and_unknown_rows(tmp_path):
    text = profile_csv({"67-79": [0.5, 0.5, 0, 0, 0, 0], "80-89": [1, 0, 0, 0, 0, 0]}) + "85+;1;1\n"
    with pytest.raises(InputError) as caught:
        housing_load.read_target_shares(write(tmp_path, "p.csv", text))
    message = str(caught.value)
    assert "rad 14, kolonne «age_group»: ukjent aldersgruppe «85+»" in message
    assert "mangler rader for 90+/trinn 1, 90+/trinn 2" in message


def test_population_errors(tmp_path):
    text = "alternative;year;age_group;persons\nMMMM;2024;67-79;10\nMMMM;2024;80-89;7\nMMMM;2024;80-89;5\n"
    with pytest.raises(InputError) as caught:
        read_population(write(tmp_path, "b.csv", text))
    message = str(caught.value)
    assert "rad 4: står to ganger (MMMM, 2024, 80-89)" in message
    assert "MMMM 2024: mangler aldersgruppe 90+" in message


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5", "rad 3, kolonne «persons»: kan ikke være negativ"),
        ("3.000", None),  # Norwegian Excel's thousands: 3 000 people, not 3
        ("3.00", "rad 3, kolonne «persons»: «3.00» er tvetydig"),
        ("1e15", "rad 3, kolonne «persons»: 1e+15 er utenfor antallene som godtas (0–10 000 000)"),
    ],
)
def test_a_population_cell_is_read_as_meant_or_refused(tmp_path, cell, message):
    text = (
        "alternative;year;age_group;persons\n"
        f"MMMM;2024;67-79;10\nMMMM;2024;80-89;{cell}\nMMMM;2024;90+;5\n"
    )
    path = write(tmp_path, "b.csv", text)
    if message is None:
        table = read_population(path)
        assert table.loc[table["age_group"] == "80-89", "persons"].item() == 3000
        return
    with pytest.raises(InputError) as caught:
        read_population(path)
    assert message in str(caught.value)


@pytest.mark.parametrize("year", ["1024", "1899", "99999", "20222"])
def test_a_year_outside_the_years_the_model_knows_is_refused(tmp_path, year):
    text = f"alternative;year;age_group;persons\nMMMM;{year};67-79;10\n"
    with pytest.raises(
        InputError,
        match=f"rad 2, kolonne «year»: {year} er utenfor årene som godtas \\(1990–2100\\)",
    ):
        read_population(write(tmp_path, "b.csv", text))


def test_alternative_profile_shares_are_read_as_every_share_column(tmp_path):
    rows = ["age_group;step;share"]
    for group in GROUPS:
        rows += [f"{group};1;1/3", f"{group};2;33,3 %", f"{group};3;0,333333333"]
        rows += [f"{group};{s};0" for s in (4, 5, 6)]
        rows[-1] = f"{group};6;0,000666667"
    table = housing_load.read_target_shares(write(tmp_path, "p.csv", "\n".join(rows) + "\n"))
    shares = table.set_index(["age_group", "step"])["share"]
    assert shares[("80-89", 1)] == pytest.approx(1 / 3)
    assert shares[("80-89", 2)] == pytest.approx(0.333)


def test_projection_must_cover_the_years(small):
    with pytest.raises(InputError, match="dekker 2024–2034, ikke 2024–2040"):
        population_by_year(small.population, "MMMM", 2024, 2040)
    with pytest.raises(InputError, match="«HHMH» finnes ikke"):
        population_by_year(small.population, "HHMH", 2024, 2034)


def test_faerder_population_is_the_seeds(repo):
    population = read_population(repo.data_dir / "municipalities/3911-faerder/befolkning.csv")
    years = population_by_year(population, "MMMM", 2024, 2040)
    totals = years.groupby("year")["persons"].sum()
    # seed 002: 67–79, 80–89 and 90+ sum to 5 720 in 2024 and 7 944 in 2040
    assert totals[2024] == 4125 + 1320 + 275
    assert totals[2040] == 4996 + 2407 + 541
    assert totals[2035] == pytest.approx((4512 + 1833 + 288) + (7944 - (4512 + 1833 + 288)) / 2)


def test_unknown_projection_in_parameters_names_the_key(project):
    from workbench.analyses.housing.load import load as load_housing
    from workbench.session import open_session

    path = project.parameters_dir / "9999-demokommune.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("projection: MMMM", "projection: MHMM"),
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"nøkkel «analyses.housing.projection»: framskrivingsalternativet «MHMM» finnes ikke",
    ):
        load_housing(open_session("housing", "9999", project_dir=str(project.root)))


def test_evaluate_uses_the_chosen_alternative_and_bands_them_all(small):
    from workbench.analyses.housing.load import HousingInputs

    inputs = HousingInputs(small, None, 0.67, None, None)  # projection always given below
    for chosen in ("MMMM", "LLML"):
        result = housing.evaluate(inputs, 2024, 2034, projection=chosen)
        final = result.band[result.band["year"] == 2034].set_index("alternative")
        assert set(final.index) == {"MMMM", "LLML"}
        # the table's årsverk in 2034 with today's profile is the chosen alternative's band line
        staff = result.totals.set_index("year").loc[2034, "fte_today"]
        assert staff == pytest.approx(final.loc[chosen, "fte_today"])
    assert final.loc["LLML", "fte_today"] < final.loc["MMMM", "fte_today"]


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212", " - "])
def test_age_groups_written_with_a_dash_or_minus_are_read(tmp_path, dash):
    lines = ["age_group;persons_per_dwelling"]
    lines += [f"{g.replace('-', dash)};1,5" for g in AGE_GROUPS]
    table = housing_load.read_persons_per_dwelling(
        write(tmp_path, "p.csv", "\n".join(lines) + "\n")
    )
    assert list(table.index) == list(AGE_GROUPS)


def test_an_unknown_age_group_names_the_character_that_is_wrong(tmp_path):
    text = "age_group;persons_per_dwelling\n67_79;1,5\n80-89;1,5\n90+;1\n"
    with pytest.raises(InputError) as caught:
        housing_load.read_persons_per_dwelling(write(tmp_path, "p.csv", text))
    assert (
        "rad 2, kolonne «age_group»: ukjent aldersgruppe «67_79»: tegnet «_» (U+005F) hører "
        "ikke hjemme i en aldersgruppe (bruk 67-79, 80-89, 90+)"
    ) in str(caught.value)


def test_workforce_gap_by_hand():
    """855 årsverk needed in 2024 and 1 000 in 2040 with today's profile, 900 with the
    alternative; the supply starts at 855 and grows 1 % a year: 855 × 1,01¹⁶ = 1 002,6 in
    2040, so 2,6 årsverk to spare with today's profile and 102,6 with the alternative."""
    from workbench.analyses.housing.engine import workforce_gap

    band = pd.DataFrame(
        {
            "year": [2024, 2040, 2024, 2040],
            "alternative": ["MMMM", "MMMM", "LLML", "LLML"],
            "fte_sector_today": [855.0, 1000.0, 855.0, 950.0],
            "fte_sector_alt": [855.0, 900.0, 855.0, 880.0],
        }
    )
    gap = workforce_gap(band, "MMMM", 0.01).set_index("year")
    assert gap.loc[2040, "supply"] == pytest.approx(855 * 1.01**16)
    assert gap.loc[2040, "gap_today"] == pytest.approx(1000 - 1002.6, abs=0.05)
    assert gap.loc[2040, "gap_alt"] == pytest.approx(900 - 1002.6, abs=0.05)
    flat = workforce_gap(band, "MMMM", 0.0).set_index("year")
    assert flat.loc[2040, "gap_today"] == 145 and flat.loc[2024, "gap_today"] == 0
    # the personas' «samlet effekt» (−30 årsverk in 2040) as an alternative to the housing
    # profile: on today's profile (1 000 − 30), never on top of the alternative (900 − 30)
    effect = pd.Series({2030: -10.0, 2040: -30.0})
    both = workforce_gap(band, "MMMM", 0.0, effect).set_index("year")
    assert both.loc[2040, "needed_effect"] == 970 and both.loc[2024, "needed_effect"] == 855
    assert both.loc[2040, "gap_effect"] == 115
    assert both.loc[2040, "needed_alt"] == 900  # the alternative profile stays as it was


def test_a_two_part_sector_by_hand(small):
    """The small case's 67+ part plus a constant rest of the sector: 30 årsverk and
    24 mill. kr a year for services to people under 67. Every summary row worked out by
    hand: the rest adds to the level, not to growth, practice or their costs; the
    percentage is taken of the whole sector's target-year cost with today's profile."""
    data = dataclasses.replace(small, rest=housing.SectorRest(30.0, 24_000_000.0))
    rest = housing.rest_by_year(data, "MMMM", 2024, 2034)
    assert rest["fte_rest"].tolist() == [30.0] * 11
    table = housing.summary(housing.project(data, "MMMM", 2024, 2034), 2024, 2034, 0.67, rest)
    value = table.set_index("key")["value"]
    scope = table.set_index("key")["scope"]
    # 67+ part (as in test_summary_by_hand): 4 + 23 + 12,5 = 39,5 årsverk in 2024, twice
    # that in 2034 with today's profile, 4 + 26 + 23 = 53 with the alternative
    base_67, today_67, alt_67 = 39.5, 79.0, 200 * 0.2 * 0.1 + 100 * 0.26 + 20 * 1.15
    assert alt_67 == pytest.approx(53.0)
    assert value["staff_base"] == pytest.approx(39.5 + 30)
    assert value["staff_base_67"] == pytest.approx(base_67)
    assert value["staff_base_rest"] == pytest.approx(30)
    assert value["growth"] == pytest.approx(today_67 - base_67)  # 39,5: the rest is constant
    assert value["practice"] == pytest.approx(alt_67 - today_67)  # −26
    assert value["staff_alt"] == pytest.approx(53 + 30)
    assert value["change"] == pytest.approx(83 - 69.5)  # 13,5
    assert value["employees"] == pytest.approx(13.5 / 0.67)  # 20,1 people
    # costs: 67+ 36 mill. kr in 2024, 72 in 2034 with today's profile, 55 with the alternative
    cost_base_67 = 40 * 50_000 + 30 * 50_000 + 20 * 1e6 + 5 * 1e6 + 5 * 1.5e6
    cost_alt_67 = 40 * 50_000 + 100 * (0.6 * 50_000 + 0.2 * 1e6) + 20 * (0.7e6 + 0.45e6)
    assert (cost_base_67, cost_alt_67) == (36_000_000, 48_000_000)
    assert value["cost_growth"] == pytest.approx(36_000_000)
    assert value["cost_cut"] == pytest.approx(48e6 - 72e6)
    assert value["cost_net"] == pytest.approx(12_000_000)
    # 24 mill. of the sector's 72 + 24 = 96 mill. kr in 2034 with today's profile: 25 %
    assert value["cost_share"] == pytest.approx(0.25)
    assert scope["staff_base"] == "sector" and scope["staff_base_rest"] == "under 67"
    assert scope["dwellings_base"] == "67+"


def test_the_rest_of_the_sector_can_follow_the_working_age_population(small):
    """With 1 000 people aged 18–66 in 2024 and 900 in 2034, the rest's 30 årsverk and
    24 mill. kr fall by 10 % to 27 årsverk and 21,6 mill. kr; half-way 28,5."""
    working = pd.DataFrame(
        [("MMMM", 2024, "18-66", 1000), ("MMMM", 2034, "18-66", 900)],
        columns=["alternative", "year", "age_group", "persons"],
    )
    data = dataclasses.replace(
        small,
        population=pd.concat([small.population, working], ignore_index=True),
        rest=housing.SectorRest(30.0, 24_000_000.0, "population_18_66"),
    )
    rest = housing.rest_by_year(data, "MMMM", 2024, 2034).set_index("year")
    assert rest.loc[2034, "fte_rest"] == pytest.approx(27)
    assert rest.loc[2029, "fte_rest"] == pytest.approx(28.5)
    assert rest.loc[2034, "cost_rest"] == pytest.approx(21_600_000)
    value = housing.summary(
        housing.project(data, "MMMM", 2024, 2034), 2024, 2034, 0.67, rest.reset_index()
    ).set_index("key")["value"]
    assert value["growth"] == pytest.approx(39.5 - 3)
    # the 67+ population is unchanged by the extra age group
    assert population_by_year(data.population, "MMMM", 2024, 2034)[
        "age_group"
    ].unique().tolist() == list(GROUPS)
    with pytest.raises(InputError, match="har ikke aldersgruppen 18-66 for LLML"):
        housing.rest_by_year(data, "LLML", 2024, 2034)


def test_the_rest_file_is_one_row(tmp_path):
    assert housing_load.read_rest(write(tmp_path, "r.csv", "fte;cost\n12,5;9 000 000\n")) == (
        housing.SectorRest(12.5, 9_000_000.0)
    )
    with pytest.raises(InputError, match="nøyaktig én rad"):
        housing_load.read_rest(write(tmp_path, "r.csv", "fte;cost\n1;2\n3;4\n"))
    with pytest.raises(InputError, match="rad 2, kolonne «cost»: kan ikke være negativ"):
        housing_load.read_rest(write(tmp_path, "r.csv", "fte;cost\n1;-2\n"))


def test_the_profile_charts_bars_name_age_groups_with_an_en_dash(repo):
    from workbench.analyses.housing.load import load
    from workbench.analyses.housing.report import profile_frame
    from workbench.session import open_session

    session = open_session("housing", "3911", project_dir=str(repo.root))
    inputs = load(session)
    labels = profile_frame(inputs, inputs.data.target_shares, 2024, 2040)["label"].unique()
    assert list(labels[:2]) == ["67\u201379 år, 2024", "67\u201379 år, 2040 alt."]


def test_faerder_population_table_is_the_presentations_whole_table(repo):
    """The presentation's «Framskrivninger av innbyggere» (SSB MMMM, July 2024): sum 27 501,
    27 728, 28 386 and 29 342 residents, 0–17 down 517 (−9,5 %), 80–89 up 1 087 (82,3 %),
    the whole population up 1 841 (6,7 %) from 2024 to 2040; 18–66 is 18–49 + 50–66."""
    from workbench.analyses.housing import engine as housing
    from workbench.analyses.housing.report import population_frame

    population = read_population(repo.data_dir / "municipalities/3911-faerder/befolkning.csv")
    table = housing.population_table(population, "MMMM")
    assert table.attrs["whole"]
    assert list(table["age_group"]) == ["0-17", "18-49", "50-66", "67-79", "80-89", "90+", "Sum"]
    assert list(table.iloc[-1, 1:]) == [27_501, 27_728, 28_386, 29_342]
    shown = population_frame(table, 2024, 2040)[0].set_index("Aldersgruppe")
    assert shown.loc["0–17 år", "Endring 2024–2040"] == -517
    assert shown.loc["0–17 år", "Endring i %"] == pytest.approx(-0.095, abs=5e-4)
    assert shown.loc["80–89 år", "Endring i %"] == pytest.approx(0.823, abs=5e-4)
    assert shown.loc["Sum innbyggere", "Endring 2024–2040"] == 1_841
    assert shown.loc["Sum innbyggere", "Endring i %"] == pytest.approx(0.067, abs=5e-4)
    working = working_age(population, "MMMM").set_index("year")["persons"]
    assert working[2024] == 9_608 + 6_719 and working[2040] == 9_872 + 6_589


def test_18_66_beside_its_parts_is_refused(tmp_path):

    path = tmp_path / "befolkning.csv"
    path.write_text(
        "alternative,year,age_group,persons\nMMMM,2024,67-79,10\nMMMM,2024,80-89,5\n"
        "MMMM,2024,90+,1\nMMMM,2024,18-66,100\nMMMM,2024,18-49,60\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="både 18-66 og 18-49"):
        read_population(path)
