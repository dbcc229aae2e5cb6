"""Where the analyses meet: what one analysis's report shows from another's results.

This is the one module that reads more than one analysis. Each function says which analysis
it reads (:data:`REQUIRES`) and reads it through that analysis's own load and engine, the
way its report does; the analyses themselves never import each other.

- :func:`persona_fte_effect`: the personas' «samlet effekt» in årsverk per calendar year, for
  the housing profile's workforce figure (personas → housing);
- :func:`staircase_today` and :func:`share_shift`: the allocation's cost per step today and
  the personas' «samlet effekt» added to it (allocation → personas).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench import analyses

if TYPE_CHECKING:
    from workbench.session import Session

REQUIRES = {
    "persona_fte_effect": ("personas",),
    "staircase_today": ("allocation",),
}
"""Each meeting point and the analyses it reads."""


def _configured(session: Session, function: str) -> bool:
    return all(analyses.get(k).enabled_for(session.municipality) for k in REQUIRES[function])


def persona_fte_effect(session: Session) -> tuple[pd.Series | None, list[Path]]:
    """Calendar year → change in årsverk from the personas' «samlet effekt» (each persona
    once; the phase-in starts the year after the base year), and the persona files it comes
    from; (None, []) where the municipality has no personas."""
    if not _configured(session, "persona_fte_effect"):
        return None, []
    from workbench.analyses.personas import engine as personas_engine
    from workbench.analyses.personas import load as personas_load

    inputs = personas_load.load(session)
    first = {}
    for persona_file in inputs.personas:
        first.setdefault(persona_file.persona.name, persona_file)
    phases = [personas_engine.evaluate(f.persona, inputs).steps_phase for f in first.values()]
    per_year = pd.concat(phases).groupby("year")["fte"].sum()
    base = session.municipality.base_year
    files = [f.path for f in first.values()]
    return pd.Series(per_year.to_numpy(), index=per_year.index + base), files


@dataclass(frozen=True)
class Staircase:
    """The allocation's cost per step today.

    Args:
        today: ``step``, ``name``, ``amount`` (kr; NaN where unknown).
        total: Today's total over the steps.
        year: The accounts' year (their kroner).
        files: The files the costs come from.
    """

    today: pd.DataFrame
    total: float
    year: int
    files: list[Path]


def staircase_today(session: Session) -> Staircase | None:
    """The municipality's staircase today from its allocation (its ledger, or the source's
    figures), or None where it has no allocation."""
    if not _configured(session, "staircase_today"):
        return None
    from workbench.analyses.allocation import engine as allocation_engine
    from workbench.analyses.allocation import load as allocation_load
    from workbench.analyses.allocation.report import cost_files, today_by_step

    inputs = allocation_load.load(session)
    result = allocation_engine.evaluate(inputs) if inputs.ledger is not None else None
    today, total = today_by_step(inputs, result)
    year = result.year if result is not None else inputs.settings.year
    return Staircase(today, total, year, cost_files(session, inputs, result))


def share_shift(today: pd.DataFrame, total: float, combined: pd.DataFrame) -> pd.DataFrame:
    """Each step's share of the allocation today and with «samlet effekt» added to it.

    Args:
        today: ``step``, ``name``, ``amount`` (kr; NaN where unknown).
        total: Today's total over the steps.
        combined: ``step`` and ``cost`` (kr per year, in the accounts' kroner).

    Returns:
        ``step``, ``name``, ``share`` (today), ``share_after``, ``points`` (the change in
        prosentpoeng).
    """
    change = combined.set_index("step")["cost"]
    after = today["amount"] + today["step"].map(change).fillna(0.0)
    moved = float(change[change.index.isin(today.loc[today["amount"].notna(), "step"])].sum())
    table = today[["step", "name"]].copy()
    table["share"] = today["amount"] / total
    table["share_after"] = after / (total + moved)
    table["points"] = (table["share_after"] - table["share"]) * 100
    return table
