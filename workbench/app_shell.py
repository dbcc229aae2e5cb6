"""The frame around every app: a municipality picker, the banner, a loading indicator and
Norwegian error messages.

Stakeholders use the analyses as Voilà apps, one notebook each in ``notebooks/apps/``, whose
one call is :func:`open_app`. Whatever goes wrong while an app opens a municipality (a broken
file, a missing setting) is shown as a short Norwegian message; the detail goes to the log,
never a traceback to the page. The picker offers only the municipalities whose parameter
files set up the analysis, so no value a user can choose names a file outside the project.
"""

from __future__ import annotations

import html
import logging

import ipywidgets as widgets

from workbench import analyses, controls
from workbench.analyses.spec import Analysis
from workbench.apps import ERROR_STYLE, error_html
from workbench.config import Municipality, municipality_files
from workbench.errors import InputError
from workbench.project import Project
from workbench.provenance import STATUS_LABELS
from workbench.session import Session, open_session

log = logging.getLogger(__name__)


class AppShell:
    """One analysis as an app, for any municipality that has set it up.

    Args:
        session: The notebook's session (its municipality opens first).
        inputs: The inputs already loaded for that session (not loaded twice).
    """

    def __init__(self, session: Session, inputs=None):
        self.analysis = session.analysis
        self.project = session.project
        self.app = None
        self.picker = controls.Dropdown(
            options=municipalities(self.analysis, self.project),
            value=session.municipality.number,
            description="Kommune",
            layout=widgets.Layout(width="420px"),
        )
        self.loading = widgets.HTML()
        self.status = widgets.HTML()
        self.banner = widgets.HTML()
        self.body = widgets.VBox()
        self.sources = widgets.HTML()
        self.picker.observe(lambda change: self.load(change["new"]), names="value")
        controls.watch([self.picker], self._refused)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.picker, self.loading]),
                self.status,
                self.banner,
                self.body,
                self.sources,
            ],
            layout=widgets.Layout(max_width="1400px"),
        )
        self._show(session, inputs)

    def load(self, number: str) -> None:
        """Open the app for another municipality."""
        self.loading.value = "<span style='color:#555'>⏳ Laster …</span>"
        try:
            session = open_session(self.analysis.key, number, project_dir=str(self.project.root))
        except InputError as exc:
            self._fail(number, exc)
        else:
            self._show(session, None)
        finally:
            self.loading.value = ""

    def _refused(self, message: str) -> None:
        self.status.value = error_html(message)

    def _fail(self, municipality: str, exc: Exception) -> None:
        """Show a short Norwegian message and log the detail (never a traceback on the page)."""
        log.warning("could not open %s for %s: %s", self.analysis.key, municipality, exc)
        first = _reason(exc)
        self.status.value = (
            f"<p style='{ERROR_STYLE}'>{html.escape(self.analysis.title)} kan ikke vises for "
            f"{html.escape(municipality)}: {html.escape(first)}</p>"
        )
        self.banner.value = ""
        self.sources.value = ""
        self.body.children = []
        self.app = None

    def _show(self, session: Session, inputs) -> None:
        try:
            app = self.analysis.app(session, inputs)
        except (InputError, ValueError) as exc:
            self._fail(session.municipality.title, exc)
            return
        self.app = app
        self.status.value = ""
        self.banner.value = session.banner().data
        self.body.children = [app.widget]
        self.sources.value = sources_html(session)


def municipalities(analysis: Analysis, project: Project) -> list[tuple[str, str]]:
    """The municipalities whose parameter files set up ``analysis``, as (title, number)."""
    options = []
    for path in municipality_files(project.parameters_dir):
        try:
            municipality = Municipality.from_file(path)
        except InputError:
            continue  # `workbench validate` reports it; the app lists what can be opened
        if analysis.enabled_for(municipality):
            options.append((municipality.title, municipality.number))
    return options


def first_choice(analysis: Analysis, project: Project) -> str:
    """The municipality an app opens on: the first real one that has set up ``analysis``
    (a stakeholder should not meet the fictional one first), else the first of any; empty
    when none has."""
    real, any_ = [], []
    for path in municipality_files(project.parameters_dir):
        try:
            municipality = Municipality.from_file(path)
        except InputError:
            continue
        if analysis.enabled_for(municipality):
            any_.append(municipality.number)
            if not municipality.fictional:
                real.append(municipality.number)
    return (real or any_ or [""])[0]


def open_app(key: str, municipality: str, project_dir: str = "") -> widgets.Widget:
    """An app notebook's one call: the app for analysis ``key``, opened on ``municipality``.

    When that municipality cannot be opened (no parameter file, a broken one, the analysis
    not set up), the app opens on the first municipality that can, with a Norwegian note
    saying why; when none can, the page shows only a Norwegian message.

    Args:
        key: The analysis, a key in :data:`workbench.analyses.ANALYSES`.
        municipality: Four-digit number of the municipality to open first; empty for
            :func:`first_choice`.
        project_dir: Project folder; empty to locate it from the working directory (the
            notebook's folder under Voilà and nbval).

    Returns:
        The widget to show as the notebook's output.
    """
    if not municipality:  # the first real municipality set up, or the first of any
        try:
            municipality = first_choice(analyses.get(key), Project.locate(project_dir or None))
        except InputError as exc:
            return _message(f"Appen kan ikke vises: {_reason(exc)}")
    try:
        return AppShell(open_session(key, municipality, project_dir=project_dir)).widget
    except InputError as exc:
        first_problem = exc
    log.warning("could not open %s for %s: %s", key, municipality, first_problem)
    try:
        analysis = analyses.get(key)
        project = Project.locate(project_dir or None)
    except InputError as exc:
        return _message(f"Appen kan ikke vises: {_reason(exc)}")
    for _title, number in municipalities(analysis, project):
        if number == municipality:
            continue
        try:
            session = open_session(key, number, project_dir=str(project.root))
        except InputError:
            continue
        shell = AppShell(session)
        if shell.app is not None:
            shell.status.value = (
                f"<p style='{ERROR_STYLE}'>Kommune {html.escape(str(municipality))} kan ikke "
                f"åpnes ({html.escape(_reason(first_problem))}); viser "
                f"{html.escape(session.municipality.title)}.</p>"
            )
            return shell.widget
    return _message(
        f"{analysis.title} kan ikke vises: {_reason(first_problem)}; ingen annen kommune i "
        "prosjektet har satt opp analysen."
    )


def _reason(exc: Exception) -> str:
    """An error's first reason (in Norwegian for an :class:`InputError`), without file names."""
    if isinstance(exc, InputError) and exc.problems:
        return exc.problems[0].message
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _message(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p style='{ERROR_STYLE}'>{html.escape(text)}</p>")


def sources_html(session: Session) -> str:
    """The data behind the app for this municipality: each dataset's title, source and
    status (no file names)."""
    rows = "".join(
        f"<tr><td>{html.escape(p.title)}</td><td>{html.escape(p.publisher or '–')}</td>"
        f"<td>{html.escape(p.published or '–')}</td><td>{html.escape(p.source)}</td>"
        f"<td>{html.escape(STATUS_LABELS[p.status])}</td></tr>"
        for p in session.sources
    )
    return (
        "<details style='margin-top:1em'><summary>Datagrunnlag</summary>"
        "<table style='font-size:0.85em'><tr><th>Datasett</th><th>Utgiver</th>"
        "<th>Publisert</th><th>Kilde</th><th>Status</th></tr>"
        f"{rows}</table></details>"
    )
