"""How calculator results are shown: one function per table or figure of the report
notebook, the Norwegian headers they share with the widget app, and the key figures.

Each block repeats per package (a heading per package) and writes what it shows into the
report folder with its sources, so a number looks the same wherever a user meets it.
"""

from __future__ import annotations

import html
import re
from functools import partial
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from workbench import formatting
from workbench.analyses.calculator.charts import calculator_chart
from workbench.analyses.calculator.engine import Result
from workbench.analyses.calculator.load import CalculatorInputs, PackageFile
from workbench.catalogue import UNITS
from workbench.formatting import styled
from workbench.outputs import KeyFigure
from workbench.pricing import Period
from workbench.session import Session

PERIOD_LABELS: dict[Period, str] = {
    "week": "per uke",
    "day": "per dag",
    "year": "per år",
    "once": "én gang",
}
"""How a line's period reads in tables and in the app's period picker."""
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
    "quantity": ("Antall", "as_stored"),
    "enhet": ("Enhet", "text"),
    "periode": ("Periode", "text"),
    "unit_price": ("Enhetspris (kr)", "kr"),
    "annual_quantity": ("Antall per år", "as_stored"),
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


FLAG_WORD = "kontroller"
"""A catalogue note with this word («kontroller før bruk») is shown beside the service: the
source's price is uncertain (forhøyet hjelpestønad, 78 «per år» without a unit)."""


def for_reader(note: str) -> str:
    """A catalogue note as a council member reads it: what is uncertain, without the
    instruction to the consultant («… (trolig tusen kroner): kontroller før bruk» becomes
    «… (trolig tusen kroner); prisen er usikker»)."""
    return re.sub(r"\s*[:;,.]?\s*kontroller før bruk\.?", "; prisen er usikker", note, flags=re.I)


PLURALS = {"time": "timer", "døgn": "døgn", "uke": "uker", "år": "år", "stk": "stk"}
"""A price unit as the affordable table counts it («9,6 timer per uke»)."""


def affordable_frame(
    affordable: pd.DataFrame, alternatives: list[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """*Hva har vi råd til* with Norwegian headers: units per week (or year) per alternative."""
    notes = affordable["note"] if "note" in affordable else pd.Series("", index=affordable.index)
    shown = affordable.assign(
        tjeneste=affordable["category"] + " – " + affordable["service"],
        enhet=[
            # a service priced per week, counted per week, is that many places at a time
            "plasser samtidig" if u == p else f"{PLURALS[u]} per {p}"
            for u, p in zip(affordable["unit"], affordable["per"], strict=True)
        ],
        merknad=[
            for_reader(note) if FLAG_WORD in note.lower() else "" for note in notes.fillna("")
        ],
    )
    headers = {
        "step": ("Trinn", "text"),
        "tjeneste": ("Tjeneste", "text"),
        "unit_price": ("Enhetspris (kr)", "kr"),
        "enhet": ("Enhet", "text"),
        **{name: (name, "number1") for name in alternatives},
        "merknad": ("Merknad", "text"),
    }
    return _renamed(shown, headers)


def _renamed(
    frame: pd.DataFrame, headers: dict[str, tuple[str, str]]
) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = [c for c in headers if c in frame.columns]
    shown = frame[columns].rename(columns={c: headers[c][0] for c in columns})
    return shown, {headers[c][0]: headers[c][1] for c in columns}


def _files(inputs: CalculatorInputs, package_file: PackageFile) -> list[Path]:
    """The data files a package's figures come from: the price catalogue and the package."""
    return [*inputs.catalogue_files, package_file.path]


def _heading(package_file: PackageFile) -> None:
    display(HTML(f"<h3>{html.escape(package_file.package.title)}</h3>"))


def _show(
    session: Session,
    inputs: CalculatorInputs,
    package_file: PackageFile,
    shown: tuple[pd.DataFrame, dict[str, str]],
    kind: str,
    caption: str,
) -> None:
    """Write one package's table ``<pakke>-<kind>`` (titled with the package, for the
    workbook) and show it under the package's heading with its caption and source line."""
    table, formats = shown
    sources = _files(inputs, package_file)
    title = f"{package_file.package.title}: {caption}"
    session.save_table(table, f"{package_file.stem}-{kind}", title, sources, formats)
    display(styled(table, formats, caption=caption))
    session.show_source(sources)


def packages(inputs: CalculatorInputs) -> None:
    """Each package's title and description."""
    for package_file in inputs.packages:
        package = package_file.package
        display(
            HTML(f"<h3>{html.escape(package.title)}</h3><p>{html.escape(package.description)}</p>")
        )


SUMMARY_CAPTION = "Sammenligning av alternativene per år"
LINES_CAPTION = "Tjenestene i hvert alternativ"
AFFORDABLE_CAPTION = (
    "Hva har vi råd til? Antall enheter av hver tjeneste som årskostnaden til hvert alternativ gir"
)


def summary_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: the alternatives side by side, per year (``<pakke>-sammendrag``)."""
    for package_file, result in zip(inputs.packages, results, strict=True):
        _heading(package_file)
        shown = summary_frame(result.summary)
        _show(session, inputs, package_file, shown, "sammendrag", SUMMARY_CAPTION)
        if result.summary["hours_incomplete"].any():
            display(HTML(f"<p><em>{HOURS_NOTE}</em></p>"))


def cost_figures(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: annual cost and årsverk per alternative (``<pakke>-kostnad-og-arsverk``)."""
    for package_file, result in zip(inputs.packages, results, strict=True):
        files = _files(inputs, package_file)
        draw = partial(
            calculator_chart,
            result.summary,
            package_file.package.title,
            session.source_line(files),
            illustrative=session.illustrative_for(files),
        )
        stem = f"{package_file.stem}-kostnad-og-arsverk"
        session.show_figure(draw(), stem, sources=files, slide=draw)


def line_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: every service in every alternative (``<pakke>-linjer``)."""
    for package_file, result in zip(inputs.packages, results, strict=True):
        _heading(package_file)
        shown = lines_frame(result.lines)
        _show(session, inputs, package_file, shown, "linjer", LINES_CAPTION)


def affordable_tables(session: Session, inputs: CalculatorInputs, results: list[Result]) -> None:
    """Per package: *hva har vi råd til* – what each alternative's annual cost buys of each
    other service (``<pakke>-rad-til``)."""
    for package_file, result in zip(inputs.packages, results, strict=True):
        _heading(package_file)
        names = list(result.summary["alternative"])
        shown = affordable_frame(result.affordable, names)
        _show(session, inputs, package_file, shown, "rad-til", AFFORDABLE_CAPTION)


def key_figures(inputs: CalculatorInputs, results: list[Result]) -> list[KeyFigure]:
    """Per package (keys ``<pakke>.…``): its title, and for each alternative ``i`` in the
    package's order its annual cost, årsverk and staff hours per year, unrounded."""
    found = []
    for package_file, result in zip(inputs.packages, results, strict=True):
        s = package_file.stem
        found.append(KeyFigure(f"{s}.title", "Tjenestepakke", package_file.package.title, "tekst"))
        for i, row in enumerate(result.summary.itertuples()):
            name = row.alternative
            found += [
                KeyFigure(f"{s}.{i}.annual_cost", f"{name}: årskostnad", row.annual_cost, "kr"),
                KeyFigure(f"{s}.{i}.fte", f"{name}: årsverk", row.fte, "årsverk"),
                KeyFigure(f"{s}.{i}.hours", f"{name}: personaltimer per år", row.hours, "timer"),
            ]
    return found


ENGINE_COLUMNS = {
    "service_id": "Tjeneste-id",
    "step": "Trinn",
    "category": "Kategori",
    "service": "Tjeneste",
    "unit": "Enhet",
    "unit_price": "Enhetspris (kr)",
    "staff_hours_per_unit": "Personaltimer per enhet",
    "user_payment_per_unit": "Egenbetaling per enhet (kr)",
    "ambulatory": "Ambulerende",
    "price_version": "Prisversjon",
    "source": "Kilde",
    "note": "Merknad",
    "origin": "Opphav",
    "alternative": "Alternativ",
    "line": "Linje",
    "quantity": "Antall",
    "period": "Per",
    "annual_quantity": "Antall per år",
    "annual_cost": "Årskostnad (kr)",
    "one_off_cost": "Engangskostnad (kr)",
    "user_payment": "Egenbetaling (kr)",
    "net_cost": "Netto (kr)",
    "cost": "Kostnad (kr)",
    "service_hours": "Tjenestetimer",
    "visits": "Besøk",
    "travel_hours": "Reisetimer",
    "hours": "Timer",
    "hours_known": "Timene kjent",
    "hours_incomplete": "Timer mangler for noen linjer",
    "fte": "Årsverk",
    "diff_cost": "Forskjell i kostnad (kr)",
    "diff_hours": "Forskjell i timer",
    "diff_fte": "Forskjell i årsverk",
}
"""The engine's column names under their Norwegian headers (:func:`engine_table`)."""
engine_table = partial(formatting.engine_table, names=ENGINE_COLUMNS)
"""An engine table for the notebook's «Under panseret», Norwegian headers and numbers."""
