"""Økonomifordeling: the operating accounts redistributed onto the steps of the staircase.

Ledger lines (year, ansvar, KOSTRA funksjon, optional art, amount) are matched to mapping
rules. A rule names any of ansvar (exact, or a prefix such as ``31*``), funksjon and art,
optionally the years it is valid, and sends the amount to one step or splits it over
several steps by fractions that sum to 1; each part carries a tjenesteområde and a
målgruppe.

- precedence: the municipality's rules go before the default rules by KOSTRA function;
  within one rule set the rule with more keys wins, then exact keys before prefixes, then
  the longer prefix; two equally specific rules that both match a line are an error naming
  both
- a line no rule matches goes to *Ikke fordelt* and is listed, never dropped
- amounts are kept in whole øre; a split gives each part the floor of its exact share and
  hands the remaining øre to the parts with the largest remainders, so the parts always add
  up to the line: allocated + not allocated = ledger total, exactly, per year

Everything here is pure: tables in, DataFrames out. The files are read, checked and turned
into those tables by :mod:`workbench.analyses.allocation.load`.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from workbench.analyses.allocation.settings import AllocationSettings
from workbench.errors import InputError, Problem
from workbench.formatting import kr, number
from workbench.loaders import ROW_COLUMN

NOT_ALLOCATED = 0
"""Step id of *Ikke fordelt*."""
NOT_ALLOCATED_NAME = "Ikke fordelt"
GROSS_ART_LIMIT = 600
"""KOSTRA arts below 600 are expenses (driftsutgifter); 600 and above are income."""
MUNICIPAL, DEFAULT = "kommune", "standard"

KEYS = ("ansvar", "funksjon", "art")


TOTAL_JUMP = 2.0
"""A year's ledger total more than this factor above or below the year before is worth a word."""


def ledger_notes(ledger: pd.DataFrame) -> list[str]:
    """What is suspicious but not wrong in a ledger, in Norwegian: lines alike in every
    column (a file exported twice?), a year with a few lines far from the others, and a
    total that jumps by more than :data:`TOTAL_JUMP` from one year to the next."""
    notes = []
    columns = ["year", "ansvar", "ansvar_name", "funksjon", "art", "amount_ore"]
    again = ledger.duplicated(columns, keep="first")
    if again.any():
        rows = _rows(ledger.loc[again, ROW_COLUMN].tolist())
        amount = ledger.loc[again, "amount_ore"].sum() / 100
        notes.append(
            f"{again.sum()} linje{'r' if again.sum() > 1 else ''} er lik en linje over i alle "
            f"kolonner (rad {rows}), til sammen {kr(amount, 2)}: er filen eksportert to ganger? "
            "Linjene er tatt med slik de står."
        )
    counts = ledger["year"].value_counts()
    main = int(counts.idxmax())
    for year, count in sorted(counts.items()):
        if abs(year - main) > 1 and count < 0.05 * len(ledger):
            rows = _rows(ledger.loc[ledger["year"] == year, ROW_COLUMN].tolist())
            notes.append(
                f"{count} linje{'r' if count > 1 else ''} har år {year}, mens de fleste har "
                f"{main} (rad {rows}): kontroller årstallet."
            )
    totals = ledger.groupby("year")["amount_ore"].sum().sort_index()
    for (before, first), (year, then) in zip(
        list(totals.items())[:-1], list(totals.items())[1:], strict=True
    ):
        if year == before + 1 and first > 0 and then > 0:
            factor = then / first
            if factor > TOTAL_JUMP or factor < 1 / TOTAL_JUMP:
                notes.append(
                    f"summen for {year} ({kr(then / 100)}) er {number(factor, 1)} ganger "
                    f"summen for {before} ({kr(first / 100)}): kontroller at begge årene er "
                    "hele regnskapet, i kroner."
                )
    return notes


def _rows(rows: list[int]) -> str:
    """Row numbers as a message lists them: the first five, then «…»."""
    return ", ".join(map(str, rows[:5])) + (" …" if len(rows) > 5 else "")


def unknown_functions(ledger: pd.DataFrame, known: pd.DataFrame) -> list[Problem]:
    """Ledger lines whose function is not a KOSTRA function in their year, one problem per
    function and year with its rows and the amount it carries.

    Args:
        known: :func:`workbench.reference.kostra_functions` (``function``, ``valid_from``,
            ``valid_to``).
    """
    valid: dict[str, list[tuple[float, float]]] = {}
    for code, first, last in zip(
        known["function"], known["valid_from"], known["valid_to"], strict=True
    ):
        valid.setdefault(str(code), []).append(
            (-math.inf if pd.isna(first) else first, math.inf if pd.isna(last) else last)
        )
    pairs = ledger[["funksjon", "year"]].drop_duplicates()
    unknown = [
        (code, year)
        for code, year in zip(pairs["funksjon"], pairs["year"], strict=True)
        if not any(first <= year <= last for first, last in valid.get(code, ()))
    ]
    problems = []
    for code, year in sorted(unknown):
        part = ledger[(ledger["funksjon"] == code) & (ledger["year"] == year)]
        shown = _rows(part[ROW_COLUMN].tolist() if ROW_COLUMN in part else [])
        amount = part["amount_ore"].sum() / 100
        problems.append(
            Problem(
                f"funksjon {code} finnes ikke i KOSTRA-listen for {year} "
                f"({len(part)} linje{'r' if len(part) > 1 else ''}: rad {shown}; "
                f"{kr(amount, 2)} til sammen)",
                column="funksjon",
            )
        )
    return problems


def target_gap(current: pd.DataFrame, total: float, targets: pd.DataFrame) -> pd.DataFrame:
    """Today's share per step against each target year's, and the kroner to move at today's
    total to reach it.

    Args:
        current: ``step``, ``name``, ``amount`` (kr today; NaN where unknown).
        total: Today's total over the steps (kr).
        targets: From :func:`~workbench.analyses.allocation.load.read_target_profile`.

    Returns:
        ``step``, ``name``, ``amount``, ``share`` (today), and per target year Y ``target_Y``
        (share) and ``move_Y`` (kr: + onto the step, − off it). The moves sum to 0 where
        every step's amount is known.
    """
    table = current[["step", "name", "amount"]].copy()
    table["share"] = table["amount"] / total
    for year, rows in targets.groupby("year"):
        share = table["step"].map(rows.set_index("step")["share"]).fillna(0.0)
        table[f"target_{year}"] = share
        table[f"move_{year}"] = share * total - table["amount"]
    return table


def shares_over_years(allocation: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """Each step's share of what is allocated, per ledger year (wide: a column per year)."""
    placed = allocation[allocation["step"] != NOT_ALLOCATED]
    sums = placed.pivot_table(
        index="step", columns="year", values="amount_ore", aggfunc="sum", fill_value=0
    )
    shares = sums / sums.sum()
    table = steps[["step", "name"]].set_index("step").join(shares).fillna(0.0)
    return table.reset_index()


def services_per_step(
    services: pd.DataFrame | None, steps: pd.DataFrame, costs: pd.DataFrame | None
) -> pd.DataFrame:
    """Per step: how many services it lists, which, its cost, and whether it is a gap in
    the staircase («hull i trappa»): a step whose cost is known and zero, or whose number of
    recipients is known and zero. The list of services does not decide it: a list counts
    headings as much as services, and a step where few places are the goal (12) is no gap.

    Args:
        services: From :func:`~workbench.analyses.allocation.load.read_services` (canonical steps), or None where the
            municipality has no list of its own (the gaps then come from the costs alone).
        steps: The municipality's steps; own steps take the services of their
            ``canonical_step``.
        costs: ``step``, ``amount`` (kr) and optionally ``recipients`` per step, or None
            when unknown.

    Returns:
        ``step``, ``name``, ``count``, ``categories``, ``services`` (text), ``amount``,
        ``recipients``, ``gap`` (bool).
    """
    canonical = steps["canonical_step"] if "canonical_step" in steps else steps["step"]
    if services is None:
        services = pd.DataFrame({"step": [], "category": [], "service": []})
    grouped = services.groupby("step", sort=False)
    rows = []
    for step, name, own in zip(steps["step"], steps["name"], canonical, strict=True):
        mine = grouped.get_group(own) if own in grouped.groups else services.iloc[0:0]
        rows.append(
            {
                "step": step,
                "name": name,
                "count": len(mine),
                "categories": ", ".join(dict.fromkeys(mine["category"])),
                "services": "; ".join(mine["service"]),
            }
        )
    table = pd.DataFrame(rows)
    known = costs.set_index("step") if costs is not None else pd.DataFrame()
    for column in ("amount", "recipients"):
        values = known[column] if column in known else pd.Series(dtype=float)
        table[column] = table["step"].map(values).astype(float)
    table["gap"] = (table["amount"] == 0) | (table["recipients"] == 0)
    return table


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule: its keys, validity, precedence and parts (step, fraction, tags)."""

    rule_id: int
    source: str
    keys: tuple[str | None, str | None, str | None]
    valid_from: int
    valid_to: int
    rows: tuple[int, ...]
    file: str

    @functools.cached_property
    def precedence(self) -> tuple[int, int, int, int]:
        """(rule set, number of keys, exact keys, prefix length): larger wins."""
        given = [k for k in self.keys if k is not None]
        exact = [k for k in given if not k.endswith("*")]
        prefix = sum(len(k) - 1 for k in given if k.endswith("*"))
        return (1 if self.source == MUNICIPAL else 0, len(given), len(exact), prefix)

    def describe(self) -> str:
        """The rule as its file gives it, for the consultant who wrote it (file and rows)."""
        rows = ", ".join(map(str, self.rows))
        return f"{self.file} rad {rows} ({self._keys_text()})"

    def label(self) -> str:
        """The rule as a reader of an app or report knows it: whose rule, and what it
        matches (no file names)."""
        whose = "Kommunens regel" if self.source == MUNICIPAL else "Standardregel"
        return f"{whose} for {self._keys_text()}"

    def _keys_text(self) -> str:
        return ", ".join(f"{n} {v}" for n, v in zip(KEYS, self.keys, strict=True) if v is not None)


def compile_rules(*tables: pd.DataFrame) -> tuple[list[Rule], pd.DataFrame]:
    """Rules from one or more rule tables (municipal and default).

    A municipal rule with exactly the same keys and years as a default rule replaces it.

    Returns:
        The rules and their parts (``rule_id``, ``step``, ``fraction``, ``area``,
        ``target_group``).
    """
    rules: list[Rule] = []
    parts = []
    municipal_keys = {
        k for t in tables if len(t) and t["source"].iloc[0] == MUNICIPAL for k in t["rule_key"]
    }
    for table in tables:
        if table.empty:
            continue
        replaced = (table["source"] == DEFAULT) & table["rule_key"].isin(municipal_keys)
        kept = table[~replaced]
        codes, _ = pd.factorize(kept["rule_key"])  # rules in the order they first appear
        offset = len(rules)
        columns = {c: kept[c].tolist() for c in ("source", *KEYS, "valid_from", "valid_to", "file")}
        source_rows = kept[ROW_COLUMN].tolist()
        for code, positions in sorted(pd.Series(codes).groupby(codes).indices.items()):
            first = positions[0]
            rules.append(
                Rule(
                    offset + int(code),
                    columns["source"][first],
                    tuple(columns[k][first] for k in KEYS),
                    int(columns["valid_from"][first]),
                    int(columns["valid_to"][first]),
                    tuple(int(source_rows[p]) for p in positions),
                    columns["file"][first],
                )
            )
        parts.append(
            kept[["step", "fraction", "area", "target_group"]]
            .assign(rule_id=offset + codes)
            .sort_values("rule_id", kind="stable")
        )
    columns = ["rule_id", "step", "fraction", "area", "target_group"]
    part_table = (
        pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    )
    return rules, part_table


def match(ledger: pd.DataFrame, rules: list[Rule]) -> np.ndarray:
    """The winning rule for every ledger line (−1: no rule matches).

    Raises:
        InputError: Two equally specific rules match the same line (naming both and the line).
    """
    exact: dict[tuple, list[Rule]] = defaultdict(list)
    prefixed: dict[str | None, list[Rule]] = defaultdict(list)  # by funksjon (None: any)
    masks = set()  # which of ansvar, funksjon, art (bits 0–2) the exact rules name
    for rule in rules:
        if any(k is not None and k.endswith("*") for k in rule.keys):
            prefixed[rule.keys[1]].append(rule)
        else:
            exact[rule.keys].append(rule)
            masks.add(sum(1 << i for i, k in enumerate(rule.keys) if k is not None))
    named = [(mask, [i for i in range(3) if mask >> i & 1]) for mask in sorted(masks - {0})]
    codes, uniques = _combinations(ledger, ["year", *KEYS])
    chosen = np.full(len(uniques), -1, dtype=np.int64)
    problems = []
    # the rules that could match a combination of codes, whatever the year: most
    # combinations recur in several years (and, stacked, in several municipalities)
    matching: dict[tuple, list[Rule]] = {}
    for index, (year, ansvar, funksjon, art) in enumerate(uniques):
        values = (ansvar, funksjon, art)
        candidates = matching.get(values)
        if candidates is None:
            candidates = []
            for mask, positions in named:
                if any(values[i] is None for i in positions):
                    continue
                key = tuple(v if mask >> i & 1 else None for i, v in enumerate(values))
                candidates += exact.get(key, ())
            for group in (prefixed.get(funksjon, ()), prefixed.get(None, ())):
                candidates += [r for r in group if _matches(r.keys, values)]
            matching[values] = candidates
        candidates = [r for r in candidates if r.valid_from <= year <= r.valid_to]
        if not candidates:
            continue
        best = max(r.precedence for r in candidates)
        winners = [r for r in candidates if r.precedence == best]
        if len(winners) > 1:
            line = int(np.flatnonzero(codes == index)[0])
            problems.append(
                Problem(
                    f"to like spesifikke regler treffer samme linje ({year}, ansvar {ansvar}, funksjon {funksjon}"
                    f"{f', art {art}' if art else ''}): {winners[0].describe()} og {winners[1].describe()}",
                    row=int(ledger[ROW_COLUMN].iloc[line]) if ROW_COLUMN in ledger else None,
                )
            )
            continue
        chosen[index] = winners[0].rule_id
    if problems:
        raise InputError(None, problems)
    return chosen[codes]


def _combinations(table: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """Factorize rows by several columns at once (missing values allowed).

    Returns:
        A code per row and the distinct value tuples the codes index.
    """
    per_column = [pd.factorize(table[c], use_na_sentinel=True) for c in columns]
    combined = np.zeros(len(table), dtype=np.int64)
    for codes, values in per_column:
        combined = combined * (len(values) + 1) + (codes + 1)
    codes, distinct = pd.factorize(combined)
    decoded = []
    remaining = np.asarray(distinct, dtype=np.int64)
    for _codes, values in reversed(per_column):
        size = len(values) + 1
        index = remaining % size
        remaining = remaining // size
        lookup = np.array([None, *values], dtype=object)
        decoded.append(lookup[index])
    return codes, list(zip(*reversed(decoded), strict=True))


def _matches(keys: tuple, values: tuple) -> bool:
    for key, value in zip(keys, values, strict=True):
        if key is None:
            continue
        if value is None:
            return False
        if key.endswith("*"):
            if not str(value).startswith(key[:-1]):
                return False
        elif key != value:
            return False
    return True


ALLOCATION_COLUMNS = [
    "line",
    "year",
    "ansvar",
    "ansvar_name",
    "funksjon",
    "art",
    "rule_id",
    "step",
    "area",
    "target_group",
    "amount_ore",
]


def allocate(
    ledger: pd.DataFrame,
    rules: list[Rule],
    parts: pd.DataFrame,
    rule_of_line: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every ledger line's amount on its step(s); unmatched lines on step 0 (*Ikke fordelt*).

    Args:
        ledger: From :func:`~workbench.analyses.allocation.load.read_ledger`.
        rules, parts: From :func:`compile_rules`.
        rule_of_line: The result of :func:`match` when already known (moving a rule's
            step changes the parts, not which rule a line matches).

    Returns:
        One row per line and part, amounts in whole øre that add up to the line exactly.
    """
    if rule_of_line is None:
        rule_of_line = match(ledger, rules)
    lines = ledger[
        ["line", "year", "ansvar", "ansvar_name", "funksjon", "art", "amount_ore"]
    ].assign(rule_id=rule_of_line)
    matched = lines[lines["rule_id"] >= 0].merge(parts, on="rule_id", how="left")
    matched["amount_ore"] = split_exactly(
        matched["line"].to_numpy(),
        matched["amount_ore"].to_numpy(),
        matched["fraction"].to_numpy(),
        matched["step"].to_numpy(),
    )
    unmatched = lines[lines["rule_id"] < 0].assign(
        step=NOT_ALLOCATED, area=NOT_ALLOCATED_NAME, target_group=None
    )
    result = pd.concat(
        [matched[ALLOCATION_COLUMNS], unmatched[ALLOCATION_COLUMNS]], ignore_index=True
    )
    return result.sort_values(["line", "step"], kind="stable").reset_index(drop=True)


SHARED_METHODS = {
    "pro_rata": "fordelt på trinnene etter andelen av de øvrige kostnadene",
    "outside": "holdt utenfor trappa",
    "as_ruled": "på trinnene reglene gir",
}
"""How shared administration is placed, as the report says it."""


@dataclass(frozen=True)
class SharedCosts:
    """Shared administration: the KOSTRA functions it covers and how it is placed.

    ``pro_rata`` spreads each line over the steps in proportion to everything else placed on
    them in the same year (and municipality); ``outside`` leaves it under *Ikke fordelt*;
    ``as_ruled`` keeps the steps the rules give it."""

    method: str = "pro_rata"
    functions: tuple[str, ...] = ()


def place_shared(
    allocation: pd.DataFrame, shared: SharedCosts, by: tuple[str, ...] = ("year",)
) -> pd.DataFrame:
    """Shared administration moved as :class:`SharedCosts` says, every line still whole.

    Args:
        allocation: From :func:`allocate`.
        shared: The method and the functions.
        by: The columns that make one staircase (``year``; the fleet adds ``municipality``).

    Returns:
        The allocation with the shared functions' placed lines replaced: under ``pro_rata``
        one part per step with a positive sum of the other costs, split by
        :func:`split_exactly` so a line's parts still add up to the line to the øre (a
        staircase with nothing else on it keeps the rules' steps); under ``outside`` one
        part on *Ikke fordelt*.
    """
    if shared.method == "as_ruled" or not shared.functions:
        return allocation
    keys = list(by)
    is_shared = allocation["funksjon"].isin(shared.functions) & (
        allocation["step"] != NOT_ALLOCATED
    )
    if not is_shared.any():
        return allocation
    columns = list(allocation.columns)
    rest, moving = allocation[~is_shared], allocation[is_shared]
    # one row per line (its first part's ansvar, area, …) carrying the whole line's amount
    lines = moving.drop_duplicates("line").assign(
        amount_ore=moving.groupby("line", sort=False)["amount_ore"].transform("sum")
    )
    if shared.method == "outside":
        placed = lines.assign(step=NOT_ALLOCATED, area=NOT_ALLOCATED_NAME)
    else:
        others = rest[rest["step"] != NOT_ALLOCATED]
        weights = others.groupby([*keys, "step"], observed=True)["amount_ore"].sum().clip(lower=0)
        weights = weights[weights > 0].rename("weight").reset_index()
        weights["fraction"] = weights["weight"] / weights.groupby(keys, observed=True)[
            "weight"
        ].transform("sum")
        spread = lines.drop(columns="step").merge(
            weights[[*keys, "step", "fraction"]], on=keys, how="inner"
        )
        spread = spread.sort_values(["line", "step"], kind="stable").reset_index(drop=True)
        spread["amount_ore"] = split_exactly(
            spread["line"].to_numpy(),
            spread["amount_ore"].to_numpy(),
            spread["fraction"].to_numpy(),
            spread["step"].to_numpy(),
        )
        kept = moving[~moving["line"].isin(spread["line"])]
        placed = pd.concat([spread, kept], ignore_index=True)
    result = pd.concat([rest, placed[columns]], ignore_index=True)
    return result.sort_values(["line", "step"], kind="stable").reset_index(drop=True)


def split_exactly(
    line: np.ndarray, amount: np.ndarray, fraction: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """Split whole-øre amounts by fractions so each line's parts sum to the line exactly.

    Args:
        line: Line id of each part (parts of one line are adjacent).
        amount: The line's amount in øre, repeated on each of its parts.
        fraction: Each part's fraction (a line's fractions sum to 1).
        order: Tie-break for equal remainders (lower first).

    Returns:
        Each part's amount in øre: the floor of its share, then whatever the floors leave
        of the line handed out by largest remainder: every part gets the same whole number
        of øre when the gap is larger than the number of parts (it is not, for fractions
        that sum to 1, but floating point may leave one øre either way), and the rest goes
        one øre each to the parts with the largest remainders. A line's parts therefore
        sum to the line for any fractions (signs handled symmetrically).
    """
    sign = np.sign(amount)
    exact = np.abs(amount).astype(np.float64) * fraction
    base = np.floor(exact).astype(np.int64)
    remainder = exact - base
    frame = pd.DataFrame(
        {
            "line": line,
            "base": base,
            "remainder": remainder,
            "order": order,
            "magnitude": np.abs(amount),
        }
    )
    missing = frame["magnitude"] - frame.groupby("line")["base"].transform("sum")
    frame = frame.assign(position=np.arange(len(frame)))
    ranked = frame.sort_values(
        ["line", "remainder", "order"], ascending=[True, False, True], kind="stable"
    )
    rank = ranked.groupby("line").cumcount().to_numpy()
    position = ranked["position"].to_numpy()
    gap = missing.to_numpy()[position]
    parts = np.bincount(line)[line][position]  # how many parts each line has
    bonus = np.zeros(len(frame), dtype=np.int64)
    # floor division and modulo round towards minus infinity, so a negative gap works too
    bonus[position] = gap // parts + (rank < gap % parts).astype(np.int64)
    return sign * (base + bonus)


def reconcile(
    ledger: pd.DataFrame, allocation: pd.DataFrame, by: list[str] | None = None
) -> pd.DataFrame:
    """Per year: ledger total, allocated, not allocated and the difference (always 0).

    Args:
        by: Group by these columns instead of ``year`` (e.g. municipality and year).

    Returns:
        Columns ``year`` (or ``by``), ``ledger_ore``, ``allocated_ore``, ``not_allocated_ore``,
        ``difference_ore``.
    """
    keys = by or ["year"]
    total = ledger.groupby(keys, observed=True)["amount_ore"].sum()
    # one grouping of every part, allocated or not, then a column each: grouping an empty
    # selection (nothing left unallocated) gives categorical keys a narrower code type,
    # which pandas cannot align with the ledger's
    placed = (
        allocation.assign(open=allocation["step"] == NOT_ALLOCATED)
        .groupby([*keys, "open"], observed=True)["amount_ore"]
        .sum()
        .unstack("open", fill_value=0)
        .reindex(columns=[False, True], fill_value=0)
    )
    placed.columns = ["allocated_ore", "not_allocated_ore"]
    table = total.rename("ledger_ore").to_frame().join(placed).fillna(0)
    table = table.astype(np.int64)
    table["difference_ore"] = (
        table["ledger_ore"] - table["allocated_ore"] - table["not_allocated_ore"]
    )
    return table.rename_axis(keys).reset_index()


def by_step(
    allocation: pd.DataFrame,
    steps: pd.DataFrame,
    year: int,
    recipients: pd.DataFrame | None = None,
    exclude_functions: tuple[str, ...] = (),
    area: str | None = None,
) -> pd.DataFrame:
    """Cost per step in one year, share of the total, recipients and price per recipient.

    Args:
        allocation: From :func:`allocate`.
        steps: The municipality's steps (``step``, ``name``).
        year: The year.
        recipients: Optional ``year``, ``step``, ``recipients``.
        exclude_functions: KOSTRA functions left out (e.g. barnehage, skole, SFO).
        area: Only this tjenesteområde.

    Returns:
        One row per step plus *Ikke fordelt*: ``step``, ``name``, ``amount`` (kr), ``share``
        (of everything shown, *Ikke fordelt* included), ``recipients``, ``per_recipient``.
    """
    part = allocation[
        (allocation["year"] == year) & ~allocation["funksjon"].isin(exclude_functions)
    ]
    if area is not None:
        part = part[part["area"] == area]
    sums = part.groupby("step")["amount_ore"].sum()
    table = steps[["step", "name"]].copy()
    table = pd.concat(
        [table, pd.DataFrame({"step": [NOT_ALLOCATED], "name": [NOT_ALLOCATED_NAME]})],
        ignore_index=True,
    )
    table["amount_ore"] = table["step"].map(sums).fillna(0).astype(np.int64)
    table["amount"] = table["amount_ore"] / 100
    total = table["amount_ore"].sum()
    table["share"] = table["amount_ore"] / total if total else np.nan
    if recipients is not None:
        counts = recipients[recipients["year"] == year].set_index("step")["recipients"]
        table["recipients"] = table["step"].map(counts)
    else:
        table["recipients"] = np.nan
    table["per_recipient"] = table["amount"] / table["recipients"].where(table["recipients"] > 0)
    return table


def by_area(allocation: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cost per tjenesteområde and step in one year (kr), wide: one column per step."""
    part = allocation[allocation["year"] == year]
    table = part.pivot_table(
        index="area", columns="step", values="amount_ore", aggfunc="sum", fill_value=0
    )
    return (table / 100).reset_index()


NO_TARGET_GROUP = "Ikke oppgitt"
"""The målgruppe of lines whose rule names none."""


def by_target_group(allocation: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cost per målgruppe and step in one year (kr), wide: one column per step. Lines whose
    rule names no target group are «Ikke oppgitt»; unallocated lines «Ikke fordelt»."""
    part = allocation[allocation["year"] == year]
    unnamed = np.where(part["step"] == NOT_ALLOCATED, NOT_ALLOCATED_NAME, NO_TARGET_GROUP)
    group = part["target_group"].where(part["target_group"].notna(), unnamed)
    table = part.assign(target_group=group).pivot_table(
        index="target_group", columns="step", values="amount_ore", aggfunc="sum", fill_value=0
    )
    return (table / 100).reset_index()


def drill_down(allocation: pd.DataFrame, year: int, area: str) -> pd.DataFrame:
    """Cost per ansvar and step within one tjenesteområde (kr)."""
    part = allocation[(allocation["year"] == year) & (allocation["area"] == area)]
    part = part.assign(ansvar_label=part["ansvar"] + " " + part["ansvar_name"].fillna(""))
    table = part.pivot_table(
        index="ansvar_label", columns="step", values="amount_ore", aggfunc="sum", fill_value=0
    )
    return (table / 100).reset_index().rename(columns={"ansvar_label": "ansvar"})


def year_over_year(allocation: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """Cost per step and year (kr) with the change from the year before."""
    table = (
        allocation.groupby(["step", "year"])["amount_ore"].sum().unstack("year", fill_value=0) / 100
    )
    table = table.reindex([*steps["step"], NOT_ALLOCATED], fill_value=0)
    names = dict(zip(steps["step"], steps["name"], strict=True)) | {
        NOT_ALLOCATED: NOT_ALLOCATED_NAME
    }
    result = table.reset_index()
    result.insert(1, "name", [names[s] for s in result["step"]])
    years = list(table.columns)
    for before, after in itertools.pairwise(years):
        result[f"endring {before}–{after}"] = table[after].to_numpy() - table[before].to_numpy()
    return result


def to_canonical(table: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """Sum a per-step table (``step``, ``amount``) onto the canonical twelve steps."""
    mapping = dict(zip(steps["step"], steps["canonical_step"], strict=True)) | {
        NOT_ALLOCATED: NOT_ALLOCATED
    }
    return (
        table.assign(step=table["step"].map(mapping))
        .groupby("step", as_index=False)["amount"]
        .sum()
    )


def gross(ledger: pd.DataFrame) -> pd.DataFrame:
    """Only expense lines (KOSTRA art below 600).

    Raises:
        ValueError: A line has no art, so gross cannot be told from net.
    """
    missing = ledger["art"].isna()
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} linjer mangler art; brutto krever art på alle linjer"
        )
    return ledger[pd.to_numeric(ledger["art"], errors="coerce") < GROSS_ART_LIMIT]


def function_ledger(accounts: pd.DataFrame) -> pd.DataFrame:
    """Accounts per KOSTRA function (as SSB publishes them) as ledger lines without ansvar."""
    table = accounts.reset_index(drop=True)
    return pd.DataFrame(
        {
            "year": table["year"].to_numpy(),
            "ansvar": "",
            "ansvar_name": None,
            "funksjon": table["funksjon"].astype(str).to_numpy(),
            "art": None,
            "amount_ore": np.rint(table["amount"].to_numpy(dtype=float) * 100).astype(np.int64),
            "line": np.arange(len(table)),
        }
    )


def compare(
    own: pd.DataFrame,
    own_name: str,
    own_inhabitants: float,
    others: pd.DataFrame,
    canonical: tuple[list[Rule], pd.DataFrame],
    canonical_steps: pd.DataFrame,
    year: int,
    shared: SharedCosts,
) -> pd.DataFrame:
    """Kroner per inhabitant per canonical step: the municipality against others.

    Args:
        own: The municipality's canonical per-step table (``step``, ``amount`` in kr).
        own_name: Column name for the municipality.
        own_inhabitants: Its inhabitants that year.
        others: Accounts per function: ``municipality``, ``year``, ``funksjon``, ``amount``,
            ``inhabitants``.
        canonical: The default rules (by KOSTRA function) and their parts.
        canonical_steps: The canonical twelve steps.
        year: The year compared.
        shared: Shared administration placed for the others as for the municipality.

    Returns:
        ``step`` and one column per municipality, in kroner per inhabitant.
    """
    steps = [*canonical_steps["step"], NOT_ALLOCATED]
    table = pd.DataFrame({"step": steps})
    table[own_name] = table["step"].map(own.set_index("step")["amount"]).fillna(0) / own_inhabitants
    rules, parts = canonical
    for name, accounts in others[others["year"] == year].groupby("municipality", sort=False):
        allocated = place_shared(allocate(function_ledger(accounts), rules, parts), shared)
        sums = allocated.groupby("step")["amount_ore"].sum() / 100
        table[name] = table["step"].map(sums).fillna(0) / accounts["inhabitants"].iloc[0]
    return table


ALL = "Alle"
VARIANTS = {"alle": "Alle funksjoner", "uten": "Uten barnehage, skole og SFO"}


@dataclass(frozen=True)
class AllocationResult:
    allocation: pd.DataFrame
    year: int
    steps: pd.DataFrame
    reconciliation: pd.DataFrame


class Inputs(Protocol):
    """What :func:`evaluate`, :func:`years`, :func:`default_year` and :func:`shared_costs`
    read of the loaded inputs: :class:`~workbench.analyses.allocation.load.AllocationInputs`
    has these (the engine does not import the load, which imports the engine)."""

    @property
    def settings(self) -> AllocationSettings: ...
    @property
    def steps(self) -> pd.DataFrame: ...
    @property
    def ledger(self) -> pd.DataFrame | None: ...
    @property
    def rules(self) -> list[Rule]: ...
    @property
    def parts(self) -> pd.DataFrame: ...
    @property
    def recipients(self) -> pd.DataFrame | None: ...


def years(inputs: Inputs) -> list[int]:
    return (
        sorted(inputs.ledger["year"].unique())
        if inputs.ledger is not None
        else [inputs.settings.year]
    )


def shared_costs(inputs: Inputs) -> SharedCosts:
    """The municipality's choice for shared administration."""
    settings = inputs.settings
    return SharedCosts(settings.administration, tuple(settings.administration_functions))


def default_year(inputs: Inputs) -> int:
    """The year the report shows: the setting's, else the ledger's last year."""
    return inputs.settings.year or years(inputs)[-1]


def evaluate(
    inputs: Inputs,
    *,
    year: int | None = None,
    variant: str = "alle",
    area: str = ALL,
    parts: pd.DataFrame | None = None,
    rule_of_line: np.ndarray | None = None,
) -> AllocationResult:
    """The allocation for one year and variant (the app may pass moved rule parts)."""
    year = year or default_year(inputs)
    result = place_shared(
        allocate(
            inputs.ledger, inputs.rules, inputs.parts if parts is None else parts, rule_of_line
        ),
        shared_costs(inputs),
    )
    excluded = tuple(inputs.settings.exclude_functions) if variant == "uten" else ()
    table = by_step(
        result, inputs.steps, year, inputs.recipients, excluded, None if area == ALL else area
    )
    return AllocationResult(result, year, table, reconcile(inputs.ledger, result))


FOCUS_AREA = "Pleie og omsorg"
"""The service area the drill-down per ansvar shows when the municipality has it."""


def focus_area(allocated: pd.DataFrame) -> str:
    """The area to drill into: care (:data:`FOCUS_AREA`) where the ledger has it, else the
    first area alphabetically."""
    areas = sorted(set(allocated["area"]) - {NOT_ALLOCATED_NAME})
    return FOCUS_AREA if FOCUS_AREA in areas else areas[0]
