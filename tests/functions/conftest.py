"""Fixtures of the generator Function app tests.

The app's modules are imported the way the Functions host imports them: with
the app root (``functions/``) on ``sys.path``.

Integration tests run against Azurite, installed from npm as a dev dependency
(``npm ci`` in the repository root).  Azurite listens on a free port of
127.0.0.1 and is authenticated with its public development account key, which
is confined to the tests and the local runner.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
for _path in (str(REPO_ROOT), str(FUNCTIONS_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from azure.storage.blob import ContainerClient  # noqa: E402
from eventgen.storage import make_container_client  # noqa: E402

from tools.azurite import Azurite, AzuriteError  # noqa: E402

CONTAINER = "bronze"


def start_azurite() -> Azurite:
    try:
        return Azurite().start()
    except AzuriteError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """One Azurite for the session, in memory, with the ``bronze`` container. The outage tests put a relay in front
    of it that goes down and comes back (tests/support/outage_relay.py); the emulator itself keeps running."""
    server = start_azurite()
    try:
        client(server).create_container()
        yield server
    finally:
        server.stop()


@pytest.fixture
def bronze(azurite: Azurite) -> ContainerClient:
    """The ``bronze`` container, emptied before the test."""
    container = client(azurite)
    for blob in container.list_blobs():
        container.delete_blob(blob.name)
    return container


class BlobEndpoint(Protocol):
    """Where a client reaches the emulator's account: Azurite itself, or a relay in front of it."""

    @property
    def account_url(self) -> str: ...


def client(server: BlobEndpoint, container: str = CONTAINER, **options: Any) -> ContainerClient:
    """A container client like the app's (SDK retries off), with the emulator credential."""
    return make_container_client(server.account_url, container, credential=Azurite.credential(), **options)


def blob_names(container: ContainerClient) -> list[str]:
    return sorted(blob.name for blob in container.list_blobs())


def no_sleep(_: float) -> None:
    """Retry backoff without waiting (the delays are asserted separately)."""
