"""What a table, figure, sheet or slide says about illustrative numbers, from the files it is
built from.

Two kinds of wording, never mixed up:

- a fictional municipality: «ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune»;
- a real municipality with some illustrative inputs: which inputs they are, and what the
  rest is, e.g. «ILLUSTRATIVE INNDATA: beboere per boligtrinn og årsverk og kostnad per beboer
  er illustrative; befolkningen er reelle tall».

Inputs calibrated to a source's published results (status ``calibrated``) are named as such,
never as illustrative: «KALIBRERTE INNDATA: beboere per boligtrinn … er kalibrert mot kildens
sammendrag; befolkningen er reelle tall».

A real municipality whose table is built only from real or derived data gets no mark at all.
The mark is a plain string, empty when there is nothing to say, so ``if mark:`` reads as
"is this illustrative".
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.provenance import Provenance

FICTIONAL_HEAD = "ILLUSTRATIVE TALL"
INPUTS_HEAD = "ILLUSTRATIVE INNDATA"
CALIBRATED_HEAD = "KALIBRERTE INNDATA"
BOTH_HEAD = "KALIBRERTE OG ILLUSTRATIVE INNDATA"
HEADS = (FICTIONAL_HEAD, INPUTS_HEAD, CALIBRATED_HEAD, BOTH_HEAD)
"""Every way a mark begins (a text cell or shape is a mark when it starts with one)."""


def marking(fictional: bool, name: str, sources: Iterable[Provenance]) -> str:
    """The mark for something built from ``sources`` in municipality ``name``.

    Args:
        fictional: The municipality is fictional (everything it shows is illustrative).
        name: The municipality's name, for the fictional wording.
        sources: The data files the table or figure is computed from.
    """
    if fictional:
        return f"{FICTIONAL_HEAD} – {name} er en fiktiv kommune"
    sources = list(dict.fromkeys(sources))
    illustrative = _whats(s for s in sources if s.illustrative)
    calibrated = _whats(s for s in sources if s.status == "calibrated")
    if not illustrative and not calibrated:
        return ""
    parts = []
    if calibrated:
        parts.append(f"{_joined(calibrated)} er kalibrert mot kildens sammendrag")
    if illustrative:
        parts.append(f"{_joined(illustrative)} er illustrative")
    real = _whats(s for s in sources if s.status == "real")
    derived = _whats(s for s in sources if s.status == "derived")
    if real:
        parts.append(f"{_joined(real)} er reelle tall")
    if derived:
        parts.append(f"{_joined(derived)} er avledet av kildene")
    head = (
        BOTH_HEAD if calibrated and illustrative else CALIBRATED_HEAD if calibrated else INPUTS_HEAD
    )
    return f"{head}: {'; '.join(parts)}"


def is_mark(text: str) -> bool:
    """The text is a mark (begins as :func:`marking` begins one)."""
    return text.startswith(HEADS)


def is_fictional_mark(mark: str) -> bool:
    return mark.startswith(FICTIONAL_HEAD)


def _whats(sources: Iterable[Provenance]) -> list[str]:
    return list(dict.fromkeys(s.what for s in sources))


def _joined(words: list[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} og {words[-1]}"
