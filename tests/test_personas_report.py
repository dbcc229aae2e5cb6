"""The personas' report blocks (``workbench/analyses/personas/report.py``): what each shows,
what it writes into the report folder and what ``nokkeltall.json`` says about it.

Hand figures are from the Færder presentation's table «Forskjeller mellom proaktivt-, normal-
eller reaktivt forløp» (Johs, 70 to 88 years, 19 rows) and its 684 persons with presumed
dementia: normal 3 × 218 102 + 6 × 246 432 + 5 × 371 442 + 2 × 1 003 466 = 5 997 040 kr and
11 938 hours; proactive 11 × 118 431 + 7 × 246 432 + 1 003 466 kr and 100 000 kr invested at 70;
reactive 546 666 + 4 × 969 468 + 9 × 579 076 kr.
"""

from __future__ import annotations

import dataclasses
import html
import json
from itertools import accumulate

import pandas as pd
import pytest
from conftest import make_project
from IPython.display import HTML

from workbench.analyses.personas import engine, report
from workbench.analyses.personas.load import load
from workbench.formatting import Table, with_unit
from workbench.outputs import CSV_DECIMAL, CSV_ENCODING, CSV_SEPARATOR, KEY_FIGURES
from workbench.session import open_session

SEED = "personas/johs-kildens-tall.yaml"
PERSONS = 684
YEARS = 19  # ages 70 to 88
NORMAL = [0] * 3 + [218_102] * 3 + [246_432] * 6 + [371_442] * 5 + [1_003_466] * 2
PROACTIVE = [118_431] * 11 + [246_432] * 7 + [1_003_466]
REACTIVE = [0] * 5 + [546_666] + [969_468] * 4 + [579_076] * 9
INVESTMENT = 100_000  # proactive, at 70 (year 1)
COHORT = PERSONS / YEARS
# year k of the phase-in: every cohort started so far is at its own year of the trajectory
RUNNING = list(accumulate(p - n for p, n in zip(PROACTIVE, NORMAL, strict=True)))
EXTRA = [COHORT * (r + INVESTMENT) for r in RUNNING]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(
        tmp_path_factory.mktemp("personas") / "project",
        ("9999-demokommune.yaml", "3911-faerder.yaml"),
    )


@pytest.fixture
def shown(monkeypatch) -> list:
    """Everything the blocks display, in order (instead of printing it)."""
    found: list = []
    monkeypatch.setattr(report, "display", found.append)
    monkeypatch.setattr("workbench.session.display", found.append)
    return found


def opened(project, tmp_path, number: str, persona_file: str = ""):
    session = open_session(
        "personas", number, output_dir=str(tmp_path / "out"), project_dir=str(project.root)
    )
    inputs = load(session, persona_file)
    return session, inputs, [engine.evaluate(p.persona, inputs) for p in inputs.personas]


def manifest(session) -> dict:
    return json.loads((session.output_dir / KEY_FIGURES).read_text(encoding="utf-8"))


def csv(session, stem: str) -> pd.DataFrame:
    return pd.read_csv(
        session.output_dir / "tables" / f"{stem}.csv",
        sep=CSV_SEPARATOR,
        decimal=CSV_DECIMAL,
        encoding=CSV_ENCODING,
    )


def test_hand_figures_are_the_sources():
    assert sum(NORMAL) == 5_997_040
    assert COHORT == 36


def test_yearly_table_is_the_source_table_year_by_year(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.yearly_tables(session, inputs, results)
    title = inputs.personas[0].persona.title
    heading, table, source = shown
    assert heading.data == f"<h3>{title}</h3>"
    assert table.caption == "Kostnad og personinnsats per år"
    assert "Kilde: " in source.data
    written = csv(session, "johs-kildens-tall-per-ar")
    assert list(written["Alder"]) == list(range(70, 70 + YEARS))
    assert list(written["Årskostnad – normalforløp"]) == NORMAL
    assert list(written["Årskostnad – proaktivt forløp"]) == PROACTIVE
    assert list(written["Årskostnad – reaktivt forløp"]) == REACTIVE
    assert list(written["Investering – proaktivt forløp"]) == [INVESTMENT] + [0] * (YEARS - 1)
    (entry,) = manifest(session)["tables"]
    assert entry["title"] == f"{title}: Kostnad og personinnsats per år"
    persona_source = [p.title for p in session.sources if p.relative == SEED]
    assert entry["sources"] == persona_source  # the source's own figures: no prices used
    assert entry["illustrative"] is False


def test_totals_table_sums_the_trajectories(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.total_tables(session, inputs, results)
    assert shown[1].caption == "Sum over forløpet (70–88 år)"
    written = csv(session, "johs-kildens-tall-sum").set_index("Forløp")
    assert list(written.columns) == [
        "Årskostnader i sum (kr)",
        "Investeringer (kr)",
        "Totalt (kr)",
        "Personinnsats (t)",
        "Årsverk (sum over årene)",
        "Totalt mot normalforløp (kr)",
        "Timer mot normalforløp",
    ]
    assert written.loc["Normalforløp", "Totalt (kr)"] == sum(NORMAL)
    assert written.loc["Proaktivt forløp", "Totalt (kr)"] == sum(PROACTIVE) + INVESTMENT
    assert written.loc["Reaktivt forløp", "Totalt mot normalforløp (kr)"] == sum(REACTIVE) - sum(
        NORMAL
    )
    assert written.loc["Normalforløp", "Personinnsats (t)"] == 11_938


def test_scaled_table_and_its_note_on_the_number_of_persons(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.scaled_tables(session, inputs, results)
    note = shown[1].data
    assert note.startswith(f"<p>{PERSONS} personer. Kilde for antallet: ")
    assert f"jevnt fordelt over et forløp på {YEARS} år." in note
    written = csv(session, "johs-kildens-tall-skalert").set_index("Forløp")
    assert written.loc["Normalforløp", "Drift per år (kr)"] == pytest.approx(COHORT * sum(NORMAL))
    assert written.loc["Proaktivt forløp", "Drift per år mot normalforløp (kr)"] == pytest.approx(
        COHORT * (sum(PROACTIVE) - sum(NORMAL))
    )
    assert written.loc["Proaktivt forløp", "Investeringer per år (kr)"] == pytest.approx(
        COHORT * INVESTMENT
    )


def test_the_trajectory_length_that_gives_the_presentations_88_and_164_million(
    project, tmp_path, shown
):
    """The presentation: «årlig innsparing på 88 millioner kroner» (proactive) and «økt
    ressursbruk på 164 millioner kroner» (reactive) for 684 persons, in running costs as it
    scales them. N ÷ L × the difference in running costs gives L = 684 × 1 965 809 ÷ 88 mill.
    = 15,28 and 684 × 3 639 182 ÷ 164 mill. = 15,18 years; written in whole millions, 88 holds
    for L in 15,19–15,37 and 164 for 15,13–15,22, so one L ≈ 15,2 (45 new a year) gives both,
    while the source's phase-in uses 684 ÷ 19 = 36 a year."""
    proactive = sum(PROACTIVE) - sum(NORMAL)  # −1 965 809 kr
    reactive = sum(REACTIVE) - sum(NORMAL)  # 3 639 182 kr
    assert (proactive, reactive) == (-1_965_809, 3_639_182)
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.scaled_tables(session, inputs, results)
    written = csv(session, "johs-kildens-tall-kildens-lengde").set_index("Forløp")
    lengths = written["L som gir kildens tall (år)"]
    assert lengths["Proaktivt forløp"] == pytest.approx(PERSONS * proactive / -88e6, abs=0.005)
    assert lengths["Reaktivt forløp"] == pytest.approx(PERSONS * reactive / 164e6, abs=0.005)
    low = max(PERSONS * -proactive / 88.5e6, PERSONS * reactive / 164.5e6)  # 15,193
    high = min(PERSONS * -proactive / 87.5e6, PERSONS * reactive / 163.5e6)  # 15,224
    assert round(low, 2) == 15.19 and round(high, 2) == 15.22 and round((low + high) / 2) == 15
    assert written.loc["Proaktivt forløp", "Kildens tall per år (kr)"] == -88_000_000
    assert written.loc["Proaktivt forløp", "Med L = 19 år (kr)"] == round(COHORT * proactive)
    note = next(o.data for o in shown if "L ≈ 15,2 år" in getattr(o, "data", ""))
    assert "45 nye personer i året" in note and "684 ÷ 19 = 36 nye personer i året" in note
    assert "fra 15,19 til 15,22 år" in note and "parameterfil" not in note


def test_phase_table_gives_the_sources_4_9_13_9_million(project, tmp_path, shown):
    """The presentation: «merkostnaden det første året 4 mill, det andre året 9 mill, det
    tredje året 13 mill, fjerde året 9 mill og etter det syvende året … besparelse»."""
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.phase_tables(session, inputs, results)
    sentence = shown[1].data
    assert "36 nye personer per år (684 personer ÷ 19 år)" in sentence
    first_total = next(k for k, e in enumerate(EXTRA, start=1) if e < 0)
    first_running = next(k for k, r in enumerate(RUNNING, start=1) if r < 0)
    assert (first_total, first_running) == (8, 7)
    assert (
        f"Første år med besparelse i driften: år {first_running}, år {first_total} med "
        "investeringene." in sentence
    )
    written = csv(session, "johs-kildens-tall-innfasing")
    assert [round(v / 1e6) for v in written["Drift (kr)"][:4]] == [4, 9, 13, 9]
    assert list(written["Sum (kr)"][:YEARS]) == pytest.approx(EXTRA)
    assert list(written["Akkumulert (kr)"][:YEARS]) == pytest.approx(list(accumulate(EXTRA)))


def test_figures_are_written_with_their_sources(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.trajectory_figures(session, inputs, results)
    report.phase_figures(session, inputs, results)
    assert all('src="data:image/svg+xml;base64,' in o.data for o in shown) and len(shown) == 2
    figures = manifest(session)["figures"]
    assert [f["stem"] for f in figures] == [
        "johs-kildens-tall-forlop",
        "johs-kildens-tall-innfasing",
    ]
    for figure in figures:
        assert (session.output_dir / figure["svg"]).is_file()
        assert figure["sources"] == [p.title for p in session.sources if p.relative == SEED]


def test_a_persona_priced_from_the_catalogue_cites_the_prices(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "9999")
    report.total_tables(session, inputs, results)
    (entry,) = manifest(session)["tables"]
    titles = {p.relative: p.title for p in session.sources}
    assert titles["personas/johs-tjenester.yaml"] in entry["sources"]
    assert titles["prices/national-23-11.csv"] in entry["sources"]
    assert entry["illustrative"] is True  # Demokommune is fictional


def test_key_figures_are_the_sources_figures(project, tmp_path, shown):
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    session.show_key_figures(report.key_figures(inputs, results))
    figures = {f["key"]: f for f in manifest(session)["key_figures"]}
    persona = inputs.personas[0].persona
    assert figures["johs-kildens-tall.title"]["value"] == persona.title
    normal = figures["johs-kildens-tall.normal.running_cost"]
    assert normal == {
        "key": "johs-kildens-tall.normal.running_cost",
        "label": f"Normalforløp: driftskostnad over {YEARS} år",
        "value": 5_997_040,
        "unit": "kr",
    }
    # the source's 4 031 231 kr, with the investment on its own line
    assert figures["johs-kildens-tall.proactive.running_cost"]["value"] == 4_031_231
    investment = figures["johs-kildens-tall.proactive.investment"]
    assert (investment["value"], investment["label"]) == (
        INVESTMENT,
        "Proaktivt forløp: investeringer i tillegg",
    )
    assert "johs-kildens-tall.normal.investment" not in figures
    assert figures["johs-kildens-tall.reactive.running_cost"]["value"] == sum(REACTIVE)
    assert (
        figures["johs-kildens-tall.normal.hours"]["value"],
        figures["johs-kildens-tall.normal.hours"]["unit"],
    ) == (
        11_938,
        "timer",
    )
    assert figures["johs-kildens-tall.persons"]["value"] == PERSONS
    assert figures["johs-kildens-tall.new_per_year"]["value"] == pytest.approx(COHORT)
    assert figures["johs-kildens-tall.new_per_year"]["unit"] == "personer"
    for k in (1, 2, 3, 4):
        phase = figures[f"johs-kildens-tall.phase.{k}"]
        assert (phase["label"], phase["unit"]) == (
            f"Innfasing år {k}: merkostnad i driften",
            "kr",
        )
        assert phase["value"] == pytest.approx(COHORT * RUNNING[k - 1])
    assert [
        round(figures[f"johs-kildens-tall.phase.{k}"]["value"] / 1e6) for k in (1, 2, 3, 4)
    ] == [
        4,
        9,
        13,
        9,
    ]
    assert "johs-kildens-tall.phase.5" not in figures
    invested = figures["johs-kildens-tall.phase_investment"]
    assert invested["label"] == "Innfasing år 1–4: investeringer i tillegg"
    assert invested["value"] == pytest.approx(4 * COHORT * INVESTMENT)
    saving = figures["johs-kildens-tall.first_saving_year"]
    assert (saving["value"], saving["unit"]) == (7, "år nr.")
    assert saving["label"] == "Første år med besparelse i driften"
    assert with_unit(saving["value"], saving["unit"]) == "år 7"


def test_no_saving_in_the_years_shown_is_none_with_a_label_that_says_so(project, tmp_path):
    """Reactive instead of normal for three years: the first three years of both are without
    municipal services, so nothing is saved."""
    _, inputs, _ = opened(project, tmp_path, "3911", SEED)
    settings = inputs.settings.model_copy(update={"phase_in_years": 3})
    short = dataclasses.replace(inputs, settings=settings)
    result = engine.evaluate(short.personas[0].persona, short, phase_in_to="reactive")
    figures = {f.key: f for f in report.key_figures(short, [result])}
    saving = figures["johs-kildens-tall.first_saving_year"]
    assert saving.value is None and saving.unit == "år nr."
    assert f"{saving.label}: {with_unit(saving.value, saving.unit)}" == (
        "Første år med besparelse i driften (ingen i løpet av 3 år): –"
    )
    assert [k for k in figures if ".phase." in k] == [
        f"johs-kildens-tall.phase.{k}" for k in (1, 2, 3)
    ]


def test_stories_show_each_persona_with_its_trajectories(project, tmp_path, shown):
    _, inputs, _ = opened(project, tmp_path, "3911")
    report.stories(inputs)
    headings = [o.data for o in shown if isinstance(o, HTML) and o.data.startswith("<h3>")]
    assert headings == [f"<h3>{p.persona.title}</h3>" for p in inputs.personas]
    stories = [o.data for o in shown if not isinstance(o, HTML | Table)]
    assert all("**Normalforløp.**" in s for s in stories)


def test_the_sources_phase_in_stands_beside_ours(project, tmp_path, shown):
    """The source's 4, 9, 13 and 9 mill. kr beside ours for its 684 persons: cohorts of
    684 ÷ 19 = 36, each 118 431 kr a year more on the proactive path until age 73, where the
    normal path's 218 102 kr begins (year 4: 36 × (3 × 118 431 − 99 671) = 9 202 392 kr)."""
    session, inputs, results = opened(project, tmp_path, "3911", SEED)
    report.phase_tables(session, inputs, results)
    written = csv(session, "johs-kildens-tall-kildens-innfasing")
    assert list(written["År"]) == [1, 2, 3, 4]
    assert list(written["Kilden: drift (kr)"]) == [4_000_000, 9_000_000, 13_000_000, 9_000_000]
    hand = [36 * 118_431, 36 * 2 * 118_431, 36 * 3 * 118_431, 36 * (3 * 118_431 - 99_671)]
    assert list(written["Beregnet: drift (kr)"]) == pytest.approx(hand)
    note = next(o.data for o in shown if "avrundet til hele millioner" in getattr(o, "data", ""))
    assert "«vil merkostnaden det første året være 4 mill" in note


def test_samlet_effekt_counts_each_persona_once_and_says_what_moves(project, tmp_path, shown):
    """Færder shows Johs twice (the source's figures and built from services): the sum per
    step counts the first only. By 2030 (year 6 of a phase-in from 2025) six cohorts of 36
    are on the proactive path, all still under 76: on step 4 (activities) each costs
    118 431 kr, on step 7 the normal path's home nursing from 73 (218 102 kr) is gone."""
    session, inputs, results = opened(project, tmp_path, "3911")
    assert [p.persona.name for p in inputs.personas] == ["Johs", "Johs"]
    report.effect_section(session, inputs, results)
    written = csv(session, "samlet-effekt").set_index("Trinn")
    assert written.loc[4, "Endring per år (kr)"] == pytest.approx(36 * 6 * 118_431)
    # the cohorts are at trajectory years 1–6; those at years 4, 5 and 6 (ages 73–75) would
    # have had 218 102 kr of home nursing on the normal path this year
    assert written.loc[7, "Endring per år (kr)"] == pytest.approx(-36 * 3 * 218_102)
    notes = [o.data for o in shown if "én gang" in getattr(o, "data", "")]
    assert notes and "«Johs med kognitive utfordringer (kildens tall)»" in notes[0]
    sentence = next(o.data for o in shown if "flytter" in getattr(o, "data", ""))
    assert (
        "36 nye personer per år på proaktivt forløp i stedet for normalforløp flytter" in sentence
    )
    assert "fra trinn 7 til trinn 4 innen 2030" in sentence
    # on the staircase of the accounts (the source's 2024 figures): the effect in 2023 kroner
    # is 4,3 % more in 2024 kroner (the municipal deflator); the total is the known steps'
    # 1 381 mill. kr over their 66,4 %
    step_4, step_7 = 36 * 6 * 118_431 * 1.043, -36 * 3 * 218_102 * 1.043
    total = 1_381e6 / 0.664
    shares = csv(session, "samlet-effekt-andeler").set_index("Trinn")
    after = shares.loc[4, "Andel med samlet effekt i 2030"]
    assert after == pytest.approx((299e6 + step_4) / (total + step_4 + step_7), abs=1e-4)
    assert "fra 2023- til 2024-kroner" in html_text(shown)
    assert "Kroner i 2023-priser. Beregnet med innsatstrapp workbench." in html_text(shown)


def html_text(shown: list) -> str:
    return "\n".join(item.data for item in shown if isinstance(item, HTML))


# N from prevalence (hand cases in test_prevalence.py): Færder's 4 125 + 1 320 + 275 residents
# 67+ in 2024 (the presentation's «Framskrivninger av innbyggere») × 14,6 % = 835,12.


def test_faerder_shows_n_from_prevalence_beside_the_presentations_684(project, tmp_path, shown):
    session, inputs, _ = opened(project, tmp_path, "3911")
    assert inputs.persons == 684  # the calculations keep the presentation's number
    report.persons_section(session, inputs)
    page = html_text(shown)
    assert "835 personer i 2024" in page
    assert "kommunens eget tall, 684" in page
    assert "22\xa0% flere i basisåret" in page  # no line break inside «22 %»
    assert "Forekomst av demens blant personer 70 år og eldre (HUNT4 70+)" in page  # source
    assert "Kroner i" not in page  # a table of persons says no price year
    written = csv(session, "antall-personer")
    # written as the report shows it, in whole persons
    assert written["Personer i målgruppen (N)"].iloc[0] == round(0.146 * (4_125 + 1_320 + 275))
    assert written["År"].iloc[0] == "2024"
    assert written["Forekomst (andel)"].iloc[0] == 0.146  # not rounded to 0,15


def test_demokommune_phases_in_with_n_from_prevalence(project, tmp_path, shown):
    """Demokommune's MMMM: 3 000 + 1 000 + 220 = 4 220 aged 67+ in 2024 and 4 850 in 2030, so
    4 220 + 630 ÷ 6 = 4 325 in 2025 (interpolated)."""
    session, inputs, _ = opened(project, tmp_path, "9999")
    n_2024, n_2025 = 0.146 * 4_220, 0.146 * 4_325
    assert inputs.persons == pytest.approx(n_2024)
    result = engine.evaluate(inputs.personas[0].persona, inputs)
    assert result.persons_by_year[0] == pytest.approx(n_2025)  # phase-in year 1 is 2025
    assert result.phase["new_persons"].iloc[0] == pytest.approx(n_2025 / result.length)
    fixed = engine.evaluate(inputs.personas[0].persona, inputs, persons=inputs.persons)
    assert result.phase["extra_total_cost"].iloc[-1] != pytest.approx(
        fixed.phase["extra_total_cost"].iloc[-1]
    )
    assert "personaens andel av årets nye tilfeller" in report.phase_summary(result)
    figures = {f.key: f.value for f in report.key_figures(inputs, [result])}
    assert figures["prevalence.2024"] == pytest.approx(n_2024)
    report.persons_section(session, inputs)
    assert "innfasingen følger de nye tilfellene fra insidens" in html_text(shown)


def test_demokommune_starts_a_share_of_each_years_new_cases(project, tmp_path, shown):
    """Incidence 43,9 per 1 000 person-years (HUNT4 70+) over Demokommune's 4 220 aged 67+ in
    2024 without dementia (1 − 14,6 %): 4 220 × 0,854 × 0,0439 = 158,2 new cases. The course
    (18 years) holds N = 616,1 persons, so it stands for 616,1 ÷ (158,2 × 18) = 21,6 % of them,
    and 2025's starters are that share of 4 325 × 0,854 × 0,0439 = 162,1 new cases."""
    session, inputs, results = opened(project, tmp_path, "9999")
    new_2024, new_2025 = 4_220 * 0.854 * 0.0439, 4_325 * 0.854 * 0.0439
    length = results[0].length
    assert length == 18
    share = 0.146 * 4_220 / (new_2024 * length)
    assert share == pytest.approx(0.2164, abs=1e-4)
    assert results[0].from_incidence
    assert results[0].phase["new_persons"].iloc[0] == pytest.approx(share * new_2025)
    report.incidence_section(session, inputs, results)
    page = html_text(shown)
    assert "158 i 2024" in page and "21,6\xa0% av de nye tilfellene" in page
    written = csv(session, "nye-tilfeller")
    assert written["Nye tilfeller"].iloc[0] == round(new_2024)  # as shown: 158
    assert written["Starter på forløpet"].iloc[1] == pytest.approx(share * new_2025, abs=0.05)
    own = dataclasses.replace(
        inputs, settings=inputs.settings.model_copy(update={"course_share": 0.5})
    )
    chosen = engine.evaluate(own.personas[0].persona, own)
    assert chosen.phase["new_persons"].iloc[0] == pytest.approx(0.5 * new_2025)


def test_faerder_says_what_share_of_new_cases_the_sources_path_stands_for(project, tmp_path, shown):
    """Færder's 5 720 aged 67+ in 2024: 5 720 × 0,854 × 0,0439 = 214,4 new cases a year,
    against the source's 684 ÷ 19 = 36 starters: 17 %. The figures stay the source's."""
    session, inputs, results = opened(project, tmp_path, "3911")
    assert not inputs.uses_incidence and not results[0].from_incidence
    assert results[0].phase["new_persons"].iloc[0] == pytest.approx(684 / 19)
    report.incidence_section(session, inputs, results)
    page = html_text(shown)
    assert "214 i 2024" in page
    assert "684 ÷ 19 = 36 nye personer per år" in page
    assert f"om lag {round(100 * 36 / (5_720 * 0.854 * 0.0439))}\xa0% av de nye" in page
    assert "Johs' forløp" in html.unescape(page)
