"""Errors for bad input, worded for the consultant who has to fix the file.

Every error names the file, the place in it (row and column for tables, key for YAML)
and what is wrong, in Norwegian. Several problems in one file are reported together so a
consultant can fix them in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong at one place in a file.

    Args:
        message: What is wrong, in Norwegian.
        row: Line number in the file as a spreadsheet shows it (header is row 1).
        column: Column name.
        key: Dotted YAML key, e.g. ``analyses.calculator.packages[0]``.
    """

    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column is not None:
            parts.append(f"kolonne «{self.column}»")
        if self.key is not None:
            parts.append(f"nøkkel «{self.key}»")
        return ", ".join(parts)


class InputError(ValueError):
    """A file the user supplied cannot be used as it is.

    Args:
        path: The file at fault (shown relative to the working directory when possible), or
            None for a choice not made in a file (a wrong value in a form or a command).
        problems: What is wrong; a plain string is one problem without a location.
    """

    def __init__(self, path: Path | str | None, problems: str | Problem | Iterable[Problem]):
        self.path = Path(path) if path is not None else None
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        name = display_path(self.path) if self.path is not None else None
        lines = []
        for problem in self.problems[:MAX_PROBLEMS_SHOWN]:
            parts = [p for p in (name, problem.where()) if p]
            lines.append(": ".join([*parts, problem.message]))
        hidden = len(self.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(f"{name or 'Feil'}: … og {hidden} feil til")
        return "\n".join(lines)


class InputErrors(InputError):
    """Several files at fault at once, each its own :class:`InputError` (``errors``)."""

    def __init__(self, errors: Iterable[InputError]):
        self.errors: list[InputError] = []
        for error in errors:
            self.errors += error.errors if isinstance(error, InputErrors) else [error]
        super().__init__(self.errors[0].path, [p for e in self.errors for p in e.problems])

    def __str__(self) -> str:
        return "\n".join(str(e) for e in getattr(self, "errors", []))


class Collector:
    """Reads several files and reports every one at fault, not only the first.

    Example::

        found = Collector()
        residents = found.attempt(read_residents, path)
        costs = found.attempt(read_step_costs, other)
        found.raise_any()
    """

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def attempt(self, read: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        """``read(*args, **kwargs)``, or None with the error kept when the input is bad."""
        try:
            return read(*args, **kwargs)
        except InputError as exc:
            self.errors.append(exc)
            return None

    def raise_any(self) -> None:
        """Raise what was found: the one error, or :class:`InputErrors` for several."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


def display_path(path: Path) -> str:
    """Path as a user recognises it: relative to the working directory when inside it,
    else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
