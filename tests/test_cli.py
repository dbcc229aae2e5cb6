import re
from pathlib import Path

import pytest
from conftest import make_project

from workbench.cli import main


def test_validate_the_repository(repo, capsys):
    assert main(["--project", str(repo.root), "validate"]) == 0
    assert "filer er i orden" in capsys.readouterr().out


def test_validate_reports_every_broken_file(tmp_path, capsys):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "9997-ugyldig.yaml"))
    (project.data_dir / "prices/national-23-11.csv").write_text(
        (project.data_dir / "prices/national-23-11.csv")
        .read_text(encoding="utf-8")
        .replace(",219,", ",to hundre,"),
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert "9997-ugyldig.yaml: ugyldig YAML" in err
    assert "national-23-11.csv: rad 5, kolonne «unit_price»: «to hundre» er ikke et tall" in err


def test_unknown_municipality_is_a_usage_error(project, capsys):
    assert main(["--project", str(project.root), "run", "-m", "0301"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Feil: ") and "ingen parameterfil for kommune 0301" in err
    assert "Traceback" not in err


def test_a_folder_that_is_not_a_project_is_a_usage_error(tmp_path, capsys):
    assert main(["--project", str(tmp_path), "list"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("Feil: ") and "er ikke en prosjektmappe: mangler parameters/, data/" in err
    )


def test_list(tmp_path, capsys):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    assert main(["--project", str(project.root), "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "3911 Færder: allocation, housing, personas, calculator",
        "9999 Demokommune (fiktiv): allocation, housing, personas, calculator",
    ]


@pytest.mark.slow
def test_python_dash_m(project):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(project.root), "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "9999 Demokommune (fiktiv): allocation, housing, personas, calculator\n"


def test_the_project_is_found_from_the_working_directory_not_the_environment(
    project, tmp_path, monkeypatch
):
    from workbench.project import Project

    elsewhere = make_project(tmp_path / "elsewhere")
    monkeypatch.setenv("WORKBENCH_PROJECT", str(elsewhere.root))  # no longer read
    monkeypatch.chdir(project.notebooks_dir)
    assert Project.locate() == project
    assert Project.locate(str(elsewhere.root)) == elsewhere


def test_windows_1252_prices_with_decimal_commas_are_read(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    prices = project.data_dir / "municipalities/9999-demokommune/prices.csv"
    text = prices.read_text(encoding="utf-8").replace(";560;", ";560,50;")
    prices.write_bytes(text.encode("cp1252"))  # as Norwegian Excel saves "CSV (semikolondelt)"
    assert main(["--project", str(project.root), "validate"]) == 0

    from workbench.analyses.calculator.load import load as load_calculator
    from workbench.session import open_session

    inputs = load_calculator(open_session("calculator", "9999", project_dir=str(project.root)))
    row = inputs.catalogue.loc["praktisk-bistand-dag"]
    assert (row["unit_price"], row["category"]) == (560.5, "Praktisk bistand – daglige gjøremål")


def test_validate_names_an_unknown_service(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    package = (
        project.data_dir / "municipalities/9999-demokommune/pakker/hjemme-eller-institusjon.yaml"
    )
    package.write_text(
        package.read_text(encoding="utf-8").replace("service: gps", "service: gsp"),
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert (
        "hjemme-eller-institusjon.yaml: nøkkel «alternatives[1].lines[2].service»: "
        "ukjent tjeneste «gsp» i «Dagaktivitet og velferdsteknologi» – mente du gps?"
    ) in err


def test_a_bug_is_one_line_and_exit_1_with_the_traceback_in_a_log(project, monkeypatch, capsys):
    """Only InputError is the user's to fix («Feil: …», exit 2); anything else is a bug."""
    from workbench import validation

    def broken(_project):
        return {}["intern nøkkel"]

    monkeypatch.setattr(validation, "validate_project", broken)
    assert main(["--project", str(project.root), "validate"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "Feil: " not in err
    assert err.startswith("Feil i workbench, ikke i filene dine (KeyError).")
    log = Path(err.split("Detaljene står i ", 1)[1].split("; send", 1)[0])
    assert log.parent == project.root / ".cache" / "feil"
    trace = log.read_text(encoding="utf-8")
    assert trace.startswith("Traceback (most recent call last):")
    assert "KeyError: 'intern nøkkel'" in trace


def test_a_runtime_error_in_the_batch_is_a_bug_too(project, monkeypatch, capsys):
    from workbench import batch

    def broken(*_args, **_kwargs):
        raise RuntimeError("uventet")

    monkeypatch.setattr(batch, "plan", broken)
    assert main(["--project", str(project.root), "run", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "(RuntimeError)" in err and "Traceback" not in err and "Feil: " not in err
    log = Path(err.split("Detaljene står i ", 1)[1].split("; send", 1)[0])
    assert "RuntimeError: uventet" in log.read_text(encoding="utf-8")


def test_an_unknown_app_is_a_norwegian_input_error(project):
    from workbench.errors import InputError
    from workbench.server import voila_command

    with pytest.raises(InputError, match="ukjent analyse «ukjent» \\(kjente: allocation"):
        voila_command(project, "ukjent")


def test_no_deliverables_runs_the_reports_without_workbook_deck_or_slide_figures(
    project, monkeypatch, capsys
):
    from workbench import batch

    ran = []
    monkeypatch.setattr(
        batch, "run_batch", lambda _project, jobs, **_options: ran.extend(jobs) or []
    )
    assert main(["--project", str(project.root), "run", "-m", "9999", "--no-deliverables"]) == 0
    assert [job.analysis for job in ran] == ["allocation", "housing", "personas", "calculator"]
    assert not any(job.slides for job in ran)
    ran.clear()
    assert main(["--project", str(project.root), "run", "-m", "9999", "--no-progress"]) == 0
    assert [job.analysis for job in ran][-1] == "deliverables" and all(job.slides for job in ran)
    ran.clear()
    argv = ["--project", str(project.root), "run", "--no-deliverables", "-a", "deliverables"]
    assert main(argv) == 2
    assert "--no-deliverables og -a deliverables kan ikke brukes sammen" in capsys.readouterr().err


ARGPARSE_ENGLISH = re.compile(
    r"usage:|options:|positional arguments|show this help|error:|invalid|expected|required"
    r"|unrecognized|[A-Z]{2,}_[A-Z]+|MUNICIPALITY|WORKERS|REPORTS|PROJECT"
)


@pytest.mark.parametrize("command", [[], ["run"], ["app"], ["new"], ["fetch"], ["synth"]])
def test_help_is_norwegian_argparses_own_words_too(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("bruk: workbench") and "vis denne hjelpen og avslutt" in text
    assert ARGPARSE_ENGLISH.findall(text) == []


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["run", "--workers", "to"], "run: feil: -w/--workers: 'to' er ikke et heltall"),
        (["run", "--bogus"], "feil: ukjente argumenter: --bogus"),
        (["fetch"], "fetch: feil: dette mangler: -m/--municipality"),
        (["run", "-a", "budsjett"], "run: feil: -a/--analysis: ugyldig valg 'budsjett'"),
        (["run", "--workers"], "run: feil: -w/--workers: mangler en verdi"),
    ],
)
def test_a_mistyped_command_is_told_in_norwegian_with_exit_2(arguments, said, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    text = capsys.readouterr().err
    assert text.startswith("bruk: workbench") and said in text
    assert ARGPARSE_ENGLISH.findall(text) == []


def test_a_negative_number_of_warm_kernels_is_refused(project, capsys):
    assert main(["--project", str(project.root), "app", "--warm", "-1"]) == 2
    assert "--warm må være 0 eller mer" in capsys.readouterr().err
