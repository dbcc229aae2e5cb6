"""Every analysis for every municipality at once: the key figures in one DataFrame each.

The reports run one municipality at a time; a consultancy comparing all 357 wants the
numbers side by side, and recomputing them for a new scenario should take less than a
second. :func:`load` reads and validates each municipality's inputs through the same loaders
the notebooks use; :func:`compute` then works on stacked frames with a ``municipality``
column instead of looping over municipalities:

- *housing*: all populations interpolated in one matrix operation, profiles, costs and
  dwellings joined by municipality, summed with one group-by;
- *allocation*: municipalities sharing a rule set have their ledgers stacked and matched
  once (each distinct ansvar/funksjon/art combination once for all of them), split with the
  same largest-remainder routine, summed per municipality, year and step;
- *personas*: the year-by-year trajectories are priced once per distinct price catalogue,
  then scaling (N ÷ L) and phase-in are array operations over all municipalities;
- *calculator*: a package's totals depend only on the package and the price catalogue, so
  they are computed once per distinct pair and joined to every municipality using it.

Every number equals what the per-municipality engines give (``tests/test_fleet.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench import analyses
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.load import AllocationInputs
from workbench.analyses.calculator import engine as calculator
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import HousingInputs
from workbench.analyses.housing.report import YEARLY_LABELS
from workbench.analyses.personas import engine as personas
from workbench.analyses.personas.report import YEARS_AFTER
from workbench.config import Defaults, Municipality, municipality_files
from workbench.project import Project
from workbench.session import Session


@dataclass(frozen=True)
class Municipal:
    """One municipality's validated inputs for the analyses it has set up."""

    number: str
    name: str
    base_year: int
    target_year: int
    inputs: dict[str, object]
    illustrative: dict[str, bool] = field(default_factory=dict)
    """Per analysis: the municipality is fictional, or a data file the analysis read is
    illustrative."""


@dataclass
class FleetInputs:
    """Every municipality's inputs, and the same stacked for :func:`compute`.

    ``stacked`` holds frames with a ``municipality`` column (population, profiles, costs,
    ledgers per rule set) and equal inputs shared once (catalogues by content); building it
    is part of loading, so :func:`compute` touches no per-municipality Python objects.
    """

    municipalities: list[Municipal] = field(default_factory=list)
    stacked: dict[str, object] = field(default_factory=dict)

    def having(self, analysis: str) -> list[Municipal]:
        return [m for m in self.municipalities if analysis in m.inputs]


@dataclass(frozen=True)
class FleetResults:
    """Key figures for all municipalities (one row per municipality and item).

    Attributes:
        calculator: ``municipality``, ``package``, ``alternative``, ``annual_cost``, ``cost``,
            ``hours``, ``fte``, ``diff_cost``, ``diff_fte``.
        personas: ``municipality``, ``persona``, ``trajectory``, ``total_cost``,
            ``annual_cost`` (N ÷ L × total), ``diff_annual_cost``, ``first_saving_year``.
        phase_in: ``municipality``, ``persona``, ``year``, ``extra_total_cost``.
        housing: ``municipality``, ``year``, ``persons``, ``fte_today``, ``fte_alt``,
            ``cost_today``, ``cost_alt``, ``dwellings_today``, ``dwellings_alt``.
        allocation: ``municipality``, ``year``, ``step``, ``amount_ore``.
        reconciliation: ``municipality``, ``year``, ``ledger_ore``, ``allocated_ore``,
            ``not_allocated_ore``, ``difference_ore``.
    """

    calculator: pd.DataFrame
    personas: pd.DataFrame
    phase_in: pd.DataFrame
    housing: pd.DataFrame
    allocation: pd.DataFrame
    reconciliation: pd.DataFrame


def load(project: Project, numbers: list[str] | None = None) -> FleetInputs:
    """Read and validate every (or the chosen) municipality's inputs.

    Raises:
        InputError: A parameter or data file is invalid (the message names it).
    """
    fleet = FleetInputs()
    defaults = Defaults.from_file(project.parameters_dir / "defaults.yaml")
    for path in municipality_files(project.parameters_dir):
        if numbers and path.name[:4] not in numbers:
            continue
        municipality = Municipality.from_file(path)
        inputs: dict[str, object] = {}
        illustrative: dict[str, bool] = {}
        for key, analysis in analyses.ANALYSES.items():
            if analysis.enabled_for(municipality):
                session = Session(project, defaults, municipality, analysis)
                inputs[key] = analysis.load(session)
                illustrative[key] = session.illustrative
        fleet.municipalities.append(
            Municipal(
                municipality.number,
                municipality.name,
                municipality.base_year,
                municipality.target_year,
                inputs,
                illustrative,
            )
        )
    fleet.stacked = {
        "calculator": _stack_priced(fleet.having("calculator"), "calculator"),
        "personas": _stack_priced(fleet.having("personas"), "personas"),
        "housing": _stack_housing(fleet.having("housing")),
        "allocation": _stack_ledgers(fleet.having("allocation")),
    }
    return fleet


def compute(fleet: FleetInputs) -> FleetResults:
    """All four analyses' key figures for every municipality in ``fleet``."""
    persona_table, phase = _personas(fleet.stacked["personas"])
    allocated, reconciled = _allocation(fleet.stacked["allocation"])
    return FleetResults(
        calculator=_calculator(fleet.stacked["calculator"]),
        personas=persona_table,
        phase_in=phase,
        housing=_housing(fleet.stacked["housing"]),
        allocation=allocated,
        reconciliation=reconciled,
    )


def _stack_priced(municipalities: list[Municipal], analysis: str) -> dict[tuple, list]:
    """Municipalities grouped by (file, price catalogue content, assumptions): equal inputs
    are priced once. Values: the inputs of the first, the file, and every member."""
    groups: dict[tuple, list] = {}
    fingerprints: dict[int, str] = {}
    for m in municipalities:
        inputs = m.inputs[analysis]
        prices = fingerprints.setdefault(id(inputs.catalogue), _fingerprint(inputs.catalogue))
        files = inputs.packages if analysis == "calculator" else inputs.personas
        for item in files:
            key = (str(item.path), prices, inputs.assumptions)
            group = groups.setdefault(key, [inputs, item, []])
            group[2].append((m.number, inputs))
    return groups


def _fingerprint(frame: pd.DataFrame) -> str:
    """Content hash of a frame (index included), to share work between equal inputs."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update(",".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


# --- calculator ---------------------------------------------------------------------------


def _calculator(groups: dict[tuple, list]) -> pd.DataFrame:
    columns = ["municipality", "package", "alternative", "annual_cost", "cost", "hours", "fte"]
    columns += ["diff_cost", "diff_fte"]
    frames = []
    for inputs, package, members in groups.values():
        summary = calculator.evaluate(package.package, inputs.catalogue, inputs.assumptions).summary
        numbers = np.array([number for number, _ in members])
        frames.append(
            summary.loc[np.tile(np.arange(len(summary)), len(numbers))]
            .reset_index(drop=True)
            .assign(municipality=np.repeat(numbers, len(summary)), package=package.stem)
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


# --- personas -----------------------------------------------------------------------------


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
        persons = np.array([s.persons for s in settings], dtype=float)
        trajectory_years = int(table["year"].max())
        lengths = np.array([s.trajectory_years or trajectory_years for s in settings], dtype=float)
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
    choices = [
        (s.reference, s.phase_in_to, s.phase_in_years or length + YEARS_AFTER) for s in settings
    ]
    frames = []
    for old, new, years in sorted(set(choices)):
        rows = np.array([choice == (old, new, years) for choice in choices])
        per_person = personas.phase_in(table, 1.0, old, new, years, 1.0)  # N ÷ L = 1
        extra = share[rows, None] * per_person["extra_total_cost"].to_numpy()[None, :]
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


# --- housing ------------------------------------------------------------------------------


def _stack_housing(municipalities: list[Municipal]) -> dict[str, pd.DataFrame]:
    """Population (the chosen projection), profiles, step costs and persons per dwelling of
    every municipality, each as one frame with a ``municipality`` column."""
    population, shares, costs, dwellings, spans = [], [], [], [], []
    for m in municipalities:
        inputs: HousingInputs = m.inputs["housing"]
        data = inputs.data
        part = data.population[data.population["alternative"] == inputs.settings.projection]
        population.append(part[["year", "age_group", "persons"]].assign(municipality=m.number))
        today = housing.today_shares(data.residents).rename(columns={"share": "share_today"})
        target = data.target_shares.rename(columns={"share": "share_target"})
        shares.append(today.merge(target, on=["age_group", "step"]).assign(municipality=m.number))
        costs.append(data.step_costs.reset_index().assign(municipality=m.number))
        dwellings.append(data.persons_per_dwelling.reset_index().assign(municipality=m.number))
        spans.append((m.number, m.base_year, m.target_year))
    if not spans:
        return {}
    return {
        "population": pd.concat(population, ignore_index=True),
        "shares": pd.concat(shares, ignore_index=True),
        "costs": pd.concat(costs, ignore_index=True),
        "dwellings": pd.concat(dwellings, ignore_index=True),
        "span": pd.DataFrame(spans, columns=["municipality", "base_year", "target_year"]),
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
    return sums.assign(persons=persons)[["persons", *values]].reset_index()


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


# --- allocation ---------------------------------------------------------------------------


def _stack_ledgers(municipalities: list[Municipal]) -> list[tuple[AllocationInputs, pd.DataFrame]]:
    """Ledgers stacked per rule set (line numbers made unique), with the rule set's inputs."""
    groups: dict[str, list[tuple[Municipal, AllocationInputs]]] = {}
    for m in municipalities:
        inputs: AllocationInputs = m.inputs["allocation"]
        if inputs.ledger is None:
            continue  # only the source's own figures: nothing to allocate
        key = _fingerprint(inputs.parts) + repr([r.precedence for r in inputs.rules])
        key += repr([(r.keys, r.valid_from, r.valid_to) for r in inputs.rules])
        groups.setdefault(key, []).append((m, inputs))
    stacked = []
    for members in groups.values():
        ledgers, offset = [], 0
        for m, inputs in members:
            ledger = inputs.ledger.assign(
                municipality=m.number, line=inputs.ledger["line"] + offset
            )
            offset = int(ledger["line"].max()) + 1
            ledgers.append(ledger)
        ledger = pd.concat(ledgers, ignore_index=True)
        # the same few thousand codes recur in every municipality: as categories they are
        # compared as integers, not as hundreds of thousands of separate strings
        for column in ("municipality", *allocation.KEYS):
            ledger[column] = ledger[column].astype("category")
        stacked.append((members[0][1], ledger))
    return stacked


def _allocation(
    groups: list[tuple[AllocationInputs, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per municipality, year and step, in øre; ledgers sharing a rule set matched together."""
    sums, reconciled = [], []
    for first, stacked in groups:
        parts = allocation.allocate(stacked, first.rules, first.parts)
        owner = np.empty(int(stacked["line"].max()) + 1, dtype=np.int32)
        owner[stacked["line"].to_numpy()] = stacked["municipality"].cat.codes.to_numpy()
        categories = stacked["municipality"].cat.categories
        parts["municipality"] = pd.Categorical.from_codes(
            owner[parts["line"].to_numpy()], categories
        )
        keys = ["municipality", "year"]
        sums.append(parts.groupby([*keys, "step"], observed=True)["amount_ore"].sum().reset_index())
        reconciled.append(allocation.reconcile(stacked, parts, by=keys))
    if not sums:
        return pd.DataFrame(), pd.DataFrame()
    allocated, reconciled = (
        pd.concat(frames, ignore_index=True).astype({"municipality": str})
        for frames in (sums, reconciled)
    )
    return allocated, reconciled


FOLDER = "alle-kommuner"
"""Folder under ``reports/`` for the tables across municipalities."""
HEADERS = {
    "municipality": "Kommune",
    "package": "Pakke",
    "alternative": "Alternativ",
    "annual_cost": "Årskostnad (kr)",
    "cost": "Kostnad brukt i sammenligning (kr)",
    "hours": "Timer per år",
    "fte": "Årsverk",
    "diff_cost": "Forskjell i kostnad mot første alternativ (kr)",
    "diff_fte": "Forskjell i årsverk mot første alternativ",
    "persona": "Persona",
    "trajectory": "Forløp",
    "total_cost": "Kostnad over hele forløpet (kr)",
    "diff_annual_cost": "Forskjell per år mot referanseforløpet (kr)",
    "first_saving_year": "Første år med besparelse ved innfasing",
    "extra_total_cost": "Merkostnad ved innfasing (kr)",
    **YEARLY_LABELS,  # the housing report's own per-year headings
    "step": "Trinn",
    "amount_ore": "Beløp (øre)",
    "ledger_ore": "Regnskap (øre)",
    "allocated_ore": "Fordelt (øre)",
    "not_allocated_ore": "Ikke fordelt (øre)",
    "difference_ore": "Differanse (øre)",
}
FILES = {
    "calculator": "kalkulator",
    "personas": "personas",
    "phase_in": "personas-innfasing",
    "housing": "boligprofil-per-ar",
    "allocation": "okonomifordeling-per-trinn",
    "reconciliation": "okonomifordeling-avstemming",
}


MARK = "Illustrative tall"


ANALYSIS_OF = {
    "calculator": "calculator",
    "personas": "personas",
    "phase_in": "personas",
    "housing": "housing",
    "allocation": "allocation",
    "reconciliation": "allocation",
}


def write_tables(results: FleetResults, folder, municipalities: list[Municipal]) -> list:
    """Every table as CSV for Norwegian Excel (``<folder>/<name>.csv``), Norwegian headers,
    and on every row whether the municipality's figures are illustrative (``ja``/``nei``).

    Args:
        municipalities: From :func:`load` (whose data is illustrative, per analysis).

    Returns:
        The paths written.
    """
    from pathlib import Path

    from workbench.outputs import write_table

    folder = Path(folder)
    paths = []
    for attribute, name in FILES.items():
        frame = getattr(results, attribute)
        illustrative = {
            m.number: m.illustrative[ANALYSIS_OF[attribute]]
            for m in municipalities
            if ANALYSIS_OF[attribute] in m.illustrative
        }
        marks = frame["municipality"].map(illustrative).map({True: "ja", False: "nei"})
        frame = frame.assign(**{MARK: marks})
        frame = frame[["municipality", MARK, *frame.columns.drop(["municipality", MARK])]]
        path = folder / f"{name}.csv"
        write_table(frame.rename(columns=HEADERS), path)
        paths.append(path)
    return paths
