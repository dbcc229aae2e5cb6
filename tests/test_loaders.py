from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from workbench.errors import InputError
from workbench.loaders import Column, parse_number, read_table, read_yaml

SCHEMA = {"service": Column(), "price": Column("float"), "count": Column("int", nullable=True)}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_separated_with_decimal_point(tmp_path):
    table = read_table(write(tmp_path / "a.csv", "service,price,count\nBPA,395.5,2\n"), SCHEMA)
    assert table.loc[0, "price"] == 395.5
    assert table.loc[0, "count"] == 2
    assert table.loc[0, "source_row"] == 2


def test_semicolon_windows_1252_with_decimal_comma_and_spaces(tmp_path):
    text = "Service;Price;Count\nPraktisk bistand – dag;1 080,50;\nØvrig;12,5;3\n"
    table = read_table(write(tmp_path / "b.csv", text, "cp1252"), SCHEMA)
    assert list(table["service"]) == ["Praktisk bistand – dag", "Øvrig"]
    assert list(table["price"]) == [1080.5, 12.5]
    assert table["count"].isna().iloc[0]


def test_utf8_with_bom_and_blank_lines_keep_row_numbers(tmp_path):
    text = "\ufeffservice;price;count\n\nA;1;1\nB;x;1\n"
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path / "c.csv", text), SCHEMA)
    assert "c.csv: rad 4, kolonne «price»: «x» er ikke et tall" in str(caught.value)


def test_every_bad_cell_is_reported(tmp_path):
    text = "service;price;count\n;1;1\nB;2;1,5\n"
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path / "d.csv", text), SCHEMA)
    message = str(caught.value)
    assert "rad 2, kolonne «service»: mangler verdi" in message
    assert "rad 3, kolonne «count»: «1,5» er ikke et heltall" in message


def test_missing_column_lists_the_columns_present(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path / "e.csv", "service;pris\nA;1\n"), SCHEMA)
    assert "kolonnen «price» mangler (kolonner i filen: service, pris)" in str(caught.value)


def test_row_with_wrong_number_of_fields(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path / "f.csv", "service;price;count\nA;1;2;3\n"), SCHEMA)
    assert "rad 2: raden har 4 felt, men overskriften har 3" in str(caught.value)


def test_xlsx_with_numbers_and_text(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["service", "price", "count"])
    sheet.append(["A", 219, None])
    sheet.append([None, None, None])
    sheet.append(["B", "1 234,5", 4])
    path = tmp_path / "g.xlsx"
    book.save(path)
    table = read_table(path, SCHEMA)
    assert list(table["price"]) == [219.0, 1234.5]
    assert list(table["source_row"]) == [2, 4]


def test_xlsx_errors_name_the_row(tmp_path):
    book = Workbook()
    book.active.append(["service", "price"])
    book.active.append(["A", "mye"])
    path = tmp_path / "h.xlsx"
    book.save(path)
    with pytest.raises(InputError, match=r"h.xlsx: rad 2, kolonne «price»: «mye» er ikke et tall"):
        read_table(path, {"service": Column(), "price": Column("float")})


def test_unknown_file_type_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="ukjent filtype"):
        read_table(write(tmp_path / "x.json", "{}"), SCHEMA)
    with pytest.raises(InputError, match="filen finnes ikke"):
        read_table(tmp_path / "nope.csv", SCHEMA)


@pytest.mark.parametrize(
    ("text", "comma", "value"),
    [
        ("1 234,5", True, 1234.5),
        ("1.234,5", True, 1234.5),
        ("1.234", True, 1234.0),  # Norwegian Excel: a point groups thousands
        ("3.000", True, 3000.0),
        ("1.234.567,00", True, 1234567.0),
        ("0.25", True, 0.25),  # a first group of 0 cannot group thousands
        ("2.5", False, 2.5),
        ("1.234", False, 1.234),  # a file with decimal points
        ("−3", True, -3.0),
        ("1e3", True, 1000.0),
        (7, True, 7.0),
    ],
)
def test_parse_number(text, comma, value):
    assert parse_number(text, decimal_comma=comma) == value


@pytest.mark.parametrize(
    ("text", "comma", "reason"),
    [
        ("1.23", True, "tvetydig"),
        ("12.5", True, "tvetydig"),
        ("1,234.5", True, "tvetydig"),
        ("1,5", False, "tvetydig"),
        ("1.2.3", True, "tvetydig"),
        ("abc", True, "er ikke et tall"),
        ("nan", True, "er ikke et tall"),
        ("", True, "er ikke et tall"),
        (float("inf"), True, "er ikke et endelig tall"),
        (True, True, "er ikke et tall"),
    ],
)
def test_parse_number_refuses_what_is_not_one_clear_number(text, comma, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(text, decimal_comma=comma)


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path / "p.yaml", "name: Demo\nanalyses:\n  calculator: [\n")
    with pytest.raises(InputError, match=r"p.yaml: ugyldig YAML \(linje \d+"):
        read_yaml(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: [1, 2\nb: 3\n",
            "linje 2, tegn 2: en liste i [ ] som begynner på linje 1 er ikke lukket",
        ),
        ("a:\n  b: 1\n c: 2\n", "linje 3, tegn 2: innrykket stemmer ikke med nøklene over"),
        ("a:\n\tb: 1\n", "linje 2, tegn 1: et tegn som ikke kan stå her, ofte en tabulator"),
        ("a: 'x\n", "filen slutter før anførselstegnet fra linje 1 er lukket"),
        ("a: b: c\n", "kolon der det ikke er lov; sett verdien i anførselstegn"),
    ],
)
def test_yaml_mistakes_are_explained_in_norwegian(tmp_path, text, message):
    with pytest.raises(InputError, match="ugyldig YAML") as caught:
        read_yaml(write(tmp_path / "p.yaml", text))
    assert message in str(caught.value)


def test_a_yaml_key_written_twice_is_refused_not_overwritten(tmp_path):
    path = write(tmp_path / "p.yaml", "persons: 250\nname: Demo\npersons: 520\n")
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    assert "nøkkelen «persons» står to ganger (linje 1 og 3)" in str(caught.value)
    nested = write(tmp_path / "n.yaml", "lines:\n  - {service: gps, service: tt}\n")
    with pytest.raises(InputError, match="«service» står to ganger \\(linje 2\\)"):
        read_yaml(nested)
    merged = write(tmp_path / "m.yaml", "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n")
    assert read_yaml(merged) == {"a": {"b": 1}, "c": {"b": 1, "d": 2}}


def test_a_header_only_table_is_refused_unless_allowed(tmp_path):
    path = write(tmp_path / "h.csv", "year;value\n")
    schema = {"year": Column("int"), "value": Column("float")}
    with pytest.raises(InputError, match="h.csv: filen har bare overskriftsraden, ingen data"):
        read_table(path, schema)
    assert read_table(path, schema, allow_empty=True).empty


def test_yaml_must_be_a_mapping(tmp_path):
    with pytest.raises(InputError, match="øverste nivå"):
        read_yaml(write(tmp_path / "l.yaml", "- a\n- b\n"))
    with pytest.raises(InputError, match="filen er tom"):
        read_yaml(write(tmp_path / "t.yaml", ""))


MIXED = ["1 234,5", "1.234,5", "1234.5", "−5", "12", " 7 ", "", "x", "nan", "inf", "1e3"]
MIXED += ["0,5", "1/2", "2,0", "1_000", "\u00a0300\u00a0000", "1.234", "1.23", "0.25", "1,234.5"]


@pytest.mark.parametrize("decimal_comma", [True, False])
@pytest.mark.parametrize("kind", ["float", "int"])
def test_a_column_read_at_once_says_what_each_cell_read_alone_says(kind, decimal_comma):
    from workbench import loaders

    numbers = list(range(2, len(MIXED) + 2))
    rows = loaders._TextColumns([MIXED], numbers, decimal_comma=decimal_comma)
    for nullable in (False, True):
        column = loaders.Column(kind, nullable=nullable)
        at_once, alone = [], []
        values = loaders._text_column(rows, 0, "x", column, at_once)
        expected = []
        for row, cell in zip(numbers, MIXED, strict=True):
            try:
                expected.append(loaders._convert_cell(loaders._Cell(cell, decimal_comma), column))
            except ValueError as exc:
                alone.append(loaders.Problem(str(exc), row=row, column="x"))
                expected.append(None)
        assert list(values) == expected
        assert [str(p) for p in at_once] == [str(p) for p in alone]


def large_csv(tmp_path: Path, bad: bool, newline: str) -> Path:
    """3 000 ledger-like rows with blank lines, a row of empty fields, spaces and a minus."""
    lines = ["year;ansvar;amount;note"]
    for n in range(3000):
        lines.append(f"2024;{n % 97:05d};{n * 1.25 - 900:.2f}".replace(".", ",") + f"; m{n} ")
        if n % 700 == 0:
            lines += ["", ";;;", "  # en kommentar", "\u00a0;\u00a0;;"]
        if n % 900 == 0:  # padded with spaces, or starting and ending with non-ASCII letters
            lines += [f" 2024 ;00001;1,5;m{n}", f"2024;00002;2,5;Ørland {n}", "2024;00003;3;å"]
    lines.append("2024;00001;\u22121 234,50;minus")
    if bad:
        lines[1500] = "2024;00001;tolv;x"
        lines[2500] = "2O24;00001;1,0;x"
    path = tmp_path / "stor.csv"
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bad", [False, True])
def test_a_large_file_reads_every_row_and_names_every_bad_cell(tmp_path, bad, newline):
    schema = {"year": Column("int"), "ansvar": Column(), "amount": Column("float")}
    path = large_csv(tmp_path, bad, newline)
    if bad:
        with pytest.raises(InputError) as caught:
            read_table(path, schema)
        message = str(caught.value)
        assert "rad 1501, kolonne «amount»: «tolv» er ikke et tall" in message  # line 1501
        assert "kolonne «year»: «2O24» er ikke et tall" in message
        return
    table = read_table(path, schema)
    assert table["amount"].iloc[-1] == -1234.5 and table["ansvar"].iloc[0] == "00000"
    assert table["note"].iloc[0] == "m0" and len(table) == 3001 + 4 * 3
    assert table["year"].dtype == "int64" and "Ørland 900" in set(table["note"])


def test_a_large_file_with_a_row_a_field_short_names_the_row(tmp_path):
    path = large_csv(tmp_path, False, "\n")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2600] = "2024;00001;1,0"
    path.write_text("\n".join(lines), encoding="utf-8")
    schema = {"year": Column("int"), "ansvar": Column(), "amount": Column("float")}
    with pytest.raises(InputError, match="rad 2601: raden har 3 felt, men overskriften har 4"):
        read_table(path, schema)


def test_the_memo_keeps_what_is_used_again_and_drops_what_was_used_longest_ago(monkeypatch):
    """A batch over all municipalities reads each one's own files once and the shared ones
    (price catalogue, default rules) again and again: the shared ones must stay read."""
    from workbench import loaders

    monkeypatch.setattr(loaders, "_MEMO", {})
    monkeypatch.setattr(loaders, "MEMO_LIMIT", 3)
    made = []

    def make(name):
        made.append(name)
        return pd.DataFrame({"name": [name]})

    loaders.memo(("shared",), lambda: make("shared"))
    for municipality in ("a", "b", "c", "d"):
        loaders.memo((municipality,), lambda m=municipality: make(m))
        shared = loaders.memo(("shared",), lambda: make("shared"))
    assert made == ["shared", "a", "b", "c", "d"]  # the shared file read once
    assert list(shared["name"]) == ["shared"]
    loaders.memo(("a",), lambda: make("a"))  # used longest ago: dropped, read again
    assert made[-1] == "a" and len(made) == 6
    shared.loc[0, "name"] = "changed"  # callers get copies
    assert list(loaders.memo(("shared",), lambda: make("shared"))["name"]) == ["shared"]


def test_excels_unicode_text_is_read_as_utf16(tmp_path):
    """Excel's «Unicode text» export: UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "u.csv"
    path.write_bytes("service\tprice\tcount\nBPA\t1 234,5\t2\n".encode("utf-16"))
    table = read_table(path, SCHEMA)
    assert table.loc[0, "service"] == "BPA" and table.loc[0, "price"] == 1234.5


def test_an_unclosed_quote_is_named_as_such(tmp_path):
    path = write(tmp_path / "q.csv", 'service;price;count\nBPA;1;2\n"Dag;2;3\nTT;3;4\n')
    with pytest.raises(InputError, match=r"rad 3: et anførselstegn .* er ikke lukket"):
        read_table(path, SCHEMA)
