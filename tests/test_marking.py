"""The two kinds of illustrative marking, worded from the files that feed a table or figure."""

from __future__ import annotations

from pathlib import Path

from workbench.marking import is_mark, marking
from workbench.provenance import Provenance


def source(name: str, status: str, subject: str = "") -> Provenance:
    return Provenance(Path(name), name, f"Tittel for {name}", "kilde", status, subject=subject)


POPULATION = source("befolkning.csv", "real", "befolkningen")
RESIDENTS = source("beboere.csv", "illustrative", "beboere per boligtrinn")
COSTS = source("trinnkostnader.csv", "illustrative", "årsverk og kostnad per beboer")
RULES = source("standardregler.csv", "derived", "standardreglene")


def test_a_fictional_municipality_says_so_whatever_its_files_are():
    assert marking(True, "Demokommune", [POPULATION]) == (
        "ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune"
    )
    assert marking(True, "Demokommune", []) == marking(True, "Demokommune", [RESIDENTS])


def test_a_real_municipality_names_its_illustrative_inputs_and_what_the_rest_is():
    assert marking(False, "Færder", [POPULATION, RESIDENTS, COSTS, RULES]) == (
        "ILLUSTRATIVE INNDATA: beboere per boligtrinn og årsverk og kostnad per beboer er "
        "illustrative; befolkningen er reelle tall; standardreglene er avledet av kildene"
    )


def test_a_real_municipality_with_only_real_or_derived_data_has_no_mark():
    assert marking(False, "Færder", [POPULATION, RULES]) == ""
    assert marking(False, "Færder", []) == ""
    assert "fiktiv" not in marking(False, "Færder", [RESIDENTS])


def test_a_file_without_a_subject_is_named_by_its_title():
    untitled = Provenance(Path("x.csv"), "x.csv", "Personer per bolig", "kilde", "illustrative")
    assert marking(False, "Færder", [untitled]) == (
        "ILLUSTRATIVE INNDATA: personer per bolig er illustrative"
    )


CALIBRATED = source("beboere-kalibrert.csv", "calibrated", "beboere per boligtrinn")
DWELLINGS = source("personer-per-bolig.csv", "illustrative", "personer per bolig")


def test_calibrated_inputs_are_named_as_calibrated_never_as_illustrative():
    assert marking(False, "Færder", [POPULATION, CALIBRATED]) == (
        "KALIBRERTE INNDATA: beboere per boligtrinn er kalibrert mot kildens sammendrag; "
        "befolkningen er reelle tall"
    )
    assert marking(False, "Færder", [POPULATION, CALIBRATED, DWELLINGS]) == (
        "KALIBRERTE OG ILLUSTRATIVE INNDATA: beboere per boligtrinn er kalibrert mot kildens "
        "sammendrag; personer per bolig er illustrative; befolkningen er reelle tall"
    )
    assert is_mark(marking(False, "Færder", [CALIBRATED])) and not is_mark("Boligprofil")
