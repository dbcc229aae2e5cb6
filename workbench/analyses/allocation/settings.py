"""The economic allocation settings: the ``analyses.allocation`` block of a municipality's parameter file."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from workbench.models import StrictModel

BARNEHAGE_SKOLE_SFO = ["201", "202", "215", "221", "222", "223"]


class AllocationSettings(StrictModel):
    """Files and choices for the allocation onto the staircase (file names relative to ``data/``)."""

    ledger: str | None = None
    rules: str | None = None
    default_rules: str = "reference/standardregler.csv"
    steps: str | None = None
    basis: Literal["net", "gross"] = "net"
    recipients: str | None = None
    inhabitants: str | None = None
    comparisons: str | None = None
    reference: str | None = None
    exclude_functions: list[str] = Field(default_factory=lambda: list(BARNEHAGE_SKOLE_SFO))
    year: int | None = None

    @model_validator(mode="after")
    def _something_to_show(self) -> Self:
        if self.ledger is None and self.reference is None:
            raise ValueError(
                "oppgi ledger (regnskapet) eller reference (kildens tall), eller begge"
            )
        return self
