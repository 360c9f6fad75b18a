"""Single-component tests share the mock engine fixture from tests/support, and Azure stood in for on 127.0.0.1."""

from collections.abc import Iterator

import pytest

from tests.support.azure_standin import AzureStandIn
from tests.support.components import engine

__all__ = ["engine"]


@pytest.fixture(scope="session")
def standin() -> Iterator[AzureStandIn]:
    """One stand-in per test process; every case scripts paths of its own."""
    with AzureStandIn().running() as running:
        yield running
