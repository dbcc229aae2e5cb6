"""Ressurskalkulator: the resource calculator analysis (see :mod:`workbench.analyses.spec` for its modules)."""

from workbench.analyses.calculator.settings import CalculatorSettings
from workbench.analyses.spec import Analysis

SPEC = Analysis(
    key="calculator",
    title="Ressurskalkulator",
    notebook="calculator.ipynb",
    settings=CalculatorSettings,
    sheet_prefix="Kalkulator",
    summary="Hva tjenestepakker koster per år i kroner og årsverk, og hva de samme pengene ellers kunne kjøpt.",
)
