"""The statistics bank tables the workbench reads, and the workbench's input files made from
them.

Each table's needs (``TABLES``) are its id and, for every variable, statistics variable and
category the workbench uses, the codes known from ``ssb-sources.md`` §2 with a label
pattern. Before each data query the table's metadata is read and the needs are found in it
(:mod:`workbench.ssb.metadata`), so a table SSB has changed fails with a message naming the
table and what is gone, instead of fetching the wrong numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from workbench.outputs import atomic_write_text
from workbench.ssb.client import Client, Dataset, Query
from workbench.ssb.klass import numbers_over_time, to_current
from workbench.ssb.metadata import CONTENTS, Need, TableNeeds, resolve

SOURCE = "Kilde: Statistisk sentralbyrå (CC BY 4.0)"


REGION = Need("region", ("Region", "KOKkommuneregion0000"), r"region", confirm=False)
YEAR = Need("år", ("Tid",), r"^år|^tid", confirm=False)
SEX = Need("kjønn", ("Kjonn",), r"kjønn", confirm=False)
AGE = Need("alder", ("Alder", "KOKalder0000"), r"alder", confirm=False)

TABLES: dict[str, TableNeeds] = {
    "population": TableNeeds(
        "07459",
        "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        {
            "region": REGION,
            "sex": SEX,
            "age": AGE,
            "year": YEAR,
        },
        {"persons": Need("personer", ("Personer1",), r"personer")},
        confidence="verifisert",
    ),
    "projection": TableNeeds(
        "14288",
        "Framskrevet folkemengde 1. januar, etter region, kjønn, alder, år og statistikkvariabel",
        {
            "region": REGION,
            "sex": SEX,
            "age": AGE,
            "year": YEAR,
        },
        {
            # ContentsCode is the projection alternative; the mapping is inferred from 12882
            # (ssb-sources.md §2a), so the label must confirm it.
            "MMMM": Need("hovedalternativet (MMMM)", ("Personer",), r"MMMM|hovedalternativ"),
            "LLML": Need("lav nasjonal vekst (LLML)", ("Personer1",), r"LLML|lav nasjonal"),
            "HHMH": Need("høy nasjonal vekst (HHMH)", ("Personer2",), r"HHMH|høy nasjonal"),
        },
        confidence="id og Region/Alder verifisert; ContentsCode antatt, bekreftet mot etiketten",
    ),
    "kostra": TableNeeds(
        "12367",
        "Detaljerte regnskapstall driftsregnskapet, etter region, regnskapsomfang, funksjon, art, "
        "statistikkvariabel og år",
        {
            "region": REGION,
            "scope": Need(
                "regnskapsomfang", ("KOKregnskapsomfa0000",), r"regnskapsomfang", confirm=False
            ),
            "function": Need("funksjon", ("KOKfunksjon0000",), r"funksjon", confirm=False),
            "art": Need("art", ("KOKart0000",), r"^art", confirm=False),
            "year": YEAR,
        },
        {"amount": Need("beløp (1000 kr)", ("KOSbelop0000",), r"beløp")},
        {
            ("scope", "konsern"): Need("konsern (A)", ("A",)),
            ("art", "net"): Need("netto driftsutgifter (AGD2)", ("AGD2",), r"netto"),
            ("art", "gross"): Need("brutto driftsutgifter (AGD10)", ("AGD10",), r"^brutto"),
        },
        confidence="verifisert",
    ),
    "care": TableNeeds(
        "11645",
        "Brukarar av omsorgstenester per 31.12., etter alder og detaljert teneste",
        {
            "region": REGION,
            "age": AGE,
            "service": Need("tenestetype", ("TenesteType",), r"teneste|tjeneste", confirm=False),
            "year": YEAR,
        },
        {"users": Need("brukarar (personar)", ("Brukere1",), r"^(?!.*1 ?000).*bruka?r")},
        {
            ("age", "67-79"): Need("67–79 år", ("67-79",), r"67\D+79"),
            ("age", "80-89"): Need("80–89 år", ("80-89",), r"80\D+89"),
            ("age", "90+"): Need("90 år og eldre", ("90+",), r"90"),
            ("age", "total"): Need("alle aldrar", ("Ialt",), r"i alt|alle|totalt"),
            ("service", "long"): Need("langtidsopphald i institusjon", ("21",), r"langtid"),
            ("service", "short"): Need(
                "tidsavgrensa opphald i institusjon",
                ("18", "19", "20"),
                r"tidsavgrens|tidsbegrens",
                required=False,
            ),
            ("service", "home"): Need(
                "helsetenester i heimen", ("15",), r"helse\w* i (heimen|hjemmet)"
            ),
            ("service", "housing"): Need("bustad til pleie- og omsorgsformål", (), r"bustad|bolig"),
            ("service", "staffed"): Need(
                "bustad med fast tilknytt personell heile døgnet",
                (),
                r"(bustad|bolig).*(heile|hele) døgnet|heildøgn|heldøgn",
                required=False,
            ),
        },
        confidence="tittel, aldersgrupper og tenestetype 21 verifisert; andre koder fra "
        "tredjepart, bekreftet mot etikettene i metadata",
    ),
    "care_fte": TableNeeds(
        "12292",
        "Omsorgstjenester - supplerende grunnlagstall",
        {"region": REGION, "year": YEAR},
        {"fte": Need("årsverk i brukerrettede tjenester", ("KOSaarsverkbruke0000",), r"årsverk")},
        confidence="statistikkvariabel verifisert (SSBs definisjon); tabell fra tredjepart",
    ),
}
PROJECTION_ALTERNATIVES = ("MMMM", "LLML", "HHMH")
"""The projection alternatives the workbench fetches (ContentsCode in 14288, by label)."""

INSTITUTION_FUNCTIONS = ("253", "261")
"""KOSTRA functions of institutions: the service and the premises."""
DAY_FUNCTIONS = ("234",)
"""KOSTRA's day activities and services for the elderly and disabled: in the årsverk of
12292, not on the housing steps."""
SPLIT_YEAR = 2024
"""From 2024 function 254 is split into 257 (hjemmetjenester – personellbase knyttet til
bofellesskap/samlokaliserte omsorgsboliger) and 258 (ambulerende virksomhet med mer): SSB,
«Hjemmetjenestens utgifter: oppdeling i to KOSTRA-funksjoner»."""
STAFFED_FUNCTIONS = ("257",)
"""From 2024: home services' personnel base in staffed housing."""


def home_functions(year: int) -> tuple[str, ...]:
    """The home services other than staffed housing's personnel base: 254 (all home
    services) until 2023, 258 from 2024."""
    return ("254",) if year < SPLIT_YEAR else ("258",)


def staffed_functions(year: int) -> tuple[str, ...]:
    """Staffed housing's personnel base: none until 2023 (inside 254), 257 from 2024."""
    return () if year < SPLIT_YEAR else STAFFED_FUNCTIONS


def fetch_table(
    client: Client,
    key: str,
    selection: dict[str, Iterable[str] | str],
    contents: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, Dataset]:
    """Read a table's metadata, map the workbench's names onto it and fetch the data.

    Args:
        key: The table in :data:`TABLES`.
        selection: Our variable name → value codes, ``*``, or ``@name`` for a category the
            table's needs name (``@long`` → the codes of «langtidsopphold»).
        contents: Our statistics variable names (default all the table's needs).

    Returns:
        The data with columns named by us (``region``, ``age``, ``year`` …, ``contents``
        with our statistics variable name, ``value``), and the dataset (its ``updated`` is
        the metadata's).

    Raises:
        SsbError: The table lacks what is needed, or cannot be fetched.
    """
    needs = TABLES[key]
    resolved = resolve(needs, client.metadata(needs.table))
    wanted = list(contents or needs.contents)
    codes: dict[str, tuple[str, ...]] = {}
    for name, values in selection.items():
        values = (values,) if isinstance(values, str) else tuple(values)
        expanded: list[str] = []
        for value in values:
            if value.startswith("@"):
                expanded += resolved.codes(name, value[1:])
            else:
                expanded.append(value)
        codes[resolved.variables[name]] = tuple(dict.fromkeys(expanded))
    if wanted:
        codes[CONTENTS] = tuple(resolved.contents[c] for c in wanted)
    query = Query(needs.table, codes)
    dataset = client.fetch(query, resolved.dimension_ids())
    names = {code: name for name, code in resolved.variables.items()}
    frame = dataset.frame.rename(
        columns={**names, **{f"{c}_label": f"{n}_label" for c, n in names.items()}}
    )
    if wanted:
        by_code = {resolved.contents[c]: c for c in wanted}
        frame = frame.assign(contents=frame[CONTENTS].map(by_code))
    updated = resolved.metadata.updated or dataset.updated
    label = resolved.metadata.label or dataset.label
    return frame, Dataset(
        dataset.table, frame, dataset.fetched_at, updated, label, dataset.from_cache
    )


def categories(client: Client, key: str, variable: str, name: str) -> tuple[str, ...]:
    """The codes of a category the table's needs name (e.g. the housing services)."""
    needs = TABLES[key]
    return resolve(needs, client.metadata(needs.table)).codes(variable, name)


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
    frame, dataset = fetch_table(
        client,
        "projection",
        {
            "region": numbers_over_time(number, changes),
            "sex": ("1", "2"),
            "age": "*",
            "year": "*",
        },
    )
    frame = to_age_groups(frame, "age")
    frame = frame.assign(alternative=frame["contents"], year=frame["year"].astype(int))
    table = frame.groupby(["alternative", "year", "age_group"], as_index=False)["value"].sum()
    return table.rename(columns={"value": "persons"}), dataset


def population(
    client: Client, number: str, changes: pd.DataFrame, years: Iterable[int]
) -> tuple[pd.DataFrame, Dataset]:
    """Registered population by year (table 07459), on today's number: ``year``,
    ``inhabitants``, and the 67+ age groups as ``age_group``/``persons`` in :func:`population_67`."""
    frame, dataset = _population_frame(client, number, changes, years)
    totals = (
        frame.groupby("year", as_index=False)["value"]
        .sum()
        .rename(columns={"value": "inhabitants"})
    )
    totals["year"] = totals["year"].astype(int)
    return totals, dataset


def population_67(
    client: Client, number: str, changes: pd.DataFrame, year: int
) -> tuple[pd.DataFrame, Dataset]:
    """Registered population 67+ by age group in one year (07459): ``age_group``, ``persons``."""
    frame, dataset = _population_frame(client, number, changes, (year,))
    frame = to_age_groups(frame[frame["year"].astype(int) == year], "age")
    table = frame.groupby("age_group", as_index=False)["value"].sum()
    return table.rename(columns={"value": "persons"}), dataset


def inhabitants_by_region(
    client: Client, numbers: Iterable[str], changes: pd.DataFrame, year: int
) -> tuple[pd.Series, Dataset]:
    """Inhabitants of several municipalities in one year (07459), by today's number."""
    frame, dataset = _population_frame(client, list(numbers), changes, (year,))
    return frame.groupby("region")["value"].sum(), dataset


def _population_frame(client, number, changes, years):
    numbers = [number] if isinstance(number, str) else number
    frame, dataset = fetch_table(
        client,
        "population",
        {
            "region": [old for n in numbers for old in numbers_over_time(n, changes)],
            "sex": ("1", "2"),
            "age": "*",
            "year": tuple(str(y) for y in years),
        },
    )
    return to_current(frame, "region", changes), dataset


def kostra_accounts(
    client: Client,
    number: str | Iterable[str],
    changes: pd.DataFrame,
    years: Iterable[int],
    *,
    art: str = "net",
) -> tuple[pd.DataFrame, Dataset]:
    """Operating accounts by KOSTRA function (table 12367, konsern), in kroner, on today's
    numbers: ``region``, ``year``, ``funksjon``, ``amount``. Net (AGD2) by default; ``gross``
    for brutto driftsutgifter (AGD10). ``number`` may be several municipalities."""
    numbers = [number] if isinstance(number, str) else list(number)
    regions = [old for n in numbers for old in numbers_over_time(n, changes)]
    frame, dataset = fetch_table(
        client,
        "kostra",
        {
            "region": regions,
            "scope": "@konsern",
            "function": "*",
            "art": f"@{art}",
            "year": tuple(str(y) for y in years),
        },
    )
    frame = to_current(frame, "region", changes)
    frame = frame[frame["function"].astype(str).str.fullmatch(r"\d{3}") & frame["value"].notna()]
    table = frame.assign(
        year=frame["year"].astype(int),
        funksjon=frame["function"].astype(str),
        amount=frame["value"] * 1000,
    )[["region", "year", "funksjon", "amount"]]
    return table.groupby(["region", "year", "funksjon"], as_index=False)["amount"].sum(), dataset


def care_statistics(
    client: Client, number: str, changes: pd.DataFrame, year: int
) -> tuple[pd.DataFrame, Dataset, str]:
    """Users of care services per 31.12. by age group (table 11645), in the shape the
    housing derivation takes (:data:`workbench.analyses.housing.derive.CARE_COLUMNS`), with a
    row ``age_group = "alle"`` for all ages (the divisor of cost per user).

    Home-service users are the users of «helsetenester i heimen» (the largest home service;
    users of only practical help are not counted). Care housing is every service whose label
    is a dwelling for care purposes; staffed housing those «med personell heile døgnet», left
    missing when the table has no such service. Where the metadata says staffed housing is
    counted inside another housing category (a total with its parts, or «herav …»), care
    housing is the other categories alone, so no resident is counted twice.

    Returns:
        The table, the dataset, and a note saying how staffed housing is counted where it
        is part of another category (empty otherwise).
    """
    services = {
        name: categories(client, "care", "service", name)
        for name in ("long", "short", "home", "housing", "staffed")
    }
    metadata = client.metadata(TABLES["care"].table)
    service = resolve(TABLES["care"], metadata).variables["service"]
    others = tuple(c for c in services["housing"] if c not in services["staffed"])
    inside = {c: metadata.part_of(service, c, others) for c in services["staffed"]}
    note = ""
    if any(inside.values()):
        labels = metadata.dimensions[service][1]
        pairs = [f"«{labels[c]}» er en del av «{labels[p]}»" for c, p in inside.items() if p]
        note = (
            f"I tabell {TABLES['care'].table} {' og '.join(pairs)} (tabellens metadata): "
            "beboerne i bolig med personell hele døgnet telles én gang, som en del av "
            "omsorgsboligene."
        )
        # the whole already holds its part: count the part only where no whole holds it
        counted = others + tuple(c for c, p in inside.items() if not p)
    else:
        counted = services["housing"]
    frame, dataset = fetch_table(
        client,
        "care",
        {
            "region": numbers_over_time(number, changes),
            "age": ("@67-79", "@80-89", "@90+", "@total"),
            "service": tuple(dict.fromkeys(c for codes in services.values() for c in codes)),
            "year": str(year),
        },
    )
    ages = {
        code: name
        for name in ("67-79", "80-89", "90+", "total")
        for code in categories(client, "care", "age", name)
    }
    frame = frame.assign(age_group=frame["age"].map(ages).replace({"total": "alle"}))
    frame = frame.assign(value=frame["value"].fillna(0.0))
    rows = [
        {
            "age_group": group,
            "institution_long": _users(part, services["long"]),
            "institution_short": _users(part, services["short"]),
            "care_housing": _users(part, counted),
            "care_housing_staffed": (
                _users(part, services["staffed"]) if services["staffed"] else float("nan")
            ),
            "home_services": _users(part, services["home"]),
        }
        for group, part in frame.groupby("age_group", sort=False)
    ]
    order = {"67-79": 0, "80-89": 1, "90+": 2, "alle": 3}
    table = pd.DataFrame(rows).sort_values("age_group", key=lambda c: c.map(order))
    return table.reset_index(drop=True), dataset, note


def _users(part: pd.DataFrame, services: tuple[str, ...]) -> float:
    return float(part.loc[part["service"].isin(services), "value"].sum())


def care_fte(
    client: Client, number: str, changes: pd.DataFrame, year: int
) -> tuple[float, Dataset]:
    """Årsverk in user-directed care services (table 12292; functions 234, 253, 254)."""
    frame, dataset = fetch_table(
        client, "care_fte", {"region": numbers_over_time(number, changes), "year": str(year)}
    )
    return float(frame["value"].fillna(0.0).sum()), dataset


def citation(dataset: Dataset) -> str:
    """A fetched table as the sources cite it: id, title, when fetched and when SSB last
    updated it (without the closing period and licence, see :func:`source_entry`)."""
    title = re.sub(r"^\d{5}:\s*", "", dataset.label).rstrip(".")
    updated = f", sist oppdatert av SSB {_date(dataset.updated)}" if dataset.updated else ""
    return f"SSB tabell {dataset.table} «{title}», hentet {_date(dataset.fetched_at)}{updated}"


def _date(stamp: str) -> str:
    """``2025-06-17T06:00:00Z`` as Norwegians write it: ``17.06.2025``."""
    year, month, day = stamp[:10].split("-")
    return f"{day}.{month}.{year}"


def source_entry(dataset: Dataset, title: str, status: str = "real", how: str = "") -> dict:
    """A ``sources.yaml`` entry for a file made from a fetched table, with SSB's update time."""
    return {
        "title": title,
        "publisher": "Statistisk sentralbyrå",
        "published": _date(dataset.updated or dataset.fetched_at),
        "source": f"{citation(dataset)}. {SOURCE}." + (f" {how}" if how else ""),
        "status": status,
        "updated": dataset.updated or "",
    }


def merge_manifest(folder: Path, entries: dict[str, dict]) -> Path:
    """Add or replace entries in a folder's ``sources.yaml``, keeping the others."""
    import yaml

    manifest = folder / "sources.yaml"
    existing = {}
    if manifest.is_file():
        existing = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    existing.update(entries)
    atomic_write_text(manifest, yaml.safe_dump(existing, allow_unicode=True, sort_keys=True))
    return manifest


def write_inputs(
    client: Client,
    municipality,
    folder: Path,
    changes: pd.DataFrame,
    tables: Iterable[str] = ("population", "projection", "kostra"),
) -> list[Path]:
    """Fetch a municipality's tables and write them as workbench input files with sources.

    Files (semicolons, decimal comma, as the loaders read them): ``innbyggere.csv``
    (year, inhabitants), ``befolkning.csv`` (the housing profile's projection input),
    ``kostra-funksjon.csv`` (accounts per function in the allocation's comparison format)
    and ``omsorgstjenester.csv`` (users of care services by age group). Entries are merged
    into the folder's ``sources.yaml``: files fetched before and not now keep theirs.

    Raises:
        SsbError: A table could not be fetched (offline and not cached, refused, changed).
    """
    from workbench.outputs import write_table

    years = range(municipality.base_year - 4, municipality.base_year + 1)
    entries: dict[str, dict] = {}
    written: list[Path] = []
    inhabitants = None

    def write(frame: pd.DataFrame, name: str, dataset: Dataset, title: str) -> None:
        write_table(frame, folder / name)
        written.append(folder / name)
        entries[name] = source_entry(dataset, title)

    if "population" in tables or "kostra" in tables:
        inhabitants, dataset = population(client, municipality.number, changes, years)
        write(inhabitants, "innbyggere.csv", dataset, f"Innbyggere i {municipality.title} per år")
    if "projection" in tables:
        projection, dataset = population_projection(client, municipality.number, changes)
        write(
            projection,
            "befolkning.csv",
            dataset,
            f"Befolkningsframskriving 67+ for {municipality.title}",
        )
    if "kostra" in tables:
        accounts, dataset = kostra_accounts(client, municipality.number, changes, years)
        counts = inhabitants.set_index("year")["inhabitants"]
        accounts = accounts.assign(
            municipality=municipality.title, inhabitants=accounts["year"].map(counts)
        )
        write(
            accounts[["municipality", "year", "funksjon", "amount", "inhabitants"]],
            "kostra-funksjon.csv",
            dataset,
            f"Netto driftsutgifter per KOSTRA-funksjon, {municipality.title}",
        )
    if "care" in tables:
        care, dataset, _ = care_statistics(
            client, municipality.number, changes, municipality.base_year
        )
        write(
            care,
            "omsorgstjenester.csv",
            dataset,
            f"Brukere av omsorgstjenester per 31.12.{municipality.base_year} etter alder, {municipality.title}",
        )
    merge_manifest(folder, entries)
    return written
