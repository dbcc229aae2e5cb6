"""Økonomifordeling: the economic allocation analysis (see :mod:`workbench.analyses.spec` for its modules)."""

from workbench.analyses.allocation.settings import AllocationSettings
from workbench.analyses.spec import Analysis

SPEC = Analysis(
    key="allocation",
    title="Økonomifordeling",
    notebook="allocation.ipynb",
    settings=AllocationSettings,
    sheet_prefix="Økonomi",
    summary="Regnskapet fordelt på de tolv trinnene i innsatstrappa, avstemt mot regnskapet til øret.",
)
