"""Shared fixtures: the repository's own project, and throwaway copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.analyses.calculator.engine import Assumptions
from workbench.catalogue import read_catalogue
from workbench.config import Defaults
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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "project")


def interruptible() -> None:
    """``preexec_fn`` for a command a test interrupts: Ctrl-C (SIGINT) back to its default, as
    in a terminal. A shell that starts the tests in the background without job control makes
    them ignore SIGINT, and every command they start would inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
