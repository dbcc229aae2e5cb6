"""Pricing a package of services from the price catalogue: cost and staff hours per year.

A package has one or more alternatives; an alternative has lines of (service, quantity,
period). The annual quantity is the quantity × 52 per week, × 365 per day, × 1 per year;
a quantity given ``once`` is a one-off and kept apart from the running cost.

- annual cost = annual quantity × unit price (user payments kept beside it)
- annual hours = annual quantity × staff hours per unit, plus travel for ambulatory
  services: visits × travel minutes per visit

The calculator (:mod:`workbench.analyses.calculator.engine`) sums the lines per alternative and
says what the money buys; the personas (:mod:`workbench.analyses.personas.engine`) price their
episodes with the same lines. Everything here is pure: catalogue and assumptions in,
DataFrames out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

import pandas as pd
from pydantic import Field, field_validator, model_validator

from workbench.config import Defaults
from workbench.errors import InputError, Problem
from workbench.models import StrictModel

Period = Literal["week", "day", "year", "once"]
PERIOD_ALIASES: dict[str, Period] = {
    "week": "week",
    "uke": "week",
    "per uke": "week",
    "ukentlig": "week",
    "day": "day",
    "dag": "day",
    "døgn": "day",
    "per dag": "day",
    "daglig": "day",
    "year": "year",
    "år": "year",
    "per år": "year",
    "årlig": "year",
    "once": "once",
    "engang": "once",
    "en gang": "once",
    "engangs": "once",
}
MAX_QUANTITY = 100_000.0
"""The most of anything one line can hold (units without a natural bound: stk, once)."""
QUANTITY_LIMITS: dict[tuple[str, str], tuple[float, str]] = {
    ("time", "day"): (24, "timer per dag"),
    ("time", "week"): (168, "timer per uke"),
    ("time", "year"): (8_760, "timer per år"),
    ("døgn", "day"): (1, "døgn per dag"),
    ("døgn", "week"): (7, "døgn per uke"),
    ("døgn", "year"): (365, "døgn per år"),
    ("uke", "day"): (1, "uke per dag"),
    ("uke", "week"): (1, "uke per uke"),
    ("uke", "year"): (52, "uker per år"),
    ("år", "day"): (1, "år per dag"),
    ("år", "week"): (1, "år per uke"),
    ("år", "year"): (1, "år per år"),
}
"""(unit, period) → the most one person can receive, and how to say it: a day has 24 hours,
a week 7 days."""


def quantity_limit(unit: str, period: str) -> tuple[float, str]:
    """The largest quantity of ``unit`` per ``period`` one person can receive, with its
    Norwegian wording (``(24, "timer per dag")``)."""
    return QUANTITY_LIMITS.get((unit, period), (MAX_QUANTITY, ""))


QUANTITY_CEILING = 10_000.0
"""The most units of a service one line may give per period: 8 760 is every hour of a year."""


class PackageLine(StrictModel):
    """One service in an alternative.

    Args:
        service: ``service_id`` in the catalogue.
        quantity: Units of the service's unit per period (hours, days, items …).
        period: ``week``, ``day``, ``year`` or ``once`` (Norwegian words accepted).
        visits: Visits per period, for ambulatory services; if absent, visits are
            estimated from the hours and the average visit length.
    """

    service: str = Field(min_length=1)
    quantity: float
    period: Period
    visits: float | None = None
    note: str = ""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> str:
        key = str(value).strip().lower()
        if key not in PERIOD_ALIASES:
            raise ValueError(
                f"ukjent periode «{value}» (bruk week, day, year eller once – uke, dag, år, engang)"
            )
        return PERIOD_ALIASES[key]

    @field_validator("quantity", "visits")
    @classmethod
    def _not_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError(f"kan ikke være negativ (fikk {value:g})")
        if value is not None and value > QUANTITY_CEILING:
            raise ValueError(
                f"{value:g} er mer enn en pakke for én person kan ha (høyst "
                f"{QUANTITY_CEILING:g} enheter per periode)"
            )
        return value


class Alternative(StrictModel):
    name: str = Field(min_length=1)
    description: str = ""
    lines: list[PackageLine] = Field(default_factory=list)


class Package(StrictModel):
    """A set of alternatives to compare, usually for one person."""

    title: str = Field(min_length=1)
    description: str = ""
    alternatives: list[Alternative] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [a.name for a in self.alternatives]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"alternativnavn må være unike (gjentatt: {', '.join(repeated)})")
        return self


@dataclass(frozen=True)
class Assumptions:
    """The shared parameters the calculator and the personas price with (see
    ``parameters/defaults.yaml``)."""

    weeks_per_year: float
    days_per_year: float
    hours_per_fte: float
    ambulatory_visit_minutes: float
    travel_minutes_per_visit: float
    deduct_user_payments: bool = False

    @classmethod
    def from_defaults(cls, defaults: Defaults) -> Assumptions:
        a = defaults.assumptions
        return cls(
            weeks_per_year=a.weeks_per_year.value,
            days_per_year=a.days_per_year.value,
            hours_per_fte=a.hours_per_fte.value,
            ambulatory_visit_minutes=a.ambulatory_visit_minutes.value,
            travel_minutes_per_visit=a.travel_minutes_per_visit.value,
            deduct_user_payments=defaults.deduct_user_payments,
        )

    def per_year(self, period: Period) -> float:
        """How many times a period occurs in a year (0 for a one-off)."""
        return {"week": self.weeks_per_year, "day": self.days_per_year, "year": 1.0, "once": 0.0}[
            period
        ]


def unknown_service(service: str, catalogue: pd.DataFrame) -> str:
    """Message for a service id the catalogue lacks, with the closest known ids."""
    close = difflib.get_close_matches(service, list(catalogue.index), n=3)
    hint = f" – mente du {', '.join(close)}?" if close else ""
    return f"ukjent tjeneste «{service}»{hint}"


def check_services(package: Package, catalogue: pd.DataFrame, path: Path | None) -> None:
    """Every line names a service in the catalogue.

    Raises:
        InputError: Naming the alternative, the line and the closest known service ids.
    """
    problems = []
    for i, alternative in enumerate(package.alternatives):
        for j, line in enumerate(alternative.lines):
            if line.service not in catalogue.index:
                message = unknown_service(line.service, catalogue)
                problems.append(
                    Problem(
                        message.replace("»", f"» i «{alternative.name}»", 1),
                        key=f"alternatives[{i}].lines[{j}].service",
                    )
                )
    if problems:
        raise InputError(path, problems)


LINE_COLUMNS = [
    "alternative",
    "line",
    "service_id",
    "step",
    "category",
    "service",
    "unit",
    "quantity",
    "period",
    "annual_quantity",
    "unit_price",
    "annual_cost",
    "one_off_cost",
    "user_payment",
    "service_hours",
    "visits",
    "travel_hours",
    "hours",
    "hours_known",
]


def line_table(package: Package, catalogue: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """Cost and hours of every line, per year.

    Raises:
        InputError: A line names a service the catalogue does not have.
    """
    check_services(package, catalogue, None)
    services = catalogue.to_dict("index")
    records = []
    for alternative in package.alternatives:
        for number, line in enumerate(alternative.lines, start=1):
            records.append(
                _line_record(alternative.name, number, line, services[line.service], assumptions)
            )
    return pd.DataFrame.from_records(records, columns=LINE_COLUMNS)


def _line_record(
    alternative: str, number: int, line: PackageLine, service: dict[str, Any], a: Assumptions
) -> dict[str, Any]:
    per_year = a.per_year(line.period)
    once = line.quantity if line.period == "once" else 0.0
    annual = line.quantity * per_year
    staff = service["staff_hours_per_unit"]
    known = staff is not None and not pd.isna(staff)
    payment = service["user_payment_per_unit"]
    payment = 0.0 if payment is None or pd.isna(payment) else payment
    visits = _annual_visits(line, service, annual, a)
    travel = visits * a.travel_minutes_per_visit / 60
    service_hours = annual * staff if known else 0.0
    return {
        "alternative": alternative,
        "line": number,
        "service_id": line.service,
        "step": service["step"],
        "category": service["category"],
        "service": service["service"],
        "unit": service["unit"],
        "quantity": line.quantity,
        "period": line.period,
        "annual_quantity": annual,
        "unit_price": service["unit_price"],
        "annual_cost": annual * service["unit_price"],
        "one_off_cost": once * service["unit_price"],
        "user_payment": annual * payment,
        "service_hours": service_hours,
        "visits": visits,
        "travel_hours": travel,
        "hours": service_hours + travel,
        "hours_known": known,
    }


def _annual_visits(
    line: PackageLine, service: dict[str, Any], annual: float, a: Assumptions
) -> float:
    if not service["ambulatory"]:
        return 0.0
    if line.visits is not None:
        return line.visits * a.per_year(line.period)
    if service["unit"] == "time":
        return annual * 60 / a.ambulatory_visit_minutes
    return annual  # one visit per unit for visit-based units
