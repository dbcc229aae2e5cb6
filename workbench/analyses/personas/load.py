"""Loading the personas inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.analyses.personas.engine import (
    ALL_AGES,
    Persona,
    check_ages,
    check_persona_services,
    in_prices,
    new_cases,
    persons_from_prevalence,
)
from workbench.analyses.personas.settings import PersonaSettings
from workbench.errors import InputError, Problem
from workbench.inputs import chosen_files, price_catalogue, price_factor
from workbench.loaders import ROW_COLUMN, Column, memo_read, read_table, read_yaml
from workbench.population import AGE_GROUPS, population_by_year, read_population
from workbench.pricing import Assumptions
from workbench.sources import Sources


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
    incidence: pd.DataFrame | None = None
    """New cases per year from incidence × residents without the condition, base year to
    target year (:func:`~workbench.analyses.personas.engine.new_cases`), when the
    municipality gives an incidence file."""
    incidence_files: tuple[Path, ...] = ()

    @property
    def uses_incidence(self) -> bool:
        """The courses start from incidence rather than N ÷ L."""
        return self.settings.starts_from == "incidence"

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


def read_persona(path: Path) -> Persona:
    """A persona file, with its ages checked.

    Raises:
        InputError: An invalid key or value, or an episode or investment outside the
            persona's ages, or two episodes covering the same age, naming the trajectory
            and the ages.
    """
    persona = Persona.from_mapping(read_yaml(path), path)
    check_ages(persona, path)
    return persona


RATE_WORDS = {
    "prevalence": ("forekomsten", "en forekomst", "14,6 % skrives 0.146"),
    "incidence": ("insidensen", "en insidens", "43,9 per 1 000 personår skrives 0.0439"),
}


PREVALENCE_SCHEMA = {"age_group": Column(), "rate": Column("share")}


def read_prevalence(path: Path, kind: str = "prevalence") -> pd.DataFrame:
    """Prevalence rates by age group: ``age_group`` (one of the population file's groups,
    or ``67+`` for all of them) and ``rate`` (a share between 0 and 1, e.g. 0,146); with
    ``kind="incidence"`` new cases per person-year (e.g. 0,0439), read and checked alike.

    Raises:
        InputError: An unknown age group, a rate outside 0–1, or an age group given twice
            (also ``67+`` beside a group it covers), each with its row.
    """
    table = read_table(path, PREVALENCE_SCHEMA)
    word, one, example = RATE_WORDS[kind]
    known = (ALL_AGES, *AGE_GROUPS)
    problems = []
    seen: dict[str, int] = {}
    for row, group, rate in zip(table[ROW_COLUMN], table["age_group"], table["rate"], strict=True):
        if group not in known:
            problems.append(
                Problem(
                    f"ukjent aldersgruppe «{group}» (bruk {', '.join(known)})",
                    row=row,
                    column="age_group",
                )
            )
            continue
        if not 0 <= rate <= 1:
            shown = f"{rate:g}".replace(".", ",")
            problems.append(
                Problem(
                    f"{word} {shown} er ikke en andel mellom 0 og 1 ({example})",
                    row=row,
                    column="rate",
                )
            )
        for covered in AGE_GROUPS if group == ALL_AGES else (group,):
            if covered in seen:
                problems.append(
                    Problem(
                        f"aldersgruppe {covered} har allerede {one} (rad {seen[covered]})",
                        row=row,
                        column="age_group",
                    )
                )
            seen[covered] = row
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def load(session: Sources, persona_file: str = "") -> PersonaInputs:
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
        persona = memo_read(path, "persona", read_persona)  # frozen: safe to share
        given_year = persona.price_year or session.defaults.price_year
        persona = in_prices(persona, price_factor(session, given_year))
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
    prevalence, files, incidence, incidence_files = _over_the_population(session, settings)
    return PersonaInputs(
        table,
        Assumptions.from_defaults(session.defaults),
        personas,
        settings,
        prevalence,
        files,
        session.municipality.base_year,
        incidence,
        incidence_files,
    )


def _rates(session: Sources, name: str | None, kind: str) -> tuple[pd.DataFrame, Path] | None:
    """Rates by age group from the file a setting names (``kind`` is ``prevalence`` or
    ``incidence``), with the file; None where the setting is empty."""
    if name is None:
        return None
    path = session.data_file(name, key=f"analyses.personas.{kind}")
    return read_prevalence(path, kind), path


def _over_the_population(
    session: Sources, settings: PersonaSettings
) -> tuple[pd.DataFrame | None, tuple[Path, ...], pd.DataFrame | None, tuple[Path, ...]]:
    """N(t) from prevalence × the population projection, and new cases per year from
    incidence × the population without the condition (all residents where there is no
    prevalence), base year to target year, each with the files it comes from; None and ()
    for what the municipality does not give. The rates and the population are read once.

    Raises:
        InputError: A rates file is missing or invalid, or the municipality has no
            population projection to multiply the rates with.
    """
    prevalence_rates = _rates(session, settings.prevalence, "prevalence")
    incidence_rates = _rates(session, settings.incidence, "incidence")
    if prevalence_rates is None and incidence_rates is None:
        return None, (), None, ()
    needs = "prevalence" if prevalence_rates is not None else "incidence"
    years, population_file = _population(session, f"analyses.personas.{needs}")
    prevalence, files = None, ()
    if prevalence_rates is not None:
        prevalence = persons_from_prevalence(prevalence_rates[0], years)
        files = (prevalence_rates[1], population_file)
    incidence, incidence_files = None, ()
    if incidence_rates is not None:
        having = prevalence_rates[0] if prevalence_rates is not None else None
        incidence = new_cases(incidence_rates[0], years, having)
        incidence_files = (incidence_rates[1], population_file, *files[:1])
    return prevalence, files, incidence, incidence_files


def _population(session: Sources, key: str) -> tuple[pd.DataFrame, Path]:
    """The housing profile's population projection year by year, base year to target year,
    and its file.

    Raises:
        InputError: The municipality has no population projection (named by ``key``, the
            setting that needs it), or the projection is not in the file.
    """
    m = session.municipality
    housing_settings = m.analyses.housing
    if housing_settings is None:
        what = "forekomst" if key.endswith("prevalence") else "insidens"
        raise InputError(
            m.source_file,
            Problem(
                f"N fra {what} trenger befolkningsframskrivingen: legg inn "
                "analyses.housing.population (og projection) i parameterfilen",
                key=key,
            ),
        )
    population_file = session.data_file(
        housing_settings.population, key="analyses.housing.population"
    )
    population = read_population(population_file)
    try:
        years = population_by_year(
            population, housing_settings.projection, m.base_year, m.target_year
        )
    except InputError as exc:
        raise InputError(
            m.source_file,
            [Problem(p.message, key="analyses.housing.projection") for p in exc.problems],
        ) from None
    return years, population_file
