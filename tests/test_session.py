import pytest
from conftest import make_project

from workbench.analyses.calculator.load import load as load_calculator
from workbench.errors import InputError
from workbench.session import open_session


def test_open_session_for_the_demo(project):
    session = open_session("calculator", "9999", project_dir=str(project.root))
    assert session.municipality.title == "9999 Demokommune"
    assert session.output_dir is None
    assert session.illustrative  # fictional municipality


def test_faerder_with_seed_data_is_not_illustrative(tmp_path):
    project = make_project(tmp_path / "p", ("3911-faerder.yaml",))
    session = open_session("calculator", "3911", project_dir=str(project.root))
    load_calculator(session)
    assert not session.illustrative
    assert [p.status for p in session.sources] == ["real", "derived", "real"]
    assert "ILLUSTRATIVE" not in session.banner().data


def test_illustrative_data_marks_the_banner(project):
    session = open_session("calculator", "9999", project_dir=str(project.root))
    load_calculator(session)
    assert "ILLUSTRATIVE TALL" in session.banner().data
    statuses = {p.relative: p.status for p in session.sources}
    assert statuses["municipalities/9999-demokommune/prices.csv"] == "illustrative"


@pytest.mark.parametrize("number", ["301", "03011", "Oslo", 301])
def test_malformed_municipality_numbers(project, number):
    with pytest.raises(InputError, match="må ha fire sifre som tekst"):
        open_session("calculator", number, project_dir=str(project.root))


def test_unknown_municipality_lists_the_known_ones(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    with pytest.raises(
        InputError,
        match=r"ingen parameterfil for kommune 0301 \(finnes: 3911-faerder, 9999-demokommune\)",
    ):
        open_session("calculator", "0301", project_dir=str(project.root))


def test_analysis_not_configured(project):
    path = project.parameters_dir / "9999-demokommune.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("analyses:")] + "analyses: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="kommunen har ikke satt opp analysen «Ressurskalkulator»"):
        open_session("calculator", "9999", project_dir=str(project.root))


@pytest.mark.parametrize(
    "name", ["../parameters/defaults.yaml", "/etc/passwd", "packages/../../x.yaml"]
)
def test_file_names_cannot_leave_the_data_folder(project, name):
    session = open_session("calculator", "9999", project_dir=str(project.root))
    with pytest.raises(InputError, match="må være et filnavn relativt til data/-mappen"):
        load_calculator(session, package_file=name)


def test_missing_package_file_names_the_key(project):
    session = open_session("calculator", "9999", project_dir=str(project.root))
    with pytest.raises(
        InputError, match=r"nøkkel «package_file»: filen data/packages/finnes-ikke.yaml finnes ikke"
    ):
        load_calculator(session, package_file="packages/finnes-ikke.yaml")


def test_outputs_written_only_with_an_output_folder(project, tmp_path):
    import pandas as pd

    quiet = open_session("calculator", "9999", project_dir=str(project.root))
    assert quiet.save_table(pd.DataFrame({"a": [1]}), "t", "T", None, {"a": "number"}) is None
    loud = open_session(
        "calculator", "9999", project_dir=str(project.root), output_dir=str(tmp_path / "out")
    )
    frame = pd.DataFrame({"Årskostnad": [1234.5], "Årsverk": [0.125], "Andel": [0.12345]})
    formats = {"Årskostnad": "mill_kr1", "Årsverk": "fte", "Andel": "percent"}
    path = loud.save_table(frame, "t", "T", None, formats)
    # the report's formats decide: whole kroner (shown in millions), årsverk to two decimals,
    # a share shown in percent as the share with four, all rounded half up; the headers say
    # nothing about it
    assert path.read_bytes() == "\ufeffÅrskostnad;Årsverk;Andel\n1235;0,13;0,1235\n".encode()


@pytest.mark.slow
def test_loading_needs_only_the_sources_part():
    """The session comes in parts: the loaders take the first (workbench.sources), which
    imports neither IPython nor matplotlib, so reading inputs in a script or a test stays
    light; the report writer and the display build on it."""
    import subprocess
    import sys

    from workbench.report_writer import ReportWriter
    from workbench.session import Session
    from workbench.sources import Sources

    assert issubclass(Session, ReportWriter) and issubclass(ReportWriter, Sources)
    code = (
        "import sys, workbench.sources, workbench.analyses.allocation.load, "
        "workbench.analyses.housing.load, workbench.analyses.personas.load, "
        "workbench.analyses.calculator.load; "
        "print(sorted({'IPython', 'matplotlib'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
