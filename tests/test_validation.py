"""``workbench validate``: every error in one pass, each naming its file and place."""

from __future__ import annotations

import pytest
from conftest import make_project

from workbench.validation import validate_project


def test_a_good_project_has_no_errors(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    errors, checked, _ = validate_project(project)
    assert errors == []
    assert checked > len(list(project.data_dir.rglob("*.csv")))


def test_broken_files_are_all_reported_with_file_and_place(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    prices = project.data_dir / "prices/national-23-11.csv"
    prices.write_text(
        prices.read_text(encoding="utf-8").replace(",219,", ",to hundre,"), encoding="utf-8"
    )
    faerder = project.parameters_dir / "3911-faerder.yaml"
    faerder.write_text(
        faerder.read_text(encoding="utf-8").replace("base_year: 2024", "base_yeer: 2024"),
        encoding="utf-8",
    )
    (project.data_dir / "packages/uten-kilde.yaml").write_text("title: x\n", encoding="utf-8")
    messages = [str(e) for e in validate_project(project)[0]]
    text = "\n".join(messages)
    assert "national-23-11.csv: rad 5, kolonne «unit_price»: «to hundre» er ikke et tall" in text
    assert "3911-faerder.yaml: nøkkel «base_yeer»: ukjent nøkkel" in text
    assert "uten-kilde.yaml" in text
    assert len(messages) == len(set(messages))  # each problem once


def test_a_broken_data_file_is_one_error_naming_it(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    prices = project.data_dir / "prices/national-23-11.csv"
    prices.write_text(
        prices.read_text(encoding="utf-8").replace(",219,", ",-219,"), encoding="utf-8"
    )
    errors, _, _ = validate_project(project)
    assert [e.path for e in errors] == [prices]
    assert str(errors[0]).endswith("kolonne «unit_price»: kan ikke være negativ")


def test_a_broken_parameter_file_is_one_error_naming_it(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    faerder = project.parameters_dir / "3911-faerder.yaml"
    faerder.write_text(
        faerder.read_text(encoding="utf-8").replace("target_year: 2040", "target_year: 2020"),
        encoding="utf-8",
    )
    errors, _, _ = validate_project(project)
    assert [e.path for e in errors] == [faerder]
    assert "målåret (2020) må være etter basisåret (2024)" in str(errors[0])


def test_a_missing_data_file_names_the_parameter_file_and_key(tmp_path):
    project = make_project(tmp_path / "p")
    (project.data_dir / "municipalities/9999-demokommune/prices.csv").unlink()
    errors, _, _ = validate_project(project)
    text = "\n".join(str(e) for e in errors)
    assert "9999-demokommune" in text
    assert "filen data/municipalities/9999-demokommune/prices.csv finnes ikke" in text


def test_every_bad_file_of_one_analysis_is_named_in_one_pass(tmp_path):
    project = make_project(tmp_path / "p")
    folder = project.data_dir / "municipalities/9999-demokommune"
    residents = folder / "bolig/beboere.csv"
    residents.write_text(
        residents.read_text(encoding="utf-8").replace("67-79;3;45", "67-79;3;-45"),
        encoding="utf-8",
    )
    costs = folder / "bolig/trinnkostnader.csv"
    costs.write_text(
        costs.read_text(encoding="utf-8").replace("2;0,04;45 000", "2;0,04;mye"),
        encoding="utf-8",
    )
    rules = folder / "okonomi/regler.csv"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(";11;0,65;", ";11;0,55;"), encoding="utf-8"
    )
    inhabitants = folder / "okonomi/innbyggere.csv"
    inhabitants.write_text("year;inhabitants\n", encoding="utf-8")
    errors, _, _ = validate_project(project)
    assert sorted(e.path.name for e in errors) == [
        "beboere.csv",
        "innbyggere.csv",
        "regler.csv",
        "trinnkostnader.csv",
    ]
    text = "\n".join(str(e) for e in errors)
    assert "beboere.csv: rad 4, kolonne «residents»: kan ikke være negativ" in text
    assert "trinnkostnader.csv: rad 3, kolonne «cost_per_resident»: «mye» er ikke et tall" in text


@pytest.mark.slow
def test_a_ledger_exported_twice_is_said_not_silent(tmp_path, capsys):
    """Every line of Demokommune's ledger twice: validate passes (two identical postings can
    be real) but says how many lines and how much, and the report's data section says it."""
    import re

    from workbench.cli import main

    project = make_project(tmp_path / "p", ("9999-demokommune.yaml",))
    ledger = project.data_dir / "municipalities/9999-demokommune/okonomi/regnskap.csv"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    ledger.write_text("\n".join(lines + lines[1:]) + "\n", encoding="utf-8")
    assert main(["--project", str(project.root), "validate"]) == 0
    said = capsys.readouterr().err
    doubled = len(lines) - 1
    assert (
        f"Merk: data/municipalities/9999-demokommune/okonomi/regnskap.csv: {doubled} linjer er lik en linje over i alle kolonner"
        in said
    )
    assert "er filen eksportert to ganger?" in said
    code = main(
        ["--project", str(project.root), "run", "-m", "9999", "-a", "allocation", "--no-progress"]
    )
    assert code == 0
    page = (project.reports_dir / "9999-demokommune/allocation/allocation.html").read_text("utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Merknader til datagrunnlaget" in text and "er filen eksportert to ganger?" in text


def test_a_year_far_from_the_others_and_a_jumping_total_are_said(tmp_path, capsys):
    from workbench.analyses.allocation.engine import ledger_notes
    from workbench.analyses.allocation.load import read_ledger

    rows = ["year;ansvar;ansvar_name;funksjon;art;amount"]
    rows += [f"2024;31300;Hjem;258;010;{n} 000" for n in range(1, 41)]
    rows += ["2019;31300;Hjem;258;010;5 000"]
    rows += [f"2023;31300;Hjem;258;010;{n}0 000" for n in range(1, 41)]
    path = tmp_path / "regnskap.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    notes = " ".join(ledger_notes(read_ledger(path)))
    assert "1 linje har år 2019, mens de fleste har 2023 (rad 42)" in notes or (
        "1 linje har år 2019, mens de fleste har 2024 (rad 42)" in notes
    )
    # 2023: 10 × 820 000 = 8,2 mill. kr; 2024: 820 000 kr, a tenth
    assert "summen for 2024" in notes and "0,1 ganger summen for 2023" in notes


def test_a_bad_price_growth_file_is_found_before_a_report_needs_it(tmp_path):
    project = make_project(tmp_path / "p")
    (project.data_dir / "reference/kommunal-deflator.csv").write_text(
        "year;growth\n2024;4,3\n", encoding="utf-8"
    )
    errors, _, _ = validate_project(project)
    assert [str(e) for e in errors] == [
        f"{project.data_dir / 'reference/kommunal-deflator.csv'}: rad 2, kolonne «growth»: "
        "prisveksten må ligge mellom −50 % og +50 % (4,3 % skrives 0,043)"
    ]
