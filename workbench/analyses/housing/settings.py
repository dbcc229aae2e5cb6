"""The housing profile settings: the ``analyses.housing`` block of a municipality's parameter file."""

from __future__ import annotations

from pydantic import Field

from workbench.models import StrictModel


class HousingSettings(StrictModel):
    """Files and choices for the housing profile (file names relative to ``data/``)."""

    population: str = Field(title="Befolkning")
    projection: str = Field(default="MMMM", title="Framskrivingsalternativ")
    residents: str = Field(title="Beboere per boligtrinn")
    step_costs: str = Field(title="Årsverk og kostnad per beboer")
    alternative_profile: str = Field(title="Alternativ profil")
    persons_per_dwelling: str = Field(title="Personer per bolig")
    average_position_size: float | None = Field(
        default=None, gt=0, le=1, title="Gjennomsnittlig stillingsstørrelse"
    )
    over_80_without_services: str | None = Field(
        default=None, title="Andel over 80 år uten tjenester"
    )
    reference_summary: str | None = Field(default=None, title="Kildens sammendrag")
