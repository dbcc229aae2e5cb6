"""Inputs several analyses share: files chosen by a notebook parameter or the municipality's
list, and the price catalogue with the municipality's own prices.

Each analysis loads the rest of its inputs in its own ``load`` module.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench import catalogue as catalogue_module
from workbench.loaders import memo_read
from workbench.session import Session


def chosen_files(
    session: Session, override: str, override_key: str, configured: list[str], key: str
) -> list[Path]:
    """The files a notebook parameter names (``override``) or else the municipality's list,
    resolved against ``data/`` with their sources recorded; errors name the key."""
    if override:
        return [session.data_file(override, key=override_key)]
    return [session.data_file(name, key=f"{key}[{i}]") for i, name in enumerate(configured)]


def price_catalogue(session: Session) -> tuple[pd.DataFrame, list[Path]]:
    """The shared catalogues (in order) with the municipality's overrides applied.

    Returns:
        The catalogue and the files it was read from.
    """
    defaults_file = session.project.parameters_dir / "defaults.yaml"
    tables, files = [], []
    for index, name in enumerate(session.defaults.price_catalogues):
        path = session.data_file(name, key=f"price_catalogues[{index}]", named_in=defaults_file)
        tables.append(
            memo_read(
                path, "catalogue", lambda f, n=name: catalogue_module.read_catalogue(f, n), name
            )
        )
        files.append(path)
    table = tables[0]
    for later in tables[1:]:
        table = catalogue_module.merge(table, later)
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
    return table, files
