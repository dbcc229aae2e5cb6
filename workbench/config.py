"""Typed parameters: the shared assumptions and one file per municipality.

Both are pydantic models that forbid unknown keys, loaded by ``from_file``. A file that does
not validate raises :class:`~workbench.errors.InputError` naming the file, every bad key and
the reason in Norwegian.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.errors import InputError, Problem
from workbench.loaders import read_yaml

MUNICIPALITY_FILE = re.compile(r"^(?P<number>\d{4})-(?P<slug>[a-z0-9][a-z0-9-]*)\.ya?ml$")
STEP_COUNT = 12


class StrictModel(BaseModel):
    """Base for parameter models: unknown keys are an error, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], path: Path) -> Self:
        """Validate a mapping read from ``path``.

        Raises:
            InputError: Naming each bad key.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError(path, translate_errors(exc)) from None


class Assumption(StrictModel):
    """A number the analyses rely on, with where it comes from."""

    value: float
    unit: str
    kind: Literal["source", "derived", "assumption"]
    source: str = Field(min_length=3)


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
    deduct_user_payments: bool = False
    assumptions: Assumptions

    @classmethod
    def from_file(cls, path: Path) -> Defaults:
        return cls.from_mapping(read_yaml(path), path)


class StepOverride(StrictModel):
    """A municipality's own name, subtitle or goal for one step of the staircase."""

    name: str | None = None
    subtitle: str | None = None
    goal: str | None = None


class CalculatorSettings(StrictModel):
    """What the resource calculator shows for a municipality."""

    packages: list[str] = Field(min_length=1)


class PersonaSettings(StrictModel):
    """Personas a municipality shows, and how they are scaled and phased in."""

    personas: list[str] = Field(min_length=1)
    persons: int = Field(ge=1)
    persons_source: str = Field(min_length=3)
    trajectory_years: float | None = Field(default=None, gt=0)
    reference: str = "normal"
    phase_in_to: str = "proactive"
    phase_in_years: int | None = Field(default=None, ge=1, le=100)


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


class AnalysesSettings(StrictModel):
    """One entry per analysis the municipality runs; an absent analysis is not run."""

    calculator: CalculatorSettings | None = None
    personas: PersonaSettings | None = None
    housing: HousingSettings | None = None
    allocation: AllocationSettings | None = None


FourDigits = Annotated[str, Field(pattern=r"^\d{4}$")]


class Municipality(StrictModel):
    """``parameters/<nr>-<slug>.yaml``: one municipality."""

    number: FourDigits
    name: str = Field(min_length=1)
    fictional: bool = False
    former_numbers: list[FourDigits] = Field(default_factory=list)
    base_year: int = Field(ge=2000, le=2100)
    target_year: int = Field(ge=2000, le=2100)
    step_names: dict[int, StepOverride] = Field(default_factory=dict)
    prices: str | None = None
    analyses: AnalysesSettings
    slug: str = Field(default="", exclude=True)
    source_file: Path | None = Field(default=None, exclude=True)

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


def municipality_files(parameters_dir: Path) -> list[Path]:
    """Every municipality parameter file, sorted by number."""
    return sorted(p for p in parameters_dir.glob("*.y*ml") if p.name[:4].isdigit())


_MESSAGES = {
    "extra_forbidden": "ukjent nøkkel",
    "missing": "mangler",
    "string_type": "må være tekst",
    "int_type": "må være et heltall",
    "int_parsing": "må være et heltall",
    "float_type": "må være et tall",
    "float_parsing": "må være et tall",
    "bool_type": "må være true eller false",
    "bool_parsing": "må være true eller false",
    "list_type": "må være en liste",
    "dict_type": "må være en mapping (nøkler og verdier)",
    "model_type": "må være en mapping (nøkler og verdier)",
    "literal_error": "ugyldig verdi",
}


def translate_errors(exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into Norwegian problems with dotted key paths."""
    problems = []
    for error in exc.errors():
        key = _key_path(error["loc"])
        kind = error["type"]
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        elif kind == "string_pattern_mismatch":
            message = f"«{error.get('input')}» har feil format"
            if key.endswith("number") or "former_numbers" in key:
                message += ' (kommunenummer skrives med fire sifre i anførselstegn, f.eks. "0301")'
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            message = f"«{error.get('input')}» er utenfor tillatt område ({error['msg']})"
        elif kind == "too_short":
            message = "kan ikke være tom"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"ugyldig verdi «{error.get('input')}» (tillatt: {expected})"
        else:
            message = _MESSAGES.get(kind, error["msg"])
            if kind.endswith(("_type", "_parsing")) and "input" in error:
                message += f" (fikk «{error['input']}»)"
        problems.append(Problem(message, key=key or None))
    return problems


def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after", "function-before") or str(part).startswith("function-"):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path
