"""The stack's resource group."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import resources


@dataclass(frozen=True)
class ResourceGroupArgs:
    """Inputs of the resource group."""

    resource_group_name: str
    """The group's name."""
    location: str
    """Azure region; every resource of the stack goes here."""
    tags: dict[str, str]
    """Tags of the group."""
    retain_on_delete: bool = False
    """Keep the group in Azure when it leaves the program: set where another stack deploys into it."""


class ResourceGroup(pulumi.ComponentResource):
    """Holds every resource of one environment, so that access and cost are per environment."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: ResourceGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("data-platform:core:ResourceGroup", name, {}, opts)
        group = resources.ResourceGroup(
            f"{name}-group",
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=args.retain_on_delete),
        )
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.register_outputs(
            {"resource_group_name": self.resource_group_name, "resource_group_id": self.resource_group_id}
        )
