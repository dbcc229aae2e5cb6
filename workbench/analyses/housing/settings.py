"""The housing profile settings: the ``analyses.housing`` block of a municipality's parameter file."""

from __future__ import annotations

from pydantic import Field

from workbench.models import StrictModel


class HousingSettings(StrictModel):
    """Files and choices for the housing profile (file names relative to ``data/``)."""

    population: str
    projection: str = "MMMM"
    residents: str
    step_costs: str
    alternative_profile: str
    persons_per_dwelling: str
    average_position_size: float | None = Field(default=None, gt=0, le=1)
    over_80_without_services: str | None = None
    reference_summary: str | None = None
