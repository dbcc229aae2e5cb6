"""JSON-stat 2, the statistics bank's answer format, decoded into tidy DataFrames (pure, no I/O).

The decoder is our own (about 40 lines) rather than pyjstat: pyjstat drops the ``status``
symbols SSB uses for suppressed and missing cells, and its last release predates pandas 2
(see ``../shared/ssb-sources.md`` §3).
"""

from __future__ import annotations

import math

import pandas as pd


class SsbError(RuntimeError):
    """A request to SSB failed or cannot be served; the message is for the consultant."""


def decode(dataset: dict) -> pd.DataFrame:
    """A JSON-stat 2 dataset as a tidy table.

    Returns:
        One column per dimension (codes), ``<dimension>_label`` with the labels, ``value``
        (missing where SSB has a symbol) and ``status`` (the symbol: ``.``, ``..``, ``:``).
        Accepts ``value``/``status`` as list or object and ``index`` as list or object,
        as the JSON-stat 2 format allows.

    Raises:
        SsbError: The document is not a JSON-stat 2 dataset.
    """
    if dataset.get("class") != "dataset" or "id" not in dataset or "dimension" not in dataset:
        raise SsbError("svaret er ikke et JSON-stat 2-datasett")
    ids, sizes = dataset["id"], dataset["size"]
    codes = []
    for dimension in ids:
        category = dataset["dimension"][dimension]["category"]
        codes.append((category_codes(category), category.get("label", {})))
    total = math.prod(sizes)
    values = _dense(dataset.get("value", []), total)
    status = (
        _dense(dataset.get("status", {}), total)
        if dataset.get("status") is not None
        else [None] * total
    )
    grid = pd.MultiIndex.from_product([c for c, _ in codes], names=ids).to_frame(index=False)
    for dimension, (_, labels) in zip(ids, codes, strict=True):
        grid[f"{dimension}_label"] = grid[dimension].map(lambda c, labels=labels: labels.get(c, c))
    grid["value"] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    grid["status"] = status if not isinstance(status, str) else [status] * total
    return grid


def category_codes(category: dict) -> list[str]:
    """A dimension's category codes in the table's order: ``index`` as a list or as an
    object of positions, or the labels' order where there is no index."""
    index = category.get("index")
    if index is None:
        return list(category.get("label", {}))
    if isinstance(index, list):
        return index
    return sorted(index, key=index.get)


def _dense(values, total: int) -> list:
    if isinstance(values, list):
        if len(values) != total:
            raise SsbError(f"datasettet har {len(values)} verdier, men dimensjonene gir {total}")
        return values
    if isinstance(values, dict):
        dense = [None] * total
        for position, value in values.items():
            dense[int(position)] = value
        return dense
    return [values] * total
