"""Serving the analyses as Voilà apps.

One app (``workbench app calculator``, ``notebooks/apps/calculator.ipynb``) or all four
behind Voilà's page listing the notebooks in ``notebooks/apps/`` (``workbench app``). Sources are stripped and tracebacks never sent to the browser; each
notebook keeps a pre-heated kernel so a page opens without waiting for Python to start.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from workbench import analyses
from workbench.project import Project

DEFAULT_PORT = 8866
APPS = "apps"
"""The folder in ``notebooks/`` with one app notebook per analysis."""


def voila_command(
    project: Project, name: str | None = None, *, port: int = DEFAULT_PORT, preheat: bool = True
) -> list[str]:
    """The ``voila`` command line for one app (an analysis key) or all of them.

    Raises:
        InputError: An unknown app name (in Norwegian, with the known names).
    """
    apps = project.notebooks_dir / APPS
    target = project.notebooks_dir / analyses.get(name).app_notebook if name else apps
    voila = Path(sys.executable).with_name("voila")
    command = [
        str(voila) if voila.exists() else "voila",
        str(target),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--preheat_kernel={preheat}",
    ]
    if preheat:
        command.append("--pool_size=1")
    return command


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, installed by ``make browser`` (Playwright never downloads a browser here)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
