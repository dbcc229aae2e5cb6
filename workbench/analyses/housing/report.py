"""How the housing profile is shown: Norwegian tables, charts and the static report."""

from __future__ import annotations

import html
import re
from functools import partial
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from workbench import composition, formatting, reference
from workbench.analyses.housing import calibrate
from workbench.analyses.housing import engine as housing
from workbench.analyses.housing.calibrate import UNIT_FORMATS
from workbench.analyses.housing.charts import (
    need_chart,
    over_80_chart,
    population_chart,
    profile_chart,
    staffing_chart,
    workforce_chart,
)
from workbench.analyses.housing.engine import HousingResult, evaluate  # noqa: F401  (app and tests)
from workbench.analyses.housing.load import HousingInputs
from workbench.formatting import age_range, mill_kr, number, percent, styled
from workbench.outputs import KeyFigure
from workbench.session import Session


def summary_frame(
    summary: pd.DataFrame, reference: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The summary as the source shows it: a label, a formatted value with its unit and the
    part of the sector it covers; with the source's summary (``reference``), the source's
    figure and the deviation beside each row that has one."""
    values = [
        _shown(value, unit) for value, unit in zip(summary["value"], summary["unit"], strict=True)
    ]
    table = pd.DataFrame({"": summary["label"], "Verdi": values})
    if reference is not None:
        sources = source_values(reference)
        given = [sources.get(k) for k in summary["key"]]
        table["Kildens tall"] = [
            _shown(v, u) if v is not None else ""
            for v, u in zip(given, summary["unit"], strict=True)
        ]
        table["Avvik"] = [
            _difference(m, v, u) if v is not None else ""
            for m, v, u in zip(summary["value"], given, summary["unit"], strict=True)
        ]
    table["Gjelder"] = [housing.SCOPES[s] for s in summary["scope"]]
    return table, {c: "text" for c in table.columns}


def source_values(reference: pd.DataFrame) -> dict[str, float]:
    """The source's summary as key → value in the model's units (kroner, shares 0–1)."""
    return {
        key: calibrate.source_value(value, unit)[0]
        for key, value, unit in zip(
            reference["key"], reference["value"], reference["unit"], strict=True
        )
    }


def summary_numbers(summary: pd.DataFrame, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """The summary with its values as numbers (kroner, shares) for CSV and Excel, with the
    source's figure where the municipality has the source's summary."""
    table = pd.DataFrame(
        {
            "Størrelse": summary["label"],
            "Verdi": summary["value"],
            "Enhet": summary["unit"].replace({"andel": "andel (0–1)"}),
        }
    )
    if reference is not None:
        sources = source_values(reference)
        table["Kildens tall"] = [sources.get(k) for k in summary["key"]]
    table["Gjelder"] = [housing.SCOPES[s] for s in summary["scope"]]
    return table


def profile_frame(
    inputs: HousingInputs, target_shares: pd.DataFrame | None, base_year: int, target_year: int
) -> pd.DataFrame:
    """Today's and the alternative shares per age group and step, labelled for the chart."""
    today = housing.today_shares(inputs.data.residents).assign(
        label=lambda f: f["age_group"].map(age_range) + f" år, {base_year}"
    )
    target = target_shares if target_shares is not None else inputs.data.target_shares
    target = target.assign(
        label=lambda f: f["age_group"].map(age_range) + f" år, {target_year} alt."
    )
    frames = []
    for group in housing.AGE_GROUPS:
        frames += [today[today["age_group"] == group], target[target["age_group"] == group]]
    return pd.concat(frames, ignore_index=True)


def step_names(session: Session) -> list[str]:
    """The six steps' names; where the residents of steps 1 and 2 are counted by the services
    they receive (``steps_by_services``, as ``workbench new`` derives them), those steps are
    named by that («uten / med hjemmesykepleie»), not by the dwelling's standard."""
    steps = reference.housing_steps(session.project.data_dir)
    names = steps["name"]
    settings = session.municipality.analyses.housing
    if settings is not None and settings.steps_by_services and "name_by_services" in steps:
        names = steps["name_by_services"].where(steps["name_by_services"].notna(), names)
    return list(names)


YEARLY_LABELS = {
    "year": "År",
    "persons": "Innbyggere 67+",
    "fte_sector_today": "Årsverk i sektoren, dagens profil",
    "fte_sector_alt": "Årsverk i sektoren, alt. profil",
    "fte_today": "Årsverk 67+, dagens profil",
    "fte_alt": "Årsverk 67+, alt. profil",
    "fte_rest": "Årsverk yngre enn 67",
    "cost_sector_today": "Kostnad i sektoren, dagens profil (kr)",
    "cost_sector_alt": "Kostnad i sektoren, alt. profil (kr)",
    "cost_today": "Kostnad 67+, dagens profil (kr)",
    "cost_alt": "Kostnad 67+, alt. profil (kr)",
    "cost_rest": "Kostnad yngre enn 67 (kr)",
    "dwellings_today": "Boliger, dagens profil",
    "dwellings_alt": "Boliger, alt. profil",
}
"""Headings of the per-year table (the report's and the table across municipalities)."""


MODEL_FILES = (
    "population",
    "residents",
    "step_costs",
    "alternative_profile",
    "rest_of_sector",
    "persons_per_dwelling",
)
"""The settings naming the files the model is computed from."""
NEED_FILES = ("population", "residents", "step_costs", "alternative_profile", "rest_of_sector")
"""What residents, årsverk and cost per step and year are computed from (not dwellings)."""


def _files(session: Session, inputs: HousingInputs, *fields: str) -> list[Path]:
    """The files named by ``fields`` (default the model's), with the municipality's own
    årsverk and costs per step beside the step costs once they are filled in."""
    fields = tuple(f for f in fields or MODEL_FILES if getattr(inputs.settings, f) is not None)
    own = inputs.settings.own_step_costs
    if "step_costs" in fields and own and own not in {f for _, f in session.missing}:
        fields = (*fields, "own_step_costs")
    return [
        session.data_file(getattr(inputs.settings, f), key=f"analyses.housing.{f}") for f in fields
    ]


def summary_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Staffing, cost and dwellings in the base and target year, as the source shows them."""
    m = session.municipality
    files = _files(session, inputs)
    caption = f"Bemanning, kostnader og boliger {m.base_year}–{m.target_year}"
    reference = inputs.reference
    if reference is not None:
        files += _files(session, inputs, "reference_summary")
    session.save_table(summary_numbers(result.summary, reference), "sammendrag", caption, files, {})
    table, formats = summary_frame(result.summary, reference)
    display(styled(table, formats, caption=caption))
    display(HTML(f"<p><em>{html.escape(scope_note(inputs))}</em></p>"))
    session.show_source(files)


def scope_note(inputs: HousingInputs) -> str:
    """What the summary's staffing and cost cover, and how the percentage is taken."""
    rest = inputs.data.rest
    if rest is None:
        covers = (
            "Bemanning og kostnader gjelder bare innbyggere 67+ på boligtrappa; resten av "
            "pleie- og omsorgssektoren (tjenester til yngre enn 67 år) er ikke lagt inn, så "
            "tallene er mindre enn sektorens."
        )
    else:
        covers = (
            "Bemanning og kostnader gjelder hele pleie- og omsorgssektoren: innbyggere 67+ på "
            "boligtrappa og tjenester til yngre enn 67 år, som "
            f"{housing.REST_GROWTH[rest.growth]} fram mot målåret. Den alternative profilen "
            "endrer bare 67+-delen."
        )
    return (
        f"{covers} Reduksjonen i prosent er regnet av sektorens samlede kostnader i målåret "
        "med dagens profil. Boliger: beboere på trinn 1–3 delt på personer per bolig i "
        "aldersgruppen; trinn 4–6 én boenhet per beboer; økningen er regnet med dagens profil."
    )


ROLE_WORDS = {
    "sektor": "gir resten av sektoren (nås eksakt)",
    "endring": "kalibrert",
    "ikke kalibrert": "følger av de andre (ikke kalibrert)",
}
"""How the calibration uses each kind of source figure, as the report says it."""


def _shown(value: float, unit: str) -> str:
    if pd.isna(value):
        return "–"
    return f"{UNIT_FORMATS[unit](value)} {'' if unit in ('kr', 'andel') else unit}".strip()


def _difference(model: float, source: float, unit: str) -> str:
    if pd.isna(model):
        return "–"
    if unit == "andel":
        return f"{number((model - source) * 100, 1)} prosentpoeng"
    return _shown(model - source, unit)


def comparison_frame(
    inputs: HousingInputs, result: HousingResult, base_year: int, target_year: int
):
    """The source's summary beside the model's (:func:`calibrate.comparison`), or None."""
    if inputs.reference is None:
        return None
    prior = None
    if inputs.prior is not None:
        prior = housing.summary(
            housing.project(inputs.prior, inputs.settings.projection, base_year, target_year),
            base_year,
            target_year,
            inputs.position_size,
        )
    return calibrate.comparison(inputs.reference, result.summary, prior)


NO_REFERENCE = (
    "Kommunen har ikke et sammendrag fra en tidligere boligprofilanalyse å sammenligne med; "
    "tallene over bygger bare på inndataene."
)


def reference_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Every figure of the source's own summary beside the model's, with the difference
    (only where the municipality has the source's summary). Where the inputs are calibrated,
    also the model before calibration and how firmly the fit holds each figure."""
    m = session.municipality
    table = comparison_frame(inputs, result, m.base_year, m.target_year)
    if table is None:
        display(HTML(f"<p>{NO_REFERENCE}</p>"))
        return None
    calibrated = inputs.prior is not None
    model = "Modellen, kalibrert" if calibrated else "Modellen"
    shown = pd.DataFrame({"": table["label"]})
    shown["Kildens tall"] = [
        _shown(v, u) for v, u in zip(table["source"], table["unit"], strict=True)
    ]
    if calibrated:
        shown["Før kalibrering"] = [
            _shown(v, u) for v, u in zip(table["prior"], table["unit"], strict=True)
        ]
    shown[model] = [_shown(v, u) for v, u in zip(table["model"], table["unit"], strict=True)]
    shown["Avvik"] = [
        _difference(mv, sv, u)
        for mv, sv, u in zip(table["model"], table["source"], table["unit"], strict=True)
    ]
    if calibrated:
        shown["Kalibreringen"] = [ROLE_WORDS[r] for r in table["role"]]
    files = _files(session, inputs) + _files(session, inputs, "reference_summary")
    numbers = pd.DataFrame(
        {
            "Størrelse": table["label"],
            "Kildens tall": table["source"],
            **({"Før kalibrering": table["prior"]} if calibrated else {}),
            model: table["model"],
            "Enhet": table["unit"].replace({"andel": "andel (0–1)"}),
            **({"Kalibreringen": [ROLE_WORDS[r] for r in table["role"]]} if calibrated else {}),
        }
    )
    caption = "Kildens sammendrag og modellens tall side om side"
    session.save_table(numbers, "kilden-og-modellen", caption, files, {})
    display(styled(shown, {c: "text" for c in shown.columns}, caption=caption))
    session.show_source(files)
    return None


def calibration_note(session: Session, inputs: HousingInputs, result: HousingResult):
    """How the model reads the source's summary: which part of the sector each figure
    covers, what the calibration makes of the rest, the readings that are interpretations
    and why figures that follow from others differ by a unit. Everything in it is computed."""
    if inputs.reference is None:
        return None
    display(
        HTML("".join(f"<p>{html.escape(t)}</p>" for t in reading_notes(session, inputs, result)))
    )
    return None


def reading_notes(session: Session, inputs: HousingInputs, result: HousingResult) -> list[str]:
    """The paragraphs of :func:`calibration_note`."""
    m = session.municipality
    source = source_values(inputs.reference)
    model = result.summary.set_index("key")["value"]
    persons = result.population.set_index(["year", "age_group"])["persons"]
    growth = {
        g: persons.loc[(m.target_year, g)] / persons.loc[(m.base_year, g)] - 1
        for g in housing.AGE_GROUPS
    }
    notes = []
    rest = inputs.data.rest
    if "staff_base" in source and rest is not None:
        base = result.totals.set_index("year").loc[m.base_year]
        inhabitants = base["persons"]
        notes.append(
            f"Kildens «dagens bemanning» på {number(source['staff_base'])} årsverk er "
            f"{number(source['staff_base'] / inhabitants * 1000)} per 1 000 innbyggere 67+, "
            "formen til SSBs indikator for alle årsverk i omsorgstjenestene, og leses derfor som "
            "hele pleie- og omsorgssektoren, alle aldre (en tolkning; presentasjonen sier det "
            f"ikke). Av dem går {number(model['staff_base_67'])} årsverk "
            f"({percent(model['staff_base_67'] / model['staff_base'], 0)}) til innbyggere 67+ på "
            f"boligtrappa og {number(model['staff_base_rest'])} til tjenester for yngre enn 67 "
            f"år, som {housing.REST_GROWTH[rest.growth]}."
        )
        if {"growth", "cost_growth", "cost_cut", "practice", "cost_share"} <= set(source):
            per_fte_67 = base["cost_today"] / base["fte_today"]
            per_fte_rest = rest.cost / rest.fte if rest.fte else float("nan")
            sector_cost = -source["cost_cut"] / source["cost_share"]
            uniform = (sector_cost - source["cost_growth"] - source["cost_cut"]) / source[
                "staff_base"
            ]
            notes.append(
                f"Veksten på {number(source['growth'])} årsverk er "
                f"{percent(source['growth'] / source['staff_base'], 0)} av sektoren; befolkningen "
                f"67–79 år vokser med {percent(growth['67-79'], 0)}, 80–89 år med "
                f"{percent(growth['80-89'], 0)} og 90 år og eldre med {percent(growth['90+'], 0)} "
                f"fra {m.base_year} til {m.target_year}. Bare en del av sektoren følger de eldste, "
                "og størrelsen på den delen er det kildens vekst sier mest om. Kildens egne tall "
                f"gir {mill_kr(source['cost_growth'] / source['growth'], 2)} per årsverk i vekst "
                f"og {mill_kr(source['cost_cut'] / source['practice'], 2)} per årsverk i endret "
                f"praksis; modellens 67+-del koster {mill_kr(per_fte_67, 2)} per årsverk."
            )
            notes.append(
                f"Tolkning av {percent(source['cost_share'])}: modellen regner reduksjonen av "
                f"sektorens kostnader i {m.target_year} med dagens profil, "
                f"{mill_kr(-source['cost_cut'], 0)} av {mill_kr(sector_cost, 0)}. Da koster "
                f"tjenestene til yngre enn 67 år {mill_kr(per_fte_rest, 2)} per årsverk. Har "
                "kilden i stedet delt på kostnadene etter omleggingen, passer én felles kostnad "
                f"per årsverk for hele sektoren ({mill_kr(uniform, 2)}); presentasjonen sier ikke "
                "hvilken nevner den bruker."
            )
    elif {"staff_base", "growth"} <= set(source):
        notes.append(
            f"Kildens vekst på {number(source['growth'])} årsverk er "
            f"{percent(source['growth'] / source['staff_base'], 0)} av dagens bemanning, mens "
            f"befolkningen 80–89 år vokser med {percent(growth['80-89'], 0)} og 90 år og eldre "
            f"med {percent(growth['90+'], 0)}. Modellen har ikke resten av sektoren "
            "(tjenester til yngre enn 67 år), så den kan ikke gjengi begge."
        )
    if {"staff_base", "growth", "practice", "staff_alt"} <= set(source):
        added = source["staff_base"] + source["growth"] + source["practice"]
        if round(added) != round(source["staff_alt"]):
            notes.append(
                f"Kildens egne avrundede tall gir {number(source['staff_base'])} + "
                f"{number(source['growth'])} − {number(-source['practice'])} = {number(added)} "
                f"årsverk, mens den skriver {number(source['staff_alt'])}: tallene er avrundet "
                "hver for seg. Modellen regner behov, endring og ansatte av sine egne tall, så de "
                "kan avvike med én enhet fra kilden."
            )
    if "units_higher" in source:
        notes.append(
            f"Boenheter på høyere trinn: kildens {number(source['units_higher'])} leses som "
            "økningen på trinn 2–6 med dagens profil (en tolkning), ikke som beholdningen i "
            f"{m.target_year}; modellen gir {number(model['units_higher'])}. Personer per bolig "
            "er illustrativt og ikke kalibrert, så boligtallene følger av de andre inndataene."
        )
    years = {int(y) for y in re.findall(r"\b(20\d\d)\b", " ".join(inputs.reference["label"]))}
    other = sorted(years - {m.base_year, m.target_year})
    if other:
        notes.append(
            f"Kildens basisår er {', '.join(map(str, other))}; modellen regner fra "
            f"{m.base_year}, det første året i befolkningstallene."
        )
    return notes


def calibrated_inputs_table(session: Session, inputs: HousingInputs):
    """Årsverk and cost per resident and residents per step: the starting point and the
    calibrated inputs (only where the inputs are calibrated)."""
    if inputs.prior is None:
        return None
    before, after = inputs.prior, inputs.data
    residents_before = before.residents.groupby("step")["residents"].sum()
    residents_after = after.residents.groupby("step")["residents"].sum()
    table = pd.DataFrame(
        {
            "Boligtrinn": list(housing.STEPS),
            "Navn": step_names(session),
            "Beboere, utgangspunkt": residents_before.to_numpy(),
            "Beboere, kalibrert": residents_after.to_numpy(),
            "Årsverk per beboer, utgangspunkt": before.step_costs["fte_per_resident"].to_numpy(),
            "Årsverk per beboer, kalibrert": after.step_costs["fte_per_resident"].to_numpy(),
            "Kostnad per beboer, utgangspunkt (kr)": before.step_costs[
                "cost_per_resident"
            ].to_numpy(),
            "Kostnad per beboer, kalibrert (kr)": after.step_costs["cost_per_resident"].to_numpy(),
            "Kostnad per årsverk, kalibrert (kr)": (
                after.step_costs["cost_per_resident"] / after.step_costs["fte_per_resident"]
            ).to_numpy(),
        }
    )
    settings = inputs.settings
    files = _files(session, inputs, "residents", "step_costs") + [
        session.data_file(getattr(settings.calibration, f), key=f"analyses.housing.calibration.{f}")
        for f in ("residents", "step_costs")
    ]
    formats = {
        "Boligtrinn": "text",
        "Navn": "text",
        "Beboere, utgangspunkt": "number",
        "Beboere, kalibrert": "number",
        "Årsverk per beboer, utgangspunkt": "fte",
        "Årsverk per beboer, kalibrert": "fte",
        "Kostnad per beboer, utgangspunkt (kr)": "kr",
        "Kostnad per beboer, kalibrert (kr)": "kr",
        "Kostnad per årsverk, kalibrert (kr)": "kr",
    }
    session.show_table(
        table,
        formats,
        "kalibrerte-inndata",
        "Inndataene før og etter kalibreringen",
        files,
    )
    return None


def profile_figure(session: Session, inputs: HousingInputs) -> None:
    """Where residents 67+ live today and in the alternative profile, per age group."""
    m = session.municipality
    files = _files(session, inputs, "residents", "alternative_profile")
    draw = partial(
        profile_chart,
        profile_frame(inputs, None, m.base_year, m.target_year),
        step_names(session),
        f"Boligprofil innbyggere 67 år og eldre – {m.title}",
        session.source_line(files, money=False),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(draw(), "profil", sources=files, slide=draw)
    if housing.profile_unchanged(inputs.data.residents, inputs.data.target_shares):
        display(
            HTML(
                "<p><strong>Den alternative profilen er ennå lik dagens.</strong> Endre andelene "
                f"per aldersgruppe og trinn i <code>data/{html.escape(inputs.settings.alternative_profile)}"
                "</code> (de summerer til 1 per aldersgruppe) for å se hva en annen profil betyr "
                "for bemanning og kostnader; til da er «endret praksis» null.</p>"
            )
        )


def need_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Residents and årsverk per housing step, today's and the alternative profile."""
    files = _files(session, inputs, *NEED_FILES)
    figure = need_chart(
        result.steps,
        step_names(session),
        f"Behov per boligtrinn – {session.municipality.title}",
        session.source_line(files, money=False),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "behov-per-trinn", sources=files)


def staffing_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Årsverk and cost per year for both profiles, with the projection alternatives' band."""
    files = _files(session, inputs, *NEED_FILES)
    draw = partial(
        staffing_chart,
        result.band,
        inputs.settings.projection,
        f"Årsverk og kostnader – {session.municipality.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(draw(), "arsverk-og-kostnader", sources=files, slide=draw)


def workforce_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Årsverk needed under both profiles against the årsverk available, and the gap."""
    settings = inputs.settings
    effect, effect_files = composition.persona_fte_effect(session)
    gap = housing.workforce_gap(
        result.band, settings.projection, settings.labour_supply_growth, effect
    )
    files = _files(session, inputs, *NEED_FILES) + effect_files
    growth = percent(settings.labour_supply_growth, 1)
    supply = f" Tilgang: {growth} vekst per år ({settings.labour_supply_source})."
    figure = workforce_chart(
        gap,
        f"Arbeidskraft mot {int(gap['year'].iloc[-1])} – {session.municipality.title}",
        session.source_line(files, money=False) + supply,
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "arbeidskraft", sources=files)
    workforce = gap.rename(
        columns={
            "year": "År",
            "needed_today": "Behov, dagens profil (årsverk)",
            "needed_alt": "Behov, alternativ profil (årsverk)",
            "supply": "Tilgang (årsverk)",
            "gap_today": "Mangler, dagens profil (årsverk)",
            "gap_alt": "Mangler, alternativ profil (årsverk)",
            "needed_effect": "Behov, dagens profil med personaenes effekt (årsverk)",
            "gap_effect": "Mangler, dagens profil med personaenes effekt (årsverk)",
        }
    )
    session.save_table(
        workforce,
        "arbeidskraft",
        "Årsverk som trengs og årsverk som finnes",
        files,
        {c: "text" if c == "År" else "fte" for c in workforce.columns},
    )
    last = gap.iloc[-1]
    display(
        HTML(
            f"<p>I {int(last['year'])} trengs {number(last['needed_today'])} årsverk med dagens "
            f"profil og {number(last['needed_alt'])} med den alternative, mot "
            f"{number(last['supply'])} som finnes med {growth} vekst per år: "
            f"{_missing(last['gap_today'])} med dagens profil, {_missing(last['gap_alt'])} med "
            "den alternative"
            + (
                f", og {_missing(last['gap_effect'])} med dagens profil og personaenes samlede "
                "effekt. Personaenes effekt og den alternative profilen vises som to "
                "alternativer og legges ikke sammen: de gjelder langt på vei de samme "
                "innbyggerne (de fleste langtidsbeboere har demens, og den alternative profilen "
                "sparer mest ved færre langtidsbeboere)"
                if "gap_effect" in gap
                else ""
            )
            + ".</p>"
        )
    )


def _missing(gap: float) -> str:
    return f"{number(gap)} årsverk mangler" if gap > 0 else f"{number(-gap)} årsverk til overs"


def population_figure(session: Session, inputs: HousingInputs, result: HousingResult) -> None:
    """Residents 67+ per age group and year."""
    files = _files(session, inputs, "population")
    figure = population_chart(
        result.population,
        f"Befolkning 67+ – {session.municipality.title}",
        session.source_line(files, money=False),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "befolkning", sources=files)


def population_frame(
    table: pd.DataFrame, base_year: int, target_year: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """:func:`housing.population_table` with Norwegian headers and the change from the base
    year to the target year, as the Færder presentation lays it out."""
    years = [c for c in table.columns if c != "age_group"]
    shown = pd.DataFrame(
        {
            "Aldersgruppe": [
                ("Sum innbyggere" if table.attrs.get("whole") else "Sum 67 år og eldre")
                if g == "Sum"
                else f"{age_range(g)} år"
                for g in table["age_group"]
            ]
        }
    )
    formats = {"Aldersgruppe": "text"}
    for year in years:
        shown[str(year)] = table[year].to_numpy()
        formats[str(year)] = "number"
    if base_year in years and target_year in years:
        change = table[target_year] - table[base_year]
        label = f"Endring {base_year}–{target_year}"
        shown[label] = change.to_numpy()
        shown["Endring i %"] = (change / table[base_year]).to_numpy()
        formats.update({label: "number", "Endring i %": "percent"})
    return shown, formats


def population_section(session: Session, inputs: HousingInputs) -> None:
    """The population file's given years by age group with their sum and the change to the
    target year (``befolkning``): every age where the file has them."""
    m = session.municipality
    table = housing.population_table(inputs.data.population, inputs.settings.projection)
    shown, formats = population_frame(table, m.base_year, m.target_year)
    who = "alle innbyggere" if table.attrs["whole"] else "innbyggere 67 år og eldre"
    session.show_table(
        shown,
        formats,
        "befolkning",
        f"Framskrivning av {who} ({inputs.settings.projection})",
        _files(session, inputs, "population"),
    )


def over_80_figure(session: Session, inputs: HousingInputs) -> None:
    """Share of residents over 80 without care services, beside comparable municipalities
    (only where the municipality has the series)."""
    if inputs.over_80 is None:
        return
    m = session.municipality
    files = _files(session, inputs, "over_80_without_services")
    highlight = next((r for r in inputs.over_80["region"].unique() if m.name in r), "")
    figure = over_80_chart(
        inputs.over_80,
        highlight,
        f"Over 80 år uten tjenester – {m.title}",
        session.source_line(files, money=False),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, "andel-80-uten-tjenester", sources=files)


def yearly_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Residents, årsverk, cost and dwellings per year for both profiles."""
    shown = ["year", "persons", "fte_sector_today", "fte_sector_alt", "fte_rest"]
    shown += [
        "cost_sector_today",
        "cost_sector_alt",
        "cost_rest",
        "dwellings_today",
        "dwellings_alt",
    ]
    if inputs.data.rest is None:  # the sector is the 67+: no rest columns of zeros
        shown = [c for c in shown if not c.endswith("_rest")]
    yearly = result.totals[shown].rename(columns=YEARLY_LABELS)
    interpolated = result.population.groupby("year")["interpolated"].any()
    yearly.insert(
        1, "Befolkning", ["interpolert" if interpolated[y] else "oppgitt" for y in yearly["År"]]
    )
    formats = {
        c: ("mill_kr1" if "(kr)" in c else "number1" if "Årsverk" in c else "number")
        for c in yearly.columns
        if c not in ("År", "Befolkning")
    }
    formats.update({"År": "text", "Befolkning": "text"})
    session.show_table(yearly, formats, "per-ar", "Per år", _files(session, inputs))


def step_table(session: Session, inputs: HousingInputs, result: HousingResult):
    """Residents and årsverk per housing step and year (written for the workbook)."""
    table = result.steps.rename(
        columns={
            "year": "År",
            "step": "Boligtrinn",
            "residents_today": "Beboere, dagens profil",
            "residents_alt": "Beboere, alt. profil",
            "fte_today": "Årsverk, dagens profil",
            "fte_alt": "Årsverk, alt. profil",
        }
    )
    need_formats = {
        "År": "text",
        "Boligtrinn": "text",
        "Beboere, dagens profil": "number",
        "Beboere, alt. profil": "number",
        "Årsverk, dagens profil": "fte",
        "Årsverk, alt. profil": "fte",
    }
    session.save_table(
        table,
        "behov-per-trinn",
        "Behov per boligtrinn og år",
        _files(session, inputs, *NEED_FILES),
        need_formats,
    )
    target = table[table["År"] == session.municipality.target_year]
    formats = {c: "number" for c in target.columns if c not in ("År", "Boligtrinn")}
    display(
        styled(
            target,
            {"År": "text", "Boligtrinn": "text", **formats},
            caption=f"Behov per boligtrinn i {session.municipality.target_year}",
        )
    )
    session.show_source(_files(session, inputs, *NEED_FILES))


def key_figures(result: HousingResult, reference: pd.DataFrame | None = None) -> list[KeyFigure]:
    """Every row of the summary, with the engine's own key and, where the municipality has
    the source's summary, the source's figure beside it."""
    sources = source_values(reference) if reference is not None else {}
    return [
        KeyFigure(row.key, row.label, row.value, row.unit, sources.get(row.key))
        for row in result.summary.itertuples()
    ]


ENGINE_COLUMNS = {
    "year": "År",
    "age_group": "Aldersgruppe",
    "step": "Trinn",
    "persons": "Innbyggere",
    "interpolated": "Interpolert",
    "share_today": "Andel i dag",
    "share_alt": "Andel alternativ",
    "residents_today": "Beboere i dag",
    "residents_alt": "Beboere alternativ",
    "fte_today": "Årsverk i dag",
    "fte_alt": "Årsverk alternativ",
    "cost_today": "Kostnad i dag (kr)",
    "cost_alt": "Kostnad alternativ (kr)",
    "dwellings_today": "Boliger i dag",
    "dwellings_alt": "Boliger alternativ",
    "fte_per_resident": "Årsverk per beboer",
    "cost_per_resident": "Kostnad per beboer (kr)",
    "key": "Nøkkel",
    "label": "Linje",
    "value": "Verdi",
    "unit": "Enhet",
    "scope": "Gjelder",
}
"""The engine's column names under their Norwegian headers (:func:`engine_table`)."""
engine_table = partial(formatting.engine_table, names=ENGINE_COLUMNS)
"""An engine table for the notebook's «Under panseret», Norwegian headers and numbers."""
