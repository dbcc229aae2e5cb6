"""The personas settings: the ``analyses.personas`` block of a municipality's parameter file."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from workbench.models import NewMunicipality, StrictModel


class PersonaSettings(StrictModel):
    """Personas a municipality shows, and how they are scaled and phased in."""

    personas: list[str] = Field(min_length=1, title="Personas")
    persons: int | None = Field(default=None, ge=1, le=1_000_000, title="Personer i målgruppen (N)")
    persons_source: str | None = Field(default=None, min_length=3, title="Kilde for N")
    prevalence: str | None = Field(default=None, title="Forekomst per aldersgruppe")
    persons_by: Literal["given", "prevalence"] | None = Field(
        default=None,
        title="N fra",
    )
    incidence: str | None = Field(default=None, title="Insidens (nye tilfeller per personår)")
    starts_by: Literal["length", "incidence"] | None = Field(
        default=None,
        title="Nye i forløpet per år",
    )
    course_share: float | None = Field(
        default=None,
        gt=0,
        le=1,
        title="Andelen av de nye tilfellene som personaens forløp beskriver (tom: andelen som "
        "gir N personer i forløpet i basisåret)",
    )
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

    @property
    def n_from(self) -> Literal["given", "prevalence"]:
        """Where N comes from: ``persons_by``, else the municipality's own number when it
        gives one, else prevalence."""
        if self.persons_by is not None:
            return self.persons_by
        return "given" if self.persons is not None else "prevalence"

    @property
    def starts_from(self) -> Literal["length", "incidence"]:
        """How many start the course each year: ``starts_by``, else from incidence when the
        municipality gives an incidence file, else N ÷ L."""
        if self.starts_by is not None:
            return self.starts_by
        return "incidence" if self.incidence is not None else "length"

    @model_validator(mode="after")
    def _persons(self) -> Self:
        if self.starts_from == "incidence" and self.incidence is None:
            raise ValueError(
                "de nye i forløpet skal komme fra insidens (starts_by: incidence), men "
                "incidence mangler: oppgi en insidensfil, f.eks. reference/demensinsidens.csv"
            )
        if self.n_from == "prevalence" and self.prevalence is None:
            raise ValueError(
                "N skal komme fra forekomst (persons_by: prevalence), men prevalence mangler: "
                "oppgi en forekomstfil, f.eks. reference/demensforekomst.csv, eller et eget "
                "tall i persons"
            )
        if self.persons is not None and self.persons_source is None:
            raise ValueError("persons_source mangler: hvor kommer antallet i persons fra?")
        if self.n_from == "given" and self.persons is None:
            raise ValueError(
                "persons mangler: oppgi antallet i målgruppen, eller la N komme fra "
                "forekomst med prevalence og persons_by: prevalence"
            )
        return self

    @classmethod
    def template(cls, new: NewMunicipality) -> PersonaSettings:
        """What ``workbench new`` sets up: Johs priced from services, N from the dementia
        prevalence and the starters from its incidence, both over the population."""
        return cls(
            personas=["personas/johs-tjenester.yaml"],
            prevalence="reference/demensforekomst.csv",
            persons_by="prevalence",
            incidence="reference/demensinsidens.csv",
            reference="normal",
            phase_in_to="proactive",
        )
