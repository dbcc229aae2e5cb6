"""What loading needs of a session: the project, the validated parameters, and a record of
every data file read (its source and status, for the sources section and the illustrative
marks), of inputs still templates, and of what the loaders found suspicious.

:class:`Sources` is the first part of :class:`workbench.session.Session`: the loaders take a
session but use only this part, which imports no IPython or matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.config import Defaults, Municipality
from workbench.input_templates import is_template
from workbench.marking import marking
from workbench.project import Project
from workbench.provenance import Provenance, provenance_of


@dataclass
class Sources:
    """The data files a session reads, and what it found about them.

    Args:
        project: The project folder.
        defaults: Shared assumptions.
        municipality: The municipality's validated parameters.
    """

    project: Project
    defaults: Defaults
    municipality: Municipality
    sources: list[Provenance] = field(default_factory=list, kw_only=True)
    missing: list[tuple[str, str]] = field(default_factory=list, kw_only=True)
    """Inputs still templates (:mod:`workbench.input_templates`): (kind, file under data/)."""
    notes: list[str] = field(default_factory=list, kw_only=True)
    """What the loaders found suspicious but not wrong (a row exported twice, a year far from
    the others): said by ``validate`` and in the report's data section, never silent."""

    def note(self, path: Path, text: str) -> None:
        """Record something suspicious about a data file (once)."""
        try:
            where = f"data/{path.resolve().relative_to(self.project.data_dir.resolve())}"
        except ValueError:
            where = path.name
        line = f"{where}: {text}"
        if line not in self.notes:
            self.notes.append(line)

    @property
    def illustrative(self) -> str:
        """The mark for everything read so far (:func:`workbench.marking.marking`): empty
        (false) for a real municipality with only real or derived data."""
        return self.illustrative_for(None)

    def illustrative_for(self, paths: list[Path] | None) -> str:
        """The mark for something built from these data files (all read so far for None):
        the fictional municipality's, the illustrative inputs named, or empty."""
        m = self.municipality
        return marking(m.fictional, m.name, self._chosen(paths))

    def data_file(self, relative: str, *, key: str, named_in: Path | None = None) -> Path:
        """Resolve a file name relative to ``data/`` and record its source.

        Args:
            relative: The file name as a parameter file or notebook parameter gives it.
            key: Which key named it (for error messages).
            named_in: The file that named it; default the municipality's parameter file.

        Raises:
            InputError: The name leaves ``data/``, the file is missing or has no source entry.
        """
        source = named_in or self.municipality.source_file
        path = self.project.data_path(relative, source=source, key=key)
        provenance = provenance_of(path, self.project.data_dir)
        if all(p.path != provenance.path for p in self.sources):
            self.sources.append(provenance)
        return path

    def filled_file(self, relative: str, *, key: str, kind: str) -> Path | None:
        """A data file that may still be a template the municipality has to fill in
        (:func:`workbench.input_templates.is_template`, and ``template`` in its
        ``sources.yaml``): its path, or None while it is a template (then recorded in
        :attr:`missing`, not among the sources).

        Raises:
            InputError: As :meth:`data_file`.
        """
        path = self.project.data_path(relative, source=self.municipality.source_file, key=key)
        # only a file its sources.yaml calls a template waits to be filled in: a data file
        # with nothing under its header is an empty file, read and refused as such
        if is_template(path) and provenance_of(path, self.project.data_dir).status == "template":
            if (kind, relative) not in self.missing:
                self.missing.append((kind, relative))
            return None
        return self.data_file(relative, key=key)

    @property
    def price_year(self) -> int:
        """The year the calculator, personas and housing profile count kroner in: the
        municipality's ``price_year``, else the defaults'."""
        return self.municipality.price_year or self.defaults.price_year

    def _chosen(self, paths: list[Path] | None) -> list[Provenance]:
        return [p for p in self.sources if paths is None or p.path in paths]
