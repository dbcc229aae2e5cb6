"""Writing report files so that no half-written file ever survives.

Each file is written to a temporary name in the same folder and renamed into place; a
folder of outputs is built beside its final place and swapped in whole.
"""

from __future__ import annotations

import errno
import io
import math
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from workbench.errors import InputError
from workbench.manifest import Entry, Manifest

CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"  # the BOM makes Norwegian Excel read æøå correctly
OLD_MARK = ".old-"
"""Infix of a report folder set aside while its replacement is moved in."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()
"""The process's umask, read once: temporary files and folders are created private (0600,
0700) and given the modes ordinary files get before they are renamed into place."""
FILE_MODE = 0o666 & ~UMASK
FOLDER_MODE = 0o777 & ~UMASK


def private_folder(parent: Path, prefix: str) -> Path:
    """A new empty folder under ``parent`` with a unique name, with ordinary permissions (so
    the report it becomes can be read by whoever may read ``reports/``)."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    os.chmod(folder, FOLDER_MODE)
    return folder


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


DECIMALS_BY_FORMAT: dict[str, int | None] = {
    "kr": 0,
    "kr2": 2,
    "mill_kr": 0,  # shown in millions, written in whole kroner
    "mill_kr1": 0,
    "mill1": 0,
    "number": 0,
    "number1": 1,
    "number2": 2,
    "percent": 4,  # shown in percent, written as the share
    "hours": 0,
    "fte": 2,
    "as_stored": 4,
    "text": None,  # written as it is
}
"""How many decimals a column is written with, from the format the report shows it in
(:data:`workbench.formatting.FORMATTERS`): the CSV says what the report says, in the base
unit (kroner, not millions; a share, not percent)."""
DECIMALS_BY_UNIT = {
    "kr": 0,
    "årsverk": 2,
    "ansatte": 0,
    "boliger": 0,
    "boenheter": 0,
    "andel": 4,
    "andel (0–1)": 4,
    "timer": 1,
    "t": 1,
}
"""Decimals by the unit a table gives per row (its ``Enhet`` column: the housing summary)."""
UNKNOWN_DECIMALS = 4
"""A column with neither a format nor a unit per row (a table read back from CSV)."""
UNIT_COLUMN = "Enhet"


def for_reading(
    frame: pd.DataFrame, parts: Iterable[str] = (), formats: dict | None = None
) -> pd.DataFrame:
    """A report table as people read it in Excel: each number rounded as the report shows it
    (:data:`DECIMALS_BY_FORMAT`, or by each row's unit where the table has an ``Enhet``
    column), no float noise (``12,700000000000001``) and whole numbers without ``,0``. A
    column of whole numbers becomes an integer column; a column that mixes whole and decimal
    numbers is written as Norwegian number text.

    Args:
        parts: Columns whose rows are parts of one whole (the cost on each step): rounded to
            whole numbers by the largest remainder, so the written parts add up to their
            rounded total, as a reader's SUM in Excel expects. A line of 100 kr split in
            thirds is 34 + 33 + 33, not 33 + 33 + 33.
        formats: Column → the format the report shows it in.
    """
    frame = frame.copy()
    formats = formats or {}
    for column in parts:
        frame[column] = largest_remainder(frame[column].astype(float)).astype("Int64")
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        if column in formats:
            places = DECIMALS_BY_FORMAT[formats[column]]
            if places is None:
                continue
            rounded = values.map(lambda v, d=places: _half_up(v, d)).astype(float)
        elif UNIT_COLUMN in frame.columns:
            places = frame[UNIT_COLUMN].map(
                lambda u: DECIMALS_BY_UNIT.get(str(u), UNKNOWN_DECIMALS)
            )
            rounded = pd.Series(
                [_half_up(v, int(d)) for v, d in zip(values, places, strict=True)],
                index=values.index,
                dtype=float,
            )
        else:
            rounded = values.map(lambda v: _half_up(v, UNKNOWN_DECIMALS)).astype(float)
        rounded = rounded + 0.0  # -0.0 becomes 0.0
        whole = rounded.dropna().apply(float.is_integer).all()
        if whole:
            frame[column] = rounded.astype("Int64")
        else:
            frame[column] = [
                "" if pd.isna(v) else str(int(v)) if v.is_integer() else repr(v).replace(".", ",")
                for v in rounded
            ]
    return frame


def largest_remainder(values: pd.Series) -> pd.Series:
    """``values`` as whole numbers that add up to their rounded (half up) sum: each is rounded
    down, and the units still missing go to the largest remainders (first rows first on a
    tie). Empty cells stay empty."""
    present = values.dropna()
    floors = present.map(math.floor)
    remainders = present - floors
    missing = int(_half_up(float(present.sum()), 0) - floors.sum())
    position = {label: n for n, label in enumerate(present.index)}
    order = sorted(present.index, key=lambda label: (-remainders[label], position[label]))
    floors.loc[order[:missing]] += 1
    return floors.reindex(values.index)


def _half_up(value: float, places: int) -> float:
    """Rounded half up like the HTML reports (:func:`workbench.formatting.half_up`)."""
    from workbench.formatting import half_up

    return value if pd.isna(value) else float(half_up(value, places))


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV the way Norwegian Excel opens it: semicolons, decimal comma,
    UTF-8 with BOM. Numbers stay numbers (not formatted text)."""
    text = frame.to_csv(index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, lineterminator="\n")
    atomic_write_bytes(path, text.encode(CSV_ENCODING))


def replace_folder(staging: Path, target: Path) -> None:
    """Move a finished folder into place, replacing any earlier one.

    On Linux the two folders are exchanged in one step (``renameat2`` with
    ``RENAME_EXCHANGE``), so ``target`` is at every moment the complete old folder or the
    complete new one, even if the process is killed. Elsewhere the old folder is renamed aside
    first; if the process dies between the two renames, :func:`recover_folders` puts it back
    on the next run.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old folder
        return
    old = target.parent / f".{target.name}{OLD_MARK}{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``). False where the system or the file
    system cannot, so the caller falls back to two renames."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def recover_folders(root: Path) -> list[Path]:
    """After a run was killed between the two renames of :func:`replace_folder`: put back
    every set-aside folder whose report is missing, and remove those a newer report replaced.

    Returns:
        The folders put back.
    """
    restored = []
    if not root.is_dir():
        return restored
    for old in sorted(root.glob(f"*/.*{OLD_MARK}*")) + sorted(root.glob(f".*{OLD_MARK}*")):
        if not old.is_dir():
            continue
        target = old.parent / old.name[1:].rsplit(OLD_MARK, 1)[0]
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)
            restored.append(target)
    return restored


FIXED_TIME = datetime(2000, 1, 1)
"""Document timestamps of the workbook and the deck: fixed, so the same inputs give the same
bytes (:func:`stable_zip` writes the same time into ``docProps/core.xml``)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CORE_PROPERTIES = "docProps/core.xml"
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(data: bytes) -> bytes:
    """The same zip archive (XLSX, PPTX) with every entry's timestamp and the document's
    "modified" date fixed, so the same contents give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == CORE_PROPERTIES:  # openpyxl stamps "modified" when it saves
                content = MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return buffer.getvalue()


# --- A report folder: what a report job leaves for everything downstream -------------------

KEY_FIGURES = "nokkeltall.json"
"""The report folder's table of contents: key figures, tables, figures and their sources."""
FIGURES = "figures"
TABLES = "tables"


@dataclass(frozen=True)
class KeyFigure:
    """One number a report states, with its unit, for slides, the index and the workbook.

    Args:
        key: Identifier the deliverables look it up by (English, never shown).
        label: Norwegian text shown before the number.
        value: The number, unrounded.
        unit: Its unit in Norwegian (``kr``, ``årsverk``, ``andel``, ``personer``, ``år`` …).
        source: The same figure as a source document gives it, in the same unit, where the
            municipality has one to compare with (Færder's council presentation).
    """

    key: str
    label: str
    value: float | int | str | None
    unit: str
    source: float | None = None


@dataclass(frozen=True)
class ReportOutput:
    """A finished report folder (``reports/<nr>-<slug>/<analysis>/``), read back.

    Deliverables, the index page and the all-municipalities tables read these folders; they
    never run a report or recompute a figure.
    """

    folder: Path
    manifest: Manifest

    @classmethod
    def read(cls, folder: Path, title: str = "") -> ReportOutput:
        """Read a report folder's ``nokkeltall.json``.

        Args:
            title: The analysis's Norwegian name, for the error message.

        Raises:
            InputError: The report has not been made, or was made by another version of the
                workbench.
        """
        path = folder / KEY_FIGURES
        if not path.is_file():
            raise InputError(
                folder,
                f"rapporten {title or folder.name} mangler ({KEY_FIGURES} finnes ikke): "
                "kjør workbench run for kommunen først",
            )
        try:
            manifest = Manifest.model_validate_json(path.read_bytes())
        except ValidationError:
            raise InputError(
                path,
                f"rapporten {title or folder.name} er laget av en annen versjon av "
                "arbeidsbenken: kjør workbench run for kommunen på nytt",
            ) from None
        return cls(folder, manifest)

    @property
    def illustrative(self) -> bool:
        return self.manifest.illustrative

    @property
    def marking(self) -> str:
        """What the report as a whole says about illustrative numbers (empty for none)."""
        return self.manifest.marking

    @property
    def prices(self) -> str:
        """Which kroner the report counts in («Kroner i 2023-priser»)."""
        return self.manifest.prices

    def slide_figures(self) -> dict[bytes, Entry]:
        """Each slide figure's PNG → its manifest entry (mark and sources), read once for a
        report: a slide shows one of them and says what it says."""
        return {self.png(e): e for e in self.manifest.figures if e.slide is not None}

    def table_marks(self) -> dict[str, str]:
        """Each table's stem → its mark."""
        return {entry.stem: entry.marking for entry in self.manifest.tables}

    def check(self) -> None:
        """Every table and figure the manifest names is in the folder.

        Raises:
            InputError: Naming the first missing file.
        """
        for entry in self.manifest.tables:
            if not (self.folder / entry.csv).is_file():
                raise InputError(
                    self.folder / entry.csv,
                    "tabellen mangler i rapportmappen: kjør rapporten på nytt",
                )
        for entry in self.manifest.figures:
            for file in (entry.svg, entry.slide):
                if file is not None and not (self.folder / file).is_file():
                    raise InputError(
                        self.folder / file,
                        "figuren mangler i rapportmappen: kjør rapporten på nytt",
                    )

    @property
    def sources(self) -> list[dict]:
        """Every data file the report read: ``file``, ``title``, ``source``, ``status``."""
        return self.manifest.sources

    def key_figure(self, key: str) -> KeyFigure:
        """One key figure.

        Raises:
            InputError: The report states no such figure.
        """
        for entry in self.manifest.key_figures:
            if entry.key == key:
                return KeyFigure(**entry.model_dump())
        raise InputError(self.folder / KEY_FIGURES, f"nøkkeltallet «{key}» finnes ikke i rapporten")

    def key_figures(self, prefix: str = "") -> list[KeyFigure]:
        """The key figures whose key starts with ``prefix``, in the report's order."""
        return [
            KeyFigure(**e.model_dump())
            for e in self.manifest.key_figures
            if e.key.startswith(prefix)
        ]

    def tables(self) -> list[tuple[Entry, pd.DataFrame]]:
        """Every table (its manifest entry and the frame read back from CSV), in order.

        Raises:
            InputError: A table file named in the manifest is missing.
        """
        found = []
        for entry in self.manifest.tables:
            path = self.folder / entry.csv
            if not path.is_file():
                raise InputError(path, "tabellen mangler i rapportmappen: kjør rapporten på nytt")
            frame = pd.read_csv(
                path,
                sep=CSV_SEPARATOR,
                decimal=CSV_DECIMAL,
                encoding=CSV_ENCODING,
                keep_default_na=False,
                na_values=[""],
            )
            found.append((entry, frame))
        return found

    def figures(self, prefix: str = "") -> list[Entry]:
        """Manifest entries of the figures whose stem starts with ``prefix``, in order."""
        return [f for f in self.manifest.figures if f.stem.startswith(prefix)]

    def png(self, entry: Entry) -> bytes:
        """The PNG a slide shows of a figure: the slide version the report drew (slide
        size, no title, mark or source of its own).

        Raises:
            InputError: The report was made without slides, or the file is missing.
        """
        if entry.slide is None:
            raise InputError(
                self.folder / f"{entry.stem}-lysark.png",
                "lysarkversjonen av figuren mangler: rapporten ble laget uten leveransen; "
                "kjør rapportene og leveransen sammen (uten -a, eller med -a deliverables i "
                "samme kjøring)",
            )
        path = self.folder / entry.slide
        if not path.is_file():
            raise InputError(path, "figuren mangler i rapportmappen: kjør rapporten på nytt")
        return path.read_bytes()
