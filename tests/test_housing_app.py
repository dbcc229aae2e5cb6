"""The housing scenario app: sliders, target year and projection move the figures as they should."""

import contextlib
import io

import pytest
from conftest import make_project

from workbench.analyses.housing.app import HousingApp, build
from workbench.project import Project
from workbench.session import open_session


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("housing-app") / "p", ("9999-demokommune.yaml",))


@pytest.fixture
def app(project) -> HousingApp:
    session = open_session("housing", "9999", project_dir=str(project.root))
    with contextlib.redirect_stdout(io.StringIO()):
        yield build(session)


def test_a_slider_keeps_its_age_group_at_100_percent(app):
    before = app.result.summary.set_index("key").loc["staff_alt", "value"]
    app.open_group("90+")
    app.sliders[("90+", 1)].value = 60.0
    group = [app.sliders[("90+", s)].value for s in range(1, 7)]
    assert sum(group) == pytest.approx(100, abs=0.3)
    assert app.shares["90+"][1] == 0.6
    after = app.result.summary.set_index("key").loc["staff_alt", "value"]
    assert after < before  # more of the oldest on step 1 needs fewer årsverk


def test_target_year_and_projection(app):
    app.projection.value = "HHMH"
    high = app.result.summary.set_index("key").loc["growth", "value"]
    app.projection.value = "LLML"
    low = app.result.summary.set_index("key").loc["growth", "value"]
    assert low < high
    app.target_year.value = 2035
    assert "i 2035" in app.summary_html.value


def test_slider_read_outs_are_norwegian_percent_and_follow_the_rebalance(app):
    app.open_group("90+")
    app.sliders[("90+", 1)].value = 60.0
    assert "60,0\u00a0%" in app.sliders[("90+", 1)].readout.value
    others = [app.sliders[("90+", s)] for s in range(2, 7)]
    for slider in others:  # the rest of the age group was scaled to fill 40 %
        shown = slider.readout.value
        assert f"{slider.value:.1f}".replace(".", ",") + "\u00a0%" in shown


def test_sliders_are_made_when_their_age_group_is_opened(app):
    assert app.sliders == {}  # the page opens without them
    app.open_group("80-89")
    assert {group for group, _ in app.sliders} == {"80-89"}
    assert app.profile.widget.selected_index == 1
    shown = [app.sliders[("80-89", s)].value for s in range(1, 7)]
    assert shown == [round(app.shares["80-89"][s] * 100, 1) for s in range(1, 7)]


def test_key_figures_come_first_in_large_type(app):
    first = app.widget.children[0].value
    growth = app.result.summary.set_index("key").loc["growth"]
    assert "font-size:1.7em" in first
    assert growth["label"] in first


@pytest.fixture(scope="module")
def faerder(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("housing-app-3911") / "p", ("3911-faerder.yaml",)
    )
    session = open_session("housing", "3911", project_dir=str(project.root))
    with contextlib.redirect_stdout(io.StringIO()):
        return build(session)


def test_faerders_app_shows_the_sources_figures_beside_the_model(faerder):
    """The council presentation's 855 årsverk and 103 mill. kr stand beside the model's, and
    the page says the figures cover the whole care sector."""
    page = faerder.summary_html.value.replace("\xa0", " ")
    assert "Kildens tall" in page and "Avvik" in page and "Gjelder" in page
    assert "855 årsverk" in page and "984 årsverk" in page and "103 mill. kr" in page
    assert "hele pleie- og omsorgssektoren" in page
    band = faerder.key_html.value.replace("\xa0", " ")
    assert "Kilden: 855 årsverk" in band and "Kilden: 12,1 %" in band
    # another target year is not the source's: no source column to mislead
    faerder.target_year.value = 2035
    assert "Kildens tall" not in faerder.summary_html.value
    assert "Kilden:" not in faerder.key_html.value
    faerder.target_year.value = 2040
    assert "Kildens tall" in faerder.summary_html.value
