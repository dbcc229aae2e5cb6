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
