"""Fixtures for the commands that talk to ARM: a local HTTPS server that follows its REST contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.arm_server import ArmServer, make_certificate


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls: tuple[Path, Path]) -> Iterator[ArmServer]:
    with ArmServer(*tls) as fake:
        yield fake
