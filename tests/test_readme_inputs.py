"""The README's table of input files says what the readers read: every column of every
table file, in bold exactly when the reader requires it, and a row for every file setting."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from workbench import catalogue
from workbench.analyses.allocation import load as allocation_load
from workbench.analyses.allocation.settings import AllocationSettings
from workbench.analyses.housing import load as housing_load
from workbench.analyses.housing.settings import HousingSettings
from workbench.analyses.personas import load as personas_load
from workbench.population import POPULATION_SCHEMA

SCHEMAS = {
    "prices": catalogue.SCHEMA,
    "analyses.personas.prevalence": personas_load.PREVALENCE_SCHEMA,
    "analyses.personas.incidence": personas_load.PREVALENCE_SCHEMA,
    "analyses.housing.population": POPULATION_SCHEMA,
    "analyses.housing.residents": housing_load.RESIDENTS_SCHEMA,
    "analyses.housing.step_costs": housing_load.STEP_COSTS_SCHEMA,
    "analyses.housing.own_step_costs": housing_load.STEP_COSTS_SCHEMA,
    "analyses.housing.alternative_profile": housing_load.PROFILE_SCHEMA,
    "analyses.housing.persons_per_dwelling": housing_load.DWELLING_SCHEMA,
    "analyses.housing.over_80_without_services": housing_load.OVER_80_SCHEMA,
    "analyses.housing.reference_summary": housing_load.REFERENCE_SCHEMA,
    "analyses.allocation.ledger": allocation_load.LEDGER_SCHEMA,
    "analyses.allocation.rules": allocation_load.RULE_SCHEMA,
    "analyses.allocation.steps": allocation_load.STEP_SCHEMA,
    "analyses.allocation.recipients": allocation_load.RECIPIENT_SCHEMA,
    "analyses.allocation.inhabitants": allocation_load.INHABITANT_SCHEMA,
    "analyses.allocation.comparisons": allocation_load.COMPARISON_SCHEMA,
    "analyses.allocation.kostra": allocation_load.COMPARISON_SCHEMA,
    "analyses.allocation.reference": allocation_load.ALLOCATION_REFERENCE_SCHEMA,
    "analyses.allocation.services": allocation_load.SERVICE_SCHEMA,
    "analyses.allocation.target_profile": allocation_load.TARGET_SCHEMA,
}
NOT_FILES = {
    "projection",
    "basis",
    "average_position_size",
    "exclude_functions",
    "administration",
    "administration_functions",
    "price_year",
    "course_share",
    "starts_by",
    "year",
    "labour_supply_growth",
    "labour_supply_source",
    "rest_of_sector_growth",
    "steps_by_services",
}


def input_table() -> dict[str, list[str]]:
    """The README's «Inndatafiler» table: setting key → the row's cells."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Inndatafiler", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        key = re.match(r"`([^`]+)`", cells[0]) if line.startswith("| `") else None
        if key:
            rows[key.group(1)] = cells
    return rows


@pytest.mark.parametrize("key", SCHEMAS)
def test_every_column_is_listed_and_bold_when_required(key):
    cells = input_table()[key]
    listed = {c.strip().strip("*"): c.strip().startswith("**") for c in cells[1].split(",")}
    expected = {name: column.required for name, column in SCHEMAS[key].items()}
    assert listed == expected


def test_every_file_setting_has_a_row():
    rows = input_table()
    for prefix, settings in (
        ("analyses.housing", HousingSettings),
        ("analyses.allocation", AllocationSettings),
    ):
        for name in settings.model_fields:
            if name not in NOT_FILES:
                assert f"{prefix}.{name}" in rows, name
    for key in (
        "analyses.calculator.packages",
        "analyses.personas.personas",
        "analyses.personas.prevalence",
        "sources.yaml",
    ):
        assert key in rows
