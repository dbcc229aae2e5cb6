"""``workbench validate``: check every parameter and data file the project has.

Collects every error instead of stopping at the first, so a consultant fixes a project in
one pass. Each analysis's inputs are checked by loading them exactly as its notebook does.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench import analyses, price_index, reference
from workbench.config import Defaults, Municipality, municipality_files
from workbench.errors import InputError, InputErrors
from workbench.inputs import price_catalogue
from workbench.project import Project
from workbench.provenance import check_manifests
from workbench.session import Session


def validate_project(project: Project) -> tuple[list[InputError], int, list[str]]:
    """Validate the project.

    Returns:
        The errors found (one per file at fault), how many files were checked, and what
        the loaders found suspicious but not wrong (:attr:`Session.notes`), once each.
    """
    errors: list[InputError] = []
    notes: list[str] = []
    checked = 0

    def attempt(check: Callable[[], object]) -> object | None:
        try:
            return check()
        except InputError as exc:
            for error in exc.errors if isinstance(exc, InputErrors) else [exc]:
                if all(str(error) != str(e) for e in errors):
                    errors.append(error)
            return None

    defaults = attempt(lambda: Defaults.from_file(project.parameters_dir / "defaults.yaml"))
    checked += 1
    manifest_errors = check_manifests(project.data_dir)
    errors += manifest_errors
    data_files = [
        p for p in project.data_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
    ]
    checked += len(data_files)
    for check in (
        reference.steps,
        reference.housing_steps,
        reference.kostra_functions,
        reference.outside_staircase,
    ):
        attempt(lambda check=check: check(project.data_dir))
    if defaults is not None:  # read by the reports only where kroner change price year
        attempt(lambda: price_index.read_growth(project.data_dir / defaults.price_index))
    for path in municipality_files(project.parameters_dir):
        checked += 1
        municipality = attempt(lambda path=path: Municipality.from_file(path))
        if municipality is None or defaults is None:
            continue
        attempt(lambda m=municipality: reference.steps(project.data_dir, m))
        enabled = [a for a in analyses.ANALYSES.values() if a.enabled_for(municipality)]
        if not enabled:
            session = Session(project, defaults, municipality, None)
            attempt(lambda s=session: price_catalogue(s))
        for analysis in enabled:
            session = Session(project, defaults, municipality, analysis)
            attempt(lambda s=session, a=analysis: a.load(s))
            notes += [n for n in session.notes if n not in notes]
    return errors, checked, notes
