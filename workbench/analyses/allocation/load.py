"""Loading the allocation inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes.

The readers are here too, each with its schema: one kind of file read and checked (every bad
row named), so the engine takes tables and never a file. The session is imported for its type
only: a test or benchmark reading a ledger does not import IPython or matplotlib."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from workbench import reference
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.settings import AllocationSettings
from workbench.errors import Collector, InputError, Problem
from workbench.loaders import (
    ROW_COLUMN,
    Column,
    file_key,
    memo,
    memo_read,
    money_column,
    people_column,
    read_table,
    year_column,
)

if TYPE_CHECKING:
    from workbench.sources import Sources


@dataclass(frozen=True)
class AllocationInputs:
    """What the allocation needs; ``ledger`` is None when only the source's figures exist."""

    settings: AllocationSettings
    steps: pd.DataFrame
    ledger: pd.DataFrame | None
    rules: list[allocation.Rule]
    parts: pd.DataFrame
    recipients: pd.DataFrame | None
    inhabitants: pd.DataFrame | None
    comparisons: pd.DataFrame | None
    canonical_rules: tuple[list[allocation.Rule], pd.DataFrame]
    reference: pd.DataFrame | None
    services: pd.DataFrame | None = None
    """The services on each canonical step (``step``, ``category``, ``service``)."""
    targets: pd.DataFrame | None = None
    """Target shares per step for chosen years (``year``, ``step``, ``share``)."""
    view: str = "ledger"
    """``ledger`` (the municipality's accounts), ``kostra`` (its accounts per KOSTRA
    function from SSB, while the ledger is a template) or ``reference`` (the source's figures)."""


T = TypeVar("T")

INHABITANT_SCHEMA = {"year": year_column(), "inhabitants": people_column()}
COMPARISON_SCHEMA = {
    "municipality": Column(),
    "year": year_column(),
    "funksjon": Column(),
    "amount": money_column(),
    "inhabitants": people_column(),
}
ALLOCATION_REFERENCE_SCHEMA = {
    "step": Column("int"),
    "amount_mill": Column("float"),
    "share": Column("share"),
    "recipients": Column("float", nullable=True),
    "per_recipient": Column("float", nullable=True),
    "note": Column(required=False, nullable=True),
}


FRACTION_TOLERANCE = Fraction(1, 10**9)
"""How far a rule's fractions may sum from 1 (exactly: 0,000000001 either way)."""


LEDGER_SCHEMA = {
    "year": year_column(),
    "ansvar": Column(),
    "ansvar_name": Column(required=False, nullable=True),
    "funksjon": Column(),
    "art": Column(required=False, nullable=True),
    "amount": money_column(),
}


RULE_SCHEMA = {
    "ansvar": Column(nullable=True),
    "funksjon": Column(nullable=True),
    "art": Column(nullable=True),
    "valid_from": year_column(required=False, nullable=True),
    "valid_to": year_column(required=False, nullable=True),
    "step": Column("int"),
    "fraction": Column("fraction"),
    "area": Column(),
    "target_group": Column(required=False, nullable=True),
    "note": Column(required=False, nullable=True),
}


RECIPIENT_SCHEMA = {"year": year_column(), "step": Column("int"), "recipients": people_column()}


STEP_SCHEMA = {"step": Column("int"), "name": Column(), "canonical_step": Column("int")}


def read_ledger(path: Path) -> pd.DataFrame:
    """Ledger lines with the amount in whole øre (``amount_ore``).

    Raises:
        InputError: Missing columns or non-numeric amounts, with their rows.
    """
    table = read_table(path, LEDGER_SCHEMA)
    for column in ("ansvar_name", "art"):
        if column not in table:
            table[column] = None
    codes, problems = function_codes(table["funksjon"], table[ROW_COLUMN])
    if problems:
        raise InputError(path, problems)
    table["funksjon"] = codes
    ore = np.rint(table["amount"].to_numpy(dtype=float) * 100)
    if np.abs(ore).sum() >= ORE_LIMIT:
        raise InputError(
            path,
            "beløpene er til sammen for store til å regnes eksakt i øre; kontroller at "
            "beløpene står i kroner",
        )
    table["amount_ore"] = ore.astype(np.int64)
    table["line"] = np.arange(len(table))
    return table


ORE_LIMIT = 2.0**62
"""The most øre a ledger may hold in absolute value: totals then fit in 64-bit whole numbers."""


FUNCTION_CODE = re.compile(r"(\d{3})(?:[.,]0+)?")
"""A KOSTRA function: three digits, or three digits as Excel's number format writes them
(«253,0», «253.00»)."""


def function_codes(values: pd.Series, rows: pd.Series) -> tuple[list[str], list[Problem]]:
    """KOSTRA function codes read as codes: «253», «253,0» and «253.0» are 253; anything
    else («25a», «253,5», «2530») is refused with its row. Each distinct code is read once."""
    texts = [str(v).strip() for v in values.tolist()]
    read: dict[str, str | None] = {}
    for text in set(texts):
        match = FUNCTION_CODE.fullmatch(text)
        read[text] = match.group(1) if match else None
    codes = [read[t] or t for t in texts]
    problems = [
        Problem(
            f"«{text}» er ikke en KOSTRA-funksjon (tre sifre, f.eks. 253)",
            row=row,
            column="funksjon",
        )
        for text, row in zip(texts, rows.tolist(), strict=True)
        if read[text] is None
    ]
    return codes, problems


def read_rules(path: Path, source: str, steps: set[int]) -> pd.DataFrame:
    """Mapping rules: one row per (rule, step); rows with the same keys and years form one
    rule whose fractions must sum to 1.

    Args:
        path: CSV or XLSX.
        source: ``kommune`` or ``standard`` (precedence).
        steps: The step ids the rules may name.

    Raises:
        InputError: A rule without keys, an unknown step, a step twice in one rule,
            fractions that do not sum to 1, negative fractions, or validity years in the
            wrong order, each with the rows.
    """
    table = read_table(path, RULE_SCHEMA)
    for column in ("valid_from", "valid_to", "target_group", "note"):
        if column not in table:
            table[column] = None
    for key in allocation.KEYS:
        # object dtype: pandas' string dtype would turn the None of an empty key back into NaN
        table[key] = pd.Series([_key_text(v) for v in table[key]], index=table.index, dtype=object)
    problems = []
    for record in table.itertuples(index=False):
        row = getattr(record, ROW_COLUMN)
        if all(getattr(record, k) is None for k in allocation.KEYS):
            problems.append(Problem("regelen må ha minst én av ansvar, funksjon og art", row=row))
        if record.step not in steps:
            problems.append(Problem(unknown_step(record.step, steps), row=row, column="step"))
        if not 0 < record.fraction <= 1:
            problems.append(
                Problem("andelen må være større enn 0 og høyst 1", row=row, column="fraction")
            )
        if (
            _present(record.valid_from)
            and _present(record.valid_to)
            and record.valid_from > record.valid_to
        ):
            problems.append(Problem("valid_from er etter valid_to", row=row, column="valid_from"))
        for key in allocation.KEYS:
            value = getattr(record, key)
            if value is not None and "*" in value[:-1]:
                problems.append(
                    Problem(
                        "* er bare tillatt til slutt (prefiks, f.eks. 31*)", row=row, column=key
                    )
                )
    table["valid_from"] = [int(v) if _present(v) else -1 for v in table["valid_from"]]
    table["valid_to"] = [int(v) if _present(v) else 9999 for v in table["valid_to"]]
    group_keys = [*allocation.KEYS, "valid_from", "valid_to"]
    table["rule_key"] = [
        "|".join("" if v is None else str(v) for v in values)
        for values in table[group_keys].itertuples(index=False, name=None)
    ]
    for _key, rows in table.groupby("rule_key", sort=False):
        row_numbers = ", ".join(map(str, rows[ROW_COLUMN]))
        repeated = rows[rows.duplicated("step", keep=False)]
        if len(repeated):
            problems.append(
                Problem(
                    f"regelen står mer enn én gang for trinn {repeated['step'].iloc[0]} "
                    f"(rad {row_numbers})",
                    row=int(repeated[ROW_COLUMN].iloc[-1]),
                )
            )
        total = sum(rows["fraction"], Fraction(0))
        if abs(total - 1) > FRACTION_TOLERANCE and len(repeated) == 0:
            problems.append(
                Problem(
                    f"andelene i regelen summerer til {exact_text(total)}, ikke 1 "
                    f"(rad {row_numbers}; høyst {exact_text(FRACTION_TOLERANCE)} "
                    "fra 1 godtas)",
                    row=int(rows[ROW_COLUMN].iloc[0]),
                )
            )
    if problems:
        raise InputError(path, problems)
    # Each rule's fractions, exact, divided by their sum: they then sum to exactly 1 (three
    # times 0,333333333 becomes three thirds), and a line's parts to the whole line.
    totals: dict[str, Fraction] = {}
    for key, fraction in zip(table["rule_key"], table["fraction"], strict=True):
        totals[key] = totals.get(key, Fraction(0)) + fraction
    table["fraction"] = [
        float(f / totals[k]) for k, f in zip(table["rule_key"], table["fraction"], strict=True)
    ]
    table["source"] = source
    table["file"] = path.name
    return table


def unknown_step(step: int, steps: set[int]) -> str:
    """Message for a step the staircase lacks: ``trinn 13 finnes ikke (trinnene er 1–12)``."""
    ordered = sorted(steps)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        known = f"{ordered[0]}–{ordered[-1]}"
    else:
        known = ", ".join(map(str, ordered))
    return f"trinn {step} finnes ikke (trinnene er {known})"


def exact_text(value: Fraction) -> str:
    """A share in Norwegian with every decimal it has, up to twelve (``0,999999999``);
    beyond that rounded, and said so (``om lag 0,333333333333``)."""
    places = 12
    scaled = value * 10**places
    rounded = round(scaled)
    digits = f"{abs(rounded):0{places + 1}d}"
    text = f"{digits[:-places]},{digits[-places:]}".rstrip("0").rstrip(",")
    text = ("-" if rounded < 0 else "") + text
    return text if scaled == rounded else f"om lag {text}"


def read_recipients(path: Path, steps: set[int]) -> pd.DataFrame:
    """Service recipients per year and step.

    Args:
        path: CSV or XLSX with ``year``, ``step`` and ``recipients``.
        steps: The step ids the municipality's staircase has.

    Raises:
        InputError: A negative count, a step the staircase lacks, or a year and step twice.
    """
    table = read_table(path, RECIPIENT_SCHEMA)
    problems = [
        Problem("kan ikke være negativ", row=r, column="recipients")
        for r, v in zip(table[ROW_COLUMN], table["recipients"], strict=True)
        if v < 0
    ]
    problems += [
        Problem(unknown_step(s, steps), row=r, column="step")
        for r, s in zip(table[ROW_COLUMN], table["step"], strict=True)
        if s not in steps
    ]
    repeated = table[table.duplicated(["year", "step"])]
    problems += [
        Problem(f"står to ganger ({y}, trinn {s})", row=r)
        for y, s, r in zip(repeated["year"], repeated["step"], repeated[ROW_COLUMN], strict=True)
    ]
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def read_steps(path: Path, canonical: set[int]) -> pd.DataFrame:
    """A municipality's own step list, each step mapped to one of the canonical twelve."""
    table = read_table(path, STEP_SCHEMA)
    problems = [
        Problem(
            f"trinn {c} finnes ikke i den helhetlige innsatstrappa (1–12)",
            row=r,
            column="canonical_step",
        )
        for r, c in zip(table[ROW_COLUMN], table["canonical_step"], strict=True)
        if c not in canonical
    ]
    repeated = table[table.duplicated("step")]
    problems += [
        Problem(f"trinn {s} står to ganger", row=r, column="step")
        for s, r in zip(repeated["step"], repeated[ROW_COLUMN], strict=True)
    ]
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


TARGET_SCHEMA = {"year": year_column(), "step": Column("int"), "share": Column("fraction")}


TARGET_TOLERANCE = 0.001
"""How far a target year's shares may sum from 1 (0,1 prosentpoeng: shares typed as whole or
one-decimal percentages); within it they are divided by their sum."""


def read_target_profile(path: Path, steps: set[int]) -> pd.DataFrame:
    """Target shares per step for chosen years (``year``, ``step``, ``share``); a step a year
    leaves out has the share 0.

    Raises:
        InputError: A step the staircase lacks, a year and step twice, a negative share, or a
            year whose shares do not sum to 1 (naming the year and its sum).
    """
    table = read_table(path, TARGET_SCHEMA)
    problems = [
        Problem(unknown_step(s, steps), row=r, column="step")
        for r, s in zip(table[ROW_COLUMN], table["step"], strict=True)
        if s not in steps
    ]
    problems += [
        Problem("kan ikke være negativ", row=r, column="share")
        for r, v in zip(table[ROW_COLUMN], table["share"], strict=True)
        if v < 0
    ]
    repeated = table[table.duplicated(["year", "step"])]
    problems += [
        Problem(f"står to ganger ({y}, trinn {s})", row=r)
        for y, s, r in zip(repeated["year"], repeated["step"], repeated[ROW_COLUMN], strict=True)
    ]
    table["share"] = table["share"].astype(float)
    for year, shares in table.groupby("year")["share"]:
        total = shares.sum()
        if abs(total - 1) > TARGET_TOLERANCE:
            problems.append(
                Problem(
                    f"andelene for {year} summerer til {total:.4f}".replace(".", ",")
                    + ", ikke 1 (100 %)",
                    column="share",
                )
            )
    if problems:
        raise InputError(path, problems)
    table["share"] = table["share"] / table.groupby("year")["share"].transform("sum")
    return table.drop(columns=ROW_COLUMN).sort_values(["year", "step"]).reset_index(drop=True)


SERVICE_SCHEMA = {"step": Column("int"), "category": Column(), "service": Column()}


def read_services(path: Path, canonical: set[int]) -> pd.DataFrame:
    """The services the municipality offers on each step of the staircase (``step``,
    ``category``, ``service``)."""
    table = read_table(path, SERVICE_SCHEMA)
    problems = [
        Problem(
            f"trinn {s} finnes ikke i den helhetlige innsatstrappa (1–12)", row=r, column="step"
        )
        for r, s in zip(table[ROW_COLUMN], table["step"], strict=True)
        if s not in canonical
    ]
    if problems:
        raise InputError(path, problems)
    return table.drop(columns=ROW_COLUMN)


def _key_text(value) -> str | None:
    """A rule key as text, or None when the cell is empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
        return None
    return str(value).strip()


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


TEMPLATE_FIELDS = ("ledger", "rules")
"""Settings whose file ``workbench new`` writes as a template for the municipality to fill in."""


def load(session: Sources) -> AllocationInputs:
    """Ledger, rules (the municipality's before the defaults), steps and comparison data.

    Raises:
        InputError: A file is missing or invalid, or a rule names a step the
            municipality's step list lacks.
    """
    settings = session.municipality.analyses.allocation
    key = "analyses.allocation"
    found = Collector()

    def read(field: str, reader: Callable[[Path], T]) -> T | None:
        """The file named by ``field`` read with ``reader``, or None when the setting is
        empty, the file a template still to fill in (the ledger, the rules) or bad (kept
        in ``found``, so every bad file is named at once)."""
        name = getattr(settings, field)
        if not name:
            return None
        if field in TEMPLATE_FIELDS:
            file = found.attempt(session.filled_file, name, key=f"{key}.{field}", kind=field)
        else:
            file = found.attempt(session.data_file, name, key=f"{key}.{field}")
        return None if file is None else found.attempt(reader, file)

    canonical = reference.steps(session.project.data_dir, session.municipality)
    canonical = canonical.assign(canonical_step=canonical["step"])
    canonical_ids = set(canonical["step"])
    steps = read("steps", lambda f: read_steps(f, canonical_ids)) if settings.steps else None
    # Without a valid step list, the rules are checked against the canonical steps.
    step_ids = set((canonical if steps is None else steps)["step"])
    default_table = read(
        "default_rules",
        lambda f: memo_read(
            f,
            "rules",
            lambda g: read_rules(g, allocation.DEFAULT, canonical_ids),
            frozenset(canonical_ids),
        ),
    )
    ledger = read("ledger", read_ledger)
    if ledger is not None:  # a function KOSTRA does not know would end in «Ikke fordelt»
        ledger_file = session.data_file(settings.ledger, key=f"{key}.ledger")
        unknown = allocation.unknown_functions(
            ledger, reference.kostra_functions(session.project.data_dir)
        )
        if unknown:
            found.errors.append(InputError(ledger_file, unknown))
            ledger = None
        else:
            for text in allocation.ledger_notes(ledger):
                session.note(ledger_file, text)
    if ledger is not None and settings.basis == "gross":
        try:
            ledger = allocation.gross(ledger)
        except ValueError as exc:
            found.errors.append(
                InputError(session.data_file(settings.ledger, key=f"{key}.ledger"), str(exc))
            )
    own_rules = read(
        "rules",
        lambda f: memo_read(
            f,
            "rules",
            lambda g: read_rules(g, allocation.MUNICIPAL, step_ids),
            allocation.MUNICIPAL,
            frozenset(step_ids),
        ),
    )
    recipients = read("recipients", lambda f: read_recipients(f, step_ids))
    inhabitants = read("inhabitants", lambda f: read_table(f, INHABITANT_SCHEMA))
    comparisons = read("comparisons", lambda f: read_table(f, COMPARISON_SCHEMA))
    kostra = read("kostra", lambda f: read_table(f, COMPARISON_SCHEMA))
    ref = read("reference", lambda f: read_table(f, ALLOCATION_REFERENCE_SCHEMA))
    services = read(
        "services",
        lambda f: memo_read(
            f,
            "services",
            lambda g: read_services(g, canonical_ids),
            frozenset(canonical_ids),
        ),
    )
    targets = read("target_profile", lambda f: read_target_profile(f, step_ids))
    found.raise_any()
    if steps is None:
        steps = canonical
    # the same rule files compile to the same rules: once per process (the batch, a fleet)
    default_key = file_key(session.project.data_dir / settings.default_rules)
    canonical_rules = memo(
        ("compiled-rules", default_key), lambda: allocation.compile_rules(default_table)
    )
    rules, parts = canonical_rules
    view = "ledger" if ledger is not None else "reference"
    if ledger is None and kostra is not None:
        # no ledger yet: the accounts per KOSTRA function, on the default rules
        ledger, view = allocation.function_ledger(kostra), "kostra"
        if inhabitants is None:
            inhabitants = kostra.groupby("year", as_index=False)["inhabitants"].first()
    if ledger is not None:
        tables = [own_rules] if own_rules is not None else []
        if settings.steps is None:
            tables.append(default_table)
        own_key = (
            file_key(session.project.data_dir / settings.rules) if own_rules is not None else None
        )
        rules, parts = memo(
            ("compiled-rules", own_key, default_key if settings.steps is None else None),
            lambda: allocation.compile_rules(*tables),
        )
    return AllocationInputs(
        settings,
        steps,
        ledger,
        rules,
        parts,
        recipients,
        inhabitants,
        comparisons,
        canonical_rules,
        ref,
        services,
        targets,
        view,
    )
