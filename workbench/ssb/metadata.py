"""A statistics bank table's metadata (``/tables/{id}/metadata``, JSON-stat 2 without
values), and the workbench's needs mapped onto it by codes and labels (pure, no I/O).

A :class:`Need` says what the workbench wants from a variable (the region, the age, the
service type) or of the statistics variable (``ContentsCode``): the codes it knows, and a
pattern the label must match. :func:`resolve` finds them in the metadata before any data
query, so a table SSB has changed fails with a message naming the table and what is gone,
e.g. «tabell 14288 har ikke lenger statistikkvariabelen Personer (hovedalternativet, MMMM)».
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.ssb.jsonstat import SsbError, category_codes

CONTENTS = "ContentsCode"
SUBSET_WORDS = re.compile(
    r"^\s*(herav|derav|hvorav|av dette|av desse|av disse)\b|inng[åa]r i|er med i|inkludert i",
    re.IGNORECASE,
)
"""How a table's labels and notes say that a category is part of another."""


@dataclass(frozen=True)
class Metadata:
    """The parts of a metadata document the workbench uses.

    Args:
        table: Table id.
        label: The table's title.
        updated: When SSB last updated the figures (``updated``), or None.
        dimensions: Variable code → (label, category code → label), in table order.
        children: Variable code → category code → the codes it includes (JSON-stat's
            ``category.child``: a total and its parts), where the table says so.
        notes: Variable code → category code → its notes (``category.note``).
    """

    table: str
    label: str
    updated: str | None
    dimensions: dict[str, tuple[str, dict[str, str]]]
    children: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    notes: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @staticmethod
    def parse(table: str, document: dict) -> Metadata:
        """Read a metadata document (JSON-stat 2 ``dataset`` with ``id`` and ``dimension``).

        Raises:
            SsbError: The document is not table metadata.
        """
        if document.get("class") != "dataset" or "id" not in document:
            raise SsbError(f"svaret på metadata for tabell {table} er ikke et JSON-stat 2-datasett")
        dimensions, children, notes = {}, {}, {}
        for code in document["id"]:
            dimension = document["dimension"][code]
            category = dimension.get("category", {})
            labels = category.get("label", {})
            dimensions[code] = (
                str(dimension.get("label", code)),
                {c: str(labels.get(c, c)) for c in category_codes(category)},
            )
            if category.get("child"):
                children[code] = {str(k): tuple(map(str, v)) for k, v in category["child"].items()}
            if category.get("note"):
                notes[code] = {
                    str(k): tuple(map(str, v if isinstance(v, list) else [v]))
                    for k, v in category["note"].items()
                }
        return Metadata(
            table,
            str(document.get("label", "")),
            document.get("updated"),
            dimensions,
            children,
            notes,
        )

    def part_of(self, variable: str, code: str, others: tuple[str, ...]) -> str | None:
        """Which of ``others`` a category is counted inside, as the metadata tells it: a
        total naming it among its parts (``child``), or its own label or note saying so
        («herav …», «inngår i …»). None where the table shows it as a category of its own.
        Where only the wording says so, the nearest category before it is the whole."""
        for parent in others:
            if code in self.children.get(variable, {}).get(parent, ()):
                return parent
        labels = self.dimensions[variable][1]
        said = [labels.get(code, ""), *self.notes.get(variable, {}).get(code, ())]
        if not any(SUBSET_WORDS.search(text) for text in said):
            return None
        order = list(labels)
        before = [c for c in others if c in labels and order.index(c) < order.index(code)]
        return before[-1] if before else None

    def years(self, variable: str = "Tid") -> list[int]:
        """The years the table has (codes of the time variable that are years)."""
        return sorted(int(c) for c in self.dimensions.get(variable, ("", {}))[1] if c.isdigit())


@dataclass(frozen=True)
class Need:
    """A variable, or a statistics variable, the workbench needs.

    Args:
        name: How messages name it, in Norwegian («alder», «langtidsopphold»).
        codes: The codes it is known by; the first present is used.
        label: A pattern (case-insensitive) the label must match when no code does, or to
            confirm a code whose meaning may have moved; None accepts the code alone.
        required: A category the table may lack (then the workbench uses a stated default).
        confirm: Whether a code found must also have a matching label (for statistics
            variables and categories, whose meaning can move under the same code); a
            variable's code is taken as it is, its label only sought when the code is gone.
    """

    name: str
    codes: tuple[str, ...] = ()
    label: str | None = None
    required: bool = True
    confirm: bool = True

    def find(self, options: dict[str, str]) -> list[str]:
        """The codes among ``options`` (code → label) that meet the need."""
        pattern = re.compile(self.label, re.IGNORECASE) if self.label else None
        by_code = [c for c in self.codes if c in options]
        confirmed = (
            pattern is None or not self.confirm or all(pattern.search(options[c]) for c in by_code)
        )
        if by_code and confirmed:
            return by_code
        if pattern is None:
            return []
        return [c for c, text in options.items() if pattern.search(text)]


@dataclass(frozen=True)
class TableNeeds:
    """What the workbench needs from one table.

    Args:
        table: Table id.
        title: The table's title as SSB writes it (for messages).
        variables: Our name → the variable (matched on its code and label).
        contents: Our name → the statistics variable (``ContentsCode``).
        categories: (our variable name, our category name) → the values of a variable the
            workbench needs by meaning (e.g. service type «langtidsopphold»): every
            matching code.
        confidence: How sure we are of the ids (ssb-sources.md).
    """

    table: str
    title: str
    variables: dict[str, Need]
    contents: dict[str, Need] = field(default_factory=dict)
    categories: dict[tuple[str, str], Need] = field(default_factory=dict)
    confidence: str = ""


@dataclass(frozen=True)
class Resolved:
    """A table's needs found in its metadata: our names → the table's codes."""

    needs: TableNeeds
    metadata: Metadata
    variables: dict[str, str]
    contents: dict[str, str]
    categories: dict[tuple[str, str], tuple[str, ...]]

    def codes(self, variable: str, name: str) -> tuple[str, ...]:
        """The codes of a category (our variable and category names); empty for an optional
        category the table lacks.

        Raises:
            SsbError: A required category is not in the table any more.
        """
        need = self.needs.categories[(variable, name)]
        found = self.categories[(variable, name)]
        if not found and need.required:
            raise SsbError(
                f"tabell {self.needs.table} ({self.needs.title}) har ikke lenger verdien "
                f"{need.name} i variabelen {self.needs.variables[variable].name}"
            )
        return found

    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(self.metadata.dimensions)

    def labels(self, name: str) -> dict[str, str]:
        """Category code → label of our variable ``name``."""
        return self.metadata.dimensions[self.variables[name]][1]


def resolve(needs: TableNeeds, metadata: Metadata) -> Resolved:
    """Map a table's needs onto its metadata.

    Raises:
        SsbError: A variable or statistics variable the workbench needs is not in the table
            any more (in Norwegian, naming the table and what is missing); a missing category
            fails when it is asked for (:meth:`Resolved.codes`).
    """
    table = needs.table
    variable_labels = {code: label for code, (label, _) in metadata.dimensions.items()}
    variables: dict[str, str] = {}
    for name, need in needs.variables.items():
        variables[name] = _first(needs, need, variable_labels, "variabelen")
    contents: dict[str, str] = {}
    if needs.contents:
        if CONTENTS not in metadata.dimensions:
            raise SsbError(f"tabell {table} ({needs.title}) har ikke lenger statistikkvariabler")
        options = metadata.dimensions[CONTENTS][1]
        for name, need in needs.contents.items():
            contents[name] = _first(needs, need, options, "statistikkvariabelen")
    categories = {
        (variable, name): tuple(need.find(metadata.dimensions[variables[variable]][1]))
        for (variable, name), need in needs.categories.items()
    }
    return Resolved(needs, metadata, variables, contents, categories)


def _first(needs: TableNeeds, need: Need, options: dict[str, str], what: str) -> str:
    """The code meeting ``need`` among ``options``, or an error naming what is gone and what
    the table has instead."""
    found = need.find(options)
    if not found:
        raise SsbError(
            f"tabell {needs.table} ({needs.title}) har ikke lenger {what} {need.name}; den har "
            f"{', '.join(f'{c} ({t})' for c, t in options.items())}. Kontroller tabellen på "
            "ssb.no og oppdater workbench.ssb.TABLES"
        )
    return found[0]
