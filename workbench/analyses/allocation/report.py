"""How the allocation is shown: the staircase, Norwegian tables and the static report."""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from workbench import formatting, reference
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.charts import (
    comparison_chart,
    share_trend_chart,
    staircase_chart,
    target_chart,
)
from workbench.analyses.allocation.engine import (  # noqa: F401  (the app and tests use them here)
    ALL,
    VARIANTS,
    AllocationResult,
    default_year,
    evaluate,
    years,
)
from workbench.analyses.allocation.load import AllocationInputs
from workbench.formatting import mill_kr, number, styled
from workbench.outputs import KeyFigure
from workbench.session import Session


def step_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = pd.DataFrame(
        {
            "Trinn": [str(s) if s else "–" for s in table["step"]],
            "Navn": table["name"],
            "Kostnad (kr)": table["amount"],
            "Andel": table["share"],
            "Mottakere": table["recipients"],
            "Pris per mottaker (kr)": table["per_recipient"],
        }
    )
    return shown, {
        "Trinn": "text",
        "Navn": "text",
        "Kostnad (kr)": "mill_kr",
        "Andel": "percent",
        "Mottakere": "number",
        "Pris per mottaker (kr)": "kr",
    }


def reconciliation_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = pd.DataFrame(
        {
            "År": table["year"].astype(str),
            "Regnskap (kr)": table["ledger_ore"] / 100,
            "Fordelt (kr)": table["allocated_ore"] / 100,
            "Ikke fordelt (kr)": table["not_allocated_ore"] / 100,
            "Differanse (øre)": table["difference_ore"],
        }
    )
    return shown, {
        "År": "text",
        "Regnskap (kr)": "kr2",
        "Fordelt (kr)": "kr2",
        "Ikke fordelt (kr)": "kr2",
        "Differanse (øre)": "number",
    }


NO_RULE = "Ingen regel passer linjen"


def unallocated_frame(
    result: pd.DataFrame, year: int, reasons: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """What is not allocated, per ansvar and funksjon, and why: the reason the reference list
    gives for a function left off the staircase on purpose, else that no rule matched.

    Args:
        reasons: Funksjon → why the default rules leave it out
            (:func:`workbench.reference.outside_staircase`).
    """
    reasons = reasons or {}
    part = result[(result["step"] == allocation.NOT_ALLOCATED) & (result["year"] == year)]
    grouped = (
        part.groupby(["ansvar", "funksjon"], dropna=False)
        .agg(linjer=("line", "count"), belop=("amount_ore", "sum"))
        .reset_index()
    )
    names = part.drop_duplicates("ansvar").set_index("ansvar")["ansvar_name"]
    shown = pd.DataFrame(
        {
            "Ansvar": [f"{a} {names.get(a) or ''}".strip() for a in grouped["ansvar"]],
            "Funksjon": grouped["funksjon"],
            "Linjer": grouped["linjer"],
            "Beløp (kr)": grouped["belop"] / 100,
            "Hvorfor": [reasons.get(f, NO_RULE) for f in grouped["funksjon"]],
        }
    )
    return shown, {
        "Ansvar": "text",
        "Funksjon": "text",
        "Linjer": "number",
        "Beløp (kr)": "kr",
        "Hvorfor": "text",
    }


def yoy_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = table.rename(columns={"step": "Trinn", "name": "Navn"})
    shown["Trinn"] = [str(s) if s else "–" for s in shown["Trinn"]]
    shown.columns = [str(c) for c in shown.columns]
    return shown, {c: ("text" if c in ("Trinn", "Navn") else "mill_kr1") for c in shown.columns}


def wide_frame(
    table: pd.DataFrame, first: str, steps: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table with one column per step (kr, shown in mill. kr without the unit in every
    cell: the caption says it), headers ``Trinn n``."""
    names = {s: f"Trinn {s}" if s else "Ikke fordelt" for s in [*steps["step"], 0]}
    shown = table.rename(columns={c: names.get(c, c) for c in table.columns})
    shown.columns = [str(c) for c in shown.columns]
    return shown, {c: ("text" if c == first else "mill1") for c in shown.columns}


def without_empty_steps(table: pd.DataFrame, first: str) -> tuple[pd.DataFrame, str]:
    """The steps with any cost (a page cannot hold thirteen columns of zeros), and a note
    naming the steps left out (empty when none)."""
    empty = [c for c in table.columns if c != first and (table[c] == 0).all()]
    note = f"; uten kostnad, ikke vist: {', '.join(empty)}" if empty else ""
    return table.drop(columns=empty), note


def reference_table(inputs: AllocationInputs) -> pd.DataFrame | None:
    """The source's own per-step figures (kr), when the municipality has them."""
    if inputs.reference is None:
        return None
    ref = inputs.reference
    return pd.DataFrame(
        {
            "step": ref["step"],
            "amount": ref["amount_mill"] * 1e6,
            "share": ref["share"],
            "recipients": ref["recipients"],
            "per_recipient": ref["per_recipient"],
            "note": ref["note"],
        }
    )


LEDGER_SECTIONS = "regnskap"
"""Cell tag of the report's sections that need the municipality's own accounts: left out of
the HTML report when they are not in (the introduction says what they would show)."""
LEDGER_MISSING = HTML("<p><em>Vises når kommunens regnskap er lagt inn.</em></p>")
"""What a section that needs the ledger shows while only the source's figures exist."""


def _files(session: Session, inputs: AllocationInputs) -> list[Path]:
    """The files the allocation is computed from (not the templates still to fill in)."""
    templates = {file for _, file in session.missing}
    return [
        session.data_file(getattr(inputs.settings, f), key=f"analyses.allocation.{f}")
        for f in ("ledger", "kostra", "rules", "default_rules", "recipients")
        if getattr(inputs.settings, f) and getattr(inputs.settings, f) not in templates
    ]


def introduction(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """What the report shows: the ledger on the steps, or the source's own figures."""
    m = session.municipality
    if result is None:
        session.omit_from_report(LEDGER_SECTIONS)
        return HTML(
            f"<h2>Økonomifordeling {inputs.settings.year} – {m.title}: kildens tall</h2><p>Kommunen "
            "har ikke lagt inn regnskapet ennå; her vises fordelingen slik kilden oppgir den. Trinn "
            "som mangler i kilden er tomme. Med kommunens eget regnskap viser rapporten også "
            "fordelingen uten barnehage, skole og SFO, avstemmingen mot regnskapet, kostnaden "
            "per tjenesteområde og per målgruppe, utviklingen over år, sammenligningen med andre "
            "kommuner og det som ikke er fordelt.</p>"
        )
    if inputs.view == "kostra":
        return HTML(
            f"<h2>Økonomifordeling {result.year} – {m.title}: regnskapet per KOSTRA-funksjon</h2>"
            "<p>Kommunens netto driftsutgifter per KOSTRA-funksjon fra SSB, fordelt på trinnene "
            "i innsatstrappa med standardreglene. Det er et første bilde: en funksjon går til "
            "trinnene etter standardreglenes andeler, uansett hvilke ansvar som fører den. "
            "Med kommunens eget regnskap fordeles hver linje etter ansvar, funksjon og art.</p>"
        )
    basis = "netto" if inputs.settings.basis == "net" else "brutto"
    return HTML(
        f"<h2>Økonomifordeling {result.year} – {m.title}</h2><p>Det samme regnskapet, presentert "
        f"etter trinnene i innsatstrappa ({basis} driftsutgifter).</p>"
    )


def staircase_figure(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Cost and share per step, with the source's own figures beside them where known."""
    if result is None:
        return _reference_figure(session, inputs)
    files = _files(session, inputs)
    draw = partial(
        staircase_chart,
        result.steps,
        f"Økonomifordeling i innsatstrappa {result.year} – {session.municipality.title}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
        reference=reference_table(inputs),
    )
    session.show_figure(draw(), f"trapp-{result.year}", sources=files, slide=draw)
    return None


def step_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Cost, share, recipients and price per recipient per step (the source's table when
    the ledger is missing)."""
    if result is None:
        return _reference_step_table(session, inputs)
    files = _files(session, inputs)
    caption = f"Kostnad per trinn {result.year}"
    table, formats = step_frame(result.steps)
    session.show_table(
        table, formats, f"per-trinn-{result.year}", caption, files, parts=("Kostnad (kr)",)
    )
    return None


ADMINISTRATION_CHOICE = (
    "Kommunen velger selv: fordelt etter andel (standard), holdt utenfor trappa eller plassert "
    "på trinnene fordelingsreglene gir."
)


def administration_sentence(inputs: AllocationInputs, result: AllocationResult) -> str:
    """How shared administration is placed this year, with its amount, in words."""
    settings = inputs.settings
    functions = settings.administration_functions
    amount = result.allocation.loc[
        (result.allocation["year"] == result.year) & result.allocation["funksjon"].isin(functions),
        "amount_ore",
    ].sum()
    listed = formatting.joined(functions)
    if amount == 0:
        return (
            f"Regnskapet har ingen utgifter på felles administrasjon (funksjon {listed}) i "
            f"{result.year}."
        )
    how = allocation.SHARED_METHODS[settings.administration]
    text = (
        f"Felles administrasjon (funksjon {listed}) var {mill_kr(amount / 100, 1)} i "
        f"{result.year} og er {how}"
    )
    if settings.administration == "pro_rata":
        text += (
            ", så hvert trinn bærer sin del av fellesutgiftene og ingen samles på trinn 1. "
            "Andelene regnes av alt annet som er fordelt på trinnene samme år"
        )
    elif settings.administration == "outside":
        text += ", og står under «Ikke fordelt» med begrunnelse"
    return f"{text}. {ADMINISTRATION_CHOICE}"


def administration_note(
    session: Session, inputs: AllocationInputs, result: AllocationResult | None
):
    """The sentence that says how shared administration is placed."""
    if result is None:
        return None
    display(HTML(f"<p>{html.escape(administration_sentence(inputs, result))}</p>"))
    return None


def outside_reasons(session: Session, inputs: AllocationInputs) -> dict[str, str]:
    """Why functions stand under «Ikke fordelt» on purpose: the reference list's reasons, and
    shared administration where the municipality holds it outside the staircase."""
    reasons = reference.outside_staircase(session.project.data_dir)
    if inputs.settings.administration == "outside":
        for function in inputs.settings.administration_functions:
            reasons[function] = "Felles administrasjon: holdt utenfor trappa etter kommunens valg"
    return reasons


WITHOUT_SCHOOL_SHARES = {
    "all": "Andel av hele regnskapet",
    "reduced": "Andel uten barnehage, skole og SFO",
}


def without_school_frame(
    without: pd.DataFrame, full_total_ore: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The variant's steps with both shares: of the whole ledger first (the source's
    definition: Færder's «uten barnehage, skole og SFO: 140 mill. kr / 6,7 %» is 6,7 % of the
    full total), then of the reduced total.

    Args:
        without: :func:`allocation.by_step` with the functions left out.
        full_total_ore: Everything allocated and not allocated that year, all functions.
    """
    table, formats = step_frame(without)
    at = list(table.columns).index("Andel")
    table = table.drop(columns="Andel")
    table.insert(at, WITHOUT_SCHOOL_SHARES["reduced"], without["share"].to_numpy())
    all_share = without["amount_ore"] / full_total_ore if full_total_ore else np.nan
    table.insert(at, WITHOUT_SCHOOL_SHARES["all"], np.asarray(all_share, dtype=float))
    formats = {k: v for k, v in formats.items() if k != "Andel"}
    formats.update(dict.fromkeys(WITHOUT_SCHOOL_SHARES.values(), "percent"))
    return table, formats


def without_school_table(
    session: Session, inputs: AllocationInputs, result: AllocationResult | None
):
    """The same allocation with kindergarten, school and SFO left out (the same allocated
    lines, not a second allocation), with each step's share of the whole ledger and of what
    is left."""
    if result is None:
        return LEDGER_MISSING
    excluded = inputs.settings.exclude_functions
    without = allocation.by_step(
        result.allocation, inputs.steps, result.year, inputs.recipients, tuple(excluded)
    )
    caption = f"{VARIANTS['uten']} ({', '.join(excluded)}), {result.year}"
    table, formats = without_school_frame(without, int(result.steps["amount_ore"].sum()))
    stem = f"per-trinn-uten-barnehage-skole-sfo-{result.year}"
    session.show_table(
        table, formats, stem, caption, _files(session, inputs), parts=("Kostnad (kr)",)
    )
    return None


def services_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """:func:`allocation.services_per_step` with Norwegian headers."""
    shown = pd.DataFrame(
        {
            "Trinn": table["step"].astype(str),
            "Navn": table["name"],
            "Tjenester": table["count"],
            "Kostnad (kr)": table["amount"],
            "Slags tjenester": table["categories"],
            "Hull i trappa": table["gap"].map({True: "ja", False: ""}),
        }
    )
    return shown, {
        "Trinn": "text",
        "Navn": "text",
        "Tjenester": "number",
        "Kostnad (kr)": "mill_kr",
        "Slags tjenester": "text",
        "Hull i trappa": "text",
    }


def _services_count(count: int) -> str:
    return {0: "ingen tjenester", 1: "én tjeneste"}.get(count, f"{count} tjenester")


def gap_sentence(table: pd.DataFrame) -> str:
    """Which steps are gaps in the staircase (no cost or no recipients), in one sentence."""
    gaps = table[table["gap"]]
    if gaps.empty:
        return "Ingen trinn står uten kostnad eller uten mottakere."
    named = [
        f"trinn {r.step} {r.name} ("
        + ("ingen kostnad" if r.amount == 0 else "ingen mottakere")
        + ")"
        for r in gaps.itertuples()
    ]
    listed = formatting.joined(named)
    return f"Hull i trappa, trinn uten kostnad eller uten mottakere: {listed}."


TARGETS_MISSING = (
    "<p><em>Målprofilen vises når kommunen har lagt inn hvilken andel hvert trinn skal ha i de "
    "årene den setter mål for (år, trinn, andel).</em></p>"
)


def target_frame(gap: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """:func:`allocation.target_gap` with Norwegian headers: shares, then kroner to move."""
    target_years = [c.removeprefix("target_") for c in gap.columns if c.startswith("target_")]
    shown = pd.DataFrame(
        {"Trinn": gap["step"].astype(str), "Navn": gap["name"], "I dag": gap["share"]}
    )
    formats = {"Trinn": "text", "Navn": "text", "I dag": "percent"}
    for year in target_years:
        shown[f"Mål {year}"] = gap[f"target_{year}"]
        formats[f"Mål {year}"] = "percent"
    for year in target_years:
        shown[f"Å flytte innen {year} (kr)"] = gap[f"move_{year}"]
        formats[f"Å flytte innen {year} (kr)"] = "mill_kr1"
    return shown, formats


def today_by_step(
    inputs: AllocationInputs, result: AllocationResult | None
) -> tuple[pd.DataFrame, float]:
    """Today's cost per step (NaN where unknown) and the total: the ledger's allocated cost,
    or the source's figures and the total its shares imply."""
    if result is not None:
        steps = result.steps[result.steps["step"] != allocation.NOT_ALLOCATED]
        return steps[["step", "name", "amount"]], float(steps["amount"].sum())
    ref = reference_table(inputs)
    current = inputs.steps[["step", "name"]].assign(
        amount=inputs.steps["step"].map(ref.set_index("step")["amount"])
    )
    return current, float(ref["amount"].sum() / ref["share"].sum())


def target_section(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Today against the target profile: shares per step and the kroner to move, and each
    step's share over the ledger years."""
    if inputs.targets is None:
        return HTML(TARGETS_MISSING)
    current, total = today_by_step(inputs, result)
    gap = allocation.target_gap(current, total, inputs.targets)
    target_file = session.data_file(
        inputs.settings.target_profile, key="analyses.allocation.target_profile"
    )
    files = [target_file, *cost_files(session, inputs, result)]
    year = result.year if result is not None else inputs.settings.year
    draw = partial(
        target_chart,
        gap,
        f"Andel per trinn i {year} og i målprofilen – {session.municipality.title}",
        session.source_line(files, money=False),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(draw(), "malprofil", sources=files, slide=draw)
    moves = [c for c in gap.columns if c.startswith("move_")]
    last = moves[-1].removeprefix("move_")
    up = gap[gap[moves[-1]] > 0]
    text = (
        f"Med dagens totale kostnad ({mill_kr(total)}) må "
        f"{mill_kr(up[moves[-1]].sum())} flyttes innen {last} for å nå målprofilen"
    )
    if not up.empty:
        text += ", til trinn " + ", ".join(str(s) for s in up["step"])
    if gap["amount"].isna().any():
        text += "; trinnene uten kjent kostnad i dag er ikke med"
    display(HTML(f"<p>{html.escape(text)}.</p>"))
    shown, formats = target_frame(gap)
    caption = "Andel per trinn i dag og i målprofilen, og kroner å flytte med dagens totale kostnad"
    session.show_table(shown, formats, "malprofil", caption, files)
    if result is not None and result.allocation["year"].nunique() > 1:
        shares = allocation.shares_over_years(result.allocation, inputs.steps)
        ledger_files = _files(session, inputs)
        figure = share_trend_chart(
            shares,
            f"Andel per trinn {shares.columns[2]}–{shares.columns[-1]} – {session.municipality.title}",
            session.source_line(ledger_files, money=False),
            illustrative=session.illustrative_for(ledger_files),
        )
        session.show_figure(figure, "andel-over-ar", sources=ledger_files)
    return None


def services_html(inputs: AllocationInputs, costs: pd.DataFrame | None) -> str:
    """The gaps and the services per step beside the costs, as HTML for the app (the gaps
    alone where the municipality has no list of its services)."""
    table = allocation.services_per_step(inputs.services, inputs.steps, costs)
    if inputs.services is None:
        return f"<h3>Hull i trappa</h3><p><strong>{html.escape(gap_sentence(table))}</strong></p>"
    shown, formats = services_frame(table)
    return (
        f"<h3>Tjenestene på hvert trinn</h3><p><strong>{html.escape(gap_sentence(table))}"
        f"</strong></p>{styled(shown, formats).to_html()}"
    )


def services_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """The steps without cost or recipients (gaps in the staircase), and the municipality's
    own services on each step beside the step's cost (only its own: no municipality's list
    shows in another's report)."""
    settings = inputs.settings
    costs = result.steps if result is not None else reference_table(inputs)
    table = allocation.services_per_step(inputs.services, inputs.steps, costs)
    display(HTML(f"<p><strong>{html.escape(gap_sentence(table))}</strong></p>"))
    if inputs.services is None:
        return None
    files = [session.data_file(settings.services, key="analyses.allocation.services")]
    shown, formats = services_frame(table)
    caption = "Tjenester og kostnad per trinn"
    session.show_table(
        shown,
        formats,
        "tjenester-per-trinn",
        caption,
        [*files, *cost_files(session, inputs, result)],
    )
    listed = (
        inputs.services.groupby(["step", "category"], sort=False)["service"]
        .agg(", ".join)
        .reset_index()
    )
    details = pd.DataFrame(
        {
            "Trinn": listed["step"].astype(str),
            "Slag": listed["category"],
            "Tjenester": listed["service"],
        }
    )
    session.show_table(
        details,
        dict.fromkeys(details.columns, "text"),
        "tjenester-per-trinn-liste",
        "Tjenestene på hvert trinn",
        files,
    )
    return None


def cost_files(
    session: Session, inputs: AllocationInputs, result: AllocationResult | None
) -> list[Path]:
    """The files the step costs come from: the ledger and rules, or the source's figures."""
    if result is not None:
        return _files(session, inputs)
    return [session.data_file(inputs.settings.reference, key="analyses.allocation.reference")]


def reconciliation_table(
    session: Session, inputs: AllocationInputs, result: AllocationResult | None
):
    """Allocated + not allocated = the ledger, to the øre, every year."""
    if result is None:
        return LEDGER_MISSING
    table, formats = reconciliation_frame(result.reconciliation)
    caption = "Avstemming mot regnskapet"
    session.show_table(table, formats, "avstemming", caption, _files(session, inputs))
    return None


def area_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Cost per service area and step."""
    if result is None:
        return LEDGER_MISSING
    table = allocation.by_area(result.allocation, result.year)
    _group_table(session, inputs, table, ("area", "Tjenesteområde"), result.year, "tjenesteomrade")
    return None


def target_group_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Cost per målgruppe (the rules' target group) and step."""
    if result is None:
        return LEDGER_MISSING
    table = allocation.by_target_group(result.allocation, result.year)
    _group_table(session, inputs, table, ("target_group", "Målgruppe"), result.year, "malgruppe")
    return None


def _group_table(
    session: Session,
    inputs: AllocationInputs,
    table: pd.DataFrame,
    first: tuple[str, str],
    year: int,
    stem: str,
) -> None:
    """«Kostnad per <group> og trinn <year>», written as ``per-<stem>-<year>``."""
    title = f"Kostnad per {first[1].lower()} og trinn {year}"
    _wide_table(session, inputs, table, first, title, f"per-{stem}-{year}")


def drill_down_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """One service area (care, where the municipality has it) per ansvar and step."""
    if result is None:
        return LEDGER_MISSING
    if inputs.view == "kostra":
        return HTML(
            "<p>Fordelingen per ansvar krever kommunens eget regnskap: SSBs tall per "
            "KOSTRA-funksjon har ingen ansvar.</p>"
        )
    focus = allocation.focus_area(result.allocation)
    table = allocation.drill_down(result.allocation, result.year, focus)
    title = f"{focus}: per ansvar og trinn {result.year}"
    _wide_table(session, inputs, table, ("ansvar", "Ansvar"), title)
    return None


def _wide_table(
    session: Session,
    inputs: AllocationInputs,
    table: pd.DataFrame,
    first: tuple[str, str],
    title: str,
    stem: str = "",
) -> None:
    """A table with a column per step: written (where ``stem`` is given) with every step in
    kr, shown in mill. kr with the steps without cost left out and named in the caption."""
    key, heading = first
    table, formats = wide_frame(table, key, inputs.steps)
    table = table.rename(columns={key: heading})
    formats = {(heading if k == key else k): v for k, v in formats.items()}
    files = _files(session, inputs)
    if stem:
        session.save_table(table, stem, title, files, formats)
    shown, note = without_empty_steps(table, heading)
    caption = f"{title} (mill. kr{note})"
    display(styled(shown, {c: formats[c] for c in shown.columns}, caption=caption))
    session.show_source(files)


def year_over_year_table(
    session: Session, inputs: AllocationInputs, result: AllocationResult | None
):
    """Cost per step and year, comparable across the 254 → 257/258 split."""
    if result is None:
        return LEDGER_MISSING
    table, formats = yoy_frame(allocation.year_over_year(result.allocation, inputs.steps))
    caption = "Kostnad per trinn og år"
    session.show_table(table, formats, "per-trinn-og-ar", caption, _files(session, inputs))
    return None


def comparison(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Kroner per inhabitant per step against the comparison municipalities (where the
    municipality has comparison data)."""
    if result is None:
        return LEDGER_MISSING
    if inputs.comparisons is None or inputs.inhabitants is None:
        return HTML("<p><em>Kommunen har ikke lagt inn tall for sammenligningskommuner.</em></p>")
    _show_comparison(session, inputs, result)
    return None


UNALLOCATED_LINE_COLUMNS = {
    "year": "År",
    "ansvar": "Ansvar",
    "ansvar_name": "Ansvarsnavn",
    "funksjon": "Funksjon",
    "art": "Art",
    "amount": "Beløp (kr)",
}
"""The unallocated ledger lines as the CSV names their columns."""


def unallocated_table(session: Session, inputs: AllocationInputs, result: AllocationResult | None):
    """Lines no rule matched, per ansvar and funksjon: in the totals and listed here."""
    if result is None:
        return LEDGER_MISSING
    files = _files(session, inputs)
    session.save_table(
        result.allocation[result.allocation["step"] == allocation.NOT_ALLOCATED]
        .assign(amount=lambda f: f["amount_ore"] / 100)[
            ["year", "ansvar", "ansvar_name", "funksjon", "art", "amount"]
        ]
        .rename(columns=UNALLOCATED_LINE_COLUMNS),
        "ikke-fordelt-linjer",
        "Ikke fordelt: linjene",
        files,
        {**{c: "text" for c in UNALLOCATED_LINE_COLUMNS.values()}, "Beløp (kr)": "kr2"},
    )
    reasons = outside_reasons(session, inputs)
    table, formats = unallocated_frame(result.allocation, result.year, reasons)
    if table.empty:
        display(HTML(f"<p>Alle linjene i {result.year} er fordelt på trinnene.</p>"))
    else:
        caption = f"Ikke fordelt {result.year}, per ansvar og funksjon"
        display(styled(table, formats, caption=caption))
    session.show_source(files)
    return None


def key_figures(inputs: AllocationInputs, result: AllocationResult | None) -> list[KeyFigure]:
    """The year, the total, steps 1–4 and 9–12, what is not allocated and the reconciliation
    difference; with only the source's figures, its total and each step; and, with a target
    profile, the kroner to move by its last year."""
    return _staircase_figures(inputs, result) + _target_figures(inputs, result)


def _target_figures(inputs: AllocationInputs, result: AllocationResult | None) -> list[KeyFigure]:
    if inputs.targets is None:
        return []
    current, total = today_by_step(inputs, result)
    gap = allocation.target_gap(current, total, inputs.targets)
    last = int(inputs.targets["year"].max())
    moves = gap[f"move_{last}"]
    return [
        KeyFigure("target_year", "Siste år i målprofilen", last, "år"),
        KeyFigure(
            "target_move",
            f"Å flytte til trinnene som skal vokse innen {last}",
            float(moves[moves > 0].sum()),
            "kr",
        ),
    ]


def _staircase_figures(
    inputs: AllocationInputs, result: AllocationResult | None
) -> list[KeyFigure]:
    if result is None:
        ref = reference_table(inputs)
        figures = [
            KeyFigure("year", "År", inputs.settings.year, "år"),
            KeyFigure(
                "source_total",
                "Totalt etter kildens andeler",
                ref["amount"].sum() / ref["share"].sum(),
                "kr",
            ),
        ]
        for row in ref.itertuples():
            figures.append(KeyFigure(f"step_{row.step}", f"Trinn {row.step}", row.amount, "kr"))
            figures.append(
                KeyFigure(
                    f"step_{row.step}_share", f"Andel på trinn {row.step}", row.share, "andel"
                )
            )
        return figures
    steps = result.steps.set_index("step")
    total = steps["amount"].sum()
    low = steps.loc[[s for s in steps.index if 1 <= s <= 4], "amount"].sum()
    high = steps.loc[[s for s in steps.index if s >= 9], "amount"].sum()
    not_allocated = steps.loc[allocation.NOT_ALLOCATED, "amount"]
    row = result.reconciliation[result.reconciliation["year"] == result.year].iloc[0]
    return [
        KeyFigure("year", "År", result.year, "år"),
        KeyFigure("total", "Driftsutgifter fordelt", total, "kr"),
        KeyFigure("steps_1_4", "Trinn 1–4", low, "kr"),
        KeyFigure("steps_1_4_share", "Andel på trinn 1–4", low / total, "andel"),
        KeyFigure("steps_9_12", "Trinn 9–12", high, "kr"),
        KeyFigure("steps_9_12_share", "Andel på trinn 9–12", high / total, "andel"),
        KeyFigure("not_allocated", "Ikke fordelt", not_allocated, "kr"),
        KeyFigure("not_allocated_share", "Andel ikke fordelt", not_allocated / total, "andel"),
        KeyFigure("difference_ore", "Avvik mot regnskapet", int(row["difference_ore"]), "øre"),
    ]


def comparison_table(
    inputs: AllocationInputs, session: Session, result: AllocationResult
) -> pd.DataFrame | None:
    """Kroner per inhabitant per canonical step against the comparison municipalities, or
    None when the year's inhabitants are unknown."""
    counts = inputs.inhabitants.set_index("year")["inhabitants"]
    if result.year not in counts.index:
        return None
    canonical = reference.steps(session.project.data_dir, session.municipality)
    own = allocation.to_canonical(result.steps, inputs.steps)
    return allocation.compare(
        own,
        session.municipality.title,
        counts[result.year],
        inputs.comparisons,
        inputs.canonical_rules,
        canonical,
        result.year,
        allocation.shared_costs(inputs),
    )


def _show_comparison(session: Session, inputs: AllocationInputs, result: AllocationResult) -> None:
    table = comparison_table(inputs, session, result)
    if table is None:
        display(HTML(f"<p>Ingen sammenligning: innbyggertallet for {result.year} mangler.</p>"))
        return
    # the notebook's heading and text say what the comparison is
    files = [session.data_file(inputs.settings.comparisons, key="analyses.allocation.comparisons")]
    figure = comparison_chart(
        table,
        f"Kroner per innbygger {result.year}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, f"sammenligning-{result.year}", sources=files)
    shown = table.assign(step=[str(s) if s else "Ikke fordelt" for s in table["step"]]).rename(
        columns={"step": "Trinn"}
    )
    formats = {c: ("text" if c == "Trinn" else "number") for c in shown.columns}
    stem = f"sammenligning-{result.year}"
    session.show_table(shown, formats, stem, "Kroner per innbygger", files)


SOURCE_FORMATS = {
    "Trinn": "text",
    "Navn": "text",
    "Kostnad (kr)": "mill_kr",
    "Andel": "percent",
    "Mottakere": "number",
    "Pris per mottaker (kr)": "kr",
    "Merknad": "text",
}


def source_frame(inputs: AllocationInputs) -> pd.DataFrame:
    """The source's own figures per step with Norwegian headers (see :data:`SOURCE_FORMATS`)."""
    ref = reference_table(inputs)
    names = inputs.steps.set_index("step")["name"]
    return pd.DataFrame(
        {
            "Trinn": ref["step"].astype(str),
            "Navn": [names[s] for s in ref["step"]],
            "Kostnad (kr)": ref["amount"],
            "Andel": ref["share"],
            "Mottakere": ref["recipients"],
            "Pris per mottaker (kr)": ref["per_recipient"],
            "Merknad": ref["note"].fillna(""),
        }
    )


def source_figure(session: Session, inputs: AllocationInputs):
    """The staircase with the source's own figures (steps the source lacks stay empty)."""
    files = [session.data_file(inputs.settings.reference, key="analyses.allocation.reference")]
    steps = inputs.steps[["step", "name"]].merge(reference_table(inputs), on="step", how="left")
    return staircase_chart(
        steps,
        f"Økonomifordeling {inputs.settings.year} – {session.municipality.title} (kildens tall)",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )


def _reference_figure(session: Session, inputs: AllocationInputs) -> None:
    files = [session.data_file(inputs.settings.reference, key="analyses.allocation.reference")]
    draw = partial(source_figure, session, inputs)
    session.show_figure(draw(), f"trapp-{inputs.settings.year}-kilde", sources=files, slide=draw)


def _reference_step_table(session: Session, inputs: AllocationInputs) -> None:
    files = [session.data_file(inputs.settings.reference, key="analyses.allocation.reference")]
    ref = reference_table(inputs)
    caption = f"Kildens tall {inputs.settings.year}"
    session.show_table(
        source_frame(inputs), SOURCE_FORMATS, f"kilde-{inputs.settings.year}", caption, files
    )
    total = ref["amount"].sum() / ref["share"].sum()
    display(
        HTML(f"<p>Totalen kildens andeler impliserer: om lag {number(total / 1e6)} mill. kr.</p>")
    )


ENGINE_COLUMNS = {
    "rule_id": "Regel nr.",
    "step": "Trinn",
    "fraction": "Andel av regelen",
    "area": "Tjenesteområde",
    "target_group": "Målgruppe",
    "line": "Linje",
    "year": "År",
    "ansvar": "Ansvar",
    "ansvar_name": "Ansvarsnavn",
    "funksjon": "Funksjon",
    "art": "Art",
    "amount_ore": "Beløp (øre)",
    "name": "Navn",
    "amount": "Kostnad (kr)",
    "amount_mill": "Kostnad (mill. kr)",
    "share": "Andel",
    "recipients": "Mottakere",
    "per_recipient": "Per mottaker (kr)",
    "note": "Merknad",
    "source_row": "Rad i kilden",
}
"""The engine's column names under their Norwegian headers (:func:`engine_table`)."""
engine_table = partial(formatting.engine_table, names=ENGINE_COLUMNS)
"""An engine table for the notebook's «Under panseret», Norwegian headers and numbers."""
