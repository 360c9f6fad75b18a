"""A gate that waits until a fresh role assignment is effective on a data plane.

Azure RBAC can take minutes to propagate after `RoleAssignment` returns. A write that
depends only on the assignment can fail with 403 in that window. This dynamic
resource probes the data plane with the deploying identity's token and completes only
once the probe succeeds, or fails after a bounded wait with a message that says what
to check. Resources that need the access depend on the gate, not on the assignment.

Pulumi pickles dynamic providers with dill; classes from this module are pickled by
reference, so the provider process imports `components` from the project directory,
where Pulumi starts it. Keep the module path stable: a delete runs the provider stored in the
stack state, which names it.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.dynamic

DEFAULT_TIMEOUT_SECONDS = 600
_BACKOFF_SECONDS = (5, 10, 20, 30)

Probe = Callable[[str, str], int]
"""(url, token scope) -> HTTP status code."""


def http_probe(url: str, token_scope: str) -> int:
    """GET the url with an Entra ID token of the deploying identity; return the status code."""
    from azure.identity import DefaultAzureCredential

    token = DefaultAzureCredential().get_token(token_scope).token
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def wait_for_access(
    url: str,
    token_scope: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    probe: Probe = http_probe,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Probe until the status is 2xx; return the number of probes. 401/403 mean 'not yet'."""
    deadline = clock() + timeout_seconds
    attempt = 0
    while True:
        attempt += 1
        status = probe(url, token_scope)
        if 200 <= status < 300:
            return attempt
        if status not in (401, 403):
            raise RuntimeError(f"access probe of {url} returned HTTP {status}, which waiting will not fix")
        delay = _BACKOFF_SECONDS[min(attempt - 1, len(_BACKOFF_SECONDS) - 1)]
        if clock() + delay > deadline:
            raise RuntimeError(
                f"the role assignment for {url} was not effective after {timeout_seconds:.0f} s "
                f"({attempt} probes, last HTTP {status}); check that the deploying identity holds the role"
            )
        sleep(delay)


class _AccessGateProvider(pulumi.dynamic.ResourceProvider):
    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        probes = wait_for_access(props["probe_url"], props["token_scope"], float(props["timeout_seconds"]))
        return pulumi.dynamic.CreateResult(id_=props["role_assignment_id"], outs={**props, "probes": probes})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        keys = ("probe_url", "token_scope", "role_assignment_id")
        changed = [key for key in keys if olds.get(key) != news.get(key)]
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)


class AccessGate(pulumi.dynamic.Resource):
    """Completes once `probe_url` answers 2xx to the deploying identity."""

    def __init__(
        self,
        name: str,
        *,
        probe_url: pulumi.Input[str],
        token_scope: str,
        role_assignment_id: pulumi.Input[str],
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _AccessGateProvider(),
            name,
            {
                "probe_url": probe_url,
                "token_scope": token_scope,
                "role_assignment_id": role_assignment_id,
                "timeout_seconds": timeout_seconds,
                "probes": None,
            },
            opts,
        )
