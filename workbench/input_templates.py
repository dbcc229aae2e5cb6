"""Templates for what only the municipality has, and what the reports say while they are empty.

``workbench new`` writes a template for each input public statistics cannot give: the
general-ledger export, the municipality's own allocation rules, årsverk and cost per resident
per housing step, and local prices. A template is a CSV file with the header and one
commented example row (``# …``). While a file holds no rows but comments it is a template:
the analyses run on what exists, and the report has a section saying what is missing, with
the columns expected and how to get them. Once rows are added, the file is read as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from workbench.loaders import decode, sniff_delimiter
from workbench.outputs import atomic_write_text

COMMENT = "#"


@dataclass(frozen=True)
class Template:
    """One input a municipality fills in itself.

    Args:
        kind: The key (``ledger``, ``rules``, ``step_costs``, ``prices``).
        heading: The report section's heading while the file is empty.
        columns: (column, what it holds) in file order.
        example: One example row, a value per column.
        how: How to get the numbers, in a consultant's words.
        instead: What the report uses meanwhile.
    """

    kind: str
    heading: str
    columns: tuple[tuple[str, str], ...]
    example: tuple[str, ...]
    how: str
    instead: str

    def text(self) -> str:
        """The template file: the header, a line saying what to do, and the example row,
        both commented."""
        header = ";".join(c for c, _ in self.columns)
        return (
            f"{header}\n"
            f"{COMMENT} Mal: {self.how} Fjern # foran eksempelraden eller skriv nye rader under.\n"
            f"{COMMENT} {';'.join(self.example)}\n"
        )


TEMPLATES: dict[str, Template] = {
    "ledger": Template(
        "ledger",
        "Regnskapet er ikke lagt inn ennå: slik eksporterer dere det",
        (
            ("year", "regnskapsåret, f.eks. 2024"),
            ("ansvar", "ansvarskoden i kommunens kontoplan"),
            ("ansvar_name", "navnet på ansvaret (kan stå tomt)"),
            ("funksjon", "KOSTRA-funksjonen, tre sifre"),
            ("art", "KOSTRA-arten, tre sifre (trengs for brutto)"),
            ("amount", "beløpet i kroner, desimalkomma"),
        ),
        ("2024", "33100", "Sykehjem 1", "253", "010", "1 250 000,00"),
        "Ta ut driftsregnskapet fra økonomisystemet (Visma, Agresso/Unit4 eller tilsvarende) "
        "som en rapport med én rad per ansvar, funksjon og art og regnskapsårets beløp, og lagre "
        "den som CSV med semikolon.",
        "Til regnskapet er lagt inn, viser rapporten kommunens regnskap per KOSTRA-funksjon "
        "fra SSB, fordelt med standardreglene. Fordelingen per ansvar, kommunens egne regler og "
        "tjenesteområdene i detalj krever regnskapet.",
    ),
    "rules": Template(
        "rules",
        "Kommunens egne fordelingsregler er ikke lagt inn ennå",
        (
            ("ansvar", "ansvarskoden, eller et prefiks som 31*"),
            ("funksjon", "KOSTRA-funksjonen (kan stå tomt)"),
            ("art", "KOSTRA-arten (kan stå tomt)"),
            ("valid_from", "første år regelen gjelder (kan stå tomt)"),
            ("valid_to", "siste år regelen gjelder (kan stå tomt)"),
            ("step", "trinnet i innsatstrappa, 1–12"),
            ("fraction", "andelen av beløpet til trinnet; andelene i en regel summerer til 1"),
            ("area", "tjenesteområdet, f.eks. Pleie og omsorg"),
            ("target_group", "målgruppen (kan stå tomt)"),
            ("note", "begrunnelsen (kan stå tomt)"),
        ),
        ("31*", "254", "", "", "", "7", "1", "Pleie og omsorg", "Eldre", "Hjemmetjenestene"),
        "Skriv én rad per ansvar (eller gruppe av ansvar) og trinn, sammen med de som kjenner "
        "tjenestene; en regel kan fordele et ansvar på flere trinn med andeler som summerer til 1.",
        "Til reglene er lagt inn, fordeles regnskapet med standardreglene per KOSTRA-funksjon.",
    ),
    "step_costs": Template(
        "step_costs",
        "Kommunens egne årsverk og kostnader per beboer er ikke lagt inn ennå",
        (
            ("step", "boligtrinnet, 1–6"),
            ("fte_per_resident", "årsverk per beboer på trinnet, desimalkomma"),
            ("cost_per_resident", "årskostnad per beboer på trinnet i kroner"),
        ),
        ("5", "0,90", "1 050 000"),
        "Regn ut årsverk og kostnad per beboer per trinn fra kommunens turnus og regnskap for "
        "tjenestene på trinnet (f.eks. bofellesskap med døgnbemanning). Trinn dere ikke fyller "
        "ut, beholder tallene avledet fra KOSTRA.",
        "Til tallene er lagt inn, bruker rapporten årsverk og kostnad per beboer avledet fra "
        "KOSTRA (se kildene).",
    ),
    "prices": Template(
        "prices",
        "Kommunens lokale priser er ikke lagt inn ennå",
        (
            ("service_id", "tjenestens nøkkel i priskatalogen"),
            ("step", "trinnet i innsatstrappa, 1–12"),
            ("category", "tjenestekategorien"),
            ("service", "tjenesten"),
            ("unit", "enheten prisen gjelder (time, døgn, besøk …)"),
            ("unit_price", "pris per enhet i kroner"),
            ("staff_hours_per_unit", "personaltimer per enhet"),
            ("user_payment_per_unit", "egenandel per enhet i kroner"),
            ("ambulatory", "true for ambulerende tjenester, ellers false"),
            ("price_version", "prisversjonen, f.eks. kommunens år"),
            ("source", "hvor prisen kommer fra"),
            ("note", "merknad (kan stå tomt)"),
        ),
        (
            "praktisk-bistand-dag",
            "6",
            "Praktisk bistand – daglige gjøremål",
            "Ambulerende, dag/kveld",
            "time",
            "560",
            "1,0",
            "210",
            "true",
            "2025",
            "Kommunens budsjett 2025",
            "",
        ),
        "Skriv kommunens egne enhetspriser for tjenestene der de skiller seg fra den nasjonale "
        "priskatalogen; en rad erstatter katalogens rad med samme service_id.",
        "Til prisene er lagt inn, bruker rapporten den nasjonale priskatalogen.",
    ),
}


def is_template(path: Path) -> bool:
    """Whether a CSV file holds no data yet: a header and nothing but comments and blank
    lines. Spreadsheets are never templates."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    text, _ = decode(path.read_bytes())
    lines = text.splitlines()
    return bool(lines) and all(
        not line.strip() or line.lstrip().startswith(COMMENT) for line in lines[1:]
    )


def write_template(path: Path, kind: str) -> Path:
    """Write the template for ``kind`` to ``path`` (atomically)."""
    atomic_write_text(path, TEMPLATES[kind].text())
    return path


def columns_of(path: Path) -> list[str]:
    """The header of a template file (to check it still matches the template)."""
    text, _ = decode(path.read_bytes())
    first = text.split("\n", 1)[0].strip()
    return [c.strip() for c in first.split(sniff_delimiter(first))]


def missing_html(kind: str, file: str) -> str:
    """The report's section for an input still empty: what is missing, the columns, how to
    get them and what the report uses meanwhile.

    Args:
        kind: The template's key.
        file: The file to fill in, relative to ``data/``.
    """
    template = TEMPLATES[kind]
    rows = "".join(
        f'<tr><td style="text-align:left"><code>{escape(c)}</code></td>'
        f'<td style="text-align:left">{escape(meaning)}</td></tr>'
        for c, meaning in template.columns
    )
    return (
        f'<section class="mangler"><h3>{escape(template.heading)}</h3>'
        f"<p>{escape(template.instead)}</p>"
        f"<p>{escape(template.how)} Fyll ut <code>data/{escape(file)}</code> med kolonnene "
        "under (semikolon og desimalkomma, som en Excel-eksport) og kjør rapporten på nytt.</p>"
        '<table class="kolonner"><thead><tr><th style="text-align:left">Kolonne</th>'
        '<th style="text-align:left">Innhold</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )
