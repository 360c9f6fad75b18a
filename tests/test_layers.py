"""The folder tree is the architecture: each package imports only the layers below it, and no module imports
itself back through others. Imports inside functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ALLOWED: dict[str, set[str]] = {
    "stack": set(),
    "adf": {"stack"},
    "components": {"stack", "adf"},
    "preview": {"stack", "adf"},
    "policy": {"stack", "preview"},
    "deployability": {"stack", "preview"},
    "reachability": {"stack", "preview"},
    "migrations": {"stack", "adf"},
    "ops": {"stack", "adf", "components", "preview", "policy", "deployability", "reachability", "migrations"},
    "tools": {"stack", "preview", "components"},
    "bench": {"stack", "adf", "components", "preview", "policy", "migrations", "ops", "tools"},
}
"""Which project packages each package may import; the program's own `__main__.py` sits above them all."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in ALLOWED
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute import in the file, with the names a `from` import may bring in as submodules."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def package_violations(modules: dict[str, Path]) -> list[str]:
    found = []
    for name, path in sorted(modules.items()):
        own = name.split(".")[0]
        for line, target in imported_names(path):
            other = target.split(".")[0]
            if other in ALLOWED and other != own and other not in ALLOWED[own]:
                found.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {target}")
    return found


def module_cycle(modules: dict[str, Path]) -> list[str] | None:
    graph = {
        name: {target for _, target in imported_names(path) if target in modules and target != name}
        for name, path in modules.items()
    }
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_every_package_imports_only_the_layers_below_it() -> None:
    assert package_violations(project_modules()) == []


def test_no_module_imports_itself_back_through_others() -> None:
    assert module_cycle(project_modules()) is None


def test_every_project_package_has_a_place_in_the_layers() -> None:
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "functions"}
    assert packages == set(ALLOWED)


@pytest.fixture
def broken_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A two-package tree where the lower layer reaches up, lazily, inside a function."""
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "__init__.py").write_text("")
    (tmp_path / "stack" / "low.py").write_text("def f():\n    from preview import high\n")
    (tmp_path / "preview").mkdir()
    (tmp_path / "preview" / "__init__.py").write_text("")
    (tmp_path / "preview" / "high.py").write_text("import stack.low\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    return tmp_path


def test_a_lazy_upward_import_and_the_cycle_it_makes_are_both_found(broken_tree: Path) -> None:
    modules = {name: path for name, path in project_modules().items() if name.split(".")[0] in {"stack", "preview"}}
    assert package_violations(modules) == [
        "stack/low.py:2: stack imports preview",
        "stack/low.py:2: stack imports preview.high",
    ]
    assert set(module_cycle(modules) or []) == {"stack.low", "preview.high"}
