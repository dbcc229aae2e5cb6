"""The widget app: changing a widget updates the numbers to what a hand calculation gives."""

import pytest
from conftest import make_project

from workbench.analyses.calculator.app import CalculatorApp, build
from workbench.project import Project
from workbench.session import open_session


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(
        tmp_path_factory.mktemp("calculator-app") / "p",
        ("9999-demokommune.yaml", "3911-faerder.yaml"),
    )


@pytest.fixture
def app(project) -> CalculatorApp:
    return build(open_session("calculator", "3911", project_dir=str(project.root)))


def test_opens_on_the_seed_example(app):
    assert app.result.summary.loc[0, "annual_cost"] == pytest.approx(
        16.5 * 52 * 219 + 10 * 52 * 799
    )
    assert "603\u00a0382\u00a0kr" in app.summary_html.value
    assert "23,2" in app.affordable_html.value


def test_changing_a_quantity_updates_cost_and_affordable(app):
    app.editors[0].lines[0].quantity.text.value = "20"
    hand = 20 * 52 * 219 + 10 * 52 * 799
    assert app.result.summary.loc[0, "annual_cost"] == pytest.approx(hand)
    rows = app.result.affordable.set_index("service_id")
    assert rows.loc["dagaktivitet-bf10", "Alternativ 1"] == pytest.approx(hand / (500 * 52))


def test_changing_service_and_period(app):
    line = app.editors[0].lines[1]
    line.service.value = "bpa-dag"
    line.period.value = "day"
    assert app.result.summary.loc[0, "annual_cost"] == pytest.approx(
        16.5 * 52 * 219 + 10 * 365 * 395
    )


def test_adding_alternatives_beyond_three(app):
    for _ in range(3):
        app.add_alternative()
    app.editors[3].add_line()  # first catalogue service, 1 per week
    summary = app.result.summary
    assert list(summary["alternative"]) == [
        "Alternativ 1",
        "Alternativ 2",
        "Alternativ 3",
        "Alternativ 4",
    ]
    first_price = app.inputs.catalogue.iloc[0]["unit_price"]
    assert summary.loc[3, "annual_cost"] == pytest.approx(52 * first_price)
    assert summary.loc[1, "diff_cost"] == pytest.approx(-summary.loc[0, "annual_cost"])


def test_removing_a_line_and_the_last_alternative(app):
    app.editors[0].remove_line(app.editors[0].lines[1])
    assert app.result.summary.loc[0, "annual_cost"] == pytest.approx(16.5 * 52 * 219)
    app.remove_alternative(app.editors[0])
    assert "Minst ett alternativ" in app.status.value
    assert len(app.editors) == 1


def test_switching_package_resets_the_editors(project):
    app = build(open_session("calculator", "9999", project_dir=str(project.root)))
    assert len(app.editors) == 4
    app.package_picker.value = 1
    assert [e.name.value for e in app.editors] == ["Alternativ 1"]
    assert app.result.summary.loc[0, "annual_cost"] == pytest.approx(603_382)


def test_duplicate_names_are_reported_not_raised(app):
    app.add_alternative()
    app.editors[1].name.value = "Alternativ 1"
    assert "alternativnavn må være unike (gjentatt: Alternativ 1)" in app.status.value
    app.editors[1].name.value = "Annet"
    assert app.status.value == ""


def test_a_decimal_comma_and_point_mean_the_same(app):
    """«1,5» is one and a half, never fifteen, whatever the browser's language."""
    line = app.editors[0].lines[0]  # 16,5 timer per uke dagaktivitet at 219 kr
    line.quantity.text.value = "1,5"
    assert line.quantity.value == 1.5 and line.quantity.text.value == "1,5"
    comma = app.result.summary.loc[0, "annual_cost"]
    line.quantity.text.value = "1.5"
    assert (
        app.result.summary.loc[0, "annual_cost"]
        == comma
        == pytest.approx(1.5 * 52 * 219 + 10 * 52 * 799)
    )


def test_a_value_out_of_bounds_is_refused_with_a_message_and_the_old_value_kept(app):
    line = app.editors[0].lines[0]
    line.period.value = "day"  # timer per dag: at most 24
    line.quantity.text.value = "30"
    assert "må være mellom 0 og 24 timer per dag" in line.quantity.message.value
    assert line.quantity.value == 16.5 and line.quantity.text.value == "16,5"
    line.quantity.text.value = "abc"
    assert "«abc» er ikke et tall" in line.quantity.message.value
    line.quantity.text.value = "-1"
    assert "må være mellom 0 og 24" in line.quantity.message.value
    line.quantity.text.value = "8"
    assert line.quantity.message.value == "" and line.quantity.value == 8


def test_a_new_period_brings_the_quantity_within_its_bound(app):
    line = app.editors[0].lines[0]  # 16,5 timer per uke
    line.period.value = "day"
    assert line.quantity.value == 16.5  # below 24 timer per dag
    line.period.value = "week"
    line.quantity.text.value = "20"  # 20 timer per uke
    line.service.value = next(s for s in app.options if app.unit_of(s[1]) == "døgn")[1]
    assert line.quantity.value == 7  # at most 7 døgn per uke
    assert line.quantity.maximum == 7 and line.quantity.unit == "døgn per uke"


def test_alternatives_open_as_closed_sections_and_are_made_when_opened(project):
    app = build(open_session("calculator", "9999", project_dir=str(project.root)))
    titles = [a.name for a in app.inputs.packages[0].package.alternatives]
    assert app.sections.widget.titles == tuple(titles)
    assert app.sections.widget.selected_index is None
    assert not any(e.built for e in app.editors)  # the page opens without the line editors
    app.sections.widget.selected_index = 2  # a click on the third section
    assert [e.built for e in app.editors] == [False, False, True, False]
    third = app.inputs.packages[0].package.alternatives[2]
    assert [line.line() for line in app.editors[2].lines] == list(third.lines)
    app.editors[2].name.value = "Omdøpt"
    assert app.sections.widget.titles[2] == "Omdøpt"
    assert list(app.result.summary["alternative"])[2] == "Omdøpt"
