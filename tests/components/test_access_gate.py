"""The RBAC propagation gate: waits while the vault says 403 ForbiddenByRbac or cannot be reached yet, within a bound;
every other answer fails at once, saying what it means."""

from __future__ import annotations

from typing import Any

import pytest

from components.access_gate import ProbeResponse, wait_for_access
from tests.support.azure_standin import AzureStandIn, Reply, StandInCredential
from tests.support.fake_time import FakeTime

SCOPE = "https://vault.azure.net/.default"


def vault_403(code: str | None) -> Reply:
    """A Key Vault 403: the body names the reason in error.innererror.code."""
    error: dict[str, Any] = {"code": "Forbidden", "message": "..."}
    if code is not None:
        error["innererror"] = {"code": code}
    return Reply.json(403, {"error": error})


RBAC = vault_403("ForbiddenByRbac")


def probe(url: str, timeout: float = 300, backoff: tuple[float, ...] = (10.0,), time: FakeTime | None = None) -> int:
    """The gate, on virtual time: its pauses pass at once."""
    time = time or FakeTime()
    return wait_for_access(
        url, SCOPE, timeout, backoff, credential=StandInCredential(), clock=time, transport=time.transport()
    )


def test_returns_the_number_of_probes_once_the_role_is_effective(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/gate/effective", RBAC, RBAC, Reply(200))
    assert probe(url) == 3
    assert len(standin.requests("GET", "/gate/effective")) == 3


def test_gives_up_after_the_bound_with_a_clear_message(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/gate/never", RBAC)
    time = FakeTime()
    with pytest.raises(RuntimeError) as info:
        probe(url, timeout=60, backoff=(10.0,), time=time)
    message = str(info.value)
    assert "not effective after 60 s (7 probes" in message and "last HTTP 403 ForbiddenByRbac" in message
    assert time.sleeps == [10.0] * 6, "a seventh pause would end past the bound"
    assert len(standin.requests("GET", "/gate/never")) == 7


def test_an_error_that_waiting_cannot_fix_fails_at_once(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/gate/missing", Reply.json(404, {"error": {"code": "SecretNotFound"}}), Reply(200))
    with pytest.raises(RuntimeError, match=r"HTTP 404 \(SecretNotFound\), which waiting will not fix"):
        probe(url)
    assert len(standin.requests("GET", "/gate/missing")) == 1


@pytest.mark.parametrize(
    ("case", "reply"),
    [
        ("firewall", vault_403("ForbiddenByFirewall")),
        ("connection", vault_403("ForbiddenByConnection")),
        ("access-policy", vault_403("AccessDenied")),
        ("no-code", vault_403(None)),
        ("unauthenticated", Reply(401)),
    ],
)
def test_only_a_missing_role_is_waited_on(standin: AzureStandIn, case: str, reply: Reply) -> None:
    url = standin.script("GET", f"/gate/only-rbac-{case}", reply, Reply(200))
    with pytest.raises(RuntimeError):
        probe(url)
    assert len(standin.requests("GET", f"/gate/only-rbac-{case}")) == 1


def test_a_firewall_block_says_how_to_open_a_path(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/gate/firewall", vault_403("ForbiddenByFirewall"))
    with pytest.raises(RuntimeError) as info:
        probe(url)
    message = str(info.value)
    assert "firewall blocks the deploying agent" in message
    assert "keyVault.allowedIpRanges" in message and "keyVault.networkDefaultAction" in message


@pytest.mark.parametrize("code", ["ForbiddenByConnection", None])
def test_a_403_naming_neither_role_nor_firewall_means_no_private_path_yet_and_names_the_endpoint(
    standin: AzureStandIn, code: str | None
) -> None:
    url = standin.script("GET", f"/gate/public-off-{code}", vault_403(code))
    with pytest.raises(RuntimeError) as info:
        probe(url)
    message = str(info.value)
    assert "naming neither the role (ForbiddenByRbac) nor the firewall (ForbiddenByFirewall)" in message
    assert "public network access is disabled" in message and "no private path yet" in message
    assert "private endpoint (group vault)" in message and "privatelink.vaultcore.azure.net" in message


def test_a_vault_that_cannot_be_reached_yet_is_waited_on_then_named_with_the_path_it_needs() -> None:
    with pytest.raises(RuntimeError) as info:
        probe("http://127.0.0.1:9/secrets?api-version=7.4", timeout=60, backoff=(10.0,))
    message = str(info.value)
    assert "did not answer the access probe within 60 s (7 attempts" in message and "Connection refused" in message
    assert "private endpoint (group vault)" in message and "privatelink.vaultcore.azure.net" in message


def test_a_passing_server_error_is_waited_out(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/gate/blip", Reply(503), Reply(200))
    assert probe(url) == 2


def test_the_backoff_is_an_input(standin: AzureStandIn) -> None:
    slow = standin.script("GET", "/gate/backoff-slow", RBAC, RBAC, RBAC, Reply(200))
    with pytest.raises(RuntimeError, match=r"not effective after 2 s \(1 probes"):
        probe(slow, timeout=2, backoff=(3.0,))
    fast = standin.script("GET", "/gate/backoff-fast", RBAC, RBAC, RBAC, Reply(200))
    time = FakeTime()
    assert probe(fast, timeout=2, backoff=(0.5,), time=time) == 4
    assert time.sleeps == [0.5, 0.5, 0.5]


def test_the_error_code_is_the_most_specific_one_in_the_body() -> None:
    inner = b'{"error": {"code": "Forbidden", "innererror": {"code": "ForbiddenByRbac"}}}'
    assert ProbeResponse(403, inner).error_code == "ForbiddenByRbac"
    assert ProbeResponse(403, b'{"error": {"code": "Forbidden"}}').error_code == "Forbidden"
    assert ProbeResponse(403, b"not json").error_code is None
