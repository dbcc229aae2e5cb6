"""The housing-profile scenario as a live widget app (JupyterLab workshops and Voilà).

Sliders set the alternative profile's share of each housing step for each age group; the
other steps of the group are rescaled so the group always sums to 100 %. The target year
and the projection alternative are chosen too, and the summary table and charts follow.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import pandas as pd

from workbench import controls
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.charts import profile_chart, staffing_chart
from workbench.analyses.housing.engine import HousingResult, evaluate
from workbench.analyses.housing.load import HousingInputs, load
from workbench.analyses.housing.report import (
    key_figures,
    profile_frame,
    scope_note,
    step_names,
    summary_frame,
    summary_numbers,
)
from workbench.apps import (
    WRAP,
    Downloads,
    LazySections,
    LiveApp,
    PercentSlider,
    chart_image,
    controls_over,
    key_figure_band,
)
from workbench.formatting import age_range, styled
from workbench.population import AGE_GROUPS
from workbench.session import Session

KEY_FIGURES = ("staff_base", "growth", "practice", "cost_share")
"""The summary rows shown as large numbers at the top."""


class HousingApp(LiveApp):
    """The housing scenario app.

    Args:
        inputs: The municipality's housing inputs.
        base_year, target_year: From the municipality's parameters.
        step_names: Names of the six housing steps.
        source: Source line for charts.
        illustrative: Mark charts as built on illustrative data.
    """

    def __init__(
        self,
        inputs: HousingInputs,
        base_year: int,
        target_year: int,
        step_names: list[str],
        source: str,
        *,
        illustrative: bool,
    ):
        self.inputs = inputs
        self.base_year = base_year
        self.default_target_year = target_year
        self.step_names = step_names
        self.source = source
        self.illustrative = illustrative
        self.result: HousingResult | None = None
        self._drawn_profile: pd.DataFrame | None = None
        self.last_seconds = 0.0
        last_year = int(inputs.data.population["year"].max())
        self.target_year = controls.IntSlider(
            value=target_year,
            min=base_year + 1,
            max=last_year,
            description="Målår",
            continuous_update=False,
        )
        self.projection = controls.Dropdown(
            options=inputs.data.alternatives,
            value=inputs.settings.projection,
            description="Framskriving",
            style={"description_width": "initial"},
        )
        self.shares: dict[str, dict[int, float]] = {
            group: dict(zip(part["step"], part["share"], strict=True))
            for group, part in inputs.data.target_shares.groupby("age_group", sort=False)
        }
        self.sliders: dict[tuple[str, int], PercentSlider] = {}
        """The sliders of the age groups opened so far, by (age group, step)."""
        self.profile = LazySections(
            (
                f"{age_range(group)} år: alternativ profil i målåret (prosent)"
                for group in AGE_GROUPS
            ),
            self._group_sliders,
            self.watch,
        )
        for control in (self.target_year, self.projection):
            control.observe(lambda _change: self.refresh(), names="value")
        self.summary_html = widgets.HTML()
        self.key_html = widgets.HTML()
        self.status = widgets.HTML()
        self.downloads = Downloads("boligprofil-sammendrag")
        self.profile_chart = chart_image()
        self.staffing_chart = chart_image()
        self.widget = widgets.VBox(
            [
                self.key_html,
                controls_over(
                    [
                        widgets.HBox([self.target_year, self.projection], layout=WRAP),
                        self.profile.widget,
                        self.status,
                    ],
                    [self.staffing_chart, self.profile_chart],
                ),
                widgets.HTML("<h3>Sammendrag</h3>"),
                self.summary_html,
                self.downloads.widget,
                widgets.HTML(
                    f"<p style='font-size:0.85em;color:#444'>Kilde: {html.escape(source)}</p>"
                ),
            ]
        )
        self.watch(self.widget)
        self.refresh()

    def _group_sliders(self, index: int) -> list[widgets.Widget]:
        """The sliders of one age group (made when its section is first opened)."""
        group = AGE_GROUPS[index]
        for step in housing.STEPS:
            self.sliders[(group, step)] = PercentSlider(
                round(self.shares[group][step] * 100, 1),
                f"{step} {self.step_names[step - 1]}",
                lambda percent, s=step: self._slide(group, s, percent),
            )
        return [widgets.HBox([self.sliders[(group, s)].widget for s in housing.STEPS], layout=WRAP)]

    def open_group(self, group: str) -> None:
        """Open an age group's sliders, as a click on its section does."""
        index = AGE_GROUPS.index(group)
        self.profile.ensure(index)
        self.profile.widget.selected_index = index

    def target_shares(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(g, s, v) for g, steps in self.shares.items() for s, v in steps.items()],
            columns=["age_group", "step", "share"],
        )

    def _slide(self, group: str, step: int, percent: float) -> None:
        if self._quiet:
            return
        self.shares[group] = housing.rebalance(self.shares[group], step, percent / 100)
        with self._muted():
            for other, value in self.shares[group].items():
                self.sliders[(group, other)].value = round(value * 100, 1)  # its group is open
        self.refresh()

    def recompute(self) -> HousingResult:
        """Evaluate the scenario and redraw the summary table (not the charts)."""
        started = time.perf_counter()
        self.result = evaluate(
            self.inputs,
            self.base_year,
            self.target_year.value,
            projection=self.projection.value,
            target_shares=self.target_shares(),
        )
        reference = self.reference()
        summary = summary_frame(self.result.summary, reference)
        self.summary_html.value = styled(*summary).to_html() + (
            f"<p style='font-size:0.85em'>{html.escape(scope_note(self.inputs))}</p>"
        )
        figures = {f.key: f for f in key_figures(self.result, reference)}
        self.key_html.value = key_figure_band(figures[k] for k in KEY_FIGURES)
        self.downloads.update(summary_numbers(self.result.summary, reference))
        self.last_seconds = time.perf_counter() - started
        return self.result

    def reference(self) -> pd.DataFrame | None:
        """The source's summary, where the municipality has one and the scenario is the
        source's year and projection (the source's figures are for them; the profile may
        differ, and the deviation then shows what the sliders change)."""
        settings = self.inputs.settings
        if (
            self.target_year.value != self.default_target_year
            or self.projection.value != settings.projection
        ):
            return None
        return self.inputs.reference

    def charts(self):
        """The charts that changed, each made as the previous one has been sent: årsverk and
        cost first (every control moves it), the profile only when shares or year moved."""
        target = self.target_year.value
        staffing = (
            self.staffing_chart,
            staffing_chart(
                self.result.band,
                self.projection.value,
                "Årsverk og kostnader",
                self.source,
                illustrative=self.illustrative,
            ),
        )
        yield staffing
        profile = profile_frame(self.inputs, self.target_shares(), self.base_year, target)
        if self._drawn_profile is not None and self._drawn_profile.equals(profile):
            return
        self._drawn_profile = profile
        yield (
            self.profile_chart,
            profile_chart(
                profile, self.step_names, "Boligprofil", self.source, illustrative=self.illustrative
            ),
        )


def build(session: Session, inputs=None):
    """The app for an open session (inputs loaded when not given)."""
    inputs = inputs or load(session)
    m = session.municipality
    return HousingApp(
        inputs,
        m.base_year,
        m.target_year,
        step_names(session),
        session.source_line(),
        illustrative=session.illustrative,
    )
