"""The RBAC propagation gate: waits while the vault says 403 ForbiddenByRbac, fails after a bounded wait."""

from __future__ import annotations

import json

import pytest

from components.access_gate import ProbeResponse, wait_for_access


def vault_error(status: int, code: str | None = None) -> ProbeResponse:
    """A Key Vault answer: 403 bodies name the reason in error.innererror.code."""
    if code is None:
        return ProbeResponse(status)
    body = {"error": {"code": "Forbidden", "message": "...", "innererror": {"code": code}}}
    return ProbeResponse(status, json.dumps(body).encode())


RBAC = vault_error(403, "ForbiddenByRbac")
OK = vault_error(200)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return self.now


def scripted(responses: list[ProbeResponse]):
    calls: list[tuple[str, str]] = []

    def probe(url: str, scope: str) -> ProbeResponse:
        calls.append((url, scope))
        return responses[min(len(calls) - 1, len(responses) - 1)]

    return probe, calls


def test_returns_once_the_role_is_effective() -> None:
    clock = FakeClock()
    probe, calls = scripted([RBAC, RBAC, OK])
    attempts = wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time)
    assert attempts == 3
    assert clock.sleeps == [5, 10]
    assert calls[0] == ("https://kv/secrets", "scope")


def test_gives_up_after_the_timeout_with_a_clear_message() -> None:
    clock = FakeClock()
    probe, calls = scripted([RBAC])
    with pytest.raises(RuntimeError) as info:
        wait_for_access("https://kv/secrets", "scope", 60, probe, clock.sleep, clock.time)
    assert "not effective after 60 s" in str(info.value)
    assert "last HTTP 403 ForbiddenByRbac" in str(info.value)
    assert clock.now <= 60
    assert len(calls) >= 3


def test_an_error_that_waiting_cannot_fix_fails_at_once() -> None:
    clock = FakeClock()
    probe, calls = scripted([vault_error(404, "SecretNotFound")])
    with pytest.raises(RuntimeError, match="HTTP 404"):
        wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time)
    assert len(calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "response",
    [vault_error(403, "ForbiddenByFirewall"), vault_error(403, "AccessDenied"), vault_error(403), vault_error(401)],
    ids=["firewall", "access-policy", "no-code", "unauthenticated"],
)
def test_only_a_missing_role_is_waited_on(response: ProbeResponse) -> None:
    clock = FakeClock()
    probe, calls = scripted([response, OK])
    with pytest.raises(RuntimeError):
        wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time)
    assert len(calls) == 1
    assert clock.sleeps == []


def test_a_firewall_block_says_how_to_open_a_path() -> None:
    probe, _ = scripted([vault_error(403, "ForbiddenByFirewall")])
    with pytest.raises(RuntimeError) as info:
        wait_for_access("https://kv/secrets", "scope", 600, probe)
    message = str(info.value)
    assert "firewall blocks the deploying agent" in message
    assert "keyVault.allowedIpRanges" in message and "keyVault.networkDefaultAction" in message


def test_the_backoff_is_an_input() -> None:
    clock = FakeClock()
    probe, _ = scripted([RBAC, RBAC, RBAC, OK])
    wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time, backoff_seconds=(0.5, 1))
    assert clock.sleeps == [0.5, 1, 1]
