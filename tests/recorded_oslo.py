"""Recorded answers for Oslo (0301) and two municipalities in its KOSTRA group, written by hand
in the statistics bank's format (PxWebApi v2 metadata and JSON-stat 2 data) and KLASS's.

The numbers are small and round so the derivation can be checked by hand (see
``test_new_municipality.py``); they are not Oslo's real figures. The table ids, variable
codes and labels follow ssb-sources.md and SSB's table pages (11645: «Brukarar av
omsorgstenester per 31.12., etter alder og detaljert teneste»).
"""

from __future__ import annotations

from ssb_fixtures import dataset

from workbench.ssb.tables import TABLES

REGIONS = [("0301", "Oslo"), ("4601", "Bergen"), ("5001", "Trondheim")]
SIZE = {"0301": 1.0, "4601": 0.5, "5001": 0.4}
YEARS = [(str(y), str(y)) for y in range(2020, 2026)]
SEXES = [("1", "Menn"), ("2", "Kvinner")]
AGES = [("050", "50 år"), ("070", "70 år"), ("085", "85 år"), ("095", "95 år")]
PEOPLE = {("050", "1"): 1000, ("050", "2"): 1000, ("070", "1"): 300, ("070", "2"): 320}
PEOPLE |= {("085", "1"): 100, ("085", "2"): 150, ("095", "1"): 20, ("095", "2"): 40}
"""Persons per age and sex in Oslo, every year: 67–79 = 620, 80–89 = 250, 90+ = 60."""

POPULATION_DIMS = {
    "Region": REGIONS,
    "Kjonn": SEXES,
    "Alder": AGES,
    "ContentsCode": [("Personer1", "Personer")],
    "Tid": YEARS,
}
PROJECTION_DIMS = {
    "Region": REGIONS[:1],
    "Kjonn": SEXES,
    "Alder": AGES[1:],
    "ContentsCode": [
        ("Personer", "Personer, hovedalternativet (MMMM)"),
        ("Personer1", "Personer, lav nasjonal vekst (LLML)"),
        ("Personer2", "Personer, høy nasjonal vekst (HHMH)"),
    ],
    "Tid": [("2025", "2025"), ("2030", "2030"), ("2040", "2040"), ("2050", "2050")],
}
ALTERNATIVE = {"Personer": 1.0, "Personer1": 0.95, "Personer2": 1.05}
FUNCTIONS = [
    ("100", "Politisk styring"),
    ("201", "Barnehage"),
    ("234", "Aktivisering og servicetjenester overfor eldre og personer med funksjonsnedsettelser"),
    ("253", "Helse- og omsorgstjenester i institusjon"),
    ("254", "Helse- og omsorgstjenester til hjemmeboende"),
    ("257", "Tjenester i hjemmet"),
    ("258", "Tjenester til hjemmeboende"),
    ("261", "Institusjonslokaler"),
    ("FGK9", "Helse og omsorg"),
]
NET = {"100": 5000, "201": 40000, "234": 5000, "253": 30000, "254": 20000, "257": 12000}
NET["258"] = 9000
NET["261"] = 3000
"""Oslo's net expenses per function in 1 000 kr; 254 until 2023, 257 and 258 from 2024."""
GROSS_FACTOR = 1.2
KOSTRA_DIMS = {
    "KOKkommuneregion0000": REGIONS,
    "KOKregnskapsomfa0000": [("A", "Konsern"), ("B", "Kommunekasse")],
    "KOKfunksjon0000": FUNCTIONS,
    "KOKart0000": [
        ("AGD2", "Netto driftsutgifter"),
        ("AGD10", "Brutto driftsutgifter på funksjon/tjenesteområde"),
    ],
    "ContentsCode": [("KOSbelop0000", "Beløp (1000 kr)")],
    "Tid": YEARS[:-1],
}
CARE_AGES = [
    ("Ialt", "Alle aldrar"),
    ("00-49", "0-49 år"),
    ("50-66", "50-66 år"),
    ("67-79", "67-79 år"),
    ("80-89", "80-89 år"),
    ("90+", "90 år eller eldre"),
]
SERVICES = [
    ("01", "Praktisk bistand - daglege gjeremål"),
    ("12", "Bustad som kommunen disponerer til helse- og omsorgsformål"),
    ("15", "Helsetenester i heimen"),
    ("18", "Tidsavgrensa opphald - utgreiing/behandling"),
    ("21", "Langtidsopphald i institusjon"),
    ("29", "Bustad med fast tilknytt personell heile døgnet"),
]
USERS = {
    # age group: {service: users per 31.12.2024}
    "00-49": {"01": 20, "12": 20, "15": 40, "18": 1, "21": 1, "29": 10},
    "50-66": {"01": 15, "12": 10, "15": 30, "18": 1, "21": 4, "29": 5},
    "67-79": {"01": 30, "12": 8, "15": 60, "18": 2, "21": 10, "29": 4},
    "80-89": {"01": 40, "12": 10, "15": 80, "18": 5, "21": 30, "29": 10},
    "90+": {"01": 10, "12": 3, "15": 25, "18": 2, "21": 20, "29": 5},
}
CARE_DIMS = {
    "Region": REGIONS[:1],
    "Alder": CARE_AGES,
    "TenesteType": SERVICES,
    "ContentsCode": [
        ("Brukere1", "Brukarar av omsorgstenester"),
        ("Brukere2", "Brukarar av omsorgstenester (per 1 000 innbyggjarar)"),
    ],
    "Tid": [("2023", "2023"), ("2024", "2024")],
}
FTE_DIMS = {
    "KOKkommuneregion0000": REGIONS[:1],
    "ContentsCode": [("KOSaarsverkbruke0000", "Årsverk i brukerrettede tjenester")],
    "Tid": [("2023", "2023"), ("2024", "2024")],
}
FTE_2024 = 100.0


def _population(cell: dict) -> float:
    return PEOPLE[(cell["Alder"], cell["Kjonn"])] * SIZE[cell["Region"]]


def _projection(cell: dict) -> float:
    growth = 1 + 0.02 * (int(cell["Tid"]) - 2024)
    return round(
        PEOPLE[(cell["Alder"], cell["Kjonn"])] * growth * ALTERNATIVE[cell["ContentsCode"]]
    )


def _kostra(cell: dict) -> float | None:
    function, year = cell["KOKfunksjon0000"], int(cell["Tid"])
    if cell["KOKregnskapsomfa0000"] != "A" or function == "FGK9":
        return None
    if (function == "254" and year >= 2024) or (function in ("257", "258") and year < 2024):
        return None
    net = NET[function] * SIZE[cell["KOKkommuneregion0000"]]
    return net * GROSS_FACTOR if cell["KOKart0000"] == "AGD10" else net


def _care(cell: dict) -> float | None:
    if cell["ContentsCode"] != "Brukere1":
        return None
    service, age = cell["TenesteType"], cell["Alder"]
    if age == "Ialt":
        return sum(users[service] for users in USERS.values())
    return USERS[age][service]


def tables() -> dict[str, dict]:
    """Table id → the whole document (metadata and data)."""
    return {
        table: dataset(table, dims, value, updated=updated, label=TABLES[key].title)
        for table, key, dims, value, updated in (
            ("07459", "population", POPULATION_DIMS, _population, "2025-02-20T07:00:00Z"),
            ("14288", "projection", PROJECTION_DIMS, _projection, "2024-06-18T06:00:00Z"),
            ("12367", "kostra", KOSTRA_DIMS, _kostra, "2025-06-16T06:00:00Z"),
            ("11645", "care", CARE_DIMS, _care, "2025-06-17T06:00:00Z"),
            ("12292", "care_fte", FTE_DIMS, lambda c: FTE_2024, "2025-06-16T06:00:00Z"),
        )
    }


def klass() -> dict[str, dict]:
    """KLASS paths → answers: the municipalities today, and the KOSTRA groups."""
    return {
        "/klass/classifications/131/codesAt.json": {
            "codes": [{"code": c, "name": n} for c, n in REGIONS]
            + [{"code": "3911", "name": "Færder"}]
        },
        "/klass/classifications/131/corresponds": {
            "correspondenceItems": [
                {"sourceCode": c, "targetCode": "EKG13", "targetName": "KOSTRA-gruppe 13"}
                for c, _ in REGIONS
            ]
            + [{"sourceCode": "3911", "targetCode": "EKG09", "targetName": "KOSTRA-gruppe 9"}]
        },
    }
