"""How the housing profile is shown: Norwegian tables, charts and the static report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, display

from workbench import plots, reference
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import HousingInputs
from workbench.formatting import mill_kr, number, percent, styled
from workbench.session import Session

UNIT_FORMATS = {
    "årsverk": number,
    "ansatte": number,
    "kr": mill_kr,
    "andel": percent,
    "boliger": number,
    "boenheter": number,
}


@dataclass(frozen=True)
class HousingResult:
    projection: pd.DataFrame
    totals: pd.DataFrame
    steps: pd.DataFrame
    summary: pd.DataFrame
    band: pd.DataFrame
    population: pd.DataFrame


def evaluate(
    inputs: HousingInputs,
    base_year: int,
    target_year: int,
    *,
    projection: str | None = None,
    target_shares: pd.DataFrame | None = None,
) -> HousingResult:
    """All housing tables for one projection alternative and (optionally) edited target shares."""
    alternative = projection or inputs.settings.projection
    frame = housing.project(inputs.data, alternative, base_year, target_year, target_shares)
    return HousingResult(
        projection=frame,
        totals=housing.by_year(frame),
        steps=housing.by_step(frame),
        summary=housing.summary(frame, base_year, target_year, inputs.position_size),
        band=housing.band(inputs.data, base_year, target_year, target_shares),
        population=housing.population_by_year(
            inputs.data.population, alternative, base_year, target_year
        ),
    )


def summary_frame(summary: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The summary as the seed shows it: a label and a formatted value with its unit."""
    values = [
        f"{UNIT_FORMATS[unit](value)} {'' if unit in ('kr', 'andel') else unit}".strip()
        for value, unit in zip(summary["value"], summary["unit"], strict=True)
    ]
    return pd.DataFrame({"": summary["label"], "Verdi": values}), {"": "text", "Verdi": "text"}


def summary_numbers(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with its values as numbers (kroner, shares) for CSV and Excel."""
    return pd.DataFrame(
        {
            "Størrelse": summary["label"],
            "Verdi": summary["value"],
            "Enhet": summary["unit"].replace({"andel": "andel (0–1)"}),
        }
    )


def profile_frame(
    inputs: HousingInputs, target_shares: pd.DataFrame | None, base_year: int, target_year: int
) -> pd.DataFrame:
    """Today's and the alternative shares per age group and step, labelled for the chart."""
    today = housing.today_shares(inputs.data.residents).assign(
        label=lambda f: f["age_group"] + f" år, {base_year}"
    )
    target = target_shares if target_shares is not None else inputs.data.target_shares
    target = target.assign(label=lambda f: f["age_group"] + f" år, {target_year} alt.")
    frames = []
    for group in housing.AGE_GROUPS:
        frames += [today[today["age_group"] == group], target[target["age_group"] == group]]
    return pd.concat(frames, ignore_index=True)


def step_names(session: Session) -> list[str]:
    return list(reference.housing_steps(session.project.data_dir)["name"])


YEARLY_LABELS = {
    "year": "År",
    "persons": "Innbyggere 67+",
    "fte_today": "Årsverk, dagens profil",
    "fte_alt": "Årsverk, alt. profil",
    "cost_today": "Kostnad, dagens profil (kr)",
    "cost_alt": "Kostnad, alt. profil (kr)",
    "dwellings_today": "Boliger, dagens profil",
    "dwellings_alt": "Boliger, alt. profil",
}
"""Headings of the per-year table (the report's and the table across municipalities)."""


def show_report(session: Session, inputs: HousingInputs) -> HousingResult:
    """The static report; figures and tables go to the output folder."""
    m = session.municipality
    result = evaluate(inputs, m.base_year, m.target_year)
    names = step_names(session)
    files = [
        session.data_file(getattr(inputs.settings, f), key=f"analyses.housing.{f}")
        for f in (
            "population",
            "residents",
            "step_costs",
            "alternative_profile",
            "persons_per_dwelling",
        )
    ]
    source = session.source_line(files)
    title = f"Boligprofil innbyggere 67 år og eldre – {m.title}"
    display(
        HTML(
            f"<h2>{title}</h2><p>Framskrivingsalternativ {inputs.settings.projection}; alternativ profil nås "
            f"lineært fra {m.base_year} til {m.target_year}.</p>"
        )
    )
    table, formats = summary_frame(result.summary)
    display(
        styled(
            table, formats, caption=f"Bemanning, kostnader og boliger {m.base_year}–{m.target_year}"
        )
    )
    display(
        HTML(
            "<p><em>Reduksjonen i prosent er regnet av de samlede kostnadene på boligtrinnene i målåret "
            "med dagens profil. Boliger: beboere på trinn 1–3 delt på personer per bolig i aldersgruppen; "
            "trinn 4–6 én boenhet per beboer.</em></p>"
        )
    )
    if inputs.reference is not None:
        ref = inputs.reference.assign(
            Verdi=[
                f"{number(v, 1 if u == '%' else 0)} {u}"
                for v, u in zip(inputs.reference["value"], inputs.reference["unit"], strict=True)
            ]
        )
        display(
            styled(
                ref[["label", "Verdi"]].rename(columns={"label": ""}),
                {"": "text", "Verdi": "text"},
                caption="Til sammenligning: kildens egne tall (seed 002)",
            )
        )
    model_mark = session.illustrative_for(files)
    population_file = files[:1]
    figures = [
        (
            "profil",
            plots.profile_chart(
                profile_frame(inputs, None, m.base_year, m.target_year),
                names,
                title,
                source,
                illustrative=model_mark,
            ),
        ),
        (
            "behov-per-trinn",
            plots.need_chart(
                result.steps,
                names,
                f"Behov per boligtrinn – {m.title}",
                source,
                illustrative=model_mark,
            ),
        ),
        (
            "arsverk-og-kostnader",
            plots.staffing_chart(
                result.band,
                inputs.settings.projection,
                f"Årsverk og kostnader – {m.title}",
                source,
                illustrative=model_mark,
            ),
        ),
        (
            "befolkning",
            plots.population_chart(
                result.population,
                f"Befolkning 67+ – {m.title}",
                session.source_line(population_file),
                illustrative=session.illustrative_for(population_file),
            ),
        ),
    ]
    if inputs.over_80 is not None:
        over_file = [
            session.data_file(
                inputs.settings.over_80_without_services,
                key="analyses.housing.over_80_without_services",
            )
        ]
        highlight = next((r for r in inputs.over_80["region"].unique() if m.name in r), "")
        figures.append(
            (
                "andel-80-uten-tjenester",
                plots.over_80_chart(
                    inputs.over_80,
                    highlight,
                    f"Over 80 år uten tjenester – {m.title}",
                    session.source_line(over_file),
                    illustrative=session.illustrative_for(over_file),
                ),
            )
        )
    for stem, figure in figures:
        session.show_figure(figure, stem)
    yearly = result.totals.rename(columns=YEARLY_LABELS).drop(
        columns=["residents_today", "residents_alt"]
    )
    interpolated = result.population.groupby("year")["interpolated"].any()
    yearly.insert(
        1, "Befolkning", ["interpolert" if interpolated[y] else "oppgitt" for y in yearly["År"]]
    )
    formats = {
        c: ("kr" if "(kr)" in c else "number")
        for c in yearly.columns
        if c not in ("År", "Befolkning")
    }
    display(styled(yearly, {"År": "text", "Befolkning": "text", **formats}, caption="Per år"))
    session.save_table(summary_numbers(result.summary), "sammendrag")
    session.save_table(yearly, "per-ar")
    session.save_table(
        result.steps.rename(
            columns={
                "year": "År",
                "step": "Boligtrinn",
                "residents_today": "Beboere, dagens profil",
                "residents_alt": "Beboere, alt. profil",
                "fte_today": "Årsverk, dagens profil",
                "fte_alt": "Årsverk, alt. profil",
            }
        ),
        "behov-per-trinn",
    )
    display(HTML(f"<p style='font-size:0.85em;color:#444'>Kilde: {source}</p>"))
    return result
