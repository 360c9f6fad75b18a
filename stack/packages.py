"""The project's Python packages, found the way the build finds them.

pyproject.toml's `[tool.setuptools.packages.find]` is the one list: the build installs what it finds, and
everything else that needs the packages (the layers test, the program copy in preview/plan.py) reads it here,
through setuptools' own finder, so no second list can drift from what an install holds.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

PYPROJECT = "pyproject.toml"


def _find_settings(root: Path) -> dict[str, Any]:
    with (root / PYPROJECT).open("rb") as file:
        packages = tomllib.load(file).get("tool", {}).get("setuptools", {}).get("packages")
    if not isinstance(packages, dict) or not isinstance(packages.get("find"), dict):
        raise ValueError(
            f"{root / PYPROJECT}: [tool.setuptools.packages.find] is missing; the packages are found, not listed"
        )
    settings: dict[str, Any] = packages["find"]
    return settings


def project_packages(root: Path) -> tuple[str, ...]:
    """Every package the build of the project in `root` installs, subpackages included (`preview.schema`), sorted."""
    # setuptools is part of the deploy set (requirements.txt) but slow to import; only callers that list
    # the packages pay for it, not the program.
    from setuptools import find_namespace_packages, find_packages  # type: ignore[import-untyped]  # no stubs

    settings = _find_settings(root)
    finder = find_namespace_packages if settings.get("namespaces", True) else find_packages
    found: list[str] = []
    for where in settings.get("where", ["."]):
        found += finder(str(root / where), include=settings.get("include", ("*",)), exclude=settings.get("exclude", ()))
    return tuple(sorted(found))


def top_level_packages(root: Path) -> tuple[str, ...]:
    """The installed packages that sit at the top of the tree (`preview`, not `preview.schema`)."""
    return tuple(sorted({name.split(".")[0] for name in project_packages(root)}))
