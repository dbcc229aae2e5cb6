"""House rules for notebooks: stored without outputs, one parameters cell, no logic."""

import json
import re

import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "allocation.ipynb",
        "calculator.ipynb",
        "housing_profile.ipynb",
        "personas.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
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
    assert "municipality" in names and "interactive" in names and "output_dir" in names
    assert all(p.help for p in parameters), "every parameter has a help comment"
