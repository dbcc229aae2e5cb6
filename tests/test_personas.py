"""Personas checked against the seed's Johs table and hand calculations from its rows.

Seed 002's table «Forskjeller mellom proaktivt-, normal- eller reaktivt forløp» (19 rows):
normal 3 × 218 102 + 6 × 246 432 + 5 × 371 442 + 2 × 1 003 466 = 5 997 040 kr,
proactive 11 × 118 431 + 7 × 246 432 + 1 003 466 = 4 031 231 kr (+ 100 000 investment),
reactive 546 666 + 4 × 969 468 + 9 × 579 076 = 9 636 222 kr.
"""

from pathlib import Path

import pandas as pd
import pytest
from conftest import ASSETS

from workbench.analyses.personas.engine import (
    NO_EPISODE,
    Persona,
    check_persona_services,
    first_saving_year,
    phase_in,
    scale,
    totals,
    yearly,
)
from workbench.analyses.personas.load import read_persona
from workbench.catalogue import merge, read_catalogue
from workbench.errors import InputError

N_FAERDER = 684  # seed 002: persons with presumed dementia in Færder
SEED_ROWS = {  # (annual cost, hours) per row of the seed's table, in row order
    "normal": [(0, 0)] * 3
    + [(218_102, 455)] * 3
    + [(246_432, 524)] * 6
    + [(371_442, 705)] * 5
    + [(1_003_466, 1_952)] * 2,
    "proactive": [(118_431, 90)] * 11 + [(246_432, 220)] * 7 + [(1_003_466, 1_952)],
    "reactive": [(0, 0)] * 5 + [(546_666, 1_367)] + [(969_468, 2_048)] * 4 + [(579_076, 1_223)] * 9,
}


@pytest.fixture(scope="module")
def catalogue(repo):
    national = read_catalogue(repo.data_dir / "prices/national-23-11.csv", "n")
    return merge(
        national, read_catalogue(repo.data_dir / "prices/avledet-johs-faerder-2025.csv", "d")
    )


@pytest.fixture(scope="module")
def johs(repo):
    return read_persona(repo.data_dir / "personas/johs-kildens-tall.yaml")


@pytest.fixture(scope="module")
def johs_yearly(johs, catalogue, assumptions):
    return yearly(johs, catalogue, assumptions)


def test_seed_johs_reproduces_the_seed_table_row_by_row(johs_yearly):
    for key, rows in SEED_ROWS.items():
        part = johs_yearly[johs_yearly["trajectory"] == key]
        assert list(zip(part["running_cost"], part["hours"], strict=True)) == rows, key


def test_totals_are_the_seeds(johs_yearly):
    table = totals(johs_yearly, "normal").set_index("trajectory")
    assert table.loc["normal", "running_cost"] == 5_997_040
    assert table.loc["proactive", "running_cost"] == 4_031_231
    assert table.loc["reactive", "running_cost"] == 9_636_222
    assert table.loc["proactive", "investment"] == 100_000
    assert table.loc["normal", "hours"] == 11_938
    # årsverk as the seed rounds them: 7,5, 2,8 and 12,9
    assert [round(table.loc[k, "fte_years"], 1) for k in ("normal", "proactive", "reactive")] == [
        7.5,
        2.8,
        12.9,
    ]
    assert table.loc["reactive", "diff_total_cost"] == 9_636_222 - 5_997_040


def test_ages_without_an_episode_have_no_services(johs_yearly):
    first = johs_yearly[(johs_yearly["trajectory"] == "normal") & (johs_yearly["age"] == 70)].iloc[
        0
    ]
    assert (first["episode"], first["running_cost"]) == (NO_EPISODE, 0)


def test_phase_in_gives_the_seeds_4_9_13_9_million(johs_yearly):
    phase = phase_in(johs_yearly, N_FAERDER, "normal", "proactive", years=22)
    cohort = N_FAERDER / 19
    delta = [p[0] - n[0] for p, n in zip(SEED_ROWS["proactive"], SEED_ROWS["normal"], strict=True)]
    for year in range(1, 23):
        hand = cohort * sum(delta[: min(year, 19)])
        assert phase.loc[year - 1, "extra_running_cost"] == pytest.approx(hand)
        assert phase.loc[year - 1, "extra_investment"] == pytest.approx(cohort * 100_000)
    assert [round(v / 1e6) for v in phase["extra_running_cost"][:4]] == [4, 9, 13, 9]
    # «etter det syvende året vil det være en årlig besparelse»: every year after the seventh
    # saves, in running costs (which save from year 7) and with the investments (from year 8)
    assert first_saving_year(phase) == 7
    assert first_saving_year(phase, "extra_total_cost") == 8
    assert (phase["extra_running_cost"][7:] < 0).all() and (phase["extra_total_cost"][7:] < 0).all()
    assert first_saving_year(phase, "extra_running_cost") == 7


def test_phase_in_ends_in_the_scaled_steady_state(johs_yearly, assumptions):
    phase = phase_in(johs_yearly, N_FAERDER, "normal", "proactive", years=25)
    scaled = scale(
        totals(johs_yearly, "normal"), N_FAERDER, 19, assumptions.hours_per_fte, "normal"
    ).set_index("trajectory")
    assert phase["extra_running_cost"].iloc[-1] == pytest.approx(
        scaled.loc["proactive", "diff_annual_cost"]
    )
    # running costs lead, as the source scales them; the investments are their own column
    assert scaled.loc["proactive", "annual_cost"] == pytest.approx(N_FAERDER / 19 * 4_031_231)
    assert scaled.loc["proactive", "annual_investment"] == pytest.approx(N_FAERDER / 19 * 100_000)
    assert scaled.loc["normal", "annual_investment"] == 0


def test_phase_in_with_another_length(johs_yearly):
    # L = 10 sets the cohort size (100 ÷ 10) while the trajectory keeps its 19 years
    reactive_vs_normal = [
        r[0] - n[0] for r, n in zip(SEED_ROWS["reactive"], SEED_ROWS["normal"], strict=True)
    ]
    longer = phase_in(johs_yearly, 100, "normal", "reactive", years=6, length=10)
    assert longer.loc[5, "extra_running_cost"] == pytest.approx(10 * sum(reactive_vs_normal[:6]))


def test_catalogue_priced_johs(repo, catalogue, assumptions):
    persona = read_persona(repo.data_dir / "personas/johs-tjenester.yaml")
    check_persona_services(persona, catalogue, None)
    table = yearly(persona, catalogue, assumptions).set_index(["trajectory", "age"])
    # 45 min home nursing daily at 799 kr; visits of 30 min with 20 min travel each
    nursing_hours = 0.75 * 365
    assert table.loc[("normal", 73), "running_cost"] == pytest.approx(nursing_hours * 799)
    assert table.loc[("normal", 73), "hours"] == pytest.approx(
        nursing_hours + nursing_hours * 2 * 20 / 60
    )
    assert round(table.loc[("normal", 73), "hours"]) == 456  # the seed: 455
    # + practical help 1 h/week in one visit: 52 h + 52 visits × 20 min
    assert table.loc[("normal", 76), "hours"] - table.loc[("normal", 73), "hours"] == pytest.approx(
        52 + 52 * 20 / 60
    )
    # the catalogue-built episodes stay within 0,5 % of the seed's figures
    for age, seed in ((73, 218_102), (76, 246_432), (81, 371_442), (86, 1_003_466)):
        assert table.loc[("normal", age), "running_cost"] == pytest.approx(seed, rel=0.005)
    assert table.loc[("proactive", 70), "investment"] == 100_000


def test_the_seed_table_as_printed_is_rejected():
    with pytest.raises(InputError) as caught:
        read_persona(ASSETS / "bad/johs-alder-77-to-ganger.yaml")
    message = str(caught.value)
    assert "johs-alder-77-to-ganger.yaml: nøkkel «trajectories[0].episodes[5]»" in message
    assert "forløpet «Normalforløp»: alder 77 er dekket både av «rad 77» og «rad 77»" in message


def write_persona(tmp_path: Path, episodes: str, investments: str = "") -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(
        "name: P\ntitle: T\nstart_age: 70\nend_age: 75\ntrajectories:\n  - key: normal\n    name: Normalforløp\n"
        + investments
        + "    episodes:\n"
        + episodes,
        encoding="utf-8",
    )
    return path


def test_overlapping_episodes_name_the_ages(tmp_path):
    path = write_persona(
        tmp_path,
        (
            "      - {from_age: 70, to_age: 73, label: A, annual_cost: 1, annual_hours: 1, source: s}\n"
            "      - {from_age: 72, to_age: 75, label: B, annual_cost: 1, annual_hours: 1, source: s}\n"
        ),
    )
    with pytest.raises(
        InputError, match="forløpet «Normalforløp»: alder 72–73 er dekket både av «A» og «B»"
    ):
        read_persona(path)


def test_ages_outside_the_persona(tmp_path):
    path = write_persona(
        tmp_path,
        "      - {from_age: 74, to_age: 77, label: A, annual_cost: 1, annual_hours: 1, source: s}\n",
        "    investments:\n      - {age: 90, amount: 5, label: Bolig}\n",
    )
    with pytest.raises(InputError) as caught:
        read_persona(path)
    message = str(caught.value)
    assert "episoden «A» gjelder alder 76–77, utenfor 70–75" in message
    assert "investeringen «Bolig» ved alder 90 er utenfor 70–75" in message


def test_negative_amount_and_mixed_pricing(tmp_path):
    path = write_persona(
        tmp_path,
        (
            "      - {from_age: 70, to_age: 70, label: A, annual_cost: -5, annual_hours: 1, source: s}\n"
            "      - {from_age: 71, to_age: 71, label: B, annual_cost: 5, annual_hours: 1, source: s,"
            " services: [{service: gps, quantity: 1, period: week}]}\n"
        ),
    )
    with pytest.raises(InputError) as caught:
        read_persona(path)
    message = str(caught.value)
    assert (
        "nøkkel «trajectories[0].episodes[0].annual_cost»: «-5» er utenfor tillatt område"
        in message
    )
    assert "nøkkel «trajectories[0].episodes[1]»: en episode har enten services" in message


def test_unknown_service_names_trajectory_and_ages(tmp_path, catalogue):
    path = write_persona(
        tmp_path,
        (
            "      - {from_age: 72, to_age: 74, label: A, services: [{service: gsp, quantity: 1, period: week}]}\n"
        ),
    )
    persona = read_persona(path)
    with pytest.raises(
        InputError,
        match=r"nøkkel «trajectories\[0\]\.episodes\[0\]\.services\[0\]\.service»: "
        r"forløpet «Normalforløp», alder 72–74: ukjent tjeneste «gsp» – mente du gps\?",
    ):
        check_persona_services(persona, catalogue, path)


def test_direct_episode_needs_a_source(tmp_path):
    path = write_persona(
        tmp_path, "      - {from_age: 70, to_age: 70, label: A, annual_cost: 5, annual_hours: 1}\n"
    )
    with pytest.raises(InputError, match="må ha annual_cost, annual_hours og source"):
        read_persona(path)


def _two_step_persona(name: str, start: int, normal: list[tuple], proactive: list[tuple]):
    """A two-year persona whose episodes are given directly: (age, step, cost, hours)."""

    def episodes(rows):
        return [
            {
                "from_age": age,
                "to_age": age,
                "label": f"år {age}",
                "annual_cost": cost,
                "annual_hours": hours,
                "source": "håndregnet",
                "step": step,
            }
            for age, step, cost, hours in rows
        ]

    return Persona.model_validate(
        {
            "name": name,
            "title": name,
            "start_age": start,
            "end_age": start + 1,
            "trajectories": [
                {"key": "normal", "name": "Normal", "episodes": episodes(normal)},
                {"key": "proactive", "name": "Proaktiv", "episodes": episodes(proactive)},
            ],
        }
    )


def test_samlet_effekt_moves_cost_and_arsverk_between_the_steps_by_hand():
    """Two personas of two years, two steps (4 and 11), 1 600 hours per årsverk.
    A: 20 persons (10 a year); normal 100 000 kr and 200 h a year on step 11, proactive
    40 000 kr and 100 h on step 4. B: 40 persons (20 a year); normal 50 000 then 80 000 kr
    (160 h each year) on step 11, proactive 10 000 kr and 80 h on step 4.
    Year 1: A +400 000 on 4, −1 000 000 on 11; B +200 000 on 4, −1 000 000 on 11.
    Year 2 (both cohorts): A +800 000 / −2 000 000, B +400 000 / −2 600 000; together
    +1 200 000 kr on step 4 and −4 600 000 kr on step 11; årsverk +1,25 + 2,0 = +3,25 on step
    4 and −2,5 − 4,0 = −6,5 on step 11."""
    from types import SimpleNamespace

    from workbench.analyses.personas.engine import combined_effect, phase_in_by_step, yearly_by_step

    a = _two_step_persona(
        "A",
        70,
        [(70, 11, 100_000, 200), (71, 11, 100_000, 200)],
        [(70, 4, 40_000, 100), (71, 4, 40_000, 100)],
    )
    b = _two_step_persona(
        "B",
        80,
        [(80, 11, 50_000, 160), (81, 11, 80_000, 160)],
        [(80, 4, 10_000, 80), (81, 4, 10_000, 80)],
    )
    results = []
    for persona, persons in ((a, 20), (b, 40)):
        by_step = yearly_by_step(persona, pd.DataFrame(), None)
        phase = phase_in_by_step(by_step, persons, "normal", "proactive", 3, 2, 1600.0)
        results.append(SimpleNamespace(steps_phase=phase))
    first = results[0].steps_phase.set_index(["year", "step"])
    assert first.loc[(1, 4), "cost"] == 400_000 and first.loc[(1, 11), "cost"] == -1_000_000
    second = results[1].steps_phase.set_index(["year", "step"])
    assert second.loc[(2, 11), "cost"] == -2_600_000
    together = combined_effect(results, 2).set_index("step")
    assert together.loc[4, "cost"] == 1_200_000 and together.loc[11, "cost"] == -4_600_000
    assert together.loc[4, "fte"] == pytest.approx(3.25)
    assert together.loc[11, "fte"] == pytest.approx(-6.5)
    # year 3: the first cohorts have left after two years, so year 3 equals year 2
    assert combined_effect(results, 3)["cost"].tolist() == together["cost"].tolist()


def test_samlet_effekt_shifts_the_staircase_shares_by_hand():
    """Today 600 kr on step 4 and 400 kr on step 11 (60 % / 40 %); the effect adds 100 on step 4
    and takes 300 off step 11: 700 of 800 is 87,5 %, 100 of 800 is 12,5 %: +27,5 and −27,5
    prosentpoeng. A step without a known cost today keeps no share."""
    from workbench.composition import share_shift

    today = pd.DataFrame(
        {"step": [4, 7, 11], "name": ["F", "S", "L"], "amount": [600.0, None, 400.0]}
    )
    combined = pd.DataFrame({"step": [4, 7, 11], "cost": [100.0, 50.0, -300.0], "fte": [0.0] * 3})
    table = share_shift(today, 1000.0, combined).set_index("step")
    assert table.loc[4, "share"] == 0.6 and table.loc[4, "share_after"] == 0.875
    assert table.loc[11, "share_after"] == 0.125
    assert table.loc[4, "points"] == pytest.approx(27.5) and table.loc[
        11, "points"
    ] == pytest.approx(-27.5)
    assert pd.isna(table.loc[7, "share_after"])


def test_the_courses_built_from_services_lie_where_the_readme_says(repo, catalogue, assumptions):
    """The README once said the services-built Johs lay within 0,5 % of the source; course by
    course it lies 4,0 %, 23,4 % and 6,1 % below the source's running costs (its sums
    5 997 040, 4 031 231 and 9 636 222 kr), and the README now says so."""
    built = read_persona(repo.data_dir / "personas/johs-tjenester.yaml")
    running = yearly(built, catalogue, assumptions).groupby("trajectory")["running_cost"].sum()
    source = {"normal": 5_997_040, "proactive": 4_031_231, "reactive": 9_636_222}
    below = {k: round((running[k] / v - 1) * 100, 1) for k, v in source.items()}
    assert below == {"normal": -4.0, "proactive": -23.4, "reactive": -6.1}
    readme = (repo.root / "README.md").read_text(encoding="utf-8")
    for k, percent in below.items():
        shown = f"{round(float(running[k])):,}".replace(",", " ")
        assert f"{shown} mot {source[k]:,} kr (−{-percent:.1f} %)".replace(",", " ").replace(
            ".", ","
        ) in readme.replace("\n", " "), k


def test_an_episode_split_over_steps_puts_each_part_on_its_step(repo, national, assumptions):
    """The source gives Johs' day-centre years (82–86) as one figure, 371 442 kr and 705
    hours; split as the episode before (246 432 kr, 524 t: home nursing and practical help,
    step 7) plus the day centre (125 010 kr, 181 t, step 4), the course's total is unchanged."""
    from workbench.analyses.personas.engine import yearly_by_step

    persona = read_persona(repo.data_dir / "personas" / "johs-kildens-tall.yaml")
    steps = yearly_by_step(persona, national, assumptions)
    normal = steps[steps["trajectory"] == "normal"]
    at_82 = normal[normal["year"] == 82 - 70 + 1].set_index("step")
    assert at_82.loc[7, "running_cost"] == 246_432 and at_82.loc[4, "running_cost"] == 125_010
    assert at_82.loc[4, "hours"] == 181 and at_82.loc[7, "hours"] == 524
    assert normal["running_cost"].sum() == 5_997_040


def test_parts_that_do_not_sum_to_the_episode_are_refused(tmp_path):
    from workbench.analyses.personas.engine import Episode

    with pytest.raises(ValueError, match="summerer til 300 kr, ikke episodens 371442 kr"):
        Episode(
            from_age=82,
            to_age=86,
            label="Dagsenter",
            annual_cost=371442,
            annual_hours=705,
            source="kilde",
            parts=[
                {"step": 7, "annual_cost": 200, "annual_hours": 524, "label": "a"},
                {"step": 4, "annual_cost": 100, "annual_hours": 181, "label": "b"},
            ],
        )
