"""Municipality numbers across reforms: the known changes, and KLASS (classification 131 and
its correspondence to the KOSTRA groups, 112)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.ssb.client import Client


def read_number_changes(path: Path) -> pd.DataFrame:
    """Known municipality number changes (``old``, ``new``, ``valid_from``)."""
    return pd.read_csv(path, sep=";", dtype=str)


def numbers_over_time(number: str, changes: pd.DataFrame) -> list[str]:
    """The current number and every earlier number that became it (3911 → 3911, 3811)."""
    found = [number]
    frontier = [number]
    while frontier:
        current = frontier.pop()
        for old in changes.loc[changes["new"] == current, "old"]:
            if old not in found:
                found.append(old)
                frontier.append(old)
    return found


def to_current(frame: pd.DataFrame, column: str, changes: pd.DataFrame) -> pd.DataFrame:
    """Relabel old municipality numbers in ``column`` with today's, so series span reforms."""
    mapping = dict(zip(changes["old"], changes["new"], strict=True))
    current = frame[column].astype(str)
    for _ in range(len(mapping)):
        current = current.map(lambda c: mapping.get(c, c))
    return frame.assign(**{column: current})


def klass_changes(client: Client, since: str = "2019-01-01") -> pd.DataFrame:
    """Municipality number changes from KLASS 131 (``changes.json``)."""
    data = client.klass(f"classifications/131/changes.json?from={since}&includeFuture=true")
    rows = [
        (c["oldCode"], c["newCode"], c.get("changeOccurred", ""), c.get("newName", ""), "klass")
        for c in data.get("codeChanges", [])
    ]
    return pd.DataFrame(rows, columns=["old", "new", "valid_from", "name", "confidence"])


def kostra_group(client: Client, number: str, year: int) -> str | None:
    """The municipality's KOSTRA group that year (KLASS 131 → 112 correspondence), e.g.
    ``KOSTRA-gruppe 9``, or None when KLASS has none."""
    return kostra_group_members(client, number, year)[0]


def municipality_names(client: Client, date: str) -> dict[str, str]:
    """Municipality number → name on ``date`` (KLASS 131, ``codesAt``)."""
    data = client.klass(f"classifications/131/codesAt.json?date={date}")
    return {c["code"]: c["name"] for c in data.get("codes", [])}


def kostra_group_members(client: Client, number: str, year: int) -> tuple[str | None, list[str]]:
    """The municipality's KOSTRA group that year and the other municipalities in it
    (KLASS 131 → 112 correspondence); (None, []) when KLASS has none."""
    data = client.klass(
        f"classifications/131/corresponds?targetClassificationId=112&from={year}-01-01&to={year}-12-31"
    )
    rows = data.get("correspondenceItems", [])
    own = next((r for r in rows if r.get("sourceCode") == number), None)
    if own is None:
        return None, []
    members = [
        r["sourceCode"]
        for r in rows
        if r.get("targetCode") == own.get("targetCode") and r.get("sourceCode") != number
    ]
    return own.get("targetName") or own.get("targetCode"), members
