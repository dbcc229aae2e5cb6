"""The allocation viewer as a live widget app (JupyterLab workshops and Voilà).

Pick the year, the variant (all functions or without barnehage, skole and SFO) and a
tjenesteområde; move one part of a rule to another step and see the staircase change.
Which rule a ledger line matches does not depend on the steps, so matching runs once and
only the split is redone on each change.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import pandas as pd

from workbench import controls, plots
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.charts import staircase_chart
from workbench.analyses.allocation.engine import (
    ALL,
    VARIANTS,
    AllocationResult,
    evaluate,
    years,
)
from workbench.analyses.allocation.load import AllocationInputs, load
from workbench.analyses.allocation.report import (
    SOURCE_FORMATS,
    key_figures,
    reference_table,
    services_html,
    source_figure,
    source_frame,
    step_frame,
)
from workbench.apps import (
    CHART_DPI,
    WRAP,
    Downloads,
    LiveApp,
    chart_image,
    controls_over,
    key_figure_band,
)
from workbench.formatting import percent, styled
from workbench.session import Session

KEY_FIGURES = ("total", "steps_1_4_share", "steps_9_12_share", "not_allocated_share")
"""The figures shown as large numbers at the top."""


class AllocationApp(LiveApp):
    """The allocation viewer.

    Args:
        inputs: The municipality's allocation inputs (with a ledger).
        title: Municipality title for the chart.
        source: Source line for the chart.
        illustrative: Mark the chart as built on illustrative data.
    """

    def __init__(self, inputs: AllocationInputs, title: str, source: str, *, illustrative: bool):
        self.inputs = inputs
        self.title = title
        self.source = source
        self.illustrative = illustrative
        self.parts = inputs.parts.copy()
        self.rule_of_line = allocation.match(inputs.ledger, inputs.rules)
        self.result: AllocationResult | None = None
        self.last_seconds = 0.0
        self.year = controls.Dropdown(
            options=years(inputs), value=years(inputs)[-1], description="År"
        )
        self.variant = controls.Dropdown(
            options=[(label, key) for key, label in VARIANTS.items()],
            description="Variant",
            layout=widgets.Layout(width="380px"),
        )
        areas = sorted(set(self.parts["area"]))
        self.area = controls.Dropdown(
            options=[ALL, *areas],
            description="Tjenesteområde",
            style={"description_width": "initial"},
        )
        used = sorted(set(self.rule_of_line[self.rule_of_line >= 0]))
        self.part_picker = controls.Dropdown(
            options=self._part_options(used),
            description="Regel",
            layout=widgets.Layout(width="820px"),
        )
        step_options = [
            (f"{s} {n}", int(s))
            for s, n in zip(inputs.steps["step"], inputs.steps["name"], strict=True)
        ]
        self.new_step = controls.Dropdown(
            options=step_options, description="Flytt til", layout=widgets.Layout(width="460px")
        )
        self.status = widgets.HTML()
        self.downloads = Downloads("okonomifordeling")
        self.table_html = widgets.HTML()
        self.services_html = widgets.HTML()
        self.chart = chart_image()
        for control in (self.year, self.variant, self.area):
            control.observe(lambda _change: self.refresh(), names="value")
        self.part_picker.observe(lambda _change: self._show_part(), names="value")
        self.new_step.observe(lambda _change: self._move(), names="value")
        self.key_html = widgets.HTML()
        view = (
            "<p><strong>Regnskapet per KOSTRA-funksjon fra SSB</strong>, fordelt med "
            "standardreglene: kommunens eget regnskap er ikke lagt inn ennå.</p>"
            if inputs.view == "kostra"
            else ""
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(view),
                self.key_html,
                controls_over(
                    [
                        widgets.HBox([self.year, self.variant, self.area], layout=WRAP),
                        widgets.HTML("<strong>Flytt en regel</strong>"),
                        self.part_picker,
                        self.new_step,
                        self.status,
                    ],
                    [self.chart],
                ),
                self.table_html,
                self.downloads.widget,
                self.services_html,
                widgets.HTML(
                    f"<p style='font-size:0.85em;color:#444'>Kilde: {html.escape(source)}</p>"
                ),
            ]
        )
        self.watch(self.widget)
        self._show_part()
        self.refresh()

    def _part_options(self, used: list[int]) -> list[tuple[str, int]]:
        options = []
        for index, part in self.parts[self.parts["rule_id"].isin(used)].iterrows():
            rule = self.inputs.rules[int(part["rule_id"])]
            options.append(
                (
                    f"{rule.label()} → trinn {part['step']} ({percent(part['fraction'], 0)}, "
                    f"{part['area']})",
                    int(index),
                )
            )
        return options

    def _show_part(self) -> None:
        if self.part_picker.value is None:
            return
        with self._muted():
            self.new_step.value = int(self.parts.loc[self.part_picker.value, "step"])

    def _move(self) -> None:
        """Send the chosen rule part to the chosen step."""
        if self._quiet or self.part_picker.value is None:
            return
        rule_id = self.parts.loc[self.part_picker.value, "rule_id"]
        siblings = self.parts[
            (self.parts["rule_id"] == rule_id) & (self.parts.index != self.part_picker.value)
        ]
        if self.new_step.value in set(siblings["step"]):
            self._error(
                f"regelen har allerede en del på trinn {self.new_step.value}; velg et annet trinn"
            )
            return
        self.parts.loc[self.part_picker.value, "step"] = self.new_step.value
        used = sorted(set(self.rule_of_line[self.rule_of_line >= 0]))
        current = self.part_picker.value
        with self._muted():
            self.part_picker.options = self._part_options(used)
            self.part_picker.value = current
        self.refresh()

    def recompute(self) -> AllocationResult:
        started = time.perf_counter()
        self.result = evaluate(
            self.inputs,
            year=self.year.value,
            variant=self.variant.value,
            area=self.area.value,
            parts=self.parts,
            rule_of_line=self.rule_of_line,
        )
        table = step_frame(self.result.steps)
        self.table_html.value = styled(*table).to_html()
        figures = {f.key: f for f in key_figures(self.inputs, self.result)}
        self.key_html.value = key_figure_band(figures[k] for k in KEY_FIGURES)
        self.downloads.update(table[0])
        self.services_html.value = services_html(self.inputs, self.result.steps)
        self.last_seconds = time.perf_counter() - started
        return self.result

    def charts(self):
        """The charts for the current result."""
        label = "" if self.area.value == ALL else f", {self.area.value}"
        return [
            (
                self.chart,
                staircase_chart(
                    self.result.steps,
                    f"Økonomifordeling {self.year.value} – {self.title}{label}",
                    self.source,
                    illustrative=self.illustrative,
                ),
            )
        ]

    def step_amounts(self) -> pd.Series:
        """Current amount per step in kroner (for tests and benchmarks)."""
        return self.result.steps.set_index("step")["amount"]


class SourceFigures:
    """What the app shows for a municipality that has not entered its accounts: the
    source's own figures per step, as the report does."""

    def __init__(self, session: Session, inputs: AllocationInputs):
        figures = {f.key: f for f in key_figures(inputs, None)}
        chart = chart_image()
        figure = source_figure(session, inputs)
        chart.value = plots.png_bytes(figure, CHART_DPI)
        plots.plt.close(figure)
        table = styled(source_frame(inputs), SOURCE_FORMATS).to_html()
        self.widget = widgets.VBox(
            [
                widgets.HTML(key_figure_band([figures["source_total"]])),
                widgets.HTML(
                    "<p>Kommunen har ikke lagt inn regnskapet ennå; her er fordelingen slik "
                    "kilden oppgir den.</p>"
                ),
                chart,
                widgets.HTML(f"<h3>Kildens tall {inputs.settings.year}</h3>{table}"),
                widgets.HTML(services_html(inputs, reference_table(inputs))),
            ]
        )


def build(session: Session, inputs=None):
    """The app for an open session (inputs loaded when not given); the source's own figures
    when the municipality has no ledger."""
    inputs = inputs or load(session)
    if inputs.ledger is None:
        return SourceFigures(session, inputs)
    return AllocationApp(
        inputs, session.municipality.title, session.source_line(), illustrative=session.illustrative
    )
