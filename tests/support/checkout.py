"""The repository the tests run from, as the project the tests plan, copy and read.

The code never takes its project from where it is installed (`stack.paths.find_project_dir`); the tests
know where theirs is: this checkout.
"""

from __future__ import annotations

from pathlib import Path

from stack.paths import PIPELINES_FOLDER, SQL_FOLDER

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""The checkout's root: Pulumi.yaml, the stack files and the program."""
PIPELINES_DIR = PROJECT_DIR / PIPELINES_FOLDER
SQL_DIR = PROJECT_DIR / SQL_FOLDER
