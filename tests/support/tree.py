"""The repository's own Python files, found without any of the lists that are under test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

NOT_PROJECT = frozenset({"node_modules", "__pycache__", "build", "dist"})
"""Folders that hold no project code (installed tools, caches, build output); hidden ones (.venv, .git) neither."""


def project_files(root: Path, suffix: str) -> Iterator[Path]:
    """Every file of the project under `root` whose name ends in `suffix`, in a stable order."""
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in NOT_PROJECT and not name.startswith("."))
        for name in sorted(files):
            if name.endswith(suffix):
                yield Path(folder) / name


def python_files(root: Path) -> Iterator[Path]:
    """Every `.py` file of the project under `root`, in a stable order."""
    return project_files(root, ".py")


def in_a_package(root: Path, path: Path) -> bool:
    """True if every folder from `root` down to `path` is a regular package (has `__init__.py`)."""
    folder = path.parent
    while folder != root:
        if not (folder / "__init__.py").is_file():
            return False
        folder = folder.parent
    return path.parent != root
