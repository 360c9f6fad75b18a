"""The RBAC propagation gate: waits while the data plane says 403, fails after a bounded wait."""

from __future__ import annotations

import pytest

from components.access_gate import wait_for_access


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return self.now


def scripted(statuses: list[int]):
    calls: list[tuple[str, str]] = []

    def probe(url: str, scope: str) -> int:
        calls.append((url, scope))
        return statuses[min(len(calls) - 1, len(statuses) - 1)]

    return probe, calls


def test_returns_once_the_role_is_effective() -> None:
    clock = FakeClock()
    probe, calls = scripted([403, 403, 200])
    attempts = wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time)
    assert attempts == 3
    assert clock.sleeps == [5, 10]
    assert calls[0] == ("https://kv/secrets", "scope")


def test_gives_up_after_the_timeout_with_a_clear_message() -> None:
    clock = FakeClock()
    probe, calls = scripted([403])
    with pytest.raises(RuntimeError) as info:
        wait_for_access("https://kv/secrets", "scope", 60, probe, clock.sleep, clock.time)
    assert "not effective after 60 s" in str(info.value)
    assert "last HTTP 403" in str(info.value)
    assert clock.now <= 60
    assert len(calls) >= 3


def test_an_error_that_waiting_cannot_fix_fails_at_once() -> None:
    clock = FakeClock()
    probe, calls = scripted([404])
    with pytest.raises(RuntimeError, match="HTTP 404"):
        wait_for_access("https://kv/secrets", "scope", 600, probe, clock.sleep, clock.time)
    assert len(calls) == 1
    assert clock.sleeps == []
