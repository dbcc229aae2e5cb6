"""The housing profile settings: the ``analyses.housing`` block of a municipality's parameter file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from workbench.models import NewMunicipality, StrictModel

LABOUR_SUPPLY_SOURCE = (
    "antagelse: like mange årsverk som i basisåret; Sandefjord kommune, «Skal bygge kommunens "
    "helhetlige innsatstrapp»: «De ansatte vi trenger, finnes ikke»"
)
"""Why the default labour supply does not grow: the municipalities' own words."""


class HousingCalibration(StrictModel):
    """The starting point of ``workbench calibrate``: illustrative files the calibration
    changes as little as needed to reproduce the source's summary (``reference_summary``).
    The calibrated files are written to the paths of ``residents``, ``step_costs`` and
    ``alternative_profile``."""

    residents: str = Field(title="Utgangspunkt for kalibreringen: beboere per boligtrinn")
    step_costs: str = Field(title="Utgangspunkt for kalibreringen: årsverk og kostnad per beboer")
    alternative_profile: str = Field(title="Utgangspunkt for kalibreringen: alternativ profil")


class HousingSettings(StrictModel):
    """Files and choices for the housing profile (file names relative to ``data/``)."""

    population: str = Field(title="Befolkning")
    projection: str = Field(default="MMMM", title="Framskrivingsalternativ")
    residents: str = Field(title="Beboere per boligtrinn")
    step_costs: str = Field(title="Årsverk og kostnad per beboer")
    own_step_costs: str | None = Field(
        default=None,
        title="Kommunens egne årsverk og kostnad per beboer (erstatter trinnene den har)",
    )
    alternative_profile: str = Field(title="Alternativ profil")
    rest_of_sector: str | None = Field(
        default=None,
        title="Resten av sektoren: årsverk og kostnad til tjenester for yngre enn 67 år",
    )
    rest_of_sector_growth: Literal["constant", "population_18_66"] = Field(
        default="constant", title="Resten av sektoren fram mot målåret"
    )
    persons_per_dwelling: str = Field(title="Personer per bolig")
    price_year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        title="Prisåret kostnadene per beboer og resten av sektoren er oppgitt i (tom: "
        "standardens prisår)",
    )
    steps_by_services: bool = Field(
        default=False,
        title="Trinn 1 og 2 skilt etter hjemmesykepleie, ikke etter boligens standard",
    )
    average_position_size: float | None = Field(
        default=None, gt=0, le=1, title="Gjennomsnittlig stillingsstørrelse"
    )
    over_80_without_services: str | None = Field(
        default=None, title="Andel over 80 år uten tjenester"
    )
    reference_summary: str | None = Field(default=None, title="Kildens sammendrag")
    labour_supply_growth: float = Field(
        default=0.0, ge=-0.1, le=0.1, title="Vekst i tilgangen på årsverk per år (antagelse)"
    )
    labour_supply_source: str = Field(
        default=LABOUR_SUPPLY_SOURCE, min_length=3, title="Begrunnelse for tilgangen på årsverk"
    )
    calibration: HousingCalibration | None = Field(
        default=None, title="Kalibrert mot kildens sammendrag fra"
    )

    @model_validator(mode="after")
    def _calibration_needs_the_summary(self) -> HousingSettings:
        if self.calibration is not None and self.reference_summary is None:
            raise ValueError(
                "calibration krever reference_summary: kildens sammendrag er det "
                "kalibreringen sikter mot"
            )
        if self.calibration is not None and self.rest_of_sector is None:
            raise ValueError(
                "calibration krever rest_of_sector: kildens bemanning og kostnader gjelder "
                "hele sektoren, og kalibreringen skriver resten av sektoren (tjenester til "
                "yngre enn 67 år) dit"
            )
        return self

    @classmethod
    def template(cls, new: NewMunicipality) -> HousingSettings:
        """What ``workbench new`` sets up: SSB's population, residents derived from the care
        statistics, the default costs per step beside the municipality's own (a template),
        its rest of the sector, and steps 1 and 2 told apart by home nursing."""
        data = new.data
        return cls(
            population=f"{data}/ssb/befolkning.csv",
            projection="MMMM",
            residents=f"{data}/bolig/beboere.csv",
            step_costs=f"{data}/bolig/trinnkostnader.csv",
            own_step_costs=f"{data}/bolig/trinnkostnader-egne.csv",
            alternative_profile=f"{data}/bolig/alternativ-profil.csv",
            rest_of_sector=f"{data}/bolig/resten-av-sektoren.csv",
            steps_by_services=True,
            persons_per_dwelling=f"{data}/bolig/personer-per-bolig.csv",
        )
