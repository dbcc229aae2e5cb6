"""The personas settings: the ``analyses.personas`` block of a municipality's parameter file."""

from __future__ import annotations

from pydantic import Field

from workbench.models import StrictModel


class PersonaSettings(StrictModel):
    """Personas a municipality shows, and how they are scaled and phased in."""

    personas: list[str] = Field(min_length=1)
    persons: int = Field(ge=1)
    persons_source: str = Field(min_length=3)
    trajectory_years: float | None = Field(default=None, gt=0)
    reference: str = "normal"
    phase_in_to: str = "proactive"
    phase_in_years: int | None = Field(default=None, ge=1, le=100)
