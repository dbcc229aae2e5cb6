"""Reference data: the two staircases, the KOSTRA functions and those left off the staircase.

Step names are data, never literals in code: a municipality's parameter file can rename any
step (``step_names``), and every analysis takes its labels from :func:`steps`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.config import STEP_COUNT, Municipality
from workbench.errors import InputError, Problem
from workbench.loaders import ROW_COLUMN, Column, memo_read, read_table

STEPS_FILE = "reference/innsatstrapp.csv"
HOUSING_STEPS_FILE = "reference/boligtrapp.csv"
KOSTRA_FILE = "reference/kostra_functions.csv"
OUTSIDE_FILE = "reference/utenfor-trappa.csv"
HOUSING_STEP_COUNT = 6

STEP_SCHEMA = {
    "step": Column("int"),
    "name": Column(),
    "subtitle": Column(),
    "goal": Column(nullable=True),
}
HOUSING_SCHEMA = {
    "step": Column("int"),
    "name": Column(),
    "description": Column(nullable=True),
    "name_by_services": Column(required=False, nullable=True),
}
"""``name_by_services``: the name where the residents of a step are counted by the services
they receive, not by their dwelling's standard (steps 1 and 2 derived from the statistics)."""
KOSTRA_SCHEMA = {
    "function": Column(),
    "name": Column(),
    "valid_from": Column("int", nullable=True),
    "valid_to": Column("int", nullable=True),
    "confidence": Column(),
}


def steps(data_dir: Path, municipality: Municipality | None = None) -> pd.DataFrame:
    """The twelve steps of the *helhetlig innsatstrapp*, with the municipality's own names.

    Returns:
        Columns ``step``, ``name``, ``subtitle``, ``goal``, ``label`` (``"4 Meningsfull …"``).
    """
    path = data_dir / STEPS_FILE
    table = memo_read(path, "steps", lambda p: _numbered(read_table(p, STEP_SCHEMA), p, STEP_COUNT))
    if municipality is not None:
        for step, override in municipality.step_names.items():
            for field in ("name", "subtitle", "goal"):
                value = getattr(override, field)
                if value is not None:
                    table.loc[table["step"] == step, field] = value
    table["label"] = [f"{s} {n}" for s, n in zip(table["step"], table["name"], strict=True)]
    return table.reset_index(drop=True)


def housing_steps(data_dir: Path) -> pd.DataFrame:
    """The six steps of the *boligtrapp* (where residents 67+ live)."""
    path = data_dir / HOUSING_STEPS_FILE
    return memo_read(
        path,
        "housing_steps",
        lambda p: _numbered(read_table(p, HOUSING_SCHEMA), p, HOUSING_STEP_COUNT),
    )


def kostra_functions(data_dir: Path) -> pd.DataFrame:
    """KOSTRA function codes with names and the years they are valid."""
    return memo_read(
        data_dir / KOSTRA_FILE,
        "kostra",
        lambda p: read_table(p, KOSTRA_SCHEMA).drop(columns=ROW_COLUMN),
    )


OUTSIDE_SCHEMA = {"funksjon": Column(), "reason": Column()}


def outside_staircase(data_dir: Path) -> dict[str, str]:
    """KOSTRA functions the default rules leave out on purpose (financing and accounting
    entries, not services), with the reason a reader sees in «Ikke fordelt»."""
    path = data_dir / OUTSIDE_FILE
    table = read_table(path, OUTSIDE_SCHEMA)
    repeated = table[table["funksjon"].duplicated(keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise InputError(
            path,
            Problem(
                f"funksjon {first['funksjon']} står mer enn én gang",
                row=int(first[ROW_COLUMN]),
                column="funksjon",
            ),
        )
    return dict(zip(table["funksjon"], table["reason"], strict=True))


def _numbered(table: pd.DataFrame, path: Path, count: int) -> pd.DataFrame:
    expected = list(range(1, count + 1))
    found = sorted(table["step"])
    if found != expected:
        raise InputError(
            path,
            Problem(f"trinnene må være 1–{count}, hvert én gang (fant {found})", column="step"),
        )
    return table.sort_values("step").drop(columns=ROW_COLUMN).reset_index(drop=True)
