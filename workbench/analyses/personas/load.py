"""Loading the personas inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.analyses.calculator.engine import Assumptions
from workbench.analyses.housing import engine as housing
from workbench.analyses.personas.engine import (
    Persona,
    check_persona_services,
    persons_from_prevalence,
    read_prevalence,
)
from workbench.analyses.personas.settings import PersonaSettings
from workbench.errors import InputError, Problem
from workbench.inputs import chosen_files, price_catalogue
from workbench.loaders import memo_read
from workbench.session import Session


@dataclass(frozen=True)
class PersonaFile:
    stem: str
    path: Path
    persona: Persona


@dataclass(frozen=True)
class PersonaInputs:
    catalogue: pd.DataFrame
    assumptions: Assumptions
    personas: list[PersonaFile]
    settings: PersonaSettings
    prevalence: pd.DataFrame | None = None
    """N(t) from prevalence × population, base year to target year
    (:func:`~workbench.analyses.personas.engine.persons_from_prevalence`), when the
    municipality gives a prevalence file."""
    prevalence_files: tuple[Path, ...] = ()
    """The prevalence file and the population file N(t) is computed from."""
    base_year: int = 0

    @property
    def uses_prevalence(self) -> bool:
        """The phase-in uses N(t) from prevalence rather than the municipality's own N."""
        return self.settings.n_from == "prevalence"

    @property
    def persons(self) -> float:
        """N in the base year: the municipality's own number, or N(t) from prevalence."""
        if self.uses_prevalence:
            rows = self.prevalence.set_index("year")["persons"]
            return float(rows.loc[self.base_year])
        return float(self.settings.persons)


def load(session: Session, persona_file: str = "") -> PersonaInputs:
    """Catalogue, assumptions, personas and the municipality's scaling settings.

    Args:
        session: The open session.
        persona_file: A persona file relative to ``data/`` to use instead of the
            municipality's own list.

    Raises:
        InputError: A file is missing or invalid, an episode names an unknown service, or
            the reference or phase-in trajectory is missing from a persona.
    """
    table, _ = price_catalogue(session)
    settings = session.municipality.analyses.personas
    personas = []
    for path in chosen_files(
        session, persona_file, "persona_file", settings.personas, "analyses.personas.personas"
    ):
        persona = memo_read(path, "persona", Persona.from_file)  # frozen: safe to share
        check_persona_services(persona, table, path)
        keys = {t.key for t in persona.trajectories}
        for setting in ("reference", "phase_in_to"):
            wanted = getattr(settings, setting)
            if wanted not in keys:
                raise InputError(
                    session.municipality.source_file,
                    Problem(
                        f"forløpet «{wanted}» finnes ikke i {path.name} (finnes: {', '.join(sorted(keys))})",
                        key=f"analyses.personas.{setting}",
                    ),
                )
        personas.append(PersonaFile(path.stem, path, persona))
    prevalence, files = _prevalence(session, settings)
    return PersonaInputs(
        table,
        Assumptions.from_defaults(session.defaults),
        personas,
        settings,
        prevalence,
        files,
        session.municipality.base_year,
    )


def _prevalence(
    session: Session, settings: PersonaSettings
) -> tuple[pd.DataFrame | None, tuple[Path, ...]]:
    """N(t) for base year to target year from the prevalence file and the housing
    profile's population projection, with the two files; (None, ()) without a prevalence
    file.

    Raises:
        InputError: The prevalence file is missing or invalid, or the municipality has no
            population projection to multiply it with.
    """
    if settings.prevalence is None:
        return None, ()
    m = session.municipality
    rates_file = session.data_file(settings.prevalence, key="analyses.personas.prevalence")
    rates = read_prevalence(rates_file)
    housing_settings = m.analyses.housing
    if housing_settings is None:
        raise InputError(
            m.source_file,
            Problem(
                "N fra forekomst trenger befolkningsframskrivingen: legg inn "
                "analyses.housing.population (og projection) i parameterfilen",
                key="analyses.personas.prevalence",
            ),
        )
    population_file = session.data_file(
        housing_settings.population, key="analyses.housing.population"
    )
    population = housing.read_population(population_file)
    try:
        years = housing.population_by_year(
            population, housing_settings.projection, m.base_year, m.target_year
        )
    except InputError as exc:
        raise InputError(
            m.source_file,
            [Problem(p.message, key="analyses.housing.projection") for p in exc.problems],
        ) from None
    return persons_from_prevalence(rates, years), (rates_file, population_file)
