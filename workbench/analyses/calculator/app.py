"""The calculator as a live widget app (JupyterLab workshops and Voilà).

The user picks a package, edits services, quantities and periods for any number of
alternatives, and sees cost, hours, årsverk and *hva har vi råd til* update at once. The
callbacks only rebuild the package from the widgets, call the engine and redraw.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd

from workbench import controls
from workbench.analyses.calculator.charts import calculator_chart
from workbench.analyses.calculator.engine import Result, evaluate
from workbench.analyses.calculator.load import CalculatorInputs, load
from workbench.analyses.calculator.report import (
    HOURS_NOTE,
    PERIOD_LABELS,
    affordable_frame,
    summary_frame,
)
from workbench.apps import (
    Downloads,
    LazySections,
    LiveApp,
    NumberField,
    chart_image,
    key_figure_band,
)
from workbench.catalogue import service_label
from workbench.formatting import styled
from workbench.outputs import KeyFigure
from workbench.pricing import Alternative, Package, PackageLine, quantity_limit
from workbench.session import Session

ALL_STEPS = 0


class _LineEditor:
    """One line: service, quantity, period and a remove button."""

    def __init__(
        self,
        options: list[tuple[str, str]],
        line: PackageLine,
        on_change: Callable[[], None],
        on_remove: Callable[[_LineEditor], None],
        unit_of: Callable[[str], str],
    ):
        self.service = controls.Dropdown(
            options=options,
            value=line.service,
            description="Tjeneste",
            layout=widgets.Layout(width="560px"),
            style={"description_width": "initial"},
        )
        self.unit_of = unit_of
        self.on_change = on_change
        self.quantity = NumberField(line.quantity, "Antall", self._quantity_changed, decimals=2)
        self.period = controls.Dropdown(
            options=[(label, key) for key, label in PERIOD_LABELS.items()],
            value=line.period,
            layout=widgets.Layout(width="110px"),
        )
        self.visits = line.visits
        self.remove = widgets.Button(
            description="Fjern",
            icon="trash",
            layout=widgets.Layout(width="80px"),
            tooltip="Fjern linjen",
        )
        for control in (self.service, self.period):
            control.observe(lambda _change: self._bounds_changed(), names="value")
        self.remove.on_click(lambda _button: on_remove(self))
        self._bounds_changed(notify=False)
        self.box = widgets.HBox(
            [self.service, self.quantity.widget, self.period, self.remove],
            layout=widgets.Layout(align_items="flex-end", flex_flow="row wrap"),
        )

    def _quantity_changed(self) -> None:
        self.on_change()

    def _bounds_changed(self, notify: bool = True) -> None:
        """A new service or period: the quantity's bound follows its unit (24 timer per
        dag, 7 døgn per uke); a quantity above it is brought down to it."""
        maximum, unit = quantity_limit(self.unit_of(self.service.value), self.period.value)
        self.quantity.unit = unit
        self.quantity.set(min(self.quantity.value, maximum), maximum)
        if notify:
            self.on_change()

    def line(self) -> PackageLine:
        return PackageLine(
            service=self.service.value,
            quantity=self.quantity.value,
            period=self.period.value,
            visits=self.visits,
        )


class _AlternativeEditor:
    """One alternative: its name and lines, with buttons to add a line or drop it.

    Its widgets are made the first time its section is opened (or its ``name`` or ``lines``
    are asked for); until then it stands for the alternative as the package file gives it.
    """

    def __init__(self, app: CalculatorApp, alternative: Alternative):
        self.app = app
        self.start = alternative
        self.box = widgets.VBox()
        self._name: widgets.Text | None = None
        self._lines: list[_LineEditor] = []

    @property
    def built(self) -> bool:
        return self._name is not None

    @property
    def title(self) -> str:
        return (
            self._name.value if self._name is not None else self.start.name
        ).strip() or "Uten navn"

    @property
    def name(self) -> widgets.Text:
        self.build()
        return self._name

    @property
    def lines(self) -> list[_LineEditor]:
        self.build()
        return self._lines

    def build(self) -> None:
        """Make the widgets (once)."""
        if self.built:
            return
        app = self.app
        self._name = controls.Text(
            value=self.start.name, description="Navn", layout=widgets.Layout(width="420px")
        )
        self._name.observe(lambda _change: app.name_changed(), names="value")
        self.lines_box = widgets.VBox()
        add = widgets.Button(description="Legg til tjeneste", icon="plus")
        add.on_click(lambda _button: self.add_line())
        remove = widgets.Button(
            description="Fjern alternativ", icon="trash", button_style="warning"
        )
        remove.on_click(lambda _button: app.remove_alternative(self))
        for line in self.start.lines:
            self._append(line)
        self.box.children = [widgets.HBox([self._name, remove]), self.lines_box, add]

    def _append(self, line: PackageLine) -> None:
        editor = _LineEditor(
            self.app.options, line, self.app.refresh, self.remove_line, self.app.unit_of
        )
        self._lines.append(editor)
        self.app.watch(editor.box)
        self.lines_box.children = [e.box for e in self._lines]

    def add_line(self) -> None:
        self.build()
        self._append(PackageLine(service=self.app.options[0][1], quantity=1, period="week"))
        self.app.refresh()

    def remove_line(self, editor: _LineEditor) -> None:
        self._lines.remove(editor)
        self.lines_box.children = [e.box for e in self._lines]
        self.app.refresh()

    def alternative(self) -> Alternative:
        if not self.built:
            return self.start
        return Alternative(name=self.title, lines=[e.line() for e in self._lines])


class CalculatorApp(LiveApp):
    """The calculator app.

    Args:
        inputs: Catalogue, assumptions and the packages to start from.
        source: Source line shown under the results and on the chart.
        illustrative: Mark the results as built on illustrative data.
    """

    def __init__(self, inputs: CalculatorInputs, source: str, *, illustrative: bool):
        self.inputs = inputs
        self.source = source
        self.illustrative = illustrative
        self.options = [(service_label(row), sid) for sid, row in inputs.catalogue.iterrows()]
        self.result: Result | None = None
        self.last_seconds = 0.0
        self.package_picker = controls.Dropdown(
            options=[(p.package.title, i) for i, p in enumerate(inputs.packages)],
            description="Pakke",
            layout=widgets.Layout(width="560px"),
        )
        self.package_picker.observe(lambda change: self.load(change["new"]), names="value")
        steps = sorted(inputs.catalogue["step"].unique())
        self.step_filter = controls.Dropdown(
            options=[("Alle trinn", ALL_STEPS)] + [(f"Trinn {s}", int(s)) for s in steps],
            description="Vis trinn",
        )
        self.step_filter.observe(lambda _change: self._render_affordable(), names="value")
        add = widgets.Button(description="Legg til alternativ", icon="plus", button_style="info")
        add.on_click(lambda _button: self.add_alternative())
        self.editors: list[_AlternativeEditor] = []
        self.sections = LazySections([], self._open_editor, self.watch)
        self.status = widgets.HTML()
        self.downloads = Downloads("ressurskalkulator")
        self.summary_html = widgets.HTML()
        self.affordable_html = widgets.HTML()
        self.chart = chart_image()
        footer = widgets.HTML(
            f"<p style='font-size:0.85em;color:#444'>Kilde: {html.escape(source)}</p>"
        )
        self.key_html = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self.key_html,
                self.chart,
                widgets.HTML("<h3>Sammenligning per år</h3>"),
                self.summary_html,
                self.downloads.widget,
                widgets.HTML("<h3>Endre alternativene</h3>"),
                self.package_picker,
                widgets.HTML(
                    "<p style='font-size:0.9em;color:#333'>Åpne et alternativ for å endre "
                    "tjenester, antall og periode.</p>"
                ),
                self.sections.widget,
                add,
                self.status,
                widgets.HTML("<h3>Hva har vi råd til for samme sum?</h3>"),
                self.step_filter,
                self.affordable_html,
                footer,
            ]
        )
        self.watch(self.widget)
        self.load(0)

    def load(self, index: int) -> None:
        """Start over from package ``index`` of the inputs."""
        self.editors = [
            _AlternativeEditor(self, a) for a in self.inputs.packages[index].package.alternatives
        ]
        self._show_editors()
        self.refresh()

    def _show_editors(self) -> None:
        """One closed section per alternative (its widgets made when it is opened)."""
        self.sections.replace(
            [e.box for e in self.editors],
            [e.built for e in self.editors],
            (e.title for e in self.editors),
        )

    def _open_editor(self, index: int) -> list[widgets.Widget]:
        editor = self.editors[index]
        with self._muted():
            editor.build()
        return list(editor.box.children)

    def name_changed(self) -> None:
        """An alternative was renamed: its section's title and the figures follow."""
        self.sections.set_titles(e.title for e in self.editors)
        self.refresh()

    def add_alternative(self) -> None:
        taken = {e.name.value for e in self.editors}
        number = len(self.editors) + 1
        while f"Alternativ {number}" in taken:
            number += 1
        self.editors.append(_AlternativeEditor(self, Alternative(name=f"Alternativ {number}")))
        self._show_editors()
        self.sections.widget.selected_index = len(self.editors) - 1  # opened, to fill in
        self.refresh()

    def remove_alternative(self, editor: _AlternativeEditor) -> None:
        if len(self.editors) == 1:
            self.status.value = (
                "<span style='color:#b00020'>Minst ett alternativ må være med.</span>"
            )
            return
        self.editors.remove(editor)
        self._show_editors()
        self.refresh()

    def unit_of(self, service: str) -> str:
        """The catalogue's unit of a service (``time``, ``døgn`` …)."""
        return self.inputs.catalogue.loc[service, "unit"]

    def package(self) -> Package:
        """The package as the widgets show it now."""
        title = self.inputs.packages[self.package_picker.value].package.title
        return Package(title=title, alternatives=[e.alternative() for e in self.editors])

    def recompute(self) -> Result:
        """Rebuild the package from the widgets, evaluate it and redraw the tables (not the chart)."""
        started = time.perf_counter()
        self.result = evaluate(self.package(), self.inputs.catalogue, self.inputs.assumptions)
        summary, formats = summary_frame(self.result.summary)
        note = (
            f"<p><em>{HOURS_NOTE}</em></p>" if self.result.summary["hours_incomplete"].any() else ""
        )
        self.summary_html.value = styled(summary, formats).to_html() + note
        self.key_html.value = key_figure_band(
            KeyFigure("", f"Årskostnad, {row.alternative}", row.annual_cost, "kr")
            for row in self.result.summary.itertuples()
        )
        self.downloads.update(summary)
        self._render_affordable()
        self.last_seconds = time.perf_counter() - started
        return self.result

    def _render_affordable(self) -> None:
        if self.result is None:
            return
        table = self.result.affordable
        if self.step_filter.value != ALL_STEPS:
            table = table[table["step"] == self.step_filter.value]
        names = list(self.result.summary["alternative"])
        shown, formats = affordable_frame(table, names)
        self.affordable_html.value = styled(shown, formats).to_html()

    def charts(self):
        """The chart for the current result."""
        figure = calculator_chart(
            self.result.summary, self.package().title, self.source, illustrative=self.illustrative
        )
        return [(self.chart, figure)]


def summary_values(app: CalculatorApp) -> pd.DataFrame:
    """The app's current summary (for tests and benchmarks)."""
    if app.result is None:
        app.recompute()
    return app.result.summary


def build(session: Session, inputs=None):
    """The app for an open session (inputs loaded when not given)."""
    inputs = inputs or load(session)
    return CalculatorApp(inputs, session.source_line(), illustrative=session.illustrative)
