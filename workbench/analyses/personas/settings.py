"""The personas settings: the ``analyses.personas`` block of a municipality's parameter file."""

from __future__ import annotations

from pydantic import Field

from workbench.models import StrictModel


class PersonaSettings(StrictModel):
    """Personas a municipality shows, and how they are scaled and phased in."""

    personas: list[str] = Field(min_length=1, title="Personas")
    persons: int = Field(ge=1, title="Personer i målgruppen (N)")
    persons_source: str = Field(min_length=3, title="Kilde for N")
    trajectory_years: float | None = Field(default=None, gt=0, title="Forløpets lengde (L, år)")
    reference: str = Field(default="normal", title="Referanseforløp")
    phase_in_to: str = Field(default="proactive", title="Forløp som fases inn")
    phase_in_years: int | None = Field(default=None, ge=1, le=100, title="År med innfasing")
    effect_year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        title="År samlet effekt vises for (innfasingen starter året etter basisåret)",
    )
