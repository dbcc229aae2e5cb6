"""The house frame for charts: seaborn on matplotlib, Norwegian labels and numbers, a source
on every figure. Each analysis draws its own charts in this frame, in
``workbench/analyses/<analysis>/charts.py``.

Every figure carries a source line at the bottom, and figures built from illustrative data
carry a visible marker, so a chart copied into a slide still says what it is.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
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
