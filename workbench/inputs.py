"""Assembling each analysis's validated inputs from a session's files.

The loaders read files; the engines compute. This module sits between them: it finds the
files a municipality's parameters name, reads them through the loaders (recording their
sources in the session) and returns plain objects the pure engines take.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench import allocation, housing, reference
from workbench import catalogue as catalogue_module
from workbench.calculator import Assumptions, Package, check_services
from workbench.config import AllocationSettings, HousingSettings, PersonaSettings
from workbench.errors import InputError, Problem
from workbench.loaders import Column, read_table
from workbench.personas import Persona, check_persona_services
from workbench.session import Session


@dataclass(frozen=True)
class PackageFile:
    """A package read from a file; ``stem`` names its tables and figures."""

    stem: str
    path: Path
    package: Package


@dataclass(frozen=True)
class CalculatorInputs:
    catalogue: pd.DataFrame
    assumptions: Assumptions
    packages: list[PackageFile]
    catalogue_files: list[Path]


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
        tables.append(catalogue_module.read_catalogue(path, name))
        files.append(path)
    table = tables[0]
    for later in tables[1:]:
        table = catalogue_module.merge(table, later)
    if session.municipality.prices:
        path = session.data_file(session.municipality.prices, key="prices")
        table = catalogue_module.merge(
            table, catalogue_module.read_catalogue(path, session.municipality.prices)
        )
        files.append(path)
    return table, files


def calculator_inputs(session: Session, package_file: str = "") -> CalculatorInputs:
    """Catalogue, assumptions and packages for the resource calculator.

    Args:
        session: The open session.
        package_file: A package file relative to ``data/`` to use instead of the
            municipality's own list.

    Raises:
        InputError: A file is missing or invalid, or a package names an unknown service.
    """
    table, catalogue_files = price_catalogue(session)
    settings = session.municipality.analyses.calculator
    packages = []
    for path in chosen_files(
        session, package_file, "package_file", settings.packages, "analyses.calculator.packages"
    ):
        package = Package.from_file(path)
        check_services(package, table, path)
        packages.append(PackageFile(path.stem, path, package))
    return CalculatorInputs(
        table, Assumptions.from_defaults(session.defaults), packages, catalogue_files
    )


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


def persona_inputs(session: Session, persona_file: str = "") -> PersonaInputs:
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
        persona = Persona.from_file(path)
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
    return PersonaInputs(table, Assumptions.from_defaults(session.defaults), personas, settings)


@dataclass(frozen=True)
class HousingInputs:
    data: housing.HousingData
    settings: HousingSettings
    position_size: float
    over_80: pd.DataFrame | None
    reference: pd.DataFrame | None


OVER_80_SCHEMA = {"region": Column(), "year": Column("int"), "share": Column("float")}
REFERENCE_SCHEMA = {"label": Column(), "value": Column("float"), "unit": Column()}


def housing_inputs(session: Session) -> HousingInputs:
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
    except KeyError as exc:
        raise InputError(m.source_file, Problem(exc.args[0], key=f"{key}.projection")) from None
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


@dataclass(frozen=True)
class AllocationInputs:
    """What the allocation needs; ``ledger`` is None when only the source's figures exist."""

    settings: AllocationSettings
    steps: pd.DataFrame
    ledger: pd.DataFrame | None
    rules: list[allocation.Rule]
    parts: pd.DataFrame
    recipients: pd.DataFrame | None
    inhabitants: pd.DataFrame | None
    comparisons: pd.DataFrame | None
    canonical_rules: tuple[list[allocation.Rule], pd.DataFrame]
    reference: pd.DataFrame | None


INHABITANT_SCHEMA = {"year": Column("int"), "inhabitants": Column("float")}
COMPARISON_SCHEMA = {
    "municipality": Column(),
    "year": Column("int"),
    "funksjon": Column(),
    "amount": Column("float"),
    "inhabitants": Column("float"),
}
ALLOCATION_REFERENCE_SCHEMA = {
    "step": Column("int"),
    "amount_mill": Column("float"),
    "share": Column("float"),
    "recipients": Column("float", nullable=True),
    "per_recipient": Column("float", nullable=True),
    "note": Column(required=False, nullable=True),
}


def allocation_inputs(session: Session) -> AllocationInputs:
    """Ledger, rules (the municipality's before the defaults), steps and comparison data.

    Raises:
        InputError: A file is missing or invalid, or a rule names a step the
            municipality's step list lacks.
    """
    settings = session.municipality.analyses.allocation
    key = "analyses.allocation"

    def path(field: str) -> Path | None:
        name = getattr(settings, field)
        return session.data_file(name, key=f"{key}.{field}") if name else None

    canonical = reference.steps(session.project.data_dir, session.municipality)
    canonical = canonical.assign(canonical_step=canonical["step"])
    steps = (
        allocation.read_steps(path("steps"), set(canonical["step"]))
        if settings.steps
        else canonical
    )
    step_ids = set(steps["step"])
    default_table = allocation.read_rules(
        path("default_rules"), allocation.DEFAULT, set(canonical["step"])
    )
    canonical_rules = allocation.compile_rules(default_table)
    ledger = None
    rules, parts = canonical_rules
    if settings.ledger:
        ledger = allocation.read_ledger(path("ledger"))
        if settings.basis == "gross":
            try:
                ledger = allocation.gross(ledger)
            except ValueError as exc:
                raise InputError(path("ledger"), str(exc)) from None
        tables = (
            [allocation.read_rules(path("rules"), allocation.MUNICIPAL, step_ids)]
            if settings.rules
            else []
        )
        if settings.steps is None:
            tables.append(default_table)
        rules, parts = allocation.compile_rules(*tables)
    recipients = allocation.read_recipients(path("recipients")) if settings.recipients else None
    inhabitants = (
        read_table(path("inhabitants"), INHABITANT_SCHEMA) if settings.inhabitants else None
    )
    comparisons = (
        read_table(path("comparisons"), COMPARISON_SCHEMA) if settings.comparisons else None
    )
    ref = read_table(path("reference"), ALLOCATION_REFERENCE_SCHEMA) if settings.reference else None
    return AllocationInputs(
        settings,
        steps,
        ledger,
        rules,
        parts,
        recipients,
        inhabitants,
        comparisons,
        canonical_rules,
        ref,
    )
