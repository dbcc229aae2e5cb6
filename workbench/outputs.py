"""Writing report files so that no half-written file ever survives.

Each file is written to a temporary name in the same folder and renamed into place; a
folder of outputs is built beside its final place and swapped in whole.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

import pandas as pd

CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"  # the BOM makes Norwegian Excel read æøå correctly


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV the way Norwegian Excel opens it: semicolons, decimal comma,
    UTF-8 with BOM. Numbers stay numbers (not formatted text)."""
    text = frame.to_csv(index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, lineterminator="\n")
    atomic_write_bytes(path, text.encode(CSV_ENCODING))


def replace_folder(staging: Path, target: Path) -> None:
    """Move a finished folder into place, replacing any earlier one.

    The old folder is renamed aside before the new one is renamed in, so at every moment
    ``target`` is either the complete old folder, absent, or the complete new folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


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
