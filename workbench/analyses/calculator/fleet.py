"""The calculator for all municipalities at once: a package's totals depend only on the
package and the price catalogue, so they are computed once per distinct pair and joined to
every municipality using it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analyses.calculator import engine as calculator
from workbench.fleet import Municipal, stack_priced

FILES = {"calculator": "kalkulator"}
"""Table → file name under ``reports/all-municipalities/``."""
HEADERS = {
    "package": "Pakke",
    "alternative": "Alternativ",
    "annual_cost": "Årskostnad (kr)",
    "cost": "Kostnad brukt i sammenligning (kr)",
    "hours": "Timer per år",
    "fte": "Årsverk",
    "diff_cost": "Forskjell i kostnad mot første alternativ (kr)",
    "diff_fte": "Forskjell i årsverk mot første alternativ",
}


def stack(members: list[Municipal]) -> dict[tuple, list]:
    """Municipalities grouped by (package, price catalogue, assumptions)."""
    return stack_priced(members, "calculator", lambda inputs: inputs.packages)


def compute(groups: dict[tuple, list]) -> dict[str, pd.DataFrame]:
    """``calculator``: ``municipality``, ``package``, ``alternative``, ``annual_cost``,
    ``cost``, ``hours``, ``fte``, ``diff_cost``, ``diff_fte``."""
    return {"calculator": _calculator(groups)}


def _calculator(groups: dict[tuple, list]) -> pd.DataFrame:
    columns = ["municipality", "package", "alternative", "annual_cost", "cost", "hours", "fte"]
    columns += ["diff_cost", "diff_fte"]
    frames = []
    for inputs, package, members in groups.values():
        summary = calculator.evaluate(package.package, inputs.catalogue, inputs.assumptions).summary
        numbers = np.array([number for number, _ in members])
        frames.append(
            summary.loc[np.tile(np.arange(len(summary)), len(numbers))]
            .reset_index(drop=True)
            .assign(municipality=np.repeat(numbers, len(summary)), package=package.stem)
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
