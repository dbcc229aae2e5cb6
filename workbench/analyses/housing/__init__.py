"""Boligprofil: the housing profile analysis (see :mod:`workbench.analyses.spec` for its modules)."""

from workbench.analyses.housing.settings import HousingSettings
from workbench.analyses.spec import Analysis

SPEC = Analysis(
    key="housing",
    title="Boligprofil",
    notebook="housing_profile.ipynb",
    settings=HousingSettings,
    sheet_prefix="Bolig",
    summary="Hvor innbyggere 67+ bor i dag og fram mot målåret, med årsverk og kostnader for dagens og en alternativ profil.",
)
