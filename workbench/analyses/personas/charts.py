"""The personas' charts (trajectories per age, the phase-in year by year), drawn in the house
frame of :mod:`workbench.plots`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from workbench.plots import (
    PALETTE,
    TickNumbers,
    apply_style,
    figure_size,
    finish,
    font_size,
    thousands_axis,
)


def trajectory_chart(
    yearly: pd.DataFrame, title: str, source: str, *, illustrative: bool
) -> Figure:
    """Cost per age, cumulative cost and hours per age for each trajectory.

    Args:
        yearly: From :func:`workbench.analyses.personas.engine.yearly` (the trajectories to show).
        title: Figure title.
        source: The source line.
        illustrative: Mark the figure as built on illustrative data.
    """
    apply_style()
    data = yearly.assign(
        cumulative=yearly.groupby("trajectory")["running_cost"].cumsum()
        + yearly.groupby("trajectory")["investment"].cumsum()
    )
    fig, (cost_ax, cumulative_ax, hours_ax) = plt.subplots(
        3, 1, figsize=figure_size(11, 10), sharex=True
    )
    colours = dict(zip(data["trajectory_name"].unique(), sns.color_palette(PALETTE), strict=False))
    for name, part in data.groupby("trajectory_name", sort=False):
        cost_ax.step(
            part["age"],
            part["running_cost"],
            where="mid",
            label=name,
            color=colours[name],
            linewidth=2.2,
        )
        cumulative_ax.plot(
            part["age"],
            part["cumulative"],
            label=name,
            color=colours[name],
            linewidth=2.2,
            marker="o",
            markersize=3,
        )
        hours_ax.step(
            part["age"], part["hours"], where="mid", label=name, color=colours[name], linewidth=2.2
        )
    cost_ax.set(title="Årskostnad per alder (tusen kr)", ylabel="tusen kr")
    cumulative_ax.set(title="Akkumulert kostnad inkl. investeringer (mill. kr)", ylabel="mill. kr")
    hours_ax.set(title="Personaltimer per år", ylabel="timer", xlabel="alder")
    thousands_axis(cost_ax.yaxis)
    cumulative_ax.yaxis.set_major_formatter(TickNumbers(1e6))
    hours_ax.yaxis.set_major_formatter(TickNumbers())
    hours_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    hours_ax.xaxis.set_major_formatter(TickNumbers())
    cost_ax.legend(loc="upper left", frameon=False)
    return finish(fig, title, source, illustrative=illustrative)


def _align_zero(first, second) -> None:
    """Give two y axes of one chart their zero at the same height, each still showing all
    its data."""
    limits = [ax.get_ylim() for ax in (first, second)]
    limits = [(min(low, 0.0), max(high, 0.0)) for low, high in limits]
    below = max(-low / (high - low) if high > low else 0.0 for low, high in limits)
    below = min(max(below, 0.05), 0.95)  # zero never on the very edge
    for ax, (low, high) in zip((first, second), limits, strict=True):
        top = max(high, -low * (1 - below) / below)
        ax.set_ylim(-below * top / (1 - below), top)


def phase_in_chart(phase: pd.DataFrame, title: str, source: str, *, illustrative: bool) -> Figure:
    """Extra cost (+) or saving (−) per year of phasing in a trajectory: running cost and
    investments as their own bars, the cumulative sum of both on its own axis (so the early
    years are not flattened by it), and the first year with a saving in running costs marked."""
    apply_style()
    fig, ax = plt.subplots(figsize=figure_size(11, 5))
    colours = sns.color_palette(PALETTE, 3)
    years = phase["year"].to_numpy()
    width = 0.4
    ax.bar(
        years - width / 2, phase["extra_running_cost"] / 1e6, width, color=colours[0], label="Drift"
    )
    ax.bar(
        years + width / 2,
        phase["extra_investment"] / 1e6,
        width,
        color=colours[1],
        label="Investeringer",
    )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set(
        xlabel="år etter oppstart",
        ylabel="mill. kr per år",
        title="Merkostnad (+) eller besparelse (−) per år",
    )
    ax.yaxis.set_major_formatter(TickNumbers())
    ax.set_xticks(list(years))
    # the first saving in running costs, as the source and the key figures count it
    running = phase["extra_running_cost"]
    saving = next((int(y) for y, r in zip(years, running, strict=True) if r < 0), None)
    if saving is not None:
        ax.axvline(saving - 0.5, color="#333333", linestyle=":", linewidth=1.2)
        early = saving - 0.5 < (years[0] + years[-1]) / 2  # room on the right, not the left
        ax.annotate(
            f"Første år med besparelse i driften: år {saving}",
            (saving - 0.5, 0.03),
            xycoords=("data", "axes fraction"),
            xytext=(6 if early else -6, 0),
            textcoords="offset points",
            ha="left" if early else "right",
            va="bottom",
            fontsize=font_size(10),
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
        )
    cumulative = ax.twinx()
    cumulative.plot(
        years,
        phase["cumulative_cost"] / 1e6,
        color=colours[2],
        marker="o",
        linewidth=2,
        label="Akkumulert, med investeringer (høyre akse)",
    )
    cumulative.set_ylabel("mill. kr akkumulert")
    cumulative.yaxis.set_major_formatter(TickNumbers())
    cumulative.grid(False)
    _align_zero(ax, cumulative)
    handles = ax.get_legend_handles_labels()
    more = cumulative.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], frameon=False, loc="center left")
    return finish(fig, title, source, illustrative=illustrative)
