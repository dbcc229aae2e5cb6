"""The housing base year derived from care statistics, checked by hand on three age groups."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.analyses.housing import derive

POPULATION = pd.DataFrame({"age_group": ["67-79", "80-89", "90+"], "persons": [1000, 400, 100]})
CARE = pd.DataFrame(
    {
        "age_group": ["67-79", "80-89", "90+"],
        "institution_long": [10, 40, 30],
        "institution_short": [5, 10, 4],
        "care_housing": [20, 30, 10],
        "care_housing_staffed": [8, math.nan, 6],  # 80–89: not published
        "home_services": [100, 120, 40],
    }
)


def test_three_age_groups_by_hand():
    result = derive.base_year_residents(POPULATION, CARE, staffed_share=0.4)
    table = result.residents.set_index(["age_group", "step"])["residents"]
    # 67–79: step 6 = 10, step 4 = 5, step 5 = 8 staffed, step 3 = 20 − 8 = 12,
    # step 2 = 100 home-service users − 20 in care housing = 80,
    # step 1 = 1 000 − (10 + 5 + 8 + 12 + 80) = 885
    assert table["67-79"].to_dict() == {1: 885, 2: 80, 3: 12, 4: 5, 5: 8, 6: 10}
    # 80–89: staffing not published → 40 % of 30 = 12 on step 5, 18 on step 3;
    # step 2 = 120 − 30 = 90; step 1 = 400 − (40 + 10 + 12 + 18 + 90) = 230
    assert table["80-89"].to_dict() == {1: 230, 2: 90, 3: 18, 4: 10, 5: 12, 6: 40}
    # 90+: 6 staffed, 4 not; step 2 = 40 − 10 = 30; step 1 = 100 − (30 + 4 + 6 + 4 + 30) = 26
    assert table["90+"].to_dict() == {1: 26, 2: 30, 3: 4, 4: 4, 5: 6, 6: 30}
    # everyone is placed: each age group sums to its population
    assert result.residents.groupby("age_group")["residents"].sum().to_dict() == {
        "67-79": 1000,
        "80-89": 400,
        "90+": 100,
    }
    assert list(result.working["staffed_from"]) == ["statistikken", "standardandel", "statistikken"]


def test_more_users_than_inhabitants_is_an_error_naming_the_age_group():
    care = CARE.assign(home_services=[100, 120, 400])
    with pytest.raises(
        derive.DerivationError, match="aldersgruppen 90\\+ har flere tjenestemottakere"
    ):
        derive.base_year_residents(POPULATION, care, staffed_share=0.4)


def test_an_age_group_missing_from_the_statistics_is_named():
    with pytest.raises(
        derive.DerivationError, match="aldersgruppen 90\\+ mangler i omsorgsstatistikken"
    ):
        derive.base_year_residents(POPULATION, CARE.iloc[:2], staffed_share=0.4)


def test_more_staffed_than_all_care_housing_is_an_error():
    care = CARE.assign(care_housing_staffed=[25, math.nan, 6])
    with pytest.raises(
        derive.DerivationError, match="67-79 har flere beboere i bolig med døgnbemanning"
    ):
        derive.base_year_residents(POPULATION, care, staffed_share=0.4)


def test_step_costs_by_hand():
    """Until 2023: one function for all home services, shared by steps 2, 3 and 5."""
    costs = derive.step_costs(
        institution=derive.Spending(60_000_000, 50, 50),
        home=derive.Spending(20_000_000, 25, 200),
    ).set_index("step")
    assert costs.loc[6].tolist() == [1.0, 1_200_000.0]  # 50 årsverk / 50, 60 mill. / 50
    assert costs.loc[4].tolist() == costs.loc[6].tolist()
    assert costs.loc[2].tolist() == [0.125, 100_000.0]  # 25 / 200, 20 mill. / 200
    assert costs.loc[5].tolist() == costs.loc[2].tolist()
    assert costs.loc[1].tolist() == [0.0, 0.0]


def test_from_2024_staffed_housing_has_its_own_cost_and_moving_a_resident_saves_it():
    """257: 12 mill. kr and 15 årsverk for 20 residents of staffed housing = 600 000 kr and
    0,75 årsverk each; 258: 8 mill. kr and 10 årsverk for the 160 other home-service users =
    50 000 kr and 0,0625 årsverk each. Ten residents moved from step 5 to step 2 save
    10 × 550 000 = 5,5 mill. kr and 10 × 0,6875 = 6,875 årsverk."""
    costs = derive.step_costs(
        institution=derive.Spending(60_000_000, 50, 50),
        staffed=derive.Spending(12_000_000, 15, 20),
        home=derive.Spending(8_000_000, 10, 160),
    ).set_index("step")
    assert costs.loc[5].tolist() == [0.75, 600_000.0]
    assert costs.loc[2].tolist() == [0.0625, 50_000.0]
    assert costs.loc[3].tolist() == costs.loc[2].tolist()
    residents = pd.DataFrame(
        [
            (g, s, 10.0 if s in (2, 5) else 0.0)
            for g in ("67-79", "80-89", "90+")
            for s in range(1, 7)
        ],
        columns=["age_group", "step", "residents"],
    )
    moved = residents.copy()
    moved.loc[(moved["age_group"] == "90+") & (moved["step"] == 5), "residents"] = 0.0
    moved.loc[(moved["age_group"] == "90+") & (moved["step"] == 2), "residents"] = 20.0

    def used(table):
        per_step = table.groupby("step")["residents"].sum()
        return (
            (per_step * costs["fte_per_resident"]).sum(),
            (per_step * costs["cost_per_resident"]).sum(),
        )

    (fte_before, cost_before), (fte_after, cost_after) = used(residents), used(moved)
    assert cost_before - cost_after == pytest.approx(5_500_000)
    assert fte_before - fte_after == pytest.approx(6.875)


def test_the_rest_of_the_sector_is_what_the_67_plus_leave():
    """The 67+ above use 30 × 0,0625 + 30 × 0,75 = 24,375 årsverk and 30 × 50 000 +
    30 × 600 000 = 19,5 mill. kr; of a sector of 100 årsverk and 90 mill. kr the rest is
    75,625 årsverk and 70,5 mill. kr."""
    costs = derive.step_costs(
        institution=derive.Spending(60_000_000, 50, 50),
        staffed=derive.Spending(12_000_000, 15, 20),
        home=derive.Spending(8_000_000, 10, 160),
    )
    residents = pd.DataFrame(
        [
            (g, s, 10.0 if s in (2, 5) else 0.0)
            for g in ("67-79", "80-89", "90+")
            for s in range(1, 7)
        ],
        columns=["age_group", "step", "residents"],
    )
    fte, cost = derive.sector_rest(costs, residents, fte=100, cost=90_000_000)
    assert fte == pytest.approx(75.625) and cost == pytest.approx(70_500_000)
    with pytest.raises(derive.DerivationError, match="bruker mer enn sektorens"):
        derive.sector_rest(costs, residents, fte=20, cost=90_000_000)
