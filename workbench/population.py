"""The population by age group and year, as a municipality's population file gives it: the
groups 67+ every analysis counts (67–79, 80–89, 90+), those under 67 a file may give beside
them, the file's reader with its checks, and the projection year by year.

The housing profile projects its residents from it, and the personas take N from prevalence
and new cases from incidence in the same groups; both read the one file
(``analyses.housing.population`` in the parameter file) through :func:`read_population`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import InputError, Problem
from workbench.loaders import (
    ROW_COLUMN,
    Column,
    people_column,
    read_table,
    repeated_rows,
    with_hyphens,
    year_column,
)

AGE_GROUPS = ("67-79", "80-89", "90+")
WORKING_AGE = "18-66"
"""The age group whose projection may move the rest of the sector (optional in the file)."""
WORKING_PARTS = ("18-49", "50-66")
"""18–66 as the Færder presentation splits it; their sum is 18–66 where it is not given."""
YOUNGER_GROUPS = ("0-17", *WORKING_PARTS)
"""Age groups under 67 a population file may give beside 18–66 (the whole population)."""
ALL_AGE_ORDER = ("0-17", "18-49", "50-66", WORKING_AGE, *AGE_GROUPS)
"""Every age group a population file may give, in the order of the ages."""

POPULATION_SCHEMA = {
    "alternative": Column(),
    "year": year_column(),
    "age_group": Column(),
    "persons": people_column(),
}


def read_population(path: Path) -> pd.DataFrame:
    """Population by projection alternative, year and age group.

    Raises:
        InputError: Unknown age group, negative persons, or a repeated
            (alternative, year, age group), each with its row.
    """
    table = read_table(path, POPULATION_SCHEMA)
    problems = age_group_problems(table, (*AGE_GROUPS, WORKING_AGE, *YOUNGER_GROUPS))
    problems += repeated_rows(table, ["alternative", "year", "age_group"])
    groups: dict[str, dict[int, set]] = {}  # alternative (as they come) → year → age groups
    for alternative, year, group in zip(
        table["alternative"], table["year"], table["age_group"], strict=True
    ):
        groups.setdefault(alternative, {}).setdefault(year, set()).add(group)
    for alternative, years in groups.items():
        for year in sorted(years):
            missing = sorted(set(AGE_GROUPS) - years[year])
            if missing:
                problems.append(
                    Problem(f"{alternative} {year}: mangler aldersgruppe {', '.join(missing)}")
                )
            overlap = sorted(set(WORKING_PARTS) & years[year])
            if WORKING_AGE in years[year] and overlap:
                problems.append(
                    Problem(
                        f"{alternative} {year}: både 18-66 og {', '.join(overlap)}; "
                        "oppgi enten 18-66 eller 18-49 og 50-66, ellers telles de to gangene"
                    )
                )
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def age_group_problems(table: pd.DataFrame, known: tuple[str, ...] = AGE_GROUPS) -> list[Problem]:
    """Read the ``age_group`` column with any dash as the hyphen (in place) and report the
    groups that are still unknown, naming a character that does not belong in one."""
    table["age_group"] = [with_hyphens(g) for g in table["age_group"]]
    return [
        Problem(
            f"ukjent aldersgruppe «{g}»{_odd_character(g)} (bruk {', '.join(known)})",
            row=r,
            column="age_group",
        )
        for r, g in zip(table[ROW_COLUMN], table["age_group"], strict=True)
        if g not in known
    ]


AGE_GROUP_CHARACTERS = frozenset("0123456789-+")


def _odd_character(group: str) -> str:
    odd = next((c for c in group if c not in AGE_GROUP_CHARACTERS), None)
    if odd is None:
        return ""
    return f": tegnet «{odd}» (U+{ord(odd):04X}) hører ikke hjemme i en aldersgruppe"


def population_by_year(
    population: pd.DataFrame, alternative: str, first: int, last: int
) -> pd.DataFrame:
    """Population of one alternative for every year first..last, interpolating linearly
    between given years.

    Returns:
        Columns ``year``, ``age_group``, ``persons``, ``interpolated``.

    Raises:
        InputError: The alternative is missing, or the given years do not span first..last.
    """
    part = population[
        (population["alternative"] == alternative) & population["age_group"].isin(AGE_GROUPS)
    ]
    if part.empty:
        known = ", ".join(dict.fromkeys(population["alternative"]))
        raise InputError(
            None, f"framskrivingsalternativet «{alternative}» finnes ikke (finnes: {known})"
        )
    given = sorted(part["year"].unique())
    if given[0] > first or given[-1] < last:
        raise InputError(
            None,
            f"befolkningstallene for {alternative} dekker {given[0]}–{given[-1]}, ikke {first}–{last}",
        )
    years = np.arange(first, last + 1)
    ages = part["age_group"].to_numpy()
    given_years, persons = part["year"].to_numpy(), part["persons"].to_numpy(dtype=float)
    shown, interpolated = [], []
    for group in AGE_GROUPS:
        mine = ages == group
        order = np.argsort(given_years[mine], kind="stable")
        known = given_years[mine][order]
        shown.append(np.interp(years, known, persons[mine][order]))
        interpolated.append(~np.isin(years, known))
    return pd.DataFrame(
        {
            "year": np.tile(years, len(AGE_GROUPS)),
            "age_group": np.repeat(AGE_GROUPS, len(years)),
            "persons": np.concatenate(shown),
            "interpolated": np.concatenate(interpolated),
        }
    )


def working_age(population: pd.DataFrame, alternative: str) -> pd.DataFrame:
    """Residents 18–66 per given year of one alternative (``year``, ``persons``): the
    18–66 group, or 18–49 and 50–66 added up in a year that gives both instead."""
    part = population[population["alternative"] == alternative]
    given = part[part["age_group"] == WORKING_AGE][["year", "persons"]]
    split = part[part["age_group"].isin(WORKING_PARTS)]
    both = split.groupby("year")["age_group"].nunique() == len(WORKING_PARTS)
    summed = (
        split[split["year"].isin(both[both].index)].groupby("year")["persons"].sum().reset_index()
    )
    summed = summed[~summed["year"].isin(given["year"])]
    return pd.concat([given, summed], ignore_index=True).sort_values("year")
