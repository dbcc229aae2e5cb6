"""The apps' controls: ipywidgets' own, refusing from the page what no person could choose.

A page changes a control by sending its new state to the kernel, and ipywidgets sets
whatever arrives. The browser only ever sends what its control allows, but a hand-made
client can send anything: NaN to a slider (ipywidgets keeps it, and the figures become NaN),
an empty choice to a dropdown (the app then fails on ``None``), or another property
altogether. Each control here accepts from the page only the property a person changes,
with a value the control could show; anything else is refused, the page is sent the
control's current state back, and the app shows a Norwegian message (see
:meth:`workbench.apps.LiveApp.watch`). Values set from code are not checked here: the apps
set only what they computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Integral, Real

import ipywidgets as widgets

from workbench import formatting

TEXT_LIMIT = 200
"""The longest text a page may send to a text field (a package's name)."""


class Guarded:
    """Mixin: a control that refuses, from the page, anything :meth:`problem` objects to."""

    changes_from_page: tuple[str, ...] = ("value",)
    on_refused: Callable[[str], None] | None = None

    def set_state(self, sync_data: dict) -> None:
        """What the page sends (ipywidgets' public entry for a client's update)."""
        problem = next(filter(None, (self.problem(k, v) for k, v in sync_data.items())), "")
        if problem:
            self.send_state()  # the page shows the control as it still is
            name = getattr(self, "description", "") or "Feltet"
            if self.on_refused is not None:
                self.on_refused(f"«{name}»: {problem}. Forrige verdi er beholdt.")
            return
        super().set_state(sync_data)

    def problem(self, key: str, value) -> str:
        """Why the page may not set ``key`` to ``value``, or empty where it may."""
        if key not in self.changes_from_page:
            return f"kan ikke endre «{key}» fra siden"
        return self.value_problem(value)

    def value_problem(self, value) -> str:
        return ""


def number_problem(value) -> str:
    if isinstance(value, bool) or not isinstance(value, Real):
        return "verdien er ikke et tall"
    if not math.isfinite(value):
        return "verdien er ikke et endelig tall"
    return ""


def index_problem(value, count: int) -> str:
    if isinstance(value, bool) or not isinstance(value, Integral):
        return "valget finnes ikke"
    if not 0 <= value < count:
        return "valget finnes ikke"
    return ""


class Bounded(Guarded):
    """A number between the control's ``min`` and ``max`` (whole for the integer controls):
    a person dragging a slider stops at its ends, so the page never sends beyond them."""

    whole = False

    def value_problem(self, value) -> str:
        problem = number_problem(value)
        if problem:
            return problem
        if self.whole and not float(value).is_integer():
            return "verdien er ikke et helt tall"
        if not self.min <= value <= self.max:
            if self.whole:  # a year or an age: no thousands separator
                low, high = str(self.min), str(self.max)
            else:
                low, high = (formatting.editable(end, 1) for end in (self.min, self.max))
            return f"må være mellom {low} og {high}"
        return ""


class FloatSlider(Bounded, widgets.FloatSlider):
    pass


class IntSlider(Bounded, widgets.IntSlider):
    whole = True


class BoundedIntText(Bounded, widgets.BoundedIntText):
    whole = True


class Text(Guarded, widgets.Text):
    def value_problem(self, value) -> str:
        if not isinstance(value, str):
            return "verdien er ikke tekst"
        if len(value) > TEXT_LIMIT:
            return f"teksten er lengre enn {TEXT_LIMIT} tegn"
        return ""


class Dropdown(Guarded, widgets.Dropdown):
    """A choice among the options; the page may not leave it empty."""

    changes_from_page = ("index",)

    def value_problem(self, value) -> str:
        return index_problem(value, len(self.options))


class SelectMultiple(Guarded, widgets.SelectMultiple):
    changes_from_page = ("index",)

    def value_problem(self, value) -> str:
        if not isinstance(value, list | tuple):
            return "valget finnes ikke"
        return next(filter(None, (index_problem(i, len(self.options)) for i in value)), "")


class Accordion(Guarded, widgets.Accordion):
    """Sections a person opens (one at a time) or closes all of."""

    changes_from_page = ("selected_index",)

    def value_problem(self, value) -> str:
        return "" if value is None else index_problem(value, len(self.children))


def watch(roots, show: Callable[[str], None]) -> None:
    """Have every guarded control under ``roots`` (widgets, searched through their
    children) show its refusals with ``show``, unless it shows them itself already."""
    stack = list(roots)
    while stack:
        widget = stack.pop()
        if isinstance(widget, Guarded) and widget.on_refused is None:
            widget.on_refused = show
        stack.extend(getattr(widget, "children", ()) or ())
