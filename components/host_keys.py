"""Reads a Function app's default function key once its host can answer, retrying while it starts.

The keys come from ARM's "Web Apps - List Host Keys" action, which asks the app's Functions host
(https://learn.microsoft.com/rest/api/appservice/web-apps/list-host-keys). The host keeps its keys
in its storage account, so it answers only once it runs and may use that storage: after its
identity's role on the host storage and the code deployment. Until then ARM relays the host's
failure as HTTP 400 "Encountered an error (ServiceUnavailable) from host runtime."
(Azure/azure-functions-host#5722) or "(InternalServerError) from host runtime" (Azure/azure-cli#20892,
intermittently right after a deployment: Azure/bicep-types-az#1356). An invoke at plan time cannot
wait for that; this dynamic resource retries those answers with a bounded backoff, and fails at once
on anything waiting cannot fix (401, 403, other client errors). The call and its bounded retries are
azure-core's pipeline (components/azure_http.py).

The key is a secret output (`additional_secret_outputs`); no message here ever contains it, nor any
body of a successful answer.

The provider runs in Pulumi's provider host (see `components/dynamic_provider.py`). Keep this module
path and the class name stable: a delete runs the provider stored in the stack state, which names them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

import pulumi
import pulumi.dynamic
from azure.core.exceptions import AzureError
from pulumi.runtime import rpc

from components.azure_http import AzureHttp, BoundedRetryPolicy, Clock
from components.dynamic_provider import ProjectProvider

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport

ARM = "https://management.azure.com"
TOKEN_SCOPE = "https://management.azure.com/.default"
# The version pulumi-azure-native 3.29.0 calls listWebAppHostKeys with (pulumi_azure_native/web/
# list_web_app_host_keys.py: "Uses Azure REST API version 2025-05-01").
API_VERSION = "2025-05-01"
KIND = "function-host-keys"
"""Marker input, so the offline plan can tell these keys from other dynamic resources."""

DEFAULT_TIMEOUT_SECONDS = 900.0
DEFAULT_BACKOFF_SECONDS = (5.0, 10.0, 20.0, 40.0, 60.0)

# What ARM relays while the host is not running yet (see the module docstring), and the host's own
# 503 text (Azure/azure-functions-host#4637).
HOST_NOT_READY_MARKERS = ("from host runtime", "host is not running")
MARKED_STATUSES = frozenset({400, 404, 409})


class HostKeysError(RuntimeError):
    """The host keys could not be read; the message never holds a key."""


@dataclass(frozen=True)
class Answer:
    """What ARM answered."""

    status: int
    text: str = ""


def keys_url(arm_endpoint: str, app_id: str, api_version: str = API_VERSION) -> str:
    """POST target of the app's host keys."""
    return f"{arm_endpoint.rstrip('/')}{app_id}/host/default/listkeys?api-version={api_version}"


def host_not_ready(answer: Answer) -> bool:
    """True for the answers of a host that is still starting, throttling or a server error; never 401/403."""
    if answer.status in (401, 403):
        return False
    if answer.status == 429 or answer.status >= 500:
        return True
    text = answer.text.lower()
    return answer.status in MARKED_STATUSES and any(marker in text for marker in HOST_NOT_READY_MARKERS)


def _starting(response: Any) -> bool:
    """A response of the pipeline that `host_not_ready` waits on."""
    return host_not_ready(Answer(response.status_code, response.text()))


def error_summary(answer: Answer) -> str:
    """`HTTP <status> <code>: <message>` of an error answer (ARM spells the fields either case)."""
    try:
        body = json.loads(answer.text or "{}")
    except ValueError:
        return f"HTTP {answer.status} {answer.text[:300]}".rstrip()
    error = body.get("error", body) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        error = {}
    code = error.get("code") or error.get("Code") or ""
    message = error.get("message") or error.get("Message") or ""
    return f"HTTP {answer.status} {code}: {str(message)[:300]}".rstrip(": ")


def default_function_key(text: str) -> str:
    """The `functionKeys.default` of a successful answer; errors name the keys found, never their values."""
    try:
        keys = json.loads(text).get("functionKeys") or {}
    except (ValueError, AttributeError):
        raise HostKeysError("the host keys answer is not a JSON object") from None
    key = keys.get("default") if isinstance(keys, dict) else None
    if not isinstance(key, str) or not key:
        names = sorted(keys) if isinstance(keys, dict) else []
        raise HostKeysError(f"the host lists no default function key (function keys: {', '.join(names) or 'none'})")
    return key


def read_function_key(
    url: str,
    *,
    token_scope: str = TOKEN_SCOPE,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
    credential: TokenCredential | None = None,
    transport: HttpTransport[Any, Any] | None = None,
    clock: Clock = time.monotonic,
) -> tuple[str, int]:
    """POST listkeys until the host answers; return (default function key, attempts).

    azure-core's pipeline retries, for at most `timeout_seconds`, the answers of a starting host
    (`host_not_ready`) and what it retries itself (connection errors, throttling, server errors). The bound is
    read on `clock`; the pauses go through the transport.
    """
    http = AzureHttp(
        token_scope,
        BoundedRetryPolicy(timeout_seconds, backoff_seconds, retry_when=_starting, clock=clock),
        credential=credential,
        transport=transport,
    )
    try:
        response = http.send("POST", url, headers={"Content-Length": "0"})
    except AzureError as error:
        raise HostKeysError(
            f"listing the host keys at {url}: ARM could not be reached within {timeout_seconds:g} s "
            f"({http.attempts} attempts; last: {error})"
        ) from None
    answer = Answer(response.status_code, response.text())
    if 200 <= answer.status < 300:
        return default_function_key(answer.text), http.attempts
    if not host_not_ready(answer):
        raise HostKeysError(f"listing the host keys at {url} failed: {error_summary(answer)}")
    raise HostKeysError(
        f"the Functions host did not hand out its keys within {timeout_seconds:g} s ({http.attempts} attempts, "
        f"last {error_summary(answer)}). Check that the app's code deployed, that its identity holds Storage "
        "Blob Data Owner on the host storage account and may reach it (in a private stack, through the host "
        "storage's blob, queue and table private endpoints from its integration subnet), and the host's logs in "
        "Application Insights"
    )


def _known(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value != rpc.UNKNOWN


class _HostKeysProvider(ProjectProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        failures = []
        endpoint = news.get("arm_endpoint")
        if _known(endpoint) and not endpoint.startswith(("https://", "http://")):
            failures.append(pulumi.dynamic.CheckFailure("arm_endpoint", f"{endpoint!r} is not an http(s) URL"))
        app_id = news.get("app_id")
        if _known(app_id) and not app_id.lower().startswith("/subscriptions/"):
            failures.append(pulumi.dynamic.CheckFailure("app_id", f"{app_id!r} is not an ARM resource id"))
        return pulumi.dynamic.CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        key, attempts = read_function_key(
            keys_url(props["arm_endpoint"], props["app_id"], props["api_version"]),
            token_scope=props["token_scope"],
            timeout_seconds=float(props["timeout_seconds"]),
            backoff_seconds=[float(s) for s in props.get("backoff_seconds") or DEFAULT_BACKOFF_SECONDS],
        )
        return pulumi.dynamic.CreateResult(
            id_=props["app_id"], outs={**props, "function_key": key, "attempts": attempts}
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # Another app (or cloud) has other keys; the waits and the api-version do not change the key.
        replaces = [key for key in ("app_id", "arm_endpoint") if olds.get(key) != news.get(key)]
        return pulumi.dynamic.DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=False)


class HostKeys(pulumi.dynamic.Resource):
    """The default function key of a Function app, read once its host runs."""

    function_key: pulumi.Output[str]
    """Secret."""

    def __init__(
        self,
        name: str,
        *,
        app_id: pulumi.Input[str],
        arm_endpoint: str = ARM,
        token_scope: str = TOKEN_SCOPE,
        api_version: str = API_VERSION,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _HostKeysProvider(),
            name,
            {
                "kind": KIND,
                "app_id": app_id,
                "arm_endpoint": arm_endpoint,
                "token_scope": token_scope,
                "api_version": api_version,
                "timeout_seconds": timeout_seconds,
                "backoff_seconds": list(backoff_seconds),
                "function_key": None,
                "attempts": None,
            },
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["function_key"])),
        )
