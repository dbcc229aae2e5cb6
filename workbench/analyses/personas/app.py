"""The persona explorer as a live widget app (JupyterLab workshops and Voilà).

Choose a persona, the number of persons, which trajectories to compare and which to phase
in, and edit an episode (its ages and its cost, hours or service quantities); the tables
and charts follow at once. Callbacks only rebuild the persona, call the engine and redraw.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
from pydantic import ValidationError

from workbench import controls
from workbench.analyses.personas.charts import phase_in_chart, trajectory_chart
from workbench.analyses.personas.engine import (
    Episode,
    Persona,
    PersonaResult,
    check_ages,
    check_persona_services,
    evaluate,
    first_saving_year,
)
from workbench.analyses.personas.load import PersonaInputs, load
from workbench.analyses.personas.report import (
    phase_frame,
    phase_summary,
    scaled_frame,
    totals_frame,
)
from workbench.apps import WRAP, Downloads, LiveApp, NumberField, chart_image, key_figure_band
from workbench.errors import InputError
from workbench.formatting import styled
from workbench.models import translate_errors
from workbench.outputs import KeyFigure
from workbench.session import Session

MAX_PERSONS = 1_000_000


class PersonasApp(LiveApp):
    """The persona explorer.

    Args:
        inputs: Catalogue, assumptions, personas and the municipality's settings.
        source: Source line for charts.
        illustrative: Mark charts as built on illustrative data.
    """

    def __init__(self, inputs: PersonaInputs, source: str, *, illustrative: bool):
        self.inputs = inputs
        self.source = source
        self.illustrative = illustrative
        self.persona: Persona = inputs.personas[0].persona
        self.result: PersonaResult | None = None
        self._drawn_yearly = None
        self.last_seconds = 0.0
        layout = widgets.Layout(width="460px")
        self.persona_picker = controls.Dropdown(
            options=[(p.persona.title, i) for i, p in enumerate(inputs.personas)],
            description="Persona",
            layout=layout,
        )
        self.own_persons = round(inputs.persons)
        self.persons = NumberField(
            self.own_persons,
            "Personer (N)",
            self.refresh,
            minimum=1,
            maximum=MAX_PERSONS,
            unit="personer",
            decimals=0,
        )
        self.shown = controls.SelectMultiple(description="Vis forløp", rows=3, layout=layout)
        self.reference = controls.Dropdown(
            description="Sammenlign mot", layout=layout, style={"description_width": "initial"}
        )
        self.phase_to = controls.Dropdown(description="Innfas", layout=layout)
        self.episode_trajectory = controls.Dropdown(description="Forløp", layout=layout)
        self.episode_picker = controls.Dropdown(
            description="Episode", layout=widgets.Layout(width="640px")
        )
        self.from_age = controls.BoundedIntText(description="Fra alder", min=0, max=120)
        self.to_age = controls.BoundedIntText(description="Til alder", min=0, max=120)
        self.amounts = widgets.VBox()
        self.fields: list[NumberField] = []
        self.status = widgets.HTML()
        self.downloads = Downloads("personas-sum")
        self.summary = widgets.HTML()
        self.totals_html = widgets.HTML()
        self.scaled_html = widgets.HTML()
        self.phase_html = widgets.HTML()
        self.chart = chart_image()
        self.phase_chart = chart_image()
        self.persona_picker.observe(lambda change: self.load(change["new"]), names="value")
        for control in (self.shown, self.reference, self.phase_to):
            control.observe(lambda _change: self.refresh(), names="value")
        self.episode_trajectory.observe(lambda _change: self._list_episodes(), names="value")
        self.episode_picker.observe(lambda _change: self._show_episode(), names="value")
        for control in (self.from_age, self.to_age):
            control.observe(lambda _change: self._edit_episode(), names="value")
        self.key_html = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self.key_html,
                self.chart,
                self.phase_chart,
                widgets.HTML("<h3>Velg persona og forløp</h3>"),
                self.persona_picker,
                widgets.HBox([self.persons.widget, self.reference], layout=WRAP),
                widgets.HBox([self.shown, self.phase_to], layout=WRAP),
                self.status,
                widgets.HTML("<h3>Forløpene</h3>"),
                self.totals_html,
                self.downloads.widget,
                widgets.HTML("<h3>Skalert og innfaset</h3>"),
                self.summary,
                self.scaled_html,
                self.phase_html,
                controls.Accordion(
                    children=[
                        widgets.VBox(
                            [
                                widgets.HBox(
                                    [self.episode_trajectory, self.episode_picker], layout=WRAP
                                ),
                                widgets.HBox([self.from_age, self.to_age], layout=WRAP),
                                self.amounts,
                            ]
                        )
                    ],
                    titles=("Endre en episode",),
                ),
                widgets.HTML(
                    f"<p style='font-size:0.85em;color:#444'>Kilde: {html.escape(source)}</p>"
                ),
            ]
        )
        self.watch(self.widget)
        self.load(0)

    def load(self, index: int) -> None:
        """Start over from persona ``index`` of the inputs (discarding edits)."""
        self.persona = self.inputs.personas[index].persona
        options = [(t.name, t.key) for t in self.persona.trajectories]
        keys = [key for _, key in options]
        with self._muted():
            self.shown.options = options
            self.shown.value = tuple(keys)
            self.reference.options = options
            self.reference.value = (
                self.inputs.settings.reference
                if self.inputs.settings.reference in keys
                else keys[0]
            )
            self.phase_to.options = options
            self.phase_to.value = (
                self.inputs.settings.phase_in_to
                if self.inputs.settings.phase_in_to in keys
                else keys[-1]
            )
            self.episode_trajectory.options = options
            self.episode_trajectory.value = keys[0]
        self._list_episodes()
        self.refresh()

    def _current_trajectory(self):
        return self.persona.trajectory(self.episode_trajectory.value)

    def _list_episodes(self) -> None:
        trajectory = self._current_trajectory()
        with self._muted():
            self.episode_picker.options = [
                (f"{e.from_age}–{e.to_age}: {e.label}", i)
                for i, e in enumerate(trajectory.episodes)
            ]
            self.episode_picker.value = 0 if trajectory.episodes else None
        self._show_episode()

    def _show_episode(self) -> None:
        episode = self._episode()
        if episode is None:
            self.fields = []
            self.amounts.children = []
            return
        with self._muted():
            self.from_age.value = episode.from_age
            self.to_age.value = episode.to_age
        controls = []
        if episode.services is None:
            for field, label in (
                ("annual_cost", "Årskostnad (kr)"),
                ("annual_hours", "Timer per år"),
            ):
                controls.append(
                    NumberField(getattr(episode, field), label, self._edit_episode, width="160px")
                )
        else:
            for line in episode.services:
                name = self.inputs.catalogue.loc[line.service, "service"]
                category = self.inputs.catalogue.loc[line.service, "category"]
                controls.append(
                    NumberField(
                        line.quantity, f"{category} – {name}", self._edit_episode, decimals=2
                    )
                )
        self.fields = controls
        self.amounts.children = [c.widget for c in controls]

    def _episode(self) -> Episode | None:
        trajectory = self._current_trajectory()
        index = self.episode_picker.value
        return None if index is None or not trajectory.episodes else trajectory.episodes[index]

    def _edit_episode(self) -> None:
        """Apply the episode editor to the persona; an invalid edit is shown, not applied."""
        if self._quiet:
            return
        episode = self._episode()
        if episode is None:
            return
        update = {"from_age": self.from_age.value, "to_age": self.to_age.value}
        values = [c.value for c in self.fields]
        if episode.services is None:
            update.update(annual_cost=values[0], annual_hours=values[1])
        else:
            update["services"] = [
                line.model_copy(update={"quantity": value})
                for line, value in zip(episode.services, values, strict=True)
            ]
        key, position = self.episode_trajectory.value, self.episode_picker.value
        try:
            edited = Episode.model_validate(episode.model_copy(update=update).model_dump())
            trajectories = [
                t.model_copy(
                    update={
                        "episodes": [
                            edited if (t.key, i) == (key, position) else e
                            for i, e in enumerate(t.episodes)
                        ]
                    }
                )
                for t in self.persona.trajectories
            ]
            candidate = self.persona.model_copy(update={"trajectories": trajectories})
            check_ages(candidate, None)
            check_persona_services(candidate, self.inputs.catalogue, None)
        except ValidationError as exc:
            self._error(translate_errors(exc)[0].message)
            return
        except InputError as exc:
            self._error(exc.problems[0].message)
            return
        self.persona = candidate
        with self._muted():
            labels = [
                (f"{e.from_age}–{e.to_age}: {e.label}", i)
                for i, e in enumerate(self._current_trajectory().episodes)
            ]
            current = self.episode_picker.value
            self.episode_picker.options = labels
            self.episode_picker.value = current
        self.refresh()

    def recompute(self) -> PersonaResult:
        """Evaluate the persona as edited and redraw the tables (not the charts)."""
        started = time.perf_counter()
        shown = list(self.shown.value) or None
        self.result = evaluate(
            self.persona,
            self.inputs,
            # Untouched, N is the municipality's own (N(t) where it comes from prevalence).
            persons=None if self.persons.value == self.own_persons else self.persons.value,
            trajectories=shown,
            reference=self.reference.value,
            phase_in_to=self.phase_to.value,
        )
        reference_name = self.persona.trajectory(self.reference.value).name
        totals = totals_frame(self.result.totals, reference_name)
        self.totals_html.value = styled(*totals).to_html()
        self.downloads.update(totals[0])
        self.scaled_html.value = styled(*scaled_frame(self.result.scaled, reference_name)).to_html()
        self.phase_html.value = styled(*phase_frame(self.result.phase)).to_html()
        self.summary.value = f"<p>{html.escape(phase_summary(self.result))}</p>"
        saving = first_saving_year(self.result.phase)
        self.key_html.value = key_figure_band(
            [
                *(
                    KeyFigure(
                        "", f"Drift per år, {row.trajectory_name.lower()}", row.annual_cost, "kr"
                    )
                    for row in self.result.scaled.itertuples()
                ),
                KeyFigure(
                    "",
                    "Nye personer per år"
                    if self.result.persons_by_year is None
                    else "Nye personer i år 1 (N fra forekomst)",
                    self.result.phase["new_persons"].iloc[0],
                    "personer",
                ),
                KeyFigure(
                    "",
                    "Første år med besparelse i driften",
                    saving or "ingen i perioden",
                    "år nr." if saving else "tekst",
                ),
            ]
        )
        self.last_seconds = time.perf_counter() - started
        return self.result

    def charts(self):
        """The charts that changed, each made as the previous one has been sent: the phase-in
        first (the number of persons moves it), the trajectories only when they changed."""
        yield (
            self.phase_chart,
            phase_in_chart(
                self.result.phase,
                f"Innfasing – {self.persona.title}",
                self.source,
                illustrative=self.illustrative,
            ),
        )
        if self._drawn_yearly is not None and self._drawn_yearly.equals(self.result.yearly):
            return
        self._drawn_yearly = self.result.yearly
        yield (
            self.chart,
            trajectory_chart(
                self.result.yearly, self.persona.title, self.source, illustrative=self.illustrative
            ),
        )


def build(session: Session, inputs=None):
    """The app for an open session (inputs loaded when not given)."""
    inputs = inputs or load(session)
    return PersonasApp(inputs, session.source_line(), illustrative=session.illustrative)
