"""`python -m ops sql apply`: the database and variables from flags or stack outputs, and how failures end."""

from __future__ import annotations

import argparse

import pytest

from ops import sql
from tests.support.sql_database import FakeDatabase


def test_cli_applies_to_the_database_named_by_the_stack_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    database = FakeDatabase()
    connected: list[tuple[str, str]] = []

    def connect(server: str, name: str) -> FakeDatabase:
        connected.append((server, name))
        return database

    monkeypatch.setattr(sql, "connect", connect)
    outputs = {"sql_server_fqdn": "sql-x.database.windows.net", "sql_database_name": "db", "factory_name": "adf-x"}
    args = argparse.Namespace(stack="dev", server=None, database=None, var=[])
    assert sql.main(args, outputs=lambda stack: outputs) == 0
    assert connected == [("sql-x.database.windows.net", "db")]
    assert any("CREATE USER [adf-x] FROM EXTERNAL PROVIDER" in s for s in database.executed)


def test_cli_on_a_stack_without_a_database_yet_applies_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(stack="dev", server=None, database=None, var=[])
    assert sql.main(args, outputs=lambda stack: {}) == 0
    assert "has no database yet" in capsys.readouterr().out


def test_cli_reports_a_refused_script_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase(fail_on="usp_merge_users"))
    args = argparse.Namespace(stack="dev", server="s", database="d", var=["FactoryIdentityName=adf"])
    assert sql.main(args, outputs=lambda stack: {}) == 3
    captured = capsys.readouterr()
    assert "applied sql/V001__schemas.sql" in captured.out
    assert "error: sql/V002__users.sql: batch 1 of 2 failed: Incorrect syntax" in captured.err
