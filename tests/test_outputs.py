import pandas as pd
import pytest

from workbench.outputs import atomic_write_bytes, replace_folder


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a" / "b.txt"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "b.txt"
    atomic_write_bytes(target, b"old")

    def broken_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr("workbench.outputs.os.replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.txt"]


def test_replace_folder_swaps_whole_folders(tmp_path):
    target = tmp_path / "report"
    target.mkdir()
    (target / "old.txt").write_text("old")
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    replace_folder(staging, target)
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_report_tables_are_rounded_by_unit_without_float_noise(tmp_path):
    from workbench.outputs import for_reading, write_table

    frame = pd.DataFrame(
        {
            "År": [2024, 2026],
            "Innbyggere 67+": [5720.0, 6018.599999999999],  # 2026 is interpolated
            "Årsverk, dagens profil": [12.700000000000001, 644.6275956363637],
            "Kostnad, dagens profil (kr)": [705240000.0, 750379334.3636363],
            "Boliger, dagens profil": [3931.429195804196, 4147.619226064844],
            "Andel": [0.3559105551134065, 0.044072321579417165],
            "Timer per år": [395.4166666666667, -0.01],
            "Beløp (kr)": [-7842.5, 225556.43],
        }
    )
    # the formats the report shows the columns in decide the decimals, not the headers
    formats = {
        "År": "text",
        "Innbyggere 67+": "number1",
        "Årsverk, dagens profil": "fte",
        "Kostnad, dagens profil (kr)": "mill_kr1",
        "Boliger, dagens profil": "number",
        "Andel": "percent",
        "Timer per år": "number1",
        "Beløp (kr)": "kr2",
    }
    path = tmp_path / "t.csv"
    write_table(for_reading(frame, formats=formats), path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "2024;5720;12,7;705240000;3931;0,3559;395,4;-7842,5"
    assert lines[2] == "2026;6018,6;644,63;750379334;4148;0,0441;0;225556,43"  # no "-0"
    # a table without formats (read back from a CSV) keeps four decimals and no noise
    assert for_reading(frame)["Årsverk, dagens profil"].tolist() == ["12,7", "644,6276"]


def test_a_unit_per_row_table_rounds_each_row_by_its_unit():
    from workbench.outputs import for_reading

    frame = pd.DataFrame(
        {
            "Størrelse": ["bemanning", "kostnad", "andel"],
            "Verdi": [388.54030545454543, 339763012.6, 0.21674114],
            "Enhet": ["årsverk", "kr", "andel"],
        }
    )
    assert for_reading(frame)["Verdi"].tolist() == ["388,54", "339763013", "0,2167"]


def test_a_line_split_in_thirds_is_written_in_whole_kroner_that_add_up_to_the_line():
    from workbench.outputs import for_reading

    third = 100 / 3
    frame = pd.DataFrame({"Trinn": [2, 3, 7], "Kostnad (kr)": [third, third, third]})
    written = for_reading(frame, parts=("Kostnad (kr)",))
    assert written["Kostnad (kr)"].tolist() == [34, 33, 33]
    plain = for_reading(frame, formats={"Kostnad (kr)": "kr"})  # one by one: a krone lost
    assert plain["Kostnad (kr)"].sum() == 99


def test_parts_keep_their_order_signs_and_empty_cells():
    from workbench.outputs import largest_remainder

    values = pd.Series([10.6, -3.2, None, 2.7, 0.4])  # sum 10.5 → 11 (half up)
    shares = largest_remainder(values)
    assert shares.isna().tolist() == [False, False, True, False, False]
    assert shares.dropna().tolist() == [11, -3, 3, 0]
    assert shares.sum() == 11
