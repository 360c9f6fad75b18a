"""A gate that waits until a fresh role assignment is effective on the Key Vault data plane.

Azure RBAC can take minutes to propagate after `RoleAssignment` returns
(https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting). A write that
depends only on the assignment can fail with 403 in that window. This dynamic
resource probes the vault with the deploying identity's token and completes only
once the probe succeeds, or fails after a bounded wait with a message that says what
to check. Resources that need the access depend on the gate, not on the assignment.

A 403 is not always propagation: the vault's firewall answers 403 too, and waiting
never fixes that. Key Vault says which one in the body's error code, so only
ForbiddenByRbac is waited on.

The provider runs in Pulumi's provider host (see `components/dynamic_provider.py`). Keep
this module path and the class name stable: a delete runs the provider stored in the
stack state, which names them.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from components.azure_credential import bearer_token
from components.dynamic_provider import ProjectProvider

DEFAULT_TIMEOUT_SECONDS = 600
DEFAULT_BACKOFF_SECONDS = (5.0, 10.0, 20.0, 30.0)

# Key Vault's 403 bodies carry the reason in error.innererror.code: ForbiddenByRbac when the
# caller lacks the role, ForbiddenByFirewall when the network rules reject the caller's address.
# https://learn.microsoft.com/en-us/azure/key-vault/general/rest-error-codes (HTTP 403 causes),
# https://learn.microsoft.com/en-us/azure/key-vault/general/common-error-codes (ForbiddenByFirewall),
# https://learn.microsoft.com/en-us/azure/key-vault/general/network-security (the firewall),
# bodies as seen in hashicorp/terraform-provider-azurerm#20742 (ForbiddenByFirewall) and
# https://learn.microsoft.com/en-us/answers/questions/2139767 (ForbiddenByRbac).
RBAC_NOT_YET = "ForbiddenByRbac"
FIREWALL = "ForbiddenByFirewall"


@dataclass(frozen=True)
class ProbeResponse:
    """What the data plane answered."""

    status: int
    body: bytes = b""

    @property
    def error_code(self) -> str | None:
        """Key Vault's most specific error code: `error.innererror.code`, else `error.code`."""
        try:
            error = json.loads(self.body or b"{}").get("error") or {}
        except (ValueError, AttributeError):
            return None
        inner = error.get("innererror") if isinstance(error, dict) else None
        code = (inner or {}).get("code") if isinstance(inner, dict) else None
        return code or (error.get("code") if isinstance(error, dict) else None)


Probe = Callable[[str, str], ProbeResponse]
"""(url, token scope) -> the response."""


def http_probe(url: str, token_scope: str) -> ProbeResponse:
    """GET the url with an Entra ID token of the deploying identity."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {bearer_token(token_scope)}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return ProbeResponse(int(response.status))
    except urllib.error.HTTPError as exc:
        return ProbeResponse(int(exc.code), exc.read())


def wait_for_access(
    url: str,
    token_scope: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    probe: Probe = http_probe,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
) -> int:
    """Probe until the status is 2xx; return the number of probes. Only 403 ForbiddenByRbac means 'not yet'."""
    deadline = clock() + timeout_seconds
    attempt = 0
    while True:
        attempt += 1
        response = probe(url, token_scope)
        if 200 <= response.status < 300:
            return attempt
        code = response.error_code
        if response.status == 403 and code == FIREWALL:
            raise RuntimeError(
                f"the Key Vault firewall blocks the deploying agent: {url} answered 403 {FIREWALL}. "
                "Admit the agent's public address (keyVault.allowedIpRanges in the stack config), set "
                "keyVault.networkDefaultAction to Allow, or deploy from a network the vault admits"
            )
        if response.status != 403 or code != RBAC_NOT_YET:
            raise RuntimeError(
                f"access probe of {url} returned HTTP {response.status} ({code or 'no error code'}), "
                "which waiting will not fix"
            )
        delay = backoff_seconds[min(attempt - 1, len(backoff_seconds) - 1)]
        if clock() + delay > deadline:
            raise RuntimeError(
                f"the role assignment for {url} was not effective after {timeout_seconds:.0f} s "
                f"({attempt} probes, last HTTP 403 {code}); check that the deploying identity holds the role"
            )
        sleep(delay)


class _AccessGateProvider(ProjectProvider):
    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        probes = wait_for_access(
            props["probe_url"],
            props["token_scope"],
            float(props["timeout_seconds"]),
            backoff_seconds=[float(s) for s in props.get("backoff_seconds") or DEFAULT_BACKOFF_SECONDS],
        )
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
        backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
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
                "backoff_seconds": list(backoff_seconds),
                "probes": None,
            },
            opts,
        )
