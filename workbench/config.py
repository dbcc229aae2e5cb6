"""Typed parameters: the shared assumptions and one file per municipality.

Both are pydantic models that forbid unknown keys, loaded by ``from_file``. A file that does
not validate raises :class:`~workbench.errors.InputError` naming the file, every bad key and
the reason in Norwegian.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, ValidationInfo, create_model, field_validator, model_validator

from workbench.analyses import ANALYSES
from workbench.errors import InputError, Problem
from workbench.loaders import read_yaml
from workbench.models import StrictModel

MUNICIPALITY_FILE = re.compile(r"^(?P<number>\d{4})-(?P<slug>[a-z0-9][a-z0-9-]*)\.ya?ml$")
STEP_COUNT = 12


class Assumption(StrictModel):
    """A number the analyses rely on, with its Norwegian name and where it comes from.

    A unit starting with «andel» is a share and is shown as a percentage (0,67 as 67 %).
    """

    name: str = Field(min_length=3)
    value: float
    unit: str
    kind: Literal["source", "derived", "assumption"]
    source: str = Field(min_length=3)

    @property
    def is_share(self) -> bool:
        return self.unit.startswith("andel")

    def shown(self) -> str:
        """The value as a reader sees it: ``1 600``, ``67 %``."""
        from workbench.formatting import number, percent

        if self.is_share:
            return percent(self.value, 0 if float(self.value * 100).is_integer() else 1)
        return number(self.value, 0 if float(self.value).is_integer() else 2)


class Assumptions(StrictModel):
    hours_per_fte: Assumption
    average_position_size: Assumption
    weeks_per_year: Assumption
    days_per_year: Assumption
    ambulatory_visit_minutes: Assumption
    travel_minutes_per_visit: Assumption

    @model_validator(mode="after")
    def _positive(self) -> Self:
        for name in type(self).model_fields:
            if getattr(self, name).value <= 0:
                raise ValueError(f"{name}: verdien må være større enn 0")
        return self


class Defaults(StrictModel):
    """``parameters/defaults.yaml``: assumptions shared by every municipality."""

    price_catalogues: list[str] = Field(min_length=1)
    price_version: str
    price_year: int = Field(ge=2000, le=2100, title="Prisår")
    """The year the calculator, personas and housing profile count kroner in, unless a
    municipality chooses its own."""
    price_index: str = Field(default="reference/kommunal-deflator.csv", title="Prisvekst")
    """Price growth per year, for converting kroner between price years."""
    deduct_user_payments: bool = False
    made_by: str = Field(default="", max_length=120, title="Laget av")
    """Who made the analyses (a consultancy, the municipality's staff), on the title slide;
    empty leaves the line out."""
    assumptions: Assumptions

    @classmethod
    def from_file(cls, path: Path) -> Defaults:
        return cls.from_mapping(read_yaml(path), path)


class StepOverride(StrictModel):
    """A municipality's own name, subtitle or goal for one step of the staircase."""

    name: str | None = None
    subtitle: str | None = None
    goal: str | None = None


AnalysesSettings = create_model(
    "AnalysesSettings",
    __base__=StrictModel,
    __doc__="One entry per analysis the municipality runs; an absent analysis is not run.",
    **{key: (spec.settings | None, None) for key, spec in ANALYSES.items()},
)
"""The ``analyses:`` block, one optional entry per analysis in the registry."""

FourDigits = Annotated[str, Field(pattern=r"^\d{4}$")]


class Municipality(StrictModel):
    """``parameters/<nr>-<slug>.yaml``: one municipality."""

    number: FourDigits = Field(title="Kommunenummer")
    name: str = Field(min_length=1, title="Navn")
    fictional: bool = Field(default=False, title="Fiktiv kommune")
    former_numbers: list[FourDigits] = Field(default_factory=list, title="Tidligere kommunenummer")
    base_year: int = Field(ge=2000, le=2100, title="Basisår")
    target_year: int = Field(ge=2000, le=2100, title="Målår")
    step_names: dict[int, StepOverride] = Field(default_factory=dict, title="Egne trinnavn")
    prices: str | None = Field(default=None, title="Lokale priser")
    price_year: int | None = Field(default=None, ge=2000, le=2100, title="Prisår")
    analyses: AnalysesSettings
    slug: str = Field(default="", exclude=True)
    source_file: Path | None = Field(default=None, exclude=True)

    @field_validator("number", "former_numbers", mode="before")
    @classmethod
    def _quoted(cls, value: object, info: ValidationInfo) -> object:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                raise ValueError(unquoted_number(item, info.field_name))
        return value

    @field_validator("step_names")
    @classmethod
    def _known_steps(cls, value: dict[int, StepOverride]) -> dict[int, StepOverride]:
        unknown = sorted(k for k in value if not 1 <= k <= STEP_COUNT)
        if unknown:
            raise ValueError(f"trinn {unknown} finnes ikke (trinnene er 1–{STEP_COUNT})")
        return value

    @model_validator(mode="after")
    def _years(self) -> Self:
        if self.target_year <= self.base_year:
            raise ValueError(
                f"målåret ({self.target_year}) må være etter basisåret ({self.base_year})"
            )
        return self

    @property
    def key(self) -> str:
        """``<nr>-<slug>``: the name of its parameter file and report folder."""
        return f"{self.number}-{self.slug}"

    @property
    def title(self) -> str:
        return f"{self.number} {self.name}"

    @classmethod
    def from_file(cls, path: Path) -> Municipality:
        """Load and validate one municipality file.

        Raises:
            InputError: The file name is not ``<nr>-<slug>.yaml``, a key is unknown or
                invalid, or the number in the file differs from the file name.
        """
        match = MUNICIPALITY_FILE.match(path.name)
        if not match:
            raise InputError(
                path,
                "filnavnet må være <kommunenummer>-<navn>.yaml, f.eks. 3911-faerder.yaml "
                "(fire sifre, små bokstaver uten æøå)",
            )
        data = read_yaml(path)
        if "slug" in data or "source_file" in data:
            bad = "slug" if "slug" in data else "source_file"
            raise InputError(path, Problem("ukjent nøkkel (settes fra filnavnet)", key=bad))
        municipality = cls.from_mapping(data, path)
        if municipality.number != match["number"]:
            raise InputError(
                path,
                Problem(
                    f"kommunenummeret {municipality.number} stemmer ikke med filnavnet "
                    f"({match['number']})",
                    key="number",
                ),
            )
        return municipality.model_copy(update={"slug": match["slug"], "source_file": path})


def unquoted_number(value: int, key: str) -> str:
    """Message for a municipality number YAML read as a number: without quotes ``3911`` is
    the number 3911, and ``0301`` (leading zero, digits 0–7) the octal number 193."""
    written = f"0{value:o}" if value < 1000 and len(f"{value:o}") == 3 else f"{value:04d}"
    octal = (
        f" (uten anførselstegn leser YAML {written} som tallet {value})"
        if written[0] == "0"
        else ""
    )
    return f'skriv kommunenummeret i anførselstegn, {key}: "{written}"{octal}'


def municipality_files(parameters_dir: Path) -> list[Path]:
    """Every municipality parameter file, sorted by number."""
    return sorted(p for p in parameters_dir.glob("*.y*ml") if p.name[:4].isdigit())


def parameter_file(parameters_dir: Path, number: str) -> Path:
    """The parameter file of the municipality with this number: the one file
    ``<number>-<navn>.yaml`` in ``parameters/``.

    Raises:
        InputError: The number is not four digits, or there is no such file, or several.
    """
    text = str(number).strip()
    if not (text.isdigit() and len(text) == 4):
        raise InputError(
            None,
            f'kommunenummeret «{number}» må ha fire sifre som tekst, f.eks. "0301" '
            "(med papermill: -p municipality 0301)",
        )
    files = municipality_files(parameters_dir)
    matches = [p for p in files if MUNICIPALITY_FILE.match(p.name) and p.name[:4] == text]
    if not matches:
        known = ", ".join(p.stem for p in files) or "ingen"
        raise InputError(parameters_dir, f"ingen parameterfil for kommune {text} (finnes: {known})")
    if len(matches) > 1:
        raise InputError(
            parameters_dir,
            f"flere parameterfiler for kommune {text}: {', '.join(p.name for p in matches)}",
        )
    return matches[0]
