"""Mocks that answer like Azure, and a monitor that records every registration.

Outputs are derived from inputs the way the provider and Azure derive them: a
resource's name from its own `*Name` input (or auto-naming), ARM ids from the
resource type and its parents, endpoints and host names from names, managed
identity principal ids, and the Key Vault URI. References between resources then
carry realistic values through the program. Everything derived is a pure function
of the stack and the resource's URN, so two plans of the same program are identical.
"""

from __future__ import annotations

import hashlib
import inspect
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime import rpc, settings
from pulumi.runtime.proto import source_pb2
from pydantic.alias_generators import to_camel, to_snake

from preview import schema
from preview.inputs import SECRET as SECRET
from preview.inputs import UNKNOWN as UNKNOWN

MOCK_SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001"
MOCK_TENANT_ID = "00000000-0000-4000-8000-000000000002"
MOCK_DEPLOYER_OBJECT_ID = "00000000-0000-4000-8000-000000000003"
MOCK_DEPLOYER_CLIENT_ID = "00000000-0000-4000-8000-000000000004"

DYNAMIC = "pulumi-python:dynamic:Resource"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
HOST_KEYS_KIND = "function-host-keys"
"""The `kind` input of components/host_keys.py's dynamic resource (this package may not import components)."""


T = TypeVar("T")

_NAMESPACE = uuid.UUID("5b0f3d1e-6a7c-4f59-9d0e-0b8c4f1e2a11")

# ARM provider namespaces of the azure-native modules (the SDK module names are lowercased).
_ARM_NAMESPACES = {
    "applicationinsights": "Microsoft.Insights",
    "authorization": "Microsoft.Authorization",
    "datafactory": "Microsoft.DataFactory",
    "devcenter": "Microsoft.DevCenter",
    "devopsinfrastructure": "Microsoft.DevOpsInfrastructure",
    "network": "Microsoft.Network",
    "privatedns": "Microsoft.Network",
    "keyvault": "Microsoft.KeyVault",
    "monitor": "Microsoft.Insights",
    "operationalinsights": "Microsoft.OperationalInsights",
    "resources": "Microsoft.Resources",
    "sql": "Microsoft.Sql",
    "storage": "Microsoft.Storage",
    "web": "Microsoft.Web",
}

# ARM paths below the provider namespace, where they differ from "<types>/<name>".
_ARM_PATHS = {
    "storage:BlobContainer": "storageAccounts/{accountName}/blobServices/default/containers/{name}",
    "storage:BlobServiceProperties": "storageAccounts/{accountName}/blobServices/{name}",
    "storage:ManagementPolicy": "storageAccounts/{accountName}/managementPolicies/{name}",
    "keyvault:Vault": "vaults/{name}",
    "keyvault:Secret": "vaults/{vaultName}/secrets/{name}",
    "sql:Server": "servers/{name}",
    "sql:Database": "servers/{serverName}/databases/{name}",
    "sql:FirewallRule": "servers/{serverName}/firewallRules/{name}",
    "web:AppServicePlan": "serverfarms/{name}",
    "web:WebApp": "sites/{name}",
    "web:WebAppFtpAllowed": "sites/{name}/basicPublishingCredentialsPolicies/ftp",
    "web:WebAppScmAllowed": "sites/{name}/basicPublishingCredentialsPolicies/scm",
    "datafactory:Factory": "factories/{name}",
    "datafactory:LinkedService": "factories/{factoryName}/linkedservices/{name}",
    "datafactory:Dataset": "factories/{factoryName}/datasets/{name}",
    "datafactory:Pipeline": "factories/{factoryName}/pipelines/{name}",
    "datafactory:DataFlow": "factories/{factoryName}/dataflows/{name}",
    "datafactory:Trigger": "factories/{factoryName}/triggers/{name}",
    "datafactory:IntegrationRuntime": "factories/{factoryName}/integrationruntimes/{name}",
    "datafactory:ManagedPrivateEndpoint": (
        "factories/{factoryName}/managedVirtualNetworks/{managedVirtualNetworkName}/managedPrivateEndpoints/{name}"
    ),
    "network:VirtualNetwork": "virtualNetworks/{name}",
    "network:Subnet": "virtualNetworks/{virtualNetworkName}/subnets/{name}",
    "network:PrivateEndpoint": "privateEndpoints/{name}",
    "network:PrivateDnsZoneGroup": "privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{name}",
    "privatedns:PrivateZone": "privateDnsZones/{name}",
    "privatedns:VirtualNetworkLink": "privateDnsZones/{privateZoneName}/virtualNetworkLinks/{name}",
    "devcenter:DevCenter": "devcenters/{name}",
    "devcenter:Project": "projects/{name}",
    "devopsinfrastructure:Pool": "pools/{name}",
    "resources:Deployment": "deployments/{name}",
    "operationalinsights:Workspace": "workspaces/{name}",
    "applicationinsights:Component": "components/{name}",
    "monitor:ActionGroup": "actionGroups/{name}",
    "monitor:MetricAlert": "metricAlerts/{name}",
}
# Extension resources live below the resource they attach to.
_SCOPED = {
    "authorization:RoleAssignment": ("scope", "Microsoft.Authorization/roleAssignments"),
    "authorization:ManagementLockByScope": ("scope", "Microsoft.Authorization/locks"),
    "monitor:DiagnosticSetting": ("resourceUri", "Microsoft.Insights/diagnosticSettings"),
}


def _stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


@cache
def own_name_input(type_token: str) -> str | None:
    """The input that names the resource itself, read from the SDK's Args class.

    Parent names (`accountName` of a container) are required arguments, so the own
    name is an optional `*_name` or `name` argument: the one whose stem the type's
    name contains (`account_name` of StorageAccount), else `name`, else the first.
    """
    if not type_token.startswith("azure-native:"):
        return None
    args_class = schema.args_class(type_token)
    if args_class is None:
        return None
    candidates = [
        param.name
        for param in inspect.signature(args_class).parameters.values()
        if param.default is not inspect.Parameter.empty
        and (param.name == "name" or param.name.endswith(("_name", "_name_")))
        and param.name != "sku_name"
    ]
    type_snake = to_snake(type_token.rsplit(":", 1)[1])
    stems = [c for c in candidates if c != "name" and c.rstrip("_").removesuffix("_name") in type_snake]
    chosen = stems[0] if stems else "name" if "name" in candidates else (candidates[0] if candidates else None)
    return to_camel(chosen.rstrip("_")) if chosen else None


def _plural(type_name: str) -> str:
    word = type_name[:1].lower() + type_name[1:]
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def arm_id(module: str, type_name: str, name: str, inputs: dict[str, Any]) -> str:
    """The ARM id Azure would give this resource."""
    key = f"{module}:{type_name}"
    subscription = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}"
    if key == "resources:ResourceGroup":
        return f"{subscription}/resourceGroups/{name}"
    if key in _SCOPED:
        scope_input, path = _SCOPED[key]
        return f"{inputs.get(scope_input, subscription)}/providers/{path}/{name}"
    template = _ARM_PATHS.get(key, _plural(type_name) + "/{name}")
    fields = {k: v for k, v in inputs.items() if isinstance(v, str)}
    path = template.format_map({**fields, "name": name})
    namespace = _ARM_NAMESPACES.get(module, f"Microsoft.{module.capitalize()}")
    group = inputs.get("resourceGroupName", "rg")
    return f"{subscription}/resourceGroups/{group}/providers/{namespace}/{path}"


def _identity(inputs: dict[str, Any], seed: str) -> dict[str, Any] | None:
    identity = inputs.get("identity")
    if not isinstance(identity, dict) or "SystemAssigned" not in str(identity.get("type", "")):
        return identity if isinstance(identity, dict) else None
    return {**identity, "principalId": _stable_uuid(seed, "principal"), "tenantId": MOCK_TENANT_ID}


def identity_principal_id(stack: str, type_token: str, name: str) -> str:
    """The principal id the mocks give the system-assigned identity of resource `name` in `stack`."""
    return _stable_uuid(f"{stack}/{type_token}/{name}", "principal")


def _random_string(seed: str, inputs: dict[str, Any]) -> str:
    alphabet = ""
    if inputs.get("lower", True):
        alphabet += "abcdefghijklmnopqrstuvwxyz"
    if inputs.get("numeric", True):
        alphabet += "0123456789"
    if inputs.get("upper", True):
        alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[: int(inputs.get("length", 8))])


def stack_key(name: str) -> str:
    """`<project>/<stack>` of a stack reference's name, whatever organization it names."""
    return "/".join(name.split("/")[-2:])


class PlatformMocks(pulumi_mocks.Mocks):
    """Provider answers for the resource and function types the platform uses; others echo their inputs.

    A stack reference reads the outputs of the stack it names from `stack_outputs` (keyed `<project>/<stack>`),
    the exports of that stack's own offline plan; a stack not there has no outputs.
    """

    def __init__(self, stack: str, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.stack = stack
        self.stack_outputs = dict(stack_outputs or {})

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        seed = f"{self.stack}/{args.typ}/{args.name}"
        inputs = dict(args.inputs)
        if args.typ == STACK_REFERENCE:
            reference = str(inputs.get("name") or args.resource_id)
            outputs = dict(self.stack_outputs.get(stack_key(reference), {}))
            return reference, {"name": reference, "outputs": outputs, "secretOutputNames": []}
        if args.typ.startswith("random:"):
            result = _random_string(seed, inputs)
            return _stable_uuid(seed), {**inputs, "result": result}
        if args.typ == DYNAMIC and inputs.get("kind") == HOST_KEYS_KIND:
            # What components/host_keys.py's provider answers: the app's id and its default function key, which
            # the engine makes secret (additional_secret_outputs; the mock engine leaves that to the mocks).
            key = hashlib.sha256(f"{self.stack}/{inputs.get('app_id')}/default".encode()).hexdigest()
            secret_key = {_SIG_KEY: _SECRET_SIG, "value": key}
            return str(inputs.get("app_id")), {**inputs, "function_key": secret_key, "attempts": 1}
        if not args.typ.startswith("azure-native:"):
            return _stable_uuid(seed), inputs
        _, module, type_name = args.typ.split(":")
        own = own_name_input(args.typ)
        name = inputs.get(own) if own else None
        if not isinstance(name, str):
            name = args.name + _stable_uuid(seed)[:8].replace("-", "")
        resource_id = arm_id(module, type_name, name, inputs)
        state: dict[str, Any] = {**inputs, "name": name, "id": resource_id, "azureApiVersion": "mock"}
        identity = _identity(inputs, seed)
        if identity is not None:
            state["identity"] = identity
        state.update(self._computed(module, type_name, name, inputs, seed))
        return resource_id, state

    def _computed(self, module: str, type_name: str, name: str, inputs: dict[str, Any], seed: str) -> dict[str, Any]:
        key = f"{module}:{type_name}"
        if key == "storage:StorageAccount":
            return {
                "primaryEndpoints": {
                    service: f"https://{name}.{service}.core.windows.net/"
                    for service in ("blob", "dfs", "file", "queue", "table", "web")
                }
            }
        if key == "keyvault:Vault":
            return {"properties": {**inputs.get("properties", {}), "vaultUri": f"https://{name}.vault.azure.net/"}}
        if key == "keyvault:Secret":
            uri = f"https://{inputs.get('vaultName')}.vault.azure.net/secrets/{name}"
            return {"properties": {**inputs.get("properties", {}), "secretUri": uri}}
        if key == "web:WebApp":
            host, scm = f"{name}.azurewebsites.net", f"{name}.scm.azurewebsites.net"
            return {
                "defaultHostName": host,
                "enabledHostNames": [host, scm],
                "hostNameSslStates": [
                    {"name": host, "sslState": "Disabled", "hostType": "Standard"},
                    {"name": scm, "sslState": "Disabled", "hostType": "Repository"},
                ],
            }
        if key == "sql:Server":
            return {"fullyQualifiedDomainName": f"{name}.database.windows.net"}
        if key == "applicationinsights:Component":
            key_id = _stable_uuid(seed, "instrumentation-key")
            location = inputs.get("location", "westeurope")
            return {
                "instrumentationKey": key_id,
                "connectionString": f"InstrumentationKey={key_id};IngestionEndpoint=https://{location}.in.applicationinsights.azure.com/",
            }
        if key == "operationalinsights:Workspace":
            return {"customerId": _stable_uuid(seed, "customer")}
        return {}

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": MOCK_DEPLOYER_CLIENT_ID,
                "objectId": MOCK_DEPLOYER_OBJECT_ID,
                "subscriptionId": MOCK_SUBSCRIPTION_ID,
                "tenantId": MOCK_TENANT_ID,
            }
        return {}


@dataclass
class Registration:
    """One resource as the engine saw it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    depends_on: list[str]
    protect: bool
    inputs: dict[str, Any]
    retain_on_delete: bool = False
    aliases: list[str] = field(default_factory=list)
    """The old URNs the engine would match this resource against (RecordingMonitor's alias rules)."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input name -> the URNs whose outputs feed it (the request's `propertyDependencies`); `depends_on` holds
    these and the explicit `depends_on`, component dependencies expanded into their children by the SDK."""


_SECRET_SIG = rpc._special_secret_sig
_SIG_KEY = rpc._special_sig_key
_RESOURCE_SIG = rpc._special_resource_sig
_UNKNOWN_VALUE = rpc.UNKNOWN


def display_value(value: Any) -> Any:
    """Plain JSON for a registered value: secrets and unknowns become markers, references their URN."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        return {key: display_value(item) for key, item in value.items() if key != "__provider"}
    if isinstance(value, list):
        return [display_value(item) for item in value]
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def urn_in_plan(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """The URN the mock engine gives (name, type) under `parent`: the parent's own type, not its whole chain.

    The same rule as `MockMonitor.make_urn` (the engine proper prefixes the parent's full type chain), so
    an alias computed here compares with the plan's URNs.
    """
    if parent:
        type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def _is_provider_type_alias(type_: str, alias: object) -> bool:
    """Whether an alias of an azure-native resource only names another azure-native type token.

    azure-native's generated classes give every resource one such alias per API version, former module and
    former name of its type (`azure-native:storage/v20230101:StorageAccount`, `azure-native:insights:
    DiagnosticSetting`, `azure-native:network:InterfaceEndpoint`), whatever the program does; they would
    outnumber the program's own aliases twenty to one, so the plan leaves them out.
    """
    return (
        type_.startswith("azure-native:")
        and isinstance(alias, pulumi.Alias)
        and isinstance(alias.type_, str)
        and alias.type_.startswith("azure-native:")
        and all(value is ... for value in (alias.name, alias.parent, alias.stack, alias.project))
    )


def _without_provider_type_aliases(
    args: pulumi.ResourceTransformationArgs,
) -> pulumi.ResourceTransformationResult | None:
    """A stack transformation that removes azure-native's type-token aliases before the SDK resolves them.

    The SDK turns each alias into outputs and tasks as the resource is constructed, about thirty per
    azure-native resource: over half of an offline plan's time, for aliases the plan leaves out anyway.
    """
    aliases = args.opts.aliases
    if not aliases:
        return None
    kept = [alias for alias in aliases if not _is_provider_type_alias(args.type_, alias)]
    if len(kept) == len(aliases):
        return None
    args.opts.aliases = kept
    return pulumi.ResourceTransformationResult(args.props, args.opts)


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


def offline_program(program: Callable[[], T]) -> Callable[[], T]:
    """`program` as the offline plan runs it under the mocks, without the work only a real engine reads.

    The real engine keeps, per registration, the stack trace of the code that constructed it (for its
    diagnostics) and the URNs of azure-native's type-token aliases (to match old state); the mock monitor
    reads neither, and the plan lists only the program's own aliases. So while `program` runs, the SDK's
    stack-trace capture (`pulumi.runtime.resource._get_stack_trace`, which walks and reads the source of
    every frame) is replaced by an empty trace, and a stack transformation drops the type-token aliases
    (`_is_provider_type_alias`). What the program registers, and every alias of its own, is unchanged;
    resources constructed later, inside an `apply`, keep the SDK's own stack capture.
    """

    def run() -> T:
        pulumi.runtime.register_stack_transformation(_without_provider_type_aliases)
        captured = resource_runtime._get_stack_trace
        resource_runtime._get_stack_trace = _no_stack_trace
        try:
            return program()
        finally:
            resource_runtime._get_stack_trace = captured

    return run


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[1]


def _urn_type(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps each registration's parent, dependencies, protect flag, inputs and aliases."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.stack_urn: str | None = None
        self._aliases: dict[str, list[str]] = {}

    def _alias_urns(self, request: Any, urn: str) -> list[str]:
        """The URNs the engine would look this resource up by, besides its own, as the engine derives them.

        With alias specs (the mock advertises them, so the SDK sends specs rather than URNs) the engine
        turns each spec into a URN: a missing name or type is the resource's own, a missing parent its
        current one, `noParent` (or the root stack) the stack. A child then inherits every alias of its
        parent: the same child under the parent's old URN, its name's prefix renamed if the parent's name
        was (`generateAliases` and `inheritedChildAlias` in pulumi/pulumi pkg/resource/deploy/step_generator.go;
        https://www.pulumi.com/docs/iac/concepts/options/aliases/). The engine inherits only the parent alias
        that matched the old state; a plan has no state, so every alias of the parent is listed. URNs are
        built by the mock engine's rule (`urn_in_plan`), and one equal to the resource's own URN is left out.
        azure-native's own aliases between the tokens of one type never arrive (`offline_program`).
        """
        stack, project = settings.get_stack(), settings.get_project()
        root = self.stack_urn or ""

        def collapse(alias: Any) -> list[str]:
            if alias.WhichOneof("alias") == "urn":
                return [alias.urn]
            spec = alias.spec
            parents = [request.parent]
            if spec.WhichOneof("parent") == "noParent" and spec.noParent:
                parents = [root]
            elif spec.parentUrn:
                # A former parent that moved itself stands for its old URNs too.
                parents = [spec.parentUrn, *self._aliases.get(spec.parentUrn, [])]
            return [
                urn_in_plan(
                    spec.stack or stack,
                    spec.project or project,
                    parent,
                    spec.type or request.type,
                    spec.name or request.name,
                )
                for parent in parents
            ]

        own = [*request.aliasURNs, *(found for alias in request.aliases for found in collapse(alias))]
        inherited = []
        parent_name = _urn_name(request.parent) if request.parent else ""
        for parent_alias in self._aliases.get(request.parent, []):
            for child_type, child_name in [(request.type, request.name), *((_urn_type(a), _urn_name(a)) for a in own)]:
                alias_name = child_name
                if parent_name and child_name.startswith(parent_name):
                    alias_name = _urn_name(parent_alias) + child_name[len(parent_name) :]
                inherited.append(urn_in_plan(stack, project, parent_alias, child_type, alias_name))
        return [alias for alias in dict.fromkeys([*own, *inherited]) if alias != urn]

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the engine's RPC name
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        aliases = self._alias_urns(request, response.urn)
        self._aliases[response.urn] = aliases
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                depends_on=sorted(set(request.dependencies)),
                protect=bool(request.protect),
                inputs=display_value(raw),
                retain_on_delete=bool(request.retainOnDelete),
                aliases=aliases,
                property_dependencies={
                    key: sorted(set(deps.urns)) for key, deps in sorted(request.propertyDependencies.items())
                },
            )
        )
        return response


__all__ = [
    "MOCK_DEPLOYER_OBJECT_ID",
    "MOCK_SUBSCRIPTION_ID",
    "MOCK_TENANT_ID",
    "SECRET",
    "STACK_REFERENCE",
    "UNKNOWN",
    "PlatformMocks",
    "RecordingMonitor",
    "Registration",
    "arm_id",
    "display_value",
    "identity_principal_id",
    "offline_program",
    "own_name_input",
    "stack_key",
    "urn_in_plan",
]
