"""A gate that waits until a fresh role assignment is effective on the Key Vault data plane.

Azure RBAC can take minutes to propagate after `RoleAssignment` returns
(https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting). A write that
depends only on the assignment can fail with 403 in that window. This dynamic
resource probes the vault with the deploying identity's token and completes only
once the probe succeeds, or fails after a bounded wait with a message that says what
to check. Resources that need the access depend on the gate, not on the assignment.

A 403 is not always propagation: the vault's firewall answers 403 too, and so does a vault
with public access disabled that the probe reached over no private path; waiting fixes
neither. Key Vault says which one in the body's error code, so only ForbiddenByRbac is
waited on, and each other 403 fails at once saying what it means. A connection or DNS
error is waited on too, within the same bound: in a private stack the vault's name
resolves to its private endpoint only once the endpoint's DNS record exists. The HTTP
calls and their bounded retries are azure-core's (components/azure_http.py).

The provider runs in Pulumi's provider host (see `components/dynamic_provider.py`). Keep
this module path and the class name stable: a delete runs the provider stored in the
stack state, which names them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pulumi
import pulumi.dynamic
from azure.core.exceptions import AzureError

from components.azure_http import AzureHttp, BoundedRetryPolicy, Clock
from components.dynamic_provider import ProjectProvider

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport

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
# A third 403: the vault's public network access is disabled and the request came over no approved private
# link. Microsoft's Azure DevOps troubleshooting quotes its message, "Public network access is disabled and
# request is not from a trusted service nor via an approved private link", and explains it as "public access
# was disabled, and a private endpoint connection and firewall exceptions weren't set up"
# (https://learn.microsoft.com/azure/devops/pipelines/release/key-vault-access, where it troubleshoots a private
# vault). Its inner code,
# ForbiddenByConnection, is seen only in community output (no Microsoft page lists it), so any 403 that names
# neither the role nor the firewall is read this way.
NO_PRIVATE_PATH = "ForbiddenByConnection"
VAULT_ZONE = "privatelink.vaultcore.azure.net"


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


def _rbac_not_yet(answer: Any) -> bool:
    """The one answer the gate waits on: 403 ForbiddenByRbac, a role assignment not effective yet."""
    return answer.status_code == 403 and ProbeResponse(403, answer.content).error_code == RBAC_NOT_YET


def _needs_private_path(vault_host: str) -> str:
    return (
        f"the deploying agent needs the vault's private endpoint (group vault) with its DNS record in {VAULT_ZONE}, "
        f"and must run in a VNet linked to that zone (the stack's agent pool), so that {vault_host} resolves to it"
    )


def wait_for_access(
    url: str,
    token_scope: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
    *,
    credential: TokenCredential | None = None,
    transport: HttpTransport[Any, Any] | None = None,
    clock: Clock = time.monotonic,
) -> int:
    """Probe until the vault answers 2xx; return the number of probes.

    Waited on, for at most `timeout_seconds`: 403 ForbiddenByRbac, and what azure-core retries (connection and
    DNS errors, such as a private endpoint's DNS record not there yet; throttling; server errors). Anything else
    fails at once, saying what it means. The bound is read on `clock`; the pauses go through the transport.
    """
    host = urlsplit(url).hostname or url
    http = AzureHttp(
        token_scope,
        BoundedRetryPolicy(timeout_seconds, backoff_seconds, retry_when=_rbac_not_yet, clock=clock),
        credential=credential,
        transport=transport,
    )
    try:
        answer = http.send("GET", url, read_timeout=30)
    except AzureError as error:
        raise RuntimeError(
            f"the vault {host} did not answer the access probe within {timeout_seconds:g} s ({http.attempts} "
            f"attempts; last: {error}). If the deploy runs inside the VNet, {_needs_private_path(host)}; from "
            "outside it, the vault must allow public network access"
        ) from None
    response = ProbeResponse(answer.status_code, answer.content)
    if 200 <= response.status < 300:
        return http.attempts
    code = response.error_code
    if response.status == 403 and code == FIREWALL:
        raise RuntimeError(
            f"the Key Vault firewall blocks the deploying agent: {url} answered 403 {FIREWALL}. "
            "Admit the agent's public address (keyVault.allowedIpRanges in the stack config), set "
            "keyVault.networkDefaultAction to Allow, or deploy from a network the vault admits"
        )
    if response.status == 403 and code == RBAC_NOT_YET:
        raise RuntimeError(
            f"the role assignment for {url} was not effective after {timeout_seconds:g} s "
            f"({http.attempts} probes, last HTTP 403 {code}); check that the deploying identity holds the role"
        )
    if response.status == 403:
        raise RuntimeError(
            f"{host} answered 403 {code or 'with no error code'}, naming neither the role ({RBAC_NOT_YET}) nor "
            f"the firewall ({FIREWALL}): the vault's public network access is disabled and the probe came over no "
            f"private path yet ({NO_PRIVATE_PATH}): {_needs_private_path(host)}"
        )
    if http.attempts > 1:
        raise RuntimeError(
            f"access probe of {url} still answered HTTP {response.status} ({code or 'no error code'}) after "
            f"{timeout_seconds:g} s ({http.attempts} probes)"
        )
    raise RuntimeError(
        f"access probe of {url} returned HTTP {response.status} ({code or 'no error code'}), which waiting will not fix"
    )


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
