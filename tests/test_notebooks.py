"""House rules for notebooks: stored without outputs, one parameters cell, no logic."""

import json
import re

import pytest
from conftest import REPO

from workbench.batch import ANALYST_TAG

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
APPS = sorted((REPO / "notebooks" / "apps").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "allocation.ipynb",
        "calculator.ipynb",
        "housing_profile.ipynb",
        "personas.ipynb",
    ]


def test_every_analysis_has_a_report_and_an_app_notebook():
    from workbench.analyses import ANALYSES

    assert {a.notebook for a in ANALYSES.values()} == {p.name for p in NOTEBOOKS}
    assert {a.app_notebook for a in ANALYSES.values()} == {f"apps/{p.name}" for p in APPS}


def test_an_app_tab_carries_its_analysis_name_in_norwegian():
    """Voilà titles a page (the browser tab) by the notebook's ``title``, else by its file
    name («housing»)."""
    from workbench.analyses import ANALYSES

    for analysis in ANALYSES.values():
        notebook = json.loads((REPO / "notebooks" / analysis.app_notebook).read_text("utf-8"))
        assert notebook["metadata"]["title"] == analysis.title, analysis.key


@pytest.mark.parametrize("path", NOTEBOOKS + APPS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_hygiene(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert not any(c.get("outputs") or c.get("execution_count") for c in code), "strip outputs"
    tagged = [
        i for i, c in enumerate(notebook["cells"]) if "parameters" in c["metadata"].get("tags", [])
    ]
    assert tagged == [0], "the first cell, and only it, is tagged parameters"
    for cell in code:
        assert not re.search(r"^\s*(def|class)\s", "".join(cell["source"]), re.M), (
            "logic belongs in workbench/"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_documented_for_papermill(path):
    import nbformat
    from papermill.translators import PythonTranslator

    cell = nbformat.read(path, as_version=4).cells[0]
    parameters = PythonTranslator.inspect(cell)
    names = [p.name for p in parameters]
    assert "municipality" in names and "output_dir" in names and "project_dir" in names
    assert "interactive" not in names  # the apps are their own notebooks
    assert all(p.help for p in parameters), "every parameter has a help comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_report_shows_the_engine_call_and_ends_under_the_hood(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    markdown = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert any(re.match(r"results? = [^=]*engine\.evaluate\(", c) for c in code)
    assert any(c.startswith("## Under panseret") for c in markdown)
    assert all(len(c.splitlines()) <= 6 for c in code[1:]), "one short call per cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_under_the_hood_is_for_the_analyst_only(path):
    """From «Under panseret» on, every cell is tagged so the HTML report leaves it out, and
    no cell before it is."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    start = next(
        i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Under panseret")
    )
    tagged = [ANALYST_TAG in c["metadata"].get("tags", []) for c in cells]
    assert tagged == [False] * start + [True] * (len(cells) - start)
