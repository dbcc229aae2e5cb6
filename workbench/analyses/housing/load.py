"""Loading the housing profile inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.settings import HousingSettings
from workbench.errors import InputError, Problem
from workbench.loaders import Column, read_table
from workbench.session import Session


@dataclass(frozen=True)
class HousingInputs:
    data: housing.HousingData
    settings: HousingSettings
    position_size: float
    over_80: pd.DataFrame | None
    reference: pd.DataFrame | None


OVER_80_SCHEMA = {"region": Column(), "year": Column("int"), "share": Column("float")}
REFERENCE_SCHEMA = {"label": Column(), "value": Column("float"), "unit": Column()}


def load(session: Session) -> HousingInputs:
    """Population, profiles, costs and comparison series for the housing profile.

    Raises:
        InputError: A file is missing or invalid, or the population lacks the chosen
            projection alternative or does not cover the base and target years.
    """
    settings = session.municipality.analyses.housing
    key = "analyses.housing"

    def path(field: str) -> Path:
        return session.data_file(getattr(settings, field), key=f"{key}.{field}")

    data = housing.HousingData(
        population=housing.read_population(path("population")),
        residents=housing.read_residents(path("residents")),
        step_costs=housing.read_step_costs(path("step_costs")),
        target_shares=housing.read_target_shares(path("alternative_profile")),
        persons_per_dwelling=housing.read_persons_per_dwelling(path("persons_per_dwelling")),
    )
    m = session.municipality
    try:
        housing.population_by_year(data.population, settings.projection, m.base_year, m.target_year)
    except InputError as exc:
        raise InputError(
            m.source_file, [Problem(p.message, key=f"{key}.projection") for p in exc.problems]
        ) from None
    over_80 = (
        read_table(path("over_80_without_services"), OVER_80_SCHEMA)
        if settings.over_80_without_services
        else None
    )
    reference = (
        read_table(path("reference_summary"), REFERENCE_SCHEMA)
        if settings.reference_summary
        else None
    )
    position = (
        settings.average_position_size or session.defaults.assumptions.average_position_size.value
    )
    return HousingInputs(data, settings, position, over_80, reference)
