"""Built-in Azure role ids and one way to assign them, always scoped to a resource."""

from __future__ import annotations

import uuid

import pulumi
from pulumi_azure_native import authorization

from stack.roles import ROLE_IDS

_NAMESPACE = uuid.UUID("8a0f6b62-9a53-4a4e-9a43-0f5c2d1e7b10")


def assign_role(
    name: str,
    *,
    role: str,
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    principal_type: str | None,
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
) -> authorization.RoleAssignment:
    """Assign a built-in role on one resource's scope.

    The assignment's name is a GUID derived from the stack and the logical name, so a
    re-run never creates a second assignment for the same grant.
    """
    assignment_name = str(uuid.uuid5(_NAMESPACE, f"{pulumi.get_project()}/{pulumi.get_stack()}/{name}"))
    role_definition_id = pulumi.Output.concat(
        "/subscriptions/", subscription_id, "/providers/Microsoft.Authorization/roleDefinitions/", ROLE_IDS[role]
    )
    return authorization.RoleAssignment(
        name,
        role_assignment_name=assignment_name,
        scope=scope,
        principal_id=principal_id,
        principal_type=principal_type,
        role_definition_id=role_definition_id,
        description=f"{role} for {name}",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on or []),
    )
