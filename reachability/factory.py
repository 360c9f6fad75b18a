"""The factory's conversations, read from its ADF content in the plan: which runtime calls which data plane, and why.

ADF runs every connection on an integration runtime, "referenced by the linked service or activity"
(https://learn.microsoft.com/azure/data-factory/concepts-integration-runtime):
- a linked service connects via its `connectVia` runtime, and without one via the default Azure runtime,
  AutoResolveIntegrationRuntime, which every factory has and which sits on the public network, in no managed
  virtual network (same page; `connectVia`: https://learn.microsoft.com/azure/data-factory/concepts-linked-services);
- a mapping data flow runs on the Execute Data Flow activity's `integrationRuntime`, the auto-resolve Azure runtime
  when the activity names none, whatever runtime its datasets' linked services name
  (https://learn.microsoft.com/azure/data-factory/control-flow-execute-data-flow-activity);
- a secret that a linked service takes from a Key Vault linked service (`AzureKeyVaultSecret`) is read on the
  runtime that makes the connection.

So the factory's conversations are one per linked service, on its own runtime, plus one per data flow activity for
each linked service its data flow's datasets use, on the activity's runtime. A linked service's data plane is read
from the host names in its properties (`<account>.dfs.core.windows.net`, `<vault>.vault.azure.net`, ...), resolved
to the planned resource of that name.

The content reaches the plan by two routes (adf/lossless.py): azure-native's typed resources, whose inputs flatten
each object's `typeProperties` into it, and ARM deployments of the file's own JSON, whose template holds the object
as ADF Studio wrote it. Both are read into one shape, `FactoryItem`: the object's kind, name and ADF `properties`,
with every property looked up where either route keeps it (`typeProperties` nested or flattened), so an object is
judged the same whichever route deploys it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from adf.arm import template_items
from adf.model import AdfKind
from adf.walk import NESTED_ACTIVITY_LISTS, activity_property, walk_activities, walk_json
from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.private_dns import GroupId

AUTO_RESOLVE = "AutoResolveIntegrationRuntime"
"""The Azure runtime every factory has: public network, no managed virtual network."""

PUBLIC_HOSTS: tuple[tuple[str, ResourceType, GroupId], ...] = (
    (".dfs.core.windows.net", ResourceType.STORAGE_ACCOUNT, GroupId.DFS),
    (".blob.core.windows.net", ResourceType.STORAGE_ACCOUNT, GroupId.BLOB),
    (".queue.core.windows.net", ResourceType.STORAGE_ACCOUNT, GroupId.QUEUE),
    (".table.core.windows.net", ResourceType.STORAGE_ACCOUNT, GroupId.TABLE),
    (".file.core.windows.net", ResourceType.STORAGE_ACCOUNT, GroupId.FILE),
    (".vault.azure.net", ResourceType.VAULT, GroupId.VAULT),
    (".database.windows.net", ResourceType.SQL_SERVER, GroupId.SQL_SERVER),
    (".azurewebsites.net", ResourceType.WEB_APP, GroupId.SITES),
)
"""A data plane's public host name suffix -> the resource type named by its first label, and the private-link
group id that serves it (https://learn.microsoft.com/azure/private-link/private-endpoint-dns)."""


@dataclass(frozen=True)
class Runtime:
    """An integration runtime a connection runs on."""

    name: str
    managed_vnet: bool
    """In the factory's managed virtual network: it reaches data planes through managed private endpoints."""
    reg: Registration | None
    """What creates the runtime (its typed resource or ARM deployment); None for AutoResolveIntegrationRuntime,
    which ADF provides."""
    factory: Registration | None = None
    """The planned factory the runtime belongs to."""


@dataclass(frozen=True)
class Target:
    """The data plane a linked service connects to."""

    reg: Registration
    group_id: GroupId


@dataclass(frozen=True)
class Use:
    """One conversation of the factory: a runtime connects to a data plane, for a reason."""

    runtime: Runtime
    target: Target
    linked_service: str
    pipeline: str | None
    """The pipeline whose activity makes the call; None for the linked service's own connection."""
    reason: str


@dataclass(frozen=True)
class FactoryItem:
    """One ADF object of the plan, whichever route deploys it."""

    kind: AdfKind
    name: str
    properties: Mapping[str, Any]
    """ADF's `properties` of the object: from an ARM deployment, as the file wrote them (the template's escaping
    undone), `typeProperties` nested; from a typed resource, as azure-native takes them, `typeProperties` flattened
    into the object (a pipeline's at the top of its inputs). Read them with `_property`, which looks in both."""
    reg: Registration
    """What creates it: the typed resource, or the ARM deployment."""
    factory: Registration | None
    """The planned factory it belongs to."""


TYPED: Mapping[AdfKind, ResourceType] = {
    AdfKind.INTEGRATION_RUNTIME: ResourceType.INTEGRATION_RUNTIME,
    AdfKind.LINKED_SERVICE: ResourceType.LINKED_SERVICE,
    AdfKind.DATASET: ResourceType.DATASET,
    AdfKind.DATAFLOW: ResourceType.DATA_FLOW,
    AdfKind.PIPELINE: ResourceType.PIPELINE,
}
"""The kinds the factory's conversations are read from, and azure-native's typed resource of each."""

_TYPED_ENVELOPE = frozenset({"factoryName", "resourceGroupName", "pipelineName"})
"""A typed pipeline's inputs that are not the pipeline's properties."""


def _typed_items(view: PlanView) -> Iterator[FactoryItem]:
    for kind, type_token in TYPED.items():
        for reg in view.of_type(type_token):
            properties: Mapping[str, Any]
            if kind == AdfKind.PIPELINE:
                properties = {key: value for key, value in reg.inputs.items() if key not in _TYPED_ENVELOPE}
            else:
                found = reg.inputs.get("properties")
                properties = found if isinstance(found, Mapping) else {}
            yield FactoryItem(kind, view.own_name(reg) or reg.name, properties, reg, view.arm_parent(reg))


def _deployed_items(view: PlanView) -> Iterator[FactoryItem]:
    """The objects ARM deployments create (adf/arm.py): each template's items, in the factory its parameter names."""
    for reg in view.of_type(ResourceType.DEPLOYMENT):
        factory_name = get(reg.inputs, "properties", "parameters", "factoryName", "value")
        factory = next(iter(view.named(ResourceType.FACTORY, factory_name)), None)
        for item in template_items(get(reg.inputs, "properties", "template")):
            if item.kind in TYPED:
                yield FactoryItem(item.kind, item.name, item.properties, reg, factory)


@dataclass
class _Content:
    """The factory content of one view, read once: the items by kind and the lookups every use needs.

    A pipeline's uses need the runtimes, linked services, datasets and data flows of the whole content; read again
    for each pipeline they made a plan's time grow with the square of the content's size."""

    items: dict[AdfKind, tuple[FactoryItem, ...]]
    runtimes: dict[str, Runtime] = field(default_factory=dict)
    services: dict[str, FactoryItem] = field(default_factory=dict)
    datasets: dict[str, str] = field(default_factory=dict)
    """Dataset name -> its linked service's name (lower-cased)."""
    flows: dict[str, FactoryItem] = field(default_factory=dict)
    targets: dict[str, Target | None] = field(default_factory=dict)
    """Linked service name (lower-cased) -> the data plane it names, filled as they are asked for."""


_CONTENTS: weakref.WeakKeyDictionary[PlanView, _Content] = weakref.WeakKeyDictionary()
"""Each view's content; a view never changes once built, and its content goes with it."""


def _content(view: PlanView) -> _Content:
    found = _CONTENTS.get(view)
    if found is not None:
        return found
    by_kind: dict[AdfKind, list[FactoryItem]] = {}
    for item in (*_typed_items(view), *_deployed_items(view)):
        by_kind.setdefault(item.kind, []).append(item)
    content = _Content({kind: tuple(items) for kind, items in by_kind.items()})
    content.runtimes[AUTO_RESOLVE.lower()] = Runtime(AUTO_RESOLVE, False, None)
    for item in content.items.get(AdfKind.INTEGRATION_RUNTIME, ()):
        in_vnet = bool(item.properties.get("managedVirtualNetwork"))
        content.runtimes[item.name.lower()] = Runtime(item.name, in_vnet, item.reg, item.factory)
    content.services.update((item.name.lower(), item) for item in content.items.get(AdfKind.LINKED_SERVICE, ()))
    content.datasets.update(
        (item.name.lower(), str(get(item.properties, "linkedServiceName", "referenceName")).lower())
        for item in content.items.get(AdfKind.DATASET, ())
    )
    content.flows.update((item.name.lower(), item) for item in content.items.get(AdfKind.DATAFLOW, ()))
    _CONTENTS[view] = content
    return content


def factory_items(view: PlanView, kind: AdfKind) -> tuple[FactoryItem, ...]:
    """The planned objects of one kind, typed ones first, then those of ARM deployments."""
    return _content(view).items.get(kind, ())


def _property(obj: Any, key: str) -> Any:
    """A property of an ADF object, flattened (a typed resource's shape) or in `typeProperties` (a file's)."""
    return activity_property(obj, key) if isinstance(obj, dict) else None


def runtimes(view: PlanView) -> dict[str, Runtime]:
    """The planned runtimes by lower-cased name, and AutoResolveIntegrationRuntime."""
    return dict(_content(view).runtimes)


def _runtime(reference: Any, known: Mapping[str, Runtime]) -> Runtime:
    """The runtime a `{referenceName: ...}` names; AutoResolve without one. An unplanned name counts as public."""
    name = known_str(get(reference, "referenceName")) if isinstance(reference, Mapping) else None
    if not name:
        return known[AUTO_RESOLVE.lower()]
    return known.get(name.lower(), Runtime(name, False, None))


def _host(text: str) -> str | None:
    if "://" in text:
        return urlsplit(text).hostname
    host = text.strip().split(";")[0].removeprefix("tcp:").split(",")[0]
    return host if "." in host and " " not in host else None


def target(linked_service: FactoryItem, view: PlanView) -> Target | None:
    """The planned data plane a linked service's properties name by host, if any."""
    for _path, value in walk_json(linked_service.properties):
        host = (_host(value) or "").lower() if isinstance(value, str) else ""
        for suffix, type_token, group in PUBLIC_HOSTS:
            found = view.named(type_token, host.split(".")[0]) if host.endswith(suffix) else ()
            if found:
                return Target(found[0], group)
    return None


def _target_of(service: FactoryItem, view: PlanView) -> Target | None:
    """`target`, once per linked service and view."""
    targets = _content(view).targets
    key = service.name.lower()
    if key not in targets:
        targets[key] = target(service, view)
    return targets[key]


def _secret_stores(linked_service: FactoryItem) -> set[str]:
    """The Key Vault linked services a linked service takes secrets from (lower-cased names)."""
    return {
        store.lower()
        for _path, value in walk_json(linked_service.properties)
        if isinstance(value, Mapping) and value.get("type") == "AzureKeyVaultSecret"
        for store in [known_str(get(value, "store", "referenceName"))]
        if store
    }


def _connections(name: str, view: PlanView, services: Mapping[str, FactoryItem]) -> Iterator[tuple[str, Target]]:
    """(linked service, data plane) pairs a connection through one linked service makes: its own, and its secrets'."""
    service = services.get(name.lower())
    if service is None:
        return
    own = _target_of(service, view)
    if own is not None:
        yield service.name, own
    for store in sorted(_secret_stores(service)):
        vault = services.get(store)
        found = _target_of(vault, view) if vault is not None else None
        if vault is not None and found is not None:
            yield vault.name, found


def _flow_services(flow: FactoryItem, datasets: Mapping[str, str]) -> list[str]:
    """The linked services a data flow's sources and sinks use, through datasets or inline."""
    found = []
    for key in ("sources", "sinks"):
        ends = _property(flow.properties, key)
        for end in ends if isinstance(ends, list) else []:
            dataset = known_str(get(end, "dataset", "referenceName"))
            inline = known_str(get(end, "linkedService", "referenceName"))
            if dataset and dataset.lower() in datasets:
                found.append(datasets[dataset.lower()])
            if inline:
                found.append(inline.lower())
    return found


def linked_service_uses(view: PlanView) -> list[Use]:
    """Each linked service's own connection, on its `connectVia` runtime (or AutoResolve)."""
    content = _content(view)
    known, services = content.runtimes, content.services
    uses = []
    for item in services.values():
        runtime = _runtime(item.properties.get("connectVia"), known)
        for service, found in _connections(item.name, view, services):
            reason = f"linked service {item.name}" + ("" if service == item.name else f" via {service}")
            uses.append(Use(runtime, found, service, None, reason))
    return uses


def pipeline_uses(view: PlanView, pipeline: FactoryItem) -> list[Use]:
    """What a pipeline's first run connects to: each activity's linked services on the runtime that runs them."""
    content = _content(view)
    known, services, datasets, flows = content.runtimes, content.services, content.datasets, content.flows
    name = pipeline.name
    uses = []
    for activity in walk_activities(pipeline.properties.get("activities")):
        label = f"pipeline {name}, activity {activity.get('name', '?')}"
        if activity.get("type") == "ExecuteDataFlow":
            runtime = _runtime(activity_property(activity, "integrationRuntime"), known)
            reference = activity_property(activity, "dataFlow") or activity_property(activity, "dataflow")
            flow = flows.get(str(get(reference, "referenceName")).lower())
            called = _flow_services(flow, datasets) if flow is not None else []
            for service_name in called:
                for service, found in _connections(service_name, view, services):
                    uses.append(Use(runtime, found, service, name, f"{label} (data flow)"))
            continue
        called = _activity_services(activity, datasets)
        for service_name in called:
            service_item = services.get(service_name)
            if service_item is None:
                continue
            runtime = _runtime(service_item.properties.get("connectVia"), known)
            for service, found in _connections(service_name, view, services):
                uses.append(Use(runtime, found, service, name, label))
    return uses


def _activity_services(activity: Mapping[str, Any], datasets: Mapping[str, str]) -> list[str]:
    """The linked services an activity (not its nested ones) names, directly or through its datasets."""
    own = {key: value for key, value in activity.items() if key not in _NESTED}
    type_properties = activity.get("typeProperties")
    if isinstance(type_properties, Mapping):
        own["typeProperties"] = {key: value for key, value in type_properties.items() if key not in _NESTED}
    found = []
    for _path, value in walk_json(own):
        if not isinstance(value, Mapping):
            continue
        reference, kind = known_str(value.get("referenceName")), value.get("type")
        if reference and kind == "DatasetReference" and reference.lower() in datasets:
            found.append(datasets[reference.lower()])
        elif reference and kind == "LinkedServiceReference":
            found.append(reference.lower())
    return list(dict.fromkeys(found))


_NESTED = frozenset({*NESTED_ACTIVITY_LISTS, "cases"})
"""Where nested activities live, in the activity or its `typeProperties`; each is walked on its own."""


def pipelines(view: PlanView) -> tuple[FactoryItem, ...]:
    return factory_items(view, AdfKind.PIPELINE)


def factory_uses(view: PlanView) -> list[Use]:
    """Every conversation of the factory: each linked service's own, and each pipeline's activities'."""
    return [*linked_service_uses(view), *(use for pipeline in pipelines(view) for use in pipeline_uses(view, pipeline))]
