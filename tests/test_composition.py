"""Where the analyses meet (workbench/composition.py): each meeting point reads only what it
declares, and gives nothing where the municipality does not run that analysis."""

from __future__ import annotations

import yaml
from conftest import make_project

from workbench import analyses, composition
from workbench.session import open_session


def test_every_meeting_point_declares_registered_analyses():
    assert set(composition.REQUIRES) == {"persona_fte_effect", "staircase_today"}
    for needed in composition.REQUIRES.values():
        assert all(key in analyses.ANALYSES for key in needed)


def test_without_the_analysis_it_reads_a_meeting_point_gives_nothing(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml",))
    path = project.parameters_dir / "9999-demokommune.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("personas", "allocation"):
        settings["analyses"].pop(key)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    session = open_session("housing", "9999", project_dir=str(project.root))
    assert composition.persona_fte_effect(session) == (None, [])
    assert composition.staircase_today(session) is None


def test_with_them_it_reads_their_results(repo):
    """Demokommune: Johs' effect starts the year after the base year (2025); its staircase
    is the 2024 accounts."""
    session = open_session("housing", "9999", project_dir=str(repo.root))
    effect, files = composition.persona_fte_effect(session)
    assert effect.index[0] == 2025 and [f.name for f in files] == ["johs-tjenester.yaml"]
    staircase = composition.staircase_today(session)
    assert staircase.year == 2024 and len(staircase.today) == 12
    assert staircase.total == staircase.today["amount"].sum()
