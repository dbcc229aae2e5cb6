"""The allocation for all municipalities at once: municipalities sharing a rule set have their
ledgers stacked and matched once (each distinct ansvar/funksjon/art combination once for all
of them), split with the same largest-remainder routine, summed per municipality, year and
step."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.load import AllocationInputs
from workbench.fleet import Municipal, fingerprint

FILES = {
    "allocation": "okonomifordeling-per-trinn",
    "reconciliation": "okonomifordeling-avstemming",
}
"""Table → file name under ``reports/all-municipalities/``."""
HEADERS = {
    "year": "År",
    "step": "Trinn",
    "amount_ore": "Beløp (øre)",
    "ledger_ore": "Regnskap (øre)",
    "allocated_ore": "Fordelt (øre)",
    "not_allocated_ore": "Ikke fordelt (øre)",
    "difference_ore": "Differanse (øre)",
}


def compute(groups: list[tuple[AllocationInputs, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """``allocation``: ``municipality``, ``year``, ``step``, ``amount_ore``;
    ``reconciliation``: ``municipality``, ``year``, ``ledger_ore``, ``allocated_ore``,
    ``not_allocated_ore``, ``difference_ore``."""
    allocated, reconciled = _allocation(groups)
    return {"allocation": allocated, "reconciliation": reconciled}


def stack(municipalities: list[Municipal]) -> list[tuple[AllocationInputs, pd.DataFrame]]:
    """Ledgers stacked per rule set (line numbers made unique), with the rule set's inputs."""
    groups: dict[str, list[tuple[Municipal, AllocationInputs]]] = {}
    for m in municipalities:
        inputs: AllocationInputs = m.inputs["allocation"]
        if inputs.ledger is None:
            continue  # only the source's own figures: nothing to allocate
        key = fingerprint(inputs.parts) + repr([r.precedence for r in inputs.rules])
        key += repr([(r.keys, r.valid_from, r.valid_to) for r in inputs.rules])
        key += repr(allocation.shared_costs(inputs))
        groups.setdefault(key, []).append((m, inputs))
    stacked = []
    for members in groups.values():
        ledgers, offset = [], 0
        for m, inputs in members:
            ledger = inputs.ledger.assign(
                municipality=m.number, line=inputs.ledger["line"] + offset
            )
            offset = int(ledger["line"].max()) + 1
            ledgers.append(ledger)
        ledger = pd.concat(ledgers, ignore_index=True)
        # the same few thousand codes recur in every municipality: as categories they are
        # compared as integers, not as hundreds of thousands of separate strings
        for column in ("municipality", *allocation.KEYS):
            ledger[column] = ledger[column].astype("category")
        stacked.append((members[0][1], ledger))
    return stacked


def _allocation(
    groups: list[tuple[AllocationInputs, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per municipality, year and step, in øre; ledgers sharing a rule set matched together."""
    sums, reconciled = [], []
    for first, stacked in groups:
        parts = allocation.allocate(stacked, first.rules, first.parts)
        owner = np.empty(int(stacked["line"].max()) + 1, dtype=np.int32)
        owner[stacked["line"].to_numpy()] = stacked["municipality"].cat.codes.to_numpy()
        categories = stacked["municipality"].cat.categories
        parts["municipality"] = pd.Categorical.from_codes(
            owner[parts["line"].to_numpy()], categories
        )
        keys = ["municipality", "year"]
        parts = allocation.place_shared(parts, allocation.shared_costs(first), by=tuple(keys))
        sums.append(parts.groupby([*keys, "step"], observed=True)["amount_ore"].sum().reset_index())
        reconciled.append(allocation.reconcile(stacked, parts, by=keys))
    if not sums:
        return pd.DataFrame(), pd.DataFrame()
    allocated, reconciled = (
        pd.concat(frames, ignore_index=True).astype({"municipality": str})
        for frames in (sums, reconciled)
    )
    return allocated, reconciled
