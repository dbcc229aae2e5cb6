"""The app frame: municipality picker, banner and Norwegian messages instead of tracebacks."""

import contextlib
import io

import ipywidgets as widgets
import pandas as pd
import pytest
from conftest import make_project

from workbench.analyses.calculator.load import load as load_calculator
from workbench.app_shell import AppShell
from workbench.apps import Downloads, download_links
from workbench.session import open_session


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
    (project.data_dir / "packages/seed-eksempel.yaml").write_text("title: [\n", encoding="utf-8")
    shell.picker.value = "3911"
    assert "Ressurskalkulator kan ikke vises for 3911 Færder" in shell.status.value
    assert "ugyldig YAML" in shell.status.value and "Traceback" not in shell.status.value
    assert "seed-eksempel.yaml" not in shell.status.value  # the reason, not the file
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
