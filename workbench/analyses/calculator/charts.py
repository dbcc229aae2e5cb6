"""The calculator's chart (annual cost and årsverk per alternative), drawn in the house
frame of :mod:`workbench.plots`."""

from __future__ import annotations

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
    thousands_axis,
)


def calculator_chart(
    summary: pd.DataFrame, title: str, source: str, *, illustrative: bool
) -> Figure:
    """Annual cost and årsverk per alternative, side by side.

    Args:
        summary: From :func:`workbench.analyses.calculator.engine.summary`.
        title: Figure title (the package's title).
        source: The source line.
        illustrative: Mark the figure as built on illustrative data.
    """
    apply_style()
    data = summary.assign(label=summary["alternative"])
    height = 2.6 + 0.55 * len(data)
    fig, (cost_ax, fte_ax) = plt.subplots(1, 2, figsize=figure_size(11, height), sharey=True)
    colours = sns.color_palette(PALETTE, len(data))
    rows = np.arange(len(data))
    for ax, column in ((cost_ax, "cost"), (fte_ax, "fte")):
        # one bar container per row, as seaborn draws them, but without its overhead
        for row, value, colour in zip(rows, data[column], colours, strict=True):
            ax.barh(row, value, color=colour, height=0.8)
    cost_ax.set_yticks(rows, data["label"])
    cost_ax.set_ylim(len(data) - 0.5, -0.5)
    cost_ax.set(title="Årskostnad", xlabel="tusen kr", ylabel="")
    fte_ax.set(title="Årsverk", xlabel="årsverk per år", ylabel="")
    thousands_axis(cost_ax.xaxis)
    fte_ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    fte_ax.xaxis.set_major_formatter(TickNumbers())
    for ax, column, fmt in ((cost_ax, "cost", formatting.kr), (fte_ax, "fte", formatting.fte)):
        # one container per hue level, in the order of the rows
        for container, value in zip(ax.containers, data[column], strict=True):
            ax.bar_label(container, labels=[fmt(value)], padding=3, fontsize=font_size(9))
        ax.margins(x=0.25)
    return finish(fig, title, source, illustrative=illustrative)
