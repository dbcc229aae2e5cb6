"""Calibrating a municipality's housing inputs to a source's own summary table.

Where a source publishes only the results of its housing model (staffing today, growth,
the effect of the alternative profile, costs) and not the inputs behind them, the inputs
can be estimated: start from an illustrative set (residents per age group and step,
årsverk and cost per resident per step, the alternative profile) and change it as little
as needed for the model to reproduce the source's figures.

The source's staffing and cost are the care sector's, all ages (its 855 årsverk are 149 per
1 000 inhabitants 67+, the form of SSB's all-age indicator; its 12,1 % of 793 mill. kr is a
sector total). The model is therefore the 67+ on the housing steps plus the rest of the
sector (services to people under 67, held constant or moved by the 18–66 projection):

- the rest's årsverk is the source's base-year staffing less the 67+ part's, and its cost is
  what makes the cost reduction the source's share of the sector's target-year cost with
  today's profile: the two level figures are met exactly, and they say how large the rest is;
- the four change figures (growth, practice, and their costs) are fitted by the 67+ inputs
  in a regularised least-squares problem (:func:`scipy.optimize.least_squares`) over
  log-multipliers of the starting values, so every input stays positive:

  - årsverk per resident: one common level (almost free) and one factor per step (held
    near 1);
  - cost per årsverk on each step: anchored to the source's own cost of the årsverk the
    alternative profile moves (reduced cost ÷ changed practice, 96 ÷ 120 for Færder), with
    the starting point's gradient over the steps, one factor per step held near 1; cost
    per resident is årsverk per resident × cost per årsverk;
  - residents per age group and step: one factor each, the age group's total kept at its
    base-year population;
  - the alternative profile: one factor per age group and step, each age group's shares
    summing to 1.

Persons per dwelling is not calibrated: the dwelling figures follow. What the fit could not
reach is reported, not hidden: see :func:`comparison`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from workbench.analyses.housing import engine as housing
from workbench.errors import InputError, Problem
from workbench.formatting import mill_kr, number, percent
from workbench.loaders import ROW_COLUMN
from workbench.population import AGE_GROUPS, population_by_year, read_population


@dataclass(frozen=True)
class Target:
    """One figure of the source's summary that the fit aims at.

    Args:
        weight: How firmly the fit holds it (None: met exactly by the rest of the sector).
        role: «sektor» or «endring», as the report explains them.
    """

    weight: float | None
    role: str


TARGETS: dict[str, Target] = {
    "staff_base": Target(None, "sektor"),
    "cost_share": Target(None, "sektor"),
    "growth": Target(10.0, "endring"),
    "practice": Target(10.0, "endring"),
    "cost_growth": Target(10.0, "endring"),
    "cost_cut": Target(10.0, "endring"),
}
"""The summary rows the fit aims at (engine keys) and how each is met."""

LEVEL_PENALTY = 0.01
"""Weight against moving the common level of årsverk per resident."""
ANCHOR_PENALTY = 1.0
"""Weight against moving the cost per årsverk from the source's own (reduced cost ÷ changed
practice)."""
STEP_PENALTY = 1.0
"""Weight against changing one step's årsverk per resident or cost per årsverk relative to
the others."""
NEGATIVE_PENALTY = 100.0
"""Weight against a rest of the sector below zero (the fit then cannot meet the source)."""
RESIDENTS_PENALTY = 0.5
"""Weight against moving residents between steps within an age group."""
PROFILE_PENALTY = 0.3
"""Weight against changing the alternative profile."""

UNIT_FACTORS = {
    "årsverk": ("årsverk", 1.0),
    "ansatte": ("ansatte", 1.0),
    "boliger": ("boliger", 1.0),
    "boenheter": ("boenheter", 1.0),
    "%": ("andel", 0.01),
    "mill. kr": ("kr", 1e6),
}
"""Units of a source summary and how a value converts to the model's unit."""
UNIT_FORMATS = {
    "årsverk": number,
    "ansatte": number,
    "kr": mill_kr,
    "andel": percent,
    "boliger": number,
    "boenheter": number,
}
"""How a figure in each of the model's units is shown (the report's summary and the rows
``workbench calibrate`` prints)."""


def source_value(value: float, unit: str) -> tuple[float, str]:
    """A figure of the source's summary in the model's unit (kroner, share 0–1).

    ``mill. 2023-kr`` and other «mill. <year>-kr» count as million kroner.
    """
    key = "mill. kr" if unit.startswith("mill.") and unit.endswith("kr") else unit
    if key not in UNIT_FACTORS:
        raise ValueError(f"ukjent enhet «{unit}»")
    model_unit, factor = UNIT_FACTORS[key]
    return value * factor, model_unit


def source_targets(reference: pd.DataFrame, path: Path | None = None) -> dict[str, float]:
    """The fit's figures from a source summary with columns ``key``, ``value`` and ``unit``.

    Raises:
        InputError: A figure the fit needs is missing, or a unit is unknown.
    """
    values = {}
    problems = []
    for row, key, value, unit in zip(
        reference[ROW_COLUMN],
        reference["key"],
        reference["value"],
        reference["unit"],
        strict=True,
    ):
        try:
            values[key] = source_value(value, unit)[0]
        except ValueError as exc:
            problems.append(Problem(str(exc), row=row, column="unit"))
    missing = [k for k in TARGETS if k not in values]
    if missing:
        problems.append(
            Problem(
                f"kalibreringen trenger radene {', '.join(missing)} i kolonnen key", column="key"
            )
        )
    if problems:
        raise InputError(path, problems)
    return {k: values[k] for k in TARGETS}


@dataclass(frozen=True)
class Calibration:
    """The calibrated inputs and how close they come.

    Args:
        data: The calibrated inputs (population and persons per dwelling unchanged).
        prior: The starting point.
        targets: The figures aimed at, in the model's units.
        converged: The optimiser reports success.
    """

    data: housing.HousingData
    prior: housing.HousingData
    targets: dict[str, float]
    converged: bool


def fit(
    prior: housing.HousingData,
    targets: dict[str, float],
    alternative: str,
    base_year: int,
    target_year: int,
) -> Calibration:
    """Calibrate ``prior`` so that the model reproduces ``targets`` as closely as the
    weights allow (see the module docstring)."""
    problem = _Problem(prior, targets, alternative, base_year, target_year)
    solution = least_squares(problem.residuals, np.zeros(problem.size), method="trf", x_scale=1.0)
    data = problem.data(solution.x)
    if data.rest.fte < 0 or data.rest.cost < 0:
        raise InputError(
            None,
            "kildens tall kan ikke nås: 67+-delen alene gir mer enn kildens bemanning eller "
            "kostnader, så resten av sektoren ville blitt negativ; kontroller utgangspunktet",
        )
    return Calibration(data, prior, dict(targets), bool(solution.success))


GROUPS = AGE_GROUPS
STEPS = housing.STEPS


class _Problem:
    """The fit's parameters and its model: the summary rows :data:`TARGETS` names, from
    the base and target year's population only (what :func:`engine.summary` uses)."""

    def __init__(self, prior, targets, alternative, base_year, target_year):
        self.prior = prior
        self.targets = targets
        population = population_by_year(
            prior.population, alternative, base_year, target_year
        ).set_index(["year", "age_group"])["persons"]
        self.base = population.loc[base_year].loc[list(GROUPS)].to_numpy()
        self.target = population.loc[target_year].loc[list(GROUPS)].to_numpy()
        self.growth = prior.rest.growth if prior.rest is not None else "constant"
        moved = housing.rest_by_year(
            dataclasses.replace(prior, rest=housing.SectorRest(1.0, 1.0, self.growth)),
            alternative,
            base_year,
            target_year,
        )
        self.rest_factor = float(moved["fte_rest"].iloc[-1])
        """The rest of the sector in the target year relative to the base year."""
        self.residents = _grid(prior.residents, "residents")
        self.shares = self.residents / self.residents.sum(axis=1, keepdims=True)
        self.profile = _grid(prior.target_shares, "share")
        self.fte = prior.step_costs.loc[list(STEPS), "fte_per_resident"].to_numpy()
        self.per_fte = _cost_per_fte(prior.step_costs, targets)
        grid = len(GROUPS) * len(STEPS)
        self.size = 2 + 2 * len(STEPS) + 2 * grid

    def unpack(self, x: np.ndarray):
        s, g = len(STEPS), len(GROUPS) * len(STEPS)
        fte = self.fte * np.exp(x[0] + x[2 : 2 + s])
        per_fte = self.per_fte * np.exp(x[1] + x[2 + s : 2 + 2 * s])
        shares = _normalised(self.shares * np.exp(x[2 + 2 * s : 2 + 2 * s + g].reshape(-1, s)))
        # a step the prior profile leaves empty may still be given a little
        profile = _normalised((self.profile + 1e-4) * np.exp(x[2 + 2 * s + g :].reshape(-1, s)))
        return fte, fte * per_fte, shares, profile

    def parts(self, x: np.ndarray) -> dict[str, float]:
        """The 67+ part's årsverk and cost (base year; target year with today's and the
        alternative profile) and the rest of the sector that meets the two level figures."""
        fte, cost, shares, profile = self.unpack(x)
        parts = {
            "staff_base": self.base @ shares @ fte,
            "staff_today": self.target @ shares @ fte,
            "staff_alt": self.target @ profile @ fte,
            "cost_base": self.base @ shares @ cost,
            "cost_today": self.target @ shares @ cost,
            "cost_alt": self.target @ profile @ cost,
        }
        cut = parts["cost_today"] - parts["cost_alt"]
        parts["rest_fte"] = self.targets["staff_base"] - parts["staff_base"]
        parts["rest_cost"] = (
            cut / self.targets["cost_share"] - parts["cost_today"]
        ) / self.rest_factor
        return parts

    def model(self, x: np.ndarray) -> dict[str, float]:
        p = self.parts(x)
        g = self.rest_factor
        cost_today = p["cost_today"] + g * p["rest_cost"]
        return {
            "staff_base": p["staff_base"] + p["rest_fte"],
            "growth": p["staff_today"] + (g - 1) * p["rest_fte"] - p["staff_base"],
            "practice": p["staff_alt"] - p["staff_today"],
            "cost_growth": p["cost_today"] + (g - 1) * p["rest_cost"] - p["cost_base"],
            "cost_cut": p["cost_alt"] - p["cost_today"],
            "cost_share": (p["cost_today"] - p["cost_alt"]) / cost_today,
        }

    def residuals(self, x: np.ndarray) -> np.ndarray:
        model = self.model(x)
        parts = self.parts(x)
        fit = [
            target.weight * (model[key] - self.targets[key]) / abs(self.targets[key])
            for key, target in TARGETS.items()
            if target.weight is not None
        ]
        below = [
            NEGATIVE_PENALTY * min(parts["rest_fte"], 0.0) / self.targets["staff_base"],
            NEGATIVE_PENALTY * min(parts["rest_cost"], 0.0) / max(parts["cost_base"], 1.0),
        ]
        s, g = len(STEPS), len(GROUPS) * len(STEPS)
        return np.concatenate(
            [
                fit,
                below,
                [LEVEL_PENALTY * x[0], ANCHOR_PENALTY * x[1]],
                STEP_PENALTY * x[2 : 2 + 2 * s],
                RESIDENTS_PENALTY * x[2 + 2 * s : 2 + 2 * s + g],
                PROFILE_PENALTY * x[2 + 2 * s + g :],
            ]
        )

    def data(self, x: np.ndarray) -> housing.HousingData:
        fte, cost, shares, profile = self.unpack(x)
        parts = self.parts(x)
        residents = shares * self.residents.sum(axis=1, keepdims=True)
        return housing.HousingData(
            population=self.prior.population,
            residents=_long(residents, "residents"),
            step_costs=pd.DataFrame(
                {"fte_per_resident": fte, "cost_per_resident": cost},
                index=pd.Index(STEPS, name="step"),
            ),
            target_shares=_long(profile, "share"),
            persons_per_dwelling=self.prior.persons_per_dwelling,
            rest=housing.SectorRest(parts["rest_fte"], parts["rest_cost"], self.growth),
        )


def source_cost_per_fte(targets: dict[str, float]) -> float | None:
    """The source's own cost of one årsverk: the cost the alternative profile saves over the
    årsverk it saves (96 mill. kr ÷ 120 for Færder); None where it saves no årsverk."""
    if not targets.get("practice"):
        return None
    return targets["cost_cut"] / targets["practice"]


def _cost_per_fte(step_costs: pd.DataFrame, targets: dict[str, float]) -> np.ndarray:
    """The fit's starting cost per årsverk on each step: the starting point's gradient over
    the steps (cost ÷ årsverk per resident), scaled so its mean is the source's own cost of
    an årsverk where the source gives one.

    Raises:
        InputError: A step has cost but no årsverk: the fit prices årsverk.
    """
    fte = step_costs.loc[list(STEPS), "fte_per_resident"].to_numpy(dtype=float)
    cost = step_costs.loc[list(STEPS), "cost_per_resident"].to_numpy(dtype=float)
    staffed = fte > 0
    if (cost[~staffed] > 0).any():
        step = STEPS[int(np.flatnonzero(~staffed & (cost > 0))[0])]
        raise InputError(
            None,
            f"utgangspunktet har kostnad, men ingen årsverk, på boligtrinn {step}; "
            "kalibreringen regner kostnaden som årsverk × kostnad per årsverk",
        )
    per_fte = np.where(staffed, cost / np.where(staffed, fte, 1.0), np.nan)
    mean = np.nanmean(per_fte)
    per_fte = np.where(staffed, per_fte, mean)
    anchor = source_cost_per_fte(targets)
    return per_fte * (anchor / mean) if anchor else per_fte


def _grid(table: pd.DataFrame, value: str) -> np.ndarray:
    wide = table.pivot(index="age_group", columns="step", values=value)
    return wide.loc[list(GROUPS), list(STEPS)].to_numpy(dtype=float)


def _long(grid: np.ndarray, value: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (group, step, grid[i, j])
            for i, group in enumerate(GROUPS)
            for j, step in enumerate(STEPS)
        ],
        columns=["age_group", "step", value],
    )


def _normalised(grid: np.ndarray) -> np.ndarray:
    return grid / grid.sum(axis=1, keepdims=True)


DECIMALS = {
    "residents": 1,
    "share": 4,
    "fte_per_resident": 4,
    "cost_per_resident": 0,
    "fte": 1,
    "cost": 0,
}
"""Decimals the calibrated files are written with."""


def rounded(data: housing.HousingData) -> housing.HousingData:
    """The calibrated inputs as they are written: residents to 0,1 person, shares to four
    decimals (each age group then sums to 1 within 0,0005), årsverk to 0,0001 and cost to
    whole kroner per resident; the rest of the sector to 0,1 årsverk and whole kroner."""
    profile = data.target_shares.copy()
    profile["share"] = profile["share"].round(DECIMALS["share"])
    residents = data.residents.copy()
    residents["residents"] = residents["residents"].round(DECIMALS["residents"])
    costs = data.step_costs.copy()
    for column in ("fte_per_resident", "cost_per_resident"):
        costs[column] = costs[column].round(DECIMALS[column])
    rest = data.rest and dataclasses.replace(
        data.rest,
        fte=round(data.rest.fte, DECIMALS["fte"]),
        cost=round(data.rest.cost, DECIMALS["cost"]),
    )
    return housing.HousingData(
        data.population, residents, costs, profile, data.persons_per_dwelling, rest
    )


def write(
    data: housing.HousingData, residents: Path, step_costs: Path, profile: Path, rest: Path
) -> None:
    """Write the calibrated inputs in the same layout as the files they replace
    (semicolon, decimal comma), each written whole or not at all."""
    from workbench.outputs import atomic_write_text

    data = rounded(data)
    atomic_write_text(residents, _csv(data.residents, ["age_group", "step", "residents"]))
    atomic_write_text(
        step_costs,
        _csv(data.step_costs.reset_index(), ["step", "fte_per_resident", "cost_per_resident"]),
    )
    atomic_write_text(profile, _csv(data.target_shares, ["age_group", "step", "share"]))
    atomic_write_text(
        rest,
        _csv(
            pd.DataFrame([(data.rest.fte, data.rest.cost)], columns=["fte", "cost"]),
            ["fte", "cost"],
        ),
    )


def _csv(table: pd.DataFrame, columns: list[str]) -> str:
    lines = [";".join(columns)]
    for row in table[columns].itertuples(index=False):
        lines.append(";".join(_cell(c, v) for c, v in zip(columns, row, strict=True)))
    return "\n".join(lines) + "\n"


def _cell(column: str, value: object) -> str:
    if column in DECIMALS:
        return f"{value:.{DECIMALS[column]}f}".replace(".", ",")
    return str(value)


COMPARISON_COLUMNS = ["key", "label", "source", "prior", "model", "unit", "role"]


def comparison(
    reference: pd.DataFrame, model: pd.DataFrame, prior: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every figure of the source's summary beside the model's, in the model's units.

    Args:
        reference: The source's summary (``key``, ``label``, ``value``, ``unit``).
        model: :func:`engine.summary` of the inputs used.
        prior: :func:`engine.summary` of the starting point, where the inputs are calibrated.

    Returns:
        One row per source figure: its key and label, the source's value, the starting
        point's and the model's (NaN where the model has no such row), the unit and the
        figure's role in the fit (``nivå``, ``effekt``, ``vekst`` or ``ikke kalibrert``).
    """
    computed = model.set_index("key")["value"]
    before = prior.set_index("key")["value"] if prior is not None else None
    rows = []
    for key, label, value, unit in zip(
        reference["key"], reference["label"], reference["value"], reference["unit"], strict=True
    ):
        source, model_unit = source_value(value, unit)
        rows.append(
            (
                key,
                label,
                source,
                before.get(key, np.nan) if before is not None else np.nan,
                computed.get(key, np.nan),
                model_unit,
                TARGETS[key].role if key in TARGETS else "ikke kalibrert",
            )
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def calibrate_municipality(project, number: str) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """``workbench calibrate``: fit the municipality's calibration starting point to its
    source summary and write the calibrated files where its parameters name them.

    Returns:
        The files written, and (label, source, model) rows for the terminal.

    Raises:
        InputError: The municipality has no ``calibration`` block, or a file is bad.
    """
    from workbench.session import open_session

    session = open_session("housing", number, project_dir=str(project.root))
    m = session.municipality
    settings = m.analyses.housing
    key = "analyses.housing"
    if settings.calibration is None:
        raise InputError(
            m.source_file,
            [
                Problem(
                    "kommunen har ingen calibration-blokk; den sier hvilke illustrative filer "
                    "kalibreringen starter fra",
                    key=f"{key}.calibration",
                )
            ],
        )

    def path(field: str, owner=settings, prefix: str = key) -> Path:
        return session.data_file(getattr(owner, field), key=f"{prefix}.{field}")

    from workbench.analyses.housing import load
    from workbench.loaders import read_table

    reference_path = path("reference_summary")
    reference = read_table(reference_path, load.REFERENCE_SCHEMA)
    targets = source_targets(reference, reference_path)
    calibration = settings.calibration
    prior = housing.HousingData(
        read_population(path("population")),
        load.read_residents(path("residents", calibration, f"{key}.calibration")),
        load.read_step_costs(path("step_costs", calibration, f"{key}.calibration")),
        load.read_target_shares(path("alternative_profile", calibration, f"{key}.calibration")),
        load.read_persons_per_dwelling(path("persons_per_dwelling")),
        rest=housing.SectorRest(0.0, 0.0, settings.rest_of_sector_growth),
    )
    result = fit(prior, targets, settings.projection, m.base_year, m.target_year)
    outputs = [  # written where the parameters name them, never outside data/
        project.data_path(getattr(settings, f), source=m.source_file, key=f"{key}.{f}", new=True)
        for f in ("residents", "step_costs", "alternative_profile", "rest_of_sector")
    ]
    write(result.data, *outputs)
    written = rounded(result.data)
    years = (settings.projection, m.base_year, m.target_year)
    summary = housing.summary(
        housing.project(written, *years),
        m.base_year,
        m.target_year,
        settings.average_position_size or session.defaults.assumptions.average_position_size.value,
        housing.rest_by_year(written, *years),
    )
    table = comparison(reference, summary)
    rows = [
        (row.label, UNIT_FORMATS[row.unit](row.source), UNIT_FORMATS[row.unit](row.model))
        for row in table.itertuples()
        if not np.isnan(row.model)
    ]
    return outputs, rows
