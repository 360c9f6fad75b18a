"""The factory's content from `pipelines_json/`: one resource per file, created in a valid order.

Each item deploys the way the loader routed it (adf/lossless.py): azure-native's typed resource where it
represents the file exactly, else an ARM deployment of the file's JSON (`resources.Deployment` of the template in
adf/arm.py), which loses nothing. Either way the resource depends on the resources of what its file references,
so a pipeline is created after its datasets whichever way each goes.

Neither route deletes an object when its file goes: a deployment record is only a record (deleting it leaves
the object, as Microsoft's incremental ARM deployments do), and the typed resources are kept on delete
(`retain_on_delete`). Both routes thus behave alike, and an item whose route changes (azure-native gains what
the file needed, or ADF Studio starts writing what azure-native lacks) is never deleted by Pulumi after its new
resource has written it: Pulumi creates the new resource before it deletes the old one. `ops adf drift` lists
the objects the folder lacks and deletes them with `--delete`, as azure.datafactory.tools' DeleteNotInSource does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import datafactory
from pulumi_azure_native.resources import Deployment, DeploymentMode
from pydantic.alias_generators import to_snake

from adf.arm import deployment_name, template
from adf.convert import to_inputs
from adf.load import PLATFORM_ITEMS
from adf.model import KIND_SPECS, AdfContent, AdfItem
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
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the ARM deployments of the items that take the lossless path (the typed ADF resources have none)."""


class DataFactoryContent(pulumi.ComponentResource):
    """References inside ADF JSON are strings, so each resource depends on what its file references."""

    resources: dict[tuple[str, str], pulumi.CustomResource]

    def __init__(self, name: str, args: DataFactoryContentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:integration:DataFactoryContent", name, {}, opts)
        self.resources = {}
        values = args.stack_values.by_key()
        for item in args.content.items:
            resolved = apply_overrides(item, args.content.overrides, values)
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
            logical = f"{name}-{item.kind}-{item.name}"
            if args.content.arm(item):
                options = pulumi.ResourceOptions(parent=self, depends_on=depends_on)
                created: pulumi.CustomResource = self._arm_deployment(logical, resolved, args, options)
            else:
                options = pulumi.ResourceOptions(parent=self, depends_on=depends_on, retain_on_delete=True)
                created = self._typed(logical, resolved, args, options)
            self.resources[(item.kind, item.name.lower())] = created
        self.register_outputs({"items": [f"{item.kind}/{item.name}" for item in args.content.items]})

    @staticmethod
    def _typed(
        logical: str, item: AdfItem, args: DataFactoryContentArgs, options: pulumi.ResourceOptions
    ) -> pulumi.CustomResource:
        """The item as azure-native's typed resource of its kind."""
        spec = KIND_SPECS[item.kind]
        resource: Callable[..., pulumi.CustomResource] = getattr(datafactory, spec.resource)
        inputs = {to_snake(key): value for key, value in to_inputs(item).items()}
        return resource(
            logical,
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            **{spec.name_input: item.name},
            **inputs,
            opts=options,
        )

    @staticmethod
    def _arm_deployment(
        logical: str, item: AdfItem, args: DataFactoryContentArgs, options: pulumi.ResourceOptions
    ) -> Deployment:
        """The item as an incremental ARM deployment of its own JSON (adf/arm.py)."""
        properties: pulumi.Output[dict[str, Any]] = pulumi.Output.from_input(item.properties)
        return Deployment(
            logical,
            deployment_name=pulumi.Output.from_input(args.factory_name).apply(
                lambda factory: deployment_name(item, factory)
            ),
            resource_group_name=args.resource_group_name,
            properties={
                "mode": DeploymentMode.INCREMENTAL,
                "template": properties.apply(lambda resolved: template(item, resolved)),
                "parameters": {"factoryName": {"value": args.factory_name}},
            },
            tags=dict(args.tags),
            opts=options,
        )
