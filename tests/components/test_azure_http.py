"""The providers' HTTP client: azure-core's retries, bounded by time, with each provider's own "not yet" answers."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError

from components.azure_http import AzureHttp, BoundedRetryPolicy
from tests.support.azure_standin import AzureStandIn, Reply, StandInCredential, token_for
from tests.support.fake_time import FakeTime

CLOSED_PORT_URL = "http://127.0.0.1:9/nothing-listens-here"
"""Port 9 (discard): nothing listens on the loopback address, so the connection is refused at once."""


def http(
    fake: FakeTime,
    seconds: float,
    backoff: tuple[float, ...],
    retry_when: Any = None,
    scope: str = "https://x/.default",
) -> AzureHttp:
    policy = BoundedRetryPolicy(seconds, backoff, retry_when=retry_when, clock=fake)
    return AzureHttp(scope, policy, credential=StandInCredential(), transport=fake.transport())


def test_server_errors_are_retried_with_the_given_pauses_the_last_repeating(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/pauses", Reply(503), Reply(500), Reply(502), Reply(200, b"ok"))
    fake = FakeTime()
    client = http(fake, 600, (1.0, 2.0))
    answer = client.send("GET", url)
    assert (answer.status_code, answer.text()) == (200, "ok")
    assert fake.sleeps == [1.0, 2.0, 2.0]
    assert client.attempts == 4 == len(standin.requests("GET", "/http/pauses"))


def test_out_of_time_the_last_answer_comes_back_for_the_caller_to_explain(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/bounded", Reply(503, b"still down"))
    fake = FakeTime()
    client = http(fake, 5, (2.0,))
    answer = client.send("GET", url)
    assert (answer.status_code, answer.text()) == (503, "still down")
    assert fake.sleeps == [2.0, 2.0], "a third pause would end after the 5 s bound"
    assert client.attempts == 3


def test_the_wait_stops_before_a_pause_that_would_end_past_the_bound(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/long-pause", Reply(503))
    fake = FakeTime()
    client = http(fake, 4, (1.0, 5.0))
    assert client.send("GET", url).status_code == 503
    assert fake.sleeps == [1.0], "the second pause, 5 s, would end at 6 s"
    assert client.attempts == 2


def test_a_retry_after_the_service_sends_is_the_pause(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/throttled", Reply(429, headers={"Retry-After": "7"}), Reply(200))
    fake = FakeTime()
    assert http(fake, 600, (1.0,)).send("GET", url).status_code == 200
    assert fake.sleeps == [7.0]


def test_a_providers_own_not_yet_is_retried_and_other_client_errors_are_not(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/not-yet", Reply(403, b"not yet"), Reply(403, b"not yet"), Reply(200))
    fake = FakeTime()
    waiting = http(fake, 600, (1.0,), retry_when=lambda answer: answer.text() == "not yet")
    assert waiting.send("GET", url).status_code == 200
    assert waiting.attempts == 3

    url = standin.script("GET", "/http/refused", Reply(403, b"never"), Reply(200))
    plain = http(FakeTime(), 600, (1.0,))
    assert plain.send("GET", url).status_code == 403
    assert plain.attempts == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_refused_connection_is_retried_within_the_bound_then_raised(method: str) -> None:
    fake = FakeTime()
    client = http(fake, 3, (1.0,))
    with pytest.raises(ServiceRequestError, match="Connection refused"):
        client.send(method, CLOSED_PORT_URL)
    assert fake.sleeps == [1.0, 1.0, 1.0]
    assert client.attempts == 4, "POSTs too: ours are safe to send again"


def test_a_name_that_does_not_resolve_is_retried_like_a_refused_connection() -> None:
    fake = FakeTime()
    client = http(fake, 2, (1.0,))
    with pytest.raises(ServiceRequestError):
        client.send("GET", "https://no-such-vault.invalid/secrets")  # RFC 2606: .invalid never resolves
    assert client.attempts == 3


def test_the_token_is_for_the_scope_and_goes_over_tls_or_to_the_loopback_stand_in_only(standin: AzureStandIn) -> None:
    url = standin.script("GET", "/http/token", Reply(200))
    http(FakeTime(), 1, (1.0,), scope="https://vault.azure.net/.default").send("GET", url)
    (seen,) = standin.requests("GET", "/http/token")
    assert seen.headers["Authorization"] == f"Bearer {token_for('https://vault.azure.net')}"
    fake = FakeTime()
    client = http(fake, 600, (1.0,))
    with pytest.raises(ValueError, match="not an https URL"):
        client.send("GET", "http://vault.example/secrets")
    assert client.attempts == 0 and fake.sleeps == [], "refused before any wait"
