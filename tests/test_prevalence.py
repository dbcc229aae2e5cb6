"""N from prevalence (issue 19, item 4): N(t) = Σ rate × residents in the age group, year by
year from the population projection, and a phase-in whose cohort in year s is N(s) ÷ L.

Hand cases: rates 5 % (67–79), 20 % (80–89), 40 % (90+) over 1 000 / 300 / 100 residents in
2024 and 1 200 / 400 / 100 in 2026 give N = 150, 165 (2025, interpolated) and 180. Færder's
population in 2024 from the presentation's «Framskrivninger av innbyggere» (4 125 + 1 320 +
275 = 5 720 aged 67+) times the HUNT4 70+ prevalence of 14,6 % is 835,12 persons, 22 % more
than the presentation's 684.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.personas import engine
from workbench.analyses.personas.load import read_prevalence
from workbench.analyses.personas.settings import PersonaSettings
from workbench.errors import InputError


def population(rows: dict[int, tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"year": year, "age_group": group, "persons": persons, "interpolated": year == 2025}
            for year, counts in rows.items()
            for group, persons in zip(("67-79", "80-89", "90+"), counts, strict=True)
        ]
    )


def test_n_is_rate_times_residents_year_by_year_by_hand():
    rates = pd.DataFrame({"age_group": ["67-79", "80-89", "90+"], "rate": [0.05, 0.2, 0.4]})
    years = population({2024: (1000, 300, 100), 2025: (1100, 350, 100), 2026: (1200, 400, 100)})
    n = engine.persons_from_prevalence(rates, years)
    assert list(n["year"]) == [2024, 2025, 2026]
    assert list(n["persons"]) == pytest.approx([150, 165, 180])
    assert list(n["population"]) == [1400, 1550, 1700]
    assert list(n["interpolated"]) == [False, True, False]


def test_one_rate_for_all_67_plus():
    rates = pd.DataFrame({"age_group": ["67+"], "rate": [0.146]})
    n = engine.persons_from_prevalence(rates, population({2024: (4125, 1320, 275)}))
    assert n["persons"].iloc[0] == pytest.approx(0.146 * 5720)


def test_a_group_without_a_rate_counts_no_one():
    rates = pd.DataFrame({"age_group": ["90+"], "rate": [0.4]})
    n = engine.persons_from_prevalence(rates, population({2024: (1000, 300, 100)}))
    assert n["persons"].iloc[0] == pytest.approx(40)
    assert n["population"].iloc[0] == 100


def test_n_per_phase_in_year_starts_the_year_after_the_base_year_and_holds_at_the_end():
    n = pd.DataFrame({"year": [2024, 2025, 2026], "persons": [150.0, 165.0, 180.0]})
    assert list(engine.persons_per_phase_year(n, 2024, 4)) == [165, 180, 180, 180]


def two_year_trajectories() -> pd.DataFrame:
    """Old costs 10 and 40 in its two years, new 20 and 10: new − old = +10, −30."""
    return pd.DataFrame(
        {
            "trajectory": ["old", "old", "new", "new"],
            "year": [1, 2, 1, 2],
            "running_cost": [10.0, 40.0, 20.0, 10.0],
            "investment": [0.0, 0.0, 5.0, 0.0],
        }
    )


def test_phase_in_with_a_growing_n_by_hand():
    """N = 2, 4, 6 and L = 2: cohorts of 1, 2, 3. Year 1: 1 × 10; year 2: 2 × 10 + 1 × (−30);
    year 3: 3 × 10 + 2 × (−30) (the first cohort has left). Investment 5 per new person."""
    phase = engine.phase_in(two_year_trajectories(), np.array([2, 4, 6]), "old", "new", 3, 2)
    assert list(phase["new_persons"]) == [1, 2, 3]
    assert list(phase["extra_running_cost"]) == pytest.approx([10, -10, -30])
    assert list(phase["extra_investment"]) == pytest.approx([5, 10, 15])
    assert list(phase["cumulative_cost"]) == pytest.approx([15, 15, 0])


def test_phase_in_by_step_with_a_growing_n_by_hand():
    """The same change on two steps: step 4 carries +10 in year 1, step 10 −30 in year 2."""
    by_step = pd.DataFrame(
        {
            "trajectory": ["old", "new"],
            "year": [2, 1],
            "step": [10, 4],
            "running_cost": [30.0, 10.0],
            "hours": [300.0, 100.0],
        }
    )
    steps = engine.phase_in_by_step(by_step, np.array([2, 4, 6]), "old", "new", 3, 2, 100.0, 2)
    cost = steps.pivot(index="year", columns="step", values="cost")
    assert list(cost[4]) == pytest.approx([10, 20, 30])
    assert list(cost[10]) == pytest.approx([0, -30, -60])
    fte = steps.pivot(index="year", columns="step", values="fte")
    assert list(fte[10]) == pytest.approx([0, -3, -6])


def test_the_same_n_every_year_is_the_fixed_n_phase_in():
    table = two_year_trajectories()
    fixed = engine.phase_in(table, 4, "old", "new", 5, 2)
    series = engine.phase_in(table, np.full(5, 4.0), "old", "new", 5, 2)
    pd.testing.assert_frame_equal(fixed, series)


def test_n_for_the_wrong_number_of_years_is_refused():
    with pytest.raises(InputError, match="N er gitt for 2 år, innfasingen vises for 3"):
        engine.phase_in(two_year_trajectories(), np.array([1, 2]), "old", "new", 3, 2)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("70+,0.146", "rad 2, kolonne «age_group»: ukjent aldersgruppe «70+»"),
        ("67-79,14.6", "forekomsten 14,6 er ikke en andel mellom 0 og 1 (14,6 % skrives 0.146)"),
        ("67+,0.146\n80-89,0.2", "rad 3, kolonne «age_group»: aldersgruppe 80-89 har allerede"),
    ],
)
def test_a_bad_prevalence_file_names_the_row(tmp_path, rows, message):
    path = tmp_path / "forekomst.csv"
    path.write_text(f"age_group,rate\n{rows}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_prevalence(path)
    assert message in str(caught.value)
    assert "forekomst.csv" in str(caught.value)


def test_settings_say_where_n_comes_from():
    base = {"personas": ["personas/johs-tjenester.yaml"]}
    with pytest.raises(ValueError, match="persons mangler"):
        PersonaSettings.model_validate({**base, "persons_by": "given"})
    with pytest.raises(ValueError, match="prevalence mangler"):
        PersonaSettings.model_validate(base)
    with pytest.raises(ValueError, match="persons_source mangler"):
        PersonaSettings.model_validate({**base, "persons": 10})
    chosen = PersonaSettings.model_validate({**base, "prevalence": "reference/x.csv"})
    assert chosen.n_from == "prevalence"
    given = {**base, "persons": 10, "persons_source": "egen telling", "prevalence": "x.csv"}
    assert PersonaSettings.model_validate(given).n_from == "given"


def test_new_cases_are_incidence_times_residents_without_the_condition_by_hand():
    """Incidence 1 % (67–79) and 5 % (80–89), none for 90+; prevalence 10 % and 30 %:
    1 000 × 0,9 × 0,01 + 300 × 0,7 × 0,05 = 9 + 10,5 = 19,5 new cases in 2024."""
    incidence = pd.DataFrame({"age_group": ["67-79", "80-89"], "rate": [0.01, 0.05]})
    prevalence = pd.DataFrame({"age_group": ["67-79", "80-89"], "rate": [0.1, 0.3]})
    years = population({2024: (1000, 300, 100), 2026: (1200, 400, 100)})
    new = engine.new_cases(incidence, years, prevalence)
    assert list(new["new"]) == pytest.approx([19.5, 1200 * 0.9 * 0.01 + 400 * 0.7 * 0.05])
    assert list(new["at_risk"]) == pytest.approx([900 + 210, 1080 + 280])
    assert list(new["population"]) == [1300, 1600]
    everyone = engine.new_cases(incidence, years, None)
    assert everyone["new"].iloc[0] == pytest.approx(10 + 15)


def test_a_bad_incidence_file_says_incidence(tmp_path):
    path = tmp_path / "insidens.csv"
    path.write_text("age_group,rate\n67+,43.9\n", encoding="utf-8")
    with pytest.raises(InputError, match="insidensen 43,9 er ikke en andel mellom 0 og 1"):
        read_prevalence(path, "incidence")


def test_settings_say_where_the_starters_come_from():
    base = {"personas": ["personas/johs-tjenester.yaml"], "prevalence": "x.csv"}
    assert PersonaSettings.model_validate(base).starts_from == "length"
    with_file = {**base, "incidence": "reference/demensinsidens.csv"}
    assert PersonaSettings.model_validate(with_file).starts_from == "incidence"
    source_path = {**with_file, "starts_by": "length"}
    assert PersonaSettings.model_validate(source_path).starts_from == "length"
    with pytest.raises(ValueError, match="incidence mangler"):
        PersonaSettings.model_validate({**base, "starts_by": "incidence"})
    with pytest.raises(ValueError):
        PersonaSettings.model_validate({**with_file, "course_share": 1.5})
