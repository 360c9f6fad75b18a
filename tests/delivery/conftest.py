"""The pipeline's files and its compiled form, read once per module."""

from __future__ import annotations

from typing import Any

import pytest

from delivery.pipeline import Files, compile_pipeline, read_files
from tests.support.checkout import PROJECT_DIR


@pytest.fixture(scope="module")
def files() -> Files:
    return read_files(PROJECT_DIR)


@pytest.fixture(scope="module")
def pipeline(files: Files) -> dict[str, Any]:
    return compile_pipeline(files)
