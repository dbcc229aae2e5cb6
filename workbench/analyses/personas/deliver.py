"""The personas' slides, read from their written report folder."""

from __future__ import annotations

from workbench.deck import Slide, figure_png, point
from workbench.formatting import mill_kr, number
from workbench.outputs import ReportOutput

TRAJECTORY = "forlop"
PHASE_IN = "innfasing"


def slides(output: ReportOutput) -> list[Slide]:
    """Per persona: the trajectories with their cost, then the phase-in year by year."""
    found = []
    for entry in output.figures():
        stem, _, kind = entry.stem.rpartition("-")
        if kind != TRAJECTORY:
            continue
        title = output.key_figure(f"{stem}.title").value
        # running costs first, as the source counts them; investments on their own lines
        costs = [
            point(f)
            for f in output.key_figures(f"{stem}.")
            if f.key.endswith((".running_cost", ".investment"))
        ]
        phase = [point(output.key_figure(f"{stem}.{key}")) for key in ("persons", "new_per_year")]
        phase += [point(f) for f in output.key_figures(f"{stem}.phase.")]
        phase += [point(f) for f in output.key_figures(f"{stem}.phase_investment")]
        phase.append(point(output.key_figure(f"{stem}.first_saving_year")))
        found.append(Slide(str(title), output.png(entry), costs))
        found.append(Slide(f"Innfasing – {title}", figure_png(output, f"{stem}-{PHASE_IN}"), phase))
    return found + _effect(output)


EFFECT = "samlet-effekt"


def _effect(output: ReportOutput) -> list[Slide]:
    """«Samlet effekt»: the change per step from the report's table, as a table with its
    own headers; steps the personas do not change are left out."""
    for entry, frame in output.tables():
        if entry.stem != EFFECT:
            continue
        rows = [
            (
                f"Trinn {r['Trinn']} {r['Navn']}" if r["Trinn"] != "–" else str(r["Navn"]),
                mill_kr(r["Endring per år (kr)"], 1),
                f"{number(r['Endring i årsverk'], 1)} årsverk",
            )
            for _, r in frame.iterrows()
            if r["Endring per år (kr)"] or r["Endring i årsverk"]
        ]
        if not rows:
            return []
        headers = ("Trinn", "Endring per år", "Endring i årsverk")
        return [Slide(entry.title, rows=rows, table=EFFECT, headers=headers)]
    return []
