"""The HTTP client of our dynamic providers: azure-core's pipeline, with every wait bounded in time.

The providers call two data planes (the vault, the app's SCM host) and ARM. azure-core gives what
each call needs (https://learn.microsoft.com/python/api/azure-core/azure.core.pipeline):
- `BearerTokenCredentialPolicy`: a token of the process's credential (components/azure_credential.py)
  for the call's audience, cached and refreshed before it expires;
- `RetryPolicy`: connection and DNS errors (`ServiceRequestError`), read errors, throttling and server
  errors (408, 429, 500, 502, 503, 504) and a `Retry-After` the service sends
  (https://learn.microsoft.com/python/api/azure-core/azure.core.pipeline.policies.retrypolicy).

`BoundedRetryPolicy` keeps azure-core's rules and changes two things: it counts time, not attempts, so
each provider's wait is the bound its inputs give; and a provider adds the answers that mean "not yet"
for it (a fresh role in the vault, a starting Functions host). When time is up it hands back the last
answer (or raises the last error), so the provider says what it saw. Its pauses are the provider's own
`backoff_seconds`, the last one repeating.

Every wait reads a `Clock` (the process's monotonic clock unless the caller gives one) and pauses through the
transport (`HttpTransport.sleep`, as azure-core's own retries do): a caller that gives both a clock and a
transport whose pauses move it checks a wait of minutes without waiting.

A token travels over TLS only: azure-core refuses bearer tokens on plain http, and the one exception
allowed here is a loopback address (a local stand-in for Azure, as the tests use).

The provider host imports this module (see components/dynamic_provider.py): keep it importable from
`components` alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from azure.core import PipelineClient
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    HeadersPolicy,
    RequestIdPolicy,
    RetryPolicy,
    SansIOHTTPPolicy,
    UserAgentPolicy,
)
from azure.core.pipeline.transport import HttpTransport, RequestsTransport
from azure.core.rest import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

USER_AGENT = "data-platform-dynamic-provider"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

Clock = Callable[[], float]
"""Seconds on a monotonic scale: where a wait reads the time (`time.monotonic` unless a caller gives its own)."""

RetryWhen = Callable[[Any], bool]
"""(answer) -> whether the provider waits and asks again: its own "not yet" answers."""

_UNBOUNDED_COUNT = 1_000_000
"""Attempts are not what bounds a wait here; time is."""


class BoundedRetryPolicy(RetryPolicy):
    """azure-core's retries for at most `seconds`, plus the answers `retry_when` says waiting will fix."""

    def __init__(
        self,
        seconds: float,
        backoff_seconds: Sequence[float],
        retry_when: RetryWhen | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(
            retry_total=_UNBOUNDED_COUNT,
            retry_connect=_UNBOUNDED_COUNT,
            retry_read=_UNBOUNDED_COUNT,
            retry_status=_UNBOUNDED_COUNT,
        )
        self.seconds = float(seconds)
        self.backoff_seconds = tuple(float(s) for s in backoff_seconds) or (1.0,)
        self._retry_when = retry_when
        self._clock = clock
        # Our POSTs may go again: listkeys only reads, and publishing one package twice deploys the same code.
        self._method_whitelist = frozenset({*self._method_whitelist, "POST"})

    def configure_retries(self, options: dict[str, Any]) -> dict[str, Any]:
        settings = super().configure_retries(options)
        settings["deadline"] = self._clock() + self.seconds
        return settings

    def is_retry(self, settings: dict[str, Any], response: PipelineResponse[Any, Any]) -> bool:
        if self._retry_when is not None and self._retry_when(response.http_response):
            return True
        return super().is_retry(settings, response)

    def _pause(self, retries: int, response: Any = None) -> float:
        """The pause before retry number `retries` + 1: the service's Retry-After, or the provider's own."""
        after = self.get_retry_after(response) if isinstance(response, PipelineResponse) else None
        return after or self.backoff_seconds[min(retries, len(self.backoff_seconds) - 1)]

    def increment(self, settings: dict[str, Any], response: Any = None, error: Exception | None = None) -> bool:
        if self._clock() + self._pause(len(settings["history"]), response) > settings["deadline"]:
            return False  # out of time: the caller gets the last answer, or the last error is raised
        return super().increment(settings, response=response, error=error)

    def sleep(self, settings: dict[str, Any], transport: Any, response: Any = None) -> None:
        # `increment` has recorded this retry already: its pause is the one it checked against the deadline.
        transport.sleep(self._pause(len(settings["history"]) - 1, response))


class _CountAttempts(SansIOHTTPPolicy[Any, Any]):
    """Counts the requests a call took, retries included (it sits behind the retry policy)."""

    def __init__(self) -> None:
        self.attempts = 0

    def on_request(self, request: PipelineRequest[Any]) -> None:
        self.attempts += 1


class _LoopbackWithoutTls(SansIOHTTPPolicy[Any, Any]):
    """Lets a token go over plain http to a loopback address only; azure-core refuses every other http URL."""

    def on_request(self, request: PipelineRequest[Any]) -> None:
        parts = urlsplit(request.http_request.url)
        if parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS:
            request.context["enforce_https"] = False


def _refuse_plain_http(url: str) -> None:
    """A token goes over TLS, or to a loopback stand-in; refused before any retry could wait on it."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS):
        raise ValueError(f"{url} is not an https URL; a bearer token is sent over TLS only")


class AzureHttp:
    """One audience's calls: a token for `scope`, azure-core's transport and the given retry policy."""

    def __init__(
        self,
        scope: str,
        retry: RetryPolicy,
        *,
        credential: TokenCredential | None = None,
        transport: HttpTransport[Any, Any] | None = None,
    ) -> None:
        if credential is None:
            from components.azure_credential import credential as process_credential

            credential = process_credential()
        self._count = _CountAttempts()
        self.client: PipelineClient[Any, Any] = PipelineClient(
            base_url="",
            policies=[
                # A client request id on every call, which ARM logs and azure-core's LRO pollers reuse.
                RequestIdPolicy(),
                HeadersPolicy(),
                UserAgentPolicy(base_user_agent=USER_AGENT),
                retry,
                self._count,
                _LoopbackWithoutTls(),
                BearerTokenCredentialPolicy(credential, scope),
            ],
            transport=transport or RequestsTransport(),
        )

    @property
    def attempts(self) -> int:
        """Requests sent so far, retries included."""
        return self._count.attempts

    def send(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        read_timeout: float = 60,
    ) -> HttpResponse:
        """One call, retried as the policy says; HTTP errors are answers here, not exceptions."""
        _refuse_plain_http(url)
        request = HttpRequest(method, url, content=content, json=json, headers=dict(headers or {}))
        response = self.client.send_request(request, read_timeout=read_timeout)
        response.read()
        return response

    def send_for_poller(self, method: str, url: str, *, json: Any = None) -> PipelineResponse[Any, Any]:
        """The pipeline's answer itself, which azure-core's long-running-operation pollers start from."""
        _refuse_plain_http(url)
        request = HttpRequest(method, url, json=json)
        pipeline_response: PipelineResponse[Any, Any] = self.client.send_request(
            request, _return_pipeline_response=True
        )
        pipeline_response.http_response.read()
        return pipeline_response
