"""The allocation viewer: moving a rule, and year, variant and area, change the right amounts."""

import contextlib
import io

import pandas as pd
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
    services_before = services(app)
    app.new_step.value = 3
    after = app.step_amounts()
    # the services move exactly; shared administration, spread in proportion to them, follows
    moved = services(app) - services_before
    assert moved[5] == pytest.approx(-amount) and moved[3] == pytest.approx(amount)
    assert (moved.drop([3, 5]).abs() < 0.005).all()
    assert after.sum() == pytest.approx(before.sum())
    admin = after - services(app).reindex(after.index, fill_value=0)
    assert admin[3] / admin[5] == pytest.approx(after[3] / after[5], rel=1e-6)
    assert (app.result.reconciliation["difference_ore"] == 0).all()


def services(app) -> pd.Series:
    """Kroner per step in 2024 without shared administration."""
    allocated = app.result.allocation
    shared = app.inputs.settings.administration_functions
    part = allocated[(allocated["year"] == 2024) & ~allocated["funksjon"].isin(shared)]
    return part.groupby("step")["amount_ore"].sum() / 100


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


def test_the_report_says_how_shared_administration_is_placed(app, project):
    """Demokommune's 2024 administration is 1,03² × 130 mill. kr = 137,9 mill. kr (its source
    entry); the default spreads it, «outside» lists it under «Ikke fordelt» with the reason."""
    from dataclasses import replace

    from workbench.analyses.allocation.report import (
        administration_sentence,
        outside_reasons,
        unallocated_frame,
    )

    session = open_session("allocation", "9999", project_dir=str(project.root))
    inputs = app.inputs
    text = administration_sentence(inputs, a.evaluate(inputs))
    assert text.startswith(
        "Felles administrasjon (funksjon 100, 110, 120, 121, 130 og 180) var 137,9\xa0mill.\xa0kr "
        "i 2024 og er fordelt på trinnene etter andelen av de øvrige kostnadene"
    )
    assert text.endswith(
        "Kommunen velger selv: fordelt etter andel (standard), holdt utenfor "
        "trappa eller plassert på trinnene fordelingsreglene gir."
    )
    outside = replace(
        inputs, settings=inputs.settings.model_copy(update={"administration": "outside"})
    )
    result = a.evaluate(outside)
    assert "holdt utenfor trappa" in administration_sentence(outside, result)
    table, _ = unallocated_frame(result.allocation, 2024, outside_reasons(session, outside))
    assert table["Beløp (kr)"].sum() == pytest.approx(130e6 * 1.03**2, abs=1)
    assert table["Hvorfor"].str.startswith("Felles administrasjon: holdt utenfor trappa").all()
    assert result.steps.set_index("step").loc[a.NOT_ALLOCATED, "share"] == pytest.approx(
        130e6 * 1.03**2 / result.steps["amount"].sum()
    )
