"""Could this ADF Studio folder be deployed, file by file? What `ops adf check` runs.

The onboarding tool for a team's existing repository: the loader's checks and the provider-schema
check of each item's azure-native inputs, without this platform's SQL catalog, policy or overrides.
A file that is fine itself but references a refused file is refused too, naming that file. A content rule that
ADF's own accepted content breaks only warns (adf/rules): the warning is listed with the file, which stays deployable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adf.layout import studio_root
from adf.load import inspect_content
from adf.model import AdfItem
from preview.schema import check_inputs
from stack.errors import InputError


class FolderNotDeployableError(InputError):
    """Some files of the folder cannot be deployed; the report says which, and why."""


@dataclass
class FileReport:
    path: str
    """`<kind>/<file>.json`, relative to the folder checked."""
    problems: list[str] = field(default_factory=list)
    route: str | None = None
    """How it deploys when it can: `typed`, or `ARM deployment: <why>` (adf/lossless.py)."""
    warnings: list[str] = field(default_factory=list)
    """Content rule findings that do not refuse it (ADF accepted such content), each naming the evidence."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class FolderReport:
    files: list[FileReport]
    problems: list[str]
    """Problems of the folder itself (unknown folders, files that are not .json)."""
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.files)

    def error(self) -> FolderNotDeployableError | None:
        """What the report means for the caller: None when every file can be deployed."""
        if self.ok:
            return None
        refused = sum(not f.ok for f in self.files)
        problems = f" and {len(self.problems)} problem(s) of the folder itself" if self.problems else ""
        return FolderNotDeployableError(f"{refused} of {len(self.files)} file(s) cannot be deployed{problems}")

    def document(self) -> dict[str, Any]:
        return {
            "files": [
                {
                    "path": f.path,
                    "ok": f.ok,
                    "deploy": f.route if f.ok else None,
                    "problems": f.problems,
                    "warnings": f.warnings,
                }
                for f in self.files
            ],
            "problems": self.problems,
        }


def check_folder(root: Path) -> FolderReport:
    """Every problem of every file under `root`, grouped by file."""
    given, root = root, studio_root(root)
    found, items, _overrides = inspect_content(root, with_overrides=False, typed_check=check_inputs)
    if root != given:
        found.notes.insert(0, f"checked {root}: the ADF Studio root folder in {given}")
    by_file: dict[str, list[str]] = {file: [] for file in found.files}
    warned: dict[str, list[str]] = {file: [] for file in found.files}
    general: list[str] = []

    def add(problem: str, into: dict[str, list[str]]) -> None:
        file = next((f for f in into if problem.startswith(f"{f}:")), None)
        (into[file] if file is not None else general).append(problem)

    for problem in found.problems:
        add(problem, by_file)
    for warning in found.warnings:
        add(warning, warned)
    _refuse_dependents(items, by_file)
    routes = {item.file: found.routes.get((item.kind, item.name.lower())) for item in items}
    prefix = f"{root.name}/"
    files = [
        FileReport(
            file.removeprefix(prefix),
            problems,
            route.describe() if (route := routes.get(file)) else None,
            warned[file],
        )
        for file, problems in by_file.items()
    ]
    return FolderReport(sorted(files, key=lambda f: f.path), general, found.summary())


def _refuse_dependents(items: list[AdfItem], by_file: dict[str, list[str]]) -> None:
    """A file that references a refused file cannot be deployed either (until nothing changes)."""
    by_key = {(item.kind, item.name.lower()): item for item in items}
    changed = True
    while changed:
        changed = False
        for item in items:
            if by_file.get(item.file):
                continue
            for ref in item.references():
                target = by_key.get((ref.kind, ref.name.lower()))
                if target is not None and target is not item and by_file.get(target.file):
                    by_file[item.file].append(
                        f"{item.file}: {ref.path}: references {target.file}, which cannot be deployed "
                        "(see its problems)"
                    )
                    changed = True
                    break
