"""The analysis contract (:mod:`workbench.analyses.contract`): every registered analysis keeps
it, and an analysis that does not is told, by module and name, what it lacks."""

import importlib
import sys
import textwrap
from types import SimpleNamespace

import pytest

import workbench.analyses
from workbench.analyses import ANALYSES
from workbench.analyses.contract import PARTS, conformance, members
from workbench.analyses.spec import Analysis
from workbench.models import StrictModel


@pytest.mark.parametrize("key", list(ANALYSES))
def test_every_analysis_keeps_the_contract(key):
    assert conformance(ANALYSES[key]) == []


@pytest.mark.parametrize("key", list(ANALYSES))
def test_its_modules_are_what_the_protocols_say(key):
    for name, protocol in PARTS.items():
        module = ANALYSES[key].part(name)
        if protocol is not None:
            assert isinstance(module, protocol), name


class FakeSettings(StrictModel):
    @classmethod
    def template(cls, new) -> "FakeSettings":
        return cls()


def _complete() -> dict[str, SimpleNamespace]:
    """An analysis's modules as namespaces, each name the contract asks for there."""
    return {
        "settings": SimpleNamespace(FakeSettings=FakeSettings),
        "load": SimpleNamespace(load=lambda session, package_file="": None),
        "engine": SimpleNamespace(),
        "report": SimpleNamespace(
            key_figures=lambda inputs, results: [], engine_table=lambda frame, *, names=None: frame
        ),
        "charts": SimpleNamespace(),
        "app": SimpleNamespace(build=lambda session, inputs=None: None),
        "deliver": SimpleNamespace(slides=lambda output: []),
        "fleet": SimpleNamespace(
            FILES={"fake": "fake"},
            HEADERS={"year": "År"},
            stack=lambda members: members,
            compute=lambda stacked: {},
        ),
    }


class FakeAnalysis:
    key = "fake"
    settings = FakeSettings

    def __init__(self, modules: dict[str, SimpleNamespace]):
        self.modules = modules

    def part(self, name):
        if name not in self.modules:
            raise ModuleNotFoundError(name, name=f"workbench.analyses.fake.{name}")
        return self.modules[name]


def test_a_complete_fake_conforms():
    assert conformance(FakeAnalysis(_complete())) == []


class UntemplatedSettings(StrictModel):
    pass


class UntemplatedAnalysis(FakeAnalysis):
    settings = UntemplatedSettings


def test_settings_without_a_template_for_workbench_new_are_named():
    modules = _complete()
    modules["settings"] = SimpleNamespace(UntemplatedSettings=UntemplatedSettings)
    assert conformance(UntemplatedAnalysis(modules)) == [
        "analysis 'fake', settings.py: UntemplatedSettings has no template(new) for workbench new"
    ]


REQUIRED = [
    (part, member)
    for part, protocol in PARTS.items()
    if protocol is not None
    for member in members(protocol)
]


def test_the_protocols_ask_for_what_the_callers_use():
    assert sorted(REQUIRED) == sorted(
        [
            ("load", "load"),
            ("report", "key_figures"),
            ("report", "engine_table"),
            ("app", "build"),
            ("deliver", "slides"),
            ("fleet", "FILES"),
            ("fleet", "HEADERS"),
            ("fleet", "stack"),
            ("fleet", "compute"),
        ]
    )


@pytest.mark.parametrize(("part", "member"), REQUIRED)
def test_a_missing_name_is_named(part, member):
    modules = _complete()
    delattr(modules[part], member)
    [problem] = conformance(FakeAnalysis(modules))
    assert problem.startswith(f"analysis 'fake', {part}.py: missing {member}")


@pytest.mark.parametrize("part", list(PARTS))
def test_a_missing_module_is_named(part):
    modules = _complete()
    del modules[part]
    [problem] = conformance(FakeAnalysis(modules))
    assert problem.startswith(f"analysis 'fake', {part}.py: missing module")


def test_names_there_but_not_callable_as_the_callers_call_them():
    modules = _complete()
    modules["load"].load = lambda session, year: None  # validation passes the session alone
    modules["app"].build = lambda session: None  # the app shell passes (session, inputs)
    modules["report"].key_figures = "nokkeltall"
    modules["fleet"].HEADERS = [("year", "År")]
    del modules["settings"].FakeSettings
    assert conformance(FakeAnalysis(modules)) == [
        "analysis 'fake', settings.py: does not define FakeSettings (SPEC.settings)",
        "analysis 'fake', load.py: load(session, year) cannot be called as load(session): "
        "missing a required argument: 'year' (LoadModule)",
        "analysis 'fake', report.py: key_figures is str, not Callable[..., list[KeyFigure]] "
        "(ReportModule)",
        "analysis 'fake', app.py: build(session) cannot be called as build(session, inputs): "
        "too many positional arguments (AppModule)",
        "analysis 'fake', fleet.py: HEADERS is list, not Mapping[str, str] (FleetModule)",
    ]


@pytest.fixture
def sketch(tmp_path, monkeypatch):
    """A throwaway analysis package ``workbench.analyses.sketch`` in ``tmp_path``, imported
    the way :meth:`Analysis.part` imports the real ones."""
    package = tmp_path / "sketch"
    package.mkdir()
    files = {
        "__init__.py": "",
        "settings.py": """
            from workbench.models import StrictModel

            class SketchSettings(StrictModel):
                year: int = 2024

                @classmethod
                def template(cls, new):
                    return cls()
        """,
        "load.py": "def load(session, year):\n    return year\n",
        "engine.py": "",
        "report.py": "def key_figures(result):\n    return []\n",
        "app.py": "def build(session, inputs=None):\n    return None\n",
        "deliver.py": "def slides(output):\n    return []\n",
        "fleet.py": 'FILES = {"sketch": "skisse"}\n\ndef stack(members):\n    return members\n',
    }
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.setattr(
        workbench.analyses, "__path__", [*workbench.analyses.__path__, str(tmp_path)]
    )
    importlib.invalidate_caches()
    from workbench.analyses.sketch.settings import SketchSettings

    yield Analysis("sketch", "Skisse", "sketch.ipynb", SketchSettings, "Skisse", "En skisse.")
    for name in [m for m in sys.modules if m.startswith("workbench.analyses.sketch")]:
        del sys.modules[name]
    if hasattr(workbench.analyses, "sketch"):
        del workbench.analyses.sketch


def test_an_incomplete_package_is_told_what_it_lacks(sketch):
    assert conformance(sketch) == [
        "analysis 'sketch', load.py: load(session, year) cannot be called as load(session): "
        "missing a required argument: 'year' (LoadModule)",
        "analysis 'sketch', report.py: missing engine_table(frame, /) (ReportModule)",
        "analysis 'sketch', charts.py: missing module",
        "analysis 'sketch', fleet.py: missing HEADERS: Mapping[str, str] (FleetModule)",
        "analysis 'sketch', fleet.py: missing compute(stacked, /) (FleetModule)",
    ]
