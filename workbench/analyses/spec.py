"""What every analysis provides, so that the batch, validation, apps, deliverables, the index
and the all-municipalities tables can treat them alike.

An analysis is a package ``workbench/analyses/<key>/`` with these modules:

- ``settings.py``: the pydantic model of its ``analyses.<key>`` block (``SPEC.settings``);
- ``load.py``: ``load(session)``, its validated inputs (reading files, recording sources);
  further options need defaults;
- ``engine.py``: the pure computation, numbers in and numbers out (no labels, no I/O);
- ``report.py``: one function per table or figure its report notebook shows,
  ``key_figures(...)`` for ``nokkeltall.json`` and ``engine_table(frame)``;
- ``charts.py``: its charts, drawn in the house frame of :mod:`workbench.plots` (its report
  and app draw with them);
- ``app.py``: ``build(session, inputs)``, the widget app its Voilà notebook shows;
- ``deliver.py``: ``slides(output)``, its slides, read from the written report folder;
- ``fleet.py``: ``stack(members)``, ``compute(stacked)``, ``FILES`` and ``HEADERS``: its part of the
  tables for all municipalities.

:mod:`workbench.analyses.contract` has the same as Protocols, and
:func:`~workbench.analyses.contract.conformance` checks an analysis against them
(``tests/test_contract.py`` does, for every registered analysis).

The package's ``__init__`` holds only its :class:`Analysis` (``SPEC``); the other modules are
imported when first used, so reading a parameter file does not import matplotlib or widgets.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from workbench.models import StrictModel


class Configured(Protocol):
    """What :meth:`Analysis.enabled_for` reads of a municipality: its ``analyses`` block.

    :class:`workbench.config.Municipality` is one; the registry does not import it, since the
    config imports the registry (for the settings of each analysis)."""

    @property
    def analyses(self) -> object: ...


@dataclass(frozen=True)
class Analysis:
    """One analysis.

    Args:
        key: Identifier: the package name, the settings key under ``analyses:`` and the
            report folder.
        title: Norwegian name shown to users.
        notebook: The report notebook in ``notebooks/`` (its app is ``notebooks/apps/<key>.ipynb``).
        settings: The model of its ``analyses.<key>`` block.
        sheet_prefix: Short Norwegian prefix for its sheets in the workbook.
        summary: One Norwegian sentence on what it answers (index and landing pages).
    """

    key: str
    title: str
    notebook: str
    settings: type[StrictModel]
    sheet_prefix: str
    summary: str

    @property
    def app_notebook(self) -> str:
        """The app notebook, relative to ``notebooks/``."""
        return f"apps/{self.key}.ipynb"

    def part(self, name: str) -> ModuleType:
        """One of the analysis's modules (``load``, ``engine``, ``report``, ``app``, …); what
        each must provide is :mod:`workbench.analyses.contract`, checked by its test."""
        return importlib.import_module(f"workbench.analyses.{self.key}.{name}")

    def enabled_for(self, municipality: Configured) -> bool:
        """Whether the municipality's parameter file configures this analysis."""
        return getattr(municipality.analyses, self.key, None) is not None

    def load(self, session: Any, **options: Any) -> Any:
        """The analysis's validated inputs for an open session."""
        return self.part("load").load(session, **options)

    def app(self, session: Any, inputs: Any = None) -> Any:
        """The analysis's widget app for an open session."""
        return self.part("app").build(session, inputs)
