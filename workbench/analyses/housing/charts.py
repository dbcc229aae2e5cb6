"""The housing profile's charts (profile, need per step, årsverk and cost, population, the
over-80s, workforce), drawn in the house frame of :mod:`workbench.plots`."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from workbench import formatting
from workbench.plots import (
    PALETTE,
    TickNumbers,
    apply_style,
    figure_size,
    finish,
    font_size,
    on_slide,
    percent_ticks,
)


def profile_chart(
    profile: pd.DataFrame, step_names: list[str], title: str, source: str, *, illustrative: bool
) -> Figure:
    """Where each age group lives: today's profile and the alternative, stacked by housing step.

    Args:
        profile: Columns ``label`` (bar label), ``step`` (1–6) and ``share``.
        step_names: Names of the six housing steps, in order.
    """
    apply_style()
    labels = list(dict.fromkeys(profile["label"]))
    fig, ax = plt.subplots(figsize=figure_size(11, 1.9 + 0.5 * len(labels)))
    colours = sns.color_palette("colorblind", len(step_names))
    left = np.zeros(len(labels))
    for step, name in enumerate(step_names, start=1):
        values = (
            profile[profile["step"] == step]
            .set_index("label")["share"]
            .reindex(labels)
            .fillna(0)
            .to_numpy()
        )
        label = f"{step} {name}"
        if on_slide():  # two legend columns under the bars: long step names on two lines
            label = textwrap.fill(label, 34)
        ax.barh(labels, values, left=left, color=colours[step - 1], label=label)
        left += values
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="andel av aldersgruppen", title="Boligprofil per aldersgruppe")
    ax.xaxis.set_major_formatter(percent_ticks())
    if on_slide():  # the slide's picture is narrow: the steps under the bars, in two columns
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return finish(fig, title, source, illustrative=illustrative)


def need_chart(
    steps: pd.DataFrame, step_names: list[str], title: str, source: str, *, illustrative: bool
) -> Figure:
    """Residents per housing step and year: today's profile (dashed) and the alternative."""
    apply_style()
    fig, axes = plt.subplots(2, 3, figsize=figure_size(12, 6.5), sharex=True)
    colours = sns.color_palette(PALETTE, 2)
    for ax, (step, name) in zip(axes.flat, enumerate(step_names, start=1), strict=True):
        part = steps[steps["step"] == step]
        ax.plot(
            part["year"],
            part["residents_today"],
            color=colours[0],
            linestyle="--",
            label="Dagens profil",
        )
        ax.plot(
            part["year"],
            part["residents_alt"],
            color=colours[1],
            linewidth=2.2,
            label="Alternativ profil",
        )
        ax.set_title(f"{step} {name}", fontsize=font_size(10))
        ax.yaxis.set_major_formatter(TickNumbers())
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.set_ylim(bottom=0)
    axes.flat[0].legend(frameon=False, fontsize=font_size(9))
    return finish(fig, title, source, illustrative=illustrative)


def staffing_chart(
    band: pd.DataFrame, projection: str, title: str, source: str, *, illustrative: bool
) -> Figure:
    """The sector's årsverk and cost per year under both profiles (the 67+ on the housing
    steps and the rest of the sector); the other projection alternatives as a band."""
    apply_style()
    fig, (fte_ax, cost_ax) = plt.subplots(1, 2, figsize=figure_size(12, 4.8))
    colours = sns.color_palette(PALETTE, 2)
    main = band[band["alternative"] == projection]
    for ax, prefix, scale in ((fte_ax, "fte", 1.0), (cost_ax, "cost", 1e6)):
        for scenario, colour, style, label in (
            ("today", colours[0], "--", "Dagens profil"),
            ("alt", colours[1], "-", "Alternativ profil"),
        ):
            column = f"{prefix}_sector_{scenario}"
            spread = band.groupby("year")[column].agg(["min", "max"])
            if band["alternative"].nunique() > 1:
                ax.fill_between(
                    spread.index,
                    spread["min"] / scale,
                    spread["max"] / scale,
                    color=colour,
                    alpha=0.15,
                )
            ax.plot(
                main["year"],
                main[column] / scale,
                color=colour,
                linestyle=style,
                linewidth=2.2,
                label=f"{label} ({projection})",
            )
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(TickNumbers())
    fte_ax.set(title="Årsverk", ylabel="årsverk")
    cost_ax.set(title="Kostnader (mill. kr)", ylabel="mill. kr")
    for ax in (fte_ax, cost_ax):
        ax.set_ylim(bottom=0)  # levels: the axis starts at 0
    others = sorted(set(band["alternative"]) - {projection})
    note = f" Skravert: {', '.join(others)}." if others else ""
    fte_ax.legend(frameon=False, fontsize=font_size(9))
    return finish(fig, title, source + note, illustrative=illustrative)


def population_chart(
    population: pd.DataFrame, title: str, source: str, *, illustrative: bool
) -> Figure:
    """Population per age group and year; given years as dots, interpolated years without."""
    apply_style()
    fig, ax = plt.subplots(figsize=figure_size(11, 4.5))
    colours = sns.color_palette(PALETTE, 3)
    for colour, (group, part) in zip(
        colours, population.groupby("age_group", sort=False), strict=False
    ):
        ax.plot(
            part["year"],
            part["persons"],
            color=colour,
            linewidth=2,
            label=f"{formatting.age_range(group)} år",
        )
        given = part[~part["interpolated"]]
        ax.plot(given["year"], given["persons"], "o", color=colour)
    ax.set(
        title="Innbyggere 67 år og eldre (prikker: oppgitte år, linje mellom: interpolert)",
        ylabel="innbyggere",
    )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False)
    return finish(fig, title, source, illustrative=illustrative)


def over_80_chart(
    series: pd.DataFrame, highlight: str, title: str, source: str, *, illustrative: bool
) -> Figure:
    """Share of residents over 80 without care services: the municipality in colour, the
    comparisons in grey behind it (one legend entry for them); the axis starts at 0."""
    apply_style()
    fig, ax = plt.subplots(figsize=figure_size(11, 5))
    highlight_colour = sns.color_palette(PALETTE, 1)[0]
    others = [r for r in series["region"].unique() if r != highlight]
    for region, part in series.groupby("region", sort=False):
        bold = region == highlight
        first_other = not bold and region == others[0]
        ax.plot(
            part["year"],
            part["share"],
            color=highlight_colour if bold else "#a6a6a6",
            linewidth=3.2 if bold else 1.2,
            zorder=3 if bold else 2,
            label=region
            if bold
            else ("Sammenligningskommuner og -grupper" if first_other else None),
        )
    ax.set(title="Andel innbyggere over 80 år uten pleie- og omsorgstjenester")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(percent_ticks())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower left", frameon=False, fontsize=font_size(10))
    return finish(fig, title, source, illustrative=illustrative)


def workforce_chart(
    gap: pd.DataFrame, title: str, source: str, *, illustrative: bool | str
) -> Figure:
    """Årsverk needed under both profiles against the årsverk available, the gap shaded and
    written out in the last year.

    Args:
        gap: From :func:`workbench.analyses.housing.engine.workforce_gap`.
    """
    apply_style()
    fig, ax = plt.subplots(figsize=figure_size(11, 5))
    colours = sns.color_palette(PALETTE, 3)
    years = gap["year"].to_numpy()
    ax.fill_between(years, gap["supply"], gap["needed_today"], color=colours[0], alpha=0.12)
    series = [
        ("needed_today", colours[0], "--", "Behov, dagens profil"),
        ("needed_alt", colours[1], "-", "Behov, alternativ profil"),
        ("needed_effect", colours[2], ":", "Behov, dagens profil med personaenes effekt"),
    ]
    lines = [(column, colour) for column, colour, _, _ in series if column in gap]
    for column, colour, style, label in series:
        if column in gap:
            ax.plot(years, gap[column], color=colour, linestyle=style, linewidth=2.2, label=label)
    ax.plot(years, gap["supply"], color="#333333", linewidth=2.2, label="Tilgang på årsverk")
    last = gap.iloc[-1]
    for column, colour in lines:
        missing = last[column] - last["supply"]
        ax.annotate(
            f"{'mangler' if missing > 0 else 'overskudd'} {formatting.number(abs(missing))}",
            (last["year"], last[column]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=font_size(9),
            color=colour,
            fontweight="bold",
        )
    ax.set_xlim(years[0], years[-1] + (years[-1] - years[0]) * 0.16)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.set(xlabel="år", ylabel="årsverk", title="Årsverk som trengs og årsverk som finnes")
    ax.legend(frameon=False, loc="lower left")
    return finish(fig, title, source, illustrative=illustrative)
