"""How the allocation is shown: the staircase, Norwegian tables and the static report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from workbench import plots, reference
from workbench.analyses.allocation import engine as allocation
from workbench.analyses.allocation.load import AllocationInputs
from workbench.formatting import number, styled
from workbench.session import Session

ALL = "Alle"
VARIANTS = {"alle": "Alle funksjoner", "uten": "Uten barnehage, skole og SFO"}


@dataclass(frozen=True)
class AllocationResult:
    allocation: pd.DataFrame
    year: int
    steps: pd.DataFrame
    reconciliation: pd.DataFrame


def years(inputs: AllocationInputs) -> list[int]:
    return (
        sorted(inputs.ledger["year"].unique())
        if inputs.ledger is not None
        else [inputs.settings.year]
    )


def default_year(inputs: AllocationInputs) -> int:
    return inputs.settings.year or years(inputs)[-1]


def evaluate(
    inputs: AllocationInputs,
    *,
    year: int | None = None,
    variant: str = "alle",
    area: str = ALL,
    parts: pd.DataFrame | None = None,
    rule_of_line: np.ndarray | None = None,
) -> AllocationResult:
    """The allocation for one year and variant (the app may pass moved rule parts)."""
    year = year or default_year(inputs)
    result = allocation.allocate(
        inputs.ledger, inputs.rules, inputs.parts if parts is None else parts, rule_of_line
    )
    excluded = tuple(inputs.settings.exclude_functions) if variant == "uten" else ()
    table = allocation.by_step(
        result, inputs.steps, year, inputs.recipients, excluded, None if area == ALL else area
    )
    return AllocationResult(result, year, table, allocation.reconcile(inputs.ledger, result))


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


def unallocated_frame(result: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict[str, str]]:
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
        }
    )
    return shown, {"Ansvar": "text", "Funksjon": "text", "Linjer": "number", "Beløp (kr)": "kr"}


def yoy_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = table.rename(columns={"step": "Trinn", "name": "Navn"})
    shown["Trinn"] = [str(s) if s else "–" for s in shown["Trinn"]]
    shown.columns = [str(c) for c in shown.columns]
    return shown, {c: ("text" if c in ("Trinn", "Navn") else "mill_kr1") for c in shown.columns}


def wide_frame(
    table: pd.DataFrame, first: str, steps: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table with one column per step (kr), headers ``Trinn n``."""
    names = {s: f"Trinn {s}" if s else "Ikke fordelt" for s in [*steps["step"], 0]}
    shown = table.rename(columns={c: names.get(c, c) for c in table.columns})
    shown.columns = [str(c) for c in shown.columns]
    return shown, {c: ("text" if c == first else "mill_kr1") for c in shown.columns}


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


def show_report(session: Session, inputs: AllocationInputs) -> AllocationResult | None:
    """The static report; figures and tables go to the output folder."""
    m = session.municipality
    ref = reference_table(inputs)
    files = [
        session.data_file(getattr(inputs.settings, f), key=f"analyses.allocation.{f}")
        for f in ("ledger", "rules", "default_rules", "recipients")
        if getattr(inputs.settings, f)
    ]
    source = session.source_line(files)
    if inputs.ledger is None:
        _show_reference_only(session, inputs, ref)
        return None
    result = evaluate(inputs)
    year = result.year
    mark = session.illustrative_for(files)
    display(
        HTML(
            f"<h2>Økonomifordeling {year} – {m.title}</h2><p>Det samme regnskapet, presentert etter "
            f"trinnene i innsatstrappa ({'netto' if inputs.settings.basis == 'net' else 'brutto'} "
            "driftsutgifter).</p>"
        )
    )
    figure = plots.staircase_chart(
        result.steps,
        f"Økonomifordeling i innsatstrappa {year} – {m.title}",
        source,
        illustrative=mark,
        reference=None if ref is None else ref,
    )
    session.show_figure(figure, f"trapp-{year}")
    table, formats = step_frame(result.steps)
    display(styled(table, formats, caption=f"Kostnad per trinn {year}"))
    session.save_table(table, f"per-trinn-{year}")
    without = (
        allocation.by_step(  # the same allocated lines, functions left out: no second allocation
            result.allocation,
            inputs.steps,
            year,
            inputs.recipients,
            tuple(inputs.settings.exclude_functions),
        )
    )
    table, formats = step_frame(without)
    display(
        styled(
            table,
            formats,
            caption=f"{VARIANTS['uten']} ({', '.join(inputs.settings.exclude_functions)}), {year}",
        )
    )
    session.save_table(table, f"per-trinn-uten-barnehage-skole-sfo-{year}")
    display(
        HTML("<h3>Avstemming</h3><p>Fordelt + ikke fordelt = regnskapet, til øret, hvert år.</p>")
    )
    table, formats = reconciliation_frame(result.reconciliation)
    display(styled(table, formats, caption="Avstemming mot regnskapet"))
    session.save_table(table, "avstemming")
    display(HTML("<h3>Per tjenesteområde</h3>"))
    table, formats = wide_frame(allocation.by_area(result.allocation, year), "area", inputs.steps)
    display(
        styled(
            table.rename(columns={"area": "Tjenesteområde"}),
            {("Tjenesteområde" if k == "area" else k): v for k, v in formats.items()},
            caption=f"Kostnad per tjenesteområde og trinn {year}",
        )
    )
    areas = sorted(set(result.allocation["area"]) - {allocation.NOT_ALLOCATED_NAME})
    focus = "Pleie og omsorg" if "Pleie og omsorg" in areas else areas[0]
    table, formats = wide_frame(
        allocation.drill_down(result.allocation, year, focus), "ansvar", inputs.steps
    )
    display(
        styled(
            table.rename(columns={"ansvar": "Ansvar"}),
            {("Ansvar" if k == "ansvar" else k): v for k, v in formats.items()},
            caption=f"{focus}: per ansvar og trinn {year}",
        )
    )
    display(
        HTML(
            "<h3>Utvikling over år</h3><p>Funksjon 254 ble delt i 257 og 258 fra 2024; reglene gjelder "
            "for sine år, så trinnene er sammenlignbare over skiftet.</p>"
        )
    )
    table, formats = yoy_frame(allocation.year_over_year(result.allocation, inputs.steps))
    display(styled(table, formats, caption="Kostnad per trinn og år"))
    session.save_table(table, "per-trinn-og-ar")
    if inputs.comparisons is not None and inputs.inhabitants is not None:
        _show_comparison(session, inputs, result)
    display(
        HTML(
            "<h3>Ikke fordelt</h3><p>Linjer ingen regel traff. De er med i totalene og listes her.</p>"
        )
    )
    table, formats = unallocated_frame(result.allocation, year)
    display(styled(table, formats, caption=f"Ikke fordelt {year}, per ansvar og funksjon"))
    session.save_table(
        result.allocation[result.allocation["step"] == allocation.NOT_ALLOCATED]
        .assign(amount=lambda f: f["amount_ore"] / 100)
        .drop(columns=["amount_ore", "rule_id", "step", "area", "target_group"]),
        "ikke-fordelt-linjer",
    )
    display(HTML(f"<p style='font-size:0.85em;color:#444'>Kilde: {source}</p>"))
    return result


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
    )


def _show_comparison(session: Session, inputs: AllocationInputs, result: AllocationResult) -> None:
    table = comparison_table(inputs, session, result)
    if table is None:
        display(HTML(f"<p>Ingen sammenligning: innbyggertallet for {result.year} mangler.</p>"))
        return
    files = [session.data_file(inputs.settings.comparisons, key="analyses.allocation.comparisons")]
    display(
        HTML(
            "<h3>Sammenligning med andre kommuner</h3><p>Kroner per innbygger per trinn. De andre "
            "kommunenes regnskap per KOSTRA-funksjon er fordelt med standardreglene; kommunens egne "
            "trinn er summert til de tolv trinnene i den helhetlige innsatstrappa.</p>"
        )
    )
    figure = plots.comparison_chart(
        table,
        f"Kroner per innbygger {result.year}",
        session.source_line(files),
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, f"sammenligning-{result.year}")
    shown = table.assign(step=[str(s) if s else "Ikke fordelt" for s in table["step"]]).rename(
        columns={"step": "Trinn"}
    )
    display(
        styled(
            shown,
            {c: ("text" if c == "Trinn" else "number") for c in shown.columns},
            caption="Kroner per innbygger",
        )
    )
    session.save_table(shown, f"sammenligning-{result.year}")


def _show_reference_only(session: Session, inputs: AllocationInputs, ref: pd.DataFrame) -> None:
    m = session.municipality
    files = [session.data_file(inputs.settings.reference, key="analyses.allocation.reference")]
    source = session.source_line(files)
    names = inputs.steps.set_index("step")["name"]
    display(
        HTML(
            f"<h2>Økonomifordeling {inputs.settings.year} – {m.title}: kildens tall</h2><p>Kommunen har ikke "
            "lagt inn regnskapet ennå; her vises fordelingen slik kilden oppgir den. Trinn som mangler i "
            "kilden er tomme.</p>"
        )
    )
    steps = inputs.steps[["step", "name"]].merge(ref, on="step", how="left")
    figure = plots.staircase_chart(
        steps.assign(share=steps["share"]),
        f"Økonomifordeling {inputs.settings.year} – {m.title} (kildens tall)",
        source,
        illustrative=session.illustrative_for(files),
    )
    session.show_figure(figure, f"trapp-{inputs.settings.year}-kilde")
    shown = pd.DataFrame(
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
    total = ref["amount"].sum() / ref["share"].sum()
    display(
        styled(
            shown,
            {
                "Trinn": "text",
                "Navn": "text",
                "Kostnad (kr)": "mill_kr",
                "Andel": "percent",
                "Mottakere": "number",
                "Pris per mottaker (kr)": "kr",
                "Merknad": "text",
            },
            caption=f"Kildens tall {inputs.settings.year}",
        )
    )
    display(
        HTML(f"<p>Totalen kildens andeler impliserer: om lag {number(total / 1e6)} mill. kr.</p>")
    )
    session.save_table(shown, f"kilde-{inputs.settings.year}")
    display(HTML(f"<p style='font-size:0.85em;color:#444'>Kilde: {source}</p>"))
