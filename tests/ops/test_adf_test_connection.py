"""`ops adf test-connection` against the fake ARM: adf.tools' two requests per linked service, the exit codes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import ops.factory
from ops import adf_test_connection, exit_codes
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION, ArmServer, FakeCredential

Cli = Callable[..., int]
BASE = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.DataFactory/factories/{FACTORY}"
)
KEY_VAULT = {"type": "AzureKeyVault", "typeProperties": {"baseUrl": "https://kv.vault.azure.net/"}}


@pytest.fixture
def cli(server: ArmServer, monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path]) -> Cli:
    monkeypatch.setattr(ops.factory, "make_credential", lambda: FakeCredential())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    server.add_linked_service("LS_KeyVault", properties=KEY_VAULT)
    server.add_linked_service("LS_Lake")

    def run(*argv: str) -> int:
        parser = argparse.ArgumentParser(prog="python -m ops adf test-connection")
        adf_test_connection.add_arguments(parser)
        where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
        return adf_test_connection.main(
            parser.parse_args(["--stack", "dev", "--endpoint", server.endpoint, *where, *argv])
        )

    return run


def test_each_linked_service_is_read_then_tested_with_the_resource_as_read(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("LS_KeyVault") == exit_codes.OK
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
    assert capsys.readouterr().out.splitlines() == [
        "LS_KeyVault: connection succeeded",
        "passed 1, failed 0, total 1",
    ]


def test_without_names_every_linked_service_of_the_factory_is_tested(cli: Cli, server: ArmServer) -> None:
    server.page_size = 1
    assert cli() == exit_codes.OK
    assert [body["linkedService"]["name"] for body in server.tested] == ["LS_KeyVault", "LS_Lake"]


def test_a_failed_test_is_reported_with_its_errors_and_exits_3(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_linked_service("LS_Sql", errors=[{"code": "22300", "message": "Cannot connect to SQL Database."}])
    assert cli("LS_KeyVault", "LS_Sql") == exit_codes.AZURE
    assert capsys.readouterr().out.splitlines() == [
        "LS_KeyVault: connection succeeded",
        "LS_Sql: connection failed: Cannot connect to SQL Database.",
        "passed 1, failed 1, total 2",
    ]


def test_a_refused_test_and_a_missing_linked_service_are_failures_with_arm_s_words(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    message = "Interactive authoring is disabled for the integration runtime."
    server.add_linked_service("LS_Private", refuse=(400, "BadRequest", message))
    assert cli("LS_Private", "LS_Nope") == exit_codes.AZURE
    out = capsys.readouterr().out
    assert f"LS_Private: connection failed: Azure refused the test: HTTP 400: BadRequest: {message}" in out
    assert (
        f"LS_Nope: connection failed: cannot read it: HTTP 404: NotFound: Linked service 'LS_Nope' does not exist "
        f"in factory '{FACTORY}'." in out
    )
    assert [r.action for r in server.requests] == [
        "GET linkedservices/LS_Private",
        "POST testConnectivity",
        "GET linkedservices/LS_Nope",
    ]


def test_json_prints_the_counts_and_each_result(
    cli: Cli, server: ArmServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add_linked_service("LS_Sql", errors=[{"code": "22300", "message": "Cannot connect."}])
    assert cli("--json", "LS_Lake", "LS_Sql") == exit_codes.AZURE
    assert json.loads(capsys.readouterr().out) == {
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
    assert cli("LS Files") == exit_codes.OK
    assert server.requests[0].path == f"{BASE}/linkedservices/LS Files"
    assert server.tested[0]["linkedService"]["name"] == "LS Files"


def test_an_unreachable_endpoint_fails_every_test_with_exit_3(
    server: ArmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ops.factory, "make_credential", lambda: FakeCredential())
    parser = argparse.ArgumentParser()
    adf_test_connection.add_arguments(parser)
    where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
    args = parser.parse_args(["--stack", "dev", "--endpoint", "https://127.0.0.1:9", *where, "LS_Lake"])
    monkeypatch.setattr(ops.factory, "connect", _no_retries(ops.factory.connect))
    assert adf_test_connection.main(args) == exit_codes.AZURE
    assert "LS_Lake: connection failed: Azure failed the test: could not reach Azure Resource Manager" in (
        capsys.readouterr().out
    )


def _no_retries(connect: Callable[..., ops.factory.Factory]) -> Callable[..., ops.factory.Factory]:
    return lambda *args, **kwargs: connect(*args, **kwargs, retry_total=0)


def test_missing_coordinates_exit_2(
    server: ArmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    parser = argparse.ArgumentParser()
    adf_test_connection.add_arguments(parser)
    assert adf_test_connection.main(parser.parse_args(["--stack", "dev", "--endpoint", server.endpoint])) == (
        exit_codes.USAGE
    )
    assert "the Pulumi CLI is not installed" in capsys.readouterr().err
    assert server.requests == []
