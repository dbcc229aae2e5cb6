"""The contract every analysis keeps, as types, and the check that it does.

An analysis (:class:`~workbench.analyses.spec.Analysis`) is a package
``workbench/analyses/<key>/`` whose modules the batch, validation, apps, deliverables and the
all-municipalities tables use by name. :data:`PARTS` lists those modules; each one whose names
a caller uses has a :class:`~typing.Protocol` here saying which names, called how:

- ``settings.py``: the pydantic model ``SPEC.settings`` names (a
  :class:`~workbench.models.StrictModel`, defined in this module), whose
  ``template(new)`` gives the settings ``workbench new`` writes for a new municipality;
- ``load.py``: :class:`LoadModule`;
- ``engine.py``: the pure computation; no name is required (its report and app call it);
- ``report.py``: :class:`ReportModule`;
- ``charts.py``: its charts; no name is required (its report and app draw with them);
- ``app.py``: :class:`AppModule`;
- ``deliver.py``: :class:`DeliverModule`;
- ``fleet.py``: :class:`FleetModule`.

A Protocol's ``isinstance`` check only asks whether the names are there; :func:`conformance`
also asks whether each function can be called the way its callers call it (through
:func:`inspect.signature`), and lists what is missing or wrong. ``tests/test_contract.py`` runs
it over every registered analysis. Nothing imports this module at run time, so it costs
``import workbench`` and ``workbench --help`` nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from workbench.analyses.spec import Analysis
    from workbench.deck import Slide
    from workbench.fleet import Municipal
    from workbench.formatting import Table
    from workbench.outputs import KeyFigure, ReportOutput
    from workbench.session import Session


@runtime_checkable
class LoadModule(Protocol):
    """``load.py``: the analysis's validated inputs (files read, sources recorded).

    Validation, the fleet and the apps call ``load(session)``; an analysis may take more
    options (the calculator's ``package_file``) if each has a default.
    """

    def load(self, session: Session, /) -> Any: ...


@runtime_checkable
class ReportModule(Protocol):
    """``report.py``: one function per table or figure its report notebook shows, and these two.

    ``key_figures`` gives the figures for ``nokkeltall.json``; its arguments are the
    analysis's own (its notebook calls it with its inputs and results). ``engine_table``
    shows an engine's own table under Norwegian headers («Under panseret»).
    """

    key_figures: Callable[..., list[KeyFigure]]

    def engine_table(self, frame: pd.DataFrame, /) -> Table: ...


class App(Protocol):
    """What :func:`AppModule.build` returns: the app shell shows its ``widget``."""

    widget: Any


@runtime_checkable
class AppModule(Protocol):
    """``app.py``: the widget app its Voilà notebook shows.

    The app shell calls ``build(session, inputs)``, with ``inputs`` None when the app is to
    load them itself.
    """

    def build(self, session: Session, inputs: Any, /) -> App: ...


@runtime_checkable
class DeliverModule(Protocol):
    """``deliver.py``: its slides in the deck, read from the written report folder."""

    def slides(self, output: ReportOutput, /) -> list[Slide]: ...


@runtime_checkable
class FleetModule(Protocol):
    """``fleet.py``: its part of the tables for all municipalities (``workbench fleet``).

    ``stack`` groups the municipalities that set the analysis up (equal inputs computed once);
    ``compute`` makes its tables from that, each with a ``municipality`` column; ``FILES``
    names each table's CSV file (table → file name without ``.csv``) and ``HEADERS`` gives
    the Norwegian header for each column.
    """

    FILES: Mapping[str, str]
    HEADERS: Mapping[str, str]

    def stack(self, members: list[Municipal], /) -> Any: ...

    def compute(self, stacked: Any, /) -> dict[str, pd.DataFrame]: ...


PARTS: dict[str, type | None] = {
    "settings": None,  # holds SPEC.settings: checked against the Analysis, not by a Protocol
    "load": LoadModule,
    "engine": None,
    "report": ReportModule,
    "charts": None,
    "app": AppModule,
    "deliver": DeliverModule,
    "fleet": FleetModule,
}
"""Every module an analysis has, and the Protocol its names follow (None: no name required)."""


def conformance(analysis: Analysis) -> list[str]:
    """What ``analysis`` lacks of the contract, one message per problem (none: it conforms).

    Imports each of its modules (matplotlib and the widgets with them): for tests and
    checks, not for the run-time path.
    """
    problems = []
    for name, protocol in PARTS.items():
        where = f"analysis {analysis.key!r}, {name}.py"
        try:
            module = analysis.part(name)
        except ModuleNotFoundError as exc:
            if exc.name == f"workbench.analyses.{analysis.key}.{name}":
                problems.append(
                    f"{where}: missing module" + (f" ({protocol.__name__})" if protocol else "")
                )
            else:
                problems.append(f"{where}: cannot be imported ({exc})")
            continue
        except ImportError as exc:
            problems.append(f"{where}: cannot be imported ({exc})")
            continue
        if name == "settings":
            problems += _settings_problems(analysis, module, where)
        if protocol is not None:
            problems += [f"{where}: {p}" for p in _protocol_problems(protocol, module)]
    return problems


def _settings_problems(analysis: Analysis, module: Any, where: str) -> list[str]:
    from workbench.models import StrictModel

    model = analysis.settings
    if not (isinstance(model, type) and issubclass(model, StrictModel)):
        return [f"{where}: SPEC.settings is {model!r}, not a StrictModel"]
    if getattr(module, model.__name__, None) is not model:
        return [f"{where}: does not define {model.__name__} (SPEC.settings)"]
    template = getattr(model, "template", None)
    if not callable(template):
        return [f"{where}: {model.__name__} has no template(new) for workbench new"]
    from workbench.models import NewMunicipality

    made = template(NewMunicipality("municipalities/0000-ny", comparisons=True))
    if not isinstance(made, model):
        return [f"{where}: {model.__name__}.template(new) gives {type(made).__name__}"]
    return []


def members(protocol: type) -> list[str]:
    """The names a Protocol asks for: its annotated attributes, then its methods."""
    methods = [n for n, v in vars(protocol).items() if inspect.isfunction(v) and n[0] != "_"]
    return [*protocol.__annotations__, *methods]


def _protocol_problems(protocol: type, module: Any) -> list[str]:
    problems = []
    for member in members(protocol):
        required = getattr(protocol, member, None)
        if member in protocol.__annotations__:
            annotation = protocol.__annotations__[member]
            if not hasattr(module, member):
                problems.append(f"missing {member}: {annotation} ({protocol.__name__})")
                continue
            problem = _value_problem(member, annotation, getattr(module, member))
        elif not hasattr(module, member):
            problems.append(f"missing {member}{_bare(required)} ({protocol.__name__})")
            continue
        else:
            problem = _call_problem(member, required, getattr(module, member))
        if problem:
            problems.append(f"{problem} ({protocol.__name__})")
    return problems


def _value_problem(name: str, annotation: str, value: Any) -> str | None:
    """What is wrong with a data member (annotations are strings: ``from __future__``)."""
    if annotation.startswith("Callable"):
        return None if callable(value) else f"{name} is {type(value).__name__}, not {annotation}"
    if annotation == "Mapping[str, str]":
        if not isinstance(value, Mapping):
            return f"{name} is {type(value).__name__}, not {annotation}"
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return f"{name} has keys or values that are not text, not {annotation}"
    return None


def _bare(function: Callable, *, drop_self: bool = True) -> str:
    """A signature without annotations (and without a Protocol method's ``self``)."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1 if drop_self else 0 :]
    return str(inspect.Signature([p.replace(annotation=p.empty) for p in parameters]))


def _call_problem(name: str, required: Callable, value: Any) -> str | None:
    """Why ``value`` cannot be called the way the Protocol method ``required`` says its
    callers call it: positional-only parameters by position, keyword-only ones by name
    (``*args`` and ``**kwargs`` stand for nothing required). None: it can."""
    if not callable(value):
        return f"{name} is {type(value).__name__}, not callable"
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # no signature to read (a builtin): callable is all we know
        return None
    parameters = list(inspect.signature(required).parameters.values())[1:]
    args = [p.name for p in parameters if p.kind is p.POSITIONAL_ONLY]
    kwargs = {p.name: p.name for p in parameters if p.kind is p.KEYWORD_ONLY}
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        call = ", ".join([*args, *(f"{k}=…" for k in kwargs)])
        return f"{name}{_bare(value, drop_self=False)} cannot be called as {name}({call}): {exc}"
    return None
