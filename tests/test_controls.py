"""What a page sends to an app's controls: only what a person could choose is taken.

A hand-made client can send any state to a control (NaN to a slider, an empty choice, a
path into a number field, another property altogether). Each is refused with a Norwegian
message naming the field, the page is sent the control back, and the app keeps its last
good figures. The state is sent through ``Widget.set_state``, the public entry ipywidgets
calls for a page's update."""

from __future__ import annotations

import contextlib
import importlib
import io

import ipywidgets as widgets
import pytest
from conftest import make_project

from workbench import controls
from workbench.apps import ERROR_STYLE, LazySections, NumberField
from workbench.session import open_session


def test_each_kind_of_control_refuses_what_no_person_could_choose():
    refused: list[str] = []
    slider = controls.FloatSlider(value=45, min=0, max=100, description="Andel")
    year = controls.IntSlider(value=2040, min=2025, max=2040, description="Målår")
    choice = controls.Dropdown(options=["MMMM", "HHMH"], value="MMMM", description="Framskriving")
    several = controls.SelectMultiple(options=["a", "b"], value=["a"], description="Vis forløp")
    sections = controls.Accordion(children=[widgets.VBox(), widgets.VBox()])
    name = controls.Text(value="Hjemmetjenester", description="Navn")
    every = (slider, year, choice, several, sections, name)
    for control in every:
        control.on_refused = refused.append
    hostile = [
        (slider, {"value": float("nan")}),
        (slider, {"value": 1e308}),
        (slider, {"value": "/etc/passwd"}),
        (slider, {"value": True}),
        (year, {"value": 2030.5}),
        (year, {"value": 1900}),
        (choice, {"index": None}),
        (choice, {"index": 2}),
        (choice, {"index": -1}),
        (choice, {"description": "<script>"}),
        (several, {"index": [0, 7]}),
        (several, {"index": "0"}),
        (sections, {"selected_index": 5}),
        (name, {"value": "x" * (controls.TEXT_LIMIT + 1)}),
        (name, {"value": 12}),
    ]
    before = [c.get_state() for c in every]
    for control, state in hostile:
        control.set_state(state)
    assert [c.get_state() for c in every] == before
    assert len(refused) == len(hostile)
    assert "«Andel»: verdien er ikke et endelig tall. Forrige verdi er beholdt." in refused
    assert "«Andel»: må være mellom 0 og 100. Forrige verdi er beholdt." in refused
    assert "«Målår»: må være mellom 2025 og 2040. Forrige verdi er beholdt." in refused
    assert "«Målår»: verdien er ikke et helt tall. Forrige verdi er beholdt." in refused
    assert "«Framskriving»: valget finnes ikke. Forrige verdi er beholdt." in refused
    assert "«Framskriving»: kan ikke endre «description» fra siden. Forrige verdi er beholdt." in (
        refused
    )
    # what a person does still goes through
    slider.set_state({"value": 60.5})
    year.set_state({"value": 2030})
    choice.set_state({"index": 1})
    several.set_state({"index": [0, 1]})
    sections.set_state({"selected_index": None})
    name.set_state({"value": "Ny pakke"})
    assert (slider.value, year.value, choice.value) == (60.5, 2030, "HHMH")
    assert (several.value, sections.selected_index, name.value) == (("a", "b"), None, "Ny pakke")
    assert len(refused) == len(hostile)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("controls") / "p", ("9999-demokommune.yaml",))


def _tree(root: widgets.Widget) -> list[widgets.Widget]:
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        found.append(widget)
        stack.extend(getattr(widget, "children", ()) or ())
    return found


HOSTILE = [
    ("value", float("nan")),
    ("value", float("inf")),
    ("value", 1e308),
    ("value", -1e308),
    ("value", "/etc/passwd"),
    ("value", None),
    ("index", None),
    ("index", 99),
    ("index", [99]),
    ("selected_index", 99),
    ("layout", "IPY_MODEL_x"),
]


@pytest.mark.parametrize("analysis", ["allocation", "housing", "personas", "calculator"])
def test_every_control_of_every_app_keeps_its_last_good_state(project, analysis):
    session = open_session(analysis, "9999", project_dir=str(project.root))
    with contextlib.redirect_stdout(io.StringIO()):
        app = importlib.import_module(f"workbench.analyses.{analysis}.app").build(session)
    for part in list(vars(app).values()):
        if isinstance(part, LazySections):  # every section's controls made and watched
            for index in range(len(part.built)):
                part.ensure(index)
    tree = _tree(app.widget)
    inputs = [w for w in tree if isinstance(w, widgets.ValueWidget | widgets.Accordion)]
    inputs = [w for w in inputs if not isinstance(w, widgets.HTML | widgets.Image)]
    assert inputs and all(isinstance(w, controls.Guarded) for w in inputs)
    shown = [w for w in tree if isinstance(w, widgets.HTML | widgets.Image)]

    def state():
        return [w.get_state() for w in inputs], [w.value for w in shown]

    before = state()
    for control in inputs:
        for key, value in HOSTILE:
            if key not in control.keys and key != "layout":
                continue
            if (
                isinstance(control, controls.Text)
                and control.description
                and isinstance(value, str)
            ):
                continue  # a name: any short text is one (number fields have their label apart)
            with contextlib.redirect_stdout(io.StringIO()):
                control.set_state({key: value})
            messages = [w for w in shown if isinstance(w, widgets.HTML) and ERROR_STYLE in w.value]
            assert messages, (control, key, value)  # the app's or the field's own message
            for message in messages:
                message.value = ""
            assert state() == before, (control, key, value)


def test_a_path_in_a_number_field_is_refused_with_the_fields_message():
    changes = []
    field = NumberField(12.0, "Timer per uke", lambda: changes.append(1), maximum=168)
    for typed in ("/etc/passwd", "NaN", "1e308", "inf"):
        field.text.set_state({"value": typed})
        assert field.value == 12.0 and field.text.value == "12"
        assert field.message.value, typed
    assert changes == []
