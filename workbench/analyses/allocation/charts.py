"""The allocation's charts (the staircase, municipalities compared, the target profile, shares
over the years), drawn in the house frame of :mod:`workbench.plots`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from workbench import formatting
from workbench.plots import (
    PALETTE,
    TickNumbers,
    apply_style,
    figure_size,
    finish,
    font_size,
    on_slide,
)


def staircase_chart(
    steps: pd.DataFrame,
    title: str,
    source: str,
    *,
    illustrative: bool,
    reference: pd.DataFrame | None = None,
) -> Figure:
    """The staircase bar chart councils are shown: cost per step with its share.

    Args:
        steps: ``step``, ``name``, ``amount`` (kr) and ``share``; step 0 is *Ikke fordelt*.
        reference: Optional ``step`` and ``amount`` (kr) from another source, drawn as
            outlined bars beside the model's.
    """
    apply_style()
    data = steps.reset_index(drop=True)
    labels = [f"{s}" if s else "Ikke\nfordelt" for s in data["step"]]
    fig, ax = plt.subplots(figsize=figure_size(12, 5.8))
    colours = sns.color_palette("crest", len(data))
    x = np.arange(len(data))
    width = 0.4 if reference is not None else 0.75
    offset = -width / 2 if reference is not None else 0.0
    bars = ax.bar(
        x + offset, data["amount"].fillna(0) / 1e6, width=width, color=colours, label="Modellen"
    )
    for bar, amount, share in zip(bars, data["amount"], data["share"], strict=True):
        # on a slide, 12 pt leaves room for the share only: the amounts are the slide's points
        if on_slide():
            text = "–" if pd.isna(amount) else formatting.percent(share, 0)
        elif pd.isna(amount):
            text = "ikke\noppgitt"
        else:
            text = f"{formatting.percent(share)}\n{formatting.number(amount / 1e6)}"
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=font_size(8),
            xytext=(0, 2),
            textcoords="offset points",
        )
    if reference is not None:
        ref = reference.set_index("step")["amount"].reindex(data["step"])
        ax.bar(
            x + width / 2,
            ref / 1e6,
            width=width,
            facecolor="none",
            edgecolor="#333333",
            hatch="//",
            label="Kildens tall",
        )
        ax.legend(frameon=False)
    ax.set_xticks(x, labels)
    ax.set(
        xlabel="trinn i innsatstrappa",
        ylabel="mill. kr",
        title="Kostnad per trinn (mill. kr) og andel av totalen",
    )
    if on_slide() and data["amount"].isna().any():
        ax.text(0.99, 0.97, "– ikke oppgitt", transform=ax.transAxes, ha="right", va="top")
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.margins(y=0.15)
    return finish(fig, title, source, illustrative=illustrative)


def comparison_chart(table: pd.DataFrame, title: str, source: str, *, illustrative: bool) -> Figure:
    """Kroner per inhabitant per canonical step, one bar group per step, one colour per municipality.

    Args:
        table: ``step`` and one column per municipality (kr per inhabitant).
    """
    apply_style()
    names = [c for c in table.columns if c != "step"]
    fig, ax = plt.subplots(figsize=figure_size(12, 5))
    colours = sns.color_palette(PALETTE, len(names))
    x = np.arange(len(table))
    width = 0.8 / max(len(names), 1)
    for i, (name, colour) in enumerate(zip(names, colours, strict=True)):
        ax.bar(x - 0.4 + width * (i + 0.5), table[name], width=width, color=colour, label=name)
    ax.set_xticks(x, [f"{s}" if s else "Ikke\nfordelt" for s in table["step"]])
    ax.set(
        xlabel="trinn i innsatstrappa",
        ylabel="kr per innbygger",
        title="Kroner per innbygger per trinn",
    )
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.legend(frameon=False)
    return finish(fig, title, source, illustrative=illustrative)


def target_chart(gap: pd.DataFrame, title: str, source: str, *, illustrative: bool | str) -> Figure:
    """Today's share per step against the target years' (grouped bars): «søylene bør være
    høyere til venstre».

    Args:
        gap: From :func:`workbench.analyses.allocation.engine.target_gap`.
    """
    apply_style()
    years = [c.removeprefix("target_") for c in gap.columns if c.startswith("target_")]
    fig, ax = plt.subplots(figsize=figure_size(12, 5.2))
    x = np.arange(len(gap))
    series = [("I dag", gap["share"])] + [(f"Mål {y}", gap[f"target_{y}"]) for y in years]
    width = 0.8 / len(series)
    colours = ["#888888", *sns.color_palette("crest", len(years))]
    for k, (label, shares) in enumerate(series):
        ax.bar(
            x - 0.4 + width * (k + 0.5),
            shares.fillna(0) * 100,
            width=width,
            color=colours[k],
            label=label,
        )
    for position, share in zip(x, gap["share"], strict=True):
        if pd.isna(share):  # today's share not known (the source gives only some steps)
            ax.text(
                position - 0.4 + width / 2,
                0.5,
                "ikke oppgitt i dag",
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=font_size(8),
                color="#444444",
            )
    ax.set_xticks(x, [str(s) for s in gap["step"]])
    ax.set(
        xlabel="trinn i innsatstrappa",
        ylabel="prosent av kostnaden",
        title="Andel per trinn i dag og i målprofilen",
    )
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.legend(frameon=False, ncols=len(series))
    ax.margins(y=0.12)
    return finish(fig, title, source, illustrative=illustrative)


def share_trend_chart(
    shares: pd.DataFrame, title: str, source: str, *, illustrative: bool | str
) -> Figure:
    """Each step's share over the ledger years, one line per step from the first year to the
    last (a slope chart), the step number at each line's end.

    Args:
        shares: From :func:`workbench.analyses.allocation.engine.shares_over_years`.
    """
    apply_style()
    years = [c for c in shares.columns if c not in ("step", "name")]
    fig, ax = plt.subplots(figsize=figure_size(11, 5.4))
    colours = sns.color_palette(PALETTE, len(shares))
    values_per_step = shares[years].to_numpy(dtype=float) * 100
    top = max(float(values_per_step.max()), 1.0) * 1.08
    for colour, values in zip(colours, values_per_step, strict=True):
        ax.plot(years, values, color=colour, marker="o", linewidth=1.8)
    # the step's number at the end of its line, pushed apart where lines end close together
    # (a label's height in data units: its points over the axes' height in points), with a
    # thin leader from the line's end where a label had to move
    axes_points = ax.get_position().height * fig.get_figheight() * 72
    gap = top * (font_size(8) * 1.25) / axes_points
    placed = -np.inf
    for k in np.argsort(values_per_step[:, -1]):
        end = values_per_step[k, -1]
        y = max(end, placed + gap)
        placed = y
        ax.annotate(
            f"trinn {shares['step'].iloc[k]}",
            (years[-1], end),
            xytext=(years[-1] + 0.12, y),
            textcoords="data",
            va="center",
            fontsize=font_size(8),
            color=colours[k],
            arrowprops=None
            if abs(y - end) < gap / 2
            else {"arrowstyle": "-", "color": colours[k], "linewidth": 0.6},
        )
    ax.set_ylim(0, max(top, placed + gap))
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.7)
    ax.set(
        xlabel="regnskapsår",
        ylabel="prosent av det som er fordelt",
        title="Andel per trinn over år",
    )
    ax.yaxis.set_major_formatter(TickNumbers())
    return finish(fig, title, source, illustrative=illustrative)
