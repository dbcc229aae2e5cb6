"""The resource calculator settings: the ``analyses.calculator`` block of a municipality's parameter file."""

from __future__ import annotations

from pydantic import Field

from workbench.models import NewMunicipality, StrictModel


class CalculatorSettings(StrictModel):
    """What the resource calculator shows for a municipality."""

    packages: list[str] = Field(min_length=1, title="Tjenestepakker")

    @classmethod
    def template(cls, new: NewMunicipality) -> CalculatorSettings:
        """What ``workbench new`` sets up: the example packages from the Færder presentation."""
        return cls(packages=["packages/eksempelpakker-faerder.yaml"])
