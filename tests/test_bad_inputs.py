"""The bad-input corpus (``tests/assets/bad/``): every case reported in one ``validate`` run.

One project is built from all cases at once (see ``cases.yaml`` there for how each file is
placed). ``workbench validate`` must name every bad file with its place and reason, accept the
files that are only unusual, report nothing else, and write nothing to ``reports/``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ASSETS, REPO, make_project

from workbench.cli import EXIT_INPUT, main

BAD = ASSETS / "bad"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
PARAMETER_FILE = re.compile(r"^\d{4}-.*\.yaml$")
FIRST_NUMBER = 9910


def _is_parameter_file(case: dict) -> bool:
    return "key" not in case and PARAMETER_FILE.match(case["file"]) is not None


def _point(settings: dict, key: str, value: str) -> dict:
    """Demokommune's settings with only the analysis ``key`` belongs to, pointed at ``value``."""
    parts = key.split(".")
    analysis = parts[1] if parts[0] == "analyses" else "calculator"
    settings = {**settings, "analyses": {analysis: dict(settings["analyses"][analysis])}}
    target = settings
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = [value] if isinstance(target[parts[-1]], list) else value
    return settings


def _build(root: Path) -> tuple[Path, dict[str, str]]:
    """A project holding every case, and per case the parameter file it sits under."""
    project = make_project(root)
    demo = yaml.safe_load((REPO / "parameters/9999-demokommune.yaml").read_text(encoding="utf-8"))
    folder = project.data_dir / "kontroll"
    folder.mkdir()
    manifest: dict[str, dict] = {}
    placed: dict[str, str] = {}
    for number, case in enumerate(CASES, start=FIRST_NUMBER):
        if _is_parameter_file(case):
            shutil.copy(BAD / case["file"], project.parameters_dir / case["file"])
            placed[case["case"]] = case["file"]
            continue
        if "symlink" in case:
            outside = project.root / case["symlink"]
            outside.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / "data/municipalities/9999-demokommune/bolig/befolkning.csv", outside)
            (folder / case["file"]).symlink_to(outside)
        elif "file" in case:
            shutil.copy(BAD / case["file"], folder / case["file"])
        if "file" in case:
            manifest[case["file"]] = {
                "title": f"Kontrollfil: {case['case']}",
                "source": "Laget for testene.",
                "status": "illustrative",
            }
        settings = _point(demo, case["key"], case.get("value") or f"kontroll/{case['file']}")
        settings.update(number=str(number), name=f"Kontroll: {case['case']}")
        name = f"{number}-kontroll.yaml"
        (project.parameters_dir / name).write_text(
            yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        placed[case["case"]] = name
    (folder / "sources.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    return project.root, placed


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> tuple[Path, int, list[str], dict[str, str]]:
    """The corpus validated once: the project, the exit code, the lines printed to stderr
    and, per case, the parameter file it sits under."""
    root, placed = _build(tmp_path_factory.mktemp("bad") / "project")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--project", str(root), "validate"])
    return root, code, stderr.getvalue().splitlines(), placed


def test_validate_fails_and_writes_no_report(outcome):
    root, code, lines, _ = outcome
    assert code == EXIT_INPUT
    assert not (root / "reports").exists() or not any((root / "reports").iterdir())
    bad = sum(1 for case in CASES if case["expect"])
    assert lines[-1].startswith(f"{bad} fil(er) med feil av ")


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_each_case_is_reported_as_expected(outcome, case):
    _, _, lines, placed = outcome
    text = "\n".join(lines)
    for expected in case["expect"]:
        assert expected in text, f"{case['case']}: fant ikke «{expected}» i\n{text}"
    names = [case.get("file"), placed[case["case"]]]
    about = [line for line in lines if any(n and n in line for n in names)]
    if not case["expect"]:
        assert about == [], f"{case['case']} skulle godtas, men: {about}"
    else:
        assert about, case["case"]
        for line in about:
            assert re.search(r"(rad \d|linje \d|nøkkel «|kolonne «|filen )", line), line


def test_nothing_is_reported_that_no_case_expects(outcome):
    _, _, lines, placed = outcome
    names = {c.get("file") for c in CASES} | set(placed.values())
    stray = [line for line in lines[:-1] if not any(n and n in line for n in names)]
    assert stray == []


def test_norwegian_amounts_are_read_to_the_ore():
    from workbench.analyses.allocation.load import read_ledger

    ledger = read_ledger(BAD / "regnskap-belop-skrevet-pa-norsk.csv")
    # 1 234,50 and 1.234,50 are both one thousand two hundred and thirty-four kroner fifty.
    assert ledger["amount_ore"].tolist() == [123_450, 123_450, -200_000]


def test_excels_thousands_and_function_format_are_read_as_meant():
    from workbench.analyses.allocation.load import read_ledger

    ledger = read_ledger(BAD / "regnskap-tusenskille-og-funksjon-fra-excel.csv")
    # «1.234» is 1 234 kr beside «1.234.567,00», not 1,234 kr; «253,0» is function 253
    assert ledger["amount_ore"].tolist() == [123_400, 123_456_700, -200_000]
    assert ledger["funksjon"].tolist() == ["258", "222", "253"]


def test_a_windows_1252_price_list_reads_like_its_utf8_original():
    from workbench.catalogue import read_catalogue

    original = read_catalogue(
        REPO / "data/municipalities/9999-demokommune/prices.csv", "prices.csv"
    )
    windows = read_catalogue(BAD / "prisliste-windows-1252.csv", "prices.csv")
    assert (BAD / "prisliste-windows-1252.csv").read_bytes().count("–".encode("cp1252")) > 0
    assert windows["category"].tolist() == original["category"].tolist()
    assert "Praktisk bistand – daglige gjøremål" in windows["category"].tolist()
    assert windows.loc["korttidsopphold", "unit_price"] == 4500
    assert windows.loc["praktisk-bistand-dag", "staff_hours_per_unit"] == 1.0


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, int, str, dict[str, str]]:
    """The corpus run as a consultant would after `validate`: `workbench run` over every
    municipality, reports only (the exit code, what it printed, and per case its parameter
    file)."""
    root, placed = _build(tmp_path_factory.mktemp("bad-run") / "project")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(
            ["--project", str(root), "run", "--no-deliverables", "--no-progress", "--workers", "2"]
        )
    return root, code, out.getvalue() + err.getvalue(), placed


@pytest.mark.slow
def test_run_agrees_with_validate_on_every_case(ran):
    """What `validate` refuses, `run` refuses with the same words and exit code 2, without a
    bug and without a report; what `validate` accepts, `run` makes a report of."""
    root, code, printed, placed = ran
    # code 2: every job that failed, failed on its files (a bug would give code 1)
    assert code == EXIT_INPUT, printed
    assert "Traceback" not in printed
    # each failure as run prints it: «FEILET <job>: <message>», the message on one or more lines
    failed = ["FEILET" + block for block in printed.split("FEILET")[1:]]
    reports = root / "reports"
    for case in CASES:
        number = placed[case["case"]][:4]
        made = [p for p in reports.glob(f"{number}-*/*/*.html")] if number.isdigit() else []
        lines = [line for line in failed if placed[case["case"]][:4] in line.split(":")[0]]
        if case["expect"]:
            assert not made, case["case"]
            assert lines, f"{case['case']}: run did not say it failed\n{printed}"
            said = " ".join(lines)
            for expected in case["expect"]:
                reason = expected.split(": ", 1)[1]  # file name aside: the notebook names the path
                assert reason.split(" (")[0] in said, f"{case['case']}: {reason}\n{said}"
        else:
            assert made and not lines, f"{case['case']}: {lines}"
