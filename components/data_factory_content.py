"""The factory's content from `pipelines_json/`: one azure-native resource per file, created in a valid order."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
from pulumi_azure_native import datafactory
from pydantic.alias_generators import to_camel, to_snake

from components.adf_content import NAME_INPUTS, AdfContent, apply_overrides, load_content, to_inputs
from components.config import ConfigError, DataFactoryConfig

PIPELINES_DIR = Path(__file__).resolve().parent.parent / "pipelines_json"

STACK_VALUES = frozenset(
    {
        "lake.dfsUrl",
        "lake.blobUrl",
        "lake.accountId",
        "keyVault.uri",
        "sql.server",
        "sql.database",
        "functionApp.url",
        "timeZone",
        "environment",
    }
)
"""The stack values `pipelines_json/overrides.json` may put into files."""

_RESOURCE_CLASSES: Mapping[str, Callable[..., pulumi.CustomResource]] = {
    "linkedService": datafactory.LinkedService,
    "dataset": datafactory.Dataset,
    "dataflow": datafactory.DataFlow,
    "pipeline": datafactory.Pipeline,
    "trigger": datafactory.Trigger,
}


def pipeline_properties() -> frozenset[str]:
    """The pipeline properties azure-native takes as arguments (camelCase), read from the SDK's PipelineArgs."""
    arguments = set(inspect.signature(datafactory.PipelineArgs).parameters) - {"factory_name", "resource_group_name"}
    return frozenset(to_camel(name) for name in arguments - {"pipeline_name"})


def load(root: Path = PIPELINES_DIR) -> AdfContent:
    """Load and validate the content with the stack values and pipeline properties this component supports."""
    return load_content(root, STACK_VALUES, pipeline_properties())


def enabled_triggers(cfg: DataFactoryConfig, content: AdfContent, stack_file: str) -> list[str]:
    """The triggers this stack runs: `triggersEnabled`, except where `triggers` names one."""
    known = content.names("trigger")
    unknown = sorted(set(cfg.triggers) - set(known))
    if unknown:
        raise ConfigError(
            f"{stack_file}: data-platform:dataFactory.triggers.{unknown[0]}: "
            f"no such trigger in pipelines_json/trigger/; triggers: {', '.join(known) or 'none'}"
        )
    return [name for name in known if cfg.triggers.get(name, cfg.triggers_enabled)]


@dataclass(frozen=True)
class DataFactoryContentArgs:
    """Inputs of the content component."""

    content: AdfContent
    """Validated content, in creation order."""
    factory_name: pulumi.Input[str]
    """The factory the content belongs to."""
    resource_group_name: pulumi.Input[str]
    """The factory's resource group."""
    stack_values: Mapping[str, pulumi.Input[str]]
    """Values for overrides.json, by stack value name."""
    linked_services_after: Sequence[pulumi.Resource] = field(default_factory=tuple)
    """What linked services wait for (the factory's role assignments)."""


class DataFactoryContent(pulumi.ComponentResource):
    """References inside ADF JSON are strings, so each resource depends on what its file references."""

    resources: dict[tuple[str, str], pulumi.CustomResource]

    def __init__(self, name: str, args: DataFactoryContentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:DataFactoryContent", name, {}, opts)
        self.resources = {}
        for item in args.content.items:
            resolved = apply_overrides(item, args.content.overrides, args.stack_values)
            inputs = to_inputs(resolved)
            if item.kind == "pipeline":
                inputs = {to_snake(key): value for key, value in inputs.items()}
            depends_on: list[pulumi.Resource] = [
                self.resources[(kind, ref.lower())] for kind, ref in sorted(item.depends_on())
            ]
            if item.kind == "linkedService":
                depends_on += list(args.linked_services_after)
            self.resources[(item.kind, item.name.lower())] = _RESOURCE_CLASSES[item.kind](
                f"{name}-{item.kind}-{item.name}",
                factory_name=args.factory_name,
                resource_group_name=args.resource_group_name,
                **{NAME_INPUTS[item.kind]: item.name},
                **inputs,
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
            )
        self.register_outputs({"items": [f"{item.kind}/{item.name}" for item in args.content.items]})
