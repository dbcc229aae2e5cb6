"""Notebooks run in the batch worker's own process, as a fresh Jupyter kernel would run them.

A kernel costs each report about a third of its time beyond the notebook's own code: every
cell becomes a dozen messages (status, input, outputs, reply), each serialised to JSON, signed,
sent over a socket, parsed and checked by nbclient; the 92 cells of a municipality's four
reports cost that even when they only assign a name. Here the worker runs the cells itself
in an IPython shell, and hands nbclient the same output messages a kernel would have sent,
as Python objects: nbclient and papermill still turn them into the notebook, so the outputs,
the execution counts, the stop at the first error and the papermill metadata are theirs.

What makes the shell behave as ipykernel's (``tests/test_batch.py`` compares the reports with
a new kernel's byte for byte):

- outputs: the display publisher and display hook emit ``display_data`` and
  ``execute_result`` with the contents ipykernel's send (images base64-encoded, everything
  made JSON-safe), ``print`` and warnings become ``stream`` output, flushed before each
  display as the kernel's streams are, and an exception the ``error`` output with the
  kernel's traceback text;
- cells are compiled under the file names ipykernel gives them (warnings and tracebacks
  name them);
- matplotlib uses the inline backend (``MPLBACKEND``, as ipykernel sets it), so a pyplot
  figure left open is drawn below its cell as in a notebook;
- pandas shows at most 20 columns of a table as text, as it does when imported in a kernel
  (imported in the worker, outside any kernel, it would show all).

``tests/test_inprocess.py`` runs one notebook with each kind of output both ways.

Before each notebook the namespace is cleared and open figures closed, as in
:mod:`workbench.warm`; papermill runs it in its staging folder and changes back afterwards.
A shell that saw a failure is replaced. Notebooks in one process run one at a time (a Dask
worker with several threads waits its turn). What the worker process cannot be shielded from
is a crash of Python itself (a segmentation fault, ``os._exit``); ``--kernel`` runs the
notebooks in a Jupyter kernel instead, whose death fails only its own report.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from papermill.engines import Engine, papermill_engines

ENGINE = "workbench-in-process"
ENGINE_ARGS = {"engine_name": ENGINE}
"""What :func:`papermill.execute_notebook` is given to run a notebook here."""
INLINE = "module://matplotlib_inline.backend_inline"
_STATE: dict[str, object] = {}
_ONE_AT_A_TIME = threading.Lock()


def available() -> bool:
    """Whether notebooks can run in this process: not when it already runs an IPython of
    another kind (``run_batch`` called from a notebook), whose outputs would mix with theirs."""
    from IPython.core.interactiveshell import InteractiveShell

    return not InteractiveShell.initialized() or "shell" in _STATE


@contextmanager
def notebook(folder: Path) -> Iterator[None]:
    """Around one notebook's execution: this process's shell made ready for it, and its
    namespace the ``__main__`` module meanwhile, as in a kernel."""
    with _ONE_AT_A_TIME:
        made = shell()
        with _main(made.user_module):
            prepare(folder)
            yield


@contextmanager
def _main(module) -> Iterator[None]:
    """``module`` as ``sys.modules["__main__"]`` for a while. IPython puts its namespace
    there for good; the worker's own ``__main__`` must come back, or the next process it
    starts (Dask's, multiprocessing's) cannot find its entry point."""
    own = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        yield
    finally:
        if own is not None:
            sys.modules["__main__"] = own


def discard() -> None:
    """Forget this process's shell (after a failure): the next notebook gets a new one."""
    made = _STATE.pop("shell", None)
    if made is not None:
        type(made).clear_instance()


def shell():
    """This process's shell, made on first use."""
    if "shell" not in _STATE:
        _STATE["shell"] = _make_shell()
    return _STATE["shell"]


def _make_shell():
    from ipykernel.compiler import XCachingCompiler
    from ipykernel.jsonutil import encode_images, json_clean
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False):
            if _STATE.get("sink") is None:  # not in a cell: as plain IPython, as text
                return super().publish(data, metadata, transient=transient, update=update)
            self.shell.flush_streams()
            content = {
                "data": encode_images(data),
                "metadata": metadata or {},
                "transient": transient or {},
            }
            self.shell.emit("update_display_data" if update else "display_data", content)

        def clear_output(self, wait=False):
            self.shell.flush_streams()
            self.shell.emit("clear_output", {"wait": wait})

    class Hook(DisplayHook):
        content: dict | None = None

        def start_displayhook(self):
            self.content = {"data": {}, "metadata": {}}

        def write_output_prompt(self):
            self.content["execution_count"] = self.prompt_count

        def write_format_data(self, format_dict, md_dict=None):
            self.content["data"] = encode_images(format_dict)
            self.content["metadata"] = md_dict or {}

        def finish_displayhook(self):
            content, self.content = self.content, None
            self.shell.flush_streams()
            if content and content["data"]:
                self.shell.emit("execute_result", content)

    class InProcessShell(InteractiveShell):
        """IPython with a Jupyter kernel's outputs; see the module."""

        displayhook_class = Hook
        display_pub_class = Publisher

        def emit(self, msg_type: str, content: dict) -> None:
            sink = _STATE.get("sink")
            if sink is not None:
                sink(msg_type, json_clean(content))

        def flush_streams(self) -> None:
            for stream in (sys.stdout, sys.stderr):
                if isinstance(stream, _Stream):
                    stream.flush()

        def _showtraceback(self, etype, evalue, stb):
            self.flush_streams()
            content = {"traceback": stb, "ename": str(etype.__name__), "evalue": str(evalue)}
            _STATE["error"] = content
            self.emit("error", content)

    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # as the warm kernels (workbench.warm.NO_HISTORY)
    with _main(sys.modules.get("__main__")):  # not replaced by the shell's namespace for good
        # cells compiled under the kernel's file names (warnings and tracebacks name them)
        made = InProcessShell.instance(config=config, compiler_class=XCachingCompiler)
    if not os.environ.get("MPLBACKEND"):  # as ipykernel does before running anything
        os.environ["MPLBACKEND"] = INLINE
        if "matplotlib" in sys.modules:  # it read the variable when imported
            sys.modules["matplotlib"].use(INLINE)
    import pandas as pd

    # pandas decides when imported whether it is in a terminal (no limit) or a kernel (20)
    pd.set_option("display.max_columns", 20)
    return made


class _Stream:
    """``sys.stdout`` or ``sys.stderr`` while a cell runs: text becomes ``stream`` output,
    sent when a display or the cell's end flushes it (as ipykernel's streams do)."""

    def __init__(self, name: str, shell) -> None:
        self.name, self.shell, self.parts = name, shell, []
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.parts:
            text, self.parts = "".join(self.parts), []
            self.shell.emit("stream", {"name": self.name, "text": text})

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("ikke en fil")


@contextmanager
def _cell_io(made):
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", made), _Stream("stderr", made)
    try:
        yield
    finally:
        made.flush_streams()
        sys.stdout, sys.stderr = saved


def run_cell(source: str, sink) -> dict:
    """Run one cell's code, giving ``sink(msg_type, content)`` each output as a kernel
    would send it. Returns the content of the kernel's ``execute_reply``."""
    made = shell()
    _STATE.update(sink=sink, error=None)
    count = made.execution_count
    try:
        with _cell_io(made):
            result = made.run_cell(source, store_history=True, silent=False)
    finally:
        _STATE["sink"] = None
    if isinstance(result.error_in_exec, KeyboardInterrupt):
        raise result.error_in_exec  # Ctrl-C stops the batch, not just this cell
    error = _STATE.pop("error", None)
    if not result.success:
        return {"status": "error", "execution_count": count, **(error or _unknown(result))}
    return {"status": "ok", "execution_count": count}


def _unknown(result) -> dict:
    exc = result.error_before_exec or result.error_in_exec
    return {"ename": type(exc).__name__, "evalue": str(exc), "traceback": []}


def prepare(folder: Path) -> None:
    """A clean namespace and no open figures, as :func:`workbench.warm.prepare` leaves a
    kernel (``folder``, the staging folder, is where papermill runs the notebook)."""
    import gc

    made = shell()
    made.run_line_magic("reset", "-f")
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    gc.freeze()  # what survives the reset stays out of the next reset's collection


def _client_class():
    if "client" in _STATE:
        return _STATE["client"]
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient

    class InProcessClient(PapermillNotebookClient):
        """papermill's client, its cells run by :func:`run_cell` instead of a kernel."""

        def execute(self, **kwargs):
            self.reset_execution_trackers()
            self.papermill_execute_cells()
            self.nb.metadata["language_info"] = language_info()
            self.set_widgets_metadata()
            return self.nb

        def execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            run_sync(self.on_cell_start_hook)(cell, cell_index)
            if cell.cell_type != "code" or not cell.source.strip():
                return cell
            if self.skip_cells_with_tag in cell.metadata.get("tags", []):
                return cell
            if self.record_timing:
                cell["metadata"]["execution"] = {}
            self.code_cells_executed += 1
            cell.outputs = []
            self.clear_before_next_output = False
            parent = {"msg_id": f"celle-{cell_index}"}

            def sink(msg_type, content):
                message = {
                    "msg_type": msg_type,
                    "header": {"msg_type": msg_type},
                    "parent_header": parent,
                    "metadata": {},
                    "content": content,
                }
                self.process_message(message, cell, cell_index)

            reply = run_cell(cell.source, sink)
            cell["execution_count"] = execution_count or reply["execution_count"]
            run_sync(self._check_raise_for_error)(cell, cell_index, {"content": reply})
            self.nb["cells"][cell_index] = cell
            return cell

        async def on_cell_start_hook(self, cell, cell_index):
            from nbclient.util import run_hook

            await run_hook(self.on_cell_start, cell=cell, cell_index=cell_index)

    _STATE["client"] = InProcessClient
    return InProcessClient


def language_info() -> dict:
    """What ipykernel answers to ``kernel_info`` about its language."""
    if "language_info" not in _STATE:
        from ipykernel.ipkernel import IPythonKernel

        _STATE["language_info"] = dict(IPythonKernel.language_info)
    return _STATE["language_info"]


class InProcessEngine(Engine):
    """papermill's engine interface for :class:`InProcessClient`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        from papermill.log import logger

        for unused in ("input_path", "start_timeout", "execution_timeout", "km", "kc"):
            kwargs.pop(unused, None)
        client = _client_class()(nb_man, kernel_name=kernel_name, log=logger, **kwargs)
        return client.execute()


papermill_engines.register(ENGINE, InProcessEngine)
