"""Boligprofil: where residents 67+ live, projected to the target year, with staffing and cost.

Inputs: population by age group (67–79, 80–89, 90+) and year for one or more projection
alternatives; base-year residents per age group on each of the six housing steps (their
distribution gives today's shares); årsverk and annual cost per resident on each step; an
alternative profile (target shares per age group and step in the target year); persons per
dwelling by age group.

- population between given years is interpolated linearly (and marked as such) by
  :func:`workbench.population.population_by_year`
- shares: today's profile is held fixed; the alternative moves linearly from today's
  shares in the base year to the target shares in the target year
- need per step and year = Σ over age groups of population × share
- årsverk and cost = need × årsverk / cost per resident of the step
- dwellings: residents on steps 1–3 ÷ persons per dwelling of their age group; on steps
  4–6 one unit per resident
- the rest of the care sector (services to people under 67: BPA, bofellesskap, psykisk
  helse og rus) has its own base-year årsverk and cost (:class:`SectorRest`), held constant
  or moved by the 18–66 projection; the summary's staffing and cost are the sector's (the
  67+ on the housing steps plus the rest), and says which part each row covers

Everything here is pure: validated tables in, DataFrames out. The files are read and checked
by :mod:`workbench.analyses.housing.load`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from workbench.analyses.housing.settings import HousingSettings
from workbench.errors import InputError, Problem
from workbench.formatting import number, percent
from workbench.population import (
    AGE_GROUPS,
    ALL_AGE_ORDER,
    WORKING_AGE,
    WORKING_PARTS,
    population_by_year,
    working_age,
)
from workbench.reference import HOUSING_STEP_COUNT

STEPS = tuple(range(1, HOUSING_STEP_COUNT + 1))
DWELLING_STEPS = (1, 2, 3)
"""Steps whose residents live in ordinary dwellings shared by persons_per_dwelling people."""


REST_GROWTH = {
    "constant": "holdes konstant",
    "population_18_66": "følger framskrivingen for 18–66 år",
}
"""How the rest of the sector moves, and the words the report uses for it."""


@dataclass(frozen=True)
class SectorRest:
    """The care sector's services to people under 67, not driven by the 67+ population.

    Args:
        fte: Årsverk in the base year.
        cost: Annual cost in the base year (kr).
        growth: A key of :data:`REST_GROWTH`.
    """

    fte: float
    cost: float
    growth: str = "constant"


@dataclass(frozen=True)
class HousingData:
    """Validated inputs of the housing profile.

    Args:
        rest: The rest of the care sector; None where the municipality has not given it (the
            summary then covers the 67+ on the housing steps only, and says so).
    """

    population: pd.DataFrame
    residents: pd.DataFrame
    step_costs: pd.DataFrame
    target_shares: pd.DataFrame
    persons_per_dwelling: pd.DataFrame
    rest: SectorRest | None = None

    @property
    def alternatives(self) -> list[str]:
        return list(dict.fromkeys(self.population["alternative"]))


def residents_above_population(
    residents: pd.DataFrame, population: pd.DataFrame, alternative: str, year: int
) -> list[Problem]:
    """An age group with more residents on the housing steps in the base year than it has
    inhabitants (more than half a person over, for rounding)."""
    people = population[
        (population["alternative"] == alternative) & (population["year"] == year)
    ].set_index("age_group")["persons"]
    problems = []
    for group, count in residents.groupby("age_group")["residents"].sum().items():
        if group in people and count > people[group] + 0.5:
            problems.append(
                Problem(
                    f"aldersgruppe {group} har {number(count)} beboere på boligtrinnene, men "
                    f"bare {number(people[group])} innbyggere i {year} ({alternative})",
                    column="residents",
                )
            )
    return problems


def population_table(population: pd.DataFrame, alternative: str) -> pd.DataFrame:
    """The given years of one alternative by age group, in the order of the ages, with their
    sum: the whole population where the groups cover every age (0–17, 18–66 or 18–49 and
    50–66, and the 67+ groups), else the 67+ groups.

    Returns:
        ``age_group`` and one column per given year; the last row is ``Sum`` (``whole`` in
        ``attrs`` says whether it is every age).
    """
    part = population[population["alternative"] == alternative]
    wide = part.pivot_table(index="age_group", columns="year", values="persons", aggfunc="sum")
    order = [g for g in ALL_AGE_ORDER if g in wide.index]
    wide = wide.loc[order]
    whole = "0-17" in wide.index and (
        WORKING_AGE in wide.index or all(g in wide.index for g in WORKING_PARTS)
    )
    counted = [g for g in order if whole or g in AGE_GROUPS]
    if WORKING_AGE in counted and all(g in counted for g in WORKING_PARTS):
        counted.remove(WORKING_AGE)
    table = wide.loc[counted].reset_index()
    total = table.drop(columns="age_group").sum().to_frame().T.assign(age_group="Sum")
    table = pd.concat([table, total[table.columns]], ignore_index=True)
    table.columns.name = None
    table.attrs["whole"] = bool(whole)
    return table


def rest_by_year(data: HousingData, alternative: str, first: int, last: int) -> pd.DataFrame:
    """Årsverk and cost of the rest of the sector for every year first..last: the base
    year's figures, held constant or scaled by the 18–66 population (interpolated linearly
    between given years) relative to the first year; zeros where there is no rest part.

    Returns:
        Columns ``year``, ``fte_rest``, ``cost_rest``.

    Raises:
        InputError: The rest follows the 18–66 projection, and the population file lacks
            that age group for the alternative or the years.
    """
    years = np.arange(first, last + 1)
    rest = data.rest
    if rest is None:
        factor = np.zeros(len(years))
        rest = SectorRest(0.0, 0.0)
    elif rest.growth == "constant":
        factor = np.ones(len(years))
    else:
        part = working_age(data.population, alternative)
        if part.empty or part["year"].min() > first or part["year"].max() < last:
            raise InputError(
                None,
                f"resten av sektoren skal følge befolkningen 18–66 år, men befolkningstallene "
                f"har ikke aldersgruppen {WORKING_AGE} for {alternative} i {first}–{last}",
            )
        persons = np.interp(years, part["year"].to_numpy(), part["persons"].to_numpy(float))
        factor = persons / persons[0]
    return pd.DataFrame(
        {"year": years, "fte_rest": rest.fte * factor, "cost_rest": rest.cost * factor}
    )


def today_shares(residents: pd.DataFrame) -> pd.DataFrame:
    """Today's profile: each age group's residents per step as shares of the group."""
    shares = residents.copy()
    groups = shares.groupby("age_group")["residents"]
    shares["share"] = shares["residents"] / groups.transform("sum")
    return shares[["age_group", "step", "share"]]


VALUE_COLUMNS = [
    "residents_today",
    "residents_alt",
    "fte_today",
    "fte_alt",
    "cost_today",
    "cost_alt",
    "dwellings_today",
    "dwellings_alt",
]
PROJECTION_COLUMNS = [
    "year",
    "age_group",
    "step",
    "persons",
    "interpolated",
    "share_today",
    "share_alt",
    *VALUE_COLUMNS,
]


def profile_unchanged(residents: pd.DataFrame, target_shares: pd.DataFrame) -> bool:
    """Whether the alternative profile is today's (within 0,0001 on every share), as a new
    municipality's is until it chooses one."""
    today = today_shares(residents).set_index(["age_group", "step"])["share"]
    target = target_shares.set_index(["age_group", "step"])["share"].reindex(today.index)
    return bool((today - target.fillna(0.0)).abs().max() < 1e-4)


def project(
    data: HousingData,
    alternative: str,
    base_year: int,
    target_year: int,
    target_shares: pd.DataFrame | None = None,
    last_year: int | None = None,
) -> pd.DataFrame:
    """Residents, årsverk, cost and dwellings per year, age group and step, under today's
    profile and the alternative profile.

    Args:
        data: The validated inputs.
        alternative: Projection alternative (e.g. ``MMMM``).
        base_year, target_year: The alternative profile is reached in the target year.
        target_shares: Override the alternative profile (the app's sliders).
        last_year: Project to this year (default the target year).
    """
    last = last_year or target_year
    population = population_by_year(data.population, alternative, base_year, last)
    shares = (
        today_shares(data.residents)
        .rename(columns={"share": "share_today"})
        .merge(
            (target_shares if target_shares is not None else data.target_shares).rename(
                columns={"share": "share_target"}
            ),
            on=["age_group", "step"],
        )
    )
    frame = population.merge(shares, on="age_group")
    costs = data.step_costs.reindex(frame["step"])
    frame["fte_per_resident"] = costs["fte_per_resident"].to_numpy()
    frame["cost_per_resident"] = costs["cost_per_resident"].to_numpy()
    frame["persons_per_dwelling"] = (
        data.persons_per_dwelling["persons_per_dwelling"].reindex(frame["age_group"]).to_numpy()
    )
    frame = apply_profiles(frame, base_year, target_year)
    return frame.sort_values(["year", "age_group", "step"]).reset_index(drop=True)[
        PROJECTION_COLUMNS
    ]


def apply_profiles(frame: pd.DataFrame, base_year, target_year) -> pd.DataFrame:
    """The alternative profile's share in each year (reached linearly in the target year),
    and residents, årsverk, cost and dwellings under today's and the alternative profile.

    Args:
        frame: One row per year, age group and step with ``persons``, ``share_today``,
            ``share_target``, ``fte_per_resident``, ``cost_per_resident`` and
            ``persons_per_dwelling``; changed in place and returned.
        base_year, target_year: The alternative profile is reached in the target year.
    """
    progress = np.clip((frame["year"] - base_year) / (target_year - base_year), 0, 1)
    frame["share_alt"] = (
        frame["share_today"] + (frame["share_target"] - frame["share_today"]) * progress
    )
    divisor = np.where(frame["step"].isin(DWELLING_STEPS), frame["persons_per_dwelling"], 1.0)
    for scenario in ("today", "alt"):
        residents = frame["persons"] * frame[f"share_{scenario}"]
        frame[f"residents_{scenario}"] = residents
        frame[f"fte_{scenario}"] = residents * frame["fte_per_resident"]
        frame[f"cost_{scenario}"] = residents * frame["cost_per_resident"]
        frame[f"dwellings_{scenario}"] = residents / divisor
    return frame


REST_COLUMNS = ["fte_rest", "cost_rest"]
SECTOR_COLUMNS = ["fte_sector_today", "fte_sector_alt", "cost_sector_today", "cost_sector_alt"]


def by_year(projection: pd.DataFrame, rest: pd.DataFrame | None = None) -> pd.DataFrame:
    """Totals per year: population 67+, residents, årsverk, cost and dwellings of the 67+
    under both profiles, the rest of the sector (:func:`rest_by_year`; zeros without it)
    and the sector's årsverk and cost (67+ plus the rest) under both profiles."""
    sums = projection.groupby("year")[VALUE_COLUMNS].sum()
    sums.insert(
        0,
        "persons",
        projection.drop_duplicates(["year", "age_group"]).groupby("year")["persons"].sum(),
    )
    if rest is None:
        sums[REST_COLUMNS] = 0.0
    else:
        sums[REST_COLUMNS] = rest.set_index("year")[REST_COLUMNS].reindex(sums.index).fillna(0.0)
    for kind in ("fte", "cost"):
        for scenario in ("today", "alt"):
            sums[f"{kind}_sector_{scenario}"] = sums[f"{kind}_{scenario}"] + sums[f"{kind}_rest"]
    return sums.reset_index()


def by_step(projection: pd.DataFrame) -> pd.DataFrame:
    """Need (residents) per year and step under both profiles."""
    return (
        projection.groupby(["year", "step"])[
            ["residents_today", "residents_alt", "fte_today", "fte_alt"]
        ]
        .sum()
        .reset_index()
    )


SUMMARY_COLUMNS = ["key", "label", "value", "unit", "scope"]
SCOPES = {
    "sector": "Hele sektoren",
    "67+": "67+ på boligtrappa",
    "under 67": "Yngre enn 67 år",
}
"""Which part of the care sector a summary row covers, in the words the report uses."""


def summary(
    projection: pd.DataFrame,
    base_year: int,
    target_year: int,
    position_size: float,
    rest: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The source's summary table, computed.

    Rows: dagens bemanning (and, with a rest part, how it splits into the 67+ and the rest);
    vekst i behov; endret praksis; estimert behov med alternativ profil; estimert endring;
    antall ansatte ved gjennomsnittlig stillingsstørrelse; økte, reduserte og netto
    kostnader; reduksjon i prosent of the sector's total cost in the target year with
    today's profile; dwellings used by residents 67+ (today's profile), the increase on
    steps 2–6 and the units the alternative moves to step 1.

    Args:
        rest: :func:`rest_by_year`; without it the staffing and cost rows cover the 67+ on
            the housing steps only, and their ``scope`` says so.

    Returns:
        ``key``, ``label``, ``value``, ``unit`` and ``scope`` (a key of :data:`SCOPES`).
    """
    years = by_year(projection, rest).set_index("year")
    base, target = years.loc[base_year], years.loc[target_year]
    steps = (
        projection[projection["year"].isin([base_year, target_year])]
        .groupby(["year", "step"])[["dwellings_today", "dwellings_alt"]]
        .sum()
    )
    whole = "sector" if rest is not None else "67+"
    staff_base = base["fte_sector_today"]
    growth = target["fte_sector_today"] - staff_base
    practice = target["fte_sector_alt"] - target["fte_sector_today"]
    change = target["fte_sector_alt"] - staff_base
    cost_growth = target["cost_sector_today"] - base["cost_sector_today"]
    cost_cut = target["cost_sector_alt"] - target["cost_sector_today"]
    higher = list(STEPS[1:])
    rows = [("staff_base", f"Dagens bemanning, {base_year}", staff_base, "årsverk", whole)]
    if rest is not None:
        rows += [
            (
                "staff_base_67",
                f"herav til innbyggere 67+ på boligtrappa, {base_year}",
                base["fte_today"],
                "årsverk",
                "67+",
            ),
            (
                "staff_base_rest",
                f"herav til tjenester for yngre enn 67 år, {base_year}",
                base["fte_rest"],
                "årsverk",
                "under 67",
            ),
        ]
    rows += [
        ("growth", f"Vekst i behov for årsverk i {target_year}", growth, "årsverk", whole),
        (
            "practice",
            f"Endret praksis, alternativ profil {target_year}",
            practice,
            "årsverk",
            whole,
        ),
        (
            "staff_alt",
            f"Estimert behov for årsverk i {target_year} med alt. profil",
            target["fte_sector_alt"],
            "årsverk",
            whole,
        ),
        (
            "change",
            f"Estimert endring fra {base_year}–{target_year} med alt. profil",
            change,
            "årsverk",
            whole,
        ),
        (
            "employees",
            f"Antall ansatte ved {percent(position_size, 0)} gjennomsnittlig stillingsstørrelse, alt. profil",
            change / position_size,
            "ansatte",
            whole,
        ),
        (
            "cost_growth",
            f"Økte kostnader i {target_year} ({base_year}-profil)",
            cost_growth,
            "kr",
            whole,
        ),
        (
            "cost_cut",
            f"Reduserte kostnader i {target_year} med alternativ profil",
            cost_cut,
            "kr",
            whole,
        ),
        (
            "cost_net",
            "Økte kostnader etter gjennomføring av alt. profil",
            cost_growth + cost_cut,
            "kr",
            whole,
        ),
        (
            "cost_share",
            "Reduserte kostnader ved alternativ profil, andel av kostnadene i "
            f"{target_year} med dagens profil",
            -cost_cut / target["cost_sector_today"] if target["cost_sector_today"] else np.nan,
            "andel",
            whole,
        ),
        (
            "dwellings_base",
            f"Boliger og boenheter brukt av innbyggere 67+ i {base_year}",
            base["dwellings_today"],
            "boliger",
            "67+",
        ),
        (
            "dwellings_more",
            f"Flere boliger og boenheter brukt i {target_year} enn i {base_year} (dagens profil)",
            target["dwellings_today"] - base["dwellings_today"],
            "boliger",
            "67+",
        ),
        (
            "units_higher",
            f"Flere boenheter på trinn 2–6 i {target_year} enn i {base_year} (dagens profil)",
            steps.loc[target_year].loc[higher, "dwellings_today"].sum()
            - steps.loc[base_year].loc[higher, "dwellings_today"].sum(),
            "boenheter",
            "67+",
        ),
        (
            "units_to_step1",
            f"Boliger som alternativ profil flytter til trinn 1 i {target_year}",
            steps.loc[(target_year, 1), "dwellings_alt"]
            - steps.loc[(target_year, 1), "dwellings_today"],
            "boliger",
            "67+",
        ),
    ]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def band(
    data: HousingData, base_year: int, target_year: int, target_shares: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Årsverk and cost per year under both profiles for every projection alternative that
    covers the years: the sensitivity band."""
    return band_of(projections(data, base_year, target_year, target_shares))


def projections(
    data: HousingData,
    base_year: int,
    target_year: int,
    target_shares: pd.DataFrame | None = None,
    *,
    required: str | None = None,
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`project` and :func:`rest_by_year` for every projection alternative that
    covers the years.

    Raises:
        InputError: The ``required`` alternative does not cover the years.
    """
    frames = {}
    for alternative in data.alternatives:
        try:
            frames[alternative] = (
                project(data, alternative, base_year, target_year, target_shares),
                rest_by_year(data, alternative, base_year, target_year),
            )
        except InputError:  # this alternative does not cover the years
            if alternative == required:
                raise
    return frames


def band_of(frames: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """The sensitivity band from :func:`projections`."""
    return pd.concat(
        [by_year(frame, rest).assign(alternative=name) for name, (frame, rest) in frames.items()],
        ignore_index=True,
    )


def rebalance(shares: dict[int, float], changed: int, value: float) -> dict[int, float]:
    """Set one step's share and rescale the others so the group still sums to 1.

    The other steps keep their proportions; if they are all zero, the remainder is spread
    evenly over them.
    """
    value = min(max(value, 0.0), 1.0)
    others = {s: v for s, v in shares.items() if s != changed}
    rest = sum(others.values())
    remainder = 1.0 - value
    if rest > 0:
        scaled = {s: v / rest * remainder for s, v in others.items()}
    else:
        scaled = {s: remainder / len(others) for s in others}
    return {**scaled, changed: value}


class Inputs(Protocol):
    """What :func:`evaluate` reads of the loaded inputs:
    :class:`~workbench.analyses.housing.load.HousingInputs` has these (the engine does not
    import the load, which imports the engine)."""

    @property
    def data(self) -> HousingData: ...
    @property
    def settings(self) -> HousingSettings: ...
    @property
    def position_size(self) -> float: ...


@dataclass(frozen=True)
class HousingResult:
    projection: pd.DataFrame
    totals: pd.DataFrame
    steps: pd.DataFrame
    summary: pd.DataFrame
    band: pd.DataFrame
    population: pd.DataFrame


def evaluate(
    inputs: Inputs,
    base_year: int,
    target_year: int,
    *,
    projection: str | None = None,
    target_shares: pd.DataFrame | None = None,
) -> HousingResult:
    """All housing tables for one projection alternative and (optionally) edited target shares."""
    alternative = projection or inputs.settings.projection
    frames = projections(inputs.data, base_year, target_year, target_shares, required=alternative)
    if alternative in frames:
        frame, rest = frames[alternative]  # projected once, for the table and the band alike
    else:  # not one of the file's alternatives: project says so
        frame = project(inputs.data, alternative, base_year, target_year, target_shares)
        rest = rest_by_year(inputs.data, alternative, base_year, target_year)
    given = rest if inputs.data.rest is not None else None
    return HousingResult(
        projection=frame,
        totals=by_year(frame, given),
        steps=by_step(frame),
        summary=summary(frame, base_year, target_year, inputs.position_size, given),
        band=band_of(frames),
        population=population_by_year(inputs.data.population, alternative, base_year, target_year),
    )


def workforce_gap(
    band: pd.DataFrame, projection: str, growth: float, effect: pd.Series | None = None
) -> pd.DataFrame:
    """Årsverk the sector needs under today's and the alternative profile (the 67+ on the
    housing steps and the rest of the sector) against the årsverk available, which start at
    the sector's staffing in the base year and grow by ``growth`` a year.

    Args:
        band: ``HousingResult.band`` (``year``, ``alternative``, ``fte_sector_today``,
            ``fte_sector_alt``).
        projection: The population alternative shown.
        growth: Growth of the labour supply per year (0,01 = 1 %).
        effect: Year → change in årsverk from the personas' «samlet effekt», added to
            today's profile's need as ``needed_effect`` (years it lacks: 0): an alternative to
            the housing profile, never added to it, since both reach largely the same people
            (most long-term residents have dementia, and the alternative profile saves mainly
            by having fewer of them).

    Returns:
        Per year: ``year``, ``needed_today``, ``needed_alt``, ``supply``, ``gap_today``,
        ``gap_alt`` (needed − supply; positive: årsverk missing), and with ``effect``
        ``needed_effect`` and ``gap_effect``.
    """
    main = band[band["alternative"] == projection].sort_values("year")
    first = main.iloc[0]
    years = main["year"].to_numpy()
    supply = float(first["fte_sector_today"]) * (1 + growth) ** (years - years[0])
    table = pd.DataFrame(
        {
            "year": years,
            "needed_today": main["fte_sector_today"].to_numpy(),
            "needed_alt": main["fte_sector_alt"].to_numpy(),
            "supply": supply,
        }
    )
    table["gap_today"] = table["needed_today"] - table["supply"]
    table["gap_alt"] = table["needed_alt"] - table["supply"]
    if effect is not None:
        table["needed_effect"] = table["needed_today"] + table["year"].map(effect).fillna(0.0)
        table["gap_effect"] = table["needed_effect"] - table["supply"]
    return table
