"""Personas og forløp: the personas analysis (see :mod:`workbench.analyses.spec` for its modules)."""

from workbench.analyses.personas.settings import PersonaSettings
from workbench.analyses.spec import Analysis

SPEC = Analysis(
    key="personas",
    title="Personas og forløp",
    notebook="personas.ipynb",
    settings=PersonaSettings,
    sheet_prefix="Personas",
    summary="Hva normale, proaktive og reaktive forløp koster år for år, skalert til kommunen og faset inn.",
)
