"""The personas for all municipalities at once: the year-by-year trajectories are priced once
per distinct price catalogue, then scaling (N ÷ L) and phase-in are array operations over
all municipalities."""

from __future__ import annotations

import numpy as np
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
    totals, phase = _personas(groups)
    return {"personas": totals, "phase_in": phase}


def _personas(groups: dict[tuple, list]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals priced once per (persona, catalogue); N ÷ L scaling and phase-in as arrays."""
    cache = {
        key: personas.yearly(item.persona, inputs.catalogue, inputs.assumptions).assign(
            persona=item.stem
        )
        for key, (inputs, item, _) in groups.items()
    }
    groups = {key: members for key, (_, _, members) in groups.items()}
    totals_frames, phase_frames = [], []
    for key, members in groups.items():
        table = cache[key]
        settings = [inputs.settings for _, inputs in members]
        numbers = np.array([number for number, _ in members])
        persons = np.array([inputs.persons for _, inputs in members], dtype=float)
        trajectory_years = int(table["year"].max())
        lengths = np.array(
            [personas.trajectory_length(s, trajectory_years) for s in settings], dtype=float
        )
        share = persons / lengths  # N ÷ L per municipality; every figure below scales with it
        unit = personas.totals(table, settings[0].reference)  # total_cost: reference-free
        total = unit["total_cost"].to_numpy()
        trajectories = unit["trajectory"].to_numpy()
        references = np.array([s.reference for s in settings])
        reference_total = total[[list(trajectories).index(r) for r in references]]
        annual = share[:, None] * total[None, :]  # municipalities × trajectories
        totals_frames.append(
            pd.DataFrame(
                {
                    "municipality": np.repeat(numbers, len(total)),
                    "persona": table["persona"].iloc[0],
                    "trajectory": np.tile(trajectories, len(numbers)),
                    "total_cost": np.tile(total, len(numbers)),
                    "annual_cost": annual.ravel(),
                    "diff_annual_cost": (annual - (share * reference_total)[:, None]).ravel(),
                }
            )
        )
        phase_frames.append(_phase_in(table, members, numbers, share))
    totals = pd.concat(totals_frames, ignore_index=True) if totals_frames else pd.DataFrame()
    phase = pd.concat(phase_frames, ignore_index=True) if phase_frames else pd.DataFrame()
    if not phase.empty:
        saving = phase[phase["extra_total_cost"] < 0].groupby(["municipality", "persona"])["year"]
        first = saving.min().rename("first_saving_year").reset_index()
        totals = totals.merge(first, on=["municipality", "persona"], how="left")
    return totals, phase


def _phase_in(
    table: pd.DataFrame, members: list, numbers: np.ndarray, share: np.ndarray
) -> pd.DataFrame:
    """Extra cost per year for every municipality: the engine's phase-in for a cohort of one
    (:func:`workbench.analyses.personas.engine.phase_in` is linear in N ÷ L), times each municipality's N ÷ L."""
    settings = [inputs.settings for _, inputs in members]
    length = int(table["year"].max())
    choices = [(s.reference, s.phase_in_to, personas.phase_in_horizon(s, length)) for s in settings]
    frames = []
    for old, new, years in sorted(set(choices)):
        rows = np.array([choice == (old, new, years) for choice in choices])
        per_person = personas.phase_in(table, 1.0, old, new, years, 1.0)  # N ÷ L = 1
        extra = share[rows, None] * per_person["extra_total_cost"].to_numpy()[None, :]
        # N(t) from prevalence: each cohort its own size, so those are priced one by one.
        for i, index in enumerate(np.flatnonzero(rows)):
            inputs = members[index][1]
            if inputs.uses_prevalence:
                cohorts = personas.persons_per_phase_year(
                    inputs.prevalence, inputs.base_year, years
                )
                extra[i] = personas.phase_in(
                    table,
                    cohorts,
                    old,
                    new,
                    years,
                    personas.trajectory_length(settings[index], length),
                )["extra_total_cost"].to_numpy()
        k = per_person["year"].to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "municipality": np.repeat(numbers[rows], years),
                    "persona": table["persona"].iloc[0],
                    "year": np.tile(k, rows.sum()),
                    "extra_total_cost": extra.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
