"""How persona results are shown: one function per table or figure of the report notebook,
the Norwegian headers they share with the widget app, and the key figures.

Each block repeats per persona (a heading per persona) and writes what it shows into the
report folder with the persona file as its source.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from workbench import composition, formatting, reference
from workbench.analyses.personas.charts import phase_in_chart, trajectory_chart
from workbench.analyses.personas.engine import (
    NO_STEP,
    PersonaResult,
    combined_effect,
    course_share,
    evaluate,
    first_saving_year,
    length_for,
    length_range,
)
from workbench.analyses.personas.load import PersonaFile, PersonaInputs
from workbench.formatting import mill_kr, number, percent, styled
from workbench.inputs import price_factor
from workbench.outputs import KeyFigure
from workbench.session import Session

PHASE_YEARS_IN_KEY_FIGURES = 4
"""The first phase-in years whose extra cost is a key figure (the source names four)."""
SOURCE_ROUNDING = 1e6
"""The source writes its scaled figures in whole millions («88 millioner kroner»)."""


def _genitive(name: str) -> str:
    """«Johs'», «Karis»: a name's genitive in Norwegian."""
    return f"{name}'" if name[-1:].lower() in "sxz" else f"{name}s"


def _plain(value: float) -> str:
    """A count or a length in Norwegian: ``19`` when whole, else one decimal (``13,9``)."""
    return number(value, 0 if float(value).is_integer() else 1)


def yearly_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Year by year as the seed lays it out: investment, annual cost and hours per trajectory."""
    names = list(dict.fromkeys(table["trajectory_name"]))
    wide = table.pivot(
        index="age", columns="trajectory_name", values=["investment", "running_cost", "hours"]
    )
    columns = {"Alder": wide.index.to_numpy()}
    formats = {"Alder": "text"}
    for value, label, kind in (
        ("investment", "Investering", "kr"),
        ("running_cost", "Årskostnad", "kr"),
        ("hours", "Personinnsats (t)", "number"),
    ):
        for name in names:
            header = f"{label} – {name.lower()}"
            columns[header] = wide[value][name].to_numpy()
            formats[header] = kind
    return pd.DataFrame(columns), formats


def totals_frame(table: pd.DataFrame, reference_name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sums per trajectory with Norwegian headers, differences named by the reference."""
    shown = table.rename(
        columns={
            "trajectory_name": "Forløp",
            "running_cost": "Årskostnader i sum (kr)",
            "investment": "Investeringer (kr)",
            "total_cost": "Totalt (kr)",
            "hours": "Personinnsats (t)",
            "fte_years": "Årsverk (sum over årene)",
            "diff_total_cost": f"Totalt mot {reference_name.lower()} (kr)",
            "diff_hours": f"Timer mot {reference_name.lower()}",
        }
    ).drop(columns=["trajectory", "diff_running_cost"])
    formats = {c: "kr" for c in shown.columns if "(kr)" in c}
    formats.update(
        {
            "Forløp": "text",
            "Personinnsats (t)": "number",
            "Årsverk (sum over årene)": "number1",
            f"Timer mot {reference_name.lower()}": "number",
        }
    )
    return shown, formats


def scaled_frame(table: pd.DataFrame, reference_name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The steady state for the municipality's persons with Norwegian headers."""
    shown = table.rename(
        columns={
            "trajectory_name": "Forløp",
            "persons": "Personer",
            "annual_cost": "Drift per år (kr)",
            "annual_investment": "Investeringer per år (kr)",
            "annual_hours": "Timer per år",
            "annual_fte": "Årsverk",
            "diff_annual_cost": f"Drift per år mot {reference_name.lower()} (kr)",
        }
    ).drop(columns=["trajectory"])
    formats = {
        "Forløp": "text",
        "Personer": "number",
        "Drift per år (kr)": "mill_kr1",
        "Investeringer per år (kr)": "mill_kr1",
        "Timer per år": "number",
        "Årsverk": "number1",
        f"Drift per år mot {reference_name.lower()} (kr)": "mill_kr1",
    }
    return shown, formats


def phase_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The phase-in year by year with Norwegian headers."""
    shown = table.rename(
        columns={
            "year": "År",
            "cohorts": "Årskull på nytt forløp",
            "new_persons": "Nye personer dette året",
            "extra_running_cost": "Drift (kr)",
            "extra_investment": "Investeringer (kr)",
            "extra_total_cost": "Sum (kr)",
            "cumulative_cost": "Akkumulert (kr)",
        }
    )
    formats = {
        "År": "text",
        "Årskull på nytt forløp": "text",
        "Nye personer dette året": "number1",
        "Drift (kr)": "mill_kr1",
        "Investeringer (kr)": "mill_kr1",
        "Sum (kr)": "mill_kr1",
        "Akkumulert (kr)": "mill_kr1",
    }
    return shown, formats


def cohort_text(result: PersonaResult, upto: int | None = None, *, short: bool = False) -> str:
    """The persons who start on the new trajectory each year, in words: «36 nye personer per
    år (684 personer ÷ 19 år)», or with N(t) from prevalence «fra 35,1 nye personer i år 1 til
    47,3 i år 21 (N fra forekomst det året ÷ 18 år)» (to phase-in year ``upto``, default the
    last shown); ``short`` leaves out the parenthesis."""
    if result.persons_by_year is None:
        if short:
            return f"{_plain(result.persons / result.length)} nye personer per år"
        return (
            f"{_plain(result.persons / result.length)} nye personer per år "
            f"({number(result.persons)} personer ÷ {_plain(result.length)} år)"
        )
    shown = result.persons_by_year[: upto or len(result.persons_by_year)] / result.length
    if short:
        return f"fra {number(shown[0], 1)} til {number(shown[-1], 1)} nye personer per år"
    why = (
        "personaens andel av årets nye tilfeller"
        if result.from_incidence
        else f"N fra forekomst det året ÷ {_plain(result.length)} år"
    )
    return (
        f"fra {number(shown[0], 1)} nye personer i år 1 til {number(shown[-1], 1)} i år "
        f"{len(shown)} ({why})"
    )


def phase_summary(result: PersonaResult) -> str:
    """One sentence on when the phase-in starts to save money."""
    names = dict(zip(result.yearly["trajectory"], result.yearly["trajectory_name"], strict=False))
    names.update({t.key: t.name for t in result.persona.trajectories})
    running = first_saving_year(result.phase)
    total = first_saving_year(result.phase, "extra_total_cost")
    text = (
        f"Fra år 1 får alle nye personer {names[result.phase_in_to].lower()} i stedet for "
        f"{names[result.reference].lower()}: {cohort_text(result)}. "
    )
    if running is None:
        return text + "Innfasingen gir ingen besparelse i driften i perioden som vises."
    text += f"Første år med besparelse i driften: år {running}"
    if not result.phase["extra_investment"].any():
        return text + "."
    if total is None:
        return text + "; med investeringene gir den ingen besparelse i perioden som vises."
    return text + f", år {total} med investeringene."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _heading(persona_file: PersonaFile) -> None:
    display(HTML(f"<h3>{html.escape(persona_file.persona.title)}</h3>"))


def _sources(session: Session, inputs: PersonaInputs, persona_file: PersonaFile) -> list[Path]:
    """The data files a persona's figures come from: the persona file and the price files its
    priced episodes take their prices from."""
    services = {
        line.service
        for trajectory in persona_file.persona.trajectories
        for episode in trajectory.episodes
        for line in episode.services or []
    }
    origins = set(inputs.catalogue.loc[sorted(services), "origin"])
    return [persona_file.path] + [p.path for p in session.sources if p.relative in origins]


def _show(
    session: Session,
    inputs: PersonaInputs,
    persona_file: PersonaFile,
    shown: tuple[pd.DataFrame, dict[str, str]],
    kind: str,
    caption: str,
) -> None:
    """Write one persona's table ``<persona>-<kind>`` (titled with the persona, for the
    workbook) and show it under the persona's heading with its caption and source line."""
    table, formats = shown
    sources = _sources(session, inputs, persona_file)
    title = f"{persona_file.persona.title}: {caption}"
    session.save_table(table, f"{persona_file.stem}-{kind}", title, sources, formats)
    display(styled(table, formats, caption=caption))
    session.show_source(sources)


def stories(inputs: PersonaInputs) -> None:
    """Each persona's story and its trajectories, as the source documents tell them."""
    for persona_file in inputs.personas:
        persona = persona_file.persona
        _heading(persona_file)
        display(HTML(f"<p>{html.escape(persona.description)}</p>"))
        display(
            Markdown(
                f"**{persona.name} ({persona.start_age}):** {persona.story}\n\n"
                + "\n\n".join(f"**{t.name}.** {t.story}" for t in persona.trajectories if t.story)
            )
        )


def trajectory_figures(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: cost per age, cumulative cost and hours per trajectory (``<persona>-forlop``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        sources = _sources(session, inputs, persona_file)
        draw = partial(
            trajectory_chart,
            result.yearly,
            persona_file.persona.title,
            session.source_line(sources),
            illustrative=session.illustrative_for(sources),
        )
        session.show_figure(draw(), f"{persona_file.stem}-forlop", sources=sources, slide=draw)


def yearly_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: investment, annual cost and hours per age and trajectory
    (``<persona>-per-ar``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file)
        shown = yearly_frame(result.yearly)
        caption = "Kostnad og personinnsats per år"
        _show(session, inputs, persona_file, shown, "per-ar", caption)


def total_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the sums over the whole trajectory, and the difference to the reference
    (``<persona>-sum``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        persona = persona_file.persona
        _heading(persona_file)
        caption = f"Sum over forløpet ({persona.start_age}–{persona.end_age} år)"
        shown = totals_frame(result.totals, persona.trajectory(result.reference).name)
        _show(session, inputs, persona_file, shown, "sum", caption)


def persons_source(inputs: PersonaInputs) -> str:
    """Where N comes from, in words."""
    if inputs.uses_prevalence:
        return f"forekomst × befolkning i {inputs.base_year} (se «Antall personer over tid»)"
    return inputs.settings.persons_source


def prevalence_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """N(t) from prevalence year by year with Norwegian headers."""
    shown = pd.DataFrame(
        {
            "År": table["year"].astype(str)
            + table["interpolated"].map({True: " (interpolert)", False: ""}),
            "Innbyggere i aldersgruppene": table["population"],
            "Forekomst (andel)": table["persons"] / table["population"],
            "Personer i målgruppen (N)": table["persons"],
        }
    )
    return shown, {
        "År": "text",
        "Innbyggere i aldersgruppene": "number",
        "Forekomst (andel)": "percent",
        "Personer i målgruppen (N)": "number",
    }


def incidence_frame(
    table: pd.DataFrame, share: float | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """New cases from incidence year by year with Norwegian headers; with ``share``, the
    persons who start on the persona's course."""
    shown = pd.DataFrame(
        {
            "År": table["year"].astype(str)
            + table["interpolated"].map({True: " (interpolert)", False: ""}),
            "Innbyggere i aldersgruppene": table["population"],
            "Uten demens": table["at_risk"],
            "Nye tilfeller": table["new"],
        }
    )
    formats = {
        "År": "text",
        "Innbyggere i aldersgruppene": "number",
        "Uten demens": "number",
        "Nye tilfeller": "number",
    }
    if share is not None:
        shown["Starter på forløpet"] = table["new"] * share
        formats["Starter på forløpet"] = "number1"
    return shown, formats


def incidence_sentences(inputs: PersonaInputs, result: PersonaResult) -> str:
    """What incidence says about new cases, and which path the phase-in uses, in words."""
    table = inputs.incidence.set_index("year")
    base, last = inputs.base_year, int(table.index.max())
    new = float(table.loc[base, "new"])
    text = (
        f"Nye tilfeller = insidens × innbyggere uten demens (innbyggere × (1 − forekomst)), år "
        f"for år fra befolkningsframskrivingen: {number(new)} i {base} og "
        f"{number(table.loc[last, 'new'])} i {last}."
    )
    length = _plain(result.length)
    if inputs.uses_incidence:
        share = course_share(inputs, result.length)
        why = (
            "kommunens valg"
            if inputs.settings.course_share is not None
            else f"andelen som gir N = {number(inputs.persons)} personer i forløpet på "
            f"{length} år i {base}: {number(inputs.persons)} ÷ ({number(new)} × {length})"
        )
        return (
            f"{text} Innfasingen bruker dem: {_genitive(result.persona.name)} forløp står for "
            f"{percent(share, 1)} av de nye tilfellene ({why}), så {number(share * new, 1)} "
            f"starter på forløpet i {base}, og året s starter andelen av årets nye tilfeller. "
            "Med én sats for alle 67+ vokser de nye tilfellene i takt med N fra forekomst; "
            "satser per aldersgruppe ville latt dem vokse raskere når de eldste blir flere."
        )
    per_year = result.persons / result.length
    return (
        f"{text} Kildens innfasing bruker N ÷ L = {number(result.persons)} ÷ {length} = "
        f"{_plain(per_year)} nye personer per år, ikke insidensen: {_genitive(result.persona.name)} "
        f"forløp står altså for om lag {percent(per_year / new, 0)} av de nye tilfellene "
        f"({_plain(per_year)} av {number(new)}). Beregningene følger kildens vei, så tallene "
        "er kildens."
    )


def incidence_section(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """New cases from incidence, and the share of them the persona's course stands for
    (``nye-tilfeller``), where the municipality gives an incidence file."""
    if inputs.incidence is None or not results:
        return None
    result = results[0]
    display(HTML(f"<p>{html.escape(incidence_sentences(inputs, result))}</p>"))
    share = course_share(inputs, result.length) if inputs.uses_incidence else None
    shown, formats = incidence_frame(inputs.incidence, share)
    session.show_table(
        shown,
        formats,
        "nye-tilfeller",
        "Nye tilfeller av demens over tid",
        list(inputs.incidence_files),
    )
    return None


def _more_or_fewer(computed: float, given: float) -> str:
    """«22 % flere» / «8 % færre»: ``computed`` against ``given``."""
    change = computed / given - 1
    return f"{percent(abs(change), 0)} {'flere' if change >= 0 else 'færre'}"


def persons_section(session: Session, inputs: PersonaInputs) -> None:
    """How many persons the group has: the municipality's own N, and N(t) from prevalence ×
    the population projection where a prevalence file is given (``antall-personer``)."""
    settings = inputs.settings
    if inputs.prevalence is None:
        display(
            HTML(
                f"<p>N er kommunens eget tall: {number(settings.persons)} personer "
                f"({html.escape(settings.persons_source)}), det samme alle år.</p>"
            )
        )
        return None
    table = inputs.prevalence
    first, last = table.iloc[0], table.iloc[-1]
    growth = last["persons"] / first["persons"] - 1
    sign = "+" if growth >= 0 else "−"
    text = (
        f"N = forekomst × innbyggere i aldersgruppene, år for år fra befolkningsframskrivingen: "
        f"{number(first['persons'])} personer i {int(first['year'])} og "
        f"{number(last['persons'])} i {int(last['year'])} ({sign}{percent(abs(growth), 0)})."
    )
    if inputs.uses_prevalence:
        if inputs.uses_incidence:
            text += (
                f" N i {inputs.base_year} avgjør hvor stor andel av de nye tilfellene "
                "personaen står for; innfasingen følger de nye tilfellene fra insidens (se "
                "«Nye tilfeller hvert år»)."
            )
        else:
            text += (
                " Innfasingen bruker N det året: årskullet som starter på det nye forløpet i "
                f"år s er N(s) ÷ L. Etter {int(last['year'])} holdes N på "
                f"{int(last['year'])}-nivå."
            )
        if settings.persons is not None:
            text += (
                f" Kommunens eget tall er {number(settings.persons)} "
                f"({settings.persons_source}); det brukes ikke."
            )
    else:
        text += (
            f" Beregningene i rapporten bruker kommunens eget tall, {number(settings.persons)} "
            f"personer ({settings.persons_source}), det samme alle år. Forekomsten gir "
            f"{_more_or_fewer(first['persons'], settings.persons)} i basisåret, og "
            "antallet vokser med befolkningen."
        )
    display(HTML(f"<p>{html.escape(text)}</p>"))
    shown, formats = prevalence_frame(table)
    session.show_table(
        shown,
        formats,
        "antall-personer",
        "Personer i målgruppen over tid",
        list(inputs.prevalence_files),
    )
    return None


def scaled_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the cost per year for the municipality's number of persons
    (``<persona>-skalert``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file)
        display(
            HTML(
                f"<p>{number(result.persons)} personer. Kilde for antallet: "
                f"{html.escape(persons_source(inputs))}. Likevektsår: personene er jevnt "
                f"fordelt over et forløp på {_plain(result.length)} år.</p>"
            )
        )
        caption = "Kostnad per år når alle er i samme forløp"
        reference = persona_file.persona.trajectory(result.reference).name
        shown = scaled_frame(result.scaled, reference)
        _show(session, inputs, persona_file, shown, "skalert", caption)
        if persona_file.persona.source_scaled is not None:
            _source_length(session, inputs, persona_file, result)


def _source_length(
    session: Session, inputs: PersonaInputs, persona_file: PersonaFile, result: PersonaResult
) -> None:
    """The source's own scaled figures beside ours, and the L that reproduces them: from
    running costs, as the source scales them, one L for all its figures where their
    rounding allows one."""
    given = persona_file.persona.source_scaled
    rows, ranges = [], []
    for key, per_year in given.per_year.items():
        trajectory = persona_file.persona.trajectory(key)
        ours = (
            given.persons
            / result.length
            * float(result.totals.set_index("trajectory").loc[key, "diff_running_cost"])
        )
        rows.append(
            {
                "Forløp": trajectory.name,
                "Kildens tall per år (kr)": per_year,
                f"Med L = {_plain(result.length)} år (kr)": ours,
                "L som gir kildens tall (år)": length_for(
                    result.totals, given.persons, key, per_year
                ),
            }
        )
        ranges.append(length_range(result.totals, given.persons, key, per_year, SOURCE_ROUNDING))
    frame = pd.DataFrame(rows)
    low, high = max(r[0] for r in ranges), min(r[1] for r in ranges)
    figures = " og ".join(mill_kr(abs(v)) for v in frame["Kildens tall per år (kr)"])
    if low <= high:
        length = (low + high) / 2
        implied = (
            f"Regnet på driftskostnadene, slik kilden skalerer, gir én forløpslengde begge "
            f"tallene ({figures}, avrundet til hele millioner): L ≈ {number(length, 1)} år, "
            f"det vil si {number(given.persons / length)} nye personer i året (tallene passer "
            f"med L fra {number(low, 2)} til {number(high, 2)} år)."
        )
    else:
        lengths = " og ".join(number(v, 2) for v in frame["L som gir kildens tall (år)"])
        implied = (
            f"Regnet på driftskostnadene, slik kilden skalerer, gir tallene ({figures}) "
            f"L = {lengths} år; ingen enkelt lengde gir begge."
        )
    display(
        HTML(
            f"<p>Kilden oppgir egne tall for {number(given.persons)} personer "
            f"({html.escape(given.source)}). {implied} Kildens innfasing bruker derimot "
            f"{number(given.persons)} ÷ {_plain(result.length)} = "
            f"{number(given.persons / result.length)} nye personer i året, forløpets lengde, "
            "og det gjør tabellene over også. Investeringene står på egen linje og er ikke "
            "med i disse tallene.</p>"
        )
    )
    formats = {
        "Forløp": "text",
        "Kildens tall per år (kr)": "mill_kr1",
        f"Med L = {_plain(result.length)} år (kr)": "mill_kr1",
        "L som gir kildens tall (år)": "number2",
    }
    _show(
        session,
        inputs,
        persona_file,
        (frame, formats),
        "kildens-lengde",
        "Kildens skalerte tall og forløpslengden som gir dem",
    )


def phase_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: extra cost (+) or saving (−) per year while the new trajectory is phased
    in (``<persona>-innfasing``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file)
        display(HTML(f"<p>{html.escape(phase_summary(result))}</p>"))
        caption = "Merkostnad (+) eller besparelse (−) per år"
        shown = phase_frame(result.phase)
        _show(session, inputs, persona_file, shown, "innfasing", caption)
        _source_phase_in(session, inputs, persona_file, result)


def source_phase_frame(
    result: PersonaResult, persons: int, running: list[float]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The source's running cost per year of the phase-in beside ours for the source's
    number of persons (the phase-in is proportional to N).

    Args:
        persons: The number of persons the source scaled to.
        running: The source's extra running cost per year from year 1 (kr).
    """
    years = len(running)
    ours = result.phase["extra_running_cost"].to_numpy()[:years] * persons / result.persons
    frame = pd.DataFrame(
        {
            "År": [str(y) for y in result.phase["year"].to_numpy()[:years]],
            "Kilden: drift (kr)": running[: len(ours)],
            "Beregnet: drift (kr)": ours,
        }
    )
    return frame, {
        "År": "text",
        "Kilden: drift (kr)": "mill_kr",
        "Beregnet: drift (kr)": "mill_kr1",
    }


def _source_phase_in(
    session: Session, inputs: PersonaInputs, persona_file: PersonaFile, result: PersonaResult
) -> None:
    """The source's phase-in figures beside ours, when it gives them for the same change of
    trajectory as the municipality's."""
    given = persona_file.persona.source_scaled
    phase = given.phase_in if given is not None else None
    if phase is None or (phase.reference, phase.to) != (result.reference, result.phase_in_to):
        return
    display(
        HTML(
            f"<p>Kilden oppgir driften de første {len(phase.running)} årene for "
            f"{number(given.persons)} personer, avrundet til hele millioner "
            f"({html.escape(phase.source)}). Beregnet med de samme personene og den samme "
            "forløpslengden, ved siden av kildens tall. Investeringene kommer i tillegg; kilden "
            "nevner dem ikke i disse tallene.</p>"
        )
    )
    if result.persons_by_year is not None:  # the source's N every year, not N(t)
        result = evaluate(
            persona_file.persona,
            inputs,
            persons=given.persons,
            reference=result.reference,
            phase_in_to=result.phase_in_to,
        )
    shown = source_phase_frame(result, given.persons, phase.running)
    _show(
        session, inputs, persona_file, shown, "kildens-innfasing", "Innfasing: kilden og beregnet"
    )


def phase_figures(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the phase-in year by year, running cost and investments apart
    (``<persona>-innfasing``)."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        sources = _sources(session, inputs, persona_file)
        draw = partial(
            phase_in_chart,
            result.phase,
            f"Innfasing – {persona_file.persona.title}",
            session.source_line(sources),
            illustrative=session.illustrative_for(sources),
        )
        stem = f"{persona_file.stem}-innfasing"
        session.show_figure(draw(), stem, sources=sources, slide=draw)


def effect_year(session: Session, inputs: PersonaInputs) -> tuple[int, int]:
    """(calendar year, phase-in year) «samlet effekt» is shown for: the phase-in starts the
    year after the base year, and the municipality's ``effect_year`` (default six years after
    the base year) is its year ``effect_year − base_year``."""
    base = session.municipality.base_year
    year = inputs.settings.effect_year or base + 6
    return year, max(year - base, 1)


def _steps_text(steps: list[int]) -> str:
    named = [str(s) for s in steps if s != NO_STEP]
    text = formatting.joined(named) if named else ""
    if NO_STEP in steps:
        text = f"{text} og tjenester uten trinn" if text else "tjenester uten trinn"
    return text


def effect_sentence(result: PersonaResult, phase_year: int, year: int) -> str:
    """What phasing in the new trajectory moves between the steps by ``year``."""
    part = result.steps_phase[result.steps_phase["year"] == phase_year]
    names = {t.key: t.name for t in result.persona.trajectories}
    down, up = part[part["cost"] < 0], part[part["cost"] > 0]
    text = (
        f"{_capital(cohort_text(result, phase_year, short=True))} på {names[result.phase_in_to].lower()} i "
        f"stedet for {names[result.reference].lower()}"
    )
    if down.empty or up.empty:
        net = part["cost"].sum()
        return f"{text} endrer kostnaden med {mill_kr(net, 1)} per år innen {year}."
    return (
        f"{text} flytter {mill_kr(-down['cost'].sum(), 1)} og "
        f"{number(-down['fte'].sum(), 1)} årsverk per år fra trinn {_steps_text(list(down['step']))} "
        f"til trinn {_steps_text(list(up['step']))} innen {year} ({mill_kr(up['cost'].sum(), 1)} og "
        f"{number(up['fte'].sum(), 1)} årsverk dit; netto {mill_kr(part['cost'].sum(), 1)})."
    )


def effect_frame(
    combined: pd.DataFrame, steps: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    names = dict(zip(steps["step"], steps["name"], strict=True))
    shown = pd.DataFrame(
        {
            "Trinn": ["–" if s == NO_STEP else str(s) for s in combined["step"]],
            "Navn": [names.get(s, "Uten trinn") for s in combined["step"]],
            "Endring per år (kr)": combined["cost"],
            "Endring i årsverk": combined["fte"],
        }
    )
    formats = {
        "Trinn": "text",
        "Navn": "text",
        "Endring per år (kr)": "mill_kr1",
        "Endring i årsverk": "number1",
    }
    return shown, formats


def effect_section(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """«Samlet effekt»: what the phase-in of every persona moves between the steps of the
    staircase by the effect year, in kroner and årsverk per year."""
    year, phase_year = effect_year(session, inputs)
    start = session.municipality.base_year + 1
    display(
        HTML(
            f"<p>Innfasingen starter i {start}; {year} er år {phase_year}. Hver episodes "
            "tjenester har sitt trinn i priskatalogen (episoder med kildens tall har trinnet "
            "oppgitt i personafilen).</p>"
        )
    )
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file)
        display(HTML(f"<p>{html.escape(effect_sentence(result, phase_year, year))}</p>"))
    # the same person priced two ways (Johs from the source's figures and from services) is
    # one person: the sum takes each persona's first version only
    first: dict[str, tuple[PersonaFile, PersonaResult]] = {}
    for persona_file, result in zip(inputs.personas, results, strict=True):
        first.setdefault(persona_file.persona.name, (persona_file, result))
    counted = list(first.values())
    if len(counted) < len(results):
        titles = ", ".join(f"«{f.persona.title}»" for f, _ in counted)
        display(
            HTML(
                f"<p>Samme persona står flere ganger, priset på ulike måter; summen tar med "
                f"hver persona én gang: {html.escape(titles)}.</p>"
            )
        )
    combined = combined_effect([r for _, r in counted], phase_year)
    steps = reference.steps(session.project.data_dir, session.municipality)
    shown = effect_frame(combined, steps)
    sources = sorted(
        {p for persona_file, _ in counted for p in _sources(session, inputs, persona_file)}
    )
    caption = f"Samlet effekt per trinn i {year}"
    session.show_table(*shown, "samlet-effekt", caption, sources)
    _share_shift(session, combined, steps, year)


def price_sentence(price_year: int, accounts_year: int, factor: float) -> str:
    """How the effect's kroner meet the accounts' kroner, in words."""
    if factor == 1.0:
        return f"Effekten og regnskapet er begge i {accounts_year}-kroner."
    return (
        f"Effekten er regnet om fra {price_year}- til {accounts_year}-kroner, regnskapets "
        f"priser, med den kommunale deflatoren (× {number(factor, 3)})."
    )


def _share_shift(session: Session, combined: pd.DataFrame, steps: pd.DataFrame, year: int) -> None:
    """The shift in the allocation staircase's shares, where the municipality has one."""
    staircase = composition.staircase_today(session)
    if staircase is None:
        return
    accounts_year = staircase.year
    factor = price_factor(session, session.price_year, accounts_year)
    table = composition.share_shift(
        staircase.today, staircase.total, combined.assign(cost=combined["cost"] * factor)
    )
    table = table[table["step"].isin(combined["step"])]
    shown = pd.DataFrame(
        {
            "Trinn": table["step"].astype(str),
            "Navn": table["name"],
            "Andel i dag": table["share"],
            f"Andel med samlet effekt i {year}": table["share_after"],
            "Endring (prosentpoeng)": table["points"],
        }
    )
    formats = {
        "Trinn": "text",
        "Navn": "text",
        "Andel i dag": "percent",
        f"Andel med samlet effekt i {year}": "percent",
        "Endring (prosentpoeng)": "number2",
    }
    files = staircase.files
    display(
        HTML(
            "<p>Det samme lagt til økonomifordelingen i innsatstrappa: trinnenes andel av "
            "kostnaden i dag og med den samlede effekten (trinn uten kjent kostnad i dag står "
            "uten andel). "
            + html.escape(price_sentence(session.price_year, accounts_year, factor))
            + "</p>"
        )
    )
    session.show_table(
        shown, formats, "samlet-effekt-andeler", "Samlet effekt i økonomifordelingen", files
    )


def key_figures(inputs: PersonaInputs, results: list[PersonaResult]) -> list[KeyFigure]:
    """Per persona (keys ``<persona>.…``): its title; each trajectory's cost and staff hours
    over the trajectory; the number of persons and the new persons per year (N ÷ L); the
    extra cost of the first phase-in years; and the first year with a saving (``None`` when
    the phase-in saves nothing in the years shown). Values are unrounded."""
    found = []
    if inputs.prevalence is not None:
        for row in inputs.prevalence.iloc[[0, -1]].itertuples():
            found.append(
                KeyFigure(
                    f"prevalence.{row.year}",
                    f"Personer i målgruppen {row.year} etter forekomst × befolkning",
                    row.persons,
                    "personer",
                )
            )
    for persona_file, result in zip(inputs.personas, results, strict=True):
        s, persona = persona_file.stem, persona_file.persona
        years = f"{persona.length} år"
        found.append(KeyFigure(f"{s}.title", "Persona", persona.title, "tekst"))
        for row in result.totals.itertuples():
            name, key = row.trajectory_name, f"{s}.{row.trajectory}"
            found.append(
                KeyFigure(
                    f"{key}.running_cost",
                    f"{name}: driftskostnad over {years}",
                    row.running_cost,
                    "kr",
                )
            )
            if row.investment:
                found.append(
                    KeyFigure(
                        f"{key}.investment",
                        f"{name}: investeringer i tillegg",
                        row.investment,
                        "kr",
                    )
                )
            found.append(
                KeyFigure(f"{key}.hours", f"{name}: personaltimer over {years}", row.hours, "timer")
            )
        label = "Personer i målgruppen"
        if inputs.uses_prevalence:
            label += f" i {inputs.base_year} (forekomst × befolkning)"
        found.append(KeyFigure(f"{s}.persons", label, result.persons, "personer"))
        label = (
            f"Nye personer per år ({number(result.persons)} personer ÷ {_plain(result.length)} år)"
        )
        if result.persons_by_year is not None:
            label = f"Nye personer i år 1 (N fra forekomst ÷ {_plain(result.length)} år)"
        found.append(
            KeyFigure(f"{s}.new_per_year", label, result.phase["new_persons"].iloc[0], "personer")
        )
        first = result.phase.head(PHASE_YEARS_IN_KEY_FIGURES)
        for year, extra in zip(first["year"], first["extra_running_cost"], strict=True):
            found.append(
                KeyFigure(
                    f"{s}.phase.{year}", f"Innfasing år {year}: merkostnad i driften", extra, "kr"
                )
            )
        invested = float(first["extra_investment"].sum())
        if invested:
            found.append(
                KeyFigure(
                    f"{s}.phase_investment",
                    f"Innfasing år 1–{len(first)}: investeringer i tillegg",
                    invested,
                    "kr",
                )
            )
        saving = first_saving_year(result.phase)
        label = "Første år med besparelse i driften"
        if saving is None:
            label += f" (ingen i løpet av {len(result.phase)} år)"
        found.append(KeyFigure(f"{s}.first_saving_year", label, saving, "år nr."))
    return found


ENGINE_COLUMNS = {
    "trajectory": "Forløp",
    "trajectory_name": "Forløpets navn",
    "year": "År",
    "age": "Alder",
    "episode": "Episode",
    "running_cost": "Driftskostnad (kr)",
    "investment": "Investering (kr)",
    "total_cost": "Kostnad i alt (kr)",
    "hours": "Timer",
    "fte": "Årsverk",
    "fte_years": "Årsverk (sum over årene)",
    "diff_running_cost": "Forskjell i driftskostnad (kr)",
    "diff_total_cost": "Forskjell i kostnad i alt (kr)",
    "diff_hours": "Forskjell i timer",
    "cohorts": "Kull",
    "new_persons": "Nye personer",
    "extra_running_cost": "Merkostnad drift (kr)",
    "extra_investment": "Merkostnad investering (kr)",
    "extra_total_cost": "Merkostnad i alt (kr)",
    "cumulative_cost": "Merkostnad kumulativt (kr)",
}
"""The engine's column names under their Norwegian headers (:func:`engine_table`)."""
engine_table = partial(formatting.engine_table, names=ENGINE_COLUMNS)
"""An engine table for the notebook's «Under panseret», Norwegian headers and numbers."""
