"""Shared fixtures: the repository's own project, and throwaway copies to break."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from workbench.catalogue import read_catalogue
from workbench.config import Defaults
from workbench.pricing import Assumptions
from workbench.project import Project

REPO = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture(scope="session")
def repo() -> Project:
    return Project(REPO)


@pytest.fixture(scope="session")
def defaults(repo: Project) -> Defaults:
    return Defaults.from_file(repo.parameters_dir / "defaults.yaml")


@pytest.fixture(scope="session")
def assumptions(defaults: Defaults) -> Assumptions:
    return Assumptions.from_defaults(defaults)


@pytest.fixture(scope="session")
def national(repo: Project):
    return read_catalogue(repo.data_dir / "prices/national-23-11.csv", "prices/national-23-11.csv")


def make_project(
    root: Path, municipalities: tuple[str, ...] = ("9999-demokommune.yaml",)
) -> Project:
    """A copy of the repository's data, notebooks and defaults with chosen municipalities."""
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(
        REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    (root / "parameters").mkdir()
    shutil.copy(REPO / "parameters/defaults.yaml", root / "parameters/defaults.yaml")
    for name in municipalities:
        source = REPO / "parameters" / name
        shutil.copy(source if source.exists() else ASSETS / name, root / "parameters" / name)
    return Project(root.resolve())


@pytest.fixture(scope="session")
def delivered(tmp_path_factory) -> Project:
    """The default municipalities (Demokommune and Færder) run once for the whole session, as
    `workbench run --workers 2` runs them: every report, workbook and deck. Tests read it;
    a test that changes reports works on its own copy."""
    from workbench.batch import plan, run_batch

    project = make_project(
        tmp_path_factory.mktemp("levert") / "project",
        ("9999-demokommune.yaml", "3911-faerder.yaml"),
    )
    results = run_batch(project, plan(project).jobs, workers=2, progress=False)
    assert [r.job.label for r in results if r.status != "ok"] == []
    return project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "project")


def interruptible() -> None:
    """``preexec_fn`` for a command a test interrupts: Ctrl-C (SIGINT) back to its default, as
    in a terminal. A shell that starts the tests in the background without job control makes
    them ignore SIGINT, and every command they start would inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.posix_spawn", "os.system", "os.fork"})
"""Audit events (PEP 578) raised when Python starts another process: kernels, servers and
commands all go through one of them."""
_FAST = {"now": False}


def _refuse_processes(event: str, _args) -> None:
    if _FAST["now"] and event in PROCESS_EVENTS:
        raise RuntimeError(
            f"an unmarked test started a process ({event}): mark it slow (or browser), or keep "
            "it in this process; `make check` runs only tests that start none"
        )


@pytest.fixture(autouse=True)
def _markers_tell_the_truth(request):
    """A test without ``slow`` or ``browser`` may start no process, kernel or server: those
    belong to the full suite, and `make check` stays fast."""
    marked = {m.name for m in request.node.iter_markers()} & {"slow", "browser"}
    _FAST["now"] = not marked  # nbval's notebook cells take no fixtures: never checked
    try:
        yield
    finally:
        _FAST["now"] = False


def pytest_configure(config) -> None:
    import sys

    sys.addaudithook(_refuse_processes)


# What only the consultant should read, searched for in everything a client sees: reports,
# slides and sheets (test_client_ready) and the app pages (test_browser).
FORBIDDEN = re.compile(
    r"(?i)\bseed\w*"  # the source documents are cited by their titles
    r"|\bdomain\w*|\bdomene\w*"  # the specification is ours, not the reader's
    r"|\bspec\b|\bspecification\w*|\bspesifikasjon\w*"
    r"|\b[a-z]+_[a-z0-9_]+\b"  # engine keys (hours_per_fte, ansvar_name)
    r"|\b\w+\.py\b"  # code
    r"|\bworkbench\.\w+"  # module paths (workbench.synthetic)
    r"|\.\./shared"  # paths in our repository
    r"|`[^`]+`"  # code spans left as raw text
    r"|\bworkbench (?:calibrate|run|validate|fetch|synth|fleet)\b"  # our commands
    # what the consultant reads, not the council: notebook wording, settings, file names,
    # instructions, and a section that only says it is empty
    r"|\bcellen (?:under|over)\b|\bparameterfil\w*"
    r"|\b[\w-]+\.(?:csv|yaml|ipynb)\b"
    r"|kontroller før bruk"
    r"|\bvises når\b"
)
