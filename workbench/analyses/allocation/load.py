"""Loading the allocation inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from workbench import reference
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.settings import AllocationSettings
from workbench.errors import Collector, InputError
from workbench.loaders import (
    Column,
    file_key,
    memo,
    memo_read,
    money_column,
    people_column,
    read_table,
    year_column,
)
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
    services: pd.DataFrame | None = None
    """The services on each canonical step (``step``, ``category``, ``service``)."""
    targets: pd.DataFrame | None = None
    """Target shares per step for chosen years (``year``, ``step``, ``share``)."""
    view: str = "ledger"
    """``ledger`` (the municipality's accounts), ``kostra`` (its accounts per KOSTRA
    function from SSB, while the ledger is a template) or ``reference`` (the source's figures)."""


T = TypeVar("T")

INHABITANT_SCHEMA = {"year": year_column(), "inhabitants": people_column()}
COMPARISON_SCHEMA = {
    "municipality": Column(),
    "year": year_column(),
    "funksjon": Column(),
    "amount": money_column(),
    "inhabitants": people_column(),
}
ALLOCATION_REFERENCE_SCHEMA = {
    "step": Column("int"),
    "amount_mill": Column("float"),
    "share": Column("share"),
    "recipients": Column("float", nullable=True),
    "per_recipient": Column("float", nullable=True),
    "note": Column(required=False, nullable=True),
}


TEMPLATE_FIELDS = ("ledger", "rules")
"""Settings whose file ``workbench new`` writes as a template for the municipality to fill in."""


def load(session: Session) -> AllocationInputs:
    """Ledger, rules (the municipality's before the defaults), steps and comparison data.

    Raises:
        InputError: A file is missing or invalid, or a rule names a step the
            municipality's step list lacks.
    """
    settings = session.municipality.analyses.allocation
    key = "analyses.allocation"
    found = Collector()

    def read(field: str, reader: Callable[[Path], T]) -> T | None:
        """The file named by ``field`` read with ``reader``, or None when the setting is
        empty, the file a template still to fill in (the ledger, the rules) or bad (kept
        in ``found``, so every bad file is named at once)."""
        name = getattr(settings, field)
        if not name:
            return None
        if field in TEMPLATE_FIELDS:
            file = found.attempt(session.filled_file, name, key=f"{key}.{field}", kind=field)
        else:
            file = found.attempt(session.data_file, name, key=f"{key}.{field}")
        return None if file is None else found.attempt(reader, file)

    canonical = reference.steps(session.project.data_dir, session.municipality)
    canonical = canonical.assign(canonical_step=canonical["step"])
    canonical_ids = set(canonical["step"])
    steps = (
        read("steps", lambda f: allocation.read_steps(f, canonical_ids)) if settings.steps else None
    )
    # Without a valid step list, the rules are checked against the canonical steps.
    step_ids = set((canonical if steps is None else steps)["step"])
    default_table = read(
        "default_rules",
        lambda f: memo_read(
            f,
            "rules",
            lambda g: allocation.read_rules(g, allocation.DEFAULT, canonical_ids),
            frozenset(canonical_ids),
        ),
    )
    ledger = read("ledger", allocation.read_ledger)
    if ledger is not None:  # a function KOSTRA does not know would end in «Ikke fordelt»
        ledger_file = session.data_file(settings.ledger, key=f"{key}.ledger")
        unknown = allocation.unknown_functions(
            ledger, reference.kostra_functions(session.project.data_dir)
        )
        if unknown:
            found.errors.append(InputError(ledger_file, unknown))
            ledger = None
        else:
            for text in allocation.ledger_notes(ledger):
                session.note(ledger_file, text)
    if ledger is not None and settings.basis == "gross":
        try:
            ledger = allocation.gross(ledger)
        except ValueError as exc:
            found.errors.append(
                InputError(session.data_file(settings.ledger, key=f"{key}.ledger"), str(exc))
            )
    own_rules = read(
        "rules",
        lambda f: memo_read(
            f,
            "rules",
            lambda g: allocation.read_rules(g, allocation.MUNICIPAL, step_ids),
            allocation.MUNICIPAL,
            frozenset(step_ids),
        ),
    )
    recipients = read("recipients", lambda f: allocation.read_recipients(f, step_ids))
    inhabitants = read("inhabitants", lambda f: read_table(f, INHABITANT_SCHEMA))
    comparisons = read("comparisons", lambda f: read_table(f, COMPARISON_SCHEMA))
    kostra = read("kostra", lambda f: read_table(f, COMPARISON_SCHEMA))
    ref = read("reference", lambda f: read_table(f, ALLOCATION_REFERENCE_SCHEMA))
    services = read(
        "services",
        lambda f: memo_read(
            f,
            "services",
            lambda g: allocation.read_services(g, canonical_ids),
            frozenset(canonical_ids),
        ),
    )
    targets = read("target_profile", lambda f: allocation.read_target_profile(f, step_ids))
    found.raise_any()
    if steps is None:
        steps = canonical
    # the same rule files compile to the same rules: once per process (the batch, a fleet)
    default_key = file_key(session.project.data_dir / settings.default_rules)
    canonical_rules = memo(
        ("compiled-rules", default_key), lambda: allocation.compile_rules(default_table)
    )
    rules, parts = canonical_rules
    view = "ledger" if ledger is not None else "reference"
    if ledger is None and kostra is not None:
        # no ledger yet: the accounts per KOSTRA function, on the default rules
        ledger, view = allocation.function_ledger(kostra), "kostra"
        if inhabitants is None:
            inhabitants = kostra.groupby("year", as_index=False)["inhabitants"].first()
    if ledger is not None:
        tables = [own_rules] if own_rules is not None else []
        if settings.steps is None:
            tables.append(default_table)
        own_key = (
            file_key(session.project.data_dir / settings.rules) if own_rules is not None else None
        )
        rules, parts = memo(
            ("compiled-rules", own_key, default_key if settings.steps is None else None),
            lambda: allocation.compile_rules(*tables),
        )
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
        services,
        targets,
        view,
    )
