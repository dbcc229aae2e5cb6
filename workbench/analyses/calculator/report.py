"""How calculator results are shown: Norwegian tables, the chart and the static report.

The static report (batch, HTML) and the widget app use the same table builders, so a
number looks the same wherever a user meets it.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, display

from workbench import plots
from workbench.analyses.calculator.engine import PERIOD_LABELS, Result, evaluate
from workbench.analyses.calculator.load import CalculatorInputs, PackageFile
from workbench.catalogue import UNITS
from workbench.formatting import styled
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


def show_report(session: Session, inputs: CalculatorInputs) -> list[Result]:
    """The static report: for each package its summary, chart, lines and *råd til*;
    figures and tables are written to the session's output folder.

    Returns:
        The evaluated results, in package order.
    """
    results = []
    for package_file in inputs.packages:
        result = evaluate(package_file.package, inputs.catalogue, inputs.assumptions)
        _show_package(session, package_file, result, inputs.catalogue_files)
        results.append(result)
    return results


def _show_package(
    session: Session, package_file: PackageFile, result: Result, catalogue_files
) -> None:
    package = package_file.package
    stem = package_file.stem
    source = session.source_line([*catalogue_files, package_file.path])
    display(HTML(f"<h3>{package.title}</h3><p>{package.description}</p>"))
    summary, formats = summary_frame(result.summary)
    display(styled(summary, formats, caption="Sammenligning av alternativene per år"))
    if result.summary["hours_incomplete"].any():
        display(HTML(f"<p><em>{HOURS_NOTE}</em></p>"))
    figure = plots.calculator_chart(
        result.summary, package.title, source, illustrative=session.illustrative
    )
    session.show_figure(figure, f"{stem}-kostnad-og-arsverk")
    lines, line_formats = lines_frame(result.lines)
    display(styled(lines, line_formats, caption="Tjenestene i hvert alternativ"))
    names = list(result.summary["alternative"])
    affordable, affordable_formats = affordable_frame(result.affordable, names)
    display(
        styled(
            affordable,
            affordable_formats,
            caption="Hva har vi råd til? Antall enheter av hver tjeneste som årskostnaden til hvert alternativ gir",
        )
    )
    session.save_table(summary, f"{stem}-sammendrag")
    session.save_table(lines, f"{stem}-linjer")
    session.save_table(affordable, f"{stem}-rad-til")
    display(HTML(f"<p style='font-size:0.85em;color:#444'>Kilde: {source}</p>"))
