"""Inputs several analyses share: files chosen by a notebook parameter or the municipality's
list, and the price catalogue with the municipality's own prices.

Each analysis loads the rest of its inputs in its own ``load`` module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench import catalogue as catalogue_module
from workbench import price_index
from workbench.loaders import file_key, memo, memo_read

if TYPE_CHECKING:
    from workbench.sources import Sources


def chosen_files(
    session: Sources, override: str, override_key: str, configured: list[str], key: str
) -> list[Path]:
    """The files a notebook parameter names (``override``) or else the municipality's list,
    resolved against ``data/`` with their sources recorded; errors name the key."""
    if override:
        return [session.data_file(override, key=override_key)]
    return [session.data_file(name, key=f"{key}[{i}]") for i, name in enumerate(configured)]


def _merged(files: list[Path], names: list[str]) -> pd.DataFrame:
    """The shared catalogues, each later one replacing the earlier ones' rows."""
    tables = [
        memo_read(path, "catalogue", lambda f, n=name: catalogue_module.read_catalogue(f, n), name)
        for path, name in zip(files, names, strict=True)
    ]
    table = tables[0]
    for later in tables[1:]:
        table = catalogue_module.merge(table, later)
    return table


def price_catalogue(session: Sources) -> tuple[pd.DataFrame, list[Path]]:
    """The shared catalogues (in order) with the municipality's overrides applied.

    Returns:
        The catalogue and the files it was read from.
    """
    defaults_file = session.project.parameters_dir / "defaults.yaml"
    names = session.defaults.price_catalogues
    files = [
        session.data_file(name, key=f"price_catalogues[{index}]", named_in=defaults_file)
        for index, name in enumerate(names)
    ]
    # the shared catalogues merge to the same table for every municipality: once per process
    table = memo(
        ("merged-catalogues", *(file_key(f) for f in files), *names),
        lambda: _merged(files, names),
    )
    path = (
        session.filled_file(session.municipality.prices, key="prices", kind="prices")
        if session.municipality.prices
        else None
    )
    if path is not None:  # None: no local prices, or still the template
        table = catalogue_module.merge(
            table, catalogue_module.read_catalogue(path, session.municipality.prices)
        )
        files.append(path)
    return in_price_year(session, table), files


def price_factor(session: Sources, from_year: int, to_year: int | None = None) -> float:
    """What a krone in ``from_year`` prices is in ``to_year`` prices (default
    the session's price year); 1 without reading anything when the years are the same, else from the
    price growth file, whose source is then recorded."""
    to_year = session.price_year if to_year is None else to_year
    if from_year == to_year:
        return 1.0
    defaults_file = session.project.parameters_dir / "defaults.yaml"
    path = session.data_file(
        session.defaults.price_index, key="price_index", named_in=defaults_file
    )
    growth = memo_read(path, "price-growth", price_index.read_growth)
    return price_index.factor(growth, from_year, to_year, path)


def in_price_year(session: Sources, table: pd.DataFrame) -> pd.DataFrame:
    """The catalogue with unit prices and user payments in the session's price year: each row
    from the year of its ``price_version`` («23-11» is 2023; a row without a dated version
    has the defaults' version's year)."""
    default = price_index.version_year(session.defaults.price_version, session.defaults.price_year)
    years = table["price_version"].map(lambda v: price_index.version_year(v, default))
    factors = years.map({int(y): price_factor(session, int(y)) for y in years.unique()})
    if (factors == 1.0).all():
        return table
    return table.assign(
        unit_price=table["unit_price"] * factors,
        user_payment_per_unit=table["user_payment_per_unit"] * factors,
    )
