"""The housing profile's base year derived from public care statistics (pure, no I/O).

Public statistics do not say who lives in a dwelling with lifetime standard, but they do say,
per municipality and age group, who lives in an institution, who lives in housing the
municipality provides for care purposes (and whether it has staff around the clock), and who
receives home services. That places everyone 67+ on the six steps of the housing staircase:

- step 6 (institusjon, langtidsopphold) = long-term institution residents;
- step 4 (tidsbegrenset opphold) = residents on a short-term stay in an institution;
- step 5 (boliger med døgntjenester) = residents of care housing with staff around the clock;
- step 3 (kommunalt disponerte boliger uten bemanning) = the other residents of care housing.
  Where the statistics do not split care housing by staffing, a stated share
  (``staffed_share``) of it goes to step 5;
- step 2 (private boliger uten livsløpsstandard) = home-service users in ordinary housing:
  all home-service users minus the residents of care housing, who receive their services
  there;
- step 1 (private boliger med livsløpsstandard) = the rest of the age group.

Steps 1 and 2 are thus "without services" and "with home services": the statistics do not
know a dwelling's standard, so the split is by services received, which is what the staffing
and cost per step depend on.

Årsverk and cost per resident come from KOSTRA, each service's gross expenses and årsverk
over the people it serves, all ages on both sides of the division:

- steps 4 and 6: institutions (functions 253 and 261) per institution resident;
- step 5: from 2024, the personnel base of staffed housing (function 257) per resident of
  housing with staff around the clock;
- steps 2 and 3: from 2024, the other home services (function 258) per home-service user
  not living in staffed housing; until 2023 KOSTRA has one function (254) for all home
  services, and steps 2, 3 and 5 share its average per home-service user;
- step 1 receives no services.

Moving a resident from step 5 to step 2 then saves what the two services cost apart. The
care sector is more than the 67+ on the steps: what the functions spend on younger users,
and day activities (function 234, whose årsverk 12292 counts with the rest), is the rest of
the sector (:func:`sector_rest`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CARE_COLUMNS = (
    "institution_long",
    "institution_short",
    "care_housing",
    "care_housing_staffed",
    "home_services",
)
"""Per age group: long-term and short-term institution residents, residents of care housing
(all, and those with staff around the clock: missing where not published), home-service
users (all, wherever they live)."""


DEFAULT_STAFFED_SHARE = 0.5
"""Share of care housing with staff around the clock where the statistics do not say (an
assumption, stated wherever it is used)."""


class DerivationError(ValueError):
    """The statistics do not add up (e.g. more service users than inhabitants)."""


@dataclass(frozen=True)
class Derivation:
    """The derived base year and how each step was reached.

    Args:
        residents: ``age_group``, ``step``, ``residents``: the housing profile's input.
        working: One row per age group with the statistics and each step, for the sources
            and the hand check.
    """

    residents: pd.DataFrame
    working: pd.DataFrame


def base_year_residents(
    population: pd.DataFrame, care: pd.DataFrame, *, staffed_share: float
) -> Derivation:
    """Residents 67+ per age group on each housing step in the base year.

    Args:
        population: ``age_group``, ``persons``: the base year's population.
        care: ``age_group`` and :data:`CARE_COLUMNS`; ``care_housing_staffed`` may be
            missing (NaN) where the statistics do not split care housing by staffing, and
            ``institution_short`` where short-term stays are not published (then 0).
        staffed_share: The share of care housing with staff around the clock, used where
            ``care_housing_staffed`` is missing.

    Raises:
        DerivationError: An age group missing from one table, negative counts, more
            staffed than all care housing, or more service users than inhabitants.
    """
    if not 0 <= staffed_share <= 1:
        raise DerivationError(
            f"andelen med døgnbemanning må være mellom 0 og 1, ikke {staffed_share}"
        )
    table = population[["age_group", "persons"]].merge(
        care[["age_group", *CARE_COLUMNS]], on="age_group", how="outer", indicator=True
    )
    lonely = table[table["_merge"] != "both"]
    if len(lonely):
        group = lonely.iloc[0]
        where = "befolkningen" if group["_merge"] == "right_only" else "omsorgsstatistikken"
        raise DerivationError(f"aldersgruppen {group['age_group']} mangler i {where}")
    table = table.drop(columns="_merge")
    table["institution_short"] = table["institution_short"].fillna(0.0)
    for column in ("persons", "institution_long", "care_housing", "home_services"):
        if table[column].isna().any():
            group = table.loc[table[column].isna(), "age_group"].iloc[0]
            raise DerivationError(f"{_NAMES[column]} mangler for aldersgruppen {group}")
    counts = table[["persons", *CARE_COLUMNS]]
    if (counts < 0).any().any():
        raise DerivationError("antallene kan ikke være negative")
    staffed_given = table["care_housing_staffed"].notna()
    staffed = table["care_housing_staffed"].where(
        staffed_given, table["care_housing"] * staffed_share
    )
    too_many = staffed > table["care_housing"] + 1e-9
    if too_many.any():
        group = table.loc[too_many, "age_group"].iloc[0]
        raise DerivationError(
            f"aldersgruppen {group} har flere beboere i bolig med døgnbemanning enn i alle "
            "omsorgsboliger"
        )
    steps = pd.DataFrame(
        {
            6: table["institution_long"],
            5: staffed,
            4: table["institution_short"],
            3: table["care_housing"] - staffed,
            2: (table["home_services"] - table["care_housing"]).clip(lower=0.0),
        }
    )
    steps[1] = table["persons"] - steps.sum(axis=1)
    short = steps[1] < -1e-9
    if short.any():
        group = table.loc[short, "age_group"].iloc[0]
        raise DerivationError(
            f"aldersgruppen {group} har flere tjenestemottakere enn innbyggere; kontroller "
            "at tallene gjelder samme år og kommune"
        )
    steps = steps[[1, 2, 3, 4, 5, 6]]
    working = table.assign(
        care_housing_staffed=staffed,
        staffed_from=np.where(staffed_given, "statistikken", "standardandel"),
        **{f"step_{s}": steps[s] for s in steps},
    )
    long = (
        steps.set_axis(table["age_group"])
        .rename_axis(index="age_group", columns="step")
        .stack()
        .rename("residents")
        .reset_index()
    )
    long["step"] = long["step"].astype(int)
    return Derivation(long, working)


_NAMES = {
    "persons": "innbyggertallet",
    "institution_long": "antall langtidsbeboere i institusjon",
    "care_housing": "antall beboere i omsorgsbolig",
    "home_services": "antall mottakere av hjemmetjenester",
}


@dataclass(frozen=True)
class Spending:
    """One service's gross expenses (kr) and årsverk in a year, and the people it serves
    (all ages)."""

    cost: float
    fte: float
    users: float


def step_costs(
    *, institution: Spending, home: Spending, staffed: Spending | None = None
) -> pd.DataFrame:
    """Årsverk and cost per resident per housing step from KOSTRA's expenses and årsverk.

    Args:
        institution: Institutions (253 and 261) and their residents (long- and short-term).
        home: From 2024 the other home services (258) and the home-service users not in
            staffed housing; until 2023 all home services (254) and all their users.
        staffed: From 2024 the personnel base of staffed housing (257) and its residents;
            None until 2023, when steps 2, 3 and 5 share the home services' average.

    Returns:
        ``step``, ``fte_per_resident``, ``cost_per_resident`` for steps 1–6.

    Raises:
        DerivationError: A divisor is not positive.
    """
    named = {"beboere i institusjon": institution, "mottakere av hjemmetjenester": home}
    if staffed is not None:
        named["beboere i bolig med personell hele døgnet"] = staffed
    for name, spending in named.items():
        if spending.users <= 0:
            raise DerivationError(
                f"KOSTRA-tallene har ingen {name}; årsverk og kostnad per beboer kan ikke regnes ut"
            )

    def per_user(spending: Spending) -> tuple[float, float]:
        return spending.fte / spending.users, spending.cost / spending.users

    at_home = per_user(home)
    in_staffed = per_user(staffed) if staffed is not None else at_home
    in_institution = per_user(institution)
    per_step = {
        1: (0.0, 0.0),
        2: at_home,
        3: at_home,
        4: in_institution,
        5: in_staffed,
        6: in_institution,
    }
    return pd.DataFrame(
        [(s, fte, cost) for s, (fte, cost) in per_step.items()],
        columns=["step", "fte_per_resident", "cost_per_resident"],
    )


def sector_rest(
    costs: pd.DataFrame, residents: pd.DataFrame, *, fte: float, cost: float
) -> tuple[float, float]:
    """The rest of the care sector: its årsverk and cost less what the 67+ on the housing
    steps use at the derived cost per resident.

    Args:
        costs: :func:`step_costs`.
        residents: ``age_group``, ``step``, ``residents``: the 67+ in the base year.
        fte, cost: The sector's årsverk and gross expenses in the base year.

    Raises:
        DerivationError: The 67+ alone would use more than the sector has.
    """
    per_step = residents.groupby("step")["residents"].sum()
    table = costs.set_index("step")
    used_fte = float((per_step * table["fte_per_resident"]).sum())
    used_cost = float((per_step * table["cost_per_resident"]).sum())
    if used_fte > fte + 1e-6 or used_cost > cost + 1e-3:
        raise DerivationError(
            "innbyggerne 67+ bruker mer enn sektorens årsverk eller kostnader med tallene per "
            "beboer; kontroller at tallene gjelder samme år og kommune"
        )
    return fte - used_fte, cost - used_cost
