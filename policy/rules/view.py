"""What every rule reads: the `Resource` view of one resource, the rule record, and helpers several areas share.

Values that are unknown until deployment ("[unknown]") are never reported: Pulumi runs the
pack again during `pulumi up`, when they are known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_policy import PolicyResource, ResourceValidationArgs

from policy.settings import PolicySettings
from policy.values import is_known, normalize_type, plain
from preview.inputs import get
from preview.resource_types import ResourceType

# The type tokens the rules read, from the one list the checks over the plan share.
STORAGE_ACCOUNT = ResourceType.STORAGE_ACCOUNT
BLOB_CONTAINER = ResourceType.BLOB_CONTAINER
BLOB_SERVICE = ResourceType.BLOB_SERVICE
VAULT = ResourceType.VAULT
VAULT_ACCESS_POLICY = ResourceType.VAULT_ACCESS_POLICY
VAULT_SECRET = ResourceType.VAULT_SECRET
WEB_APP = ResourceType.WEB_APP
WEB_APP_SLOT = ResourceType.WEB_APP_SLOT
FACTORY = ResourceType.FACTORY
LINKED_SERVICE = ResourceType.LINKED_SERVICE
ROLE_ASSIGNMENT = ResourceType.ROLE_ASSIGNMENT
LOCK = ResourceType.LOCK
SQL_DATABASE = ResourceType.SQL_DATABASE
SQL_SERVER = ResourceType.SQL_SERVER
SQL_FIREWALL_RULE = ResourceType.SQL_FIREWALL_RULE

LAKE_CONTAINERS = frozenset({"bronze", "silver"})
"""Containers that make a storage account the data lake."""
# Child names first: a container's inputs carry its account's name too.
_OWN_NAME_KEYS = (
    "containerName",
    "secretName",
    "linkedServiceName",
    "databaseName",
    "accountName",
    "vaultName",
    "factoryName",
    "serverName",
    "name",
    "resourceGroupName",
)


@dataclass
class Resource:
    """One resource as a rule sees it: plain props (unknowns as "[unknown]"), protect, dependencies by URN."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: ResourceValidationArgs) -> Resource:
        return cls(
            type=normalize_type(args.resource_type),
            name=args.name,
            urn=args.urn,
            props=plain(args.props),
            protect=bool(getattr(args.opts, "protect", False)),
        )

    @classmethod
    def from_policy_resource(cls, resource: PolicyResource) -> Resource:
        return cls(
            type=normalize_type(resource.resource_type),
            name=resource.name,
            urn=resource.urn,
            props=plain(resource.props),
            protect=bool(getattr(resource.opts, "protect", False)),
            dependencies=[dep.urn for dep in resource.dependencies or []],
            property_dependencies={
                key: [dep.urn for dep in deps] for key, deps in (resource.property_dependencies or {}).items()
            },
        )

    @property
    def label(self) -> str:
        """The Azure name where the inputs carry it, else the logical name."""
        for key in _OWN_NAME_KEYS:
            value = self.props.get(key)
            if isinstance(value, str) and is_known(value):
                return value
        return self.name

    @property
    def tags(self) -> Any:
        return self.props.get("tags")


Report = Callable[[str], None]
"""Report one violation of a resource rule (on that resource)."""
StackReport = Callable[[str, str | None], None]
"""Report one violation of a stack rule, on a resource URN (or None: the stack)."""


def stack_environment(settings: PolicySettings, resources: Iterable[Resource]) -> str | None:
    """The stack's environment: from its config, else from the resources' `environment` tag."""
    if settings.environment:
        return settings.environment
    for resource in resources:
        tags = resource.tags
        if isinstance(tags, Mapping):
            value = tags.get("environment")
            if isinstance(value, str) and is_known(value):
                return value
    return None


def shown(value: Any) -> str:
    return "not set" if value is None else repr(value)


def refers_to(child: Resource, parent: Resource, key: str) -> bool:
    """Whether `child.props[key]` names `parent` (by value, or by dependency while the value is unknown)."""
    theirs, ours = child.props.get(key), parent.props.get(key)
    if isinstance(theirs, str) and is_known(theirs) and isinstance(ours, str) and is_known(ours):
        return theirs.lower() == ours.lower()
    if parent.urn in child.property_dependencies.get(key, []):
        return True
    return not is_known(theirs) and parent.urn in child.dependencies


def lake_accounts(resources: Sequence[Resource]) -> list[Resource]:
    """Storage accounts that are the data lake: they hold a bronze or silver container, or have HNS on."""
    containers = [
        r
        for r in resources
        if r.type == BLOB_CONTAINER and str(r.props.get("containerName")).lower() in LAKE_CONTAINERS
    ]
    return [
        account
        for account in resources
        if account.type == STORAGE_ACCOUNT
        and (
            account.props.get("isHnsEnabled") is True
            or any(refers_to(container, account, "accountName") for container in containers)
        )
    ]


def has_managed_identity(props: Mapping[str, Any]) -> bool | None:
    kind = get(props, "identity", "type")
    if not is_known(kind) or not is_known(props.get("identity")):
        return None
    return isinstance(kind, str) and ("SystemAssigned" in kind or "UserAssigned" in kind)


@dataclass(frozen=True)
class Rule:
    name: str
    requires: str
    """What the rule requires, one sentence."""
    reason: str
    """Why the rule exists."""
    kind: Literal["resource", "stack"]
    check: Callable[..., None]

    @property
    def description(self) -> str:
        return f"{self.requires} Reason: {self.reason}"
