"""Built-in Azure role ids and one way to assign them, always scoped to a resource."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pulumi
from pulumi_azure_native import authorization

from components.shared import RoleAssignment
from stack.roles import ROLE_IDS

_NAMESPACE = uuid.UUID("8a0f6b62-9a53-4a4e-9a43-0f5c2d1e7b10")


def assignment_guid(scope: str, principal_id: str, role_definition_id: str) -> str:
    """The role assignment name for one (scope, principal, role definition); ARM ids compare case-insensitively."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(part.lower() for part in (scope, principal_id, role_definition_id))))


def assign_role(
    name: str,
    *,
    role: str,
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    principal_type: str,
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
) -> authorization.RoleAssignment:
    """Assign a built-in role on one resource's scope.

    The name is a GUID seeded with scope, principal and role definition, like Bicep's
    guid(scope, principalId, roleDefinitionId): names are unique per tenant, and one
    (scope, principal, role) may be assigned once, so a deterministic name from exactly
    those three never collides and a re-run never creates a second assignment
    (https://learn.microsoft.com/azure/role-based-access-control/role-assignments#name,
    https://learn.microsoft.com/azure/azure-resource-manager/bicep/scenarios-rbac).
    `principal_type` is always explicit: the SDK sends "User" when it is unset.
    """
    role_definition_id = pulumi.Output.concat(
        "/subscriptions/", subscription_id, "/providers/Microsoft.Authorization/roleDefinitions/", ROLE_IDS[role]
    )
    assignment_name = pulumi.Output.all(scope, principal_id, role_definition_id).apply(
        lambda parts: assignment_guid(*(str(part) for part in parts))
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


def assign_roles(
    component: str,
    assignments: Sequence[RoleAssignment],
    *,
    scope: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> dict[str, authorization.RoleAssignment]:
    """The caller's role assignments on a component's own resource, each named `<component>-<key>`, by key."""
    return {
        assignment.key: assign_role(
            f"{component}-{assignment.key}",
            role=assignment.role,
            scope=scope,
            principal_id=assignment.principal_id,
            principal_type=assignment.principal_type,
            subscription_id=subscription_id,
            parent=parent,
        )
        for assignment in assignments
    }
