"""The install is honest: what the code imports is declared, and what is installed meets
the declared floors (as osmnx's ``verify_min_deps`` checks)."""

from __future__ import annotations

import ast
import importlib.metadata as md
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]


def _imports(folder: Path) -> set[str]:
    """Top-level names of every absolute import in the ``.py`` files under ``folder``."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def _third_party(names: set[str]) -> dict[str, set[str]]:
    """Import name -> the distributions that provide it, for non-stdlib, non-project names."""
    provides = md.packages_distributions()
    out = {}
    for name in sorted(names - set(sys.stdlib_module_names) - {"dashboard", "tests", "__future__"}):
        out[name] = {canonicalize_name(d) for d in provides.get(name, [])}
    return out


@pytest.mark.parametrize("requirement", RUNTIME + TEST, ids=str)
def test_installed_versions_meet_the_declared_floors(requirement: Requirement) -> None:
    if requirement.marker is not None and not requirement.marker.evaluate():
        pytest.skip(f"{requirement} does not apply on this platform")
    installed = md.version(requirement.name)
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"{requirement.name} {installed} is installed, pyproject.toml asks {requirement}")


def test_every_package_the_app_imports_is_a_declared_dependency() -> None:
    declared = {canonicalize_name(r.name) for r in RUNTIME}
    missing = {name: dists for name, dists in _third_party(_imports(ROOT / "dashboard")).items()
               if not dists & declared}
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"


def test_every_package_the_tests_and_benches_import_is_declared() -> None:
    declared = {canonicalize_name(r.name) for r in RUNTIME + TEST}
    used = _imports(ROOT / "tests") | _imports(ROOT / "bench") | _imports(ROOT / "docs")
    # bench's own modules, also as ``bench.synth`` (tests build synthetic data with it)
    local = {p.stem for p in (ROOT / "bench").glob("*.py")} | {"conftest", "bench"}
    missing = {name: dists for name, dists in _third_party(used - local).items()
               if not dists & declared}
    assert not missing, f"imported by tests/bench/docs but not declared: {missing}"
