"""What every widget app shares: muting callbacks while widgets are set in code, Norwegian
error messages instead of tracebacks, redrawing charts as images, and download links for the
current table."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import io
from collections.abc import Callable, Iterable, Iterator

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure
from pydantic import ValidationError

from workbench import controls, formatting, plots
from workbench.errors import InputError
from workbench.models import translate_errors
from workbench.outputs import CSV_DECIMAL, CSV_ENCODING, CSV_SEPARATOR, KeyFigure

ERROR_STYLE = "color:#b00020"


def error_html(message: str) -> str:
    """A Norwegian message to the user, in the apps' error colour."""
    return f"<span style='{ERROR_STYLE}'>{html.escape(message)}</span>"


DRAW_DELAY_SECONDS = 0.005
WRAP = widgets.Layout(flex_flow="row wrap", align_items="flex-end")
"""A row of controls that wraps on a narrow screen (a projector at 1024 × 768)."""
CHART_DPI = 100
"""Resolution of the charts in the apps (the screen's, not the slides')."""


class LiveApp:
    """Base for the apps; subclasses set ``self.status`` (an HTML widget) before use."""

    _quiet = False
    status: widgets.HTML

    @contextlib.contextmanager
    def _muted(self) -> Iterator[None]:
        """Set widget values without their callbacks recomputing."""
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous

    def recompute(self):
        """Evaluate the current state and redraw the tables (each app defines it)."""
        raise NotImplementedError

    def charts(self) -> Iterable[tuple[widgets.Image, Figure]]:
        """The charts for the current result (each app defines them)."""
        return []

    def refresh(self) -> None:
        """Recompute and redraw; a bad value becomes a Norwegian message, not a traceback."""
        if self._quiet:
            return
        try:
            self.recompute()
        except ValidationError as exc:  # a ValueError too, so first
            self._error(translate_errors(exc)[0].message)
            return
        except (InputError, ValueError) as exc:
            self._error(_message(exc))
            return
        self.status.value = ""
        self._draw(self.charts)

    def watch(self, *roots: widgets.Widget) -> None:
        """Show in the status line what the page sent to a control under ``roots`` and was
        refused (call it for the app's widgets and for any made later)."""
        controls.watch(roots, self._error)

    def _error(self, message: str) -> None:
        self.status.value = error_html(message)

    def _draw(self, make: Callable[[], Iterable[tuple[widgets.Image, Figure]]]) -> None:
        """Redraw charts just after the current callback returns, so the new numbers reach
        the browser first; a newer change replaces a redraw still waiting. Without a running
        event loop (tests, scripts) the charts are drawn at once."""
        pending = getattr(self, "_pending_draw", None)
        if pending is not None:
            pending.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            self._render(make)
        else:
            self._pending_draw = loop.call_later(DRAW_DELAY_SECONDS, self._render, make)

    def _render(self, make: Callable[[], Iterable[tuple[widgets.Image, Figure]]]) -> None:
        self._pending_draw = None
        layouts = self.__dict__.setdefault("_layouts", {})
        with plots.remembered_layout(layouts):
            for image, figure in make():
                image.value = plots.png_bytes(figure, CHART_DPI, tight=False)
                image.alt = plots.title_of(figure)
                plots.plt.close(figure)


CONTROL_BAR = "workbench-controls"
"""The class of an app's control bar (:func:`controls_over`)."""
_CONTROL_BAR_STYLE = (
    f"<style>.{CONTROL_BAR} {{position: sticky; top: 0; z-index: 5; background: #fff;"
    " padding: 4px 0 6px; border-bottom: 1px solid #d0d0d0;}"
    # a sticky element sticks within its nearest scrolling box: the widget boxes and output
    # areas around the bar scroll their own overflow, so only those holding it let it through
    + ", ".join(
        f"{holder}:has(.{CONTROL_BAR})"
        for holder in (
            ".jupyter-widgets",
            ".jp-OutputArea",
            ".jp-OutputArea-child",
            ".jp-OutputArea-output",
        )
    )
    + " {overflow: visible;}</style>"
)


def controls_over(controls: Iterable[widgets.Widget], charts: Iterable[widgets.Widget]):
    """An app's controls directly above the charts they move, in one section: while the
    charts scroll by, the controls stay at the top of the screen (sticky, within the section
    only, so the tables below get the whole screen), so on a projector at 1024 × 768 a
    control and its chart are always seen together."""
    bar = widgets.VBox([widgets.HTML(_CONTROL_BAR_STYLE), *controls])
    bar.add_class(CONTROL_BAR)
    return widgets.VBox([bar, *charts])


def chart_image() -> widgets.Image:
    """Where an app shows a chart: an image widget whose PNG the app replaces on every
    change. (Voilà shows nothing a deferred callback writes into an ``Output`` widget; an
    image's value is widget state, which reaches the page from any callback.)"""
    return widgets.Image(
        format="png", layout=widgets.Layout(max_width="100%", height="auto", width="auto")
    )


def _message(exc: Exception) -> str:
    """The first line of an error's Norwegian message."""
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def download_links(frame: pd.DataFrame, stem: str) -> str:
    """HTML with a link that downloads ``frame`` as CSV (semicolons, decimal comma, UTF-8
    with BOM, as Norwegian Excel reads it). The data travel inside the link, so no file is
    written on the server."""
    text = frame.to_csv(index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, lineterminator="\n")
    payload = base64.b64encode(text.encode(CSV_ENCODING)).decode("ascii")
    return (
        f"<a download='{html.escape(stem)}.csv' href='data:text/csv;base64,{payload}' "
        "style='margin-right:1em'>⬇ Last ned tabellen (CSV)</a>"
    )


def xlsx_link(frame: pd.DataFrame, stem: str, sheet: str = "Tabell") -> str:
    """HTML with a link that downloads ``frame`` as an Excel workbook."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    payload = base64.b64encode(buffer.getvalue()).decode("ascii")
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return f"<a download='{html.escape(stem)}.xlsx' href='data:{mime};base64,{payload}'>⬇ Last ned (Excel)</a>"


class Downloads:
    """A CSV link that follows the current table, and an Excel link made on request (building
    a workbook on every widget change would slow the app down)."""

    def __init__(self, stem: str):
        self.stem = stem
        self.frame: pd.DataFrame | None = None
        self.csv = widgets.HTML()
        self.excel = widgets.HTML()
        button = widgets.Button(
            description="Lag Excel-fil", icon="file-excel-o", layout=widgets.Layout(width="150px")
        )
        button.on_click(lambda _button: self._make_excel())
        self.widget = widgets.HBox([self.csv, button, self.excel])

    def update(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.csv.value = download_links(frame, self.stem)
        self.excel.value = ""

    def _make_excel(self) -> None:
        if self.frame is not None:
            self.excel.value = xlsx_link(self.frame, self.stem)


class NumberField:
    """A number field that reads ``1,5`` and ``1.5`` alike (whatever the browser's language)
    and shows the number in Norwegian format. A value that is not a number or lies outside
    the field's bounds is refused with a Norwegian message beside the field, and the previous
    value stays.

    Args:
        value: The starting value.
        label: The label, shown above the field so it is never cut.
        on_change: Called after an accepted change.
        minimum, maximum: Bounds, inclusive.
        unit: Shown after the bounds in the message, e.g. ``t/dag``.
        decimals: Decimals shown (the value itself is kept as typed); with 0 the field
            counts whole things (persons) and refuses a fraction rather than round it.
        width: CSS width of the field.
    """

    def __init__(
        self,
        value: float,
        label: str,
        on_change: Callable[[], None],
        *,
        minimum: float = 0.0,
        maximum: float = 1e9,
        unit: str = "",
        decimals: int = 1,
        width: str = "110px",
    ):
        self.value = value
        self.minimum, self.maximum, self.unit, self.decimals = minimum, maximum, unit, decimals
        self._on_change = on_change
        self._quiet = False
        self.text = controls.Text(
            value=self._shown(value),
            continuous_update=False,
            layout=widgets.Layout(width=width),
        )
        self.text.add_class("workbench-number")
        self.message = widgets.HTML()
        self.text.on_refused = self._refused
        self.label = widgets.HTML(f"<span style='font-size:0.9em'>{html.escape(label)}</span>")
        self.text.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [self.label, widgets.HBox([self.text, self.message])],
            layout=widgets.Layout(margin="0 12px 4px 0"),
        )

    def _shown(self, value: float) -> str:
        return formatting.editable(value, self.decimals)

    def set(self, value: float, maximum: float | None = None) -> None:
        """Set the value (and bound) from code, without calling back."""
        if maximum is not None:
            self.maximum = maximum
        self.value = value
        self._quiet = True
        try:
            self.text.value = self._shown(value)
        finally:
            self._quiet = False
        self.message.value = ""

    def _changed(self, change) -> None:
        if self._quiet:
            return
        try:
            value = formatting.parse_number(change["new"])
            if self.decimals == 0 and not value.is_integer():
                raise ValueError(f"«{change['new']}» er ikke et helt tall")
            if not self.minimum <= value <= self.maximum:
                unit = f" {self.unit}" if self.unit else ""
                raise ValueError(
                    f"må være mellom {self._shown(self.minimum)} og "
                    f"{self._shown(self.maximum)}{unit}"
                )
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            self.set_text_only(self.value)
            return
        self.message.value = ""
        self.value = value
        self.set_text_only(value)
        self._on_change()

    def _refused(self, message: str) -> None:
        self.message.value = error_html(message)

    def set_text_only(self, value: float) -> None:
        self._quiet = True
        try:
            self.text.value = self._shown(value)
        finally:
            self._quiet = False


class LazySections:
    """Collapsible sections (an accordion, all closed at first) whose controls are made the
    first time a section is opened, or asked for in code.

    A page opens as fast as the browser can set up its widgets, so controls nobody has
    opened yet are not sent: the housing app's 18 sliders and the calculator's line editors
    wait inside their sections.

    Args:
        titles: One title per section.
        build: Called with a section's index the first time it opens; returns its widgets.
        watch: Called with a section's widgets once made (the app's :meth:`LiveApp.watch`).
    """

    def __init__(
        self,
        titles: Iterable[str],
        build: Callable[[int], list[widgets.Widget]],
        watch: Callable[..., None] | None = None,
    ):
        self._build = build
        self._watch = watch
        titles = list(titles)
        self.boxes = [widgets.VBox() for _ in titles]
        self.built = [False] * len(titles)
        self.widget = controls.Accordion(children=self.boxes, titles=tuple(titles))
        self.widget.observe(self._opened, names="selected_index")

    def _opened(self, change) -> None:
        if change["new"] is not None:
            self.ensure(change["new"])

    def ensure(self, index: int) -> None:
        """Make section ``index``'s controls, if not made yet."""
        if not self.built[index]:
            self.built[index] = True
            self.boxes[index].children = self._build(index)
            if self._watch is not None:
                self._watch(*self.boxes[index].children)

    def set_titles(self, titles: Iterable[str]) -> None:
        self.widget.titles = tuple(titles)

    def replace(self, boxes: list[widgets.VBox], built: list[bool], titles: Iterable[str]) -> None:
        """Show other sections (all closed): each box, whether its controls are made, its title."""
        self.widget.selected_index = None
        self.boxes, self.built = list(boxes), list(built)
        self.widget.children = self.boxes
        self.set_titles(titles)


KEY_FIGURES_SHOWN = 5
"""At most this many key figures in the band at the top of an app."""


def key_figure_band(figures: Iterable[KeyFigure]) -> str:
    """HTML with the key figures as large numbers, each with its label under it (and the
    source's figure, where there is one): what a leader reads first."""
    cells = [
        "<div style='min-width:170px;max-width:260px;margin:0 18px 8px 0'>"
        f"<div style='font-size:1.7em;font-weight:bold;color:#1f3f5b'>"
        f"{html.escape(formatting.with_unit(f.value, f.unit))}</div>"
        f"<div style='font-size:0.9em;color:#333'>{html.escape(f.label)}</div>"
        + (
            f"<div style='font-size:0.85em;color:#555'>Kilden: "
            f"{html.escape(formatting.with_unit(f.source, f.unit))}</div>"
            if f.source is not None
            else ""
        )
        + "</div>"
        for f in list(figures)[:KEY_FIGURES_SHOWN]
    ]
    return f"<div style='display:flex;flex-wrap:wrap;margin:6px 0 10px 0'>{''.join(cells)}</div>"


class PercentSlider:
    """A slider for a share in percent with its label above it (never cut) and its read-out
    in Norwegian (``45,0 %``) beside it.

    Args:
        value: Percent, 0–100.
        label: Shown above the slider.
        on_change: Called with the new percent.
    """

    def __init__(self, value: float, label: str, on_change: Callable[[float], None]):
        self.slider = controls.FloatSlider(
            value=value,
            min=0,
            max=100,
            step=0.5,
            readout=False,
            continuous_update=False,
            layout=widgets.Layout(width="220px"),
        )
        self.readout = widgets.HTML(self._text(value))
        self.slider.observe(lambda change: self._moved(change["new"], on_change), names="value")
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<span style='font-size:0.9em'>{html.escape(label)}</span>"),
                widgets.HBox([self.slider, self.readout]),
            ]
        )

    @staticmethod
    def _text(value: float) -> str:
        return f"<span style='display:inline-block;width:60px'>{formatting.percent(value / 100)}</span>"

    @property
    def value(self) -> float:
        return self.slider.value

    @value.setter
    def value(self, percent: float) -> None:
        self.slider.value = percent

    def _moved(self, percent: float, on_change: Callable[[float], None]) -> None:
        self.readout.value = self._text(percent)
        on_change(percent)
