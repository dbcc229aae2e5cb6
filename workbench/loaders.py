"""Readers for the files consultants hand us: YAML, CSV and XLSX.

CSV files come from finance systems, SSB and Excel in several dialects: comma or semicolon
separated, decimal point or decimal comma, UTF-8 or Windows-1252. The readers accept all of
them, convert columns to the declared types and report every bad cell with its row and
column. Nothing here knows about a particular analysis; callers pass a schema.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
import yaml

from workbench.errors import InputError, Problem

ROW_COLUMN = "source_row"
"""Column added to every table read (named so itertuples keeps it): the row number the user sees in the file."""

Kind = Literal["str", "float", "int", "bool", "fraction", "share"]
"""``fraction``: a share read exactly (:func:`parse_fraction`); ``share``: the same, as a float."""

TRUE_WORDS = frozenset({"true", "ja", "yes", "1", "x", "sann"})
FALSE_WORDS = frozenset({"false", "nei", "no", "0", "", "usann"})
SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class Column:
    """How one column of a table is read.

    Args:
        kind: Type to convert cells to.
        required: The column must be present in the file.
        nullable: A cell may be empty (read as missing).
        bounds: The lowest and highest value the domain allows (numbers), or None.
        what: What the bounds are, as the message names them («årene modellen regner med»).
    """

    kind: Kind = "str"
    required: bool = True
    nullable: bool = False
    bounds: tuple[float, float] | None = None
    what: str = "det som godtas"


Schema = Mapping[str, Column]

YEARS = (1990, 2100)
"""Years a file may hold: public statistics from 1990, projections to 2100."""
MONEY = 1e12
"""The largest amount in kroner one line may hold (more than ten times Oslo's annual budget)."""
PEOPLE = 10_000_000
"""The most people a count may hold (twice Norway's population)."""


def year_column(**options: Any) -> Column:
    """A year, within :data:`YEARS`."""
    return Column("int", bounds=YEARS, what="årene som godtas", **options)


def money_column(*, negative: bool = True, **options: Any) -> Column:
    """Kroner, within ± :data:`MONEY` per line (from 0 where a cost cannot be negative)."""
    low = -MONEY if negative else 0
    return Column("float", bounds=(low, MONEY), what="beløpene som godtas per linje", **options)


def people_column(**options: Any) -> Column:
    """A number of people: not negative, at most :data:`PEOPLE`."""
    return Column("float", bounds=(0, PEOPLE), what="antallene som godtas", **options)


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about ten times faster)."""


class _UniqueKeyLoader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key written twice in one mapping: plain YAML keeps the
    last value and drops the first without a word."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                lines = f"linje {line}" if seen[key] == line else f"linje {seen[key]} og {line}"
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"nøkkelen «{key}» står to ganger ({lines}); den ene verdien ville blitt borte",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _UniqueKeyLoader.construct_mapping
)

_YAML_PROBLEMS = {
    "did not find expected ',' or ']'": (
        "en liste i [ ] som begynner på linje {start} er ikke lukket (mangler «,» eller «]»)"
    ),
    "did not find expected ',' or '}'": (
        "en mapping i {{ }} som begynner på linje {start} er ikke lukket (mangler «,» eller «}}»)"
    ),
    "did not find expected key": (
        "innrykket stemmer ikke med nøklene over (blokken begynner på linje {start})"
    ),
    "did not find expected '-' indicator": (
        "innrykket stemmer ikke: her ventet et nytt listepunkt «-» (listen begynner på linje "
        "{start})"
    ),
    "could not find expected ':'": "mangler «:» etter nøkkelen på linje {start}",
    "mapping values are not allowed in this context": (
        "kolon der det ikke er lov; sett verdien i anførselstegn hvis den inneholder «: »"
    ),
    "mapping values are not allowed here": (
        "kolon der det ikke er lov; sett verdien i anførselstegn hvis den inneholder «: »"
    ),
    "found character that cannot start any token": (
        "et tegn som ikke kan stå her, ofte en tabulator (bruk mellomrom til innrykk)"
    ),
    "found character '\\t' that cannot start any token": (
        "en tabulator; bruk mellomrom til innrykk"
    ),
    "found unexpected end of stream": (
        "filen slutter før anførselstegnet fra linje {start} er lukket"
    ),
    "found undefined alias": "ukjent alias «*…» (et alias må være definert med «&» først)",
}


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML parser error in Norwegian, with where it is and, for an unclosed list or
    block, where that began."""
    mark = getattr(exc, "problem_mark", None)
    start = getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    template = _YAML_PROBLEMS.get(reason)
    if template is not None:
        reason = template.format(start=(start or mark).line + 1 if (start or mark) else "?")
    where = f"linje {mark.line + 1}, tegn {mark.column + 1}: " if mark else ""
    return f"ugyldig YAML ({where}{reason})"


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping.

    Raises:
        InputError: The file is missing, is not valid YAML or is not a mapping.
    """
    if not path.is_file():
        raise InputError(path, "filen finnes ikke")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except UnicodeDecodeError:
        raise InputError(path, "filen er ikke lagret som UTF-8") from None
    except yaml.YAMLError as exc:
        raise InputError(path, _yaml_problem(exc)) from None
    if data is None:
        raise InputError(path, "filen er tom")
    if not isinstance(data, dict):
        raise InputError(
            path, "filen må inneholde nøkler og verdier (en YAML-mapping) på øverste nivå"
        )
    return data


T = TypeVar("T")
_MEMO: dict[tuple, Any] = {}
MEMO_LIMIT = 64
"""How many shared files :func:`memo_read` keeps (a price catalogue, the default rules …)."""


def memo_read(path: Path, kind: str, reader: Callable[[Path], T], *key: Hashable) -> T:
    """``reader(path)``, read once per process while the file is unchanged: files every
    municipality shares (the national price catalogue, the default allocation rules) are
    otherwise parsed again for every municipality and every notebook a warm kernel runs.

    Args:
        kind: What the reader makes of the file (``catalogue``, ``rules``); with ``key``
            (what else the reader depends on) it tells the readings of one file apart.

    The file is known by its absolute path, size and modification time. A table comes back
    as a copy, so callers may change it.
    """
    return memo((*file_key(path), kind, *key), lambda: reader(path))


def file_key(path: Path) -> tuple[str, int, int]:
    """A file as the memo knows it: absolute path, size and modification time (of the file
    itself where the path is a link). Two paths to one file are two entries, which costs a
    second reading, not a wrong one."""
    stat = path.stat()
    return (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)


def memo(key: tuple, make: Callable[[], T]) -> T:
    """``make()`` once per process for ``key`` (built from :func:`file_key` of the files it
    depends on, so a changed file is read again). Tables come back as copies, and a tuple's
    tables and lists too, so callers may change what they get. When full, the entry used
    longest ago goes: a batch over every municipality keeps the files they share, while each
    municipality's own files pass through."""
    if key in _MEMO:
        _MEMO[key] = _MEMO.pop(key)  # the most recently used last: the shared files stay
    else:
        if len(_MEMO) >= MEMO_LIMIT:
            _MEMO.pop(next(iter(_MEMO)))  # the least recently used
        _MEMO[key] = make()
    return _copied(_MEMO[key])


def _copied(value):
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, list):
        return list(value)
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


def read_table(
    path: Path, schema: Schema, *, sheet: str | None = None, allow_empty: bool = False
) -> pd.DataFrame:
    """Read a CSV or XLSX table and convert its columns.

    Column names are matched without regard to case or surrounding spaces. Columns not in
    the schema are kept as text. Blank rows are skipped. The result has a ``source_row`` column
    with the row number as the user sees it (the header is row 1).

    Args:
        path: A ``.csv``, ``.txt`` or ``.xlsx`` file.
        schema: Column name → how to read it.
        sheet: For XLSX, the sheet name; default the first sheet.
        allow_empty: A file with a header and no rows is an empty table, not an error.

    Raises:
        InputError: Naming every missing column and every cell that cannot be converted,
            or the file has no rows (unless ``allow_empty``).
    """
    if not path.is_file():
        raise InputError(path, "filen finnes ikke")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx_rows(path, sheet)
    elif suffix in (".csv", ".txt"):
        header, rows = _csv_rows(path)
    else:
        raise InputError(path, f"ukjent filtype «{path.suffix}»: bruk .csv eller .xlsx")
    if not rows and not allow_empty:
        raise InputError(path, "filen har bare overskriftsraden, ingen data")
    return _convert(path, header, rows, schema)


def repeated_rows(table: pd.DataFrame, keys: list[str]) -> list[Problem]:
    """Every row of a :func:`read_table` table whose ``keys`` an earlier row has, named by
    its row and the repeated values."""
    twice = table.duplicated(keys, keep="first")
    if not twice.any():
        return []
    repeated = table[twice]
    return [
        Problem(f"står to ganger ({', '.join(str(row[k]) for k in keys)})", row=row[ROW_COLUMN])
        for _, row in repeated.iterrows()
    ]


# --- Numbers: one grammar for every file, cell and app field ------------------------------
#
# A number is read as a person means it, or refused with the reason. With a decimal comma
# (semicolon and tab files, Excel cells holding text, Norwegian app fields) a point is a
# thousands separator only in whole groups of three after a first group that is not 0
# («1.234», «1.234.567,00»); «0.25» can only be a decimal point; anything else with a point
# («1.23», «12.5», «1,234.5») is ambiguous and refused. With a decimal point (comma-separated
# files) a comma never stands in a number. The patterns are used cell by cell and, the same
# ones, a column at a time (:func:`numbers_of`).

COMMA_PLAIN = r"[+-]?\d+(?:,\d+)?(?:[eE][+-]?\d+)?"
COMMA_GROUPED = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
COMMA_ZERO_POINT = r"[+-]?0\.\d+"
POINT_PLAIN = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
POINT_GROUPED = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"
NUMBER_CLEANUP = str.maketrans({**{c: None for c in " \u00a0\u202f\u2009\t"}, "\u2212": "-"})
"""Spaces of every kind out (they group thousands), the minus sign as a hyphen."""
_PATTERNS = {
    name: re.compile(pattern)
    for name, pattern in (
        ("comma_plain", COMMA_PLAIN),
        ("comma_grouped", COMMA_GROUPED),
        ("comma_zero_point", COMMA_ZERO_POINT),
        ("point_plain", POINT_PLAIN),
        ("point_grouped", POINT_GROUPED),
    )
}


def normalised_number(text: str, decimal_comma: bool | None) -> str:
    """A number as written, as Python reads it (``-1234.5``).

    Args:
        decimal_comma: True for a file with decimal commas, False for one with decimal
            points, None for a field a person types into (either mark: with both, the last
            is the decimal mark).

    Raises:
        ValueError: With the reason in Norwegian.
    """
    cleaned = str(text).translate(NUMBER_CLEANUP)
    if decimal_comma is None:
        if "," in cleaned and "." in cleaned:
            decimal_comma = cleaned.rfind(",") > cleaned.rfind(".")
            if not decimal_comma and _PATTERNS["point_grouped"].fullmatch(cleaned):
                return cleaned.replace(",", "")
        else:
            decimal_comma = "," in cleaned or bool(_PATTERNS["comma_grouped"].fullmatch(cleaned))
            if decimal_comma is False and "." in cleaned:
                return _point(cleaned, text)
    if decimal_comma:
        if _PATTERNS["comma_plain"].fullmatch(cleaned):
            return cleaned.replace(",", ".")
        if _PATTERNS["comma_grouped"].fullmatch(cleaned):
            return cleaned.replace(".", "").replace(",", ".")
        if _PATTERNS["comma_zero_point"].fullmatch(cleaned):
            return cleaned
        if "." in cleaned and any(c.isdigit() for c in cleaned):
            raise ValueError(
                f"«{text}» er tvetydig: desimaltegnet her er komma, og punktum står bare som "
                "tusenskille i grupper på tre sifre (1.234 eller 1.234.567,00)"
            )
        raise ValueError(f"«{text}» er ikke et tall")
    return _point(cleaned, text)


def _point(cleaned: str, text: Any) -> str:
    if _PATTERNS["point_plain"].fullmatch(cleaned):
        return cleaned
    if "," in cleaned and any(c.isdigit() for c in cleaned):
        raise ValueError(
            f"«{text}» er tvetydig: desimaltegnet her er punktum, og et tall kan ikke ha komma"
        )
    raise ValueError(f"«{text}» er ikke et tall")


def parse_number(text: Any, *, decimal_comma: bool | None = True) -> float:
    """A finite number as a file or a person writes it (:func:`normalised_number`), or one a
    spreadsheet already holds.

    Raises:
        ValueError: Not a number, ambiguous, or not finite, with the reason in Norwegian.
    """
    if isinstance(text, bool):
        raise ValueError(f"«{text}» er ikke et tall")
    if isinstance(text, int | float):
        value = float(text)
    else:
        value = float(normalised_number(text, decimal_comma))
    if not math.isfinite(value):
        raise ValueError(f"«{text}» er ikke et endelig tall")
    return value


COMMA_NUMBER = f"{COMMA_PLAIN}|{COMMA_GROUPED}|{COMMA_ZERO_POINT}"


def numbers_of(cells: list[str], decimal_comma: bool) -> np.ndarray:
    """A column of text cells read as numbers at once by the same patterns as
    :func:`normalised_number` (each distinct cell once): NaN where a cell is not a finite
    number (then read it alone for the reason)."""
    codes, distinct = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=False)
    text = pd.Series(distinct, dtype=object).str.translate(NUMBER_CLEANUP)
    if decimal_comma:
        ok = text.str.fullmatch(COMMA_NUMBER)
        point = text.str.contains(".", regex=False)
        if point.any():  # a point groups thousands, except in «0.25»
            grouping = point & ~text.str.fullmatch(COMMA_ZERO_POINT)
            text = text.where(~grouping, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    else:
        ok = text.str.fullmatch(POINT_PLAIN)
    values = pd.to_numeric(text.where(ok.fillna(False).astype(bool)), errors="coerce")
    values = values.to_numpy(dtype=float, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values[codes]


FRACTION_FORMS = "0,25, 25 % eller 1/4"
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
"""Hyphens, en and em dashes and the minus sign, all read as the plain hyphen."""


def with_hyphens(text: str) -> str:
    """A range such as an age group as the files name it: ``67–79`` (en dash, as Norwegian
    text writes it), ``67—79`` or ``67 − 79`` all become ``67-79``."""
    return text.translate(DASHES).translate(SPACES)


def parse_fraction(text: Any, *, decimal_comma: bool = True) -> Fraction:
    """A share as people write it, exactly: ``0,333333333``, ``33,3 %``, ``1/3`` or a number
    a spreadsheet already holds. Raises ValueError otherwise.

    The result is an exact rational (``Fraction``): ``1/3`` stays a third, and a decimal is
    read digit for digit (a spreadsheet's float by its shortest decimal form, 0.1 as 1/10).
    """
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float):
        if isinstance(text, float) and not math.isfinite(text):
            raise ValueError(text)
        return Fraction(repr(text)) if isinstance(text, float) else Fraction(text)
    cleaned = str(text).translate(SPACES).replace("\u2212", "-")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    if "/" in cleaned:
        numerator, _, denominator = cleaned.partition("/")
        value = _decimal(numerator, decimal_comma) / _decimal(denominator, decimal_comma)
    else:
        value = _decimal(cleaned, decimal_comma)
    return value / 100 if percent else value


def _decimal(text: str, decimal_comma: bool) -> Fraction:
    try:
        value = Fraction(Decimal(normalised_number(text, decimal_comma)))
    except (InvalidOperation, OverflowError):
        raise ValueError(text) from None
    return value


def decode(raw: bytes) -> tuple[str, str]:
    """Decode file bytes as UTF-16 where they begin with its byte-order mark (Excel's
    «Unicode text»), else as UTF-8 (with or without BOM), else as Windows-1252.

    Returns:
        The text and the encoding used.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode text»
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file, judged from its header line (``;``, ``,`` or tab)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> tuple[list[str], _TextColumns]:
    text, _ = decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "filen er tom") from None
    rows: list[tuple[int, list[Any]]] = []
    problems: list[Problem] = []
    records: list[tuple[int, list[str]]] = []
    try:
        if '"' in text:  # a quoted field may span lines: each row as the reader counts it
            for fields in reader:
                records.append((reader.line_num, fields))
        else:  # one record a line: its number is its place (the header is line 1)
            records = list(zip(itertools.count(2), reader))
    except csv.Error as exc:
        if any(w in str(exc) for w in ("field larger than field limit", "EOF", "end of data")):
            start = records[-1][0] + 1 if records else 2
            problems.append(
                Problem(
                    'et anførselstegn («"») er ikke lukket: resten av filen blir ett felt',
                    row=start,
                )
            )
        else:
            problems.append(Problem(f"filen kan ikke leses som CSV: {exc}", row=reader.line_num))
    width = len(header)
    for number, fields in records:
        first = fields[0] if fields else ""
        if len(fields) == width and first[:1] not in ("", "#") and not first[:1].isspace():
            rows.append((number, fields))  # the common row: data from its first character
        elif not "".join(fields).strip() or first.lstrip().startswith("#"):
            continue  # a blank row, or a comment (a template's example row)
        elif len(fields) != width:
            problems.append(
                Problem(
                    f"raden har {len(fields)} felt, men overskriften har {width} "
                    f"(skilletegn «{_delimiter_name(delimiter)}»)",
                    row=number,
                )
            )
        else:
            rows.append((number, fields))
    if problems:
        raise InputError(path, problems)
    # With ';' or tab as separator the decimal mark is a comma (Norwegian Excel, SSB).
    columns = [list(c) for c in zip(*(f for _, f in rows), strict=True)] or [[] for _ in header]
    return header, _TextColumns(columns, [n for n, _ in rows], decimal_comma=delimiter != ",")


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(path, f"filen kan ikke åpnes som Excel-arbeidsbok ({exc})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                path, f"arket «{sheet}» finnes ikke (ark: {', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        iterator = worksheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise InputError(path, "arket er tomt")
        header = ["" if c is None else str(c) for c in header_cells]
        rows = []
        for number, values in enumerate(iterator, start=2):
            cells = ["" if v is None else v for v in values][: len(header)]
            cells += [""] * (len(header) - len(cells))
            if all(isinstance(c, str) and not c.strip() for c in cells):
                continue
            rows.append((number, [_Cell(c, True) for c in cells]))
        return header, rows
    finally:
        workbook.close()


@dataclass(frozen=True)
class _Cell:
    value: Any
    decimal_comma: bool


class _TextColumns:
    """A CSV file as its columns of text, with each row's line number and the file's decimal
    mark, converted a column at a time (:func:`_text_column`)."""

    def __init__(
        self, columns: list, numbers: list[int], *, decimal_comma: bool, stripped: bool = False
    ):
        self.columns = columns
        self.numbers = numbers
        self.decimal_comma = decimal_comma
        self.stripped = stripped
        """No field starts or ends with white space (found on the whole file at once)."""

    def __len__(self) -> int:
        return len(self.numbers)


def _text_column(
    rows: _TextColumns, index: int, name: str, column: Column, problems: list[Problem]
) -> list[Any] | np.ndarray:
    """One column of a CSV file converted at once (numbers by :func:`numbers_of`), and only
    the cells that fail (or are empty) read one by one, so every bad cell is named by row and
    column with its reason (:func:`_convert_cell`)."""
    raw, numbers = rows.columns[index], rows.numbers
    if column.kind == "str":
        values = np.asarray(raw if rows.stripped else [v.strip() for v in raw], dtype=object)
        empty = np.flatnonzero(values == "")
        for position in empty.tolist():  # empty: the cell's rule
            try:
                values[position] = _convert_cell(_Cell("", rows.decimal_comma), column)
            except ValueError as exc:
                problems.append(Problem(str(exc), row=numbers[position], column=name))
                values[position] = None
        return values
    if column.kind not in ("int", "float"):
        values = []
        for row_number, value in zip(numbers, raw, strict=True):
            try:
                values.append(_convert_cell(_Cell(value, rows.decimal_comma), column))
            except ValueError as exc:
                problems.append(Problem(str(exc), row=row_number, column=name))
                values.append(None)
        return values
    values = numbers_of(raw, rows.decimal_comma)
    good = np.isfinite(values)
    if column.kind == "int":
        good &= np.equal(np.floor(values, where=good, out=values.copy()), values)
    if good.all():  # every cell a number (an integer for int): the array as it is
        return values if column.kind == "float" else values.astype(np.int64)
    result: list[Any] = (
        values.tolist()
        if column.kind == "float"
        else [int(v) if ok else None for v, ok in zip(values, good, strict=True)]
    )
    for position in np.flatnonzero(~good):
        row_number = numbers[position]
        try:
            result[position] = _convert_cell(_Cell(raw[position], rows.decimal_comma), column)
        except ValueError as exc:
            problems.append(Problem(str(exc), row=row_number, column=name))
            result[position] = None
    return result


def _convert(
    path: Path, header: list[str], rows: list[tuple[int, list[_Cell]]], schema: Schema
) -> pd.DataFrame:
    names = [h.strip().lstrip("\ufeff") for h in header]
    by_lower = {n.lower(): i for i, n in enumerate(names)}
    problems: list[Problem] = []
    columns: dict[str, list[Any]] = {}
    positions: dict[str, int] = {}
    for name, column in schema.items():
        index = by_lower.get(name.lower())
        if index is None:
            if column.required:
                present = ", ".join(n for n in names if n) or "ingen"
                problems.append(Problem(f"kolonnen «{name}» mangler (kolonner i filen: {present})"))
            continue
        positions[name] = index
    if problems:
        raise InputError(path, problems)
    text = isinstance(rows, _TextColumns)
    for name, index in positions.items():
        column = schema[name]
        if text:
            columns[name] = _text_column(rows, index, name, column, problems)
            continue
        values = []
        for row_number, cells in rows:
            try:
                values.append(_convert_cell(cells[index], column))
            except ValueError as exc:
                problems.append(Problem(str(exc), row=row_number, column=name))
                values.append(None)
        columns[name] = values
    for index, name in enumerate(names):
        if name and name.lower() not in {s.lower() for s in schema}:
            if text:
                raw = rows.columns[index]
                columns[name] = raw if rows.stripped else [v.strip() for v in raw]
                continue
            columns[name] = [_text(cells[index].value) for _, cells in rows]
    numbers = rows.numbers if text else [n for n, _ in rows]
    for name, column in schema.items():
        if column.bounds is not None and name in columns:
            problems += _outside(columns[name], numbers, name, column)
    if problems:
        raise InputError(path, problems)
    frame = pd.DataFrame(columns)
    frame[ROW_COLUMN] = numbers
    return frame


def _outside(values, numbers: list[int], name: str, column: Column) -> list[Problem]:
    """Each value outside the column's bounds, named by row, with the bounds."""
    low, high = column.bounds
    array = (
        values.astype(float)
        if isinstance(values, np.ndarray)
        else np.array([np.nan if v is None else v for v in values], dtype=float)
    )
    outside = np.flatnonzero((array < low) | (array > high))
    shown = f"{_bound(low)}–{_bound(high)}" if low >= 0 else f"±{_bound(high)}"
    if column.bounds == YEARS:  # a year as it is written: 20222, not 20 222
        return [
            Problem(
                f"{array[i]:.0f} er utenfor {column.what} ({shown})", row=numbers[i], column=name
            )
            for i in outside.tolist()
        ]
    return [
        Problem(
            "kan ikke være negativ"
            if low == 0 and array[i] < 0
            else f"{_bound(array[i])} er utenfor {column.what} ({shown})",
            row=numbers[i],
            column=name,
        )
        for i in outside.tolist()
    ]


def _bound(value: float) -> str:
    """A bound or value as the message shows it: ``2100``, ``10 000 000``, ``1e+12``."""
    if abs(value) >= 1e9 or (value and abs(value) < 1e-3):
        return f"{value:g}"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10_000 else str(int(value))
    return f"{value:g}".replace(".", ",")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _convert_cell(cell: _Cell, column: Column) -> Any:
    raw = cell.value
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        if column.nullable or column.kind == "bool":
            return None if column.kind != "bool" else False
        raise ValueError("mangler verdi")
    if column.kind == "str":
        return _text(raw)
    if column.kind == "bool":
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"«{raw}» er ikke ja/nei (bruk true/false eller ja/nei)")
    if column.kind in ("fraction", "share"):
        try:
            share = parse_fraction(raw, decimal_comma=cell.decimal_comma)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"«{raw}» er ikke en andel (skriv {FRACTION_FORMS})") from None
        return share if column.kind == "fraction" else float(share)
    number = parse_number(raw, decimal_comma=cell.decimal_comma)  # its reason, in Norwegian
    if column.kind == "int":
        if not number.is_integer():
            raise ValueError(f"«{raw}» er ikke et heltall")
        return int(number)
    return number


def _delimiter_name(delimiter: str) -> str:
    return {";": "semikolon", ",": "komma", "\t": "tabulator"}[delimiter]
