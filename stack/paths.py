"""Where the program's inputs live, relative to the repository root."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""The repository root: Pulumi.yaml, the stack files and the program."""
PIPELINES_DIR = PROJECT_DIR / "pipelines_json"
"""ADF Studio's git folder: the factory's content."""
SQL_DIR = PROJECT_DIR / "sql"
"""Versioned T-SQL scripts."""
