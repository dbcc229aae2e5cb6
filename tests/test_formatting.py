import pandas as pd
import pytest

from workbench import formatting as f

NB = "\u00a0"


def test_numbers_are_grouped_with_non_breaking_spaces():
    assert f.number(5997040) == f"5{NB}997{NB}040"
    assert f.kr(190700) == f"190{NB}700{NB}kr"


def test_decimals_use_a_comma_and_round_half_up():
    assert f.number(23.207, 1) == "23,2"
    assert f.number(2.5) == "3"
    assert f.number(0.125, 2) == "0,13"
    assert f.fte(0.7025) == "0,70"


def test_no_negative_zero():
    assert f.number(-0.04, 1) == "0,0"


def test_percent_and_millions_as_the_seed_writes_them():
    assert f.percent(0.121) == f"12,1{NB}%"
    assert f.mill_kr(717_000_000) == f"717{NB}mill.{NB}kr"


def test_numbers_are_written_as_babels_norwegian_locale_writes_them():
    """The direct formatting gives Babel's nb_NO text for any value and decimals, with the
    minus sign (−) where Babel writes a hyphen."""
    import random

    from babel.numbers import format_decimal

    draw = random.Random(20261202)
    values = [0, -0.0, 0.5, -0.5, 1.5, 999.5, -999.5, 1e12, -123456789.125, 1234.5678]
    values += [draw.uniform(-1e9, 1e9) for _ in range(300)]
    values += [draw.randint(-(10**7), 10**7) / 8 for _ in range(300)]
    for value in values:
        for decimals in range(5):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            babel = format_decimal(f.half_up(value, decimals), format=pattern, locale="nb_NO")
            assert f.number(value, decimals) == babel.replace("-", "\u2212"), (value, decimals)


def test_negative_numbers_have_a_minus_sign_and_read_back():
    assert f.mill_kr(-120e6) == "\u2212120\xa0mill.\xa0kr"
    assert f.percent(-0.12) == "\u221212,0\xa0%"
    assert f.editable(-3.5, 1) == "\u22123,5"
    assert f.parse_number(f.editable(-1234.5, 1)) == -1234.5
    assert "-" not in f.with_unit(-96e6, "kr")


def test_a_quantity_is_shown_as_stored():
    """«0,8 time per dag → 274 per år → 218 726 kr» hid a stored 0,75 (× 365 = 273,75)."""
    assert f.FORMATTERS["as_stored"](0.75) == "0,75"
    assert f.FORMATTERS["as_stored"](273.75) == "273,75"
    assert f.FORMATTERS["as_stored"](8.0) == "8"
    assert f.FORMATTERS["as_stored"](1234.5) == "1\xa0234,5"


def test_people_are_counted_whole():
    assert f.with_unit(35.1, "personer") == "35\xa0personer"
    assert f.with_unit(23.24, "årsverk") == "23,2\xa0årsverk"


def test_missing_values_show_a_dash():
    assert f.kr(None) == "–"
    assert f.number(float("nan")) == "–"


def test_format_frame_turns_columns_into_text():
    frame = pd.DataFrame({"a": [1234.0], "b": ["x"]})
    shown = f.format_frame(frame, {"a": "kr"})
    assert shown.loc[0, "a"] == f"1{NB}234{NB}kr"
    assert frame.loc[0, "a"] == 1234.0  # the original is untouched


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("0,75", 0.75),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("−2", -2.0),
        (" 16 ", 16.0),
    ],
)
def test_numbers_are_read_as_people_type_them(typed, value):
    assert f.parse_number(typed) == value


@pytest.mark.parametrize("typed", ["abc", "", "1,2,3", "nan", "inf"])
def test_what_is_not_a_number_is_refused_in_norwegian(typed):
    with pytest.raises(ValueError, match="er ikke et tall"):
        f.parse_number(typed)


def test_editable_numbers_have_no_trailing_zeros():
    assert [f.editable(v) for v in (1.5, 16.5, 8.0, 1234.5, 0.125)] == [
        "1,5",
        "16,5",
        "8",
        "1\u00a0234,5",
        "0,13",
    ]


def test_a_unit_is_in_the_cells_or_the_header_not_both():
    import pandas as pd

    from workbench.formatting import styled

    frame = pd.DataFrame(
        {"Kostnad per år (kr)": [215_893_440.0], "Timer (t)": [11_938.0], "Antall (kr)": [3.0]}
    )
    page = styled(
        frame, {"Kostnad per år (kr)": "mill_kr1", "Timer (t)": "hours", "Antall (kr)": "number"}
    ).to_html()
    assert ">Kostnad per år</th>" in page and "215,9\u00a0mill.\u00a0kr" in page
    assert ">Timer</th>" in page and "11\u00a0938\u00a0t" in page
    assert ">Antall (kr)</th>" in page  # bare numbers keep the unit in the header
    assert list(frame.columns) == ["Kostnad per år (kr)", "Timer (t)", "Antall (kr)"]


def test_a_number_columns_header_is_right_aligned_over_its_numbers():
    frame = pd.DataFrame({"Tjeneste": ["Dagaktivitet"], "Hjemmetjenester": [9.6]})
    page = f.styled(frame, {"Tjeneste": "text", "Hjemmetjenester": "number1"}).to_html()
    styles = page.split("</style>")[0]
    right = styles.split(".col_heading.col1")[1].split("}")[0]
    assert "text-align: right" in right
    assert ".col_heading.col0" not in styles  # a text column's header stays left


def test_millions_without_the_unit_in_every_cell():
    assert f.FORMATTERS["mill1"](602_049_000) == "602,0"
    assert f.FORMATTERS["mill1"](None) == f.MISSING


def test_age_groups_are_written_with_an_en_dash():
    from workbench.formatting import age_range

    assert age_range("67-79") == "67\u201379" and age_range("90+") == "90+"
