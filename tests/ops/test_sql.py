"""Versioned SQL scripts: order, journal, one transaction per script, and inputs checked before anything runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from migrations.scripts import (
    JOURNAL_INSERT,
    JOURNAL_SELECT,
    SqlApplyError,
    SqlInputError,
    apply,
    discover,
)


class FakeDatabase:
    """A DB-API connection that records statements and keeps a journal; `fail_on` raises like a server error."""

    def __init__(self, journal: list[tuple[int, str, str]] | None = None, fail_on: str | None = None) -> None:
        self.journal = list(journal or [])
        self.fail_on = fail_on
        self.executed: list[str] = []
        self.committed: list[list[str]] = []
        self.pending: list[str] = []
        self.rollbacks = 0
        self._rows: list[tuple[int, str, str]] = []

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


def scripts_in(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_scripts_apply_in_version_order_each_in_its_own_transaction(tmp_path: Path) -> None:
    root = scripts_in(
        tmp_path,
        {
            "V010__later.sql": "CREATE TABLE b (id int)",
            "V002__first.sql": "CREATE SCHEMA s\nGO\nCREATE TABLE s.a (id int)\ngo -- next batch\nSELECT 1",
        },
    )
    database = FakeDatabase()
    applied = apply(database, discover(root), {}, log=lambda _: None)
    assert [s.version for s in applied] == [2, 10]
    assert database.committed[1:] == [
        ["CREATE SCHEMA s", "CREATE TABLE s.a (id int)", "SELECT 1", "journal 2"],
        ["CREATE TABLE b (id int)", "journal 10"],
    ]


def test_applied_scripts_are_skipped(tmp_path: Path) -> None:
    scripts = discover(scripts_in(tmp_path, {"V001__a.sql": "SELECT 1", "V002__b.sql": "SELECT 2"}))
    database = FakeDatabase()
    apply(database, scripts, {}, log=lambda _: None)
    again = FakeDatabase(journal=database.journal)
    assert apply(again, scripts, {}, log=lambda _: None) == []
    assert "SELECT 1" not in again.executed


def test_a_changed_applied_script_is_refused_before_anything_runs(tmp_path: Path) -> None:
    root = scripts_in(tmp_path, {"V001__a.sql": "SELECT 1", "V002__b.sql": "SELECT 2"})
    database = FakeDatabase()
    apply(database, discover(root), {}, log=lambda _: None)
    (root / "V001__a.sql").write_text("SELECT 42")
    (root / "V003__c.sql").write_text("SELECT 3")
    later = FakeDatabase(journal=database.journal)
    with pytest.raises(SqlInputError, match=r"sql/V001__a.sql changed after it was applied"):
        apply(later, discover(root), {}, log=lambda _: None)
    assert "SELECT 3" not in later.executed


def test_a_failing_script_is_rolled_back_and_named(tmp_path: Path) -> None:
    root = scripts_in(tmp_path, {"V001__ok.sql": "SELECT 1", "V002__bad.sql": "SELECT 2\nGO\nSELEKT 3\nGO\nSELECT 4"})
    database = FakeDatabase(fail_on="SELEKT")
    with pytest.raises(SqlApplyError) as info:
        apply(database, discover(root), {}, log=lambda _: None)
    assert "sql/V002__bad.sql: batch 2 of 3 failed: Incorrect syntax near 'SELEKT'" in str(info.value)
    assert database.rollbacks == 1
    assert [v for v, _, _ in database.journal] == [1]
    assert ["SELECT 2"] not in database.committed


def test_sqlcmd_variables_are_filled_and_a_missing_one_stops_everything(tmp_path: Path) -> None:
    root = scripts_in(
        tmp_path,
        {"V001__a.sql": "SELECT 1", "V002__user.sql": "CREATE USER [$(FactoryIdentityName)] FROM EXTERNAL PROVIDER"},
    )
    database = FakeDatabase()
    with pytest.raises(SqlInputError, match=r"sql/V002__user.sql: needs the variable\(s\) FactoryIdentityName"):
        apply(database, discover(root), {}, log=lambda _: None)
    assert database.executed == []
    apply(database, discover(root), {"FactoryIdentityName": "adf-x-dev"}, log=lambda _: None)
    assert "CREATE USER [adf-x-dev] FROM EXTERNAL PROVIDER" in database.executed


def test_badly_named_or_repeated_versions_are_refused(tmp_path: Path) -> None:
    scripts_in(tmp_path, {"create_tables.sql": "", "V001__a.sql": "", "V001__b.sql": "", "V0002__c.sql": ""})
    with pytest.raises(SqlInputError) as info:
        discover(tmp_path)
    assert "sql/create_tables.sql: expected a name like V001__create_tables.sql" in str(info.value)
    assert "sql/V0002__c.sql: expected a name like V001__create_tables.sql" in str(info.value)
    assert "sql/V001__b.sql: version 1 is also V001__a.sql" in str(info.value)


def test_repository_scripts_are_versioned_and_need_only_the_factory_identity() -> None:
    scripts = discover()
    assert scripts
    assert [s.version for s in scripts] == sorted({s.version for s in scripts})
    assert set().union(*(s.variables() for s in scripts)) <= {"FactoryIdentityName", "FactoryIdentitySid"}


def test_cli_applies_to_the_database_named_by_the_stack_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from ops import sql

    database = FakeDatabase()
    connected: list[tuple[str, str]] = []

    def connect(server: str, name: str) -> FakeDatabase:
        connected.append((server, name))
        return database

    monkeypatch.setattr(sql, "connect", connect)
    outputs = {
        "sql_server_fqdn": "sql-x.database.windows.net",
        "sql_database_name": "db",
        "factory_name": "adf-x",
        "subscription_id": "sub",
        "resource_group_name": "rg",
    }
    looked_up: list[str] = []

    def client_id(factory_id: str) -> str:
        looked_up.append(factory_id)
        return "00112233-4455-6677-8899-aabbccddeeff"

    args = argparse.Namespace(stack="dev", server=None, database=None, var=[])
    assert sql.main(args, outputs=lambda stack: outputs, client_id=client_id) == 0
    assert connected == [("sql-x.database.windows.net", "db")]
    assert looked_up == ["/subscriptions/sub/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf-x"]
    # The first three GUID fields are stored little-endian, as SQL Server's uniqueidentifier does.
    created = "CREATE USER [adf-x] WITH SID = 0x33221100554477668899AABBCCDDEEFF, TYPE = E"
    assert any(created in s for s in database.executed)
    assert not any("[adf-x] FROM EXTERNAL PROVIDER" in s for s in database.executed)


def test_the_sid_is_the_client_id_in_sql_servers_byte_order() -> None:
    from ops.sql import sid_literal

    # SELECT CAST(CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS varbinary(16))
    # gives 0xFF19966F868B11D0B42D00C04FC964FF (the documented uniqueidentifier example GUID).
    assert sid_literal("6F9619FF-8B86-D011-B42D-00C04FC964FF") == "0xFF19966F868B11D0B42D00C04FC964FF"


def test_a_sid_that_is_not_16_bytes_is_refused_before_connecting(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from ops import sql

    args = argparse.Namespace(
        stack="dev", server="s", database="d", var=["FactoryIdentityName=adf", "FactoryIdentitySid=0x12"]
    )
    assert sql.main(args, outputs=lambda stack: {}) == 2
    assert "FactoryIdentitySid must be a 16-byte literal" in capsys.readouterr().err


def test_cli_on_a_stack_without_a_database_yet_applies_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from ops import sql

    args = argparse.Namespace(stack="dev", server=None, database=None, var=[])
    assert sql.main(args, outputs=lambda stack: {}) == 0
    assert "has no database yet" in capsys.readouterr().out


def test_cli_reports_a_refused_script_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from ops import sql

    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase(fail_on="usp_merge_users"))
    args = argparse.Namespace(
        stack="dev",
        server="s",
        database="d",
        var=["FactoryIdentityName=adf", "FactoryIdentitySid=0x33221100554477668899AABBCCDDEEFF"],
    )
    assert sql.main(args, outputs=lambda stack: {}) == 3
    captured = capsys.readouterr()
    assert "applied sql/V001__schemas.sql" in captured.out
    assert "error: sql/V002__users.sql: batch 1 of 2 failed: Incorrect syntax" in captured.err


# --- connecting: a paused serverless database resumes on the first login -----------------------------------------


class FlakyConnect:
    """A connect function that fails with the given errors first, then returns a connection."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.connection = FakeDatabase()

    def __call__(self) -> FakeDatabase:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.connection


def _unavailable(number: int) -> Exception:
    return RuntimeError(
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Database 'sqldb' on server 'sql' is not currently "
        f"available. Please retry the connection later. ({number}) (SQLDriverConnect)"
    )


def test_a_resuming_database_is_retried_with_growing_delays_until_it_answers() -> None:
    from ops.sql import connect_with_retry

    flaky = FlakyConnect(_unavailable(40613), _unavailable(40613))
    slept: list[float] = []
    connection = connect_with_retry(flaky, delays=(5, 10, 20), sleep=slept.append, log=lambda _: None)
    assert connection is flaky.connection
    assert flaky.calls == 3
    assert slept == [5, 10]


def test_retries_stop_after_the_last_delay_and_raise_the_database_error() -> None:
    from ops.sql import connect_with_retry

    flaky = FlakyConnect(*[_unavailable(40613) for _ in range(5)])
    slept: list[float] = []
    with pytest.raises(RuntimeError, match="40613"):
        connect_with_retry(flaky, delays=(1, 2), sleep=slept.append, log=lambda _: None)
    assert flaky.calls == 3
    assert slept == [1, 2]


def test_a_login_refused_for_another_reason_is_not_retried() -> None:
    from ops.sql import connect_with_retry

    refused = RuntimeError("Login failed for user '<token-identified principal>'. (18456)")
    flaky = FlakyConnect(refused)
    slept: list[float] = []
    with pytest.raises(RuntimeError, match="18456"):
        connect_with_retry(flaky, delays=(1, 2), sleep=slept.append, log=lambda _: None)
    assert flaky.calls == 1
    assert slept == []


def test_an_error_number_that_merely_contains_40613_is_not_transient() -> None:
    from ops.sql import transient_error

    assert transient_error(RuntimeError("error 406131")) is None
    assert transient_error(RuntimeError("(40197) service busy")) == 40197


def test_the_default_backoff_outlasts_a_one_minute_resume() -> None:
    from ops.sql import CONNECT_DELAYS

    assert sum(CONNECT_DELAYS) > 60
    assert max(CONNECT_DELAYS) <= 60
