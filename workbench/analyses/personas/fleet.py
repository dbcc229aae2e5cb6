"""The personas for all municipalities: each municipality through the report's own engine
functions (:func:`engine.totals`, :func:`engine.scale`, :func:`engine.phase_in`), with the
year-by-year trajectories priced once per distinct persona, price catalogue and assumptions
(the same call would give the same table)."""

from __future__ import annotations

import pandas as pd

from workbench.analyses.personas import engine as personas
from workbench.fleet import Municipal, stack_priced

FILES = {"personas": "personas", "phase_in": "personas-innfasing"}
"""Table → file name under ``reports/alle-kommuner/``."""
HEADERS = {
    "persona": "Persona",
    "trajectory": "Forløp",
    "total_cost": "Kostnad over hele forløpet (kr)",
    "annual_cost": "Årskostnad (kr)",
    "diff_annual_cost": "Forskjell per år mot referanseforløpet (kr)",
    "first_saving_year": "Første år med besparelse ved innfasing",
    "year": "År",
    "extra_total_cost": "Merkostnad ved innfasing (kr)",
}


def stack(members: list[Municipal]) -> dict[tuple, list]:
    """Municipalities grouped by (persona, price catalogue, assumptions)."""
    return stack_priced(members, "personas", lambda inputs: inputs.personas)


def compute(groups: dict[tuple, list]) -> dict[str, pd.DataFrame]:
    """``personas``: ``municipality``, ``persona``, ``trajectory``, ``total_cost``,
    ``annual_cost`` (N ÷ L × total), ``diff_annual_cost``, ``first_saving_year``;
    ``phase_in``: ``municipality``, ``persona``, ``year``, ``extra_total_cost``."""
    totals, phases = [], []
    for first, item, members in groups.values():
        table = personas.yearly(item.persona, first.catalogue, first.assumptions)
        by_reference: dict[str, pd.DataFrame] = {}  # the same call gives the same table
        for number, inputs in members:
            reference = inputs.settings.reference
            if reference not in by_reference:
                by_reference[reference] = personas.totals(table, reference)
            scaled, phase = _one(item.persona, inputs, table, by_reference[reference])
            keys = {"municipality": number, "persona": item.stem}
            saving = personas.first_saving_year(phase)
            totals.append(scaled.assign(**keys, first_saving_year=saving))
            phases.append(phase[["year", "extra_total_cost"]].assign(**keys))
    if not totals:
        return {"personas": pd.DataFrame(), "phase_in": pd.DataFrame()}
    columns = ["municipality", "persona", "trajectory", "total_cost", "annual_cost"]
    columns += ["diff_annual_cost", "first_saving_year"]
    phase_columns = ["municipality", "persona", "year", "extra_total_cost"]
    return {
        "personas": pd.concat(totals, ignore_index=True)[columns],
        "phase_in": pd.concat(phases, ignore_index=True)[phase_columns],
    }


def _one(
    persona, inputs, table: pd.DataFrame, total_table: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One municipality's steady state and phase-in, as :func:`engine.evaluate` makes them
    (``total_table``: :func:`engine.totals` of ``table`` for the municipality's reference)."""
    settings = inputs.settings
    group = personas.cohorts(persona, inputs)
    hours_per_fte = inputs.assumptions.hours_per_fte
    scaled = personas.scale(
        total_table, group.persons, group.length, hours_per_fte, settings.reference
    )
    scaled["total_cost"] = total_table["total_cost"].to_numpy()
    phase = personas.phase_in(
        table, group.starting, settings.reference, settings.phase_in_to, group.years, group.length
    )
    return scaled, phase
