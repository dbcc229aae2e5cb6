"""How calculator results are shown: Norwegian tables, the chart and the static report.

The static report (batch, HTML) and the widget app use the same table builders, so a
number looks the same wherever a user meets it.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, display

from workbench import plots
from workbench.analyses.calculator.engine import PERIOD_LABELS, Result
from workbench.analyses.calculator.load import CalculatorInputs, PackageFile
from workbench.catalogue import UNITS
from workbench.outputs import KeyFigure
from workbench.session import Session

SUMMARY_HEADERS = {
    "alternative": ("Alternativ", "text"),
    "annual_cost": ("Årskostnad (kr)", "kr"),
    "user_payment": ("Brukerbetaling (kr)", "kr"),
    "net_cost": ("Netto årskostnad (kr)", "kr"),
    "one_off_cost": ("Engangskostnad (kr)", "kr"),
    "hours": ("Timer per år", "hours"),
    "fte": ("Årsverk", "fte"),
    "diff_cost": ("Kostnad mot første alternativ (kr)", "kr"),
    "diff_fte": ("Årsverk mot første alternativ", "fte"),
}
LINE_HEADERS = {
    "alternative": ("Alternativ", "text"),
    "step": ("Trinn", "text"),
    "tjeneste": ("Tjeneste", "text"),
    "quantity": ("Antall", "number1"),
    "enhet": ("Enhet", "text"),
    "periode": ("Periode", "text"),
    "unit_price": ("Enhetspris (kr)", "kr"),
    "annual_quantity": ("Antall per år", "number"),
    "annual_cost": ("Årskostnad (kr)", "kr"),
    "one_off_cost": ("Engangskostnad (kr)", "kr"),
    "hours": ("Timer per år", "hours"),
    "travel_hours": ("Herav reisetid", "hours"),
}
HOURS_NOTE = (
    "* Personaltimer er ikke oppgitt i priskatalogen for minst én tjeneste; timene er for lave."
)


def summary_frame(summary: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The summary with Norwegian headers, and the format of each column."""
    shown = summary.copy()
    shown["alternative"] = [
        f"{name} *" if incomplete else name
        for name, incomplete in zip(shown["alternative"], shown["hours_incomplete"], strict=True)
    ]
    if not shown["one_off_cost"].any():
        shown = shown.drop(columns="one_off_cost")
    if not shown["user_payment"].any():
        shown = shown.drop(columns=["user_payment", "net_cost"])
    if len(shown) == 1:
        shown = shown.drop(columns=["diff_cost", "diff_fte"])
    return _renamed(shown, SUMMARY_HEADERS)


def lines_frame(lines: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every line of every alternative with Norwegian headers."""
    shown = lines.assign(
        tjeneste=lines["category"] + " – " + lines["service"],
        enhet=[UNITS[u] for u in lines["unit"]],
        periode=[PERIOD_LABELS[p] for p in lines["period"]],
    )
    if not shown["one_off_cost"].any():
        shown = shown.drop(columns="one_off_cost")
    return _renamed(shown, LINE_HEADERS)


def affordable_frame(
    affordable: pd.DataFrame, alternatives: list[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """*Hva har vi råd til* with Norwegian headers: units per week (or year) per alternative."""
    shown = affordable.assign(
        tjeneste=affordable["category"] + " – " + affordable["service"],
        enhet=[
            f"{UNITS[u]} per {p}"
            for u, p in zip(affordable["unit"], affordable["per"], strict=True)
        ],
    )
    headers = {
        "step": ("Trinn", "text"),
        "tjeneste": ("Tjeneste", "text"),
        "unit_price": ("Enhetspris (kr)", "kr"),
        "enhet": ("Antall", "text"),
        **{name: (name, "number1") for name in alternatives},
    }
    return _renamed(shown, headers)


def _renamed(
    frame: pd.DataFrame, headers: dict[str, tuple[str, str]]
) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = [c for c in headers if c in frame.columns]
    shown = frame[columns].rename(columns={c: headers[c][0] for c in columns})
    return shown, {headers[c][0]: headers[c][1] for c in columns}


def _files(inputs: CalculatorInputs, package_file: PackageFile) -> list:
    return [*inputs.catalogue_files, package_file.path]


def packages(inputs: CalculatorInputs) -> None:
    """Each package's title and description."""
    for package_file in inputs.packages:
        package = package_file.package
        display(HTML(f"<h3>{package.title}</h3><p>{package.description}</p>"))


def summary_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: the alternatives side by side, per year."""
    caption = "Sammenligning av alternativene per år"
    for package_file, result in zip(inputs.packages, results, strict=True):
        display(HTML(f"<h3>{package_file.package.title}</h3>"))
        table, formats = summary_frame(result.summary)
        stem = f"{package_file.stem}-sammendrag"
        title = f"{package_file.package.title}: {caption}"
        session.show_table(table, formats, stem, title, _files(inputs, package_file))
        if result.summary["hours_incomplete"].any():
            display(HTML(f"<p><em>{HOURS_NOTE}</em></p>"))


def cost_figures(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: annual cost and årsverk per alternative."""
    for package_file, result in zip(inputs.packages, results, strict=True):
        files = _files(inputs, package_file)
        figure = plots.calculator_chart(
            result.summary,
            package_file.package.title,
            session.source_line(files),
            illustrative=session.illustrative_for(files),
        )
        session.show_figure(figure, f"{package_file.stem}-kostnad-og-arsverk", sources=files)


def line_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: every service in every alternative."""
    caption = "Tjenestene i hvert alternativ"
    for package_file, result in zip(inputs.packages, results, strict=True):
        display(HTML(f"<h3>{package_file.package.title}</h3>"))
        table, formats = lines_frame(result.lines)
        stem = f"{package_file.stem}-linjer"
        title = f"{package_file.package.title}: {caption}"
        session.show_table(table, formats, stem, title, _files(inputs, package_file))


def affordable_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: *hva har vi råd til* – what each alternative's annual cost buys of each
    other service."""
    caption = (
        "Hva har vi råd til? Antall enheter av hver tjeneste som årskostnaden til hvert "
        "alternativ gir"
    )
    for package_file, result in zip(inputs.packages, results, strict=True):
        display(HTML(f"<h3>{package_file.package.title}</h3>"))
        names = list(result.summary["alternative"])
        table, formats = affordable_frame(result.affordable, names)
        stem = f"{package_file.stem}-rad-til"
        title = f"{package_file.package.title}: {caption}"
        session.show_table(table, formats, stem, title, _files(inputs, package_file))


def key_figures(inputs: CalculatorInputs, results: list[Result]) -> list[KeyFigure]:
    """Per package: its title, and each alternative's annual cost, årsverk and hours."""
    found = []
    for package_file, result in zip(inputs.packages, results, strict=True):
        s = package_file.stem
        found.append(KeyFigure(f"{s}.title", "Tjenestepakke", package_file.package.title, "tekst"))
        for i, row in enumerate(result.summary.itertuples()):
            found.append(
                KeyFigure(
                    f"{s}.{i}.annual_cost", f"Årskostnad, {row.alternative}", row.annual_cost, "kr"
                )
            )
            found.append(
                KeyFigure(f"{s}.{i}.fte", f"Årsverk, {row.alternative}", row.fte, "årsverk")
            )
            found.append(
                KeyFigure(
                    f"{s}.{i}.hours", f"Personaltimer per år, {row.alternative}", row.hours, "timer"
                )
            )
    return found
