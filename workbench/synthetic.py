"""Deterministic illustrative data: ledgers of any size for demos, tests and benchmarks.

The same arguments always give the same ledger (numpy's PCG64 with a fixed random state), so a
benchmark on 500 000 lines and a demo ledger of a few thousand lines are reproducible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analyses.housing import derive
from workbench.population import AGE_GROUPS

UNITS: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    # (ansvar prefix, name, KOSTRA functions, share of the budget)
    ("21", "Skoler", ("202", "215", "222", "223"), 0.24),
    ("23", "Barnehager", ("201", "211", "221"), 0.14),
    ("25", "Helsestasjon og forebygging", ("232", "233"), 0.03),
    ("26", "Barnevern", ("244", "251", "252"), 0.05),
    ("27", "NAV kommune", ("242", "273", "276", "281"), 0.05),
    ("28", "Kultur og fritid", ("231", "385"), 0.03),
    ("31", "Hjemmetjenester", ("254", "258"), 0.10),
    ("32", "Bofellesskap med personalbase", ("254", "257"), 0.07),
    ("33", "Sykehjem og helsehus", ("253", "261"), 0.16),
    ("34", "Dagaktivitet og avlastning", ("234", "254", "258"), 0.03),
    ("35", "Rus og psykisk helse", ("243", "241"), 0.04),
    ("36", "Boligkontor", ("265", "283"), 0.02),
    ("39", "Interkommunale samarbeid", ("290",), 0.02),
)
EXPENSE_ARTS = ("010", "040", "050", "090", "100", "120", "195", "270", "300", "370")
INCOME_ARTS = ("620", "650", "700", "810")


def ledger(
    lines: int,
    years: tuple[int, ...] = (2022, 2023, 2024),
    *,
    total_kr: float = 2.0e9,
    units_per_area: int = 8,
    random_state: int = 2024,
) -> pd.DataFrame:
    """An illustrative municipal operating ledger.

    Functions follow KOSTRA's change in 2024: 254 before, 257/258 from 2024.

    Args:
        lines: Ledger lines per year.
        years: The years.
        total_kr: Approximate gross spending per year.
        units_per_area: Ansvar units per area.
        random_state: Starting state of the random numbers (the same gives the same ledger).

    Returns:
        Columns ``year``, ``ansvar``, ``ansvar_name``, ``funksjon``, ``art``, ``amount`` (kr, two decimals).
    """
    rng = np.random.default_rng(random_state)
    frames = []
    for offset, year in enumerate(years):
        shares = np.array([u[3] for u in UNITS])
        area = rng.choice(len(UNITS), size=lines, p=shares / shares.sum())
        unit = rng.integers(0, units_per_area, size=lines)
        functions = np.array([_function(UNITS[a][2], year, rng) for a in area], dtype=object)
        income = rng.random(lines) < 0.12
        arts = np.where(
            income, rng.choice(INCOME_ARTS, size=lines), rng.choice(EXPENSE_ARTS, size=lines)
        )
        raw = rng.lognormal(mean=0.0, sigma=1.1, size=lines)
        scale = total_kr * (1.03**offset) / raw.sum()  # about 3 % growth a year
        amount = np.round(raw * scale * np.where(income, -0.25, 1.0), 2)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "ansvar": [f"{UNITS[a][0]}{u:01d}00" for a, u in zip(area, unit, strict=True)],
                    "ansvar_name": [
                        f"{UNITS[a][1]} {u + 1}" for a, u in zip(area, unit, strict=True)
                    ],
                    "funksjon": functions,
                    "art": arts,
                    "amount": amount,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


ADMINISTRATION_UNITS = (
    ("10", "Politisk styring og revisjon", ("100", "110")),
    ("11", "Rådmannens stab og fellestjenester", ("120", "180")),
    ("12", "Eiendom og administrasjonsbygg", ("121", "130")),
)


def administration(
    lines: int,
    years: tuple[int, ...] = (2022, 2023, 2024),
    *,
    total_kr: float = 1.3e8,
    random_state: int = 100,
) -> pd.DataFrame:
    """Illustrative lines for shared administration (KOSTRA functions 100–180), to add to a
    ledger from :func:`ledger`: three ansvar units, expense arts only, about ``total_kr`` a
    year growing 3 % a year. Columns as :func:`ledger`'s."""
    rng = np.random.default_rng(random_state)
    frames = []
    for offset, year in enumerate(years):
        unit = rng.integers(0, len(ADMINISTRATION_UNITS), size=lines)
        functions = [ADMINISTRATION_UNITS[u][2][rng.integers(0, 2)] for u in unit]
        raw = rng.lognormal(mean=0.0, sigma=1.0, size=lines)
        amount = np.round(raw * total_kr * (1.03**offset) / raw.sum(), 2)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "ansvar": [f"{ADMINISTRATION_UNITS[u][0]}000" for u in unit],
                    "ansvar_name": [ADMINISTRATION_UNITS[u][1] for u in unit],
                    "funksjon": functions,
                    "art": rng.choice(EXPENSE_ARTS, size=lines),
                    "amount": amount,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _function(functions: tuple[str, ...], year: int, rng: np.random.Generator) -> str:
    valid = [
        f
        for f in functions
        if not (year >= 2024 and f == "254") and not (year < 2024 and f in ("257", "258"))
    ]
    return valid[rng.integers(0, len(valid))]


def project(root, count: int, *, random_state: int = 357, source=None):
    """A project folder with ``count`` illustrative municipalities (numbers 5001, 5002, …),
    each with every analysis set up, for benchmarks of the whole batch.

    Shared files (catalogue, packages, persona, housing costs and profile) are copied from
    ``source`` (default the repository); each municipality gets its own population, residents,
    ledger and number of persons, drawn deterministically from ``random_state``.

    Returns:
        The :class:`workbench.project.Project`.
    """
    import shutil
    from pathlib import Path

    import yaml

    from workbench.analyses.allocation.settings import AllocationSettings
    from workbench.analyses.calculator.settings import CalculatorSettings
    from workbench.analyses.housing.settings import HousingSettings
    from workbench.analyses.personas.settings import PersonaSettings
    from workbench.models import NewMunicipality
    from workbench.outputs import write_table
    from workbench.project import Project

    source = Path(source) if source else Path(__file__).resolve().parent.parent
    root = Path(root)
    for folder in ("notebooks",):
        shutil.copytree(source / folder, root / folder, dirs_exist_ok=True)
    for folder in ("reference", "prices", "packages", "personas"):
        shutil.copytree(source / "data" / folder, root / "data" / folder, dirs_exist_ok=True)
    demo = source / "data/municipalities/9999-demokommune"
    shared = root / "data/municipalities/felles"
    shared.mkdir(parents=True, exist_ok=True)
    for name in ("trinnkostnader.csv", "alternativ-profil.csv", "personer-per-bolig.csv"):
        shutil.copy(demo / "bolig" / name, shared / name)
    shutil.copy(demo / "okonomi" / "regler.csv", shared / "regler.csv")
    _manifest(
        shared,
        {
            name: "Felles illustrative inndata for syntetiske kommuner (kopi fra Demokommune)"
            for name in (
                "trinnkostnader.csv",
                "alternativ-profil.csv",
                "personer-per-bolig.csv",
                "regler.csv",
            )
        },
    )
    (root / "parameters").mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "parameters/defaults.yaml", root / "parameters/defaults.yaml")
    base_population = pd.read_csv(demo / "bolig/befolkning.csv", sep=";", decimal=",")
    base_residents = pd.read_csv(demo / "bolig/beboere.csv", sep=";", decimal=",")
    rng = np.random.default_rng(random_state)
    for index in range(count):
        number = f"{5001 + index}"
        key = f"{number}-synt-{index + 1}"
        folder = root / "data/municipalities" / key
        folder.mkdir(parents=True, exist_ok=True)
        scale = float(rng.lognormal(0.0, 0.8))
        population = base_population.assign(persons=(base_population["persons"] * scale).round())
        care = care_statistics(base_residents, scale, rng)
        base = population[
            (population["alternative"] == "MMMM")
            & (population["year"] == 2024)
            & population["age_group"].isin(AGE_GROUPS)
        ]
        # the same derivation `workbench new` uses on SSB's statistics
        residents = derive.base_year_residents(
            base, care, staffed_share=derive.DEFAULT_STAFFED_SHARE
        ).residents
        write_table(population, folder / "befolkning.csv")
        write_table(care, folder / "omsorgstjenester.csv")
        write_table(residents, folder / "beboere.csv")
        write_table(
            ledger(300, total_kr=1.9e9 * scale, random_state=random_state * 1000 + index),
            folder / "regnskap.csv",
        )
        _manifest(
            folder,
            {
                "befolkning.csv": "Syntetisk befolkning 67+",
                "omsorgstjenester.csv": "Syntetiske brukere av omsorgstjenester per aldersgruppe",
                "beboere.csv": "Syntetiske beboere per trinn, avledet av omsorgstjenestene",
                "regnskap.csv": "Syntetisk driftsregnskap",
            },
        )
        data = f"municipalities/{key}"
        parameters = {
            "number": number,
            "name": f"Syntetisk kommune {index + 1}",
            "fictional": True,
            "base_year": 2024,
            "target_year": 2040,
            "analyses": {
                analysis: settings.model_dump(mode="json", exclude_unset=True)
                for analysis, settings in (
                    ("calculator", CalculatorSettings.template(NewMunicipality(data))),
                    (
                        "personas",
                        PersonaSettings(
                            personas=["personas/johs-tjenester.yaml"],
                            persons=int(250 * scale) + 1,
                            persons_source="Syntetisk tall",
                        ),
                    ),
                    (
                        "housing",
                        HousingSettings(
                            population=f"{data}/befolkning.csv",
                            residents=f"{data}/beboere.csv",
                            step_costs="municipalities/felles/trinnkostnader.csv",
                            alternative_profile="municipalities/felles/alternativ-profil.csv",
                            persons_per_dwelling="municipalities/felles/personer-per-bolig.csv",
                        ),
                    ),
                    (
                        "allocation",
                        AllocationSettings(
                            ledger=f"{data}/regnskap.csv",
                            rules="municipalities/felles/regler.csv",
                        ),
                    ),
                )
            },
        }
        (root / "parameters" / f"{key}.yaml").write_text(
            yaml.safe_dump(parameters, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return Project(root.resolve())


def care_statistics(
    residents: pd.DataFrame, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Illustrative users of care services per age group, shaped like SSB's (table 11645),
    from a housing profile's residents per step scaled by ``scale`` with some noise: the
    input of :func:`workbench.analyses.housing.derive.base_year_residents`. Every second
    municipality has no split of care housing by staffing, as where SSB publishes none."""
    wide = residents.pivot(index="age_group", columns="step", values="residents")
    noise = rng.uniform(0.8, 1.2, size=(len(wide), 4))
    long, short, staffed, other = (
        np.round(wide[s].to_numpy() * scale * noise[:, i]) for i, s in enumerate((6, 4, 5, 3))
    )
    home = np.round(wide[2].to_numpy() * scale) + staffed + other
    return pd.DataFrame(
        {
            "age_group": wide.index,
            "institution_long": long,
            "institution_short": short,
            "care_housing": staffed + other,
            "care_housing_staffed": staffed if rng.random() < 0.5 else np.nan,
            "home_services": home,
        }
    )


def _manifest(folder, titles: dict[str, str]) -> None:
    import yaml

    entries = {
        name: {
            "title": title,
            "publisher": "innsatstrapp workbench (syntetisk testkommune)",
            "published": "2025",
            "source": "Syntetiske illustrative tall laget av innsatstrapp workbench for ytelsestester",
            "status": "illustrative",
        }
        for name, title in titles.items()
    }
    (folder / "sources.yaml").write_text(
        yaml.safe_dump(entries, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
