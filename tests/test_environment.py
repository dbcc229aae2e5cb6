"""pyproject.toml is the one place versions are pinned; environment.yml must match it."""

import re
import tomllib

import yaml
from conftest import REPO


def pinned_in_pyproject() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [
        d for group in project["optional-dependencies"].values() for d in group
    ]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([\w.]+)", spec)
        assert match, f"{spec}: pin every dependency with == in pyproject.toml"
        pins[match[1].lower()] = match[2]
    return pins


def pinned_in_environment() -> dict[str, str]:
    environment = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and entry not in ("pip",) and not entry.startswith("python="):
            name, _, version = entry.partition("=")
            pins[name.lower()] = version
    return pins


def test_environment_yml_matches_pyproject():
    assert pinned_in_environment() == pinned_in_pyproject()


def test_every_package_the_code_imports_is_declared():
    """A module imported by the package, its tests or benchmarks comes from the standard
    library, the project itself, or a distribution pinned in pyproject.toml (so the lock and
    environment.yml cover it)."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    ours = {"workbench", "conftest"} | {
        path.stem for folder in ("tests", "benchmarks") for path in (REPO / folder).glob("*.py")
    }
    providers = packages_distributions()
    pinned = {name.replace("-", "_") for name in pinned_in_pyproject()}
    undeclared = set()
    for folder in ("workbench", "tests", "benchmarks"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in ours:
                        continue
                    dists = {d.lower().replace("-", "_") for d in providers.get(top, [top])}
                    if not dists & pinned:
                        undeclared.add(f"{top} ({path.relative_to(REPO)})")
    assert not undeclared, sorted(undeclared)


def test_the_lock_pins_every_package_at_pyprojects_version():
    """requirements.lock (pip-compile, `make lock`) pins the whole environment; the packages
    pyproject.toml names are pinned there at the same versions."""
    locked = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([\w.]+)", line.strip())
        if match:
            locked[match[1].lower().replace("_", "-")] = match[2]
    pinned = {name.replace("_", "-"): v for name, v in pinned_in_pyproject().items()}
    assert {name: locked.get(name) for name in pinned} == pinned
    assert len(locked) > len(pinned)  # dependencies of dependencies too
