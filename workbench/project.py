"""Where a project's parameters, data, notebooks and reports live.

A project is a folder with ``parameters/``, ``data/`` and ``notebooks/``. The repository is
one; tests build small ones in temporary folders. File names in parameter files are always
relative to ``data/`` and may never point outside it, so a widget value or a parameter can
never make the workbench read an arbitrary file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workbench.errors import InputError, Problem


@dataclass(frozen=True)
class Project:
    """A project folder.

    Args:
        root: The folder holding ``parameters/``, ``data/`` and ``notebooks/``.
    """

    root: Path

    @property
    def parameters_dir(self) -> Path:
        return self.root / "parameters"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @classmethod
    def locate(cls, root: str | Path | None = None) -> Project:
        """Find the project: the given folder, else the nearest folder upwards from the working
        directory with ``parameters/`` and ``data/``, else the folder the ``workbench``
        package was installed from."""
        if root:
            return cls._checked(Path(root))
        for folder in (Path.cwd(), *Path.cwd().parents):
            if (folder / "parameters").is_dir() and (folder / "data").is_dir():
                return cls(folder.resolve())
        return cls._checked(Path(__file__).resolve().parent.parent)

    @classmethod
    def _checked(cls, root: Path) -> Project:
        root = root.resolve()
        missing = [f"{d}/" for d in ("parameters", "data") if not (root / d).is_dir()]
        if missing:
            raise InputError(root, f"er ikke en prosjektmappe: mangler {', '.join(missing)}")
        return cls(root)

    def data_path(self, relative: str, *, source: Path, key: str, new: bool = False) -> Path:
        """Resolve a file name from a parameter file against ``data/``.

        Args:
            relative: File name relative to ``data/``, with forward slashes.
            source: The parameter file that names it (for the error message).
            key: The key in that file (for the error message).
            new: A file about to be written: it need not exist yet, but may not be a link
                out of ``data/`` either.

        Raises:
            InputError: The name is absolute or leaves ``data/``, the file does not exist, or
                it is a link to a file outside ``data/``.
        """
        pure = PurePosixPath(relative.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise InputError(
                source,
                Problem(f"«{relative}» må være et filnavn relativt til data/-mappen", key=key),
            )
        path = self.data_dir.joinpath(*pure.parts)
        if not new and not path.is_file():
            raise InputError(source, Problem(f"filen data/{pure} finnes ikke", key=key))
        if not Path(os.path.realpath(path)).is_relative_to(real_folder(self.data_dir)):
            raise InputError(
                source,
                Problem(
                    f"data/{pure} er en lenke til en fil utenfor data/-mappen; kopier filen "
                    "inn i data/ i stedet",
                    key=key,
                ),
            )
        return path


@functools.lru_cache(maxsize=16)
def real_folder(folder: Path) -> Path:
    """A project folder with its links resolved, once per process: ``data/`` is compared
    with every data file a report reads, and resolving a path costs a system call per
    folder in it."""
    return folder.resolve()
