"""Where the suite's temporary folders go (tests/conftest.py): memory when /dev/shm has room, else pytest's default,
and a root the user chose is kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest


def test_the_memory_root_needs_a_writable_folder_with_the_minimum_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT", tmp_path)
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT_MINIMUM_FREE", conftest.free_bytes(tmp_path) // 2)
    assert conftest._memory_temp_root() == tmp_path
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT_MINIMUM_FREE", conftest.free_bytes(tmp_path) * 2)
    assert conftest._memory_temp_root() is None
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT", tmp_path / "missing")
    assert conftest._memory_temp_root() is None


def _configure(monkeypatch: pytest.MonkeyPatch, root: Path, basetemp: str | None = None, **env: str) -> dict[str, Any]:
    """Run the hook as the process that starts a run would, in an environment of `env`; what it set."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_DEBUG_TEMPROOT", "TMPDIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT", root)
    monkeypatch.setattr(conftest, "MEMORY_TEMP_ROOT_MINIMUM_FREE", 0)
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # restored afterwards, as the hook clears it
    conftest.pytest_configure(SimpleNamespace(option=SimpleNamespace(basetemp=basetemp)))  # type: ignore[arg-type]
    return {name: os.environ.get(name) for name in ("PYTEST_DEBUG_TEMPROOT", "TMPDIR")}


def test_the_run_takes_the_memory_root_unless_the_user_chose_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = str(tmp_path / "chosen")
    assert _configure(monkeypatch, tmp_path) == {"PYTEST_DEBUG_TEMPROOT": str(tmp_path), "TMPDIR": str(tmp_path)}
    assert tempfile.gettempdir() == str(tmp_path)
    assert _configure(monkeypatch, tmp_path, TMPDIR=chosen) == {"PYTEST_DEBUG_TEMPROOT": None, "TMPDIR": chosen}
    assert _configure(monkeypatch, tmp_path, PYTEST_DEBUG_TEMPROOT=chosen) == {
        "PYTEST_DEBUG_TEMPROOT": chosen,
        "TMPDIR": None,
    }
    assert _configure(monkeypatch, tmp_path, basetemp=chosen) == {"PYTEST_DEBUG_TEMPROOT": None, "TMPDIR": None}
    assert _configure(monkeypatch, tmp_path, PYTEST_XDIST_WORKER="gw0") == {
        "PYTEST_DEBUG_TEMPROOT": None,
        "TMPDIR": None,
    }
