"""The housing profile for all municipalities at once: all populations interpolated in one
matrix operation, profiles, costs and dwellings joined by municipality, summed with one
group-by."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import HousingInputs
from workbench.analyses.housing.report import YEARLY_LABELS
from workbench.fleet import Municipal

FILES = {"housing": "boligprofil-per-ar"}
"""Table → file name under ``reports/alle-kommuner/``."""
HEADERS = {"year": "År", **YEARLY_LABELS}
"""The housing report's own per-year headings."""


def compute(stacked: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``housing``: ``municipality``, ``year``, ``persons``, ``fte_today``, ``fte_alt``,
    ``cost_today``, ``cost_alt``, ``dwellings_today``, ``dwellings_alt`` (the 67+), the rest
    of the sector and the sector's årsverk and cost (as :func:`engine.by_year`)."""
    return {"housing": _housing(stacked)}


def stack(municipalities: list[Municipal]) -> dict[str, pd.DataFrame]:
    """Population (the chosen projection), profiles, step costs and persons per dwelling of
    every municipality, each as one frame with a ``municipality`` column."""
    population, residents, targets, costs, dwellings, spans, rests = [], [], [], [], [], [], []
    for m in municipalities:
        inputs: HousingInputs = m.inputs["housing"]
        data = inputs.data
        part = data.population[data.population["alternative"] == inputs.settings.projection]
        population.append(part[["year", "age_group", "persons"]].assign(municipality=m.number))
        residents.append(data.residents.assign(municipality=m.number))
        targets.append(data.target_shares.assign(municipality=m.number))
        costs.append(data.step_costs.reset_index().assign(municipality=m.number))
        dwellings.append(data.persons_per_dwelling.reset_index().assign(municipality=m.number))
        spans.append((m.number, m.base_year, m.target_year))
        rests.append(
            housing.rest_by_year(
                data, inputs.settings.projection, m.base_year, m.target_year
            ).assign(municipality=m.number)
        )
    if not spans:
        return {}
    # today's profile for all municipalities at once
    today = housing.today_shares(pd.concat(residents, ignore_index=True), by=("municipality",))
    target = pd.concat(targets, ignore_index=True).rename(columns={"share": "share_target"})
    shares = today.rename(columns={"share": "share_today"}).merge(
        target[["municipality", "age_group", "step", "share_target"]],
        on=["municipality", "age_group", "step"],
    )
    return {
        "population": pd.concat(population, ignore_index=True),
        "shares": shares,
        "costs": pd.concat(costs, ignore_index=True),
        "dwellings": pd.concat(dwellings, ignore_index=True),
        "span": pd.DataFrame(spans, columns=["municipality", "base_year", "target_year"]),
        "rest": pd.concat(rests, ignore_index=True),
    }


def _housing(stacked: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Both profiles' årsverk, cost and dwellings per municipality and year, vectorised."""
    if not stacked:
        return pd.DataFrame()
    span = stacked["span"]
    frame = _interpolate(stacked["population"], span)
    frame = frame.merge(stacked["shares"], on=["municipality", "age_group"])
    frame = frame.merge(span, on="municipality")
    frame = frame.merge(stacked["costs"], on=["municipality", "step"])
    frame = frame.merge(stacked["dwellings"], on=["municipality", "age_group"])
    frame = housing.apply_profiles(frame, frame["base_year"], frame["target_year"])
    values = ["fte_today", "fte_alt", "cost_today", "cost_alt", "dwellings_today", "dwellings_alt"]
    sums = frame.groupby(["municipality", "year"])[values].sum()
    persons = (
        frame.drop_duplicates(["municipality", "year", "age_group"])
        .groupby(["municipality", "year"])["persons"]
        .sum()
    )
    table = sums.assign(persons=persons)[["persons", *values]].reset_index()
    table = table.merge(stacked["rest"], on=["municipality", "year"], how="left")
    for kind in ("fte", "cost"):
        for scenario in ("today", "alt"):
            table[f"{kind}_sector_{scenario}"] = table[f"{kind}_{scenario}"] + table[f"{kind}_rest"]
    return table


def _interpolate(population: pd.DataFrame, span: pd.DataFrame) -> pd.DataFrame:
    """Persons per municipality, age group and year base..target, linear between given years.

    Municipalities with the same given years are done together as one matrix: each wanted
    year is a weighted sum of the two given years around it.
    """
    wide = population.pivot_table(
        index=["municipality", "age_group"], columns="year", values="persons", aggfunc="first"
    )
    first, last = int(span["base_year"].min()), int(span["target_year"].max())
    years = np.arange(first, last + 1)
    frames = []
    given_sets = wide.notna().apply(lambda row: tuple(wide.columns[row]), axis=1)
    for given, rows in wide.groupby(given_sets, sort=False):
        given_years = np.array(given, dtype=float)
        values = rows[list(given)].to_numpy(dtype=float)  # (municipality, age) × given years
        weights = np.stack(
            [np.interp(years, given_years, np.eye(len(given_years))[i]) for i in range(len(given))]
        )  # given years × wanted years
        frames.append(
            pd.DataFrame(values @ weights, index=rows.index, columns=years)
            .rename_axis(columns="year")
            .stack()
            .rename("persons")
            .reset_index()
        )
    frame = pd.concat(frames, ignore_index=True).merge(span, on="municipality")
    inside = (frame["year"] >= frame["base_year"]) & (frame["year"] <= frame["target_year"])
    return frame.loc[inside, ["municipality", "year", "age_group", "persons"]]
