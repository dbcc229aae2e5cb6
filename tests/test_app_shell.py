"""The app frame: municipality picker, banner and Norwegian messages instead of tracebacks."""

import contextlib
import io

import ipywidgets as widgets
import pandas as pd
import pytest
from conftest import make_project

from workbench.analyses.calculator.load import load as load_calculator
from workbench.app_shell import AppShell, open_app
from workbench.apps import Downloads, download_links
from workbench.session import open_session


def shown_text(widget) -> str:
    """Every text the widget and those inside it show."""
    own = widget.value if isinstance(getattr(widget, "value", None), str) else ""
    return own + "".join(shown_text(child) for child in getattr(widget, "children", ()))


@pytest.fixture
def quiet():
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def test_picker_lists_municipalities_with_the_analysis_and_switches(tmp_path, quiet):
    repo = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    session = open_session("calculator", "9999", project_dir=str(repo.root))
    shell = AppShell(session, load_calculator(session))
    assert [number for _, number in shell.picker.options] == ["3911", "9999"]
    assert "ILLUSTRATIVE TALL" in shell.banner.value
    shell.picker.value = "3911"
    assert "3911 Færder" in shell.banner.value and "ILLUSTRATIVE" not in shell.banner.value
    assert shell.app.result.summary.loc[0, "annual_cost"] == pytest.approx(603_382)
    assert shell.loading.value == ""


def test_a_broken_municipality_shows_a_norwegian_message(tmp_path, quiet):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    session = open_session("calculator", "9999", project_dir=str(project.root))
    shell = AppShell(session)
    (project.data_dir / "packages/eksempelpakker-faerder.yaml").write_text(
        "title: [\n", encoding="utf-8"
    )
    shell.picker.value = "3911"
    assert "Ressurskalkulator kan ikke vises for 3911 Færder" in shell.status.value
    assert "ugyldig YAML" in shell.status.value and "Traceback" not in shell.status.value
    assert "eksempelpakker-faerder.yaml" not in shell.status.value  # the reason, not the file
    assert shell.app is None and shell.body.children == ()


def test_allocation_without_a_ledger_shows_the_source_figures(tmp_path, quiet):
    """Færder has only the presentation's own per-step figures: the app shows them, as the
    report does, with their total (717 mill. kr is 34,5 % on step 1)."""
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    shell = AppShell(open_session("allocation", "9999", project_dir=str(project.root)))
    assert "Demokommune" in shell.sources.value
    shell.picker.value = "3911"
    assert shell.status.value == ""
    shown = "".join(
        getattr(w, "value", "")
        for w in shell.app.widget.children
        if hasattr(w, "value") and isinstance(w.value, str)
    )
    assert "har ikke lagt inn regnskapet" in shown and "Kildens tall 2024" in shown
    assert "717" in shown and "34,5" in shown
    chart = next(w for w in shell.app.widget.children if isinstance(w, widgets.Image))
    assert bytes(chart.value).startswith(b"\x89PNG")
    assert "Færder" in shell.sources.value and "Demokommune" not in shell.sources.value
    assert "data/" not in shell.sources.value


def test_download_links_carry_the_table():
    import base64

    link = download_links(pd.DataFrame({"Årskostnad (kr)": [603382.5]}), "kalkulator")
    payload = link.split("base64,")[1].split("'")[0]
    assert base64.b64decode(payload).decode("utf-8-sig") == "Årskostnad (kr)\n603382,5\n"
    downloads = Downloads("x")
    downloads.update(pd.DataFrame({"a": [1]}))
    downloads._make_excel()
    assert "spreadsheetml" in downloads.excel.value


def test_an_app_notebook_finds_its_project_from_its_own_folder(tmp_path, quiet, monkeypatch):
    """Voilà and nbval run an app notebook in ``notebooks/apps/``: the project is the folder
    above it, with no project folder given and nothing set in the environment."""
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml",))
    monkeypatch.delenv("WORKBENCH_PROJECT", raising=False)
    monkeypatch.chdir(project.notebooks_dir / "apps")
    text = shown_text(open_app("personas", "9999"))
    assert "9999 Demokommune" in text and "ILLUSTRATIVE TALL" in text
    assert "kan ikke" not in text


def test_a_municipality_the_project_lacks_opens_the_first_one_it_has(tmp_path, quiet):
    """A project without the demo municipality: the app opens on one that is set up and
    says why, in Norwegian, without a traceback."""
    project = make_project(tmp_path / "p", ("3911-faerder.yaml",))
    widget = open_app("calculator", "9999", project_dir=str(project.root))
    text = shown_text(widget)
    assert "Kommune 9999 kan ikke åpnes (ingen parameterfil for kommune 9999" in text
    assert "viser 3911 Færder" in text and "Traceback" not in text
    picker = widget.children[0].children[0]
    assert picker.value == "3911"


def test_an_app_opens_on_the_first_real_municipality(tmp_path, quiet):
    """A stakeholder should not meet the fictional municipality first when a real one is
    set up; with only the fictional one, the app opens on it."""
    both = make_project(tmp_path / "both", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    widget = open_app("housing", "", project_dir=str(both.root))
    assert widget.children[0].children[0].value == "3911"
    assert "ILLUSTRATIVE TALL" not in shown_text(widget)
    demo = make_project(tmp_path / "demo")
    assert open_app("housing", "", project_dir=str(demo.root)).children[0].children[0].value == (
        "9999"
    )


def test_no_municipality_with_the_analysis_is_a_norwegian_message(tmp_path, quiet):
    project = make_project(tmp_path / "p", ())
    widget = open_app("housing", "9999", project_dir=str(project.root))
    assert "Boligprofil kan ikke vises: ingen parameterfil for kommune 9999" in widget.value
    assert "ingen annen kommune i prosjektet har satt opp analysen" in widget.value


def test_an_unknown_app_is_a_norwegian_message_not_a_key_error(tmp_path, quiet):
    project = make_project(tmp_path / "p")
    widget = open_app("ukjent", "9999", project_dir=str(project.root))
    assert "Appen kan ikke vises: ukjent analyse «ukjent»" in widget.value
