"""Role assignments and locks, detail by detail, on hand-made registrations: every principal kind ARM takes, names
and ids compared as ARM compares them (without regard to case or a trailing slash), and each limit at its bound."""

from __future__ import annotations

from typing import Any

import pytest

from preview.view import ResourceType
from tests.support.catalogue import fired
from tests.support.registrations import reg

SCOPE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1"
ROLE = "/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe"
PRINCIPAL = "9a0c6f7e-1d2b-4c3d-8e4f-5a6b7c8d9e0f"


def assignment(logical: str = "grant", **inputs: Any) -> Any:
    base = {
        "roleAssignmentName": "0f1e2d3c-4b5a-4697-8877-665544332211",
        "scope": SCOPE,
        "principalId": PRINCIPAL,
        "principalType": "Group",
        "roleDefinitionId": ROLE,
    }
    return reg(ResourceType.ROLE_ASSIGNMENT, logical, **{**base, **inputs})


@pytest.mark.parametrize("kind", ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"])
def test_every_principal_type_arm_takes_is_accepted(kind: str) -> None:
    """roleAssignments 2022-04-01 takes Device, ForeignGroup, Group, ServicePrincipal and User
    (https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments)."""
    assert fired([assignment(principalType=kind)], "role-assignment-principal-type") == []


@pytest.mark.parametrize("kind", [None, "MSI", "user", "servicePrincipal", "AgentUser", ""])
def test_another_principal_type_is_refused_naming_the_allowed_ones(kind: Any) -> None:
    assert fired([assignment(principalType=kind)], "role-assignment-principal-type") == [
        f"principalType is {kind!r}; it must be one of User, Group, ServicePrincipal, ForeignGroup, Device"
    ]
