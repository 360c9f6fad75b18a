"""`python -m ops sql apply`: the database and variables from flags or stack outputs, and how failures end."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from migrations.scripts import SqlInputError
from ops import sql
from ops.cli.main import main
from ops.factory import FactoryCoordinates, connect
from stack.errors import AzureRefusedError
from tests.support.arm_server import ArmServer, FakeCredential
from tests.support.arm_server.server import IDENTITY_CLIENT_ID
from tests.support.checkout import PROJECT_DIR
from tests.support.sql_database import FakeDatabase

OUTPUTS = {
    "sql_server_fqdn": "sql-x.database.windows.net",
    "sql_database_name": "db",
    "factory_name": "adf-x",
    "subscription_id": "sub",
    "resource_group_name": "rg",
}
SID = "0x33221100554477668899AABBCCDDEEFF"
CLIENT = "00112233-4455-6677-8899-aabbccddeeff"
"""The factory identity's client id whose SID is `SID`."""


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The stack outputs `pulumi stack output` would print, and what was asked of them and of ARM."""
    seen: dict[str, Any] = {"outputs": [], "client_id": []}

    def outputs(stack: str, project_dir: Path) -> dict[str, Any]:
        seen["outputs"].append((stack, project_dir))
        return dict(seen.get("values", OUTPUTS))

    def client_id(factory: FactoryCoordinates) -> str:
        seen["client_id"].append(factory.resource_id)
        return "00112233-4455-6677-8899-aabbccddeeff"

    monkeypatch.setattr("ops.stack_outputs.stack_outputs", outputs)
    monkeypatch.setattr(sql, "factory_client_id", client_id)
    return seen


def apply(*argv: str) -> int:
    return main(["sql", "apply", "--stack", "dev", "--project-dir", str(PROJECT_DIR), *argv])


def test_cli_applies_to_the_database_named_by_the_stack_outputs(
    monkeypatch: pytest.MonkeyPatch, deployed: dict[str, Any]
) -> None:
    database = FakeDatabase()
    monkeypatch.setattr(sql, "connect", database.connect)
    assert apply() == 0
    assert database.connected == [("sql-x.database.windows.net", "db")]
    assert deployed["outputs"] == [("dev", PROJECT_DIR)]
    assert deployed["client_id"] == [
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf-x"
    ]
    # The first three GUID fields are stored little-endian, as SQL Server's uniqueidentifier does.
    created = f"CREATE USER [adf-x] WITH SID = {SID}, TYPE = E"
    assert any(created in s for s in database.executed)
    assert not any("[adf-x] FROM EXTERNAL PROVIDER" in s for s in database.executed)


def test_flags_that_name_everything_read_no_outputs(monkeypatch: pytest.MonkeyPatch, deployed: dict[str, Any]) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase())
    assert (
        apply(
            "--server", "s", "--database", "d", "--var", "FactoryIdentityName=adf", "--var", f"FactoryIdentitySid={SID}"
        )
        == 0
    )
    assert deployed["outputs"] == [] and deployed["client_id"] == []


def test_the_sid_is_the_client_id_in_sql_servers_byte_order() -> None:
    from ops.sql import sid_literal

    # SELECT CAST(CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS varbinary(16))
    # gives 0xFF19966F868B11D0B42D00C04FC964FF (the documented uniqueidentifier example GUID).
    assert sid_literal("6F9619FF-8B86-D011-B42D-00C04FC964FF") == "0xFF19966F868B11D0B42D00C04FC964FF"


def test_a_sid_that_is_not_16_bytes_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: pytest.fail("connected"))
    assert (
        apply(
            "--server", "s", "--database", "d", "--var", "FactoryIdentityName=adf", "--var", "FactoryIdentitySid=0x12"
        )
        == 2
    )
    assert "error: --var FactoryIdentitySid must be a 16-byte literal" in capsys.readouterr().err


def test_cli_on_a_stack_without_a_database_yet_applies_nothing(
    deployed: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    deployed["values"] = {}
    assert apply() == 0
    assert "has no database yet" in capsys.readouterr().out


def test_cli_reports_a_refused_script_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase(fail_on="usp_merge_users"))
    assert (
        apply(
            "--server", "s", "--database", "d", "--var", "FactoryIdentityName=adf", "--var", f"FactoryIdentitySid={SID}"
        )
        == 3
    )
    captured = capsys.readouterr()
    assert "applied sql/V001__schemas.sql" in captured.out
    assert "error: sql/V002__users.sql: batch 1 of 2 failed: Incorrect syntax" in captured.err


def test_a_login_the_database_refuses_exits_3_naming_the_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(server: str, name: str) -> FakeDatabase:
        raise RuntimeError("Login failed for user '<token-identified principal>'. (18456)")

    monkeypatch.setattr(sql, "connect", refuse)
    assert (
        apply(
            "--server", "s", "--database", "d", "--var", "FactoryIdentityName=adf", "--var", f"FactoryIdentitySid={SID}"
        )
        == 3
    )
    err = capsys.readouterr().err
    assert "error: cannot connect to database d on s: Login failed for user" in err
    assert "Traceback" not in err


def test_json_envelope_lists_what_was_applied(
    monkeypatch: pytest.MonkeyPatch, deployed: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase())
    assert apply("--json") == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    scripts = sorted(path.name for path in (PROJECT_DIR / "sql").glob("V*.sql"))
    assert document == {
        "command": "sql apply",
        "ok": True,
        "exitCode": 0,
        "errors": [],
        "server": "sql-x.database.windows.net",
        "database": "db",
        "applied": scripts,
    }
    assert "applied sql/V001__schemas.sql" in captured.err, "progress goes to stderr under --json"


def test_json_envelope_of_a_refused_script(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sql, "connect", lambda server, name: FakeDatabase(fail_on="usp_merge_users"))
    assert (
        apply(
            "--json",
            "--server",
            "s",
            "--database",
            "d",
            "--var",
            "FactoryIdentityName=adf",
            "--var",
            f"FactoryIdentitySid={SID}",
        )
        == 3
    )
    document = json.loads(capsys.readouterr().out)
    assert (document["command"], document["ok"], document["exitCode"]) == ("sql apply", False, 3)
    assert [(e["kind"], e["exitCode"]) for e in document["errors"]] == [("azure", 3)]
    assert document["errors"][0]["message"].startswith("sql/V002__users.sql: batch 1 of 2 failed: Incorrect syntax")


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


TRANSIENT = (40613, 40197, 40501)
"""Microsoft's documented transient login errors (ops/sql.py cites the pages): a paused database resuming (40613),
the service reconfiguring (40197) or busy (40501)."""


@pytest.mark.parametrize("number", TRANSIENT)
def test_each_transient_error_number_is_retried(number: int) -> None:
    from ops.sql import connect_with_retry, transient_error

    assert transient_error(_unavailable(number)) == number
    flaky = FlakyConnect(_unavailable(number))
    slept: list[float] = []
    assert connect_with_retry(flaky, delays=(7,), sleep=slept.append, log=lambda _: None) is flaky.connection
    assert (flaky.calls, slept) == (2, [7])


@pytest.mark.parametrize(
    "number",
    [
        18456,  # login failed: the identity is not a user of the database
        40615,  # the server's firewall refuses the client's address
        4060,  # the database the login names cannot be opened
        # neighbours of the transient numbers
        40612,
        40614,
        40196,
        40198,
        40500,
        40502,
    ],
)
def test_an_error_number_outside_the_transient_list_fails_at_once(number: int) -> None:
    from ops.sql import connect_with_retry, transient_error

    assert transient_error(_unavailable(number)) is None
    flaky = FlakyConnect(_unavailable(number))
    slept: list[float] = []
    with pytest.raises(RuntimeError, match=f"\\({number}\\)"):
        connect_with_retry(flaky, delays=(7,), sleep=slept.append, log=lambda _: None)
    assert (flaky.calls, slept) == (1, [])


@pytest.mark.parametrize("text", ["error 140613", "error 406131", "error 2401979", "code 405010"])
def test_a_transient_number_inside_a_longer_number_is_not_transient(text: str) -> None:
    from ops.sql import transient_error

    assert transient_error(RuntimeError(text)) is None


def test_a_transient_number_is_found_in_the_errors_message_or_in_its_arguments() -> None:
    """Drivers put the SQL message in the exception's args, or build its str() themselves."""
    from ops.sql import transient_error

    class SummarisedError(Exception):
        def __str__(self) -> str:
            return "connection failed"

    class ComposedError(Exception):
        def __str__(self) -> str:
            return "[SQL Server]Database 'db' is not currently available. (40501)"

    assert (
        transient_error(SummarisedError("08S01", "[SQL Server]Database 'db' is not currently available. (40613)"))
        == 40613
    )
    assert transient_error(ComposedError()) == 40501


def test_the_real_drivers_error_carries_the_number_through_its_message() -> None:
    from mssql_python.exceptions import OperationalError

    from ops.sql import transient_error

    error = OperationalError(
        "Connection failed",
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Database 'db' on server 's' is not currently "
        "available.  Please retry the connection later. (40613) (SQLDriverConnect)",
    )
    assert transient_error(error) == 40613


def test_by_default_a_login_is_tried_six_times_over_135_seconds() -> None:
    """Microsoft's retry guidance: about 5 s first, doubling, capped at 60 s; well over a one-minute resume."""
    from ops.sql import connect_with_retry

    flaky = FlakyConnect(*[_unavailable(40613) for _ in range(10)])
    slept: list[float] = []
    logged: list[str] = []
    with pytest.raises(RuntimeError, match="40613"):
        connect_with_retry(flaky, sleep=slept.append, log=logged.append)
    assert flaky.calls == 6
    assert slept == [5, 10, 20, 40, 60]
    assert logged[0] == "database unavailable (error 40613), attempt 1; retrying in 5 s"
    assert logged[-1] == "database unavailable (error 40613), attempt 5; retrying in 60 s"


def test_apply_retries_the_login_while_the_database_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from ops.sql import SqlTarget, apply_to

    slept: list[float] = []
    monkeypatch.setattr(sql, "connect_with_retry", partial(sql.connect_with_retry, sleep=slept.append))
    flaky = FlakyConnect(_unavailable(40613))
    logged: list[str] = []
    target = SqlTarget("s", "d", {"FactoryIdentityName": "adf", "FactoryIdentitySid": SID})
    apply_to(target, [], open_connection=lambda server, database: flaky(), log=logged.append)
    assert (flaky.calls, slept) == (2, [5])
    assert logged[0] == "database unavailable (error 40613), attempt 1; retrying in 5 s"


def test_the_factory_client_id_is_read_from_the_identity_resource_through_arm(
    server: ArmServer, tls: tuple[Path, Path]
) -> None:
    client = connect(
        server.coordinates, credential=FakeCredential(), endpoint=server.endpoint, connection_verify=str(tls[0])
    )
    with client:
        assert sql.factory_client_id(server.coordinates, client=client) == IDENTITY_CLIENT_ID
    assert server.actions() == ["GET providers/Microsoft.ManagedIdentity/identities/default"]


def test_a_factory_without_a_system_assigned_identity_is_azures_404_in_its_words(
    server: ArmServer, tls: tuple[Path, Path]
) -> None:
    server.identity_client_id = None
    client = connect(
        server.coordinates,
        credential=FakeCredential(),
        endpoint=server.endpoint,
        connection_verify=str(tls[0]),
        retry_total=0,
    )
    with client, pytest.raises(AzureRefusedError, match="ResourceNotFound: The system-assigned identity"):
        sql.factory_client_id(server.coordinates, client=client)


def test_an_identity_without_a_client_id_asks_for_the_sid_flag(
    server: ArmServer, tls: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server.identity_client_id = ""
    monkeypatch.setattr("ops.factory.make_credential", FakeCredential)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    with pytest.raises(SqlInputError, match=r"no system-assigned identity.*--var FactoryIdentitySid"):
        sql.factory_client_id(server.coordinates, endpoint=server.endpoint)


@pytest.mark.parametrize("pair", ["NAME", "=value", ""])
def test_a_variable_without_a_name_or_an_equals_sign_is_refused(pair: str) -> None:
    with pytest.raises(SqlInputError, match=f"--var {pair!r}: expected NAME=VALUE"):
        sql.parse_variables([pair])


def test_a_variable_takes_everything_after_the_first_equals_sign() -> None:
    assert sql.parse_variables(["A=b=c", "EMPTY="]) == {"A": "b=c", "EMPTY": ""}


def never_read() -> dict[str, Any]:
    raise AssertionError("the outputs were read although the flags named everything")


def test_the_outputs_fill_in_what_the_flags_leave_out_and_are_not_read_when_they_name_everything() -> None:
    named = {"FactoryIdentityName": "adf", "FactoryIdentitySid": SID}
    assert sql.resolve_target(never_read, "s", "d", named) == sql.SqlTarget("s", "d", named)
    target = sql.resolve_target(dict(OUTPUTS), server="other.database.windows.net", client_id=lambda _f: CLIENT)
    assert target == sql.SqlTarget(
        "other.database.windows.net", "db", {"FactoryIdentityName": "adf-x", "FactoryIdentitySid": SID}
    )


@pytest.mark.parametrize("output", ["subscription_id", "resource_group_name", "factory_name"])
def test_a_missing_factory_output_is_named_when_the_sid_must_be_read(output: str) -> None:
    found = {key: value for key, value in OUTPUTS.items() if key != output}
    with pytest.raises(SqlInputError, match=f"the stack has no output {output}; pass --var FactoryIdentitySid="):
        sql.resolve_target(found, variables={"FactoryIdentityName": "adf"}, client_id=lambda _f: CLIENT)


def test_a_stack_without_a_database_name_asks_for_the_flags() -> None:
    found = {key: value for key, value in OUTPUTS.items() if key != "sql_database_name"}
    with pytest.raises(SqlInputError, match="pass --server, --database and --var FactoryIdentityName=<factory>"):
        sql.resolve_target(found, client_id=lambda _f: CLIENT)


def test_migrations_connect_with_their_own_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each script commits or rolls back as a whole (autocommit off), over TLS, as the current Entra identity."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def connect(text: str, **options: Any) -> str:
        calls.append((text, options))
        return "connection"

    driver = types.ModuleType("mssql_python")
    driver.connect = connect  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mssql_python", driver)
    assert sql.connect("sql-x.database.windows.net", "db") == "connection"
    ((text, options),) = calls
    assert options == {"autocommit": False}
    assert "Server=tcp:sql-x.database.windows.net,1433;Database=db;" in text
    assert "Authentication=ActiveDirectoryDefault;" in text and "Encrypt=yes;TrustServerCertificate=no;" in text
