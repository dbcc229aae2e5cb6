"""Loading the housing profile inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes.

The readers are here too, each with its schema: one kind of file read and checked (every bad
row named), so the engine takes tables and never a file. The population file's reader is
:func:`workbench.population.read_population`, shared with the personas. The session is imported
for its type only: reading a file without a session (the tests) does not import IPython or
matplotlib."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.settings import HousingSettings
from workbench.errors import Collector, InputError, Problem
from workbench.formatting import number
from workbench.inputs import price_factor
from workbench.loaders import (
    ROW_COLUMN,
    Column,
    memo_read,
    money_column,
    people_column,
    read_table,
    repeated_rows,
    year_column,
)
from workbench.population import (
    AGE_GROUPS,
    age_group_problems,
    population_by_year,
    read_population,
)
from workbench.reference import HOUSING_STEP_COUNT

if TYPE_CHECKING:
    from workbench.sources import Sources


@dataclass(frozen=True)
class HousingInputs:
    data: housing.HousingData
    settings: HousingSettings
    position_size: float
    over_80: pd.DataFrame | None
    reference: pd.DataFrame | None
    prior: housing.HousingData | None = None
    """The starting point the calibrated inputs were fitted from (``calibration``)."""


OVER_80_SCHEMA = {"region": Column(), "year": year_column(), "share": Column("share")}
T = TypeVar("T")

REFERENCE_SCHEMA = {
    "key": Column(),
    "label": Column(),
    "value": Column("float"),
    "unit": Column(),
}


SHARE_TOLERANCE = 0.005
"""How far an age group's target shares may sum from 1."""

RESIDENTS_SCHEMA = {"age_group": Column(), "step": Column("int"), "residents": people_column()}


STEP_COSTS_SCHEMA = {
    "step": Column("int"),
    "fte_per_resident": Column("float", bounds=(0, 10), what="årsverkene som godtas per beboer"),
    "cost_per_resident": money_column(negative=False),
}


PROFILE_SCHEMA = {"age_group": Column(), "step": Column("int"), "share": Column("share")}


DWELLING_SCHEMA = {"age_group": Column(), "persons_per_dwelling": Column("float")}


REST_SCHEMA = {"fte": people_column(), "cost": money_column(negative=False)}


def read_residents(path: Path) -> pd.DataFrame:
    """Base-year residents per age group and housing step (every combination once)."""
    table = read_table(path, RESIDENTS_SCHEMA)
    problems = _grid_problems(table)
    for group, total in table.groupby("age_group")["residents"].sum().items():
        if total <= 0:
            problems.append(Problem(f"aldersgruppe {group} har ingen beboere"))
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def read_step_costs(path: Path, *, every_step: bool = True) -> pd.DataFrame:
    """Årsverk and annual cost per resident on each housing step (steps 1–6 once each;
    with ``every_step=False`` some steps, as the municipality's own figures that replace
    the derived ones)."""
    table = read_table(path, STEP_COSTS_SCHEMA)
    problems = _step_problems(table)
    problems += repeated_rows(table, ["step"])
    missing = sorted(set(housing.STEPS) - set(table["step"]))
    if missing and every_step:
        problems.append(Problem(f"mangler trinn {', '.join(map(str, missing))}", column="step"))
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN).set_index("step").sort_index()


def read_target_shares(path: Path) -> pd.DataFrame:
    """The alternative profile: target shares per age group and step, written as every
    share column is (``0,333``, ``33,3 %`` or ``1/3``); each age group's shares must sum to 1
    (within 0,005)."""
    table = read_table(path, PROFILE_SCHEMA)
    problems = _grid_problems(table)
    problems += [
        Problem("må være mellom 0 og 1", row=r, column="share")
        for r, v in zip(table[ROW_COLUMN], table["share"], strict=True)
        if not 0 <= v <= 1
    ]
    if not problems:
        problems += share_sum_problems(table)
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def share_sum_problems(shares: pd.DataFrame) -> list[Problem]:
    """An age group whose shares do not sum to 1 (within the tolerance)."""
    problems = []
    for group, total in shares.groupby("age_group", sort=False)["share"].sum().items():
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(
                Problem(
                    f"andelene for aldersgruppe {group} summerer til {number(total, 3)} "
                    f"(skal være 1; høyst {number(SHARE_TOLERANCE, 3)} fra 1 godtas)",
                    column="share",
                )
            )
    return problems


def read_persons_per_dwelling(path: Path) -> pd.DataFrame:
    table = read_table(path, DWELLING_SCHEMA)
    problems = age_group_problems(table) + repeated_rows(table, ["age_group"])
    missing = sorted(set(AGE_GROUPS) - set(table["age_group"]))
    if missing:
        problems.append(Problem(f"mangler aldersgruppe {', '.join(missing)}", column="age_group"))
    problems += [
        Problem("må være større enn 0", row=r, column="persons_per_dwelling")
        for r, v in zip(table[ROW_COLUMN], table["persons_per_dwelling"], strict=True)
        if v <= 0
    ]
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN).set_index("age_group")


def read_rest(path: Path, growth: str = "constant") -> housing.SectorRest:
    """The rest of the care sector: one row with the base year's årsverk (``fte``) and
    annual cost in kroner (``cost``) of the services to people under 67.

    Raises:
        InputError: Not exactly one row, or a negative value.
    """
    table = read_table(path, REST_SCHEMA)
    if len(table) != 1:
        raise InputError(path, f"skal ha nøyaktig én rad med årsverk og kostnad, ikke {len(table)}")
    return housing.SectorRest(float(table["fte"].iloc[0]), float(table["cost"].iloc[0]), growth)


def _step_problems(table: pd.DataFrame) -> list[Problem]:
    return [
        Problem(f"boligtrinn {s} finnes ikke (1–{HOUSING_STEP_COUNT})", row=r, column="step")
        for r, s in zip(table[ROW_COLUMN], table["step"], strict=True)
        if s not in housing.STEPS
    ]


def _grid_problems(table: pd.DataFrame) -> list[Problem]:
    """Unknown age groups and steps, repeated and missing (age group, step) rows; the
    values' own bounds are the schema's."""
    problems = (
        age_group_problems(table)
        + _step_problems(table)
        + repeated_rows(table, ["age_group", "step"])
    )
    present = set(zip(table["age_group"], table["step"], strict=True))
    missing = [f"{g}/trinn {s}" for g in AGE_GROUPS for s in housing.STEPS if (g, s) not in present]
    if missing:
        problems.append(Problem(f"mangler rader for {', '.join(missing)}"))
    return problems


def load(session: Sources) -> HousingInputs:
    """Population, profiles, costs and comparison series for the housing profile.

    Raises:
        InputError: A file is missing or invalid, or the population lacks the chosen
            projection alternative or does not cover the base and target years.
    """
    settings = session.municipality.analyses.housing
    key = "analyses.housing"

    found = Collector()

    def read(field: str, reader: Callable[[Path], T]) -> T | None:
        """The file named by ``field`` read with ``reader``; a bad one is kept in ``found``."""
        file = found.attempt(session.data_file, getattr(settings, field), key=f"{key}.{field}")
        return None if file is None else found.attempt(reader, file)

    def shared(kind: str, reader: Callable[[Path], T]) -> Callable[[Path], T]:
        return lambda f: memo_read(f, kind, reader)

    # Every file is read before any error is raised, so all bad files are named at once.
    tables = {
        "population": read("population", read_population),
        "residents": read("residents", read_residents),
        # files several municipalities may share (standard costs, a common profile): read
        # once per process while unchanged
        "step_costs": read("step_costs", shared("step_costs", read_step_costs)),
        "target_shares": read("alternative_profile", shared("target_shares", read_target_shares)),
        "persons_per_dwelling": read(
            "persons_per_dwelling", shared("dwellings", read_persons_per_dwelling)
        ),
    }
    own_costs = None
    if settings.own_step_costs:
        own_file = found.attempt(
            session.filled_file,
            settings.own_step_costs,
            key=f"{key}.own_step_costs",
            kind="step_costs",
        )
        if own_file is not None:
            own_costs = found.attempt(lambda f: read_step_costs(f, every_step=False), own_file)
    rest = (
        read(
            "rest_of_sector",
            lambda f: read_rest(f, settings.rest_of_sector_growth),
        )
        if settings.rest_of_sector
        else None
    )
    over_80 = (
        read("over_80_without_services", lambda f: read_table(f, OVER_80_SCHEMA))
        if settings.over_80_without_services
        else None
    )
    reference = (
        read("reference_summary", lambda f: read_table(f, REFERENCE_SCHEMA))
        if settings.reference_summary
        else None
    )
    prior = None
    if settings.calibration is not None:
        calibration = settings.calibration

        def read_prior(field: str, reader: Callable[[Path], T]) -> T | None:
            file = found.attempt(
                session.data_file, getattr(calibration, field), key=f"{key}.calibration.{field}"
            )
            return None if file is None else found.attempt(reader, file)

        prior = {
            "residents": read_prior("residents", read_residents),
            "step_costs": read_prior("step_costs", read_step_costs),
            "target_shares": read_prior("alternative_profile", read_target_shares),
        }
    found.raise_any()
    if own_costs is not None:  # the municipality's own figures replace the derived steps
        tables["step_costs"] = pd.concat(
            [tables["step_costs"].drop(index=own_costs.index), own_costs]
        ).sort_index()
    factor = price_factor(session, settings.price_year or session.defaults.price_year)
    if factor != 1.0:  # the costs in the municipality's price year
        tables["step_costs"] = tables["step_costs"].assign(
            cost_per_resident=tables["step_costs"]["cost_per_resident"] * factor
        )
        if rest is not None:
            rest = dataclasses.replace(rest, cost=rest.cost * factor)
    data = housing.HousingData(**tables, rest=rest)
    if prior is not None:
        prior = housing.HousingData(
            data.population,
            prior["residents"],
            prior["step_costs"],
            prior["target_shares"],
            data.persons_per_dwelling,
        )
    m = session.municipality
    crowded = housing.residents_above_population(
        data.residents, data.population, settings.projection, m.base_year
    )
    if crowded:
        raise InputError(session.data_file(settings.residents, key=f"{key}.residents"), crowded)
    years = (settings.projection, m.base_year, m.target_year)
    try:
        population_by_year(data.population, *years)
    except InputError as exc:
        raise _at_setting(exc, m.source_file, f"{key}.projection") from None
    try:
        housing.rest_by_year(data, *years)
    except InputError as exc:
        raise _at_setting(exc, m.source_file, f"{key}.rest_of_sector_growth") from None
    position = (
        settings.average_position_size or session.defaults.assumptions.average_position_size.value
    )
    return HousingInputs(data, settings, position, over_80, reference, prior)


def _at_setting(error: InputError, parameters: Path, key: str) -> InputError:
    """An error about the data told as one about the parameter file's setting ``key``."""
    return InputError(parameters, [Problem(p.message, key=key) for p in error.problems])
