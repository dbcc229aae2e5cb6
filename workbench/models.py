"""The base of every parameter model: unknown keys are errors, messages are Norwegian.

Parameter files are read into pydantic models that forbid unknown keys. A file that does not
validate raises :class:`~workbench.errors.InputError` naming the file, every bad key and the
reason in Norwegian.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from workbench.errors import InputError, Problem


class StrictModel(BaseModel):
    """Base for parameter models: unknown keys are an error, values are not coerced silently,
    and a number is finite (YAML's ``.nan`` and ``.inf`` are refused, not priced at 0 kr)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

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


@dataclass(frozen=True)
class NewMunicipality:
    """What an analysis's settings template needs to know about a municipality that
    ``workbench new`` sets up.

    Args:
        data: Its folder under ``data/`` (``municipalities/0301-oslo``).
        comparisons: Its KOSTRA group has other municipalities to compare with.
    """

    data: str
    comparisons: bool = False


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
    "finite_number": "må være et endelig tall (ikke .nan eller .inf)",
    "int_from_float": "må være et heltall",
    "dict_keys_type": "nøklene må være tekst",
    "string_too_long": "er for lang",
    "list_too_long": "har for mange elementer",
    "too_long": "har for mange elementer",
}


BOUND_WORDS = {
    "greater_than_equal": "minst",
    "greater_than": "over",
    "less_than_equal": "høyst",
    "less_than": "under",
}
"""Pydantic's bounds, as the messages say them."""


def _shown(value: Any) -> str:
    """A number in a message: whole numbers without «.0», large ones as 1e+15."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e9:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


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
        elif kind in BOUND_WORDS:
            limit = next(iter(error.get("ctx", {}).values()), "")
            message = f"«{_shown(error.get('input'))}» er utenfor tillatt område ({BOUND_WORDS[kind]} {_shown(limit)})"
        elif kind == "too_short":
            message = "kan ikke være tom"
        elif kind == "finite_number":
            message = f"«{error.get('input')}» {_MESSAGES[kind]}"
        elif kind == "literal_error":
            # pydantic lists the allowed values in English («'a', 'b' or 'c'»)
            expected = error.get("ctx", {}).get("expected", "").replace(" or ", " eller ")
            message = f"ugyldig verdi «{error.get('input')}» (tillatt: {expected})"
        else:
            message = _MESSAGES.get(kind, "ugyldig verdi")  # pydantic's own words are English
            given = error.get("input")
            named = kind.endswith(("_type", "_parsing")) or kind not in _MESSAGES
            if named and "input" in error and not isinstance(given, dict | list):
                message += f" (fikk «{given}»)"
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
