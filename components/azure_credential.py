"""One Azure credential per process for the dynamic providers.

The provider host runs every create, update and delete of our dynamic resources in one
process. azure-identity credentials cache the tokens they get, so a credential built once
and reused asks Entra ID (or the local identity endpoint) once per scope, where a
credential per call would ask every time.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

# The variables Azure DevOps tasks set for a service connection that uses workload identity
# federation (microsoft/azure-pipelines-tasks#19818, #20392), plus the job's access token, which
# a step must map explicitly. AzurePipelinesCredential takes exactly these four:
# https://learn.microsoft.com/en-us/python/api/azure-identity/azure.identity.azurepipelinescredential
PIPELINES_VARIABLES = (
    "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
    "AZURESUBSCRIPTION_CLIENT_ID",
    "AZURESUBSCRIPTION_TENANT_ID",
    "SYSTEM_ACCESSTOKEN",
)

_LOCK = threading.Lock()


def credential() -> TokenCredential:
    """The process's credential, built on first use; the host calls providers from several threads."""
    with _LOCK:
        return _build()


@functools.cache
def _build() -> TokenCredential:
    return build_credential(os.environ)


def build_credential(env: Mapping[str, str]) -> TokenCredential:
    """AzurePipelinesCredential inside a pipeline step with a federated service connection, else the default chain.

    AzurePipelinesCredential asks Azure DevOps for a fresh federated token each time it needs one;
    a token handed to the step once expires during a long `pulumi up` (AADSTS700024:
    https://learn.microsoft.com/en-us/azure/devops/pipelines/release/troubleshoot-workload-identity).
    """
    from azure.identity import AzurePipelinesCredential, DefaultAzureCredential

    if all(env.get(name) for name in PIPELINES_VARIABLES):
        return AzurePipelinesCredential(
            tenant_id=env["AZURESUBSCRIPTION_TENANT_ID"],
            client_id=env["AZURESUBSCRIPTION_CLIENT_ID"],
            service_connection_id=env["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"],
            system_access_token=env["SYSTEM_ACCESSTOKEN"],
        )
    return DefaultAzureCredential()
