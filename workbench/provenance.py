"""Where each data file comes from and whether its numbers are real.

Every file in ``data/`` has an entry in the ``sources.yaml`` of its own folder: a title, a
source and a status (``real``, ``derived``, ``calibrated`` or ``illustrative``): calibrated
numbers are estimated so that a model reproduces a source's published results. Reports cite these entries
and mark every page that shows illustrative numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from workbench.errors import InputError, Problem
from workbench.loaders import memo_read, read_yaml
from workbench.models import StrictModel
from workbench.project import real_folder

MANIFEST = "sources.yaml"
Status = Literal["real", "derived", "calibrated", "illustrative", "template"]
STATUS_LABELS: dict[str, str] = {
    "real": "reelle tall",
    "derived": "avledet",
    "calibrated": "kalibrert mot kilden",
    "illustrative": "illustrative tall",
    "template": "mal, ikke fylt ut",
}


class SourceEntry(StrictModel):
    """One file's entry in ``sources.yaml``.

    Args:
        title: The dataset's title, as the sources table shows it.
        publisher: Who published it (``SSB``, ``Færder kommune og Agenda Kaupang``).
        published: When (``12. februar 2025``, ``juli 2024``).
        subject: What the file holds as a short phrase for marking sentences
            («beboere per boligtrinn»); default the title.
        source: Where exactly it comes from and how it was made.
        status: ``real``, ``derived``, ``calibrated``, ``illustrative`` or ``template``
            (a file the municipality has still to fill in).
        updated: When the publisher last updated the figures (SSB's ``updated``).
    """

    title: str = Field(min_length=3)
    publisher: str = ""
    published: str = ""
    subject: str = ""
    source: str = Field(min_length=3)
    status: Status
    updated: str = ""

    @field_validator("published", mode="before")
    @classmethod
    def _year_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


@dataclass(frozen=True)
class Provenance:
    """The source entry of one data file.

    Args:
        path: The data file.
        relative: Its name relative to ``data/`` (as reports show it).
        title, source, status: From its folder's ``sources.yaml``.
    """

    path: Path
    relative: str
    title: str
    source: str
    status: Status
    publisher: str = ""
    published: str = ""
    subject: str = ""

    @property
    def illustrative(self) -> bool:
        return self.status == "illustrative"

    @property
    def what(self) -> str:
        """The short phrase marking sentences use: the subject, else the title."""
        return self.subject or self.title[:1].lower() + self.title[1:]


SOURCE_COLUMNS = ["Datasett", "Utgiver", "Publisert", "Kilde", "Status"]
"""The sources table: the dataset's title first, then who published it and when."""


def asdict_provenance(p: Provenance) -> dict:
    """A source as ``nokkeltall.json`` records it (and the workbook and deck read it)."""
    return {
        "file": f"data/{p.relative}",
        "title": p.title,
        "publisher": p.publisher,
        "published": p.published,
        "source": p.source,
        "status": p.status,
    }


def source_row(source: dict) -> dict:
    """One row of the sources table, from a recorded source."""
    return {
        "Datasett": source["title"],
        "Utgiver": source.get("publisher") or "–",
        "Publisert": source.get("published") or "–",
        "Kilde": source["source"],
        "Status": STATUS_LABELS[source["status"]],
    }


def provenance_of(path: Path, data_dir: Path) -> Provenance:
    """Look up a data file's entry in its folder's ``sources.yaml``.

    Raises:
        InputError: The manifest is missing, invalid or has no entry for the file.
    """
    manifest = path.parent / MANIFEST
    # one folder's manifest serves all its files: read once while it is unchanged
    entries = (
        memo_read(manifest, "manifest", read_manifest)
        if manifest.is_file()
        else read_manifest(manifest)
    )
    entry = entries.get(path.name)
    if entry is None:
        raise InputError(
            manifest,
            Problem(
                "datafilen mangler kildeopplysning: legg til title, source og status",
                key=path.name,
            ),
        )
    relative = Path(os.path.realpath(path)).relative_to(real_folder(data_dir)).as_posix()
    return Provenance(
        path,
        relative,
        entry.title,
        entry.source,
        entry.status,
        entry.publisher,
        entry.published,
        entry.subject,
    )


def read_manifest(manifest: Path) -> dict[str, SourceEntry]:
    """Read one ``sources.yaml``.

    Raises:
        InputError: The manifest is missing or an entry is invalid.
    """
    if not manifest.is_file():
        raise InputError(manifest, "mangler: hver mappe med datafiler trenger en sources.yaml")
    raw = read_yaml(manifest)
    entries: dict[str, SourceEntry] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        if not isinstance(value, dict):
            problems.append(Problem("må ha title, source og status", key=str(name)))
            continue
        try:
            entries[str(name)] = SourceEntry.from_mapping(value, manifest)
        except InputError as exc:
            problems += [
                Problem(p.message, key=f"{name}.{p.key}" if p.key else str(name))
                for p in exc.problems
            ]
    if problems:
        raise InputError(manifest, problems)
    return entries


def check_manifests(data_dir: Path) -> list[InputError]:
    """Every data file has an entry, every entry names an existing file, and a template
    that has been filled in no longer says it is one.

    Returns:
        One error per manifest with problems (empty when all is well).
    """
    from workbench.input_templates import is_template

    errors: list[InputError] = []
    folders = sorted({p.parent for p in data_dir.rglob("*") if p.is_file()})
    for folder in folders:
        files = sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file()
            and p.name != MANIFEST
            and not p.name.startswith(".")
            and p.name != "README.md"
        )
        if not files:
            continue
        manifest = folder / MANIFEST
        try:
            entries = read_manifest(manifest)
        except InputError as exc:
            errors.append(exc)
            continue
        problems = [
            Problem("datafilen mangler kildeopplysning", key=name)
            for name in files
            if name not in entries
        ]
        problems += [
            Problem("oppføringen viser til en fil som ikke finnes", key=name)
            for name in entries
            if name not in files
        ]
        problems += [
            Problem(
                "filen er fylt ut, men står fortsatt med status: template; skriv hvor tallene "
                "kommer fra i source og sett status: real",
                key=name,
            )
            for name, entry in entries.items()
            if entry.status == "template" and name in files and not is_template(folder / name)
        ]
        if problems:
            errors.append(InputError(manifest, problems))
    return errors
