"""A fake DB-API connection for the SQL migration tests: it records statements and keeps a journal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from migrations.scripts import JOURNAL_INSERT, JOURNAL_SELECT


class FakeDatabase:
    """A DB-API connection that records statements and keeps a journal; `fail_on` raises like a server error."""

    def __init__(self, journal: list[tuple[int, str, str]] | None = None, fail_on: str | None = None) -> None:
        self.journal = list(journal or [])
        self.fail_on = fail_on
        self.executed: list[str] = []
        self.committed: list[list[str]] = []
        self.pending: list[str] = []
        self.rollbacks = 0
        self.connected: list[tuple[str, str]] = []
        """(server, database) of every connection `connect` opened."""
        self._rows: list[tuple[int, str, str]] = []

    def connect(self, server: str, database: str) -> FakeDatabase:
        """Stands in for `ops.sql.connect`: records where it was asked to connect, and is the connection."""
        self.connected.append((server, database))
        return self

    def cursor(self) -> FakeDatabase:
        return self

    def execute(self, operation: str, parameters: Sequence[Any] = ()) -> None:
        if self.fail_on and self.fail_on in operation:
            raise RuntimeError(f"Incorrect syntax near '{self.fail_on}'.")
        self.executed.append(operation)
        if operation == JOURNAL_SELECT:
            self._rows = list(self.journal)
        elif operation == JOURNAL_INSERT:
            version, script, checksum = parameters
            self.pending.append(f"journal {version}")
            self.journal.append((version, script, checksum))
        else:
            self.pending.append(operation)

    def fetchall(self) -> list[tuple[int, str, str]]:
        return self._rows

    def commit(self) -> None:
        self.committed.append(self.pending)
        self.pending = []

    def rollback(self) -> None:
        self.rollbacks += 1
        self.pending = []
