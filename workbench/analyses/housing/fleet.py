"""The housing profile for all municipalities: each municipality through the report's own
engine (:func:`engine.project`, :func:`engine.rest_by_year`, :func:`engine.by_year`), the
tables joined with a municipality column."""

from __future__ import annotations

import pandas as pd

from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.load import HousingInputs
from workbench.analyses.housing.report import YEARLY_LABELS
from workbench.fleet import Municipal

FILES = {"housing": "boligprofil-per-ar"}
"""Table → file name under ``reports/all-municipalities/``."""
HEADERS = {"year": "År", **YEARLY_LABELS}
"""The housing report's own per-year headings."""


def compute(members: list[Municipal]) -> dict[str, pd.DataFrame]:
    """``housing``: ``municipality``, ``year``, ``persons``, ``fte_today``, ``fte_alt``,
    ``cost_today``, ``cost_alt``, ``dwellings_today``, ``dwellings_alt`` (the 67+), the rest
    of the sector and the sector's årsverk and cost (as :func:`engine.by_year`)."""
    frames = []
    for m in members:
        inputs: HousingInputs = m.inputs["housing"]
        years = (inputs.settings.projection, m.base_year, m.target_year)
        projection = housing.project(inputs.data, *years)
        table = housing.by_year(projection, housing.rest_by_year(inputs.data, *years))
        frames.append(table.assign(municipality=m.number))
    if not frames:
        return {"housing": pd.DataFrame()}
    table = pd.concat(frames, ignore_index=True)
    return {"housing": table[["municipality", *table.columns.drop("municipality")]]}


def stack(municipalities: list[Municipal]) -> list[Municipal]:
    """The municipalities, as they are: each is computed on its own."""
    return municipalities
