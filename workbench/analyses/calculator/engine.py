"""Ressurskalkulator: what packages of services cost per year, in money and staff hours.

The lines of a package are priced by :mod:`workbench.pricing` (annual quantity, cost, user
payment and hours per line); the calculator adds up each alternative and compares:

- annual cost = Σ over the lines (user payments summed separately and, if the parameter
  says so, deducted)
- annual hours = Σ over the lines
- årsverk = hours ÷ hours per årsverk
- *hva har vi råd til*: for each alternative's cost, how many units per week of every
  catalogue service the money buys = cost ÷ (unit price × 52) (per year for yearly units)

Everything here is pure: catalogue and assumptions in, DataFrames out. The package files are
read by :mod:`workbench.analyses.calculator.load`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.pricing import Assumptions, Package, line_table

YEARLY_UNITS = frozenset({"år"})
"""Units whose *råd til* is counted per year rather than per week."""


SUMMARY_COLUMNS = [
    "alternative",
    "annual_cost",
    "user_payment",
    "net_cost",
    "cost",
    "one_off_cost",
    "hours",
    "fte",
    "diff_cost",
    "diff_hours",
    "diff_fte",
    "hours_incomplete",
]


def summary(lines: pd.DataFrame, alternatives: list[str], assumptions: Assumptions) -> pd.DataFrame:
    """Totals per alternative and the difference to the first alternative.

    Args:
        lines: From :func:`workbench.pricing.line_table`.
        alternatives: Alternative names in the order to show them (first is the reference).
        assumptions: For hours per årsverk and whether user payments are deducted.

    Returns:
        One row per alternative. ``cost`` is the figure compared and used for *råd til*:
        the net cost when user payments are deducted, else the gross annual cost.
    """
    grouped = lines.groupby("alternative", sort=False)
    totals = pd.DataFrame(
        {
            "annual_cost": grouped["annual_cost"].sum(),
            "user_payment": grouped["user_payment"].sum(),
            "one_off_cost": grouped["one_off_cost"].sum(),
            "hours": grouped["hours"].sum(),
            "hours_incomplete": ~grouped["hours_known"].all(),
        }
    ).reindex(alternatives)
    totals[["annual_cost", "user_payment", "one_off_cost", "hours"]] = totals[
        ["annual_cost", "user_payment", "one_off_cost", "hours"]
    ].fillna(0.0)
    totals["hours_incomplete"] = totals["hours_incomplete"].fillna(False).astype(bool)
    totals["net_cost"] = totals["annual_cost"] - totals["user_payment"]
    totals["cost"] = (
        totals["net_cost"] if assumptions.deduct_user_payments else totals["annual_cost"]
    )
    totals["fte"] = totals["hours"] / assumptions.hours_per_fte
    for column in ("cost", "hours", "fte"):
        totals[f"diff_{column}"] = totals[column] - totals[column].iloc[0]
    return totals.rename_axis("alternative").reset_index()[SUMMARY_COLUMNS]


def affordable(
    summary_table: pd.DataFrame, catalogue: pd.DataFrame, assumptions: Assumptions
) -> pd.DataFrame:
    """*Hva har vi råd til*: units of every catalogue service each alternative's cost buys.

    Returns:
        One row per service with ``service_id``, ``step``, ``category``, ``service``,
        ``unit``, ``unit_price``, ``per`` (``uke`` or ``år``), ``note`` (the catalogue's) and
        one column per alternative.
        A service with price 0 has no finite answer and shows as missing.
    """
    table = catalogue[["step", "category", "service", "unit", "unit_price"]].reset_index()
    notes = catalogue["note"] if "note" in catalogue else pd.Series("", index=catalogue.index)
    table["note"] = notes.fillna("").astype(str).to_numpy()
    yearly = table["unit"].isin(YEARLY_UNITS).to_numpy()
    periods = np.where(yearly, 1.0, assumptions.weeks_per_year)
    prices = table["unit_price"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        divisor = np.where(prices > 0, prices * periods, np.nan)
        for name, cost in zip(summary_table["alternative"], summary_table["cost"], strict=True):
            table[name] = cost / divisor
    table.insert(6, "per", np.where(yearly, "år", "uke"))
    return table


@dataclass(frozen=True)
class Result:
    """Everything the calculator shows for one package."""

    lines: pd.DataFrame
    summary: pd.DataFrame
    affordable: pd.DataFrame


def evaluate(package: Package, catalogue: pd.DataFrame, assumptions: Assumptions) -> Result:
    """Lines, summary and *råd til* for a package."""
    lines = line_table(package, catalogue, assumptions)
    names = [a.name for a in package.alternatives]
    totals = summary(lines, names, assumptions)
    return Result(lines, totals, affordable(totals, catalogue, assumptions))
