"""The persona explorer: widget changes give the numbers a hand calculation gives."""

import contextlib
import io

import pytest
from conftest import make_project

from workbench.analyses.personas.app import PersonasApp, build
from workbench.project import Project
from workbench.session import open_session


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("personas-app") / "p", ("3911-faerder.yaml",))


@pytest.fixture
def app(project) -> PersonasApp:
    session = open_session("personas", "3911", project_dir=str(project.root))
    with contextlib.redirect_stdout(io.StringIO()):
        yield build(session)


def test_changing_n_rescales_the_phase_in(app):
    app.persons.text.value = "342"
    assert app.result.phase.loc[0, "extra_running_cost"] == pytest.approx(342 / 19 * 118_431)
    assert "18 nye personer per år" in app.summary.value  # 342 ÷ 19, a whole number


@pytest.mark.parametrize(
    ("typed", "persons", "message"),
    [
        ("1.200", 1200, ""),  # a point groups thousands: 1 200 persons, never 1
        ("1 200", 1200, ""),
        ("1,5", 684, "«1,5» er ikke et helt tall"),  # refused, not rounded to 2
        ("1.23", 684, ""),  # typed with a decimal point: 1,23 persons, refused as a fraction
    ],
)
def test_the_number_of_persons_is_read_as_meant_or_refused(app, typed, persons, message):
    app.persons.text.value = typed
    assert app.persons.value == persons
    assert message in app.persons.message.value
    if persons == 684:
        assert "er ikke et helt tall" in app.persons.message.value
    app.persons.text.value = "684"


def test_editing_an_episode_cost(app):
    app.fields[0].text.value = "300 000"  # normal, ages 73–75
    normal = app.result.totals.set_index("trajectory").loc["normal", "running_cost"]
    assert normal == pytest.approx(5_997_040 + 3 * (300_000 - 218_102))


def test_an_overlapping_edit_is_refused_with_a_message(app):
    app.to_age.value = 76
    assert "alder 76 er dekket både av" in app.status.value
    assert app.result.totals.set_index("trajectory").loc["normal", "running_cost"] == 5_997_040


def test_choosing_trajectories_and_phase_in(app):
    app.shown.value = ("normal", "reactive")
    assert list(app.result.totals["trajectory"]) == ["normal", "reactive"]
    app.phase_to.value = "reactive"
    assert app.result.phase.loc[5, "extra_running_cost"] == pytest.approx(
        684 / 19 * (-2 * 218_102 + 546_666 - 218_102)
    )


def test_editing_a_priced_episode(app):
    app.persona_picker.value = 1  # Johs built from services
    app.fields[0].text.value = "1,0"  # home nursing 1 h a day instead of 45 min
    first = app.result.yearly.set_index(["trajectory", "age"]).loc[("normal", 73), "running_cost"]
    assert first == pytest.approx(365 * 799)
