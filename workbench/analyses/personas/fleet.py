"""The personas for all municipalities: each municipality through the report's own engine
functions (:func:`engine.totals`, :func:`engine.scale`, :func:`engine.phase_in`), with the
year-by-year trajectories priced once per distinct persona, price catalogue and assumptions
(the same call would give the same table)."""

from __future__ import annotations

import pandas as pd

from workbench.analyses.personas import engine as personas
from workbench.fleet import Municipal, stack_priced

FILES = {"personas": "personas", "phase_in": "personas-innfasing"}
"""Table → file name under ``reports/all-municipalities/``."""
HEADERS = {
    "persona": "Persona",
    "trajectory": "Forløp",
    "running_cost": "Driftskostnad over hele forløpet (kr)",
    "investment": "Investeringer over forløpet (kr)",
    "annual_cost": "Drift per år (kr)",
    "annual_investment": "Investeringer per år (kr)",
    "diff_annual_cost": "Forskjell i drift per år mot referanseforløpet (kr)",
    "first_saving_year": "Første år med besparelse i driften ved innfasing",
    "year": "År",
    "extra_running_cost": "Merkostnad i driften ved innfasing (kr)",
    "extra_investment": "Investeringer ved innfasing (kr)",
}


PHASE_COSTS = ("extra_running_cost", "extra_investment")


def stack(members: list[Municipal]) -> dict[tuple, list]:
    """Municipalities grouped by (persona, price catalogue, assumptions)."""
    return stack_priced(members, "personas", lambda inputs: inputs.personas)


def compute(groups: dict[tuple, list]) -> dict[str, pd.DataFrame]:
    """``personas``: ``municipality``, ``persona``, ``trajectory``, ``running_cost``,
    ``investment``, ``annual_cost`` (N ÷ L × running cost), ``annual_investment``,
    ``diff_annual_cost``, ``first_saving_year`` (in running costs); ``phase_in``:
    ``municipality``, ``persona``, ``year``, ``extra_running_cost``, ``extra_investment``."""
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
            phases.append(phase[["year", *PHASE_COSTS]].assign(**keys))
    if not totals:
        return {"personas": pd.DataFrame(), "phase_in": pd.DataFrame()}
    columns = ["municipality", "persona", "trajectory", "running_cost", "investment"]
    columns += ["annual_cost", "annual_investment", "diff_annual_cost", "first_saving_year"]
    phase_columns = ["municipality", "persona", "year", *PHASE_COSTS]
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
    scaled["running_cost"] = total_table["running_cost"].to_numpy()
    scaled["investment"] = total_table["investment"].to_numpy()
    phase = personas.phase_in(
        table, group.starting, settings.reference, settings.phase_in_to, group.years, group.length
    )
    return scaled, phase
