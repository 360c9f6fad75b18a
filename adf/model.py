"""The ADF content model: one item per file of `pipelines_json/`, the references between them, and the overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adf.walk import walk_json
from stack.errors import InputError

KINDS = ("linkedService", "dataset", "dataflow", "pipeline", "trigger")
"""ADF Studio's folder names, in the order resources must be created."""

RESOURCE_TYPES = {
    "linkedService": "azure-native:datafactory:LinkedService",
    "dataset": "azure-native:datafactory:Dataset",
    "dataflow": "azure-native:datafactory:DataFlow",
    "pipeline": "azure-native:datafactory:Pipeline",
    "trigger": "azure-native:datafactory:Trigger",
}
NAME_INPUTS = {
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
}
"""The reference objects (`{"type": ..., "referenceName": ...}`) that make one item depend on another."""


class ContentError(InputError):
    """ADF content that cannot be deployed; lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in pipelines_json/:\n  " + "\n  ".join(problems))


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

    def references(self) -> list[Reference]:
        return [
            Reference(REFERENCE_KINDS[value["type"]], str(value["referenceName"]), f"{path}.referenceName")
            for path, value in walk_json(self.document)
            if isinstance(value, dict) and value.get("type") in REFERENCE_KINDS and "referenceName" in value
        ]

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

    def of_kind(self, kind: str) -> list[AdfItem]:
        return [item for item in self.items if item.kind == kind]

    def names(self, kind: str) -> list[str]:
        return sorted(item.name for item in self.items if item.kind == kind)
