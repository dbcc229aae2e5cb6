"""Charts: seaborn on matplotlib, Norwegian labels and numbers, a source on every figure.

Every figure carries a source line at the bottom, and figures built from illustrative data
carry a visible marker, so a chart copied into a slide still says what it is.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from workbench import formatting
from workbench.outputs import atomic_write_bytes

PALETTE = "colorblind"
ILLUSTRATIVE_MARK = "ILLUSTRATIVE TALL – fiktiv kommune eller oppdiktede data"
SVG_SALT = "innsatstrapp-workbench"
DPI = 150


def apply_style() -> None:
    """The house style: seaborn's clean theme, a colour-blind-safe palette, legible sizes."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "axes.titleweight": "bold",
            "svg.hashsalt": SVG_SALT,  # stable element ids: byte-identical SVG for the same data
            "svg.fonttype": "none",
        }
    )


def annotate(fig: Figure, source: str, *, illustrative: bool) -> Figure:
    """Add the source line (and the illustrative marker) to a figure."""
    fig.text(
        0.01,
        0.01,
        f"Kilde: {source}",
        fontsize=8,
        color="#444444",
        ha="left",
        va="bottom",
        wrap=True,
    )
    if illustrative:
        fig.text(
            0.99,
            0.99,
            ILLUSTRATIVE_MARK,
            fontsize=9,
            color="#b00020",
            ha="right",
            va="top",
            fontweight="bold",
        )
    return fig


def thousands_axis(axis) -> None:
    """Show an axis in thousands (``1 500`` for 1 500 000), with few enough ticks to read."""
    axis.set_major_locator(MaxNLocator(nbins=4))
    axis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v / 1000)))


def calculator_chart(
    summary: pd.DataFrame, title: str, source: str, *, illustrative: bool
) -> Figure:
    """Annual cost and årsverk per alternative, side by side.

    Args:
        summary: From :func:`workbench.calculator.summary`.
        title: Figure title (the package's title).
        source: The source line.
        illustrative: Mark the figure as built on illustrative data.
    """
    apply_style()
    data = summary.assign(label=summary["alternative"])
    height = 1.6 + 0.55 * len(data)
    fig, (cost_ax, fte_ax) = plt.subplots(1, 2, figsize=(11, height), sharey=True)
    colours = sns.color_palette(PALETTE, len(data))
    sns.barplot(
        data=data, y="label", x="cost", hue="label", palette=colours, legend=False, ax=cost_ax
    )
    sns.barplot(
        data=data, y="label", x="fte", hue="label", palette=colours, legend=False, ax=fte_ax
    )
    cost_ax.set(title="Årskostnad", xlabel="tusen kr", ylabel="")
    fte_ax.set(title="Årsverk", xlabel="årsverk per år", ylabel="")
    thousands_axis(cost_ax.xaxis)
    fte_ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    fte_ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v, 1)))
    for ax, column, fmt in ((cost_ax, "cost", formatting.kr), (fte_ax, "fte", formatting.fte)):
        # one container per hue level, in the order of the rows
        for container, value in zip(ax.containers, data[column], strict=True):
            ax.bar_label(container, labels=[fmt(value)], padding=3, fontsize=9)
        ax.margins(x=0.25)
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return annotate(fig, source, illustrative=illustrative)


def save_figure(fig: Figure, folder: Path, stem: str) -> list[Path]:
    """Write a figure as PNG and SVG, atomically and byte-stable for the same figure.

    Returns:
        The two paths written.
    """
    paths = []
    for suffix, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buffer = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": SVG_SALT}):
            fig.savefig(buffer, format=suffix, dpi=DPI, metadata=metadata, bbox_inches="tight")
        path = folder / f"{stem}.{suffix}"
        atomic_write_bytes(path, buffer.getvalue())
        paths.append(path)
    return paths
