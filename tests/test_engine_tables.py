"""The notebooks' «Under panseret» tables as the analyst reads them: every engine column under
a Norwegian header, numbers in Norwegian and never in scientific notation (0,00001 is
«0», 25 000 000 is «25 000 000», not «2.5e+07»)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from workbench import formatting
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation import report as allocation_report
from workbench.analyses.allocation.load import load as load_allocation
from workbench.analyses.calculator import engine as calculator
from workbench.analyses.calculator import report as calculator_report
from workbench.analyses.calculator.load import load as load_calculator
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing import report as housing_report
from workbench.analyses.housing.load import load as load_housing
from workbench.analyses.personas import engine as personas
from workbench.analyses.personas import report as personas_report
from workbench.analyses.personas.load import load as load_personas
from workbench.session import open_session

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def shown(table: formatting.Table) -> tuple[list[str], str]:
    """The headers and the cells' text a notebook shows for a table."""
    cells = formatting.format_frame(table.frame, table.formats)
    return [str(c) for c in table.frame.columns], cells.to_csv(sep="|", index=False)


def tables(repo, number: str) -> list[tuple[str, formatting.Table]]:
    """Every table the four notebooks show under «Under panseret», for one municipality."""
    root = str(repo.root)
    found = []
    session = open_session("allocation", number, project_dir=root)
    inputs = load_allocation(session)
    result = allocation.evaluate(inputs) if inputs.ledger is not None else None
    found.append(("regler", allocation_report.engine_table(inputs.parts.head(12))))
    lines = result.allocation.head(12) if result is not None else inputs.reference
    found.append(("linjer", allocation_report.engine_table(lines)))
    if result is not None:
        found.append(("trinn", allocation_report.engine_table(result.steps)))
    session = open_session("calculator", number, project_dir=root)
    inputs = load_calculator(session)
    first = calculator.evaluate(inputs.packages[0].package, inputs.catalogue, inputs.assumptions)
    found.append(("katalog", calculator_report.engine_table(inputs.catalogue.head(10))))
    found.append(("pakkelinjer", calculator_report.engine_table(first.lines)))
    found.append(("pakkesummer", calculator_report.engine_table(first.summary)))
    session = open_session("housing", number, project_dir=root)
    inputs = load_housing(session)
    base, target = session.municipality.base_year, session.municipality.target_year
    result = housing.evaluate(dataclasses.replace(inputs, position_size=0.8), base, target)
    found.append(("framskriving", housing_report.engine_table(result.projection.head(12))))
    found.append(("trinnkostnader", housing_report.engine_table(inputs.data.step_costs)))
    found.append(("sammendrag", housing_report.engine_table(result.summary)))
    session = open_session("personas", number, project_dir=root)
    inputs = load_personas(session)
    result = personas.evaluate(inputs.personas[0].persona, inputs, persons=1000)
    for name in ("yearly", "totals", "phase"):
        found.append((name, personas_report.engine_table(getattr(result, name))))
    return found


@pytest.mark.parametrize("number", ["9999", "3911"])
def test_under_the_hood_tables_read_in_norwegian(repo, number):
    for name, table in tables(repo, number):
        headers, page = shown(table)
        assert not [h for h in headers if "_" in h or (h.isascii() and h.islower())], (
            name,
            headers,
        )
        assert not SCIENTIFIC.search(page), (name, SCIENTIFIC.search(page).group(0))


def test_small_and_large_numbers_and_truth_values_are_written_out():
    frame = pd.DataFrame({"a": [0.00001, 25_000_000.0, -4.25], "b": [True, False, True]})
    table = formatting.engine_table(frame, {"a": "Beløp", "b": "Kjent"})
    headers, text = shown(table)
    assert headers == ["Beløp", "Kjent"]
    assert text.splitlines()[1:] == ["0|ja", "25\u00a0000\u00a0000|nei", "\u22124,25|ja"]


def test_a_column_without_a_norwegian_name_is_named():
    with pytest.raises(KeyError, match="hours_per_fte"):
        formatting.engine_table(pd.DataFrame({"hours_per_fte": [1.0]}), {})
