"""argparse in Norwegian: the words argparse itself prints (usage, section titles, the help
option and its error messages), through its public extension points.

argparse takes its own words from :mod:`gettext`'s process-wide default domain, which only
the environment's language selects; a consultant's English or C locale would then print
English around our Norwegian help. Instead, this parser adds its own ``-h``, puts every
argument in Norwegian-titled groups (argparse leaves its own empty groups out), names the
subcommands' section, and translates the usage line and the error messages it is handed.
An error argparse may add in a later Python version, and that is not in :data:`ERRORS`, is
shown in English after the Norwegian «feil:».
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

USAGE = "bruk: "
METAVARS = {
    "base_url": "ADRESSE",
    "host": "ADRESSE",
    "klass_url": "ADRESSE",
    "max_kernels": "ANTALL",
    "municipalities": "ANTALL",
    "municipality": "KOMMUNENR",
    "port": "PORT",
    "project": "MAPPE",
    "reports": "MAPPE",
    "scheduler": "ADRESSE",
    "seed": "TALL",
    "staffed_share": "ANDEL",
    "tables": "TABELLER",
    "to": "MAPPE",
    "token": "PASSORD",
    "warm": "ANTALL",
    "workers": "ANTALL",
}
"""The placeholder shown for an option's value (argparse would show its English name in
capitals, ``MUNICIPALITY``)."""
ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^unrecognized arguments: (.*)$", r"ukjente argumenter: \1"),
        (r"^the following arguments are required: (.*)$", r"dette mangler: \1"),
        (
            r"^argument (.+?): invalid choice: (.+?) \(choose from (.*)\)$",
            r"\1: ugyldig valg \2 (velg blant \3)",
        ),
        (r"^argument (.+?): invalid int value: (.*)$", r"\1: \2 er ikke et heltall"),
        (r"^argument (.+?): invalid float value: (.*)$", r"\1: \2 er ikke et tall"),
        (r"^argument (.+?): invalid (\w+) value: (.*)$", r"\1: ugyldig verdi \3"),
        (r"^argument (.+?): expected one argument$", r"\1: mangler en verdi"),
        (r"^argument (.+?): expected at least one argument$", r"\1: mangler minst én verdi"),
        (r"^argument (.+?): ignored explicit argument (.*)$", r"\1: tar ingen verdi (fikk \2)"),
        (r"^argument (.+?): not allowed with argument (.*)$", r"\1: kan ikke brukes sammen med \2"),
        (r"^ambiguous option: (.+?) could match (.*)$", r"\1 er tvetydig: kan være \2"),
    )
)


def translated(message: str) -> str:
    """An argparse error message in Norwegian (unchanged when it is not a known one)."""
    for pattern, replacement in ERRORS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that speaks Norwegian; subcommands get one too."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._arguments = self.add_argument_group("argumenter")
        self._options = self.add_argument_group("valg")
        self._options.add_argument(
            "-h", "--help", action="help", help="vis denne hjelpen og avslutt"
        )

    def add_argument(self, *names, **kwargs):
        """As argparse's, in the Norwegian group for options (``-x``) or arguments."""
        option = bool(names) and names[0][0] in self.prefix_chars
        if option and "metavar" not in kwargs and kwargs.get("action") in (None, "store", "append"):
            long = next((n for n in names if n.startswith("--")), names[0])
            dest = kwargs.get("dest") or long.lstrip(self.prefix_chars).replace("-", "_")
            if dest in METAVARS:
                kwargs["metavar"] = METAVARS[dest]
        return (self._options if option else self._arguments).add_argument(*names, **kwargs)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("title", "kommandoer")
        kwargs.setdefault("parser_class", Parser)
        return super().add_subparsers(**kwargs)

    def format_usage(self) -> str:
        return _norwegian_usage(super().format_usage())

    def format_help(self) -> str:
        return _norwegian_usage(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil: {translated(message)}\n")


def _norwegian_usage(text: str) -> str:
    return USAGE + text.removeprefix("usage: ") if text.startswith("usage: ") else text
