"""Every chart carries its Norwegian title, its source line and, on illustrative data, the
illustrative mark; numbers on the axes are Norwegian."""

from __future__ import annotations

import contextlib
import io

import pytest
from conftest import make_project

from workbench import plots
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.calculator import engine as calculator
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.report import profile_frame, step_names
from workbench.analyses.personas import engine as personas
from workbench.session import open_session

SOURCE = "Færder kommune/Agenda Kaupang 2025"


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    """Small, real inputs for every chart: the engines run on Demokommune."""
    project = make_project(tmp_path_factory.mktemp("p") / "project")

    def session(key):
        opened = open_session(key, "9999", project_dir=str(project.root))
        return opened, opened.analysis.load(opened)

    _, calc = session("calculator")
    _, pers = session("personas")
    hous_session, hous = session("housing")
    _, alloc = session("allocation")
    persona = personas.evaluate(pers.personas[0].persona, pers)
    result = housing.evaluate(hous, 2024, 2040)
    allocated = allocation.evaluate(alloc)
    names = step_names(hous_session)
    package = calc.packages[0].package
    summary = calculator.evaluate(package, calc.catalogue, calc.assumptions).summary
    return {
        "calculator_chart": lambda i: plots.calculator_chart(summary, "T", SOURCE, illustrative=i),
        "trajectory_chart": lambda i: plots.trajectory_chart(
            persona.yearly, "T", SOURCE, illustrative=i
        ),
        "phase_in_chart": lambda i: plots.phase_in_chart(
            persona.phase, "T", SOURCE, illustrative=i
        ),
        "profile_chart": lambda i: plots.profile_chart(
            profile_frame(hous, None, 2024, 2040), names, "T", SOURCE, illustrative=i
        ),
        "need_chart": lambda i: plots.need_chart(result.steps, names, "T", SOURCE, illustrative=i),
        "staffing_chart": lambda i: plots.staffing_chart(
            result.band, "MMMM", "T", SOURCE, illustrative=i
        ),
        "population_chart": lambda i: plots.population_chart(
            result.population, "T", SOURCE, illustrative=i
        ),
        "staircase_chart": lambda i: plots.staircase_chart(
            allocated.steps, "T", SOURCE, illustrative=i
        ),
    }


CHARTS = [
    "calculator_chart",
    "trajectory_chart",
    "phase_in_chart",
    "profile_chart",
    "need_chart",
    "staffing_chart",
    "population_chart",
    "staircase_chart",
]


def texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return found


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("illustrative", [True, False])
def test_title_source_and_illustrative_mark(frames, name, illustrative):
    with contextlib.redirect_stdout(io.StringIO()):
        fig = frames[name](illustrative)
    shown = texts(fig)
    assert "T" in shown
    assert any(text.startswith(f"Kilde: {SOURCE}") for text in shown)
    assert (plots.ILLUSTRATIVE_MARK in shown) is illustrative
    assert plots.title_of(fig) == (f"T. {plots.ILLUSTRATIVE_MARK}" if illustrative else "T")
    assert not any("." in t and t.replace(".", "").replace("−", "").isdigit() for t in shown), (
        "no decimal point on an axis"
    )
    plots.plt.close(fig)


def test_png_is_stable_and_has_no_software_stamp(frames):
    fig = frames["calculator_chart"](False)
    first, second = plots.png_bytes(fig), plots.png_bytes(fig)
    assert first == second and b"matplotlib" not in first.lower()
    plots.plt.close(fig)
