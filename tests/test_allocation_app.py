"""The allocation viewer: moving a rule, and year, variant and area, change the right amounts."""

import contextlib
import io

import pytest
from conftest import make_project

from workbench.analyses.allocation import engine as a
from workbench.analyses.allocation.app import AllocationApp, build
from workbench.project import Project
from workbench.session import open_session


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("allocation-app") / "p", ("9999-demokommune.yaml",))


@pytest.fixture
def app(project) -> AllocationApp:
    session = open_session("allocation", "9999", project_dir=str(project.root))
    with contextlib.redirect_stdout(io.StringIO()):
        app = build(session)
    assert isinstance(app, AllocationApp)  # the demo municipality has a ledger
    yield app


def test_moving_a_rule_moves_exactly_its_amount(app):
    before = app.step_amounts()
    index = next(
        i for label, i in app.part_picker.options if "funksjon 265" in label and "trinn 5" in label
    )
    app.part_picker.value = index
    moved_rows = app.result.allocation[
        (app.result.allocation["rule_id"] == app.parts.loc[index, "rule_id"])
        & (app.result.allocation["step"] == 5)
        & (app.result.allocation["year"] == 2024)
    ]
    amount = moved_rows["amount_ore"].sum() / 100
    app.new_step.value = 3
    after = app.step_amounts()
    assert after[5] == pytest.approx(before[5] - amount)
    assert after[3] == pytest.approx(before[3] + amount)
    assert after.sum() == pytest.approx(before.sum())
    assert (app.result.reconciliation["difference_ore"] == 0).all()


def test_a_part_cannot_join_a_step_its_rule_already_has(app):
    index = next(
        i for label, i in app.part_picker.options if "funksjon 265" in label and "trinn 5" in label
    )
    app.part_picker.value = index
    app.new_step.value = 8  # the same rule's other part is on step 8
    assert "har allerede en del på trinn 8" in app.status.value


def test_year_variant_and_area(app):
    app.variant.value = "uten"
    assert app.step_amounts()[1] < app.result.steps["amount"].sum()
    app.area.value = "Pleie og omsorg"
    amounts = app.step_amounts()
    assert amounts[1] == 0 and amounts[a.NOT_ALLOCATED] == 0 and amounts[11] > 0
    app.year.value = 2022
    assert app.result.year == 2022


def test_the_app_shows_the_gaps_and_never_another_municipalitys_services(app):
    """Demokommune has no list of services of its own, so Færder's is not shown; every step
    has a cost: no gap in its staircase."""
    shown = app.services_html.value
    assert "Hull i trappa" in shown and "Tjenestene på hvert trinn" not in shown
    assert "Ingen trinn står uten kostnad eller uten mottakere." in shown
    assert "Frisklivssentral" not in shown and "Færder" not in shown
