"""``reports/index.html``: built from the report folders on disk, in Norwegian."""

from __future__ import annotations

from conftest import make_project

from workbench.batch import FAILED
from workbench.index_page import write_index


def test_links_reports_marks_failures_missing_and_fictional(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    (project.parameters_dir / "9997-ugyldig.yaml").write_text("number: [\n", encoding="utf-8")
    reports = project.reports_dir
    (reports / "9999-demokommune/calculator").mkdir(parents=True)
    (reports / "9999-demokommune/calculator/calculator.html").write_text("<html></html>")
    (reports / FAILED).mkdir()
    (reports / FAILED / "9999-demokommune-personas.ipynb").write_text("{}")
    # a calculator report that failed this time after a good run: both are reachable
    (reports / FAILED / "9999-demokommune-calculator.ipynb").write_text("{}")
    (reports / "9999-demokommune/deliverables").mkdir()
    (reports / "9999-demokommune/deliverables/9999-demokommune-innsatstrapp.xlsx").write_bytes(b"x")
    page = write_index(project, reports).read_text(encoding="utf-8")
    assert "<html lang='nb'>" in page and "<h1>Rapporter</h1>" in page
    assert "<th>Økonomifordeling</th>" in page and "<th>Ressurskalkulator</th>" in page
    assert (
        "<a href='9999-demokommune/calculator/calculator.html'>forrige rapport</a> · siste "
        "kjøring feilet – se <a href='_failed/9999-demokommune-calculator.ipynb'>notatboken</a>"
    ) in page
    assert (
        "<td class='feil'>siste kjøring feilet – se "
        "<a href='_failed/9999-demokommune-personas.ipynb'>notatboken</a>"
    ) in page
    assert "ikke kjørt" in page  # housing and allocation for Demokommune, everything for Færder
    assert (
        "href='9999-demokommune/deliverables/9999-demokommune-innsatstrapp.xlsx'>Excel</a>" in page
    )
    assert (
        "9999 Demokommune <span class='fiktiv'>(fiktiv kommune, illustrative tall)</span>" in page
    )
    assert "3911 Færder</td>" in page
    assert "9997-ugyldig" in page and "Ugyldig parameterfil" in page


def test_same_folders_same_page(tmp_path):
    project = make_project(tmp_path / "p")
    first = write_index(project, project.reports_dir).read_bytes()
    assert write_index(project, project.reports_dir).read_bytes() == first


def test_analyses_not_set_up_and_deliverables_not_made_are_said_so(tmp_path):
    project = make_project(tmp_path / "p")
    path = project.parameters_dir / "9999-demokommune.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("analyses:")] + "analyses: {}\n", encoding="utf-8")
    page = write_index(project, project.reports_dir).read_text(encoding="utf-8")
    row = page[page.index("9999 Demokommune") :]
    assert row.count("<td class='mangler'>ikke satt opp</td>") == 4
    assert "<td class='mangler'>ikke laget</td>" in row
    assert "href=" not in row
