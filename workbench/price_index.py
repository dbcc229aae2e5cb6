"""Kroner from one price year to another with the municipal deflator.

Every money input has a price year: the price catalogue its version («23-11» is November 2023,
price year 2023), the housing costs their own (the Færder presentation's «2023 kr»), the
accounts each year's own. A municipality's ``price_year`` (default ``parameters/defaults.yaml``)
is the year the calculator, the personas and the housing profile count in; inputs from another
year are converted by the growth the deflator file gives for the years between.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from workbench.errors import InputError, Problem
from workbench.loaders import ROW_COLUMN, Column, read_table, year_column

DEFLATOR_SCHEMA = {"year": year_column(), "growth": Column("share")}
VERSION = re.compile(r"(\d{2})-(\d{2})")
"""A price catalogue version: two-digit year, two-digit month («23-11»)."""


def read_growth(path: Path) -> pd.Series:
    """Price growth per year (``year``, ``growth`` as a share: 4,3 % is 0.043), indexed by
    year.

    Raises:
        InputError: A year given twice or a growth outside −50 % to +50 %, with its row.
    """
    table = read_table(path, DEFLATOR_SCHEMA)
    repeated = table["year"].duplicated(keep="first")
    problems = [
        Problem(f"året {year} står mer enn én gang", row=row, column="year")
        for row, year, again in zip(table[ROW_COLUMN], table["year"], repeated, strict=True)
        if again
    ]
    problems += [
        Problem(
            "prisveksten må ligge mellom −50 % og +50 % (4,3 % skrives 0,043)",
            row=r,
            column="growth",
        )
        for r, g in zip(table[ROW_COLUMN], table["growth"], strict=True)
        if not -0.5 < g < 0.5
    ]
    if problems:
        raise InputError(path, problems)
    return table.set_index("year")["growth"].sort_index()


def factor(growth: pd.Series, from_year: int, to_year: int, path: Path | None = None) -> float:
    """What one krone in ``from_year`` prices is in ``to_year`` prices: the product of
    (1 + growth) over the years after ``from_year`` up to ``to_year`` (its inverse backwards).

    Raises:
        InputError: The deflator lacks a year between the two.
    """
    low, high = sorted((from_year, to_year))
    needed = range(low + 1, high + 1)
    missing = [year for year in needed if year not in growth.index]
    if missing:
        raise InputError(
            path,
            f"prisveksten for {', '.join(map(str, missing))} mangler: den trengs for å regne "
            f"kroner fra {from_year} til {to_year}",
        )
    product = 1.0
    for year in needed:
        product *= 1 + float(growth[year])
    return product if to_year >= from_year else 1 / product


def version_year(version: str | None, default: int) -> int:
    """The price year of a catalogue version: its two-digit year and month («23-11» and
    «avledet-23-11» → 2023); ``default`` for a version without them («demo-24»)."""
    match = VERSION.search(str(version or ""))
    return 2000 + int(match.group(1)) if match else default
