"""How persona results are shown: Norwegian tables, charts and the static report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Markdown, display

from workbench import plots
from workbench.analyses.personas.engine import (
    Persona,
    first_saving_year,
    phase_in,
    scale,
    totals,
    yearly,
)
from workbench.analyses.personas.load import PersonaFile, PersonaInputs
from workbench.formatting import number, styled
from workbench.session import Session

YEARS_AFTER = 3
"""Phase-in years shown beyond the trajectory's length (the steady state)."""


@dataclass(frozen=True)
class PersonaResult:
    """Everything the persona report shows for one persona."""

    persona: Persona
    yearly: pd.DataFrame
    totals: pd.DataFrame
    scaled: pd.DataFrame
    phase: pd.DataFrame
    persons: int
    length: float
    reference: str
    phase_in_to: str


def evaluate(
    persona: Persona,
    inputs: PersonaInputs,
    *,
    persons: int | None = None,
    trajectories: list[str] | None = None,
    reference: str | None = None,
    phase_in_to: str | None = None,
) -> PersonaResult:
    """All persona tables for the municipality's settings; any argument overrides them.

    Differences are always against the reference trajectory; ``trajectories`` only limits
    which trajectories are shown.
    """
    settings = inputs.settings
    persons = persons or settings.persons
    reference = reference or settings.reference
    phase_in_to = phase_in_to or settings.phase_in_to
    length = settings.trajectory_years or persona.length
    table = yearly(persona, inputs.catalogue, inputs.assumptions)
    total_table = totals(table, reference)
    scaled = scale(total_table, persons, length, inputs.assumptions.hours_per_fte, reference)
    years = settings.phase_in_years or persona.length + YEARS_AFTER
    phase = phase_in(table, persons, reference, phase_in_to, years, length)
    if trajectories:
        table, total_table, scaled = (
            frame[frame["trajectory"].isin(trajectories)].reset_index(drop=True)
            for frame in (table, total_table, scaled)
        )
    return PersonaResult(
        persona, table, total_table, scaled, phase, persons, length, reference, phase_in_to
    )


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
    shown = table.rename(
        columns={
            "trajectory_name": "Forløp",
            "persons": "Personer",
            "annual_cost": "Kostnad per år (kr)",
            "annual_hours": "Timer per år",
            "annual_fte": "Årsverk",
            "diff_annual_cost": f"Per år mot {reference_name.lower()} (kr)",
        }
    ).drop(columns=["trajectory"])
    formats = {
        "Forløp": "text",
        "Personer": "number",
        "Kostnad per år (kr)": "mill_kr1",
        "Timer per år": "number",
        "Årsverk": "number1",
        f"Per år mot {reference_name.lower()} (kr)": "mill_kr1",
    }
    return shown, formats


def phase_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = table.rename(
        columns={
            "year": "År",
            "cohorts": "Årskull på nytt forløp",
            "extra_running_cost": "Drift (kr)",
            "extra_investment": "Investeringer (kr)",
            "extra_total_cost": "Sum (kr)",
            "cumulative_cost": "Akkumulert (kr)",
        }
    )
    formats = {
        "År": "text",
        "Årskull på nytt forløp": "text",
        "Drift (kr)": "mill_kr1",
        "Investeringer (kr)": "mill_kr1",
        "Sum (kr)": "mill_kr1",
        "Akkumulert (kr)": "mill_kr1",
    }
    return shown, formats


def phase_summary(result: PersonaResult) -> str:
    """One sentence on when the phase-in starts to save money."""
    names = dict(zip(result.yearly["trajectory"], result.yearly["trajectory_name"], strict=False))
    names.update({t.key: t.name for t in result.persona.trajectories})
    total = first_saving_year(result.phase)
    running = first_saving_year(result.phase, "extra_running_cost")
    cohort = result.persons / result.length
    text = (
        f"Fra år 1 får alle nye personer {names[result.phase_in_to].lower()} i stedet for "
        f"{names[result.reference].lower()}: {number(cohort, 1)} nye personer per år "
        f"({number(result.persons)} personer ÷ {number(result.length, 1)} år). "
    )
    if total is None:
        return text + "Innfasingen gir ingen besparelse i perioden som vises."
    return (
        text
        + f"Første år med besparelse: år {total} med investeringer, år {running} for driften alene."
    )


def show_report(session: Session, inputs: PersonaInputs) -> list[PersonaResult]:
    """The static report for every persona; figures and tables go to the output folder."""
    results = []
    for persona_file in inputs.personas:
        result = evaluate(persona_file.persona, inputs)
        _show_persona(session, persona_file, result)
        results.append(result)
    return results


def _show_persona(session: Session, persona_file: PersonaFile, result: PersonaResult) -> None:
    persona = persona_file.persona
    stem = persona_file.stem
    source = session.source_line([persona_file.path])
    reference_name = persona.trajectory(result.reference).name
    display(HTML(f"<h2>{persona.title}</h2><p>{persona.description}</p>"))
    display(
        Markdown(
            f"**{persona.name} ({persona.start_age}):** {persona.story}\n\n"
            + "\n\n".join(f"**{t.name}.** {t.story}" for t in persona.trajectories if t.story)
        )
    )
    figure = plots.trajectory_chart(
        result.yearly, persona.title, source, illustrative=session.illustrative
    )
    session.show_figure(figure, f"{stem}-forlop")
    year_table, year_formats = yearly_frame(result.yearly)
    display(styled(year_table, year_formats, caption="Kostnad og personinnsats per år"))
    total_table, total_formats = totals_frame(result.totals, reference_name)
    display(
        styled(
            total_table,
            total_formats,
            caption=f"Sum over forløpet ({persona.start_age}–{persona.end_age} år)",
        )
    )
    display(
        HTML(
            f"<h3>Skalert til {number(result.persons)} personer</h3><p>Kilde for antallet: "
            f"{session.municipality.analyses.personas.persons_source}. Likevektsår: personene er jevnt "
            f"fordelt over et forløp på {number(result.length, 1)} år.</p>"
        )
    )
    scaled_table, scaled_formats = scaled_frame(result.scaled, reference_name)
    display(
        styled(scaled_table, scaled_formats, caption="Kostnad per år når alle er i samme forløp")
    )
    display(HTML(f"<h3>Innfasing</h3><p>{phase_summary(result)}</p>"))
    phase_table, phase_formats = phase_frame(result.phase)
    display(
        styled(phase_table, phase_formats, caption="Merkostnad (+) eller besparelse (−) per år")
    )
    figure = plots.phase_in_chart(
        result.phase, f"Innfasing – {persona.title}", source, illustrative=session.illustrative
    )
    session.show_figure(figure, f"{stem}-innfasing")
    session.save_table(year_table, f"{stem}-per-ar")
    session.save_table(total_table, f"{stem}-sum")
    session.save_table(scaled_table, f"{stem}-skalert")
    session.save_table(phase_table, f"{stem}-innfasing")
    display(HTML(f"<p style='font-size:0.85em;color:#444'>Kilde: {source}</p>"))
