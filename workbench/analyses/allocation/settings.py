"""The economic allocation settings: the ``analyses.allocation`` block of a municipality's parameter file."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from workbench.models import NewMunicipality, StrictModel

BARNEHAGE_SKOLE_SFO = ["201", "202", "215", "221", "222", "223"]
SHARED_ADMINISTRATION = ["100", "110", "120", "121", "130", "180"]
"""Politisk styring, kontroll og revisjon, administrasjon, forvaltning av eiendom,
administrasjonslokaler and diverse fellesutgifter: costs shared by every service."""


class AllocationSettings(StrictModel):
    """Files and choices for the allocation onto the staircase (file names relative to ``data/``)."""

    ledger: str | None = Field(default=None, title="Regnskap")
    kostra: str | None = Field(default=None, title="Kommunens regnskap per KOSTRA-funksjon (SSB)")
    rules: str | None = Field(default=None, title="Kommunens fordelingsregler")
    default_rules: str = Field(default="reference/standardregler.csv", title="Standardregler")
    steps: str | None = Field(default=None, title="Kommunens egne trinn")
    basis: Literal["net", "gross"] = Field(default="net", title="Grunnlag")
    recipients: str | None = Field(default=None, title="Tjenestemottakere")
    inhabitants: str | None = Field(default=None, title="Innbyggere")
    comparisons: str | None = Field(default=None, title="Sammenligningskommuner")
    reference: str | None = Field(default=None, title="Kildens tall")
    exclude_functions: list[str] = Field(
        default_factory=lambda: list(BARNEHAGE_SKOLE_SFO),
        title="Funksjoner holdt utenfor i varianten uten barnehage, skole og SFO",
    )
    year: int | None = Field(default=None, title="År som vises")
    administration: Literal["pro_rata", "outside", "as_ruled"] = Field(
        default="pro_rata",
        title="Felles administrasjon",
    )
    administration_functions: list[str] = Field(
        default_factory=lambda: list(SHARED_ADMINISTRATION),
        title="Funksjonene som er felles administrasjon",
    )
    target_profile: str | None = Field(default=None, title="Målprofil")
    services: str | None = Field(
        default=None,
        title="Tjenester per trinn (kommunens egne; uten dem viser rapporten bare hullene i "
        "trappa, fra kostnad og mottakere)",
    )

    @model_validator(mode="after")
    def _something_to_show(self) -> Self:
        if self.ledger is None and self.reference is None and self.kostra is None:
            raise ValueError(
                "oppgi ledger (regnskapet), kostra (regnskapet per KOSTRA-funksjon fra SSB) "
                "eller reference (kildens tall)"
            )
        return self

    @classmethod
    def template(cls, new: NewMunicipality) -> AllocationSettings:
        """What ``workbench new`` sets up: the ledger and own rules as templates to fill in,
        the accounts per KOSTRA function and inhabitants from SSB, and the comparison
        municipalities where its KOSTRA group has any."""
        data = new.data
        return cls(
            ledger=f"{data}/okonomi/regnskap.csv",
            rules=f"{data}/okonomi/regler.csv",
            kostra=f"{data}/ssb/kostra-funksjon.csv",
            inhabitants=f"{data}/ssb/innbyggere.csv",
            **({"comparisons": f"{data}/ssb/sammenligning.csv"} if new.comparisons else {}),
        )
