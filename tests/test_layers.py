"""The folder tree is the architecture: each layer imports exactly the layers it is allowed, and no module
imports itself back through others. Imports inside functions count too: a lazy import is still a dependency.

A layer is a top-level package (its subpackages, such as `preview/schema/`, belong to it), the Function app
in `functions/`, or the program's own `__main__.py`. The allowed edges are the ones the code uses, no more:
an import between layers that is not in the table fails, and so does an edge of the table that nothing
uses, so every new dependency between layers is a decision made here.
"""

from __future__ import annotations

import ast
import graphlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stack.packages import top_level_packages
from tests.support.tree import python_files

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = "__main__"
"""The layer of the program's entry point, `__main__.py` at the root, which Pulumi runs."""
FUNCTION_APP = "functions"
"""The layer of the Function app: its own package, deployed as a zip, whose modules import as `eventgen...`."""
NOT_INSTALLED = frozenset({PROGRAM, FUNCTION_APP, "bench"})
"""The layers an install of the project leaves out; every other layer is an installed package."""

ALLOWED: Mapping[str, frozenset[str]] = {
    PROGRAM: frozenset({"stack", "adf", "components", "preview"}),
    "stack": frozenset(),
    "adf": frozenset({"stack"}),
    "components": frozenset({"stack", "adf"}),
    "foundation": frozenset({"stack", "components"}),
    "preview": frozenset({"stack", "adf"}),
    "policy": frozenset({"stack", "preview"}),
    "deployability": frozenset({"stack", "preview"}),
    "reachability": frozenset({"stack", "adf", "preview"}),
    "rehearsal": frozenset({"stack", "preview", "reachability", "delivery"}),
    "migrations": frozenset({"stack", "adf"}),
    "transitions": frozenset({"stack", "preview"}),
    "delivery": frozenset({"stack"}),
    "ops": frozenset(
        {
            "stack",
            "adf",
            "components",
            "preview",
            "policy",
            "deployability",
            "reachability",
            "rehearsal",
            "migrations",
            "transitions",
            "delivery",
        }
    ),
    "tools": frozenset({FUNCTION_APP}),
    "bench": frozenset({"preview", "tools", FUNCTION_APP}),
    FUNCTION_APP: frozenset(),
}
"""Which layers each layer imports: exactly the edges the code has. The Function app imports nothing of the
platform's; tools and the benchmarks import the Function app's package to package and exercise it."""


@dataclass(frozen=True)
class Module:
    name: str
    """The dotted name Python imports it by."""
    layer: str
    path: Path


def project_modules(root: Path) -> dict[str, Module]:
    """Every module outside the tests, with its layer."""
    modules = {}
    for path in python_files(root):
        relative = path.relative_to(root)
        if relative.parts[0] == "tests":
            continue
        if relative == Path("__main__.py"):
            layer, base = PROGRAM, root
        elif relative.parts[0] == FUNCTION_APP:
            layer, base = FUNCTION_APP, root / FUNCTION_APP  # the app's root is on its sys.path
        else:
            layer, base = relative.parts[0], root
        parts = list(path.relative_to(base).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)
        modules[name] = Module(name, layer, path)
    return modules


@cache
def imported_names(path: Path) -> tuple[tuple[int, str], ...]:
    """Every absolute import in the file, with the names a `from` import may bring in as submodules.

    Read once per file and run: several tests read the whole checkout's imports, and the files do not change."""
    return tuple(_imports(ast.parse(path.read_text(encoding="utf-8"))))


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


@dataclass(frozen=True)
class Edge:
    source: Module
    line: int
    target: str
    layer: str
    """The target's layer."""

    def __str__(self) -> str:
        return f"{self.source.path}:{self.line}: {self.source.layer} imports {self.target}"


def edges(modules: Mapping[str, Module]) -> list[Edge]:
    """Every import from one layer into another."""
    layer_of = {name.split(".")[0]: module.layer for name, module in modules.items() if module.layer != PROGRAM}
    found = []
    for module in sorted(modules.values(), key=lambda module: module.name):
        for line, target in imported_names(module.path):
            layer = layer_of.get(target.split(".")[0])
            if layer is not None and layer != module.layer:
                found.append(Edge(module, line, target, layer))
    return found


def violations(modules: Mapping[str, Module], allowed: Mapping[str, frozenset[str]], root: Path) -> list[str]:
    return [
        str(edge).replace(f"{root}/", "", 1)
        for edge in edges(modules)
        if edge.layer not in allowed.get(edge.source.layer, frozenset())
    ]


def unused(modules: Mapping[str, Module], allowed: Mapping[str, frozenset[str]]) -> set[tuple[str, str]]:
    used = {(edge.source.layer, edge.layer) for edge in edges(modules)}
    return {(layer, other) for layer, others in allowed.items() for other in others} - used


def module_cycle(modules: Mapping[str, Module]) -> list[str] | None:
    graph = {
        name: {target for _, target in imported_names(module.path) if target in modules and target != name}
        for name, module in modules.items()
    }
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_every_layer_imports_only_the_layers_it_is_allowed() -> None:
    assert violations(project_modules(ROOT), ALLOWED, ROOT) == []


def test_every_allowed_edge_is_one_the_code_uses() -> None:
    assert unused(project_modules(ROOT), ALLOWED) == set()


def test_the_layers_are_layered() -> None:
    """No two layers depend on each other, however indirectly, so the table reads top to bottom."""
    assert tuple(graphlib.TopologicalSorter(ALLOWED).static_order())


def test_no_module_imports_itself_back_through_others() -> None:
    assert module_cycle(project_modules(ROOT)) is None


def test_every_module_has_a_layer_and_every_installed_package_is_one() -> None:
    assert {module.layer for module in project_modules(ROOT).values()} == set(ALLOWED)
    assert set(ALLOWED) - NOT_INSTALLED == set(top_level_packages(ROOT))


def test_the_program_and_the_function_app_are_layers_of_their_own() -> None:
    modules = project_modules(ROOT)
    assert modules[PROGRAM].path == ROOT / "__main__.py"
    assert modules["function_app"].layer == modules["eventgen.handlers"].layer == FUNCTION_APP
    assert modules["ops.__main__"].layer == "ops"


def readme_folders(readme: str) -> list[str]:
    """The folders the README's architecture section lists, in its order."""
    section = readme.split("### The repository is the architecture", 1)[1]
    block = section.split("```", 2)[1]
    return re.findall(r"^([a-z_]+)/ ", block, flags=re.MULTILINE)


def test_the_readme_lists_every_layer_below_the_layers_it_imports() -> None:
    folders = readme_folders((ROOT / "README.md").read_text(encoding="utf-8"))
    assert set(folders) == set(ALLOWED) - {PROGRAM} | {"tests"}
    for position, folder in enumerate(folders):
        assert ALLOWED.get(folder, frozenset()) <= set(folders[:position]), folder


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_a_lazy_upward_import_and_the_cycle_it_makes_are_both_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "stack/__init__.py": "",
            "stack/low.py": "def f():\n    from preview import high\n",
            "preview/__init__.py": "",
            "preview/high.py": "import stack.low\n",
        },
    )
    modules = project_modules(tmp_path)
    assert violations(modules, ALLOWED, tmp_path) == [
        "stack/low.py:2: stack imports preview",
        "stack/low.py:2: stack imports preview.high",
    ]
    assert set(module_cycle(modules) or []) == {"stack.low", "preview.high"}


def test_the_function_app_and_the_program_reaching_into_the_platform_are_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "stack/__init__.py": "",
            "stack/config.py": "",
            "ops/__init__.py": "",
            "ops/plan.py": "",
            "functions/function_app.py": "from eventgen import handlers\n",
            "functions/eventgen/__init__.py": "",
            "functions/eventgen/handlers.py": "def settings():\n    from stack.config import load_config\n",
            "__main__.py": "import ops.plan\n",
        },
    )
    assert violations(project_modules(tmp_path), ALLOWED, tmp_path) == [
        "__main__.py:1: __main__ imports ops.plan",
        "functions/eventgen/handlers.py:2: functions imports stack.config",
        "functions/eventgen/handlers.py:2: functions imports stack.config.load_config",
    ]


def test_an_allowed_edge_that_nothing_uses_is_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "stack/__init__.py": "",
            "adf/__init__.py": "import stack\n",
            "components/__init__.py": "import adf\n",
        },
    )
    allowed = {"stack": frozenset(), "adf": frozenset({"stack"}), "components": frozenset({"stack", "adf"})}
    assert unused(project_modules(tmp_path), allowed) == {("components", "stack")}
