from pathlib import Path

import pytest

from workbench.config import Defaults, Municipality, parameter_file
from workbench.errors import InputError

VALID = """number: "9001"
name: Testby
base_year: 2024
target_year: 2040
analyses:
  calculator:
    packages: [packages/eksempelpakker-faerder.yaml]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_parameters_load(repo):
    defaults = Defaults.from_file(repo.parameters_dir / "defaults.yaml")
    assert defaults.assumptions.hours_per_fte.kind == "derived"
    faerder = Municipality.from_file(repo.parameters_dir / "3911-faerder.yaml")
    assert (faerder.key, faerder.former_numbers, faerder.fictional) == (
        "3911-faerder",
        ["3811"],
        False,
    )
    assert Municipality.from_file(repo.parameters_dir / "9999-demokommune.yaml").fictional


def test_every_assumption_names_a_source(defaults):
    for name, assumption in defaults.assumptions:
        assert len(assumption.source) > 20, name


def test_stray_key_fails_with_file_and_key(tmp_path):
    path = write(tmp_path, "9001-testby.yaml", VALID + "colour: red\n")
    with pytest.raises(InputError) as caught:
        Municipality.from_file(path)
    assert str(caught.value).endswith("9001-testby.yaml: nøkkel «colour»: ukjent nøkkel")


def test_nested_stray_key(tmp_path):
    path = write(
        tmp_path,
        "9001-testby.yaml",
        VALID.replace("    packages:", "    pakker: []\n    packages:"),
    )
    with pytest.raises(InputError, match="nøkkel «analyses.calculator.pakker»: ukjent nøkkel"):
        Municipality.from_file(path)


def test_stray_key_in_defaults(repo, tmp_path):
    text = (repo.parameters_dir / "defaults.yaml").read_text(encoding="utf-8") + "weeks: 52\n"
    with pytest.raises(InputError, match="nøkkel «weeks»: ukjent nøkkel"):
        Defaults.from_file(write(tmp_path, "defaults.yaml", text))


def test_number_written_without_quotes_is_explained(tmp_path):
    # YAML 1.1 reads 0301 as the octal number 193, and 3911 as a number.
    path = write(tmp_path, "0301-oslo.yaml", VALID.replace('"9001"', "0301"))
    with pytest.raises(InputError) as caught:
        Municipality.from_file(path)
    assert str(caught.value).endswith(
        'nøkkel «number»: skriv kommunenummeret i anførselstegn, number: "0301" '
        "(uten anførselstegn leser YAML 0301 som tallet 193)"
    )
    path = write(tmp_path, "9001-testby.yaml", VALID.replace('"9001"', "9001"))
    with pytest.raises(
        InputError, match='«number»: skriv kommunenummeret i anførselstegn, number: "9001"$'
    ):
        Municipality.from_file(path)
    path = write(
        tmp_path,
        "9001-testby.yaml",
        VALID.replace('number: "9001"', 'number: "9001"\nformer_numbers: [0722]'),
    )
    with pytest.raises(InputError, match='«former_numbers»: .*former_numbers: "0722"'):
        Municipality.from_file(path)


def test_number_must_match_file_name(tmp_path):
    path = write(tmp_path, "9002-testby.yaml", VALID)
    with pytest.raises(
        InputError, match="kommunenummeret 9001 stemmer ikke med filnavnet \\(9002\\)"
    ):
        Municipality.from_file(path)


def test_file_name_pattern(tmp_path):
    with pytest.raises(InputError, match="filnavnet må være <kommunenummer>-<navn>.yaml"):
        Municipality.from_file(write(tmp_path, "Testby.yaml", VALID))


def test_target_year_after_base_year(tmp_path):
    path = write(tmp_path, "9001-testby.yaml", VALID.replace("2040", "2020"))
    with pytest.raises(InputError, match=r"målåret \(2020\) må være etter basisåret \(2024\)"):
        Municipality.from_file(path)


def test_unknown_step_override(tmp_path):
    path = write(tmp_path, "9001-testby.yaml", VALID + "step_names:\n  13: {name: Trinn tretten}\n")
    with pytest.raises(InputError, match=r"nøkkel «step_names»: trinn \[13\] finnes ikke"):
        Municipality.from_file(path)


def test_missing_key_and_wrong_type(tmp_path):
    text = VALID.replace("name: Testby\n", "").replace("base_year: 2024", "base_year: tjuetjuefire")
    with pytest.raises(InputError) as caught:
        Municipality.from_file(write(tmp_path, "9001-testby.yaml", text))
    message = str(caught.value)
    assert "nøkkel «name»: mangler" in message
    assert "nøkkel «base_year»: må være et heltall (fikk «tjuetjuefire»)" in message


def test_assumption_must_be_positive(repo, tmp_path):
    text = (
        (repo.parameters_dir / "defaults.yaml")
        .read_text(encoding="utf-8")
        .replace("value: 1600", "value: 0")
    )
    with pytest.raises(InputError, match="hours_per_fte: verdien må være større enn 0"):
        Defaults.from_file(write(tmp_path, "defaults.yaml", text))


def parameters_folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "defaults.yaml").write_text("{}\n", encoding="utf-8")
    for name in names:
        (folder / name).write_text(VALID, encoding="utf-8")
    return folder


def test_parameter_file_is_found_by_its_number(tmp_path):
    folder = parameters_folder(tmp_path, "9001-testby.yaml", "0301-oslo.yaml")
    assert parameter_file(folder, "0301") == folder / "0301-oslo.yaml"
    assert parameter_file(folder, " 9001 ") == folder / "9001-testby.yaml"


@pytest.mark.parametrize("number", ["301", "03011", "Oslo", 301, ""])
def test_parameter_file_wants_four_digits_as_text(tmp_path, number):
    folder = parameters_folder(tmp_path, "0301-oslo.yaml")
    with pytest.raises(InputError, match=f"kommunenummeret «{number}» må ha fire sifre som tekst"):
        parameter_file(folder, number)


def test_no_parameter_file_names_the_ones_there_are(tmp_path):
    folder = parameters_folder(tmp_path, "9001-testby.yaml", "3911-faerder.yaml")
    with pytest.raises(InputError) as caught:
        parameter_file(folder, "0301")
    assert str(caught.value).endswith(
        "ingen parameterfil for kommune 0301 (finnes: 3911-faerder, 9001-testby)"
    )
    assert not isinstance(caught.value, KeyError)


def test_no_parameter_file_in_an_empty_folder(tmp_path):
    with pytest.raises(InputError, match=r"ingen parameterfil for kommune 0301 \(finnes: ingen\)"):
        parameter_file(parameters_folder(tmp_path), "0301")


def test_several_parameter_files_for_one_number_are_named(tmp_path):
    folder = parameters_folder(tmp_path, "0301-oslo.yaml", "0301-kristiania.yaml")
    with pytest.raises(
        InputError,
        match=r"flere parameterfiler for kommune 0301: 0301-kristiania.yaml, 0301-oslo.yaml",
    ):
        parameter_file(folder, "0301")


def test_a_file_not_named_number_dash_name_is_not_a_parameter_file(tmp_path):
    folder = parameters_folder(tmp_path, "0301-oslo.yaml")
    (folder / "0301 Oslo.yaml").write_text(VALID, encoding="utf-8")
    assert parameter_file(folder, "0301") == folder / "0301-oslo.yaml"


def test_error_paths_are_shown_relative_to_the_working_directory(tmp_path, monkeypatch):
    from workbench.errors import display_path

    inside = tmp_path / "parameters" / "0301-oslo.yaml"
    monkeypatch.chdir(tmp_path)
    assert display_path(inside) == str(Path("parameters") / "0301-oslo.yaml")
    outside = tmp_path.parent / "annet" / "fil.csv"
    assert display_path(outside) == str(outside)
    assert str(InputError(inside, "feil")) == f"{Path('parameters') / '0301-oslo.yaml'}: feil"


def test_a_value_outside_a_choice_lists_the_choices_in_norwegian(tmp_path):
    from workbench.analyses.allocation.settings import AllocationSettings
    from workbench.errors import InputError

    with pytest.raises(InputError) as caught:
        AllocationSettings.from_mapping(
            {"reference": "x.csv", "administration": "fordelt"}, tmp_path / "k.yaml"
        )
    assert "ugyldig verdi «fordelt» (tillatt: 'pro_rata', 'outside' eller 'as_ruled')" in str(
        caught.value
    )
