"""How persona results are shown: Norwegian tables, charts and the static report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown, display

from workbench import plots
from workbench.analyses.personas.engine import (
    Persona,
    PersonaResult,
    first_saving_year,
)
from workbench.analyses.personas.load import PersonaInputs
from workbench.formatting import number
from workbench.outputs import KeyFigure
from workbench.session import Session


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


def _heading(persona: Persona) -> None:
    display(HTML(f"<h3>{persona.title}</h3>"))


def stories(inputs: PersonaInputs) -> None:
    """Each persona's story and its trajectories, as the source documents tell them."""
    for persona_file in inputs.personas:
        persona = persona_file.persona
        display(HTML(f"<h3>{persona.title}</h3><p>{persona.description}</p>"))
        display(
            Markdown(
                f"**{persona.name} ({persona.start_age}):** {persona.story}\n\n"
                + "\n\n".join(f"**{t.name}.** {t.story}" for t in persona.trajectories if t.story)
            )
        )


def trajectory_figures(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: cost per age, cumulative cost and hours per trajectory."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        figure = plots.trajectory_chart(
            result.yearly,
            persona_file.persona.title,
            session.source_line([persona_file.path]),
            illustrative=session.illustrative_for([persona_file.path]),
        )
        session.show_figure(figure, f"{persona_file.stem}-forlop", sources=[persona_file.path])


def yearly_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: investment, annual cost and hours per age and trajectory."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file.persona)
        table, formats = yearly_frame(result.yearly)
        caption = f"{persona_file.persona.title}: kostnad og personinnsats per år"
        session.show_table(
            table, formats, f"{persona_file.stem}-per-ar", caption, [persona_file.path]
        )


def total_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the sums over the whole trajectory, and the difference to the reference."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        persona = persona_file.persona
        _heading(persona)
        caption = f"Sum over forløpet ({persona.start_age}–{persona.end_age} år)"
        table, formats = totals_frame(result.totals, persona.trajectory(result.reference).name)
        stem = f"{persona_file.stem}-sum"
        session.show_table(
            table, formats, stem, f"{persona_file.persona.title}: {caption}", [persona_file.path]
        )


def scaled_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the cost per year for the municipality's number of persons."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file.persona)
        display(
            HTML(
                f"<p>{number(result.persons)} personer. Kilde for antallet: "
                f"{inputs.settings.persons_source}. Likevektsår: personene er jevnt fordelt over "
                f"et forløp på {number(result.length, 1)} år.</p>"
            )
        )
        caption = "Kostnad per år når alle er i samme forløp"
        reference = persona_file.persona.trajectory(result.reference).name
        table, formats = scaled_frame(result.scaled, reference)
        stem = f"{persona_file.stem}-skalert"
        session.show_table(
            table, formats, stem, f"{persona_file.persona.title}: {caption}", [persona_file.path]
        )


def phase_tables(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: extra cost (+) or saving (−) per year while the new trajectory is phased in."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        _heading(persona_file.persona)
        display(HTML(f"<p>{phase_summary(result)}</p>"))
        caption = "Merkostnad (+) eller besparelse (−) per år"
        table, formats = phase_frame(result.phase)
        stem = f"{persona_file.stem}-innfasing"
        session.show_table(
            table, formats, stem, f"{persona_file.persona.title}: {caption}", [persona_file.path]
        )


def phase_figures(session: Session, inputs: PersonaInputs, results: list[PersonaResult]):
    """Per persona: the phase-in year by year, running cost and investments apart."""
    for persona_file, result in zip(inputs.personas, results, strict=True):
        figure = plots.phase_in_chart(
            result.phase,
            f"Innfasing – {persona_file.persona.title}",
            session.source_line([persona_file.path]),
            illustrative=session.illustrative_for([persona_file.path]),
        )
        session.show_figure(figure, f"{persona_file.stem}-innfasing", sources=[persona_file.path])


PHASE_YEARS_IN_KEY_FIGURES = 4


def key_figures(inputs: PersonaInputs, results: list[PersonaResult]) -> list[KeyFigure]:
    """Per persona: each trajectory's cost and hours over the trajectory, the number of
    persons, the new persons per year, the first phase-in years and the first saving year."""
    found = []
    for persona_file, result in zip(inputs.personas, results, strict=True):
        s, persona = persona_file.stem, persona_file.persona
        years = f"{persona.start_age}–{persona.end_age} år"
        found.append(KeyFigure(f"{s}.title", "Persona", persona.title, "tekst"))
        for row in result.totals.itertuples():
            found.append(
                KeyFigure(
                    f"{s}.{row.trajectory}.total_cost",
                    f"Kostnad over forløpet ({years}), {row.trajectory_name.lower()}",
                    row.total_cost,
                    "kr",
                )
            )
            found.append(
                KeyFigure(
                    f"{s}.{row.trajectory}.hours",
                    f"Personinnsats over forløpet, {row.trajectory_name.lower()}",
                    row.hours,
                    "timer",
                )
            )
        found.append(KeyFigure(f"{s}.persons", "Personer i kommunen", result.persons, "personer"))
        found.append(
            KeyFigure(
                f"{s}.new_per_year",
                "Nye personer per år (personer ÷ forløpets lengde)",
                result.persons / result.length,
                "personer",
            )
        )
        for year, extra in zip(
            result.phase["year"][:PHASE_YEARS_IN_KEY_FIGURES],
            result.phase["extra_total_cost"][:PHASE_YEARS_IN_KEY_FIGURES],
            strict=True,
        ):
            found.append(
                KeyFigure(f"{s}.phase.{year}", f"Merkostnad i innfasingsår {year}", extra, "kr")
            )
        saving = first_saving_year(result.phase)
        found.append(
            KeyFigure(
                f"{s}.first_saving_year",
                "Første innfasingsår med besparelse",
                saving if saving else "ingen i perioden",
                "år" if saving else "tekst",
            )
        )
    return found
