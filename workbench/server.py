"""Serving the analyses as Voilà apps.

One app (``workbench app calculator``, ``notebooks/apps/calculator.ipynb``) or all four behind
a Norwegian landing page (``workbench app``). Sources are stripped and tracebacks never sent
to the browser; each notebook keeps a pre-heated kernel so a page opens without waiting for
Python to start, and kernels left idle are shut down. The pages load nothing from outside the
machine: the server uses its own Voilà template (``innsatstrapp``), made at start from
Voilà's installed ``lab`` template without its links to a font CDN (the icons are in Voilà's
own bundle), with the landing page in place of Voilà's file list.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from workbench import analyses
from workbench.config import Municipality, municipality_files
from workbench.errors import InputError
from workbench.outputs import atomic_write_text
from workbench.project import Project

DEFAULT_PORT = 8866
APPS = "apps"
"""The folder in ``notebooks/`` with one app notebook per analysis."""


TEMPLATE = "innsatstrapp"
"""The Voilà template the apps are served with (written to ``.cache/voila/`` at start)."""
IDLE_KERNEL_SECONDS = 120
"""A kernel whose page has been closed is shut down after this many idle seconds (kernels of
open pages are kept however long they wait: Jupyter's ``cull_connected`` stays off)."""
CULL_INTERVAL_SECONDS = 30
WARM_KERNELS = 1
"""Kernels per app kept started for the next viewer (``workbench app --warm``): one for a
consultant alone; a workshop where several open the same app at once wants more."""
REFILL_DELAY_SECONDS = 5
"""After a page takes its app's pre-heated kernel, the next one starts this many seconds
later (Voilà's default is one): starting a kernel takes seconds of processor time, which
would otherwise be taken from the browser while it builds the page just asked for."""
BASE_URL = "\x00base_url\x00"


def voila_command(
    project: Project,
    name: str | None = None,
    *,
    port: int = DEFAULT_PORT,
    warm: int = WARM_KERNELS,
    host: str = "127.0.0.1",
    token: str = "",
    idle_seconds: int = IDLE_KERNEL_SECONDS,
    max_kernels: int | None = None,
) -> list[str]:
    """The ``voila`` command line for one app (an analysis key) or all of them.

    One app serves ``notebooks/apps/<key>.ipynb``; all of them serve the folder
    ``notebooks/apps/`` behind the landing page. The project reaches the apps through their
    folder (Voilà starts each kernel in its notebook's folder, and the notebook locates the
    project upwards from there), never through an environment variable.

    Args:
        project: The project whose apps are served.
        name: An analysis key, or None for all the apps.
        port: The port to listen on.
        warm: Kernels per app started before their page is asked for (0: none), so the
            next viewers in a room get a page at once instead of waiting for a kernel.
        host: The address to listen on; ``0.0.0.0`` serves the room (then give a token).
        token: Participants must add ``?token=…`` to the address; empty for none.
        idle_seconds: Shut down a closed page's kernel after this many idle seconds.
        max_kernels: Most kernels at once, all apps together (default :func:`kernel_cap`);
            a page asked for over it gets «Rommet er fullt».

    Raises:
        InputError: An unknown app name (in Norwegian, with the known names), a project
            without the app notebooks, or a host other than this machine without a token.
    """
    if host not in ("127.0.0.1", "localhost") and not token:
        raise InputError(
            None,
            f"appene på {host} er synlige for andre maskiner: gi et passord med --token",
        )
    apps = project.notebooks_dir / APPS
    target = project.notebooks_dir / analyses.get(name).app_notebook if name else apps
    if not target.exists():
        raise InputError(target, "appens notatbok finnes ikke i prosjektet (notebooks/apps/)")
    # imported here: it imports Jupyter's server, which `workbench --help` need not wait for
    from workbench.voila_kernels import CappedKernelManager, GuardedConnection

    voila = Path(sys.executable).with_name("voila")
    command = [
        str(voila) if voila.exists() else "voila",
        str(target),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={host}",
        f"--Voila.token={token}",
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        # the pages are Norwegian, and say so (screen readers, translation offers)
        "--HTMLExporter.language_code=nb",
        "--show_tracebacks=False",
        f"--preheat_kernel={warm > 0}",
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL_SECONDS, idle_seconds)}",
        f"--VoilaConfiguration.multi_kernel_manager_class={CappedKernelManager.__module__}."
        f"{CappedKernelManager.__name__}",
        f"--CappedKernelManager.max_kernels={max_kernels or kernel_cap()}",
        # a page's websocket: malformed or oversized messages dropped before they are parsed
        f"--Voila.kernel_websocket_connection_class={GuardedConnection.__module__}."
        f"{GuardedConnection.__name__}",
    ]
    if warm > 0:
        command += [
            f"--pool_size={warm}",
            f"--VoilaKernelManager.fill_delay={REFILL_DELAY_SECONDS}",
        ]
    if host in LOOPBACK:
        # served on this machine only: a page that answers to another name (a web page's
        # DNS rebinding) is refused (voila.json, written by :func:`write_template`)
        command.append(f"--Voila.config_file_paths={config_folder(project)}")
    return command


KERNEL_MIB = 200
"""Memory to allow for one app kernel (about 160 MiB measured, with room to grow)."""
KERNEL_SHARE = 0.5
"""The share of the machine's memory the kernels may take together."""
KERNEL_CAP_LIMITS = (4, 40)
"""The fewest and most kernels the default cap allows, whatever the memory."""


def kernel_cap(memory_bytes: int | None = None) -> int:
    """The default kernel cap: half the machine's memory in kernels of :data:`KERNEL_MIB`,
    between :data:`KERNEL_CAP_LIMITS` (24 GiB gives 40; 4 GiB gives 10)."""
    if memory_bytes is None:
        try:
            memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            memory_bytes = 4 << 30
    fits = int(memory_bytes * KERNEL_SHARE / (KERNEL_MIB << 20))
    low, high = KERNEL_CAP_LIMITS
    return max(low, min(high, fits))


LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Addresses that serve this machine only."""
HOST_CHECK = {
    "Voila": {"tornado_settings": {"allow_remote_access": False, "local_hostnames": ["localhost"]}}
}
"""Voilà's configuration for a server on this machine: Jupyter's own Host check (names other
than localhost and loopback addresses get 403), which Voilà switches off by default."""


def config_folder(project: Project) -> Path:
    """Where the server's ``voila.json`` is written (:func:`write_template`)."""
    return project.root / ".cache" / "voila" / "config"


def _die_with_parent() -> None:
    """In the child, before Voilà starts: ask Linux to send it SIGTERM when ``workbench app``
    dies, even by SIGKILL, so no server is left listening (Voilà then stops its kernels).
    Elsewhere a no-op: Ctrl-C and SIGTERM still stop everything through :func:`serve`."""
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when its parent dies."""


class _Stop(Exception):
    """SIGTERM arrived."""


def serve(command: list[str], env: dict[str, str], cwd: Path) -> int:
    """Run Voilà until it exits, Ctrl-C or SIGTERM; then stop it and every kernel it started.

    Returns:
        Voilà's exit code, or 0 when stopped by Ctrl-C or SIGTERM.
    """
    process = subprocess.Popen(
        command, env=env, cwd=cwd, start_new_session=True, preexec_fn=_die_with_parent
    )

    def stop(_signum, _frame):
        raise _Stop

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        shutdown(process)
        signal.signal(signal.SIGTERM, previous)


def shutdown(process: subprocess.Popen, grace_seconds: float = 10.0) -> None:
    """Stop Voilà (its own clean shutdown first) and then any kernel still running."""
    family = descendants(process.pid)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for pid in family | descendants(process.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, their children …)."""
    import psutil

    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def environment(project: Project) -> dict[str, str]:
    """The server's environment: this process's, with the apps' template folders first on
    Jupyter's data path (the project's landing page, then the committed template). Voilà finds templates only
    on that path; the project itself is not passed this way (see :func:`voila_command`)."""
    data = write_template(project)
    paths = [str(data), str(TEMPLATES), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    return {**os.environ, "JUPYTER_PATH": os.pathsep.join(paths)}


TEMPLATES = Path(__file__).parent / "jupyter"
"""The Jupyter data folder with the apps' Voilà template, ``innsatstrapp``: Voilà's ``lab``
template with its one block that links outside the machine overridden, a Norwegian frame
for the server's own pages and the «Rommet er fullt» page (committed, not generated)."""


def write_template(project: Project) -> Path:
    """Write the parts of the ``innsatstrapp`` template that depend on the project (the
    landing page listing the apps and the municipalities set up) and the server's
    ``voila.json`` into ``.cache/voila/``, and return that Jupyter data folder. Voilà merges
    it with :data:`TEMPLATES` (see :func:`environment`)."""
    data = project.root / ".cache" / "voila"
    folder = data / "voila" / "templates" / TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    page = landing_page(project)
    written = ("tree.html", "tree-lab.html")
    for name in written:
        atomic_write_text(folder / name, page)
    for stale in folder.iterdir():  # an older workbench wrote the whole template here, and
        if stale.name not in written:  # this folder comes first: it would hide the committed one
            stale.unlink()
    config_folder(project).mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        config_folder(project) / "voila.json", json.dumps(HOST_CHECK, indent=1) + "\n"
    )
    return data


def landing_page(project: Project) -> str:
    """The first page a workshop sees: each app with one sentence on what it answers, and the
    municipalities set up (a Jinja template for Voilà; ``base_url`` is filled in by it)."""
    municipalities = []
    for path in municipality_files(project.parameters_dir):
        try:
            municipality = Municipality.from_file(path)
        except InputError:
            continue  # `workbench validate` reports it
        if any(a.enabled_for(municipality) for a in analyses.ANALYSES.values()):
            marker = " (fiktiv kommune, illustrative tall)" if municipality.fictional else ""
            municipalities.append(html.escape(municipality.title + marker))
    apps = "".join(
        f"<li><a href='{BASE_URL}voila/render/{html.escape(Path(a.app_notebook).name)}'>"
        f"{html.escape(a.title)}</a><p>{html.escape(a.summary)}</p></li>"
        for a in analyses.ANALYSES.values()
    )
    listed = "".join(f"<li>{name}</li>" for name in municipalities) or "<li>ingen ennå</li>"
    page = (
        "<!DOCTYPE html>\n<html lang='nb'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Helhetlig innsatstrapp – appene</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:900px;padding:0 1em;"
        "color:#222}li{margin-bottom:1em}a{font-size:1.25em;font-weight:bold;color:#1f5f8b}"
        "p{margin:0.2em 0}ul.apps{list-style:none;padding:0}</style></head><body>"
        "<h1>Helhetlig innsatstrapp</h1><p>Velg en analyse. I hver app velger du kommune øverst; "
        "tallene og figurene oppdateres når du endrer noe.</p>"
        f"<ul class='apps'>{apps}</ul><h2>Kommuner som er satt opp</h2><ul>{listed}</ul>"
        "</body></html>\n"
    )
    # a Jinja template for Voilà: everything literal except the server's base address
    return (
        "{% raw %}" + page.replace(BASE_URL, "{% endraw %}{{ base_url }}{% raw %}") + "{% endraw %}"
    )


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


def start(
    project: Project,
    *,
    port: int,
    warm: int = WARM_KERNELS,
    idle_seconds: int = IDLE_KERNEL_SECONDS,
):
    """Start Voilà with all the apps on ``port`` (in its own session, so :func:`shutdown`
    stops it and its kernels) and wait until it answers (for tests and benchmarks).

    Raises:
        RuntimeError: Voilà did not answer within a minute.
    """
    command = voila_command(project, None, port=port, warm=warm, idle_seconds=idle_seconds)
    process = subprocess.Popen(
        command,
        cwd=project.root,
        env=environment(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    shutdown(process)
    raise RuntimeError("Voilà did not start within a minute")


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
