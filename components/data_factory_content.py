"""The factory's content from `pipelines_json/`: one azure-native resource per file, created in a valid order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import datafactory
from pydantic.alias_generators import to_snake

from adf.convert import to_inputs
from adf.load import PLATFORM_ITEMS
from adf.model import KIND_SPECS, AdfContent
from adf.overrides import apply_overrides
from adf.stack_values import StackValues


@dataclass(frozen=True)
class DataFactoryContentArgs:
    """Inputs of the content component."""

    content: AdfContent
    """Validated content, in creation order."""
    factory_name: pulumi.Input[str]
    """The factory the content belongs to."""
    resource_group_name: pulumi.Input[str]
    """The factory's resource group."""
    stack_values: StackValues
    """The stack's values for overrides.json."""
    linked_services_after: Sequence[pulumi.Resource] = field(default_factory=tuple)
    """What linked services wait for (the factory's role assignments)."""


class DataFactoryContent(pulumi.ComponentResource):
    """References inside ADF JSON are strings, so each resource depends on what its file references."""

    resources: dict[tuple[str, str], pulumi.CustomResource]

    def __init__(self, name: str, args: DataFactoryContentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:DataFactoryContent", name, {}, opts)
        self.resources = {}
        values = args.stack_values.by_key()
        for item in args.content.items:
            resolved = apply_overrides(item, args.content.overrides, values)
            inputs = {to_snake(key): value for key, value in to_inputs(resolved).items()}
            # What the platform provides (the integration runtime) is not content: linked services wait
            # for it through `linked_services_after`. What the stack's publish filters leave out
            # (adf/publish_filters.py) is in the factory already.
            depends_on: list[pulumi.Resource] = [
                self.resources[(kind, ref.lower())]
                for kind, ref in sorted(item.depends_on())
                if ref.lower() not in {name.lower() for name in PLATFORM_ITEMS.get(kind, ())}
                and (kind, ref.lower()) in self.resources
            ]
            if item.kind == "linkedService":
                depends_on += list(args.linked_services_after)
            spec = KIND_SPECS[item.kind]
            resource: Callable[..., pulumi.CustomResource] = getattr(datafactory, spec.resource)
            self.resources[(item.kind, item.name.lower())] = resource(
                f"{name}-{item.kind}-{item.name}",
                factory_name=args.factory_name,
                resource_group_name=args.resource_group_name,
                **{spec.name_input: item.name},
                **inputs,
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
            )
        self.register_outputs({"items": [f"{item.kind}/{item.name}" for item in args.content.items]})
