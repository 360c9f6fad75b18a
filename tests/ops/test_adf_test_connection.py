"""`ops adf test-connection` against the fake ARM: adf.tools' two requests per linked service, the exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import ops.factory
from ops.cli.exit_codes import ExitCode
from ops.cli.main import main
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION, ArmServer, FakeCredential

Cli = Callable[..., int]
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.DataFactory/factories/{FACTORY}"
)
KEY_VAULT = {"type": "AzureKeyVault", "typeProperties": {"baseUrl": "https://kv.vault.azure.net/"}}
WHERE = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]


@pytest.fixture
def cli(server: ArmServer, monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path]) -> Cli:
    monkeypatch.setattr(ops.factory, "make_credential", lambda: FakeCredential())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    server.add_linked_service("LS_KeyVault", properties=KEY_VAULT)
    server.add_linked_service("LS_Lake")

    def run(*argv: str) -> int:
        return main(["adf", "test-connection", "--stack", "dev", "--endpoint", server.endpoint, *WHERE, *argv])

    return run


def test_each_linked_service_is_read_then_tested_with_the_resource_as_read(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("LS_KeyVault") == ExitCode.OK
    assert [(r.method, r.path, r.query) for r in server.requests] == [
        ("GET", f"{BASE}/linkedservices/LS_KeyVault", {"api-version": "2018-06-01"}),
        ("POST", f"{BASE}/testConnectivity", {"api-version": "2018-06-01"}),
    ]
    assert server.tested == [
        {
            "linkedService": {
                "id": f"{BASE}/linkedservices/LS_KeyVault",
                "name": "LS_KeyVault",
                "type": "Microsoft.DataFactory/factories/linkedservices",
                "etag": "3a00c6e2-0000-0100-0000-65f0a1b20000",
                "properties": KEY_VAULT,
            }
        }
    ]
    assert all(r.authorization == "Bearer fake-arm-token" for r in server.requests)
    assert capsys.readouterr().out.splitlines() == ["LS_KeyVault: connection succeeded", "passed 1, failed 0, total 1"]


def test_without_names_every_linked_service_of_the_factory_is_tested(cli: Cli, server: ArmServer) -> None:
    server.page_size = 1
    assert cli() == ExitCode.OK
    assert [body["linkedService"]["name"] for body in server.tested] == ["LS_KeyVault", "LS_Lake"]


def test_a_failed_test_is_an_error_naming_the_service_and_its_errors_and_exits_3(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_linked_service("LS_Sql", errors=[{"code": "22300", "message": "Cannot connect to SQL Database."}])
    assert cli("LS_KeyVault", "LS_Sql") == ExitCode.AZURE
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["LS_KeyVault: connection succeeded", "passed 1, failed 1, total 2"]
    assert captured.err.splitlines() == ["error: LS_Sql: connection failed: Cannot connect to SQL Database."]


def test_a_refused_test_and_a_missing_linked_service_are_failures_in_arm_s_words(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    message = "Interactive authoring is disabled for the integration runtime."
    server.add_linked_service("LS_Private", refuse=(400, "BadRequest", message))
    assert cli("LS_Private", "LS_Nope") == ExitCode.AZURE
    err = capsys.readouterr().err
    assert f"error: LS_Private: connection failed: Azure refused the test: HTTP 400: BadRequest: {message}" in err
    assert (
        f"error: LS_Nope: connection failed: cannot read it: HTTP 404: NotFound: Linked service 'LS_Nope' does not "
        f"exist in factory '{FACTORY}'." in err
    )
    assert [r.action for r in server.requests] == [
        "GET linkedservices/LS_Private",
        "POST testConnectivity",
        "GET linkedservices/LS_Nope",
    ]


def test_json_is_the_cli_envelope_with_the_counts_and_each_result(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_linked_service("LS_Sql", errors=[{"code": "22300", "message": "Cannot connect."}])
    assert cli("--json", "LS_Lake", "LS_Sql") == ExitCode.AZURE
    assert json.loads(capsys.readouterr().out) == {
        "command": "adf test-connection",
        "ok": False,
        "exitCode": 3,
        "errors": [{"kind": "azure", "exitCode": 3, "message": "LS_Sql: connection failed: Cannot connect."}],
        "factory": BASE,
        "passed": 1,
        "failed": 1,
        "total": 2,
        "results": [
            {"name": "LS_Lake", "succeeded": True, "reason": ""},
            {"name": "LS_Sql", "succeeded": False, "reason": "Cannot connect."},
        ],
    }


def test_a_linked_service_named_with_a_space_is_read_and_tested(cli: Cli, server: ArmServer) -> None:
    server.add_linked_service("LS Files")
    assert cli("LS Files") == ExitCode.OK
    assert server.requests[0].path == f"{BASE}/linkedservices/LS Files"
    assert server.tested[0]["linkedService"]["name"] == "LS Files"


def test_an_unreachable_endpoint_fails_each_test_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ops.factory, "make_credential", lambda: FakeCredential())
    connect = ops.factory.connect
    monkeypatch.setattr(ops.factory, "connect", lambda *a, **k: connect(*a, **k, retry_total=0))
    argv = ["adf", "test-connection", "--stack", "dev", "--endpoint", "https://127.0.0.1:9", *WHERE, "LS_Lake"]
    assert main(argv) == ExitCode.AZURE
    assert "error: LS_Lake: connection failed: Azure failed the test: could not reach Azure Resource Manager" in (
        capsys.readouterr().err
    )


def test_missing_coordinates_exit_2_before_any_request(
    server: ArmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    assert main(["adf", "test-connection", "--stack", "dev", "--endpoint", server.endpoint]) == ExitCode.INPUT
    assert "the Pulumi CLI is not installed" in capsys.readouterr().err
    assert server.requests == []
