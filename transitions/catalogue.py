"""What Azure does not let change on an existing resource, or only one way: the refused transitions.

Each entry names a resource type, an input path (as the plan records inputs), which transitions Azure allows,
the page or issue that says so (in our words, with the day it was read), and the test that decides whether a
change from the previous plan's value to the current one is refused. The value Azure assumes when the program
sends none is the entry's `default`, so starting or stopping to send a property is judged like any change.
A value not known offline (a secret, an output) is not judged. transitions/README.md lists the entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from preview.mocks import arm_id, own_name_input
from transitions.changes import ABSENT, is_judgeable
from transitions.previous import PreviousPlan, PreviousResource

READ_ON = date(2026, 12, 6)
"""The day every source below was read."""

ANY_AZURE_TYPE = "azure-native:*"
"""The type of an entry that holds for every azure-native resource."""


@dataclass(frozen=True)
class Context:
    """What an entry may look at besides the two values: the resource and what the previous plan deployed."""

    previous: PreviousPlan
    resource: PreviousResource


@dataclass(frozen=True)
class Refusal:
    """One transition Azure refuses on an existing resource."""

    name: str
    """Short id, as tests and messages name the entry."""
    type: str
    """The resource type token, or `ANY_AZURE_TYPE`."""
    path: str
    """The input's dotted path."""
    allowed: str
    """The transitions Azure allows, in words."""
    says: str
    """What the source says, in our words."""
    source: str
    """The page or issue (URL)."""
    refuses: Callable[[Any, Any, Context], bool]
    """Given the previous and the current value (defaults applied, never equal), whether Azure refuses it."""
    default: Any = ABSENT
    """What Azure assumes when the input is absent."""
    also_when_replaced: bool = False
    """Whether it holds even when the provider replaces the resource: by default a replacement creates a new
    resource, which may take any value, and the replacement is judged on its own (data, intent)."""
    read_on: date = READ_ON

    def applies_to(self, type_token: str) -> bool:
        return self.type == type_token or (self.type == ANY_AZURE_TYPE and type_token.startswith("azure-native:"))

    def judge(self, old: Any, new: Any, context: Context) -> bool:
        """Whether the change from `old` to `new` (raw plan values, `ABSENT` where not sent) is refused."""
        old = self.default if old is ABSENT else old
        new = self.default if new is ABSENT else new
        if not (is_judgeable(old) and is_judgeable(new)) or old == new:
            return False
        return self.refuses(old, new, context)


def _any_change(_old: Any, _new: Any, _context: Context) -> bool:
    return True


def _switched_on_or_off(old: Any, new: Any, _context: Context) -> bool:
    return (old is ABSENT) != (new is ABSENT)


def _turned_off(old: Any, new: Any, _context: Context) -> bool:
    return old is True and new is not True


def _zone_redundant(sku: Any) -> bool:
    return isinstance(sku, str) and "ZRS" in sku.upper()


def _zone_redundancy_changed(old: Any, new: Any, _context: Context) -> bool:
    return _zone_redundant(old) != _zone_redundant(new)


_UPGRADABLE_KINDS = frozenset({"Storage", "BlobStorage"})


def _not_the_v2_upgrade(old: Any, new: Any, _context: Context) -> bool:
    return not (old in _UPGRADABLE_KINDS and new == "StorageV2")


def _is_flex(tier: Any) -> bool:
    return isinstance(tier, str) and tier.lower() == "flexconsumption"


def _into_or_out_of_flex(old: Any, new: Any, _context: Context) -> bool:
    return _is_flex(old) != _is_flex(new)


def _normalized_location(value: Any) -> Any:
    return value.replace(" ", "").lower() if isinstance(value, str) else value


def _moved_region(old: Any, new: Any, _context: Context) -> bool:
    return _normalized_location(old) != _normalized_location(new)


def _connection_targets(connections: Any) -> frozenset[tuple[str, tuple[str, ...]]]:
    items = connections if isinstance(connections, list) else []
    return frozenset(
        (str(item.get("privateLinkServiceId", "")).lower(), tuple(sorted(map(str, item.get("groupIds") or ()))))
        for item in items
        if isinstance(item, dict)
    )


def _retargeted(old: Any, new: Any, _context: Context) -> bool:
    return _connection_targets(old) != _connection_targets(new)


def subnet_id(resource: PreviousResource) -> str | None:
    """The ARM id the previous plan gave a subnet (lowercased), as other resources' inputs name it."""
    own = own_name_input(resource.type)
    name = resource.inputs.get(own) if own else None
    if not isinstance(name, str):
        return None
    _, module, type_name = resource.type.split(":")
    return arm_id(module, type_name, name, dict(resource.inputs)).lower()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def resources_in_subnet(context: Context) -> tuple[PreviousResource, ...]:
    """The previously deployed resources placed in the subnet: their inputs name its ARM id."""
    wanted = subnet_id(context.resource)
    if wanted is None:
        return ()
    return tuple(
        resource
        for resource in context.previous.resources
        if resource.urn != context.resource.urn
        and any(text.rstrip("/").lower() == wanted for text in _strings(dict(resource.inputs)))
    )


def _subnet_in_use(_old: Any, _new: Any, context: Context) -> bool:
    return bool(resources_in_subnet(context))


def _delegated_services(delegations: Any) -> frozenset[str]:
    items = delegations if isinstance(delegations, list) else []
    return frozenset(str(item.get("serviceName", "")).lower() for item in items if isinstance(item, dict))


def _delegation_changed_in_use(old: Any, new: Any, context: Context) -> bool:
    return _delegated_services(old) != _delegated_services(new) and bool(resources_in_subnet(context))


STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
SUBNET = "azure-native:network:Subnet"

REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        name="adf-runtime-managed-network",
        type="azure-native:datafactory:IntegrationRuntime",
        path="properties.managedVirtualNetwork",
        allowed="none: a global Azure runtime stays global, a managed-network runtime stays in the network; "
        "create a new runtime instead",
        says="an existing global Azure integration runtime cannot be switched into the factory's managed virtual "
        "network, nor one in the managed network back to global",
        source="https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint",
        refuses=_switched_on_or_off,
    ),
    Refusal(
        name="key-vault-purge-protection",
        type=VAULT,
        path="properties.enablePurgeProtection",
        allowed="false -> true only",
        says="turning purge protection on is irreversible: the property no longer accepts false",
        source="https://learn.microsoft.com/dotnet/api/azure.resourcemanager.keyvault.models.keyvaultproperties"
        ".enablepurgeprotection",
        refuses=_turned_off,
        default=False,
    ),
    Refusal(
        name="key-vault-soft-delete",
        type=VAULT,
        path="properties.enableSoftDelete",
        allowed="stays true (soft delete is always on since February 2025)",
        says="soft delete, once on for a vault, cannot be turned off",
        source="https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
        refuses=_turned_off,
        default=True,
    ),
    Refusal(
        name="key-vault-retention-days",
        type=VAULT,
        path="properties.softDeleteRetentionInDays",
        allowed="none: fixed when the vault is created",
        says="the soft-delete retention interval (7 to 90 days) is chosen at creation and cannot be changed later",
        source="https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
        refuses=_any_change,
        default=90,
    ),
    Refusal(
        name="storage-hierarchical-namespace",
        type=STORAGE_ACCOUNT,
        path="isHnsEnabled",
        allowed="false -> true only through the Data Lake Storage upgrade (validate, then upgrade; one-way, "
        "not a property update); true -> false never",
        says="a hierarchical namespace is added to an existing account only by the upgrade, which cannot be "
        "reverted; azure-native would replace the account (and its data) instead",
        source="https://learn.microsoft.com/azure/storage/blobs/upgrade-to-data-lake-storage-gen2-how-to",
        refuses=_any_change,
        default=False,
        also_when_replaced=True,
    ),
    Refusal(
        name="storage-zone-redundancy",
        type=STORAGE_ACCOUNT,
        path="sku.name",
        allowed="geo-replication and read access change in place (LRS, GRS, RA-GRS among themselves; ZRS, GZRS, "
        "RA-GZRS among themselves); adding or removing zone redundancy needs a conversion or a manual migration",
        says="geo-replication or secondary read access is changed with a plain setting update, but adding or "
        "removing zone redundancy takes a customer-initiated conversion, a support request or a manual migration",
        source="https://learn.microsoft.com/azure/storage/common/redundancy-migration",
        refuses=_zone_redundancy_changed,
    ),
    Refusal(
        name="storage-account-kind",
        type=STORAGE_ACCOUNT,
        path="kind",
        allowed="Storage (general-purpose v1) or BlobStorage -> StorageV2, one-way; nothing else",
        says="upgrading a general-purpose v1 or Blob storage account to general-purpose v2 is permanent and cannot "
        "be undone; no other change of kind is offered",
        source="https://learn.microsoft.com/azure/storage/common/storage-account-upgrade",
        refuses=_not_the_v2_upgrade,
    ),
    Refusal(
        name="storage-infrastructure-encryption",
        type=STORAGE_ACCOUNT,
        path="encryption.requireInfrastructureEncryption",
        allowed="none: chosen when the account is created",
        says="double (infrastructure) encryption needs an account created with it; an existing account cannot "
        "take it on or drop it",
        source="https://learn.microsoft.com/azure/storage/common/infrastructure-encryption-enable",
        refuses=_any_change,
        default=False,
    ),
    Refusal(
        name="subnet-prefix-in-use",
        type=SUBNET,
        path="addressPrefix",
        allowed="any, while nothing is deployed in the subnet",
        says="a subnet's address range can be changed only when no resources are deployed in it; move or delete "
        "them first",
        source="https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings",
        refuses=_subnet_in_use,
    ),
    Refusal(
        name="subnet-delegation-in-use",
        type=SUBNET,
        path="delegations",
        allowed="any, while no resource of the delegated service is in the subnet",
        says="a delegation cannot be added or removed while resources of the service are deployed in the subnet",
        source="https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings",
        refuses=_delegation_changed_in_use,
    ),
    Refusal(
        name="private-endpoint-target",
        type="azure-native:network:PrivateEndpoint",
        path="privateLinkServiceConnections",
        allowed="none in place: a private endpoint keeps its target resource and group id; create a new endpoint",
        says="ARM answers 'Cannot change the private link connection on private endpoint' to an update that "
        "retargets an existing endpoint, and azure-native updates it in place",
        source="https://github.com/Azure/bicep-registry-modules/issues/1513",
        refuses=_retargeted,
    ),
    Refusal(
        name="sql-administrator-login",
        type="azure-native:sql:Server",
        path="administratorLogin",
        allowed="none: set when the server is created",
        says="the server's administrator login cannot be changed once the server exists",
        source="https://learn.microsoft.com/dotnet/api/azure.provisioning.sql.sqlserver.administratorlogin",
        refuses=_any_change,
    ),
    Refusal(
        name="sql-entra-administrator",
        type="azure-native:sql:Server",
        path="administrators",
        allowed="none through the server resource: change the Entra admin through its own API "
        "(Server Azure AD Administrators, `az sql server ad-admin update`)",
        says="the server's Entra administrator block is taken only when the server is created; on an update it "
        "is ignored or refused, and the dedicated administrator API must be used",
        source="https://learn.microsoft.com/dotnet/api/azure.provisioning.sql.sqlserver.administrators",
        refuses=_any_change,
    ),
    Refusal(
        name="flex-consumption-plan",
        type="azure-native:web:AppServicePlan",
        path="sku.tier",
        allowed="none into or out of FlexConsumption: a Flex Consumption app is a new app in a new plan",
        says="the documented way onto Flex Consumption creates a new app with the old one's settings "
        "(`az functionapp flex-migration start`); no in-place change of a plan into or out of Flex is documented",
        source="https://learn.microsoft.com/cli/azure/functionapp/flex-migration",
        refuses=_into_or_out_of_flex,
    ),
    Refusal(
        name="resource-location",
        type=ANY_AZURE_TYPE,
        path="location",
        allowed="none: a resource stays in the region it was created in",
        says="ARM's common resource definition marks a tracked resource's location create-only "
        "(x-ms-mutability read, create); moving region means a new resource",
        source="https://github.com/Azure/azure-rest-api-specs/blob/main/specification/common-types/"
        "resource-management/v5/types.json",
        refuses=_moved_region,
    ),
)
"""Every refused transition the check knows (transitions/README.md lists them with their sources)."""


def refusals_for(type_token: str) -> tuple[Refusal, ...]:
    return tuple(refusal for refusal in REFUSALS if refusal.applies_to(type_token))
