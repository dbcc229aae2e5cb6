"""Personas and care trajectories, priced year by year, scaled and phased in.

A persona (*Johs*, 70, early dementia, from the Færder presentation of 12 February 2025 and
Lunner's planning document) has trajectories – normalforløp,
proaktivt forløp, reaktivt forløp – each a list of episodes over age ranges. An episode is
priced from the calculator's catalogue (services with quantity and period) or given
directly (annual cost and hours, with a source). One-off investments are kept apart from
running costs.

- yearly table: age × trajectory → running cost, investment, hours
- totals per trajectory, årsverk-years, differences to a reference trajectory
- scaling: N persons spread evenly over a trajectory of L years → N ÷ L × total per year
- phase-in: from year 1 every new person gets the new trajectory while those already in a
  trajectory continue theirs; a cohort of N ÷ L starts each year, and year k's extra cost
  is Σ over the cohorts started so far of (new − old) at their year in the trajectory.
- N from prevalence: N(t) = Σ over age groups of rate × residents in the group in year t
  (the population projection); the cohort that starts in phase-in year s is N(s) ÷ L.
- starters from incidence: new cases(t) = Σ over age groups of incidence × residents
  without the condition; the persona's course takes a share of them (the municipality's, or
  N ÷ (new cases in the base year × L)), so phase-in year s starts share × new cases(s).

Everything here is pure: persona, catalogue and assumptions in, DataFrames out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from workbench.errors import InputError, Problem
from workbench.models import StrictModel
from workbench.population import AGE_GROUPS
from workbench.pricing import (
    Alternative,
    Assumptions,
    Package,
    PackageLine,
    line_table,
    unknown_service,
)

if TYPE_CHECKING:
    from workbench.analyses.personas.settings import PersonaSettings

NO_EPISODE = ""
"""The episode of an age no episode covers: no municipal services that year."""
KEY_PATTERN = r"^[a-z0-9_-]+$"


class Investment(StrictModel):
    """A one-off cost at one age (e.g. 100 000 kr for adapted housing at 70)."""

    age: int
    amount: float = Field(ge=0)
    label: str = Field(min_length=1)
    source: str = ""


class EpisodePart(StrictModel):
    """One step's share of an episode given directly, where the episode's services lie on
    more than one step (home nursing on step 7, a day centre on step 4)."""

    step: int = Field(ge=1, le=12)
    annual_cost: float = Field(ge=0)
    annual_hours: float = Field(ge=0)
    label: str = Field(min_length=1)


PART_TOLERANCE = 0.5
"""How far the parts of an episode may sum from its own cost (kr) and hours: rounding."""


class Episode(StrictModel):
    """What a person receives over an age range (both ends included).

    Either ``services`` (priced from the catalogue) or ``annual_cost`` and ``annual_hours``
    given directly with a ``source``.
    """

    from_age: int
    to_age: int
    label: str = Field(min_length=1)
    services: list[PackageLine] | None = None
    annual_cost: float | None = Field(default=None, ge=0)
    annual_hours: float | None = Field(default=None, ge=0)
    source: str = ""
    step: int | None = Field(default=None, ge=1, le=12)
    """The staircase step of an episode given directly (a priced episode's services carry
    their own step from the catalogue)."""
    parts: list[EpisodePart] | None = None
    """An episode given directly split over steps instead of one ``step``; the parts sum to
    its cost and hours."""

    @model_validator(mode="after")
    def _one_way_of_pricing(self) -> Self:
        if self.to_age < self.from_age:
            raise ValueError(
                f"til alder ({self.to_age}, to_age) kan ikke være lavere enn fra alder "
                f"({self.from_age}, from_age)"
            )
        direct = self.annual_cost is not None or self.annual_hours is not None
        if direct == (self.services is not None):
            raise ValueError(
                "en episode har enten services (prises fra katalogen) eller annual_cost og "
                "annual_hours (oppgitt direkte), ikke begge og ikke ingen"
            )
        if direct and (self.annual_cost is None or self.annual_hours is None or not self.source):
            raise ValueError(
                "en episode med direkte tall må ha annual_cost, annual_hours og source"
            )
        if self.parts is not None:
            if not direct or self.step is not None:
                raise ValueError(
                    "parts deler en episode med direkte tall på trinn, i stedet for step"
                )
            cost = sum(p.annual_cost for p in self.parts)
            hours = sum(p.annual_hours for p in self.parts)
            if abs(cost - self.annual_cost) > PART_TOLERANCE:
                raise ValueError(
                    f"delene (parts) summerer til {cost:.0f} kr, ikke episodens "
                    f"{self.annual_cost:.0f} kr (annual_cost)"
                )
            if abs(hours - self.annual_hours) > PART_TOLERANCE:
                raise ValueError(
                    f"delene (parts) summerer til {hours:.0f} timer, ikke episodens "
                    f"{self.annual_hours:.0f} timer (annual_hours)"
                )
        return self

    @property
    def ages(self) -> range:
        return range(self.from_age, self.to_age + 1)


class Trajectory(StrictModel):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)
    story: str = ""
    episodes: list[Episode] = Field(default_factory=list)
    investments: list[Investment] = Field(default_factory=list)


class SourcePhaseIn(StrictModel):
    """What the source says phasing in a trajectory costs year by year, to show beside ours
    (Færder: 4, 9, 13 and 9 mill. kr of running cost the first four years).

    Args:
        reference: The trajectory people leave (``normal``).
        to: The trajectory new people get (``proactive``).
        running: Extra running cost (+) or saving (−) per year from year 1, in kr, as the
            source rounds it.
        source: Where the source says it.
    """

    reference: str = Field(min_length=1)
    to: str = Field(min_length=1)
    running: list[float] = Field(min_length=1)
    source: str = Field(min_length=3)


class SourceScaled(StrictModel):
    """What the source itself says the trajectories cost scaled to a municipality, to compare
    with (the Færder presentation: 88 mill. kr saved and 164 mill. kr more per year for 684
    persons).

    Args:
        persons: The number of persons the source scaled to.
        per_year: Trajectory key → the source's difference to the reference per year, in kr
            (negative: a saving).
        source: Where the source says it.
        phase_in: The source's own phase-in figures, where it gives them.
    """

    persons: int = Field(ge=1)
    per_year: dict[str, float] = Field(min_length=1)
    source: str = Field(min_length=3)
    phase_in: SourcePhaseIn | None = None


class Persona(StrictModel):
    """A fictional person typical of a group, with alternative trajectories."""

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    target_group: str = ""
    story: str = ""
    start_age: int = Field(ge=0, le=120)
    end_age: int = Field(ge=0, le=120)
    trajectories: list[Trajectory] = Field(min_length=1)
    source_scaled: SourceScaled | None = None
    price_year: int | None = Field(default=None, ge=2000, le=2100)
    """The price year of the costs given directly (episodes and investments); default the
    defaults' price year. Episodes priced from the catalogue follow the catalogue."""

    @property
    def length(self) -> int:
        """Years in a trajectory (L)."""
        return self.end_age - self.start_age + 1

    def trajectory(self, key: str) -> Trajectory:
        for trajectory in self.trajectories:
            if trajectory.key == key:
                return trajectory
        known = ", ".join(t.key for t in self.trajectories)
        raise InputError(None, f"forløpet «{key}» finnes ikke for {self.name} (finnes: {known})")


def in_prices(persona: Persona, factor: float) -> Persona:
    """The persona with every cost given directly (episodes, their parts, investments)
    multiplied by ``factor``: the same persona in another price year. Hours are unchanged."""
    if factor == 1.0:
        return persona

    def episode(e: Episode) -> Episode:
        if e.annual_cost is None:
            return e
        parts = (
            [p.model_copy(update={"annual_cost": p.annual_cost * factor}) for p in e.parts]
            if e.parts is not None
            else None
        )
        return e.model_copy(update={"annual_cost": e.annual_cost * factor, "parts": parts})

    trajectories = [
        t.model_copy(
            update={
                "episodes": [episode(e) for e in t.episodes],
                "investments": [
                    i.model_copy(update={"amount": i.amount * factor}) for i in t.investments
                ],
            }
        )
        for t in persona.trajectories
    ]
    return persona.model_copy(update={"trajectories": trajectories})


def check_ages(persona: Persona, path: Path | None) -> None:
    """Each age of a trajectory is covered at most once, and only within the persona's ages.

    Raises:
        InputError: Naming the trajectory and the ages.
    """
    problems = []
    if persona.end_age < persona.start_age:
        problems.append(Problem("end_age må være etter start_age", key="end_age"))
    keys = [t.key for t in persona.trajectories]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(f"forløpet «{key}» står mer enn én gang", key="trajectories"))
    span = range(persona.start_age, persona.end_age + 1)
    for i, trajectory in enumerate(persona.trajectories):
        covered: dict[int, str] = {}
        for j, episode in enumerate(trajectory.episodes):
            where = f"trajectories[{i}].episodes[{j}]"
            outside = [a for a in episode.ages if a not in span]
            if outside:
                problems.append(
                    Problem(
                        f"forløpet «{trajectory.name}»: episoden «{episode.label}» gjelder alder "
                        f"{_ages(outside)}, utenfor {persona.start_age}–{persona.end_age}",
                        key=where,
                    )
                )
            twice = [a for a in episode.ages if a in covered]
            if twice:
                other = covered[twice[0]]
                problems.append(
                    Problem(
                        f"forløpet «{trajectory.name}»: alder {_ages(twice)} er dekket både av "
                        f"«{other}» og «{episode.label}»",
                        key=where,
                    )
                )
            for age in episode.ages:
                covered.setdefault(age, episode.label)
        for j, investment in enumerate(trajectory.investments):
            if investment.age not in span:
                problems.append(
                    Problem(
                        f"forløpet «{trajectory.name}»: investeringen «{investment.label}» ved "
                        f"alder {investment.age} er utenfor {persona.start_age}–{persona.end_age}",
                        key=f"trajectories[{i}].investments[{j}].age",
                    )
                )
    if problems:
        raise InputError(path, problems)


def check_persona_services(persona: Persona, catalogue: pd.DataFrame, path: Path | None) -> None:
    """Every priced episode names services the catalogue has.

    Raises:
        InputError: Naming the trajectory, the episode's ages and the unknown service.
    """
    problems = []
    for i, trajectory in enumerate(persona.trajectories):
        for j, episode in enumerate(trajectory.episodes):
            for k, line in enumerate(episode.services or []):
                if line.service not in catalogue.index:
                    problems.append(
                        Problem(
                            f"forløpet «{trajectory.name}», alder {episode.from_age}–{episode.to_age}: "
                            + unknown_service(line.service, catalogue),
                            key=f"trajectories[{i}].episodes[{j}].services[{k}].service",
                        )
                    )
    if problems:
        raise InputError(path, problems)


def _episode_package(episode: Episode) -> Package:
    return Package(
        title=episode.label,
        alternatives=[Alternative(name=episode.label, lines=episode.services or [])],
    )


def _ages(ages: list[int]) -> str:
    return f"{ages[0]}" if len(ages) == 1 else f"{ages[0]}–{ages[-1]}"


YEARLY_COLUMNS = [
    "trajectory",
    "trajectory_name",
    "year",
    "age",
    "episode",
    "running_cost",
    "investment",
    "hours",
    "fte",
]


def episode_costs(
    episode: Episode, catalogue: pd.DataFrame, assumptions: Assumptions
) -> tuple[float, float, float]:
    """(annual running cost, annual hours, one-off cost at the first age) of one episode."""
    if episode.services is None:
        return float(episode.annual_cost), float(episode.annual_hours), 0.0
    lines = line_table(_episode_package(episode), catalogue, assumptions)
    return (
        float(lines["annual_cost"].sum()),
        float(lines["hours"].sum()),
        float(lines["one_off_cost"].sum()),
    )


def yearly(persona: Persona, catalogue: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """Cost and hours per trajectory and age.

    Returns:
        One row per trajectory and age from ``start_age`` to ``end_age``: running cost,
        investment (one-off items, including ``once`` services of priced episodes), hours
        and årsverk. Ages no episode covers have no municipal services: zero, and
        :data:`NO_EPISODE` as their episode.
    """
    records = []
    for trajectory in persona.trajectories:
        by_age: dict[int, tuple[str, float, float]] = {}
        one_off: dict[int, float] = {}
        for episode in trajectory.episodes:
            cost, hours, once = episode_costs(episode, catalogue, assumptions)
            one_off[episode.from_age] = one_off.get(episode.from_age, 0.0) + once
            for age in episode.ages:
                by_age[age] = (episode.label, cost, hours)
        for investment in trajectory.investments:
            one_off[investment.age] = one_off.get(investment.age, 0.0) + investment.amount
        for age in range(persona.start_age, persona.end_age + 1):
            label, cost, hours = by_age.get(age, (NO_EPISODE, 0.0, 0.0))
            records.append(
                {
                    "trajectory": trajectory.key,
                    "trajectory_name": trajectory.name,
                    "year": age - persona.start_age + 1,
                    "age": age,
                    "episode": label,
                    "running_cost": cost,
                    "investment": one_off.get(age, 0.0),
                    "hours": hours,
                    "fte": hours / assumptions.hours_per_fte,
                }
            )
    return pd.DataFrame.from_records(records, columns=YEARLY_COLUMNS)


NO_STEP = 0
"""The step of cost from an episode given directly without a ``step``."""


def yearly_by_step(
    persona: Persona, catalogue: pd.DataFrame, assumptions: Assumptions
) -> pd.DataFrame:
    """Running cost and hours per trajectory, trajectory year and staircase step: a priced
    episode's services carry their step from the catalogue, an episode given directly its
    own ``step`` (:data:`NO_STEP` without one) or its ``parts``.

    Returns:
        ``trajectory``, ``year``, ``step``, ``running_cost``, ``hours``; only steps with cost
        or hours.
    """
    records = []
    for trajectory in persona.trajectories:
        for episode in trajectory.episodes:
            if episode.parts is not None:
                parts = [
                    (p.step, float(p.annual_cost), float(p.annual_hours)) for p in episode.parts
                ]
            elif episode.services is None:
                parts = [
                    (
                        episode.step or NO_STEP,
                        float(episode.annual_cost),
                        float(episode.annual_hours),
                    )
                ]
            else:
                lines = line_table(_episode_package(episode), catalogue, assumptions)
                grouped = lines.groupby("step")[["annual_cost", "hours"]].sum()
                parts = [
                    (int(k), float(r.annual_cost), float(r.hours)) for k, r in grouped.iterrows()
                ]
            for age in episode.ages:
                for step, cost, hours in parts:
                    records.append(
                        {
                            "trajectory": trajectory.key,
                            "year": age - persona.start_age + 1,
                            "step": step,
                            "running_cost": cost,
                            "hours": hours,
                        }
                    )
    return pd.DataFrame.from_records(
        records, columns=["trajectory", "year", "step", "running_cost", "hours"]
    )


def phase_in_by_step(
    by_step: pd.DataFrame,
    persons: float | np.ndarray,
    old: str,
    new: str,
    years: int,
    trajectory_years: int,
    hours_per_fte: float,
    length: float | None = None,
) -> pd.DataFrame:
    """The phase-in of :func:`phase_in` split by staircase step: in year k the cohorts
    started in years s ≤ k (and still in the trajectory) add N(s) ÷ L × (new − old) on the
    step at their trajectory year k − s + 1.

    Args:
        by_step: From :func:`yearly_by_step`.
        persons: N, or N(s) for each phase-in year, as in :func:`phase_in`.
        trajectory_years: The persona's number of years (a cohort leaves after them).
        length: L for the cohort size N ÷ L, as in :func:`phase_in`; default
            ``trajectory_years``.

    Returns:
        One row per year 1..``years`` and step: ``year``, ``step``, ``cost`` (kr: + more on
        the step, − less) and ``fte`` (årsverk).
    """
    years_index = range(1, trajectory_years + 1)
    share = cohort_sizes(persons, years, length or trajectory_years)
    frames = []
    for step in sorted(set(by_step.loc[by_step["trajectory"].isin([old, new]), "step"])):
        per_year = {
            key: by_step[(by_step["trajectory"] == key) & (by_step["step"] == step)]
            .groupby("year")[["running_cost", "hours"]]
            .sum()
            .reindex(years_index, fill_value=0.0)
            for key in (old, new)
        }
        delta = per_year[new] - per_year[old]
        frames.append(
            pd.DataFrame(
                {
                    "year": np.arange(1, years + 1),
                    "step": step,
                    "cost": _cohorts_sum(share, delta["running_cost"].to_numpy()),
                    "fte": _cohorts_sum(share, delta["hours"].to_numpy()) / hours_per_fte,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["year", "step", "cost", "fte"])
    return pd.concat(frames, ignore_index=True)


TOTAL_COLUMNS = [
    "trajectory",
    "trajectory_name",
    "running_cost",
    "investment",
    "total_cost",
    "hours",
    "fte_years",
    "diff_running_cost",
    "diff_total_cost",
    "diff_hours",
]


def totals(table: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Totals per trajectory over all its years, and the difference to ``reference``.

    Args:
        table: From :func:`yearly`.
        reference: Trajectory key the others are compared with (e.g. ``normal``).
    """
    grouped = table.groupby(["trajectory", "trajectory_name"], sort=False)
    result = grouped[["running_cost", "investment", "hours", "fte"]].sum().reset_index()
    result = result.rename(columns={"fte": "fte_years"})
    result["total_cost"] = result["running_cost"] + result["investment"]
    base = result.set_index("trajectory").loc[_known(result, reference)]
    result["diff_running_cost"] = result["running_cost"] - base["running_cost"]
    result["diff_total_cost"] = result["total_cost"] - base["total_cost"]
    result["diff_hours"] = result["hours"] - base["hours"]
    return result[TOTAL_COLUMNS]


SCALE_COLUMNS = [
    "trajectory",
    "trajectory_name",
    "persons",
    "annual_cost",
    "annual_investment",
    "annual_hours",
    "annual_fte",
    "diff_annual_cost",
]


def scale(
    total_table: pd.DataFrame, persons: float, length: int, hours_per_fte: float, reference: str
) -> pd.DataFrame:
    """Steady state when ``persons`` people are spread evenly over a trajectory of ``length``
    years: each year N ÷ L people are at each year of the trajectory, so the annual running
    cost is N ÷ L × the trajectory's running cost, and the investments N ÷ L × its
    investments, on their own line (the source's scaled figures are running costs).
    """
    share = persons / length
    result = total_table[["trajectory", "trajectory_name"]].copy()
    result["persons"] = persons
    result["annual_cost"] = total_table["running_cost"] * share
    result["annual_investment"] = total_table["investment"] * share
    result["annual_hours"] = total_table["hours"] * share
    result["annual_fte"] = result["annual_hours"] / hours_per_fte
    base = result.set_index("trajectory").loc[_known(result, reference), "annual_cost"]
    result["diff_annual_cost"] = result["annual_cost"] - base
    return result[SCALE_COLUMNS]


PHASE_COLUMNS = [
    "year",
    "cohorts",
    "new_persons",
    "extra_running_cost",
    "extra_investment",
    "extra_total_cost",
    "cumulative_cost",
]


def phase_in(
    table: pd.DataFrame,
    persons: float | np.ndarray,
    old: str,
    new: str,
    years: int,
    length: float | None = None,
) -> pd.DataFrame:
    """Extra cost per year when every new person gets trajectory ``new`` instead of ``old``.

    A cohort of N ÷ L starts each year; in year k the cohorts started in years 1..k are at
    trajectory years 1..k (those past year L have left), so year k's extra cost is
    Σ_{s ≤ k, k − s < T} N(s) ÷ L × (new − old) at trajectory year k − s + 1, which for a
    fixed N is N ÷ L × Σ_{j ≤ min(k, T)} (new − old) at trajectory year j.

    Args:
        table: From :func:`yearly`.
        persons: N, or N(s) for each phase-in year s = 1..``years`` (from prevalence).
        old, new: Trajectory keys.
        years: How many years to show.
        length: L for the cohort size N ÷ L; default the trajectory's number of years.

    Returns:
        One row per year 1..``years``: cohorts on the new trajectory, the persons who start
        on it that year (N ÷ L), extra running cost, extra investment, their sum and the
        cumulative sum.
    """
    _known(table, old)
    _known(table, new)
    by_year = table.pivot(index="year", columns="trajectory", values=["running_cost", "investment"])
    length_years = len(by_year)
    share = cohort_sizes(persons, years, length or length_years)
    delta_running = (by_year["running_cost"][new] - by_year["running_cost"][old]).to_numpy()
    delta_investment = (by_year["investment"][new] - by_year["investment"][old]).to_numpy()
    k = np.arange(1, years + 1)
    result = pd.DataFrame(
        {
            "year": k,
            "cohorts": np.minimum(k, length_years),
            "new_persons": share,
            "extra_running_cost": _cohorts_sum(share, delta_running),
            "extra_investment": _cohorts_sum(share, delta_investment),
        }
    )
    result["extra_total_cost"] = result["extra_running_cost"] + result["extra_investment"]
    result["cumulative_cost"] = result["extra_total_cost"].cumsum()
    return result[PHASE_COLUMNS]


def cohort_sizes(persons: float | np.ndarray, years: int, length: float) -> np.ndarray:
    """N ÷ L for each phase-in year 1..``years``: the persons who start on the new
    trajectory that year.

    Raises:
        InputError: ``persons`` is a series of the wrong length.
    """
    values = np.asarray(persons, dtype=float)
    if values.ndim == 0:
        return np.full(years, float(values) / length)
    if len(values) != years:
        raise InputError(None, f"N er gitt for {len(values)} år, innfasingen vises for {years}")
    return values / length


def _cohorts_sum(share: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Year k's sum over the cohorts started in years s ≤ k of share[s] × delta at
    trajectory year k − s + 1 (zero once a cohort is past the trajectory's last year)."""
    return np.convolve(share, delta)[: len(share)]


def first_saving_year(phase: pd.DataFrame, column: str = "extra_running_cost") -> int | None:
    """The first year whose extra cost is negative (a saving), or None: in running costs, as
    the source counts it, unless ``column`` says otherwise (``extra_total_cost``)."""
    saving = phase.loc[phase[column] < 0, "year"]
    return int(saving.iloc[0]) if len(saving) else None


def _known(table: pd.DataFrame, key: str) -> str:
    if key not in set(table["trajectory"]):
        known = ", ".join(dict.fromkeys(table["trajectory"]))
        raise InputError(None, f"forløpet «{key}» finnes ikke (finnes: {known})")
    return key


ALL_AGES = "67+"
"""A prevalence row that applies to every age group of the population file."""


def _rates_by_group(rates: pd.DataFrame) -> dict[str, float]:
    return {
        covered: float(rate)
        for group, rate in zip(rates["age_group"], rates["rate"], strict=True)
        for covered in (AGE_GROUPS if group == ALL_AGES else (group,))
    }


def persons_from_prevalence(rates: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """N(t) = Σ over the age groups with a rate of rate × residents in year t.

    Args:
        rates: Rates by age group (``age_group``, ``rate``), as
            :func:`workbench.analyses.personas.load.read_prevalence` reads them.
        population: One alternative year by year (``year``, ``age_group``, ``persons``,
            ``interpolated``), as :func:`workbench.population.population_by_year`
            gives it.

    Returns:
        One row per year: ``year``, ``population`` (residents in the age groups with a
        rate), ``persons`` (N) and ``interpolated`` (the year lies between given years).
    """
    per_group = _rates_by_group(rates)
    part = population[population["age_group"].isin(list(per_group))]
    weighted = part.assign(persons=part["persons"] * part["age_group"].map(per_group))
    by_year = part.groupby("year").agg(
        population=("persons", "sum"), interpolated=("interpolated", "any")
    )
    by_year["persons"] = weighted.groupby("year")["persons"].sum()
    return by_year.reset_index()[["year", "population", "persons", "interpolated"]]


def new_cases(
    incidence: pd.DataFrame, population: pd.DataFrame, prevalence: pd.DataFrame | None
) -> pd.DataFrame:
    """New cases per year: Σ over the age groups with an incidence of incidence × the
    residents in the group who do not already have the condition, residents × (1 −
    prevalence) (all residents where the group has no prevalence).

    Args:
        incidence: New cases per person-year by age group (read from a file by
            :func:`workbench.analyses.personas.load.read_prevalence`).
        population: One alternative year by year, as for :func:`persons_from_prevalence`.
        prevalence: Prevalence by age group, or None.

    Returns:
        One row per year: ``year``, ``population`` (residents in the groups with an
        incidence), ``at_risk`` (those without the condition), ``new`` (new cases) and
        ``interpolated``.
    """
    per_group = _rates_by_group(incidence)
    having = _rates_by_group(prevalence) if prevalence is not None else {}
    part = population[population["age_group"].isin(list(per_group))]
    at_risk = part["persons"] * (1 - part["age_group"].map(having).fillna(0.0))
    frame = part.assign(at_risk=at_risk, new=at_risk * part["age_group"].map(per_group))
    by_year = frame.groupby("year").agg(
        population=("persons", "sum"),
        at_risk=("at_risk", "sum"),
        new=("new", "sum"),
        interpolated=("interpolated", "any"),
    )
    return by_year.reset_index()[["year", "population", "at_risk", "new", "interpolated"]]


def persons_per_phase_year(n_by_year: pd.DataFrame, base_year: int, years: int) -> np.ndarray:
    """N(s) for phase-in years s = 1..``years`` (calendar year base year + s), held at the
    last projected year's N beyond it."""
    series = n_by_year.set_index("year")["persons"]
    wanted = np.minimum(np.arange(base_year + 1, base_year + years + 1), series.index.max())
    return series.reindex(wanted).to_numpy(dtype=float)


YEARS_AFTER = 3
"""Phase-in years shown beyond the trajectory's length (the steady state)."""


def trajectory_length(settings: PersonaSettings, persona_length: int) -> float:
    """L in N ÷ L: the municipality's trajectory length, else the persona's own."""
    return settings.trajectory_years or persona_length


def phase_in_horizon(settings: PersonaSettings, persona_length: int) -> int:
    """Years the phase-in is shown for: the municipality's choice, else the persona's length
    and :data:`YEARS_AFTER` years of steady state."""
    return settings.phase_in_years or persona_length + YEARS_AFTER


def length_for(totals: pd.DataFrame, persons: float, key: str, per_year: float) -> float:
    """The trajectory length L for which N ÷ L × (the trajectory's running cost − the
    reference's) equals ``per_year``: what a source's scaled figure implies about the L it
    used (the source scales running costs; investments are its own line)."""
    difference = float(totals.set_index("trajectory").loc[key, "diff_running_cost"])
    return persons * difference / per_year


def length_range(
    totals: pd.DataFrame, persons: float, key: str, per_year: float, rounded_to: float
) -> tuple[float, float]:
    """The lengths L whose scaled figure rounds to ``per_year`` (a source writing whole
    millions, ``rounded_to=1e6``, means a figure within half a million of it)."""
    half = rounded_to / 2
    ends = [length_for(totals, persons, key, per_year + step) for step in (-half, half)]
    return min(ends), max(ends)


@dataclass(frozen=True)
class PersonaResult:
    """Everything the persona report shows for one persona."""

    persona: Persona
    yearly: pd.DataFrame
    totals: pd.DataFrame
    scaled: pd.DataFrame
    phase: pd.DataFrame
    persons: float
    length: float
    reference: str
    phase_in_to: str
    steps_phase: pd.DataFrame | None = None
    """The phase-in per staircase step (:func:`phase_in_by_step`)."""
    persons_by_year: np.ndarray | None = None
    """N(s) for each phase-in year when N comes from prevalence or incidence (None: the same
    N every year)."""
    from_incidence: bool = False
    """The starters are a share of each year's new cases (incidence), not N(s) ÷ L."""


def combined_effect(results: list[PersonaResult], year: int) -> pd.DataFrame:
    """«Samlet effekt»: the change per staircase step in phase-in year ``year``, summed over
    the personas (``step``, ``cost`` kr per year, ``fte`` årsverk)."""
    parts = [
        r.steps_phase[r.steps_phase["year"] == year] for r in results if r.steps_phase is not None
    ]
    if not parts:
        return pd.DataFrame(columns=["step", "cost", "fte"])
    combined = pd.concat(parts, ignore_index=True).groupby("step")[["cost", "fte"]].sum()
    return combined.reset_index()


@dataclass(frozen=True)
class Cohorts:
    """Who starts a course: N for the steady state, N(s) per phase-in year where N follows
    the population (prevalence), the course length L and the phase-in horizon."""

    persons: float
    by_year: np.ndarray | None
    length: float
    years: int

    @property
    def starting(self) -> float | np.ndarray:
        """What :func:`phase_in` takes: one N for every year, or N(s) year by year."""
        return self.persons if self.by_year is None else self.by_year


class Inputs(Protocol):
    """What the engine reads of the loaded inputs:
    :class:`~workbench.analyses.personas.load.PersonaInputs` has these (the engine does not
    import the load, which imports the engine)."""

    @property
    def catalogue(self) -> pd.DataFrame: ...
    @property
    def assumptions(self) -> Assumptions: ...
    @property
    def settings(self) -> PersonaSettings: ...
    @property
    def base_year(self) -> int: ...
    @property
    def prevalence(self) -> pd.DataFrame | None: ...
    @property
    def incidence(self) -> pd.DataFrame | None: ...
    @property
    def persons(self) -> float: ...
    @property
    def uses_prevalence(self) -> bool: ...
    @property
    def uses_incidence(self) -> bool: ...


def course_share(inputs: Inputs, length: float) -> float:
    """The share of each year's new cases that starts on the persona's course: the
    municipality's ``course_share``, else N ÷ (new cases in the base year × L), the share
    whose courses of L years hold the N persons today."""
    if inputs.settings.course_share is not None:
        return inputs.settings.course_share
    new = float(inputs.incidence.set_index("year").loc[inputs.base_year, "new"])
    return inputs.persons / (new * length)


def cohorts(persona: Persona, inputs: Inputs, persons: float | None = None) -> Cohorts:
    """The municipality's cohorts for ``persona`` (``persons`` sets one N for every year).

    From incidence, the course's share of each year's new cases starts on it, and N is what
    that gives in a course of L years: N(s) = share × new cases in year s × L, so N(s) ÷ L
    is the year's starters."""
    settings = inputs.settings
    years = phase_in_horizon(settings, persona.length)
    length = trajectory_length(settings, persona.length)
    by_year = None
    if persons is None:
        persons = inputs.persons
        if inputs.uses_incidence:
            new = inputs.incidence.rename(columns={"new": "persons"})
            scale = course_share(inputs, length) * length
            persons = float(new.set_index("year").loc[inputs.base_year, "persons"]) * scale
            by_year = persons_per_phase_year(new, inputs.base_year, years) * scale
        elif inputs.uses_prevalence:
            by_year = persons_per_phase_year(inputs.prevalence, inputs.base_year, years)
    return Cohorts(persons, by_year, length, years)


def evaluate(
    persona: Persona,
    inputs: Inputs,
    *,
    persons: float | None = None,
    trajectories: list[str] | None = None,
    reference: str | None = None,
    phase_in_to: str | None = None,
) -> PersonaResult:
    """All persona tables for the municipality's settings; any argument overrides them.

    N is the municipality's own number, or N(t) from prevalence (the base year's N for the
    steady state, N(s) for the cohort of phase-in year s); ``persons`` sets one N for every
    year instead.

    Differences are always against the reference trajectory; ``trajectories`` only limits
    which trajectories are shown.
    """
    settings = inputs.settings
    group = cohorts(persona, inputs, persons)
    persons, by_year, length, years = group.persons, group.by_year, group.length, group.years
    reference = reference or settings.reference
    phase_in_to = phase_in_to or settings.phase_in_to
    table = yearly(persona, inputs.catalogue, inputs.assumptions)
    total_table = totals(table, reference)
    scaled = scale(total_table, persons, length, inputs.assumptions.hours_per_fte, reference)
    phase = phase_in(table, group.starting, reference, phase_in_to, years, length)
    steps_phase = phase_in_by_step(
        yearly_by_step(persona, inputs.catalogue, inputs.assumptions),
        group.starting,
        reference,
        phase_in_to,
        years,
        persona.length,
        inputs.assumptions.hours_per_fte,
        length,
    )
    if trajectories:
        table, total_table, scaled = (
            frame[frame["trajectory"].isin(trajectories)].reset_index(drop=True)
            for frame in (table, total_table, scaled)
        )
    return PersonaResult(
        persona,
        table,
        total_table,
        scaled,
        phase,
        persons,
        length,
        reference,
        phase_in_to,
        steps_phase,
        by_year,
        by_year is not None and inputs.uses_incidence,
    )
