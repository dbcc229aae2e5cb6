"""The analyses the workbench runs, and which notebook presents each.

Adding an analysis means: its settings model in :mod:`workbench.config`
(``AnalysesSettings``), its notebook in ``notebooks/``, and an entry here. The batch, the
CLI and the report index pick it up from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.config import Municipality


@dataclass(frozen=True)
class Analysis:
    """One analysis.

    Args:
        key: Identifier, also the settings key under ``analyses:`` and the report folder.
        title: Norwegian name shown to users.
        notebook: File in ``notebooks/``.
    """

    key: str
    title: str
    notebook: str

    def enabled_for(self, municipality: Municipality) -> bool:
        """Whether the municipality's parameter file configures this analysis."""
        return getattr(municipality.analyses, self.key, None) is not None


ANALYSES: dict[str, Analysis] = {
    a.key: a
    for a in (
        Analysis("allocation", "Økonomifordeling", "allocation.ipynb"),
        Analysis("housing", "Boligprofil", "housing_profile.ipynb"),
        Analysis("personas", "Personas og forløp", "personas.ipynb"),
        Analysis("calculator", "Ressurskalkulator", "calculator.ipynb"),
    )
}


def get(key: str) -> Analysis:
    """The analysis named ``key``.

    Raises:
        KeyError: With the known keys, in Norwegian.
    """
    try:
        return ANALYSES[key]
    except KeyError:
        raise KeyError(f"ukjent analyse «{key}» (kjente: {', '.join(ANALYSES)})") from None
