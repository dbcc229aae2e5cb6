import pandas as pd

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


def test_missing_values_show_a_dash():
    assert f.kr(None) == "–"
    assert f.number(float("nan")) == "–"


def test_format_frame_turns_columns_into_text():
    frame = pd.DataFrame({"a": [1234.0], "b": ["x"]})
    shown = f.format_frame(frame, {"a": "kr"})
    assert shown.loc[0, "a"] == f"1{NB}234{NB}kr"
    assert frame.loc[0, "a"] == 1234.0  # the original is untouched
