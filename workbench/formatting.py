"""Norwegian number formatting for everything a user reads.

``5 997 040``, ``12,1 %``, ``717 mill. kr``, ``190 700 kr``: grouping with a non-breaking
space and a decimal comma, through Babel's ``nb_NO`` locale. Tables, charts and apps all
format through this module so the whole product writes numbers one way.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel.numbers import format_decimal
from pandas.io.formats.style import Styler

LOCALE = "nb_NO"
MISSING = "–"
NBSP = "\u00a0"


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def number(value: Any, decimals: int = 0) -> str:
    """``5 997 040``; ``23,2`` with ``decimals=1``; ``−120`` with a minus sign."""
    if _is_missing(value):
        return MISSING
    # Babel's «#,##0.0» pattern for nb_NO, written directly: the value is already rounded to
    # its decimals, so grouping and the decimal sign are all that is left (a tenth of the time;
    # a chart or table formats thousands of numbers). tests/test_formatting.py holds the two
    # to the same text.
    return format(half_up(value, decimals), ",f").translate(_NORWEGIAN)


MINUS = "\u2212"
"""The minus sign (−) Norwegian typography writes before a negative number, not a hyphen."""
_NORWEGIAN = str.maketrans({",": NBSP, ".": ",", "-": MINUS})


def half_up(value: Any, decimals: int) -> Decimal:
    """``value`` rounded half up from its shortest decimal form, as Excel and Norwegian
    reports round (1 234,5 → 1 235); "+ 0" turns −0 into 0 (no «-0,0»)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP) + 0


EN_DASH = "\u2013"


def age_range(group: str) -> str:
    """An age group as Norwegian text writes it: ``67–79`` (en dash) for the files' ``67-79``;
    ``90+`` as it is."""
    return str(group).replace("-", EN_DASH)


def kr(value: Any, decimals: int = 0) -> str:
    """``190 700 kr``."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)}{NBSP}kr"


def joined(items) -> str:
    """Items as Norwegian lists them: ``100, 110 og 120``."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def mill_kr(value: Any, decimals: int = 0) -> str:
    """Kroner shown in millions: ``717 mill. kr``."""
    return MISSING if _is_missing(value) else f"{number(value / 1e6, decimals)}{NBSP}mill.{NBSP}kr"


def percent(share: Any, decimals: int = 1) -> str:
    """A share (0.121) as ``12,1 %``."""
    return MISSING if _is_missing(share) else f"{number(share * 100, decimals)}{NBSP}%"


def hours(value: Any, decimals: int = 0) -> str:
    """``1 124 t``."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)}{NBSP}t"


def fte(value: Any) -> str:
    """Årsverk with two decimals: ``0,70``."""
    return number(value, 2)


def with_unit(value: Any, unit: str) -> str:
    """A key figure as a reader sees it: ``717 mill. kr`` (kr from a million up), ``12,1 %``
    (``andel``), ``23,2 årsverk``, ``2031`` (``år``), ``år 8`` (``år nr.``: the eighth year of
    a period), or the text itself (``tekst``)."""
    if _is_missing(value):
        return MISSING
    if unit == "tekst" or isinstance(value, str):
        return str(value)
    if unit == "kr":
        return mill_kr(value, 1) if abs(value) >= 1e6 else kr(value)
    if unit == "andel":
        return percent(value)
    if unit == "år":
        return str(int(value))
    if unit == "år nr.":
        return f"år {int(value)}"
    whole = unit in WHOLE_UNITS or float(value).is_integer() or abs(value) >= 100
    decimals = 0 if whole else 1
    return f"{number(value, decimals)}{NBSP}{unit}" if unit else number(value, decimals)


WHOLE_UNITS = frozenset({"personer", "boliger", "plasser"})
"""Units counted in whole numbers: «35 personer», never «35,1 personer»."""


def editable(value: Any, decimals: int = 2) -> str:
    """A number in an input field: Norwegian, no trailing zeros (``1,5``, ``16,5``, ``8``)."""
    if _is_missing(value):
        return ""
    rounded = half_up(value, decimals)
    text = format_decimal(rounded, format="#,##0." + "#" * decimals, locale=LOCALE)
    return text.replace("-", MINUS)  # read back by parse_number like a hyphen


def parse_number(text: str) -> float:
    """A number as people type it in a field: ``1,5``, ``1.5``, ``1 234,5``, ``1.234,5``,
    ``1,234.5`` or ``1.200`` (a point before whole groups of three groups thousands): the
    same grammar as every file (:func:`workbench.loaders.normalised_number`).

    Raises:
        ValueError: Not a finite number, or ambiguous, in Norwegian.
    """
    from workbench.loaders import parse_number as read

    return read(str(text).strip(), decimal_comma=None)


def as_stored(value: Any) -> str:
    """A quantity as it is stored, with its own decimals and no more (``0,75``, ``16,5``,
    ``8``): a line's arithmetic must follow from what is shown."""
    return MISSING if _is_missing(value) else editable(value, 4)


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "number": number,
    "as_stored": as_stored,
    "number1": lambda v: number(v, 1),
    "number2": lambda v: number(v, 2),
    "kr": kr,
    "kr2": lambda v: kr(v, 2),
    "mill_kr": mill_kr,
    "mill_kr1": lambda v: mill_kr(v, 1),
    "mill1": lambda v: MISSING if _is_missing(v) else number(v / 1e6, 1),
    "percent": percent,
    "hours": hours,
    "fte": fte,
    "text": lambda v: MISSING if _is_missing(v) else str(v),
}


def format_frame(frame: pd.DataFrame, formats: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` with the named columns turned into Norwegian text.

    Args:
        frame: The table.
        formats: Column → a key of ``FORMATTERS`` (``kr``, ``percent`` …).
    """
    shown = frame.copy()
    for column, kind in formats.items():
        shown[column] = [FORMATTERS[kind](v) for v in shown[column]]
    return shown


UNIT_IN_CELLS = {
    "kr": " (kr)",
    "kr2": " (kr)",
    "mill_kr": " (kr)",
    "mill_kr1": " (kr)",
    "percent": " (%)",
    "hours": " (t)",
}
"""Formats that write the unit in every cell, and the header suffix that would repeat it."""


def shown_header(header: str, kind: str | None) -> str:
    """A column's header on the page: without «(kr)» when every cell says «mill. kr» or «kr»
    already (the CSV keeps it, since its cells are bare numbers)."""
    suffix = UNIT_IN_CELLS.get(kind or "")
    return header.replace(suffix, "") if suffix and suffix in header else header


class Table:
    """A table to display: Norwegian numbers in HTML (notebooks, reports, apps) and as
    plain text. Both forms depend only on the data, so reports are byte-stable."""

    def __init__(self, frame: pd.DataFrame, formats: Mapping[str, str], caption: str | None = None):
        self.frame = frame
        self.formats = dict(formats)
        self.caption = caption

    def to_html(self) -> str:
        numeric = [c for c, k in self.formats.items() if k != "text"]
        text = [c for c in self.frame.columns if c not in numeric]
        # pandas gives every table a random id; derive it from the content instead
        digest = hashlib.sha256(f"{self.caption}|{self.frame.to_json()}".encode()).hexdigest()[:10]
        styler = (
            Styler(self.frame, uuid=digest, cell_ids=False)
            .format({c: FORMATTERS[k] for c, k in self.formats.items()})
            .hide(axis="index")
            .set_properties(subset=numeric, **{"text-align": "right"})
            .set_properties(subset=text, **{"text-align": "left"})
            .set_table_styles(
                [{"selector": "th", "props": [("text-align", "left")]}]
                # room between columns wherever the table is shown (an app's page has no
                # table style of its own, and «57 653 mill. kr» read as one number there)
                + [
                    {
                        "selector": "th, td",
                        "props": [("padding", "0.3em 0.8em"), ("line-height", "1.3")],
                    }
                ]
                + [
                    {"selector": f"td.col{i}", "props": [("white-space", "nowrap")]}
                    for i, c in enumerate(self.frame.columns)
                    if c in numeric
                ]
                # a number column's header stands over its right-aligned numbers
                + [
                    {"selector": f"th.col_heading.col{i}", "props": [("text-align", "right")]}
                    for i, c in enumerate(self.frame.columns)
                    if c in numeric
                ]
            )
        )
        headers = [shown_header(str(c), self.formats.get(c)) for c in self.frame.columns]
        if headers != [str(c) for c in self.frame.columns]:
            styler = styler.relabel_index(headers, axis="columns")
        if self.caption:
            styler = styler.set_caption(self.caption)
        return styler.to_html()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        text = format_frame(self.frame, self.formats).to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text


def styled(frame: pd.DataFrame, formats: Mapping[str, str], caption: str | None = None) -> Table:
    """A table for notebooks, HTML reports and apps: Norwegian numbers, right-aligned,
    no index column, optional caption."""
    return Table(frame, formats, caption)


AVERAGE_CHARACTER_EM = 0.6
"""Average width of a character of running text in DejaVu Sans, in em (a little more than
measured, so a wrapped line never runs past the edge of a figure or a slide's box)."""


def wrapped(text: str, width_inches: float, fontsize: float) -> str:
    """``text`` broken into lines that fit ``width_inches`` at ``fontsize`` points, words
    kept whole (figure titles and source lines, slide text).

    Breaking the line here, from an average character width, replaces matplotlib's
    ``wrap=True``, which measures the text word by word on every draw (a quarter of an app
    chart's drawing time).
    """
    import textwrap

    per_line = max(20, int(width_inches * 72 / (fontsize * AVERAGE_CHARACTER_EM)))
    return "\n".join(textwrap.wrap(text, per_line, break_on_hyphens=False)) or text


def engine_table(frame: pd.DataFrame, names: Mapping[str, str]) -> Table:
    """An engine's own table as the analyst reads it in a notebook («Under panseret»): the
    columns under their Norwegian names, numbers in Norwegian with the decimals they hold (up
    to four, never in scientific notation), yes/no for truth values.

    Args:
        names: Engine column → Norwegian header, for every column of ``frame``.

    Raises:
        KeyError: A column without a Norwegian name (named in the message).
    """
    index = frame.index
    if index.name is not None or not (isinstance(index, pd.RangeIndex) and index.start == 0):
        frame = frame.reset_index()  # an index that means something (a service, a step)
    missing = [str(column) for column in frame.columns if column not in names]
    if missing:
        raise KeyError(f"ingen norsk overskrift for kolonnen {', '.join(missing)}")
    shown = frame.rename(columns=dict(names))
    formats = {}
    for column, values in shown.items():
        if pd.api.types.is_bool_dtype(values):
            shown[column] = values.map({True: "ja", False: "nei"})
            formats[column] = "text"
        elif pd.api.types.is_numeric_dtype(values):
            formats[column] = "as_stored"
        else:
            formats[column] = "text"
    return styled(shown.reset_index(drop=True), formats)
