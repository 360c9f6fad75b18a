"""Data Factory rules: a managed identity, credentials only from Key Vault, public access as the config says."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from policy.rules.view import FACTORY, LINKED_SERVICE, Report, Resource, Rule, has_managed_identity, shown
from policy.settings import PolicySettings
from policy.values import UNKNOWN, is_known
from preview.inputs import get

# Linked-service properties that carry a credential; each must be an AzureKeyVaultSecret reference.
_LINKED_SERVICE_SECRETS = frozenset(
    k.lower()
    for k in (
        "password",
        "accountKey",
        "servicePrincipalKey",
        "servicePrincipalCredential",
        "sasToken",
        "sasUri",
        "clientSecret",
        "functionKey",
        "apiKey",
        "accessKey",
        "secretAccessKey",
        "sessionToken",
        "accessToken",
        "privateKey",
        "passPhrase",
        "encryptedCredential",
        "embeddedCertData",
        "credString",
    )
)
_CONNECTION_STRING_SECRET = re.compile(
    r"(?i)(?:^|;)\s*(AccountKey|Password|Pwd|SharedAccessSignature|SharedAccessKey)\s*=\s*[^;\s]"
)


def _is_key_vault_reference(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") == "AzureKeyVaultSecret"


def _inline_credentials(value: Any, path: str) -> Iterable[str]:
    """Paths (with what is wrong) of credentials inlined below a linked service's properties."""
    if isinstance(value, Mapping):
        if value.get("type") == "SecureString":
            yield f"{path} is an inline SecureString"
            return
        for key, item in value.items():
            child = f"{path}.{key}"
            lowered = str(key).lower()
            if lowered in _LINKED_SERVICE_SECRETS:
                if item is None or item == "" or item == UNKNOWN or _is_key_vault_reference(item):
                    continue
                if isinstance(item, Mapping) and item.get("type") == "SecureString":
                    yield f"{child} is an inline SecureString"
                else:
                    yield f"{child} is inlined"
            elif lowered == "connectionstring" and isinstance(item, str):
                found = _CONNECTION_STRING_SECRET.search(item)
                if found:
                    yield f"{child} carries {found.group(1)}="
            else:
                yield from _inline_credentials(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _inline_credentials(item, f"{path}[{index}]")


def datafactory_managed_identity(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type == FACTORY and has_managed_identity(res.props) is False:
        report(
            f"data factory '{res.label}': identity.type is {shown(get(res.props, 'identity', 'type'))}; "
            "it needs a SystemAssigned or UserAssigned managed identity"
        )


def datafactory_no_inline_credentials(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != LINKED_SERVICE:
        return
    for problem in _inline_credentials(res.props.get("properties"), "properties"):
        report(
            f"linked service '{res.label}': {problem}; every secret must come from Key Vault "
            "(an AzureKeyVaultSecret reference through the Key Vault linked service)"
        )


def datafactory_public_network_access(res: Resource, report: Report, settings: PolicySettings) -> None:
    wanted = settings.data_factory_public_network_access
    if res.type != FACTORY or wanted is None:
        return
    expected = "Enabled" if wanted else "Disabled"
    value = res.props.get("publicNetworkAccess")
    if is_known(value) and value != expected:
        report(
            f"data factory '{res.label}': publicNetworkAccess is {shown(value)} but the stack config says "
            f"dataFactory.publicNetworkAccess: {'true' if wanted else 'false'} ({expected})"
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "datafactory-managed-identity",
        "Data factories have a managed identity.",
        "Linked services authenticate as the factory's identity and read secrets from Key Vault with it.",
        "resource",
        datafactory_managed_identity,
    ),
    Rule(
        "datafactory-no-inline-credentials",
        "Data Factory linked services take every secret from Key Vault (AzureKeyVaultSecret references).",
        "Inline credentials (SecureString, account keys, passwords in connection strings) are stored in the factory "
        "definition, exported with ARM templates and visible to every factory contributor.",
        "resource",
        datafactory_no_inline_credentials,
    ),
    Rule(
        "datafactory-public-network-access",
        "The data factory's publicNetworkAccess is what the stack config says (dataFactory.publicNetworkAccess).",
        "Network exposure is a reviewed, per-environment decision; drift from the config opens the factory silently.",
        "resource",
        datafactory_public_network_access,
    ),
)
