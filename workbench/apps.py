"""What every widget app shares: muting callbacks while widgets are set in code, Norwegian
error messages instead of tracebacks, and redrawing charts into their ``Output``."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterable, Iterator

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure

from workbench import plots

ERROR_STYLE = "color:#b00020"


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

    def _error(self, message: str) -> None:
        self.status.value = f"<span style='{ERROR_STYLE}'>{html.escape(message)}</span>"

    @staticmethod
    def _draw(charts: Iterable[tuple[widgets.Output, Figure]]) -> None:
        """Replace each output's chart with a new figure and free the old one."""
        for output, figure in charts:
            with output:
                output.clear_output(wait=True)
                display(figure)
            plots.plt.close(figure)
