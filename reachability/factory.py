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
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adf.walk import activity_property, walk_activities, walk_json
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
    """The planned runtime; None for AutoResolveIntegrationRuntime, which ADF provides."""


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


def _name(reg: Registration, view: PlanView) -> str:
    return view.own_name(reg) or reg.name


def runtimes(view: PlanView) -> dict[str, Runtime]:
    """The planned runtimes by lower-cased name, and AutoResolveIntegrationRuntime."""
    found = {AUTO_RESOLVE.lower(): Runtime(AUTO_RESOLVE, False, None)}
    for reg in view.of_type(ResourceType.INTEGRATION_RUNTIME):
        in_vnet = bool(get(reg.inputs, "properties", "managedVirtualNetwork"))
        found[_name(reg, view).lower()] = Runtime(_name(reg, view), in_vnet, reg)
    return found


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


def target(linked_service: Registration, view: PlanView) -> Target | None:
    """The planned data plane a linked service's properties name by host, if any."""
    for _path, value in walk_json(linked_service.inputs.get("properties")):
        host = (_host(value) or "").lower() if isinstance(value, str) else ""
        for suffix, type_token, group in PUBLIC_HOSTS:
            found = view.named(type_token, host.split(".")[0]) if host.endswith(suffix) else ()
            if found:
                return Target(found[0], group)
    return None


def _linked_services(view: PlanView) -> dict[str, Registration]:
    return {_name(reg, view).lower(): reg for reg in view.of_type(ResourceType.LINKED_SERVICE)}


def _secret_stores(linked_service: Registration) -> set[str]:
    """The Key Vault linked services a linked service takes secrets from (lower-cased names)."""
    return {
        store.lower()
        for _path, value in walk_json(linked_service.inputs.get("properties"))
        if isinstance(value, Mapping) and value.get("type") == "AzureKeyVaultSecret"
        for store in [known_str(get(value, "store", "referenceName"))]
        if store
    }


def _connections(name: str, view: PlanView, services: Mapping[str, Registration]) -> Iterator[tuple[str, Target]]:
    """(linked service, data plane) pairs a connection through one linked service makes: its own, and its secrets'."""
    service = services.get(name.lower())
    if service is None:
        return
    own = target(service, view)
    if own is not None:
        yield _name(service, view), own
    for store in sorted(_secret_stores(service)):
        vault = services.get(store)
        found = target(vault, view) if vault is not None else None
        if vault is not None and found is not None:
            yield _name(vault, view), found


def _dataset_services(view: PlanView) -> dict[str, str]:
    """Dataset name -> its linked service's name (lower-cased)."""
    return {
        _name(reg, view).lower(): str(get(reg.inputs, "properties", "linkedServiceName", "referenceName")).lower()
        for reg in view.of_type(ResourceType.DATASET)
    }


def _flow_services(flow: Registration, datasets: Mapping[str, str]) -> list[str]:
    """The linked services a data flow's sources and sinks use, through datasets or inline."""
    properties = flow.inputs.get("properties")
    found = []
    for key in ("sources", "sinks"):
        for end in get(properties, key) or []:
            dataset = known_str(get(end, "dataset", "referenceName"))
            inline = known_str(get(end, "linkedService", "referenceName"))
            if dataset and dataset.lower() in datasets:
                found.append(datasets[dataset.lower()])
            if inline:
                found.append(inline.lower())
    return found


def linked_service_uses(view: PlanView) -> list[Use]:
    """Each linked service's own connection, on its `connectVia` runtime (or AutoResolve)."""
    known, services = runtimes(view), _linked_services(view)
    uses = []
    for reg in view.of_type(ResourceType.LINKED_SERVICE):
        runtime = _runtime(get(reg.inputs, "properties", "connectVia"), known)
        for service, found in _connections(_name(reg, view), view, services):
            reason = f"linked service {_name(reg, view)}" + ("" if service == _name(reg, view) else f" via {service}")
            uses.append(Use(runtime, found, service, None, reason))
    return uses


def pipeline_uses(view: PlanView, pipeline: Registration) -> list[Use]:
    """What a pipeline's first run connects to: each activity's linked services on the runtime that runs them."""
    known, services = runtimes(view), _linked_services(view)
    datasets = _dataset_services(view)
    flows = {_name(reg, view).lower(): reg for reg in view.of_type(ResourceType.DATA_FLOW)}
    name = _name(pipeline, view)
    uses = []
    for activity in walk_activities(pipeline.inputs.get("activities")):
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
            service_reg = services.get(service_name)
            if service_reg is None:
                continue
            runtime = _runtime(get(service_reg.inputs, "properties", "connectVia"), known)
            for service, found in _connections(service_name, view, services):
                uses.append(Use(runtime, found, service, name, label))
    return uses


def _activity_services(activity: Mapping[str, Any], datasets: Mapping[str, str]) -> list[str]:
    """The linked services an activity (not its nested ones) names, directly or through its datasets."""
    own = {key: value for key, value in activity.items() if key not in _NESTED}
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


_NESTED = frozenset({"activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities", "cases"})
"""Where nested activities live; each is walked on its own."""


def pipelines(view: PlanView) -> tuple[Registration, ...]:
    return view.of_type(ResourceType.PIPELINE)


def factory_uses(view: PlanView) -> list[Use]:
    """Every conversation of the factory: each linked service's own, and each pipeline's activities'."""
    return [*linked_service_uses(view), *(use for pipeline in pipelines(view) for use in pipeline_uses(view, pipeline))]
