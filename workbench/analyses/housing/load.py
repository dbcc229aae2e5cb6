"""Loading the housing profile inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.settings import HousingSettings
from workbench.errors import Collector, InputError, Problem
from workbench.inputs import price_factor
from workbench.loaders import Column, memo_read, read_table, year_column
from workbench.session import Session


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


def load(session: Session) -> HousingInputs:
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
        "population": read("population", housing.read_population),
        "residents": read("residents", housing.read_residents),
        # files several municipalities may share (standard costs, a common profile): read
        # once per process while unchanged
        "step_costs": read("step_costs", shared("step_costs", housing.read_step_costs)),
        "target_shares": read(
            "alternative_profile", shared("target_shares", housing.read_target_shares)
        ),
        "persons_per_dwelling": read(
            "persons_per_dwelling", shared("dwellings", housing.read_persons_per_dwelling)
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
            own_costs = found.attempt(
                lambda f: housing.read_step_costs(f, every_step=False), own_file
            )
    rest = (
        read(
            "rest_of_sector",
            lambda f: housing.read_rest(f, settings.rest_of_sector_growth),
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
            "residents": read_prior("residents", housing.read_residents),
            "step_costs": read_prior("step_costs", housing.read_step_costs),
            "target_shares": read_prior("alternative_profile", housing.read_target_shares),
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
        housing.population_by_year(data.population, *years)
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
