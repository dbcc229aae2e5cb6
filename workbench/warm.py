"""Warm kernels: one kernel per batch worker, reused from notebook to notebook.

Starting a kernel and importing pandas, seaborn and the workbench costs more than running a
small report, so the batch can keep one kernel per worker process. Before each notebook the
kernel's namespace is cleared (``%reset -f``), open figures are closed and its working
directory set to the job's staging folder; nbclient numbers cells itself, so the executed
notebook is the same as from a fresh kernel (``tests/test_batch.py`` compares them byte for
byte). A kernel that saw a failure is discarded and the next job starts a new one.
"""

from __future__ import annotations

import os
from pathlib import Path

ENGINE = "workbench-warm"
"""The papermill engine that runs a notebook in an already running kernel
(:class:`workbench.warm_engine.WarmEngine`), by the name ``pyproject.toml`` registers it
under in papermill's ``papermill.engine`` entry points."""
NO_HISTORY = "--HistoryManager.enabled=False"
_KERNEL: dict[str, object] = {}


def new_manager(kernel_name: str):
    """A kernel manager (not started) that talks to its kernel over local IPC sockets in a
    private temporary folder, not TCP: no port is open to other users of the machine, and
    the kernel does not print its warning about unencrypted TCP into the progress bar."""
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    folder = tempfile.mkdtemp(prefix="wb-kjerne-")
    return AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=f"{folder}/k")


def kernel(kernel_name: str):
    """This process's warm kernel manager and client, started on first use.

    The kernel inherits this process's environment; the project folder reaches each
    notebook as its ``project_dir`` parameter, never through an environment variable. It
    keeps no input history: IPython would otherwise store every cell of every notebook in
    the user's ``~/.ipython`` database, from a thread that costs each report tens of
    milliseconds (nbclient's own kernels keep theirs in memory for the same reason).
    """
    if "km" not in _KERNEL:
        from jupyter_core.utils import run_sync

        km = new_manager(kernel_name)
        run_sync(km.start_kernel)(env=dict(os.environ), extra_arguments=[NO_HISTORY])
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=120)
        _KERNEL.update(km=km, kc=kc)
    return _KERNEL["km"], _KERNEL["kc"]


def prepare(kc, folder: Path) -> None:
    """Make the kernel as a new one would be for the next notebook, working in ``folder``."""
    from jupyter_core.utils import run_sync

    # %reset ends with a full garbage collection, which walks every object the imports made;
    # gc.freeze() moves what survives a reset out of the collector's sight, so the next
    # reset only walks what the notebook in between created.
    code = (
        "get_ipython().run_line_magic('reset', '-f')\n"
        "import gc as _gc, os as _os, matplotlib.pyplot as _plt\n"
        f"_plt.close('all'); _os.chdir({str(folder)!r}); _gc.freeze()\n"
        "del _gc, _os, _plt\n"
    )
    reply = run_sync(kc.execute_interactive)(code, store_history=False, silent=True, timeout=120)
    if reply["content"]["status"] != "ok":
        discard()
        raise RuntimeError("kjernen kunne ikke gjøres klar for neste notatbok")


def kill_now() -> None:
    """Kill this process's warm kernel at once (SIGKILL), from a signal handler: the kernel
    runs in its own session, so a stopped batch would otherwise leave it writing a report."""
    km = _KERNEL.pop("km", None)
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def discard() -> None:
    """Stop this process's warm kernel (after a failure, or at the end)."""
    km, kc = _KERNEL.pop("km", None), _KERNEL.pop("kc", None)
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        stop(km)


def stop(km) -> None:
    """Shut a kernel down now and remove its private socket folder."""
    import shutil

    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)
    shutil.rmtree(Path(km.ip).parent, ignore_errors=True)
