"""The analyses, each in its own package, and the one registry of them.

Adding an analysis means adding a package beside these (see :mod:`workbench.analyses.spec`
for what it provides; :mod:`workbench.analyses.contract` has it as Protocols, and
``tests/test_contract.py`` checks every analysis here against them), a report notebook, an app
notebook and one line in ``ANALYSES``.
The batch, validation, apps, deliverables, the index page and the all-municipalities tables
find it here.
"""

from __future__ import annotations

from workbench.analyses import allocation, calculator, housing, personas
from workbench.analyses.spec import Analysis
from workbench.errors import InputError

ANALYSES: dict[str, Analysis] = {
    spec.key: spec for spec in (allocation.SPEC, housing.SPEC, personas.SPEC, calculator.SPEC)
}
"""Every analysis, in the order of the reports, the workbook and the deck."""


def get(key: str) -> Analysis:
    """The analysis named ``key``.

    Raises:
        InputError: An unknown key, with the known ones.
    """
    try:
        return ANALYSES[key]
    except KeyError:
        raise InputError(None, f"ukjent analyse «{key}» (kjente: {', '.join(ANALYSES)})") from None
