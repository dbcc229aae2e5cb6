"""Readers for the files consultants hand us: YAML, CSV and XLSX.

CSV files come from finance systems, SSB and Excel in several dialects: comma or semicolon
separated, decimal point or decimal comma, UTF-8 or Windows-1252. The readers accept all of
them, convert columns to the declared types and report every bad cell with its row and
column. Nothing here knows about a particular analysis; callers pass a schema.
"""

from __future__ import annotations

import csv
import io
import math
import os
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

Kind = Literal["str", "float", "int", "bool", "fraction"]

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
    """

    kind: Kind = "str"
    required: bool = True
    nullable: bool = False


Schema = Mapping[str, Column]


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


def parse_number(text: Any, *, decimal_comma: bool = True) -> float:
    """Parse a number as Norwegian and international spreadsheets write it.

    Accepts ``1 234,5``, ``1234.5``, ``1.234,5`` (with ``decimal_comma``) and numbers that
    are already numeric. Raises ValueError otherwise.
    """
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).translate(SPACES).replace("\u2212", "-")
    if decimal_comma and "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = float(cleaned)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


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
    if decimal_comma and "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError(text) from None


def decode(raw: bytes) -> tuple[str, str]:
    """Decode file bytes as UTF-8 (with or without BOM), else as Windows-1252.

    Returns:
        The text and the encoding used.
    """
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
    columnar = _csv_columns(text, delimiter)
    if columnar is not None:
        return columnar
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "filen er tom") from None
    rows: list[tuple[int, list[Any]]] = []
    problems: list[Problem] = []
    try:
        for fields in reader:
            if not "".join(fields).strip():  # a blank row (one string, not a field at a time)
                continue
            if fields[0].lstrip().startswith("#"):  # a comment, e.g. a template's example row
                continue
            if len(fields) != len(header):
                problems.append(
                    Problem(
                        f"raden har {len(fields)} felt, men overskriften har {len(header)} "
                        f"(skilletegn «{_delimiter_name(delimiter)}»)",
                        row=reader.line_num,
                    )
                )
                continue
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        problems.append(Problem(f"filen kan ikke leses som CSV: {exc}", row=reader.line_num))
    if problems:
        raise InputError(path, problems)
    # With ';' or tab as separator the decimal mark is a comma (Norwegian Excel, SSB).
    columns = [list(c) for c in zip(*(f for _, f in rows), strict=True)] or [[] for _ in header]
    return header, _TextColumns(columns, [n for n, _ in rows], decimal_comma=delimiter != ",")


COLUMNAR_FROM = 500
"""Lines from which a CSV file without quotes is split by pandas' C parser (:func:`_csv_columns`)."""


def _csv_columns(text: str, delimiter: str) -> tuple[list[str], _TextColumns] | None:
    """A large CSV file without quotes split by pandas' C parser, a column at a time, with
    each row's line number; None where the ``csv`` module must read it (quotes, a lone
    carriage return, or a row whose fields do not match the header, which that path reports).

    Which lines are blank or comments, and how many fields each has, is found on the file's
    bytes with numpy (the delimiter, line breaks, spaces and ``#`` are single bytes in UTF-8),
    not line by line in Python.
    """
    if '"' in text or text.count("\n") < COLUMNAR_FROM:
        return None
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        return None
    header = text.split("\n", 1)[0].split(delimiter)
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    is_delimiter, is_break = data == ord(delimiter), data == ord("\n")
    breaks = np.flatnonzero(is_break)
    if not text.endswith("\n"):
        breaks = np.append(breaks, len(data))
    starts = np.concatenate(([0], breaks[:-1] + 1))  # line i spans starts[i]:breaks[i]
    fields = np.searchsorted(np.flatnonzero(is_delimiter), breaks)
    fields = np.diff(fields, prepend=0)  # delimiters per line
    # a line that begins with a printable ASCII character other than «#» holds data; any
    # other (blank, a comment, or beginning with a space or a non-ASCII letter) is judged
    # as the csv path judges it, in Python: for a ledger, no line at all
    first = data[np.minimum(starts, len(data) - 1)]
    plain = (starts < breaks) & (first > 32) & (first < 127) & (first != ord("#"))
    plain &= first != ord(delimiter)
    kept = plain.copy()
    for line in np.flatnonzero(~plain).tolist():
        content = data[starts[line] : breaks[line]].tobytes().decode("utf-8")
        kept[line] = bool(
            content.replace(delimiter, "").strip()
        ) and not content.lstrip().startswith("#")
    kept[0] = False  # the header
    if not kept.any() or (fields[kept] != len(header) - 1).any():
        return None
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=list(range(len(header))),
        skiprows=np.flatnonzero(~kept).tolist(),
        skip_blank_lines=False,
        dtype=str,
        na_filter=False,
        quoting=csv.QUOTE_NONE,
        engine="c",
    )
    numbers = np.flatnonzero(kept) + 1  # as the user sees them: the header is line 1
    if len(frame) != len(numbers):
        return None
    # no field starts or ends with white space: the columns need no stripping (a field
    # beginning or ending in a non-ASCII character counts as padded: it may be a no-break
    # space, and is then stripped as before)
    boundary = is_delimiter | is_break
    space = (data == 32) | ((data >= 9) & (data <= 13) & ~is_break) | (data >= 28) & (data <= 31)
    space |= data >= 0x80
    padded = bool(
        space[0]
        or space[-1]
        or (space[:-1] & boundary[1:]).any()
        or (boundary[:-1] & space[1:]).any()
    )
    columns = [frame[i].to_numpy(dtype=object) for i in range(len(header))]
    return header, _TextColumns(
        columns, numbers.tolist(), decimal_comma=delimiter != ",", stripped=not padded
    )


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


COLUMNWISE_FROM = 200
"""Rows from which a CSV file is converted a column at a time (:func:`_text_column`)."""


class _TextColumns:
    """A CSV file as its columns of text, with each row's line number and the file's decimal
    mark: converted a column at a time (:func:`_text_column`) or, for a small file, cell by
    cell (:func:`_cell_by_cell`)."""

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
    """One column of a CSV file converted at once (numbers with Python's ``float`` over the
    whole column, an array where every cell converts), and only the cells that fail (or are
    empty) looked at one by one, found from the NaN mask, so every bad cell is still named by
    row and column with the same words as :func:`_convert_cell`."""
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
        return _cell_by_cell(numbers, raw, rows.decimal_comma, name, column, problems)
    points = _as_points(raw, rows.decimal_comma)
    try:  # Python's float() for every cell at once: a fifth of to_numeric's time
        values = points.to_numpy(dtype=object).astype(float)
    except (ValueError, TypeError):  # a cell that is no number: find it, as NaN
        values = pd.to_numeric(points, errors="coerce").astype(float).to_numpy()
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


NUMBER_CLEANUP = str.maketrans({**{c: None for c in " \u00a0\u202f\u2009\t"}, "\u2212": "-"})
"""Spaces of every kind out, the minus sign as a hyphen: what :func:`parse_number` does first."""


def _as_points(raw: list[str], decimal_comma: bool) -> pd.Series:
    """The cells as :func:`parse_number` reads them, with a decimal point: the whole column
    cleaned as one string where it can be (no field holds a line break; with decimal
    commas, no field also holds a point), else field by field."""
    joined = "\n".join(raw).translate(NUMBER_CLEANUP)
    if not (decimal_comma and "." in joined and "," in joined):
        if decimal_comma:
            joined = joined.replace(",", ".")
        parts = joined.split("\n")
        if len(parts) == len(raw):
            return pd.Series(parts, dtype=object)
    text = pd.Series(raw, dtype=object).str.translate(NUMBER_CLEANUP)
    if decimal_comma:
        comma = text.str.contains(",", regex=False)
        text = text.where(
            ~comma, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        )
    return text


def _cell_by_cell(
    numbers: list[int], raw: list[str], decimal_comma: bool, name: str, column: Column, problems
) -> list[Any]:
    values = []
    for row_number, value in zip(numbers, raw, strict=True):
        try:
            values.append(_convert_cell(_Cell(value, decimal_comma), column))
        except ValueError as exc:
            problems.append(Problem(str(exc), row=row_number, column=name))
            values.append(None)
    return values


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
            # a column at a time pays off from a few hundred rows; below, pandas' own
            # overhead is more than the cells cost
            columns[name] = (
                _text_column(rows, index, name, column, problems)
                if len(rows) >= COLUMNWISE_FROM
                else _cell_by_cell(
                    rows.numbers, rows.columns[index], rows.decimal_comma, name, column, problems
                )
            )
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
    if problems:
        raise InputError(path, problems)
    frame = pd.DataFrame(columns)
    frame[ROW_COLUMN] = rows.numbers if text else [n for n, _ in rows]
    return frame


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
    if column.kind == "fraction":
        try:
            return parse_fraction(raw, decimal_comma=cell.decimal_comma)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"«{raw}» er ikke en andel (skriv {FRACTION_FORMS})") from None
    try:
        number = parse_number(raw, decimal_comma=cell.decimal_comma)
    except ValueError:
        raise ValueError(f"«{raw}» er ikke et tall") from None
    if column.kind == "int":
        if not number.is_integer():
            raise ValueError(f"«{raw}» er ikke et heltall")
        return int(number)
    return number


def _delimiter_name(delimiter: str) -> str:
    return {";": "semikolon", ",": "komma", "\t": "tabulator"}[delimiter]
