"""Notebooks run in the worker process give what a Jupyter kernel gives, output for output.

The batch's reports are compared with a new kernel's byte for byte in ``test_batch.py``; the
report notebooks only display HTML, so this notebook exercises what they do not: printed
text and warnings, a table wider than pandas shows in a kernel, Markdown with metadata, a
display updated by its id, a pyplot figure left open (the inline backend draws it), a plain
``execute_result`` and a syntax error that stops the notebook.
"""

import json
import os
import re
import subprocess
import sys
import warnings

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from workbench import inprocess

CELLS = [
    "x = 1",
    "print('hei')\nprint('på deg', x)",
    "import sys, warnings\nwarnings.warn('advarsel her')\nprint('feil', file=sys.stderr)",
    "import pandas as pd\npd.DataFrame({f'kolonne{i}': [i, i * 1000.5] for i in range(25)})",
    "from IPython.display import HTML, Markdown, display\n"
    "display(Markdown('**fet**'), metadata={'nøkkel': 1})\n"
    "h = display(HTML('<b>1</b>'), display_id='a')\n"
    "print('mellom')\n"
    "h.update(HTML('<b>2</b>'))",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);",
    "import numpy as np\nnp.arange(3)",
    "y = x +",
    "print('kjøres ikke')",
]
KERNEL_FILE = re.compile(r"ipykernel_\d+/\d+\.py")
"""Where a kernel compiles a cell: the folder is named after its process, so differs anyway."""


def run(tmp_path, name: str, **engine) -> nbformat.NotebookNode:
    cells = [new_code_cell(CELLS[0], metadata={"tags": ["parameters"]}), new_markdown_cell("# A")]
    cells += [new_code_cell(source) for source in CELLS[1:]]
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    source = tmp_path / "in.ipynb"
    nbformat.write(notebook, source)
    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(source),
            str(tmp_path / f"{name}.ipynb"),
            parameters={"x": 2},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
            **engine,
        )
    assert caught.value.ename == "SyntaxError"
    return nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)


def printed(message, category, filename, lineno, file=None, line=None):
    """Python's own way of showing a warning (pytest replaces it with a recorder)."""
    (file or sys.stderr).write(warnings.formatwarning(message, category, filename, lineno, line))


def outputs(cell) -> str:
    return KERNEL_FILE.sub("…", json.dumps(cell.get("outputs"), ensure_ascii=False))


FRESH = "WORKBENCH_TEST_FRESH_PROCESS"


@pytest.mark.slow
def test_a_new_worker_process_gives_a_kernels_outputs():
    """The comparison below, in a new Python process, as a batch worker starts. Known gap: in a
    process that has run other notebooks, a failure and the command line before (this test
    suite's own process), the pyplot figure left open is sometimes not shown (README,
    «Rapporter»); the report notebooks show their figures themselves and are compared byte
    for byte in ``test_batch.py``."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"{__file__}::test_in_process_outputs_are_a_kernels",
        ],
        env={**os.environ, FRESH: "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get(FRESH), reason="run in a new process by the test above")
def test_in_process_outputs_are_a_kernels(tmp_path, monkeypatch):
    kernel = run(tmp_path, "kernel")
    # pytest records warnings instead of printing them; a batch worker prints them as a kernel
    monkeypatch.setattr(warnings, "showwarning", printed)
    # a consultant's wide terminal: pandas must still wrap tables as in a kernel, not to it
    monkeypatch.setenv("COLUMNS", "200")
    here = run(tmp_path, "here", engine_name=inprocess.ENGINE)
    assert here.metadata.language_info == kernel.metadata.language_info
    # the cells, the heading, papermill's parameters and its two notes on the error (at the
    # top, and an anchor before the cell)
    assert len(here.cells) == len(kernel.cells) == len(CELLS) + 4
    for ours, theirs in zip(here.cells, kernel.cells, strict=True):
        assert ours.source == theirs.source
        assert outputs(ours) == outputs(theirs), ours.source
        assert ours.get("execution_count") == theirs.get("execution_count")
        mine, kernels = (c.metadata.get("papermill", {}) for c in (ours, theirs))
        assert [mine.get(k) for k in ("exception", "status")] == [
            kernels.get(k) for k in ("exception", "status")
        ]
    by_source = {cell.source: cell for cell in here.cells}
    # what the comparison covers: each kind of output is there
    assert by_source[CELLS[1]].outputs[0].text == "hei\npå deg 2\n"
    assert "UserWarning: advarsel her" in by_source[CELLS[2]].outputs[0].text
    assert "..." in by_source[CELLS[3]].outputs[0].data["text/plain"]  # 20 of 25 columns
    assert [o.output_type for o in by_source[CELLS[4]].outputs] == [
        "display_data",
        "display_data",
        "stream",
    ]
    assert by_source[CELLS[4]].outputs[1].data["text/html"] == "<b>2</b>"  # updated
    assert "image/png" in by_source[CELLS[5]].outputs[0].data
    assert by_source[CELLS[7]].outputs[0].ename == "SyntaxError"
    assert by_source[CELLS[8]].get("execution_count") is None and not by_source[CELLS[8]].outputs


def test_ctrl_c_in_a_cell_stops_the_batch_not_only_the_cell():
    inprocess.shell()
    seen = []
    with pytest.raises(KeyboardInterrupt):
        inprocess.run_cell("raise KeyboardInterrupt", lambda *message: seen.append(message))
    reply = inprocess.run_cell("1 / 0", lambda *message: seen.append(message))
    assert reply["status"] == "error" and reply["ename"] == "ZeroDivisionError"
    assert seen[-1][0] == "error" and seen[-1][1]["evalue"] == "division by zero"


def test_display_outside_a_cell_is_plain_text_as_without_a_shell(capsys):
    from IPython.display import HTML, display

    inprocess.shell()
    display(HTML("<b>fet</b>"))
    assert capsys.readouterr().out == "<IPython.core.display.HTML object>\n"


def test_a_process_with_an_ipython_of_its_own_uses_a_kernel(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(inprocess, "_STATE", {})
    monkeypatch.setattr(InteractiveShell, "initialized", classmethod(lambda cls: True))
    assert not inprocess.available()


def test_the_workers_own_main_module_comes_back_after_a_notebook(tmp_path):
    """IPython puts its namespace in ``sys.modules["__main__"]``; left there, the next
    process the worker starts (a Dask worker, a process pool) cannot find its entry point."""
    own = sys.modules["__main__"]
    with inprocess.notebook(tmp_path):
        assert sys.modules["__main__"] is inprocess.shell().user_module
        assert inprocess.run_cell("__name__", lambda *_: None)["status"] == "ok"
    assert sys.modules["__main__"] is own
