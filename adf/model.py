"""The ADF content model: one item per file of `pipelines_json/`, the references between them, and the overrides."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from adf.walk import walk_json
from stack.errors import InputError


class AdfKind(StrEnum):
    """The kinds of item, one resource per file, in the order resources must be created.

    ADF Studio keeps each in the folder of that name, except managed private endpoints, which live in
    `managedVirtualNetwork/<network>/managedPrivateEndpoint/`.
    """

    CREDENTIAL = "credential"
    MANAGED_VIRTUAL_NETWORK = "managedVirtualNetwork"
    MANAGED_PRIVATE_ENDPOINT = "managedPrivateEndpoint"
    INTEGRATION_RUNTIME = "integrationRuntime"
    LINKED_SERVICE = "linkedService"
    DATASET = "dataset"
    DATAFLOW = "dataflow"
    PIPELINE = "pipeline"
    TRIGGER = "trigger"


@dataclass(frozen=True)
class KindSpec:
    """What the program needs to know about one kind of item to check and deploy it."""

    resource: str
    """The azure-native `datafactory` resource class that deploys it; its type token ends in the same name."""
    name_input: str
    """The resource's argument that takes the item's name."""
    reference: str | None
    """The type of the reference object (`{"type": ..., "referenceName": ...}`) that names an item of this kind."""
    typed: bool = True
    """Whether its files name their type in `properties.type`."""
    resource_missing: str | None = None
    """Why azure-native has no typed resource for it: its files always take the lossless path (adf/lossless.py)."""

    @property
    def type_token(self) -> str:
        return f"azure-native:datafactory:{self.resource}"


KIND_SPECS: Mapping[AdfKind, KindSpec] = {
    AdfKind.CREDENTIAL: KindSpec("CredentialOperation", "credential_name", "CredentialReference"),
    AdfKind.MANAGED_VIRTUAL_NETWORK: KindSpec(
        "ManagedVirtualNetwork",
        "managed_virtual_network_name",
        "ManagedVirtualNetworkReference",
        typed=False,
        resource_missing=(
            "azure-native has no datafactory ManagedVirtualNetwork resource, only get and reference types "
            "(pulumi/pulumi-azure-native#896)"
        ),
    ),
    AdfKind.MANAGED_PRIVATE_ENDPOINT: KindSpec(
        "ManagedPrivateEndpoint", "managed_private_endpoint_name", None, typed=False
    ),
    AdfKind.INTEGRATION_RUNTIME: KindSpec(
        "IntegrationRuntime", "integration_runtime_name", "IntegrationRuntimeReference"
    ),
    AdfKind.LINKED_SERVICE: KindSpec("LinkedService", "linked_service_name", "LinkedServiceReference"),
    AdfKind.DATASET: KindSpec("Dataset", "dataset_name", "DatasetReference"),
    AdfKind.DATAFLOW: KindSpec("DataFlow", "data_flow_name", "DataFlowReference"),
    AdfKind.PIPELINE: KindSpec("Pipeline", "pipeline_name", "PipelineReference", typed=False),
    AdfKind.TRIGGER: KindSpec("Trigger", "trigger_name", "TriggerReference"),
}
"""The one table of the kinds: every other view of them below is read from it."""

KINDS: tuple[AdfKind, ...] = tuple(AdfKind)
"""The kinds in creation order; `kind in KINDS` also tests a plain string."""

REFERENCE_KINDS: Mapping[str, AdfKind] = {
    spec.reference: kind for kind, spec in KIND_SPECS.items() if spec.reference is not None
}
"""The reference objects that make one item depend on another, by their type."""

WITHOUT_TYPED_RESOURCE: Mapping[AdfKind, str] = {
    kind: spec.resource_missing for kind, spec in KIND_SPECS.items() if spec.resource_missing is not None
}
"""Kinds azure-native has no typed resource for, with the reason: they always deploy as ARM deployments."""

SETTINGS_FOLDERS = ("factory", "globalParameters")
"""ADF Studio's folders that hold factory settings rather than items: the factory file (its global
parameters) and, in some repositories, a global parameters file."""

FOLDERS = (*(kind for kind in KINDS if kind != AdfKind.MANAGED_PRIVATE_ENDPOINT), *SETTINGS_FOLDERS)
"""Every folder ADF Studio writes at the top of its git root folder."""


class ContentError(InputError):
    """ADF content that cannot be deployed; lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in pipelines_json/:\n  " + "\n  ".join(problems))


BUILT_IN = {(AdfKind.INTEGRATION_RUNTIME, "autoresolveintegrationruntime")}
"""Items every factory has without a file: the Azure integration runtime ADF Studio's linked services name in
`connectVia` (https://learn.microsoft.com/azure/data-factory/concepts-integration-runtime#azure-integration-runtime)."""


@dataclass(frozen=True)
class Reference:
    """A by-name reference from one file to another item."""

    kind: AdfKind
    name: str
    path: str


@dataclass(frozen=True)
class AdfItem:
    """One file of ADF content."""

    kind: AdfKind
    name: str
    file: str
    document: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties", {})

    @property
    def type_token(self) -> str:
        return KIND_SPECS[self.kind].type_token

    @property
    def adf_type(self) -> str:
        return str(self.properties.get("type", "")) if self.kind != AdfKind.PIPELINE else "Pipeline"

    @property
    def network(self) -> str | None:
        """A managed private endpoint's managed virtual network (the folder it is in)."""
        parts = self.file.split("/")
        return parts[-3] if self.kind == AdfKind.MANAGED_PRIVATE_ENDPOINT and len(parts) >= 3 else None

    @cached_property
    def compact_json(self) -> str:
        """The document as compact JSON text, characters kept as written: what ADF's size limits count (as UTF-8),
        and what tells two versions of a file apart. Written once for every check that reads it."""
        return json.dumps(self.document, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def nodes(self) -> tuple[tuple[str, Any], ...]:
        """Every value of the document with its path (`walk_json`), walked once for every check that reads them."""
        return tuple(walk_json(self.document))

    def property_nodes(self) -> tuple[tuple[str, Any], ...]:
        """The values under `properties`, with their paths: the nodes whose path starts there."""
        return self._property_nodes

    @cached_property
    def _property_nodes(self) -> tuple[tuple[str, Any], ...]:
        # Picked out once: the expression checks and the object rules both walk them.
        return tuple(
            (path, value)
            for path, value in self.nodes
            if path.startswith("properties") and path[10:11] in ("", ".", "[")
        )

    def references(self) -> list[Reference]:
        """Every by-name reference of the file (its managed private endpoint's network included), built-ins left out."""
        return list(self._references)

    @cached_property
    def _references(self) -> tuple[Reference, ...]:
        refs = [
            Reference(REFERENCE_KINDS[kind], str(value["referenceName"]), f"{path}.referenceName")
            for path, value in self.nodes
            if isinstance(value, dict)
            and isinstance(kind := value.get("type"), str)  # a JSON schema's `type` may be an object or a list
            and kind in REFERENCE_KINDS
            and isinstance(value.get("referenceName"), str)
        ]
        if self.network is not None:
            refs.append(Reference(AdfKind.MANAGED_VIRTUAL_NETWORK, self.network, "(its folder)"))
        return tuple(ref for ref in refs if (ref.kind, ref.name.lower()) not in BUILT_IN)

    def depends_on(self) -> set[tuple[AdfKind, str]]:
        """The items this one must be created after."""
        return {(ref.kind, ref.name) for ref in self.references() if (ref.kind, ref.name) != (self.kind, self.name)}


@dataclass(frozen=True)
class Route:
    """How one item deploys, and why."""

    arm: bool
    """True: an ARM deployment of the file's JSON; False: the typed azure-native resource."""
    reasons: tuple[str, ...] = ()
    """Why the typed resource cannot take it (the lossless path only), each `<path in the file>: <why>`."""
    dropped: tuple[str, ...] = ()
    """What the typed resource leaves out because it holds nothing, each `<path in the file>: <what>`."""

    def describe(self) -> str:
        """`typed` or `ARM deployment: <reasons>`, the way `ops adf check` reports it."""
        if self.arm:
            return "ARM deployment: " + "; ".join(self.reasons)
        return "typed" + (f" ({'; '.join(self.dropped)})" if self.dropped else "")


@dataclass(frozen=True)
class Override:
    """Replace, add or remove the value at `path` in `item`: the stack value `value`, else `literal`."""

    kind: AdfKind
    name: str
    path: tuple[str | int, ...]
    value: str | None
    action: str = "replace"
    literal: Any = None


@dataclass(frozen=True)
class AdfContent:
    """All items, in creation order, and the overrides that apply to them."""

    items: tuple[AdfItem, ...]
    overrides: tuple[Override, ...]
    global_parameters: tuple[tuple[str, dict[str, Any]], ...] = ()
    """The factory's global parameters from `factory/` (or `globalParameters/`), in file order."""
    notes: tuple[str, ...] = ()
    """What the loader changed or ignored, one line per cause, to tell the user once."""
    warnings: tuple[str, ...] = ()
    """Content rule findings that do not refuse the content (ADF accepted such content): told, then deployed."""
    routes: Mapping[tuple[AdfKind, str], Route] = field(default_factory=dict)
    """How each item deploys, by (kind, lower-case name); an item without a route is typed."""
    started_triggers: tuple[str, ...] = ()
    """Triggers whose file says `runtimeState: Started`."""

    def route(self, kind: str, name: str) -> Route:
        """How the item of this kind and name (any letter case) deploys; typed when it has no route."""
        return self.routes.get((AdfKind(kind), name.lower()), Route(arm=False))

    def arm(self, item: AdfItem) -> bool:
        """Whether the item deploys as an ARM deployment of its JSON (adf/lossless.py) rather than typed."""
        found = self.routes.get((item.kind, item.name.lower()))
        return found is not None and found.arm

    def of_kind(self, kind: str) -> list[AdfItem]:
        return [item for item in self.items if item.kind == kind]

    def names(self, kind: str) -> list[str]:
        return sorted(item.name for item in self.items if item.kind == kind)
