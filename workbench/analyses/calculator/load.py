"""Loading the resource calculator inputs: the files a municipality's parameters name, read through the
loaders with their sources recorded in the session, as plain objects the engine takes.

The reader of a package file is here too (:func:`read_package`), so the engine takes packages
and never a file. The session is imported for its type only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench.inputs import chosen_files, price_catalogue
from workbench.loaders import memo_read, read_yaml
from workbench.pricing import Assumptions, Package, check_services

if TYPE_CHECKING:
    from workbench.sources import Sources


def read_package(path: Path) -> Package:
    """A package file (YAML): its title, description and alternatives, validated.

    Raises:
        InputError: A key is unknown or a value invalid, naming the key.
    """
    return Package.from_mapping(read_yaml(path), path)


@dataclass(frozen=True)
class PackageFile:
    """A package read from a file; ``stem`` names its tables and figures."""

    stem: str
    path: Path
    package: Package


@dataclass(frozen=True)
class CalculatorInputs:
    catalogue: pd.DataFrame
    assumptions: Assumptions
    packages: list[PackageFile]
    catalogue_files: list[Path]


def load(session: Sources, package_file: str = "") -> CalculatorInputs:
    """Catalogue, assumptions and packages for the resource calculator.

    Args:
        session: The open session.
        package_file: A package file relative to ``data/`` to use instead of the
            municipality's own list.

    Raises:
        InputError: A file is missing or invalid, or a package names an unknown service.
    """
    table, catalogue_files = price_catalogue(session)
    settings = session.municipality.analyses.calculator
    packages = []
    for path in chosen_files(
        session, package_file, "package_file", settings.packages, "analyses.calculator.packages"
    ):
        package = memo_read(path, "package", read_package)  # frozen: safe to share
        check_services(package, table, path)
        packages.append(PackageFile(path.stem, path, package))
    return CalculatorInputs(
        table, Assumptions.from_defaults(session.defaults), packages, catalogue_files
    )
