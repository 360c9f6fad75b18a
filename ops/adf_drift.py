"""Drift: objects in the live factory that the source folder lacks, and deleting them; what `ops adf drift` runs.

A hotfix made in the portal, or an object renamed or removed in the source, stays in the factory:
Pulumi deletes only what it created, and an item deployed as an ARM deployment of its JSON is never deleted by
it. This lists, for every kind the source folder has (trigger, pipeline, dataflow, dataset, linkedService,
integrationRuntime, credential, managedVirtualNetwork and its managed private endpoints, and the global
parameters of factory/ or globalParameters/), what the factory holds and the folder does not;
azure.datafactory.tools deletes the same objects with DeleteNotInSource, and
Microsoft's CI/CD sample script deletes "resources that have been removed"
(https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery-sample-script).
Names are compared ignoring case, as ARM compares resource names
(https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).

Never deleted, and listed as kept (`keep_out`): what the platform provides (its integration runtime and ADF's
AutoResolveIntegrationRuntime), and, with DoNotDeleteExcludedObjects (adf.tools' default), what the stack's publish
filters exclude (`deployment/publish-<stack>.json`, adf/publish_filters.py). `ops adf drift` deletes with `--delete`,
or when those publish options set DeleteNotInSource (adf.tools deletes such objects when it publishes).

`delete_drift` deletes them, in dependency order: started triggers are
stopped first (as that script does before it deletes), then triggers, pipelines, data flows,
datasets, linked services, credentials, integration runtimes and managed private endpoints are deleted, and
global parameters removed from the factory's set; within one kind
an object before those it references (a pipeline before the pipeline it executes), because ADF
refuses to delete what something still references. A failure does not stop the rest; each is collected.
ADF's API has no delete for a managed virtual network (Managed Virtual Networks: create or update, get and list,
https://learn.microsoft.com/rest/api/datafactory/managed-virtual-networks): it is listed, and goes with the factory.
"""

from __future__ import annotations

import graphlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from azure.core.exceptions import AzureError

from adf.publish_filters import PublishOptions, folder_of
from adf.settings import PLATFORM_PARAMETERS
from adf.walk import referenced_names
from ops import factory
from stack.errors import AzureRefusedError, InputError, PlatformError, TimedOutError

OPERATIONS = {
    "trigger": "triggers",
    "pipeline": "pipelines",
    "dataflow": "data_flows",
    "dataset": "datasets",
    "linkedService": "linked_services",
    "credential": "credential_operations",
    "integrationRuntime": "integration_runtimes",
    "managedPrivateEndpoint": "managed_private_endpoints",
    "managedVirtualNetwork": "managed_virtual_networks",
    "globalParameter": "global_parameters",
}
"""Each kind, in deletion order, and the SDK client's operations for it. ADF Studio keeps a kind in the folder of
its name, but managed private endpoints (managedVirtualNetwork/<network>/managedPrivateEndpoint/, named
`<network>/<endpoint>` here) and global parameters (factory/*.json or globalParameters/*.json)."""
GLOBAL_PARAMETERS_RESOURCE = "default"
"""The one global parameters resource of a factory (https://learn.microsoft.com/rest/api/datafactory/global-parameters)."""
STOP_TIMEOUT_SECONDS = 300.0

Say = Callable[[str], None]


class SourceError(InputError):
    """The source folder cannot be read well enough to know what it holds."""


@dataclass(frozen=True)
class LiveObject:
    """An object of the live factory: its kind (ADF Studio's folder name), name and what it references."""

    kind: str
    name: str
    references: frozenset[str] = frozenset()
    """Lower-cased names this object references."""
    started: bool = False
    """Triggers: the trigger is started."""
    folder: str = ""
    """ADF Studio's folder (`properties.folder.name`), which publish filters may name."""

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass
class Outcome:
    """What a deletion did."""

    deleted: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    failures: list[PlatformError] = field(default_factory=list)
    """One error per object that was not deleted, naming it; its kind says why."""


def source_names(source: Path) -> dict[str, set[str]]:
    """For each kind whose folder the source has, the lower-cased names of its files' objects.

    SourceError when the folder is missing, has none of ADF Studio's folders, or a file's name cannot be read.
    """
    if not source.is_dir():
        raise SourceError(f"{source}: no such folder; pass --source with the ADF Studio folder")
    names: dict[str, set[str]] = {}
    for kind in OPERATIONS:
        files = _source_files(source, kind)
        if files is None:
            continue
        names[kind] = set()
        for path in files:
            document = _read(path)
            if kind == "globalParameter":
                names[kind] |= _global_parameter_names(path, document)
                continue
            name = document.get("name") if isinstance(document, dict) else None
            if not isinstance(name, str) or not name:
                raise SourceError(f"{path}: has no 'name'; fix it before comparing with the factory")
            network = f"{path.parent.parent.name}/" if kind == "managedPrivateEndpoint" else ""
            names[kind].add(f"{network}{name}".lower())
    if not names:
        raise SourceError(f"{source}: has none of ADF Studio's folders {', '.join(OPERATIONS)}; nothing to compare")
    return names


def _source_files(source: Path, kind: str) -> list[Path] | None:
    """The source's files of one kind; None when the source has no folder for the kind (it is then not compared)."""
    if kind == "managedPrivateEndpoint":
        folder = source / "managedVirtualNetwork"
        return sorted(folder.glob("*/managedPrivateEndpoint/*.json")) if folder.is_dir() else None
    if kind == "globalParameter":
        folders = [source / name for name in ("factory", "globalParameters") if (source / name).is_dir()]
        return sorted(path for folder in folders for path in folder.glob("*.json")) if folders else None
    folder = source / kind
    return sorted(folder.glob("*.json")) if folder.is_dir() else None


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SourceError(f"{path}: cannot be read ({exc}); fix it before comparing with the factory") from exc


def _global_parameter_names(path: Path, document: object) -> set[str]:
    """The global parameters a factory file (`properties.globalParameters`) or a globalParameters file
    (`properties`) declares, and the one the platform sets itself (adf.settings.PLATFORM_PARAMETERS)."""
    properties = document.get("properties") if isinstance(document, dict) else None
    if path.parent.name == "factory" and isinstance(properties, dict):
        properties = properties.get("globalParameters")
    declared = properties if isinstance(properties, dict) else {}
    return {str(name).lower() for name in declared} | {name.lower() for name in PLATFORM_PARAMETERS}


def live_objects(adf: factory.Factory, kinds: Iterable[str]) -> list[LiveObject]:
    """Every object of these kinds in the factory (all pages)."""
    found: list[LiveObject] = []
    for kind in kinds:
        if kind in ("managedPrivateEndpoint", "globalParameter"):
            found += _nested_objects(adf, kind)
            continue
        operations = getattr(adf.client, OPERATIONS[kind])
        for resource in operations.list_by_factory(adf.resource_group, adf.name):
            properties = resource.properties.as_dict() if resource.properties else {}
            started = kind == "trigger" and properties.get("runtimeState") == "Started"
            references = frozenset(referenced_names(properties))
            found.append(LiveObject(kind, str(resource.name), references, started, folder_of(properties)))
    return found


def _nested_objects(adf: factory.Factory, kind: str) -> list[LiveObject]:
    """Managed private endpoints, listed per managed virtual network; global parameters, one per name."""
    if kind == "globalParameter":
        return [
            LiveObject(kind, str(name))
            for resource in adf.client.global_parameters.list_by_factory(adf.resource_group, adf.name)
            for name in (resource.properties or {})
        ]
    return [
        LiveObject(kind, f"{network.name}/{endpoint.name}")
        for network in adf.client.managed_virtual_networks.list_by_factory(adf.resource_group, adf.name)
        for endpoint in adf.client.managed_private_endpoints.list_by_factory(
            adf.resource_group, adf.name, str(network.name)
        )
    ]


def _delete(adf: factory.Factory, obj: LiveObject) -> None:
    """Delete one object; a global parameter is removed from the factory's one set of them."""
    client, group, name = adf.client, adf.resource_group, adf.name
    if obj.kind == "managedVirtualNetwork":
        raise AzureRefusedError(
            f"{obj.key}: ADF's API has no delete for a managed virtual network; it goes with the factory; not deleted"
        )
    if obj.kind == "managedPrivateEndpoint":
        network, endpoint = obj.name.split("/", 1)
        client.managed_private_endpoints.delete(group, name, network, endpoint)
    elif obj.kind == "globalParameter":
        current = client.global_parameters.get(group, name, GLOBAL_PARAMETERS_RESOURCE)
        current.properties = {k: v for k, v in (current.properties or {}).items() if k.lower() != obj.name.lower()}
        client.global_parameters.create_or_update(group, name, GLOBAL_PARAMETERS_RESOURCE, current)
    else:
        getattr(client, OPERATIONS[obj.kind]).delete(group, name, obj.name)


def drift(live: Iterable[LiveObject], source: dict[str, set[str]]) -> list[LiveObject]:
    """The live objects the source lacks, in deletion order."""
    missing = [obj for obj in live if obj.kind in source and obj.name.lower() not in source[obj.kind]]
    ordered: list[LiveObject] = []
    for kind in OPERATIONS:
        of_kind = {obj.name.lower(): obj for obj in sorted(missing, key=lambda o: o.name.lower()) if obj.kind == kind}
        graph = graphlib.TopologicalSorter[str]()
        for name, obj in of_kind.items():
            graph.add(name)
            for referenced in obj.references & set(of_kind) - {name}:
                graph.add(referenced, name)  # the referrer goes first
        ordered += [of_kind[name] for name in _stable_order(graph, list(of_kind))]
    return ordered


def _stable_order(graph: graphlib.TopologicalSorter[str], names: list[str]) -> list[str]:
    """A topological order that takes ready names alphabetically, so a listing is the same every run."""
    try:
        graph.prepare()
    except graphlib.CycleError:
        return names  # ADF would refuse such a cycle anyway; try in name order
    order: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready())
        order += ready
        graph.done(*ready)
    return order


def keep_out(
    objects: list[LiveObject], options: PublishOptions
) -> tuple[list[LiveObject], list[tuple[LiveObject, str]]]:
    """(what drift may delete, what it must keep and why): the platform's own objects are never deleted, nor, with
    DoNotDeleteExcludedObjects (adf.tools' default), what the stack's publish filters exclude."""
    deletable: list[LiveObject] = []
    kept: list[tuple[LiveObject, str]] = []
    for obj in objects:
        reason = options.keeps(obj.kind, obj.name, obj.folder)
        if reason is None:
            deletable.append(obj)
        else:
            kept.append((obj, reason))
    return deletable, kept


def delete_drift(adf: factory.Factory, objects: list[LiveObject], say: Say) -> Outcome:
    """Stop the started triggers, then delete every object in the given order."""
    outcome = Outcome()
    unstoppable: set[str] = set()
    for obj in (o for o in objects if o.started):
        try:
            poller = adf.client.triggers.begin_stop(adf.resource_group, adf.name, obj.name)
            poller.result(timeout=STOP_TIMEOUT_SECONDS)
            if not poller.done():
                raise TimeoutError
        except TimeoutError:
            reason = f"Azure did not finish stopping it within {STOP_TIMEOUT_SECONDS:.0f} s; not deleted"
            outcome.failures.append(TimedOutError(f"{obj.key}: {reason}"))
            unstoppable.add(obj.key)
            continue
        except AzureError as exc:
            reason = f"Azure refused to stop it: {factory.describe_error(exc)}; not deleted"
            outcome.failures.append(AzureRefusedError(f"{obj.key}: {reason}"))
            unstoppable.add(obj.key)
            continue
        outcome.stopped.append(obj.key)
        say(f"stopped {obj.key}")
    for obj in objects:
        if obj.key in unstoppable:
            continue
        try:
            _delete(adf, obj)
        except AzureRefusedError as exc:
            outcome.failures.append(exc)
            continue
        except AzureError as exc:
            reason = f"Azure refused to delete it: {factory.describe_error(exc)}"
            outcome.failures.append(AzureRefusedError(f"{obj.key}: {reason}"))
            continue
        outcome.deleted.append(obj.key)
        say(f"deleted {obj.key}")
    return outcome
