"""``nokkeltall.json``, the report folder's table of contents, as one typed model that the
report writes (:meth:`workbench.session.Session.manifest`) and everything that reads a report
folder reads (:class:`workbench.outputs.ReportOutput`): the batch, the deliverables, the
index page and the all-municipalities tables. A folder written by another version of the model
is refused with a message, never half read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

MANIFEST_VERSION = 2
"""Raised when the model changes shape; a folder of another version is made again."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MunicipalityEntry(_Part):
    number: str
    name: str
    key: str
    fictional: bool
    base_year: int
    target_year: int


class AnalysisEntry(_Part):
    key: str
    title: str


class KeyFigureEntry(_Part):
    """A key figure (:class:`workbench.outputs.KeyFigure`) as the file holds it."""

    key: str
    label: str
    value: float | int | str | None = None
    unit: str
    source: float | None = None


class Entry(_Part):
    """A table or figure the report wrote.

    Args:
        stem: File name without extension.
        title: What it shows, in Norwegian.
        csv, svg, slide: Its files, relative to the report folder (a table has ``csv``, a
            figure ``svg`` and, drawn for the slides, ``slide``).
        sources: The titles of the data files it was computed from.
        illustrative: It is built from illustrative data.
        marking: What it says about that (empty for none).
        columns: A table's column → the format the report shows it in.
    """

    stem: str
    title: str
    csv: str | None = None
    svg: str | None = None
    slide: str | None = None
    sources: list[str]
    illustrative: bool
    marking: str = ""
    columns: dict[str, str] | None = None


class MissingEntry(_Part):
    kind: str
    file: str
    heading: str


class Manifest(_Part):
    """What ``nokkeltall.json`` holds."""

    version: Literal[2] = MANIFEST_VERSION
    municipality: MunicipalityEntry
    analysis: AnalysisEntry
    price_version: str
    price_year: int
    prices: str
    illustrative: bool
    marking: str
    key_figures: list[KeyFigureEntry]
    tables: list[Entry]
    figures: list[Entry]
    sources: list[dict[str, Any]]
    """Every data file read (:func:`workbench.provenance.asdict_provenance`)."""
    missing: list[MissingEntry] = []
    omitted_sections: list[str] = []

    def text(self) -> str:
        """The file's text: entries without the fields they do not have."""
        return self.model_dump_json(indent=1, exclude_none=True) + "\n"
