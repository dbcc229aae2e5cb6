"""Loading the personas inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.analyses.calculator.engine import Assumptions
from workbench.analyses.personas.engine import Persona, check_persona_services
from workbench.analyses.personas.settings import PersonaSettings
from workbench.errors import InputError, Problem
from workbench.inputs import chosen_files, price_catalogue
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
