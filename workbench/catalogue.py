"""The price catalogue: one row per service with its unit price and staff hours.

A national catalogue ships with the project (version 23-11). A municipality may override
prices or add services with a file of the same columns: a row whose ``service_id`` is in
the national catalogue replaces that row, any other row is added.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.config import STEP_COUNT
from workbench.errors import InputError, Problem
from workbench.formatting import kr
from workbench.loaders import ROW_COLUMN, Column, money_column, read_table

UNITS: dict[str, str] = {
    "time": "time",
    "døgn": "døgn",
    "uke": "uke",
    "år": "år",
    "stk": "stk",
}
"""Unit code → Norwegian word shown after a price (``219 kr/time``)."""

SCHEMA = {
    "service_id": Column(),
    "step": Column("int"),
    "category": Column(),
    "service": Column(),
    "unit": Column(),
    "unit_price": money_column(),
    "staff_hours_per_unit": Column("float", nullable=True),
    "user_payment_per_unit": Column("float", nullable=True),
    "ambulatory": Column("bool"),
    "price_version": Column(nullable=True),
    "source": Column(),
    "note": Column(required=False, nullable=True),
}
COLUMNS = [c for c in SCHEMA if c != "note"] + ["note", "origin"]


def read_catalogue(path: Path, origin: str) -> pd.DataFrame:
    """Read and check one catalogue file.

    Args:
        path: CSV or XLSX with the catalogue columns.
        origin: How reports name this file (e.g. ``prices/national-23-11.csv``).

    Returns:
        The rows indexed by ``service_id``, with an ``origin`` column.

    Raises:
        InputError: A duplicate id, an unknown unit, a step outside 1–12 or a negative
            price or number of hours, each with its row.
    """
    table = read_table(path, SCHEMA)
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for record in table.itertuples(index=False):
        row = getattr(record, ROW_COLUMN)
        if record.service_id in first_row:
            problems.append(
                Problem(
                    f"tjenesten «{record.service_id}» står to ganger (også på rad "
                    f"{first_row[record.service_id]})",
                    row=row,
                    column="service_id",
                )
            )
        first_row.setdefault(record.service_id, row)
        if record.unit not in UNITS:
            problems.append(
                Problem(
                    f"ukjent enhet «{record.unit}» (bruk {', '.join(UNITS)})",
                    row=row,
                    column="unit",
                )
            )
        if not 1 <= record.step <= STEP_COUNT:
            problems.append(
                Problem(f"trinn {record.step} finnes ikke (1–{STEP_COUNT})", row=row, column="step")
            )
        for column in ("unit_price", "staff_hours_per_unit", "user_payment_per_unit"):
            value = getattr(record, column)
            if value is not None and not pd.isna(value) and value < 0:
                problems.append(Problem("kan ikke være negativ", row=row, column=column))
    if problems:
        raise InputError(path, problems)
    if "note" not in table:
        table["note"] = None
    table["origin"] = origin
    return table.drop(columns=ROW_COLUMN)[COLUMNS].set_index("service_id")


def merge(base: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The catalogue after a municipality's overrides: replaced rows in place, new rows last."""
    replaced = base.copy()
    common = overrides.index.intersection(base.index)
    replaced.loc[common] = overrides.loc[common, base.columns]
    added = overrides.loc[overrides.index.difference(base.index, sort=False)]
    return pd.concat([replaced, added[base.columns]])


def service_label(row: pd.Series) -> str:
    """How a service is named in pickers: ``Trinn 4 · Dagaktivitetstilbud · Bemanningsfaktor 0,3 (219 kr/time)``."""
    return f"Trinn {row['step']} · {row['category']} · {row['service']} ({kr(row['unit_price'])}/{UNITS[row['unit']]})"
