"""The ADF content model: one item per file of `pipelines_json/`, the references between them, and the overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adf.walk import walk_json
from stack.errors import InputError

KINDS = (
    "credential",
    "managedVirtualNetwork",
    "managedPrivateEndpoint",
    "integrationRuntime",
    "linkedService",
    "dataset",
    "dataflow",
    "pipeline",
    "trigger",
)
"""The kinds of item, one resource per file, in the order resources must be created.

ADF Studio keeps each in the folder of that name, except managed private endpoints, which live in
`managedVirtualNetwork/<network>/managedPrivateEndpoint/`.
"""

SETTINGS_FOLDERS = ("factory", "globalParameters")
"""ADF Studio's folders that hold factory settings rather than items: the factory file (its global
parameters) and, in some repositories, a global parameters file."""

FOLDERS = (*(kind for kind in KINDS if kind != "managedPrivateEndpoint"), *SETTINGS_FOLDERS)
"""Every folder ADF Studio writes at the top of its git root folder."""

NOT_REPRESENTABLE = {
    "managedVirtualNetwork": (
        "azure-native 3.29.0 has no datafactory ManagedVirtualNetwork resource (only get/reference types), so "
        "the factory's managed virtual network cannot be created from this program"
    ),
}
"""Kinds that azure-native cannot deploy, with the reason; their files are reported, never silently skipped."""

RESOURCE_TYPES = {
    "credential": "azure-native:datafactory:CredentialOperation",
    "managedVirtualNetwork": "azure-native:datafactory:ManagedVirtualNetwork",
    "managedPrivateEndpoint": "azure-native:datafactory:ManagedPrivateEndpoint",
    "integrationRuntime": "azure-native:datafactory:IntegrationRuntime",
    "linkedService": "azure-native:datafactory:LinkedService",
    "dataset": "azure-native:datafactory:Dataset",
    "dataflow": "azure-native:datafactory:DataFlow",
    "pipeline": "azure-native:datafactory:Pipeline",
    "trigger": "azure-native:datafactory:Trigger",
}
NAME_INPUTS = {
    "credential": "credential_name",
    "managedVirtualNetwork": "managed_virtual_network_name",
    "managedPrivateEndpoint": "managed_private_endpoint_name",
    "integrationRuntime": "integration_runtime_name",
    "linkedService": "linked_service_name",
    "dataset": "dataset_name",
    "dataflow": "data_flow_name",
    "pipeline": "pipeline_name",
    "trigger": "trigger_name",
}
REFERENCE_KINDS = {
    "LinkedServiceReference": "linkedService",
    "DatasetReference": "dataset",
    "DataFlowReference": "dataflow",
    "PipelineReference": "pipeline",
    "TriggerReference": "trigger",
    "IntegrationRuntimeReference": "integrationRuntime",
    "CredentialReference": "credential",
    "ManagedVirtualNetworkReference": "managedVirtualNetwork",
}
"""The reference objects (`{"type": ..., "referenceName": ...}`) that make one item depend on another."""


class ContentError(InputError):
    """ADF content that cannot be deployed; lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in pipelines_json/:\n  " + "\n  ".join(problems))


BUILT_IN = {("integrationRuntime", "autoresolveintegrationruntime")}
"""Items every factory has without a file: the Azure integration runtime ADF Studio's linked services name in
`connectVia` (https://learn.microsoft.com/azure/data-factory/concepts-integration-runtime#azure-integration-runtime)."""


@dataclass(frozen=True)
class Reference:
    """A by-name reference from one file to another item."""

    kind: str
    name: str
    path: str


@dataclass(frozen=True)
class AdfItem:
    """One file of ADF content."""

    kind: str
    name: str
    file: str
    document: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties", {})

    @property
    def type_token(self) -> str:
        return RESOURCE_TYPES[self.kind]

    @property
    def adf_type(self) -> str:
        return str(self.properties.get("type", "")) if self.kind != "pipeline" else "Pipeline"

    @property
    def network(self) -> str | None:
        """A managed private endpoint's managed virtual network (the folder it is in)."""
        parts = self.file.split("/")
        return parts[-3] if self.kind == "managedPrivateEndpoint" and len(parts) >= 3 else None

    def references(self) -> list[Reference]:
        refs = [
            Reference(REFERENCE_KINDS[value["type"]], str(value["referenceName"]), f"{path}.referenceName")
            for path, value in walk_json(self.document)
            if isinstance(value, dict) and value.get("type") in REFERENCE_KINDS and "referenceName" in value
        ]
        if self.network is not None:
            refs.append(Reference("managedVirtualNetwork", self.network, "(its folder)"))
        return [ref for ref in refs if (ref.kind, ref.name.lower()) not in BUILT_IN]

    def depends_on(self) -> set[tuple[str, str]]:
        """The items this one must be created after."""
        return {(ref.kind, ref.name) for ref in self.references() if (ref.kind, ref.name) != (self.kind, self.name)}


@dataclass(frozen=True)
class Override:
    """Replace, add or remove the value at `path` in `item`: the stack value `value`, else `literal`."""

    kind: str
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

    def of_kind(self, kind: str) -> list[AdfItem]:
        return [item for item in self.items if item.kind == kind]

    def names(self, kind: str) -> list[str]:
        return sorted(item.name for item in self.items if item.kind == kind)
