"""``workbench new -m NNNN``: a municipality set up from public data, in one command.

It writes the parameter file and the municipality's data folder:

- ``ssb/``: what Statistics Norway publishes, fetched through the metadata-driven client
  (population, projections in all alternatives, KOSTRA accounts by function for the last
  five years, the same for the other municipalities in the KOSTRA group, users of care
  services by age), each file cited with the table's update time in ``ssb/sources.yaml``;
- ``bolig/``: the housing profile's base year derived from the care statistics
  (:mod:`workbench.analyses.housing.derive`), årsverk and cost per resident per step derived
  from KOSTRA, and an alternative profile that starts equal to today's, all ``derived``;
- templates for what only the municipality has (:mod:`workbench.input_templates`): the
  general-ledger export, its own allocation rules, its own årsverk and cost per step, local
  prices.

All four analyses run at once on this; each report says what is still a template. Nothing
is overwritten: a municipality that has a parameter file or data folder is refused.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from workbench import analyses, input_templates
from workbench.analyses.housing import derive
from workbench.analyses.housing.derive import DerivationError
from workbench.errors import InputError
from workbench.formatting import percent
from workbench.models import NewMunicipality
from workbench.outputs import atomic_write_text, write_table
from workbench.project import Project
from workbench.ssb import tables
from workbench.ssb.client import Client
from workbench.ssb.klass import (
    kostra_group_members,
    municipality_names,
    numbers_over_time,
    read_number_changes,
)

DEFAULT_STAFFED_SHARE = derive.DEFAULT_STAFFED_SHARE
TARGET_YEAR = 2040
HISTORY_YEARS = 5
DWELLING_DEFAULTS = "reference/personer-per-bolig.csv"
"""Persons per dwelling by age group until the municipality has its own (illustrative)."""
TEMPLATES = {
    "okonomi/regnskap.csv": ("ledger", "Kommunens driftsregnskap (mal)"),
    "okonomi/regler.csv": ("rules", "Kommunens egne fordelingsregler (mal)"),
    "bolig/trinnkostnader-egne.csv": (
        "step_costs",
        "Kommunens egne årsverk og kostnader per beboer (mal)",
    ),
    "priser.csv": ("prices", "Kommunens lokale priser (mal)"),
}


@dataclass(frozen=True)
class Created:
    """What ``workbench new`` wrote."""

    parameters: Path
    folder: Path
    files: list[Path]
    base_year: int
    kostra_group: str | None
    notes: tuple[str, ...] = ()
    """What the consultant should know about the tables read (a table that ends early)."""


def slug(name: str) -> str:
    """A file-name form of a municipality's name: ``Færder`` → ``faerder``,
    ``Porsanger - Porsáŋgu - Porsanki`` → ``porsanger-porsangu-porsanki``."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def new_municipality(
    project: Project,
    number: str,
    client: Client,
    *,
    today: date,
    staffed_share: float = DEFAULT_STAFFED_SHARE,
) -> Created:
    """Set up a municipality from public data.

    Args:
        project: The project to add it to.
        number: Today's four-digit municipality number.
        client: The SSB client (offline serves only what is cached).
        today: The date the name and KOSTRA group are looked up for.
        staffed_share: Share of care housing with staff around the clock, where the
            statistics do not say.

    Raises:
        InputError: The number is unknown, the municipality exists already, or the
            statistics do not add up.
        SsbError: A table could not be fetched, or no longer has what is needed.
    """
    if not re.fullmatch(r"\d{4}", number):
        raise InputError(None, f"kommunenummeret må ha fire sifre, ikke «{number}»")
    names = municipality_names(client, today.isoformat())
    if number not in names:
        raise InputError(
            None,
            f"kommunenummer {number} finnes ikke i SSBs kommuneliste (KLASS 131) per {today:%d.%m.%Y}",
        )
    name = names[number]
    key = f"{number}-{slug(name)}"
    parameters = project.parameters_dir / f"{key}.yaml"
    folder = project.data_dir / "municipalities" / key
    for existing in (parameters, folder):
        if existing.exists():
            raise InputError(
                existing,
                "finnes allerede; `workbench new` skriver ikke over det noen har skrevet. "
                "Bruk `workbench fetch` for å hente SSB-tallene på nytt",
            )
    changes = read_number_changes(project.data_dir / "reference" / "kommunenummer-endringer.csv")
    former = [n for n in numbers_over_time(number, changes) if n != number]
    base_year, year_note = _base_year(client, today)
    title = f"{name} kommune"
    ssb_dir = folder / "ssb"
    written: list[Path] = []
    entries: dict[str, dict[str, dict]] = {"ssb": {}, "bolig": {}, "": {}, "okonomi": {}}

    def write(frame: pd.DataFrame, where: str, name_: str, entry: dict) -> None:
        path = folder / where / name_
        write_table(frame, path)
        written.append(path)
        entries[where][name_] = entry

    years = list(range(base_year - HISTORY_YEARS + 1, base_year + 1))
    inhabitants, dataset = tables.population(client, number, changes, years)
    write(
        inhabitants,
        "ssb",
        "innbyggere.csv",
        tables.source_entry(dataset, f"Innbyggere i {title} per år"),
    )
    population_67, population_set = tables.population_67(client, number, changes, base_year)
    projection, dataset = tables.population_projection(client, number, changes)
    projection = _with_base_year(projection, population_67, base_year)
    write(
        projection,
        "ssb",
        "befolkning.csv",
        tables.source_entry(
            dataset,
            f"Befolkningsframskriving 67+ for {title} (alle alternativer)",
            how=f"Basisåret {base_year} er registrert befolkning 1. januar (SSB tabell 07459) "
            "der framskrivingen begynner senere.",
        ),
    )
    accounts, kostra_set = tables.kostra_accounts(client, number, changes, years)
    counts = inhabitants.set_index("year")["inhabitants"]
    own = accounts.assign(municipality=name, inhabitants=accounts["year"].map(counts))
    columns = ["municipality", "year", "funksjon", "amount", "inhabitants"]
    write(
        own[columns],
        "ssb",
        "kostra-funksjon.csv",
        tables.source_entry(kostra_set, f"Netto driftsutgifter per KOSTRA-funksjon, {title}"),
    )
    group, members = kostra_group_members(client, number, base_year)
    comparisons = None
    if members:
        others, dataset = tables.kostra_accounts(client, members, changes, [base_year])
        people, _ = tables.inhabitants_by_region(client, members, changes, base_year)
        comparisons = others.assign(
            municipality=others["region"].map(lambda n: names.get(n, n)),
            inhabitants=others["region"].map(people),
        )
        write(
            comparisons[columns],
            "ssb",
            "sammenligning.csv",
            tables.source_entry(
                dataset,
                f"Netto driftsutgifter per KOSTRA-funksjon {base_year}, kommunene i {group}",
                how="Kommunene i samme KOSTRA-gruppe etter SSBs klassifikasjon 112 (KLASS).",
            ),
        )
    care, care_set, housing_note = tables.care_statistics(client, number, changes, base_year)
    write(
        care,
        "ssb",
        "omsorgstjenester.csv",
        tables.source_entry(
            care_set, f"Brukere av omsorgstjenester per 31.12.{base_year} etter alder, {title}"
        ),
    )
    groups = care[care["age_group"] != "alle"]
    try:
        derivation = derive.base_year_residents(population_67, groups, staffed_share=staffed_share)
    except DerivationError as exc:
        raise InputError(ssb_dir / "omsorgstjenester.csv", str(exc)) from None
    staffed_from = (
        "boliger med personell hele døgnet etter tabell 11645"
        if groups["care_housing_staffed"].notna().all()
        else f"{percent(staffed_share, 0)} av omsorgsboligene regnet som boliger med personell "
        "hele døgnet (antagelse; tabell 11645 skiller ikke)"
    )
    write(
        derivation.residents,
        "bolig",
        "beboere.csv",
        {
            "title": f"Innbyggere 67+ per boligtrinn {base_year}, {title} (avledet)",
            "publisher": "innsatstrapp workbench, fra SSBs statistikk",
            "published": str(today.year),
            "subject": "beboere per boligtrinn",
            "source": (
                f"Avledet av {tables.citation(care_set)} og {tables.citation(population_set)}. "
                f"{tables.SOURCE}. Per aldersgruppe: trinn 6 = langtidsopphold i institusjon; trinn 4 = "
                "tidsbegrenset opphold i institusjon; trinn 5 = beboere i bolig med personell "
                f"hele døgnet ({staffed_from}); trinn 3 = de andre beboerne i omsorgsbolig; "
                "trinn 2 = mottakere av helsetjenester i hjemmet minus beboerne i omsorgsbolig; "
                "trinn 1 = resten av aldersgruppen. Trinn 1 og 2 skilles etter tjenester, ikke "
                "etter boligens standard, som statistikken ikke kjenner."
            ),
            "status": "derived",
        },
    )
    costs, cost_source, (rest_fte, rest_cost), rest_source = _step_costs(
        client, number, changes, base_year, care, derivation.residents, staffed_share, title
    )
    write(
        costs,
        "bolig",
        "trinnkostnader.csv",
        {
            "title": f"Årsverk og årskostnad per beboer per boligtrinn {base_year}, {title} (avledet)",
            "publisher": "innsatstrapp workbench, fra KOSTRA",
            "published": str(today.year),
            "subject": "årsverk og kostnad per beboer",
            "source": cost_source,
            "status": "derived",
        },
    )
    write(
        pd.DataFrame({"fte": [rest_fte], "cost": [rest_cost]}),
        "bolig",
        "resten-av-sektoren.csv",
        {
            "title": f"Årsverk og kostnad til pleie og omsorg utenom 67+ på boligtrappa {base_year}, {title} (avledet)",
            "publisher": "innsatstrapp workbench, fra KOSTRA",
            "published": str(today.year),
            "subject": "resten av sektoren",
            "source": rest_source,
            "status": "derived",
        },
    )
    shares = derivation.residents.assign(
        share=derivation.residents["residents"]
        / derivation.residents.groupby("age_group")["residents"].transform("sum")
    )[["age_group", "step", "share"]]
    write(
        shares,
        "bolig",
        "alternativ-profil.csv",
        {
            "title": f"Alternativ boligprofil i målåret, {title}: foreløpig lik dagens",
            "publisher": "innsatstrapp workbench",
            "published": str(today.year),
            "subject": "den alternative profilen",
            "source": "Andelene i basisåret (beboere.csv), til kommunen har valgt sin "
            "alternative profil: endre andelene per aldersgruppe og trinn (de summerer til 1).",
            "status": "derived",
        },
    )
    dwellings = folder / "bolig" / "personer-per-bolig.csv"
    shutil.copyfile(project.data_dir / DWELLING_DEFAULTS, dwellings)
    written.append(dwellings)
    entries["bolig"][dwellings.name] = {
        "title": "Personer per bolig etter aldersgruppe (standardverdier)",
        "publisher": "innsatstrapp workbench (illustrativt eksempel)",
        "published": str(today.year),
        "subject": "personer per bolig",
        "source": f"Kopi av data/{DWELLING_DEFAULTS}: illustrative standardverdier, de samme "
        "som i eksempelkommunen; erstatt med kommunens egne tall.",
        "status": "illustrative",
    }
    for relative, (kind, title_) in TEMPLATES.items():
        where, _, name_ = relative.rpartition("/")
        path = input_templates.write_template(folder / relative, kind)
        written.append(path)
        entries[where][name_] = {
            "title": title_,
            "publisher": name + " kommune",
            "source": "Mal laget av `workbench new`: fylles ut av kommunen. "
            + input_templates.TEMPLATES[kind].how,
            "status": "template",
        }
    for where, manifest in entries.items():
        if manifest:
            tables.merge_manifest(folder / where if where else folder, manifest)
    atomic_write_text(
        parameters,
        _parameter_text(
            number,
            name,
            former,
            base_year,
            key,
            comparisons is not None,
            group,
            staffed_from,
            [n for n in (year_note, housing_note) if n],
        ),
    )
    notes = tuple(n for n in (year_note, housing_note) if n)
    return Created(parameters, folder, written, base_year, group, notes)


BASE_YEAR_TABLES = {
    "care": "brukere av omsorgstjenester",
    "kostra": "regnskapet",
    "care_fte": "årsverkene",
}
"""The tables the housing base year needs, and what they give, as the note names them."""


def _base_year(client: Client, today: date) -> tuple[int, str]:
    """The last year the care statistics, the KOSTRA accounts and the årsverk all have (read
    from each table's metadata), and a note naming the table that ends first where the three
    end in different years (empty where they agree)."""
    last = {
        key: max(
            (y for y in client.metadata(tables.TABLES[key].table).years() if y <= today.year),
            default=0,
        )
        for key in BASE_YEAR_TABLES
    }
    year = min(last.values())
    if not year:
        raise InputError(None, "SSBs tabeller har ingen år å bruke som basisår")
    if len(set(last.values())) == 1:
        return year, ""
    ends = [
        f"tabell {tables.TABLES[k].table} ({BASE_YEAR_TABLES[k]}) går til {y}"
        for k, y in last.items()
    ]
    first = [tables.TABLES[k].table for k, y in last.items() if y == year]
    note = (
        f"{'; '.join(ends)}. Basisåret blir {year}, det siste året alle tre har: tabell "
        f"{' og '.join(first)} har ikke tall for senere år ennå."
    )
    return year, note


def _with_base_year(projection: pd.DataFrame, population: pd.DataFrame, year: int) -> pd.DataFrame:
    """The projection, with the registered population as the base year where the projection
    begins later (the housing profile needs both years)."""
    if (projection["year"] == year).any():
        return projection
    base = [
        population.assign(alternative=alternative, year=year)
        for alternative in dict.fromkeys(projection["alternative"])
    ]
    table = pd.concat([*base, projection], ignore_index=True)
    return table[["alternative", "year", "age_group", "persons"]]


def _step_costs(
    client: Client,
    number: str,
    changes: pd.DataFrame,
    year: int,
    care: pd.DataFrame,
    residents: pd.DataFrame,
    staffed_share: float,
    title: str,
) -> tuple[pd.DataFrame, str, tuple[float, float], str]:
    """Årsverk and cost per resident per step from KOSTRA (:func:`derive.step_costs`), the
    rest of the care sector (:func:`derive.sector_rest`) and the sentences saying how."""
    gross, gross_set = tables.kostra_accounts(client, number, changes, [year], art="gross")
    by_function = gross.groupby("funksjon")["amount"].sum()

    def spent(functions: tuple[str, ...]) -> float:
        return float(by_function.reindex(list(functions)).fillna(0).sum())

    institution_cost = spent(tables.INSTITUTION_FUNCTIONS)
    staffed_functions = tables.staffed_functions(year)
    staffed_cost = spent(staffed_functions)
    home_functions = tables.home_functions(year)
    home_cost = spent(home_functions)
    day_cost = spent(tables.DAY_FUNCTIONS)
    fte, fte_set = tables.care_fte(client, number, changes, year)
    total = institution_cost + staffed_cost + home_cost + day_cost

    def share(cost: float) -> float:
        return fte * cost / total if total else 0.0

    everyone = care.set_index("age_group").loc["alle"]
    staffed_residents = (
        float(everyone["care_housing_staffed"])
        if pd.notna(everyone["care_housing_staffed"])
        else staffed_share * float(everyone["care_housing"])
    )
    institution = derive.Spending(
        institution_cost,
        share(institution_cost),
        float(everyone["institution_long"] + everyone["institution_short"]),
    )
    if staffed_functions:
        staffed = derive.Spending(staffed_cost, share(staffed_cost), staffed_residents)
        home_users = float(everyone["home_services"]) - staffed_residents
    else:
        staffed, home_users = None, float(everyone["home_services"])
    try:
        costs = derive.step_costs(
            institution=institution,
            staffed=staffed,
            home=derive.Spending(home_cost, share(home_cost), home_users),
        )
        rest = derive.sector_rest(costs, residents, fte=fte, cost=total)
    except DerivationError as exc:
        raise InputError(None, f"{title}: {exc}") from None
    cited = (
        f"Avledet av {tables.citation(gross_set)} og {tables.citation(fte_set)}. {tables.SOURCE}."
    )
    institution_text = (
        f"Trinn 4 og 6: brutto driftsutgifter på funksjon {' og '.join(tables.INSTITUTION_FUNCTIONS)} "
        "delt på beboere i institusjon (langtids- og tidsbegrenset opphold, alle aldre, tabell 11645)."
    )
    if staffed_functions:
        home_text = (
            f"Trinn 5: funksjon {' og '.join(staffed_functions)} (personellbase i bofellesskap og "
            "samlokaliserte omsorgsboliger) delt på beboere i bolig med personell hele døgnet "
            f"(alle aldre). Trinn 2 og 3: funksjon {' og '.join(home_functions)} (ambulerende "
            "hjemmetjenester med mer) delt på de andre mottakerne av helsetjenester i hjemmet "
            "(alle aldre)."
        )
    else:
        home_text = (
            f"Trinn 2, 3 og 5: funksjon {' og '.join(home_functions)} delt på mottakere av "
            f"helsetjenester i hjemmet (alle aldre): ett gjennomsnitt, fordi KOSTRA før "
            f"{tables.SPLIT_YEAR} ikke skiller personellbasen i bofellesskap fra de andre "
            "hjemmetjenestene."
        )
    fte_text = (
        "Årsverk i brukerrettede tjenester (tabell 12292, funksjon 234, 253 og hjemmetjenestene) "
        f"er fordelt på funksjonene etter utgiftene; årsverkene til funksjon {' og '.join(tables.DAY_FUNCTIONS)} "
        "(dagaktiviteter) står ikke på boligtrinnene. Trinn 1 har ingen tjenester."
    )
    source = (
        f"{cited} {institution_text} {home_text} {fte_text} Kommunens egne tall per trinn kan "
        "legges i trinnkostnader-egne.csv."
    )
    rest_source = (
        f"{cited} Hele pleie- og omsorgssektorens årsverk (tabell 12292) og brutto driftsutgifter "
        f"på funksjon {', '.join((*tables.DAY_FUNCTIONS, *tables.INSTITUTION_FUNCTIONS, *staffed_functions, *home_functions))} "
        "minus det innbyggerne 67+ på boligtrinnene bruker med årsverk og kostnad per beboer "
        "(trinnkostnader.csv): tjenester til yngre enn 67 år og dagaktiviteter. Holdes konstant "
        "fram mot målåret."
    )
    return costs, source, rest, rest_source


def _parameter_text(
    number: str,
    name: str,
    former: list[str],
    base_year: int,
    key: str,
    comparisons: bool,
    group: str | None,
    staffed_from: str,
    notes: list[str],
) -> str:
    new = NewMunicipality(f"municipalities/{key}", comparisons)
    parameters = {
        "number": number,
        "name": name,
        **({"former_numbers": former} if former else {}),
        "base_year": base_year,
        "target_year": TARGET_YEAR,
        "prices": f"{new.data}/priser.csv",
        "analyses": {
            key: spec.settings.template(new).model_dump(mode="json", exclude_unset=True)
            for key, spec in analyses.ANALYSES.items()
        },
    }
    header = (
        f"# {name} kommune, satt opp med `workbench new -m {number}` fra SSBs statistikk.\n"
        f"# Boligprofilens basisår {base_year} er avledet av omsorgsstatistikken ({staffed_from});\n"
        "# regnskapet, egne fordelingsregler, egne årsverk og kostnader per trinn og lokale\n"
        "# priser er maler som kommunen fyller ut (se rapportene for hva som mangler).\n"
        + (f"# Sammenligningskommunene er de andre i {group}.\n" if group else "")
        + "".join("".join(f"# {line}\n" for line in textwrap.wrap(note, 90)) for note in notes)
    )
    return header + yaml.safe_dump(parameters, allow_unicode=True, sort_keys=False)
