"""Single-component tests share the mock engine fixture from tests/support."""

from tests.support.components import engine

__all__ = ["engine"]
