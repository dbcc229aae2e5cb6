"""The statistics bank tables the workbench reads, and the workbench's input files made from
them.

Table ids and dimension codes (``TABLES``) come from ``ssb-sources.md`` §2 with the
confidence stated there; check the metadata on the first online run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.outputs import atomic_write_text
from workbench.ssb.client import Client, Dataset, Query
from workbench.ssb.klass import numbers_over_time, to_current

SOURCE = "Kilde: Statistisk sentralbyrå (CC BY 4.0)"


@dataclass(frozen=True)
class TableSpec:
    """One statistics bank table as the workbench uses it."""

    table: str
    title: str
    dimensions: tuple[str, ...]
    confidence: str
    note: str = ""


TABLES: dict[str, TableSpec] = {
    "population": TableSpec(
        "07459",
        "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
        "verifisert",
        "Region: kommunenummer; Kjonn 1/2; Alder 000–; ContentsCode Personer1; Tid: år (1. januar).",
    ),
    "projection": TableSpec(
        "14288",
        "Framskrevet folkemengde 1. januar, etter region, kjønn, alder, år og statistikkvariabel",
        ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
        "id og Region/Alder verifisert; ContentsCode antatt",
        "ContentsCode er framskrivingsalternativet: Personer = MMMM, Personer1 = LLML, Personer2 = HHMH (antatt "
        "fra tabell 12882; kontroller mot metadata).",
    ),
    "kostra": TableSpec(
        "12367",
        "Detaljerte regnskapstall driftsregnskapet, etter region, regnskapsomfang, funksjon, art, "
        "statistikkvariabel og år",
        (
            "KOKkommuneregion0000",
            "KOKregnskapsomfa0000",
            "KOKfunksjon0000",
            "KOKart0000",
            "ContentsCode",
            "Tid",
        ),
        "verifisert",
        "Beløp i 1 000 kr (KOSbelop0000). Art AGD2 = netto driftsutgifter, AGD10 = brutto. Regnskapsomfang A = konsern.",
    ),
    "care": TableSpec(
        "11645",
        "Brukarar av omsorgstenester per 31.12., etter alder og detaljert teneste",
        ("KOKkommuneregion0000", "Alder", "Tenestetype", "ContentsCode", "Tid"),
        "tittel verifisert; dimensjoner antatt",
        "Lagret kopi slutter i 2018; finn etterfølgeren med /tables?query=kostra pleie før bruk.",
    ),
}
PROJECTION_ALTERNATIVES = {"Personer": "MMMM", "Personer1": "LLML", "Personer2": "HHMH"}
"""ContentsCode → projection alternative in 14288 (INFERRED from 12882, ssb-sources.md §2a)."""


# --- The workbench's inputs from SSB ---------------------------------------------------------

AGE_GROUPS = (("67-79", 67, 79), ("80-89", 80, 89), ("90+", 90, 200))


def _age(code: str) -> int:
    return int("".join(ch for ch in str(code) if ch.isdigit()) or 0)


def to_age_groups(frame: pd.DataFrame, age: str = "Alder") -> pd.DataFrame:
    """Sum one-year ages into the housing profile's age groups (67–79, 80–89, 90+)."""
    ages = frame[age].map(_age)
    groups = pd.Series(pd.NA, index=frame.index, dtype=object)
    for name, low, high in AGE_GROUPS:
        groups[(ages >= low) & (ages <= high)] = name
    return frame.assign(age_group=groups).dropna(subset=["age_group"])


def population_projection(
    client: Client, number: str, changes: pd.DataFrame
) -> tuple[pd.DataFrame, Dataset]:
    """Projected population 67+ by alternative, year and age group (table 14288), in the
    housing profile's input format: ``alternative``, ``year``, ``age_group``, ``persons``."""
    spec = TABLES["projection"]
    query = Query.of(
        spec.table,
        Region=numbers_over_time(number, changes),
        Kjonn=("1", "2"),
        Alder="*",
        ContentsCode=tuple(PROJECTION_ALTERNATIVES),
        Tid="*",
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = to_age_groups(dataset.frame)
    frame = frame.assign(
        alternative=frame["ContentsCode"].map(PROJECTION_ALTERNATIVES),
        year=frame["Tid"].astype(int),
    )
    table = frame.groupby(["alternative", "year", "age_group"], as_index=False)["value"].sum()
    return table.rename(columns={"value": "persons"}), dataset


def population(
    client: Client, number: str, changes: pd.DataFrame, years: Iterable[int]
) -> tuple[pd.DataFrame, Dataset]:
    """Registered population by year: total and 67+ age groups (table 07459), on today's number."""
    spec = TABLES["population"]
    query = Query.of(
        spec.table,
        Region=numbers_over_time(number, changes),
        Kjonn=("1", "2"),
        Alder="*",
        ContentsCode="Personer1",
        Tid=tuple(str(y) for y in years),
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = to_current(dataset.frame, "Region", changes)
    totals = (
        frame.groupby("Tid", as_index=False)["value"]
        .sum()
        .rename(columns={"Tid": "year", "value": "inhabitants"})
    )
    totals["year"] = totals["year"].astype(int)
    return totals, dataset


def kostra_accounts(
    client: Client,
    number: str,
    changes: pd.DataFrame,
    years: Iterable[int],
    *,
    art: str = "AGD2",
    scope: str = "A",
) -> tuple[pd.DataFrame, Dataset]:
    """Operating accounts by KOSTRA function (table 12367), in kroner, on today's number:
    ``year``, ``funksjon``, ``amount``. Net (AGD2) by default; AGD10 for gross."""
    spec = TABLES["kostra"]
    query = Query.of(
        spec.table,
        KOKkommuneregion0000=numbers_over_time(number, changes),
        KOKregnskapsomfa0000=scope,
        KOKfunksjon0000="*",
        KOKart0000=art,
        ContentsCode="KOSbelop0000",
        Tid=tuple(str(y) for y in years),
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = dataset.frame
    frame = frame[frame["KOKfunksjon0000"].str.fullmatch(r"\d{3}") & frame["value"].notna()]
    table = frame.assign(
        year=frame["Tid"].astype(int),
        funksjon=frame["KOKfunksjon0000"],
        amount=frame["value"] * 1000,
    )[["year", "funksjon", "amount"]]
    return table.groupby(["year", "funksjon"], as_index=False)["amount"].sum(), dataset


def _citation(dataset: Dataset) -> str:
    updated = f", sist oppdatert {dataset.updated}" if dataset.updated else ""
    return f"SSB tabell {dataset.table} ({dataset.label}), hentet {dataset.fetched_at}{updated}. {SOURCE}."


def write_inputs(
    client: Client,
    municipality,
    folder: Path,
    changes: pd.DataFrame,
    tables: Iterable[str] = ("population", "projection", "kostra"),
) -> list[Path]:
    """Fetch a municipality's tables and write them as workbench input files with sources.

    Files (semicolons, decimal comma, as the loaders read them): ``innbyggere.csv``
    (year, inhabitants), ``befolkning.csv`` (the housing profile's projection input) and
    ``kostra-funksjon.csv`` (accounts per function in the allocation's comparison format).
    A ``sources.yaml`` cites each table with its fetch time.

    Raises:
        SsbError: A table could not be fetched (offline and not cached, refused, changed).
    """
    from workbench.outputs import write_table

    years = range(municipality.base_year - 4, municipality.base_year + 1)
    written: dict[str, tuple[Path, Dataset, str]] = {}
    inhabitants = None
    if "population" in tables or "kostra" in tables:
        inhabitants, dataset = population(client, municipality.number, changes, years)
        path = folder / "innbyggere.csv"
        write_table(inhabitants, path)
        written[path.name] = (path, dataset, f"Innbyggere i {municipality.title} per år")
    if "projection" in tables:
        projection, dataset = population_projection(client, municipality.number, changes)
        path = folder / "befolkning.csv"
        write_table(projection, path)
        written[path.name] = (
            path,
            dataset,
            f"Befolkningsframskriving 67+ for {municipality.title}",
        )
    if "kostra" in tables:
        accounts, dataset = kostra_accounts(client, municipality.number, changes, years)
        counts = inhabitants.set_index("year")["inhabitants"]
        accounts = accounts.assign(
            municipality=municipality.title, inhabitants=accounts["year"].map(counts)
        )
        path = folder / "kostra-funksjon.csv"
        write_table(accounts[["municipality", "year", "funksjon", "amount", "inhabitants"]], path)
        written[path.name] = (
            path,
            dataset,
            f"Netto driftsutgifter per KOSTRA-funksjon, {municipality.title}",
        )
    manifest = {
        name: {"title": title, "source": _citation(dataset), "status": "real"}
        for name, (_, dataset, title) in written.items()
    }
    import yaml

    atomic_write_text(
        folder / "sources.yaml", yaml.safe_dump(manifest, allow_unicode=True, sort_keys=True)
    )
    return [path for path, _, _ in written.values()]
