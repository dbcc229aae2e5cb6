"""The one number grammar (``workbench.loaders.normalised_number``): numbers written the
Norwegian and the English way are read to the value a person means, anything ambiguous is
refused, and a column read at once agrees with each cell read alone."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench import formatting
from workbench.loaders import numbers_of, parse_number

AMOUNTS = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


def grouped(digits: str, mark: str) -> str:
    """``1234567`` → ``1 234 567`` (or with points)."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return mark.join(groups)


def parts(value: Decimal) -> tuple[str, str, str]:
    sign = "-" if value < 0 else ""
    whole, _, decimals = f"{abs(value):.2f}".partition(".")
    return sign, whole, decimals


@given(AMOUNTS, st.sampled_from([" ", "\u00a0", ".", ""]))
def test_norwegian_numbers_in_a_decimal_comma_file_are_what_they_say(value, mark):
    sign, whole, decimals = parts(value)
    text = f"{sign}{grouped(whole, mark)},{decimals}"
    assert parse_number(text, decimal_comma=True) == pytest.approx(float(value), abs=1e-9)


@given(AMOUNTS)
def test_english_numbers_in_a_decimal_point_file_are_what_they_say(value):
    sign, whole, decimals = parts(value)
    assert parse_number(f"{sign}{whole}.{decimals}", decimal_comma=False) == pytest.approx(
        float(value), abs=1e-9
    )


@given(AMOUNTS, st.booleans())
def test_a_typed_number_is_read_either_way(value, english):
    sign, whole, decimals = parts(value)
    text = (
        f"{sign}{grouped(whole, ',')}.{decimals}"
        if english
        else f"{sign}{grouped(whole, '.')},{decimals}"
    )
    assert formatting.parse_number(text) == pytest.approx(float(value), abs=1e-9)


@given(st.integers(1, 999), st.integers(0, 99).filter(lambda d: d >= 0))
def test_a_point_before_other_than_three_digits_is_refused_in_a_decimal_comma_file(head, tail):
    text = f"{head}.{tail}"  # «1.5», «12.25»: a decimal point or a slip, no one can tell
    if len(str(tail)) == 3:
        return
    with pytest.raises(ValueError, match="tvetydig"):
        parse_number(text, decimal_comma=True)


CHARACTERS = st.text(alphabet="0123456789.,-+ e\u00a0\u2212", max_size=12)


@given(st.lists(CHARACTERS, min_size=1, max_size=8), st.booleans())
def test_a_column_read_at_once_agrees_with_each_cell(cells, decimal_comma):
    values = numbers_of(cells, decimal_comma)
    for cell, value in zip(cells, values, strict=True):
        try:
            alone = parse_number(cell, decimal_comma=decimal_comma)
        except ValueError:
            assert math.isnan(value), cell
        else:
            assert value == alone, cell
