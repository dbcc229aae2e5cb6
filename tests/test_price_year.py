"""Kroner in one price year: the municipal deflator (2024 4,3 %, 2025 3,9 %, the revised
national budgets' estimates), catalogue versions' years, and a municipality that counts in
2025 kroner. Hand figures: 2023 → 2025 is 1,043 × 1,039 = 1,083677; the catalogue's day
centre hour (500 kr in 23-11) is 541,84 kr in 2025 prices; Johs' home nursing 218 102 kr given
in 2023 kroner is 236 351 kr; Demokommune's 25 000 kr per resident on housing step 1 is
27 092 kr."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import make_project

from workbench.errors import InputError
from workbench.price_index import factor, read_growth, version_year
from workbench.session import open_session

TO_2025 = 1.043 * 1.039


def test_the_deflator_forward_backward_and_missing(repo, tmp_path):
    growth = read_growth(repo.data_dir / "reference/kommunal-deflator.csv")
    assert factor(growth, 2023, 2025) == pytest.approx(1.083677)
    assert factor(growth, 2025, 2023) == pytest.approx(1 / 1.083677)
    assert factor(growth, 2024, 2024) == 1
    with pytest.raises(InputError, match="prisveksten for 2026 mangler"):
        factor(growth, 2024, 2026)
    bad = tmp_path / "vekst.csv"
    bad.write_text("year;growth\n2024;4,3\n2024;0,04\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_growth(bad)
    text = str(caught.value)
    assert "rad 2" in text and "mellom −50 % og +50 %" in text
    assert "rad 3" in text and "året 2024 står mer enn én gang" in text


def test_a_catalogue_versions_price_year():
    assert version_year("23-11", 2000) == 2023
    assert version_year("avledet-23-11", 2000) == 2023
    assert version_year("demo-24", 2023) == 2023
    assert version_year(None, 2023) == 2023


@pytest.fixture(scope="module")
def in_2025(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("prisår") / "p", ("9999-demokommune.yaml",))
    path = project.parameters_dir / "9999-demokommune.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["price_year"] = 2025
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return project


def test_a_municipality_in_2025_kroner_converts_every_input_from_its_year(in_2025):
    from workbench.analyses.housing.load import load as load_housing
    from workbench.analyses.personas.load import load as load_personas

    session = open_session("personas", "9999", project_dir=str(in_2025.root))
    inputs = load_personas(session, "personas/johs-kildens-tall.yaml")
    assert inputs.catalogue.loc["dagaktivitet-bf10", "unit_price"] == pytest.approx(500 * TO_2025)
    normal = inputs.personas[0].persona.trajectory("normal")
    nursing = next(e for e in normal.episodes if e.from_age == 73)
    assert nursing.annual_cost == pytest.approx(218_102 * TO_2025)
    assert nursing.annual_hours == 455  # hours are not money
    proactive = inputs.personas[0].persona.trajectory("proactive")
    assert proactive.investments[0].amount == pytest.approx(100_000 * TO_2025)
    assert "Kroner i 2025-priser" in session.banner().data
    assert "Kroner i 2025-priser." in session.source_line()
    titles = [s.title for s in session.sources]
    assert any(re.match("Kommunal deflator", t) for t in titles)  # the index is cited

    housing = open_session("housing", "9999", project_dir=str(in_2025.root))
    costs = load_housing(housing).data.step_costs
    assert costs.loc[1, "cost_per_resident"] == pytest.approx(25_000 * TO_2025)


def test_the_default_counts_in_2023_kroner_and_the_accounts_in_their_own(repo):
    session = open_session("calculator", "9999", project_dir=str(repo.root))
    assert session.price_year == 2023
    assert "Kroner i 2023-priser" in session.banner().data
    accounts = open_session("allocation", "9999", project_dir=str(repo.root))
    assert "Kroner i hvert regnskapsårs priser" in accounts.banner().data
