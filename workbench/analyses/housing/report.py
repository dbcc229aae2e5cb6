"""How the housing profile is shown: Norwegian tables, charts and the static report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from workbench import plots, reference
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.engine import HousingResult, evaluate  # noqa: F401  (app and tests)
from workbench.analyses.housing.load import HousingInputs
from workbench.formatting import mill_kr, number, percent, styled
from workbench.outputs import KeyFigure
from workbench.session import Session

UNIT_FORMATS = {
    "årsverk": number,
    "ansatte": number,
    "kr": mill_kr,
    "andel": percent,
    "boliger": number,
    "boenheter": number,
}


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


MODEL_FILES = (
    "population",
    "residents",
    "step_costs",
    "alternative_profile",
    "persons_per_dwelling",
)
"""The settings naming the files the model is computed from."""


def _files(session: Session, inputs: HousingInputs, *fields: str) -> list[Path]:
    return [
        session.data_file(getattr(inputs.settings, f), key=f"analyses.housing.{f}")
        for f in fields or MODEL_FILES
    ]


def summary_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Staffing, cost and dwellings in the base and target year, as the source shows them."""
    m = session.municipality
    files = _files(session, inputs)
    caption = f"Bemanning, kostnader og boliger {m.base_year}–{m.target_year}"
    session.save_table(summary_numbers(result.summary), "sammendrag", caption, files)
    table, formats = summary_frame(result.summary)
    display(styled(table, formats, caption=caption))
    display(
        HTML(
            "<p><em>Reduksjonen i prosent er regnet av de samlede kostnadene på boligtrinnene i "
            "målåret med dagens profil. Boliger: beboere på trinn 1–3 delt på personer per bolig "
            "i aldersgruppen; trinn 4–6 én boenhet per beboer.</em></p>"
        )
    )
    session.show_source(files)


def reference_table(session: Session, inputs: HousingInputs):
    """The source's own summary, for comparison (only where the municipality has one)."""
    if inputs.reference is None:
        return None
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
            caption="Til sammenligning: kildens egne tall",
        )
    )
    session.show_source(_files(session, inputs, "reference_summary"))
    return None


def profile_figure(session: Session, inputs: HousingInputs) -> None:
    """Where residents 67+ live today and in the alternative profile, per age group."""
    m = session.municipality
    files = _files(session, inputs)
    figure = plots.profile_chart(
        profile_frame(inputs, None, m.base_year, m.target_year),
        step_names(session),
        f"Boligprofil innbyggere 67 år og eldre – {m.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "profil", sources=files)


def need_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Residents and årsverk per housing step, today's and the alternative profile."""
    files = _files(session, inputs)
    figure = plots.need_chart(
        result.steps,
        step_names(session),
        f"Behov per boligtrinn – {session.municipality.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "behov-per-trinn", sources=files)


def staffing_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Årsverk and cost per year for both profiles, with the projection alternatives' band."""
    files = _files(session, inputs)
    figure = plots.staffing_chart(
        result.band,
        inputs.settings.projection,
        f"Årsverk og kostnader – {session.municipality.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "arsverk-og-kostnader", sources=files)


def population_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Residents 67+ per age group and year."""
    files = _files(session, inputs, "population")
    figure = plots.population_chart(
        result.population,
        f"Befolkning 67+ – {session.municipality.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "befolkning", sources=files)


def over_80_figure(session: Session, inputs: HousingInputs) -> None:
    """Share of residents over 80 without care services, beside comparable municipalities
    (only where the municipality has the series)."""
    if inputs.over_80 is None:
        return
    m = session.municipality
    files = _files(session, inputs, "over_80_without_services")
    highlight = next((r for r in inputs.over_80["region"].unique() if m.name in r), "")
    figure = plots.over_80_chart(
        inputs.over_80,
        highlight,
        f"Over 80 år uten tjenester – {m.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "andel-80-uten-tjenester", sources=files)


def yearly_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Residents, årsverk, cost and dwellings per year for both profiles."""
    yearly = result.totals.rename(columns=YEARLY_LABELS).drop(
        columns=["residents_today", "residents_alt"]
    )
    interpolated = result.population.groupby("year")["interpolated"].any()
    yearly.insert(
        1, "Befolkning", ["interpolert" if interpolated[y] else "oppgitt" for y in yearly["År"]]
    )
    formats = {
        c: ("mill_kr1" if "(kr)" in c else "number1" if "Årsverk" in c else "number")
        for c in yearly.columns
        if c not in ("År", "Befolkning")
    }
    formats.update({"År": "text", "Befolkning": "text"})
    session.show_table(yearly, formats, "per-ar", "Per år", _files(session, inputs))


def step_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Residents and årsverk per housing step and year (written for the workbook)."""
    table = result.steps.rename(
        columns={
            "year": "År",
            "step": "Boligtrinn",
            "residents_today": "Beboere, dagens profil",
            "residents_alt": "Beboere, alt. profil",
            "fte_today": "Årsverk, dagens profil",
            "fte_alt": "Årsverk, alt. profil",
        }
    )
    session.save_table(
        table, "behov-per-trinn", "Behov per boligtrinn og år", _files(session, inputs)
    )
    target = table[table["År"] == session.municipality.target_year]
    formats = {c: "number" for c in target.columns if c not in ("År", "Boligtrinn")}
    display(
        styled(
            target,
            {"År": "text", "Boligtrinn": "text", **formats},
            caption=f"Behov per boligtrinn i {session.municipality.target_year}",
        )
    )
    session.show_source(_files(session, inputs))


def key_figures(result: HousingResult) -> list[KeyFigure]:
    """Every row of the summary, with the engine's own key."""
    return [
        KeyFigure(row.key, row.label, row.value, row.unit) for row in result.summary.itertuples()
    ]
