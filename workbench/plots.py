"""Charts: seaborn on matplotlib, Norwegian labels and numbers, a source on every figure.

Every figure carries a source line at the bottom, and figures built from illustrative data
carry a visible marker, so a chart copied into a slide still says what it is.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import textwrap
from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.ticker import AutoLocator, Formatter, MaxNLocator
from PIL import Image

from workbench import formatting

PALETTE = "colorblind"
ILLUSTRATIVE_MARK = "ILLUSTRATIVE TALL"
"""The mark when only a yes/no is known; reports and deliverables say which inputs (see
:mod:`workbench.marking`)."""
MARK_FONT_SIZE = 9
SVG_SALT = "innsatstrapp-workbench"
DPI = 150
TICKS = 5
"""At most this many intervals on a value axis matplotlib would tick by itself (it picks up to
nine at a report figure's size): fewer grid lines to read, and a fifth less to draw."""


def apply_style() -> None:
    """The house style: seaborn's clean theme, a colour-blind-safe palette, legible sizes."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "axes.titleweight": "bold",
            # titles at the top of their axes, where matplotlib would put them anyway (no
            # tick labels on top): without a fixed place it measures every axis of the
            # figure to see whether a title must move up, on each layout and each drawing
            "axes.titley": 1.0,
            "svg.hashsalt": SVG_SALT,  # stable element ids: byte-identical SVG for the same data
            "svg.fonttype": "none",
        }
    )
    if _SLIDE:  # the theme resets the sizes: a slide's apply again (restored on leaving)
        plt.rcParams.update(SLIDE_RC)


_LAYOUTS: dict | None = None
LAYOUT = ("left", "right", "bottom", "top", "wspace", "hspace")


@contextlib.contextmanager
def remembered_layout(store: dict) -> Iterator[None]:
    """Inside, a figure reuses the margins the first figure of its kind got (same size, axes
    and axis titles) instead of being laid out again. An app redraws the same chart on every
    change, and laying it out costs more than drawing it."""
    global _LAYOUTS
    previous, _LAYOUTS = _LAYOUTS, store
    try:
        yield
    finally:
        _LAYOUTS = previous


SLIDE_SIZE = (8.6, 5.0)
"""Inches: the picture box on a 13,33 × 7,5 in slide, so a slide figure is placed at its own
size and its text keeps its point size when projected."""
SLIDE_MIN_PT = 12
"""No text on a slide figure is smaller (points)."""
SLIDE_RC = {
    "font.size": 13,
    "axes.labelsize": 13,
    "axes.titlesize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.title_fontsize": 12,
}
_SLIDE = False


@contextlib.contextmanager
def slide_style() -> Iterator[None]:
    """Inside, charts are drawn for a slide: at :data:`SLIDE_SIZE`, no text under
    :data:`SLIDE_MIN_PT`, and without their own title, mark and source line (the slide
    carries those as editable text)."""
    global _SLIDE
    previous, _SLIDE = _SLIDE, True
    try:
        with plt.rc_context(SLIDE_RC):
            yield
    finally:
        _SLIDE = previous


def on_slide() -> bool:
    """Whether charts are being drawn for a slide (inside :func:`slide_style`)."""
    return _SLIDE


def figure_size(width: float, height: float) -> tuple[float, float]:
    """A chart's size: its own in reports and apps, the slide's picture box on a slide."""
    return SLIDE_SIZE if _SLIDE else (width, height)


def font_size(size: float) -> float:
    """A font size, raised to :data:`SLIDE_MIN_PT` on a slide."""
    return max(size, SLIDE_MIN_PT) if _SLIDE else size


def finish(fig: Figure, title: str, source: str, *, illustrative: bool | str) -> Figure:
    """Title at the top, the illustrative mark under it, the source line at the bottom, and
    the axes laid out between them (bands sized in inches). On a slide (:func:`slide_style`)
    only the axes: the slide has its own title, mark and source.

    Args:
        illustrative: The mark (:mod:`workbench.marking`), empty for none; ``True`` stands for
            the generic :data:`ILLUSTRATIVE_MARK`.
    """
    mark = illustrative if isinstance(illustrative, str) else ILLUSTRATIVE_MARK * illustrative
    for ax in fig.axes:
        # a spine lies on its axes' edge, inside the tick labels and the padding round them:
        # measuring it (which updates every tick again) never moves the layout
        for spine in ax.spines.values():
            spine.set_in_layout(False)
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_locator()) is AutoLocator:
                axis.set_major_locator(MaxNLocator(nbins=TICKS, steps=[1, 2, 2.5, 5, 10]))
    if _SLIDE:
        fig.set_label(title)
        for ax in fig.axes:  # an axes title as wide as its axes at the slide's size
            if ax.get_title():
                width = ax.get_position().width * fig.get_figwidth()
                ax.set_title(formatting.wrapped(ax.get_title(), width, SLIDE_RC["axes.titlesize"]))
        laid_out(fig, pad=0.6)
        return fig
    height = fig.get_figheight()
    mark_text = formatting.wrapped(mark, fig.get_figwidth() * 0.98, MARK_FONT_SIZE) if mark else ""
    lines = mark_text.count("\n") + 1 if mark else 0
    header = 0.5 + 0.22 * lines + (0.03 if lines else 0)
    fig.set_label(f"{title}. {mark}" if mark else title)  # alt text
    source_text = formatting.wrapped(
        f"Kilde: {source}", fig.get_figwidth() * 0.98, SOURCE_FONT_SIZE
    )
    # the source band grows with its lines (8 pt: 0,135 in each), so a long source never
    # runs into the axis labels
    footer = max(0.45, 0.13 + 0.135 * (source_text.count("\n") + 1))
    kind = (
        tuple(fig.get_size_inches()),
        lines,
        tuple(ax.get_title() for ax in fig.axes),
        footer,
    )
    if _LAYOUTS is not None and kind in _LAYOUTS:
        fig.subplots_adjust(**_LAYOUTS[kind])
    else:
        laid_out(fig, rect=(0, footer / height, 1, 1 - header / height))
        if _LAYOUTS is not None:
            _LAYOUTS[kind] = {name: getattr(fig.subplotpars, name) for name in LAYOUT}
    # plain text, not suptitle: tight_layout would reserve room for a suptitle a second time
    fig.text(
        0.01,
        1 - 0.08 / height,
        title,
        ha="left",
        va="top",
        fontsize=font_size(13),
        fontweight="bold",
    )
    if mark:
        fig.text(
            0.01,
            1 - 0.42 / height,
            mark_text,
            fontsize=MARK_FONT_SIZE,
            color="#b00020",
            ha="left",
            va="top",
            fontweight="bold",
        )
    fig.text(
        0.01,
        0.08 / height,
        source_text,
        fontsize=SOURCE_FONT_SIZE,
        color="#444444",
        ha="left",
        va="bottom",
    )
    return fig


def laid_out(fig: Figure, **params) -> None:
    """``fig.tight_layout(**params)``, without leaving a layout engine on the figure.

    ``tight_layout`` ends by setting a placeholder engine, and a figure with any engine is
    drawn once more by ``savefig`` before it is written (with drawing switched off, to let a
    constrained layout settle): a wasted draw. Running
    the engine's ``execute`` lays the figure out the same way and leaves it without one.
    """
    TightLayoutEngine(**params).execute(fig)


SOURCE_FONT_SIZE = 8


class TickNumbers(Formatter):
    """Tick labels in Norwegian with as many decimals as the tick step needs, so each label
    is the tick's value (0,25 is «0,25», not «0» or «0,3»).

    Args:
        scale: What one unit on the label is in the data (1 000 for «tusen kr», 1e6 for
            «mill. kr», 0,01 for percent).
        suffix: Written after each number (``" %"``).
    """

    def __init__(self, scale: float = 1.0, suffix: str = ""):
        self.scale, self.suffix, self.decimals = scale, suffix, 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        steps = np.diff(np.sort(np.asarray(locs, dtype=float) / self.scale))
        steps = steps[steps > 0]
        if len(steps) == 0:
            self.decimals = 0
            return
        step = float(steps.min())
        self.decimals = 0
        while self.decimals < 4 and abs(round(step, self.decimals) - step) > step * 1e-6:
            self.decimals += 1

    def __call__(self, value, pos=None) -> str:
        return formatting.number(value / self.scale, self.decimals) + self.suffix


def percent_ticks() -> TickNumbers:
    """Shares (0,125) labelled as percent with the decimals their ticks need («12,5 %»)."""
    return TickNumbers(0.01, f"{formatting.NBSP}%")


def thousands_axis(axis) -> None:
    """Show an axis in thousands (``1 500`` for 1 500 000), with few enough ticks to read."""
    axis.set_major_locator(MaxNLocator(nbins=4))
    axis.set_major_formatter(TickNumbers(1000))


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


SLIDE_DPI = 200
"""Resolution of figures placed on slides (a 11 in wide chart is 2 200 px)."""


def png_bytes(fig: Figure, dpi: int = DPI, *, tight: bool = True) -> bytes:
    """A figure as PNG, without the (version-dependent) software stamp.

    Args:
        tight: Crop to the drawn content (a second drawing pass); the apps, which redraw on
            every change, and the slides leave the figure at its own size instead.

    At its own size the figure is drawn once by Agg and written by Pillow as an opaque RGB
    image at the fastest compression: half the time ``savefig`` takes (which converts the
    pixels again and compresses harder), for a file about a quarter larger.
    """
    if not tight and fig.get_facecolor()[3] == 1:  # opaque: nothing lost without alpha
        shown_at = fig.dpi
        fig.set_dpi(dpi)
        try:
            fig.canvas.draw()
            pixels = Image.frombuffer(
                "RGBA", fig.canvas.get_width_height(physical=True), fig.canvas.buffer_rgba()
            ).convert("RGB")
        finally:
            fig.set_dpi(shown_at)
        buffer = io.BytesIO()
        pixels.save(buffer, format="png", compress_level=1, dpi=(dpi, dpi))
        return buffer.getvalue()
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        metadata={"Software": None},
        bbox_inches="tight" if tight else None,
    )
    return buffer.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    """A figure as SVG at its own size (no cropping pass), byte-stable for the same
    figure: fixed element ids and no date or creator."""
    buffer = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": SVG_SALT}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def svg_image(svg: bytes, alt: str) -> str:
    """An ``<img>`` holding the SVG as a data URI: the report's figure, with alt text for
    readers who cannot see it, scaled down to the page when the page is narrower."""
    data = base64.b64encode(svg).decode("ascii")
    return (
        f'<img alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto" '
        f'src="data:image/svg+xml;base64,{data}"/>'
    )


def title_of(fig: Figure) -> str:
    """The title :func:`finish` gave the figure (empty if none)."""
    return fig.get_label()


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
