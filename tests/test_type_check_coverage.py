"""mypy checks every Python file of the repository: its file list is the tree, not a list of packages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from mypy.config_parser import parse_config_file
from mypy.find_sources import create_source_list
from mypy.options import Options

from tests.support.checkout import PROJECT_DIR
from tests.support.tree import python_files


def mypy_sources(root: Path) -> set[Path]:
    """The files `mypy` run in `root` checks, found by mypy itself from pyproject.toml (the caller is in `root`)."""
    options = Options()
    parse_config_file(options, lambda: None, str(root / "pyproject.toml"), io.StringIO(), io.StringIO())
    sources = create_source_list(options.files or [], options)
    return {Path(source.path).resolve() for source in sources if source.path}


def test_mypy_checks_every_python_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_DIR)
    assert mypy_sources(PROJECT_DIR) == {path.resolve() for path in python_files(PROJECT_DIR)}


def test_a_package_left_out_of_the_file_list_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("kept", "forgotten"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text('[tool.mypy]\nfiles = ["kept"]\n')
    monkeypatch.chdir(tmp_path)
    assert mypy_sources(tmp_path) != {path.resolve() for path in python_files(tmp_path)}
    assert mypy_sources(tmp_path) == {(tmp_path / "kept" / "__init__.py").resolve()}
