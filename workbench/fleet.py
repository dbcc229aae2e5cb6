"""Every analysis for every municipality at once: the key figures in one DataFrame each.

The reports run one municipality at a time; a consultancy comparing all 357 wants the
numbers side by side, and recomputing them for a new scenario should take less than a
second. :func:`load` reads and validates each municipality's inputs through the same loaders
the notebooks use; :func:`compute` then asks each analysis's ``fleet`` module
(``workbench/analyses/<key>/fleet.py``) for its tables with a ``municipality`` column, made
with the report's own engine functions: each formula exists once. Equal inputs are computed
once (a persona or package priced once per catalogue; ledgers sharing a rule set allocated
together by the same ``allocate``).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import analyses
from workbench.config import Defaults, Municipality, municipality_files
from workbench.outputs import for_reading, write_table
from workbench.project import Project
from workbench.session import Session

FOLDER = "all-municipalities"
"""Folder under ``reports/`` for the tables across municipalities."""
MARK = "Illustrative tall"
MUNICIPALITY = {"municipality": "Kommune"}


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

    ``stacked`` holds, per analysis, what its ``fleet.stack`` made of the municipalities:
    equal inputs grouped to be computed once (catalogues by content), or the municipalities
    as they are.
    """

    municipalities: list[Municipal] = field(default_factory=list)
    stacked: dict[str, object] = field(default_factory=dict)

    def having(self, analysis: str) -> list[Municipal]:
        return [m for m in self.municipalities if analysis in m.inputs]


@dataclass(frozen=True)
class FleetResults:
    """Key figures for all municipalities (one row per municipality and item), by table
    name (``results.housing`` or ``results.tables["housing"]``); each analysis's ``fleet``
    module documents its tables' columns.

    Args:
        tables: Table name → frame.
        analysis_of: Table name → the analysis that made it.
    """

    tables: dict[str, pd.DataFrame]
    analysis_of: dict[str, str]

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None


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
                illustrative[key] = bool(session.illustrative)
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
        key: analysis.part("fleet").stack(fleet.having(key))
        for key, analysis in analyses.ANALYSES.items()
    }
    return fleet


def compute(fleet: FleetInputs) -> FleetResults:
    """Every analysis's key figures for every municipality in ``fleet``."""
    tables, analysis_of = {}, {}
    for key, analysis in analyses.ANALYSES.items():
        for name, frame in analysis.part("fleet").compute(fleet.stacked[key]).items():
            tables[name] = frame
            analysis_of[name] = key
    return FleetResults(tables, analysis_of)


def stack_priced(
    municipalities: list[Municipal], analysis: str, items: Callable[[Any], list]
) -> dict[tuple, list]:
    """Municipalities grouped by (file, price catalogue content, assumptions): equal inputs
    are priced once. Values: the inputs of the first, the file, and every member.

    Args:
        items: The priced files of one municipality's inputs (packages or personas).
    """
    groups: dict[tuple, list] = {}
    fingerprints: dict[int, str] = {}
    for m in municipalities:
        inputs = m.inputs[analysis]
        prices = fingerprints.setdefault(id(inputs.catalogue), fingerprint(inputs.catalogue))
        for item in items(inputs):
            key = (str(item.path), prices, inputs.assumptions)
            group = groups.setdefault(key, [inputs, item, []])
            group[2].append((m.number, inputs))
    return groups


def fingerprint(frame: pd.DataFrame) -> str:
    """Content hash of a frame (index, columns, values and their types), to share work
    between equal inputs within one process.

    The frame is pickled a column at a time: equal content gives equal bytes, and different
    content never does. Pickling small frames of text costs a tenth of hashing them with
    ``pandas.util.hash_pandas_object``.
    """
    digest = hashlib.sha256(pickle.dumps((frame.index, frame.columns), protocol=5))
    for column in frame.columns:
        values = frame[column].to_numpy()
        digest.update(pickle.dumps((values.dtype.str, values), protocol=5))
    return digest.hexdigest()


def table_files() -> dict[str, str]:
    """Every table's file name under ``reports/all-municipalities/`` (without ``.csv``)."""
    return {
        table: name
        for analysis in analyses.ANALYSES.values()
        for table, name in analysis.part("fleet").FILES.items()
    }


def write_tables(results: FleetResults, folder, municipalities: list[Municipal]) -> list:
    """Every table as CSV for Norwegian Excel (``<folder>/<name>.csv``), Norwegian headers,
    and on every row whether the municipality's figures are illustrative (``ja``/``nei``).

    Args:
        municipalities: From :func:`load` (whose data is illustrative, per analysis).

    Returns:
        The paths written.
    """
    folder = Path(folder)
    paths = []
    for table, frame in results.tables.items():
        key = results.analysis_of[table]
        module = analyses.get(key).part("fleet")
        illustrative = {
            m.number: m.illustrative[key] for m in municipalities if key in m.illustrative
        }
        marks = frame["municipality"].map(illustrative).map({True: "ja", False: "nei"})
        frame = frame.assign(**{MARK: marks})
        frame = frame[["municipality", MARK, *frame.columns.drop(["municipality", MARK])]]
        path = folder / f"{module.FILES[table]}.csv"
        write_table(for_reading(frame.rename(columns={**MUNICIPALITY, **module.HEADERS})), path)
        paths.append(path)
    return paths
