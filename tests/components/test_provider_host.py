"""The dynamic resources proven the way `pulumi up` runs them, without the Pulumi CLI.

The engine never runs our dynamic providers in the program's process. The SDK pickles each
provider (`serialize_provider`) into the resource's `__provider` input; at create, update and
delete the engine starts the SDK's provider host, `python -u -m pulumi.dynamic <engine>`, in
the program directory, reads the port it prints and calls it over gRPC. These tests do the
same with the SDK's own function and generated stubs, against Azure stood in for on
127.0.0.1 (tests/support/azure_standin.py). The host gets no Azure variables and no login:
its DefaultAzureCredential takes tokens from the stand-in's managed-identity endpoint.

Each host process starts once per module; the waits are inputs, so everything runs in seconds.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components.access_gate import _AccessGateProvider
from components.dynamic_provider import ProjectProvider
from components.first_deployment import _FirstDeploymentHourProvider, whole_hour
from components.host_keys import _HostKeysProvider
from components.zip_deploy import PublishTiming, _ZipDeployProvider
from tests.support.azure_standin import (
    AzureStandIn,
    Reply,
    host_keys,
    host_not_started,
    listkeys_path,
    token_for,
)

ROOT = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic:Resource"
ENGINE_ADDRESS = "127.0.0.1:1"  # the host takes it as its argument and never dials it
VAULT_AUDIENCE = "https://vault.azure.net"
ARM_AUDIENCE = "https://management.azure.com"
FAST = PublishTiming(poll_interval_seconds=0.01, deploy_timeout_seconds=5, retry_seconds=5, retry_interval_seconds=0.01)


def sdk_serialized(provider: ProjectProvider) -> str:
    """`__provider` as `pulumi.dynamic.Resource` makes it: the SDK's function in its serialization context."""
    value, _ = _serialize(True, serialize_provider, provider)
    return value


GATE_PROVIDER = sdk_serialized(_AccessGateProvider())
ZIP_PROVIDER = sdk_serialized(_ZipDeployProvider())
KEYS_PROVIDER = sdk_serialized(_HostKeysProvider())
FIRST_PROVIDER = sdk_serialized(_FirstDeploymentHourProvider())


def _host_env(standin: AzureStandIn, identity_header: str, pythonpath: Path | None) -> dict[str, str]:
    """The test's environment without anything that could reach real Azure or add import paths."""
    cleared = ("AZURE_", "AZURESUBSCRIPTION_", "ARM_", "IDENTITY_", "MSI_", "IMDS_")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(cleared) and key not in ("SYSTEM_ACCESSTOKEN", "PYTHONPATH", "PYTHONHOME")
    }
    env.update(standin.identity_env(identity_header))
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


class ProviderHost:
    """The SDK's provider host in a fresh process, started and called the way the engine does."""

    def __init__(self, name: str, cwd: Path, standin: AzureStandIn, pythonpath: Path | None = None) -> None:
        self.identity_header = f"identity-of-the-{name}-host"
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the host; closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", ENGINE_ADDRESS],
            cwd=cwd,
            env=_host_env(standin, self.identity_header, pythonpath),
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().strip() if ready else b""
        if not line.isdigit():
            self._stderr.seek(0)
            stderr = self._stderr.read().decode(errors="replace")
            self.close()
            raise AssertionError(f"the provider host printed no port: {line!r}\n{stderr}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.plugin_info = self.stub.GetPluginInfo(empty_pb2.Empty())
        self.configured = self.stub.Configure(
            provider_pb2.ConfigureRequest(args=struct_pb2.Struct(), acceptSecrets=True, acceptResources=True)
        )

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self._stderr.close()


class Resource:
    """One dynamic resource as the engine drives it: every call names its URN, inputs travel as Structs."""

    def __init__(self, host: ProviderHost, name: str) -> None:
        self.stub = host.stub
        self.name = name
        self.urn = f"urn:pulumi:dev::data-platform::{TYPE}::{name}"

    def check(self, news: dict[str, Any], olds: struct_pb2.Struct | None = None) -> provider_pb2.CheckResponse:
        return self.stub.Check(
            provider_pb2.CheckRequest(
                urn=self.urn, name=self.name, type=TYPE, olds=olds or struct_pb2.Struct(), news=struct(news)
            )
        )

    def create(self, inputs: struct_pb2.Struct) -> provider_pb2.CreateResponse:
        return self.stub.Create(
            provider_pb2.CreateRequest(urn=self.urn, name=self.name, type=TYPE, properties=inputs, timeout=60)
        )

    def diff(self, id_: str, olds: struct_pb2.Struct, news: struct_pb2.Struct) -> provider_pb2.DiffResponse:
        return self.stub.Diff(
            provider_pb2.DiffRequest(id=id_, urn=self.urn, name=self.name, type=TYPE, olds=olds, news=news)
        )

    def update(self, id_: str, olds: struct_pb2.Struct, news: struct_pb2.Struct) -> provider_pb2.UpdateResponse:
        return self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=self.urn, name=self.name, type=TYPE, olds=olds, news=news, timeout=60
            )
        )

    def delete(self, id_: str, outs: struct_pb2.Struct) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(id=id_, urn=self.urn, name=self.name, type=TYPE, properties=outs, timeout=60)
        )

    def checked_create(self, news: dict[str, Any]) -> provider_pb2.CreateResponse:
        """Check, then Create with the checked inputs, as `pulumi up` does for a new resource."""
        checked = self.check(news)
        assert list(checked.failures) == []
        return self.create(checked.inputs)


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def plain(message: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(message)


def rpc_error(call: Any, *args: Any) -> str:
    """The details of the gRPC error a call fails with (the host sends the provider's traceback)."""
    with pytest.raises(grpc.RpcError) as info:
        call(*args)
    return str(info.value.details())


def gate_inputs(probe_url: str, case: str) -> dict[str, Any]:
    """The AccessGate's inputs as the program registers them, `__provider` unwrapped as the engine sends it."""
    return {
        "probe_url": probe_url,
        "token_scope": f"{VAULT_AUDIENCE}/.default",
        "role_assignment_id": f"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/{case}",
        "timeout_seconds": 5,
        "backoff_seconds": [0.01],
        "__provider": GATE_PROVIDER,
    }


def zip_inputs(scm_url: str, package: Path, timing: PublishTiming = FAST) -> dict[str, Any]:
    return {
        "app_name": "func-konnektmack-dev",
        "scm_url": scm_url,
        "package_path": str(package),
        "package_sha256": hashlib.sha256(package.read_bytes()).hexdigest(),
        **asdict(timing),
        "__provider": ZIP_PROVIDER,
    }


def app_id(case: str) -> str:
    return f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-{case}"


def keys_inputs(standin: AzureStandIn, case: str, *replies: Reply, timeout: float = 5) -> dict[str, Any]:
    """HostKeys' inputs for an app whose listkeys answers `replies`, with ARM stood in for."""
    standin.script("POST", listkeys_path(app_id(case)), *replies)
    return {
        "kind": "function-host-keys",
        "app_id": app_id(case),
        "arm_endpoint": standin.url,
        "token_scope": f"{ARM_AUDIENCE}/.default",
        "api_version": "2025-05-01",
        "timeout_seconds": timeout,
        "backoff_seconds": [0.01, 0.02],
        "__provider": KEYS_PROVIDER,
    }


def vault(standin: AzureStandIn, case: str, *replies: Reply) -> str:
    """A vault path answering these replies; returns the probe URL the program would derive from the vault URI."""
    return standin.script("GET", f"/vaults/{case}/secrets", *replies) + "?api-version=7.4&maxresults=1"


def vault_403(code: str) -> Reply:
    return Reply.json(403, {"error": {"code": "Forbidden", "message": "...", "innererror": {"code": code}}})


def kudu(standin: AzureStandIn, case: str, publish: list[Reply], statuses: list[int | Reply]) -> str:
    """An SCM site whose publish answers `publish` and whose deployment reports `statuses`; returns its base URL."""
    scm = f"/scm/{case}"
    standin.script("POST", f"{scm}/api/publish", *publish)
    replies = [s if isinstance(s, Reply) else deployment(case, s) for s in statuses]
    standin.script("GET", f"{scm}/api/deployments/dep-{case}", *replies)
    return standin.url + scm


def deployment(case: str, status: int, text: str = "") -> Reply:
    """GET /api/deployments/<id>; `status` is Kudu's DeployStatus (Azure/azure-dev#3658)."""
    return Reply.json(200, {"id": f"dep-{case}", "status": status, "status_text": text, "complete": status in (3, 4)})


def accepted(case: str) -> Reply:
    """Flex's answer to a publish: 202 and the deployment id as a JSON string (Azure/azure-dev#3658)."""
    return Reply.json(202, f"dep-{case}", Location=f"/api/deployments/dep-{case}")


@pytest.fixture(scope="module")
def program_host(standin: AzureStandIn) -> Iterator[ProviderHost]:
    """Started where the engine starts it: the program directory."""
    host = ProviderHost("program", ROOT, standin)
    yield host
    host.close()


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of the Function package; bytes no text codec or line ending would leave alone."""
    folder = tmp_path_factory.mktemp("dist")
    first, second = folder / "function-1.zip", folder / "function-2.zip"
    first.write_bytes(bytes(range(256)) * 512 + b"\r\n\x00")
    second.write_bytes(bytes(reversed(range(256))) * 512)
    return first, second


@pytest.fixture(scope="module")
def installed_host(
    standin: AzureStandIn, installed_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderHost]:
    """Started in another directory, with the project installed (as the Automation API may run it)."""
    host = ProviderHost("installed", tmp_path_factory.mktemp("elsewhere"), standin, pythonpath=installed_site)
    yield host
    host.close()


@pytest.fixture(scope="module")
def bare_host(standin: AzureStandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderHost]:
    """Started in another directory, with the project not installed."""
    host = ProviderHost("bare", tmp_path_factory.mktemp("elsewhere"), standin)
    yield host
    host.close()


def test_the_sdk_pickles_our_providers_under_their_stable_module_paths() -> None:
    for serialized, module, name in (
        (GATE_PROVIDER, b"components.access_gate", b"_AccessGateProvider"),
        (ZIP_PROVIDER, b"components.zip_deploy", b"_ZipDeployProvider"),
        (KEYS_PROVIDER, b"components.host_keys", b"_HostKeysProvider"),
        (FIRST_PROVIDER, b"components.first_deployment", b"_FirstDeploymentHourProvider"),
    ):
        pickled = base64.b64decode(serialized)
        assert module in pickled and name in pickled
        assert str(ROOT).encode() not in pickled, "the pickle is the same on every machine"


def test_the_host_answers_the_engine_and_refuses_secrets(program_host: ProviderHost) -> None:
    assert program_host.plugin_info.version
    assert program_host.configured.acceptSecrets is False


def test_gate_checks_known_and_unknown_inputs(program_host: ProviderHost, standin: AzureStandIn) -> None:
    gate = Resource(program_host, "gate-check")
    known = gate_inputs(vault(standin, "check", Reply(200)), "check")
    checked = gate.check(known)
    assert list(checked.failures) == []
    assert plain(checked.inputs) == known
    unknown = gate.check({**known, "probe_url": rpc.UNKNOWN, "role_assignment_id": rpc.UNKNOWN})
    assert list(unknown.failures) == []
    assert plain(unknown.inputs)["probe_url"] == rpc.UNKNOWN
    assert standin.requests("GET", "/vaults/check/secrets") == [], "Check never calls Azure"


def test_gate_waits_while_the_vault_says_forbidden_by_rbac(program_host: ProviderHost, standin: AzureStandIn) -> None:
    gate = Resource(program_host, "gate-rbac")
    inputs = gate_inputs(
        vault(standin, "rbac", vault_403("ForbiddenByRbac"), vault_403("ForbiddenByRbac"), Reply(200)), "rbac"
    )
    created = gate.checked_create(inputs)
    assert created.id == inputs["role_assignment_id"]
    assert plain(created.properties)["probes"] == 3
    probes = standin.requests("GET", "/vaults/rbac/secrets")
    assert len(probes) == 3
    assert {p.headers["Authorization"] for p in probes} == {f"Bearer {token_for(VAULT_AUDIENCE)}"}

    same = gate.diff(created.id, created.properties, gate.check(inputs).inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    moved = gate.diff(created.id, created.properties, gate.check({**inputs, "probe_url": rpc.UNKNOWN}).inputs)
    assert moved.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(moved.replaces) == ["probe_url"], "a new vault is a new gate: the engine replaces, never updates"

    gate.delete(created.id, created.properties)
    assert len(standin.requests("GET", "/vaults/rbac/secrets")) == 3, "Delete never calls Azure"


def test_gate_fails_at_once_when_the_vault_firewall_blocks_the_agent(
    program_host: ProviderHost, standin: AzureStandIn
) -> None:
    gate = Resource(program_host, "gate-firewall")
    inputs = gate_inputs(vault(standin, "firewall", vault_403("ForbiddenByFirewall"), Reply(200)), "firewall")
    details = rpc_error(gate.create, gate.check(inputs).inputs)
    assert "firewall blocks the deploying agent" in details and "keyVault.allowedIpRanges" in details
    assert len(standin.requests("GET", "/vaults/firewall/secrets")) == 1


def test_gate_fails_at_once_when_waiting_cannot_help(program_host: ProviderHost, standin: AzureStandIn) -> None:
    gate = Resource(program_host, "gate-missing")
    inputs = gate_inputs(vault(standin, "missing", Reply.json(404, {"error": {"code": "NotFound"}})), "missing")
    assert "HTTP 404" in rpc_error(gate.create, gate.check(inputs).inputs)
    assert len(standin.requests("GET", "/vaults/missing/secrets")) == 1


def test_publish_sends_the_package_and_polls_until_the_deployment_succeeds(
    program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    first, second = packages
    deploy = Resource(program_host, "zip")
    scm = kudu(standin, "ok", [accepted("ok")], [0, 1, 2, 4])
    inputs = zip_inputs(scm, first)
    assert list(deploy.check({**inputs, "scm_url": rpc.UNKNOWN}).failures) == [], "unknown until the app exists"

    created = deploy.checked_create(inputs)
    assert plain(created.properties)["deployment_id"] == "dep-ok"
    (publish,) = standin.requests("POST", "/scm/ok/api/publish")
    assert publish.body == first.read_bytes()
    assert hashlib.sha256(publish.body).hexdigest() == inputs["package_sha256"]
    assert publish.headers["Authorization"] == f"Bearer {token_for(ARM_AUDIENCE)}"
    assert publish.headers["Content-Type"] == "application/zip"
    polls = standin.requests("GET", "/scm/ok/api/deployments/dep-ok")
    assert len(polls) == 4, "polled through pending, building and deploying to success"

    same = deploy.diff(created.id, created.properties, deploy.check(inputs).inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    rebuilt = deploy.check(zip_inputs(scm, second)).inputs
    changed = deploy.diff(created.id, created.properties, rebuilt)
    assert changed.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(changed.replaces) == [], "a new build of the same app is an update"
    standin.script("GET", "/scm/ok/api/deployments/dep-ok", deployment("ok", 4))
    deploy.update(created.id, created.properties, rebuilt)
    assert standin.requests("POST", "/scm/ok/api/publish")[-1].body == second.read_bytes()

    seen = len(standin.seen)
    deploy.delete(created.id, created.properties)
    assert len(standin.seen) == seen, "Delete never calls Azure"


def test_publish_retries_while_a_fresh_role_keeps_the_package_out_of_storage(
    program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    fresh_role = Reply.json(
        400, {"Message": "BlobUploadFailedException: Response status code does not indicate success: 403"}
    )
    scm = kudu(standin, "fresh", [fresh_role, fresh_role, accepted("fresh")], [4])
    Resource(program_host, "zip-fresh").checked_create(zip_inputs(scm, packages[0]))
    assert len(standin.requests("POST", "/scm/fresh/api/publish")) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_publish_fails_at_once_on_other_client_errors(
    program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path], status: int
) -> None:
    case = f"client-{status}"
    scm = kudu(standin, case, [Reply.json(status, {"Message": "no"}), accepted(case)], [4])
    deploy = Resource(program_host, f"zip-{case}")
    assert f"HTTP {status}" in rpc_error(deploy.create, deploy.check(zip_inputs(scm, packages[0])).inputs)
    assert len(standin.requests("POST", f"/scm/{case}/api/publish")) == 1


def test_a_failed_deployment_fails_create(
    program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    scm = kudu(standin, "failed", [accepted("failed")], [1, deployment("failed", 3, "Oryx build failed")])
    deploy = Resource(program_host, "zip-failed")
    details = rpc_error(deploy.create, deploy.check(zip_inputs(scm, packages[0])).inputs)
    assert "failed: Oryx build failed" in details


def test_host_keys_wait_while_the_host_starts_then_read_the_default_key(
    program_host: ProviderHost, standin: AzureStandIn
) -> None:
    keys = Resource(program_host, "keys")
    inputs = keys_inputs(standin, "starting", host_not_started(), host_not_started(), host_keys("k3y-starting"))
    assert list(keys.check({**inputs, "app_id": rpc.UNKNOWN}).failures) == [], "unknown until the app exists"

    created = keys.checked_create(inputs)
    assert created.id == app_id("starting")
    outputs = plain(created.properties)
    assert outputs["function_key"] == "k3y-starting"
    assert outputs["attempts"] == 3
    posts = standin.requests("POST", listkeys_path(app_id("starting")))
    assert len(posts) == 3
    assert {p.query["api-version"][0] for p in posts} == {"2025-05-01"}
    assert {p.headers["Authorization"] for p in posts} == {f"Bearer {token_for(ARM_AUDIENCE)}"}

    same = keys.diff(created.id, created.properties, keys.check(inputs).inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    slower = keys.diff(created.id, created.properties, keys.check({**inputs, "timeout_seconds": 60}).inputs)
    assert slower.changes == provider_pb2.DiffResponse.DIFF_NONE, "other waits do not re-read the key"
    other = keys.diff(created.id, created.properties, keys.check({**inputs, "app_id": app_id("other")}).inputs)
    assert list(other.replaces) == ["app_id"]

    keys.delete(created.id, created.properties)
    assert len(standin.requests("POST", listkeys_path(app_id("starting")))) == 3, "Delete never calls Azure"


@pytest.mark.parametrize("status", [401, 403])
def test_host_keys_fail_at_once_when_the_deployer_may_not_list_them(
    program_host: ProviderHost, standin: AzureStandIn, status: int
) -> None:
    case = f"denied-{status}"
    denied = Reply.json(status, {"error": {"code": "AuthorizationFailed", "message": "no listkeys action"}})
    keys = Resource(program_host, f"keys-{case}")
    details = rpc_error(keys.create, keys.check(keys_inputs(standin, case, denied, host_keys("k3y"))).inputs)
    assert f"HTTP {status} AuthorizationFailed" in details
    assert len(standin.requests("POST", listkeys_path(app_id(case)))) == 1


def test_host_keys_never_put_a_key_in_an_error(program_host: ProviderHost, standin: AzureStandIn) -> None:
    secret = "s3cret-key-value"
    no_default = Reply.json(200, {"masterKey": secret, "functionKeys": {"factory": secret}})
    keys = Resource(program_host, "keys-no-default")
    details = rpc_error(keys.create, keys.check(keys_inputs(standin, "no-default", no_default)).inputs)
    assert "function keys: factory" in details
    assert secret not in details


def test_every_wait_is_bounded(program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]) -> None:
    short = PublishTiming(poll_interval_seconds=0.01, deploy_timeout_seconds=0.1, retry_seconds=0.1)
    stuck = kudu(standin, "stuck", [accepted("stuck")], [2])
    blocked = kudu(standin, "blocked", [Reply.json(400, {"Message": "BlobUploadFailed: 403 Forbidden"})], [4])
    started = time.monotonic()
    deploy = Resource(program_host, "zip-bounded")
    timed_out = rpc_error(deploy.create, deploy.check(zip_inputs(stuck, packages[0], short)).inputs)
    assert "did not complete within" in timed_out and "is deploying" in timed_out
    short = PublishTiming(retry_seconds=0.1, retry_interval_seconds=0.02)
    gave_up = rpc_error(deploy.create, deploy.check(zip_inputs(blocked, packages[0], short)).inputs)
    assert "Storage Blob Data Owner" in gave_up
    gate = Resource(program_host, "gate-bounded")
    never = gate_inputs(vault(standin, "never", vault_403("ForbiddenByRbac")), "never")
    assert "was not effective after" in rpc_error(gate.create, gate.check({**never, "timeout_seconds": 0.1}).inputs)
    keys = Resource(program_host, "keys-bounded")
    stopped = keys_inputs(standin, "stopped", host_not_started(), timeout=0.1)
    never_started = rpc_error(keys.create, keys.check(stopped).inputs)
    assert "did not hand out its keys within" in never_started and "from host runtime" in never_started
    assert time.monotonic() - started < 3


def test_the_first_deployment_hour_is_the_hour_of_the_create_and_never_changes(program_host: ProviderHost) -> None:
    first = Resource(program_host, "first-deployment")
    inputs = {"kind": "first-deployment-hour", "hour": None, "__provider": FIRST_PROVIDER}
    before = datetime.datetime.now(datetime.UTC)
    created = first.checked_create(inputs)
    after = datetime.datetime.now(datetime.UTC)
    hour = plain(created.properties)["hour"]
    assert hour in {whole_hour(before), whole_hour(after)}, "the hour the host ran the create in"
    assert created.id == hour
    same = first.diff(created.id, created.properties, first.check(inputs).inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE, "later deployments keep the stored hour"
    first.delete(created.id, created.properties)


def test_the_host_builds_one_credential_and_asks_once_per_audience(
    program_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    for case in ("token-1", "token-2"):
        Resource(program_host, f"gate-{case}").checked_create(gate_inputs(vault(standin, case, Reply(200)), case))
        scm = kudu(standin, case, [accepted(case)], [4])
        Resource(program_host, f"zip-{case}").checked_create(zip_inputs(scm, packages[0]))
        Resource(program_host, f"keys-{case}").checked_create(keys_inputs(standin, case, host_keys("k3y")))
    asked = standin.token_requests(program_host.identity_header)
    assert sorted(asked) == [ARM_AUDIENCE, VAULT_AUDIENCE]


def test_an_installed_project_works_from_another_directory(
    installed_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    Resource(installed_host, "gate").checked_create(gate_inputs(vault(standin, "installed", Reply(200)), "installed"))
    scm = kudu(standin, "installed", [accepted("installed")], [4])
    deploy = Resource(installed_host, "zip")
    deploy.checked_create(zip_inputs(scm, packages[0]))
    assert standin.requests("POST", "/scm/installed/api/publish")[0].body == packages[0].read_bytes()

    relative = deploy.check({**zip_inputs(scm, packages[0]), "package_path": "dist/function.zip"})
    (failure,) = relative.failures
    assert failure.property == "package_path"
    assert "is relative" in failure.reason and "resolved when the program runs" in failure.reason


def test_without_the_project_the_host_fails_at_check_and_says_what_to_do(
    bare_host: ProviderHost, standin: AzureStandIn, packages: tuple[Path, Path]
) -> None:
    for name, inputs in (
        ("gate", gate_inputs(vault(standin, "bare", Reply(200)), "bare")),
        ("zip", zip_inputs(kudu(standin, "bare", [accepted("bare")], [4]), packages[0])),
    ):
        details = rpc_error(Resource(bare_host, name).check, inputs)
        assert "cannot be imported by the provider host" in details
        assert "Run pulumi from the project directory" in details and "pip install <project directory>" in details
    assert standin.requests("GET", "/vaults/bare/secrets") == []
    assert standin.token_requests(bare_host.identity_header) == []
