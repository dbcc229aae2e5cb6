"""Loading the allocation inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench import reference
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.settings import AllocationSettings
from workbench.errors import InputError
from workbench.loaders import Column, read_table
from workbench.session import Session


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


def load(session: Session) -> AllocationInputs:
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
    recipients = (
        allocation.read_recipients(path("recipients"), step_ids) if settings.recipients else None
    )
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
