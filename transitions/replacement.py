"""Whether the azure-native provider updates a changed property in place or replaces the resource.

The provider decides in its Diff (pulumi/pulumi-azure-native `provider/pkg/provider/diff.go`,
`calculateDetailedDiff`): a change replaces the resource when it touches

1. a parameter of the resource's own ARM path: its name, its parents' names, its resource group or scope
   ("All the parameters that are part of the resource path cause a replacement"); or
2. a body property the provider's metadata marks `ForceNew`: an OpenAPI property whose `x-ms-mutability` holds
   `create` but not `update`, or one listed in the provider's `forceNewMap` (`provider/pkg/gen/properties.go`,
   `provider/pkg/gen/replacement.go`). A change below such a property replaces too.

Everything else is sent to Azure as an update, which Azure may refuse (`transitions.catalogue`).

(1) is read from the installed SDK, for any type: the generated `get_<resource>` function reads the resource
with exactly its path parameters (plus query options such as `expand`, which are no resource inputs), so the
path parameters are the arguments it shares with the resource's inputs. (2) lives only in the provider binary's
metadata, which the Python SDK does not carry, so it is a dated table, `FORCE_NEW`, for the types the program
registers; `FORCE_NEW_TABLE` says where it was read and how to read it again.

Resources of other providers are not azure-native's to decide: the program's dynamic resources answer Diff
themselves (`components/`), and the random provider has no update (its `keepers` "trigger recreation", says
its SDK); both are counted as replacements, which for them is harmless and never silent.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from datetime import date
from functools import cache

from pydantic.alias_generators import to_camel, to_snake

from preview.schema.resources import target
from stack.facts import DatedTable, register

FORCE_NEW_TABLE = register(
    DatedTable(
        subject="azure-native force-new properties (transitions/replacement.py FORCE_NEW)",
        read_on=date(2026, 12, 6),
        source=(
            "pulumi/pulumi-azure-native provider/pkg/gen/replacement.go (forceNewMap) and properties.go "
            "(x-ms-mutability create-only => ForceNew)"
        ),
        refresh_command=(
            "read forceNewMap in provider/pkg/gen/replacement.go at the pulumi-azure-native release pinned in "
            "requirements.txt, and the x-ms-mutability of each registered type's top-level properties in "
            "azure-rest-api-specs at the API version its SDK class names ('Uses Azure REST API version ...')"
        ),
        max_age_days=180,
    )
)

FORCE_NEW: Mapping[str, frozenset[str]] = {
    # forceNewMap: "isHnsEnabled", "location".
    "azure-native:storage:StorageAccount": frozenset({"isHnsEnabled", "location"}),
    # forceNewMap, after pulumi/pulumi-azure-native#3883 (Azure answers CannotChangeSubnetOnExistingPrivateEndpoint).
    "azure-native:network:PrivateEndpoint": frozenset({"subnet"}),
    "azure-native:network:VirtualNetwork": frozenset({"location"}),
    "azure-native:resources:ResourceGroup": frozenset({"location"}),
    "azure-native:web:WebApp": frozenset({"location", "kind"}),
    "azure-native:authorization:RoleAssignment": frozenset({"principalId", "scope"}),
}
"""Body properties (SDK input names, top level or `parent.child`) whose change makes azure-native replace the
resource, per type; the types the program registers that are not listed have none the provider marks."""

_PROVIDER_DECIDES = ("pulumi-python:dynamic:", "random:")
"""Type-token prefixes of resources whose own provider decides; counted as replacements (see the docstring)."""

_OPTION_INPUTS = ("resource_name", "opts", "__props__")


@cache
def path_parameters(type_token: str) -> frozenset[str]:
    """The inputs that are parameters of the resource's ARM path (camelCase, as the plan records inputs).

    Empty for a type the installed SDK does not know or that has no `get_` function."""
    if not type_token.startswith("azure-native:"):
        return frozenset()
    resource_cls = target(type_token).resource_cls
    if resource_cls is None:
        return frozenset()
    package = importlib.import_module(resource_cls.__module__.rsplit(".", 1)[0])
    getter = getattr(package, "get_" + to_snake(type_token.rsplit(":", 1)[1]), None)
    if getter is None:
        return frozenset()
    read_by = set(inspect.signature(getter).parameters) - {"opts"}
    # The SDK spells an input that clashes with its own arguments with a trailing underscore
    # (`resource_name_` of an Application Insights component), which its `get_` function does not.
    parameters = set(inspect.signature(inspect.getattr_static(resource_cls, "_internal_init")).parameters)
    inputs = {name.rstrip("_") for name in parameters - {"self", "__self__", *_OPTION_INPUTS}}
    return frozenset(to_camel(name) for name in read_by & inputs)


def replace_keys(type_token: str) -> frozenset[str]:
    """Every input path whose change replaces a resource of this type."""
    return path_parameters(type_token) | FORCE_NEW.get(type_token, frozenset())


def is_provider_resource(type_token: str) -> bool:
    """Whether a type is a provider's resource (one the installed SDKs know, or a dynamic one), not a component."""
    return type_token.startswith(_PROVIDER_DECIDES) or target(type_token).resource_cls is not None


def decided_by_own_provider(type_token: str) -> bool:
    """Whether the resource is not azure-native's (a dynamic or random resource)."""
    return type_token.startswith(_PROVIDER_DECIDES)


def forces_replacement(type_token: str, path: str) -> bool:
    """Whether changing the input at `path` makes the provider replace the resource (else it updates it)."""
    if decided_by_own_provider(type_token):
        return True
    keys = replace_keys(type_token)
    parts = path.split(".")
    return any(".".join(parts[:depth]) in keys for depth in range(1, len(parts) + 1))
