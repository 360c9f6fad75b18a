"""The role assignment rules fire on a real assignment given a wider scope or a privileged role."""

from __future__ import annotations

import pytest

from preview.mocks import MOCK_SUBSCRIPTION_ID
from preview.plan import Plan
from tests.policy.fixtures import ROLE, edited, only, set_input, violations_of

# Built-in role ids, written out here from https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"


@pytest.mark.parametrize(
    ("scope", "what"),
    [
        (f"/subscriptions/{MOCK_SUBSCRIPTION_ID}", "a whole subscription"),
        ("/", "the tenant root"),
        ("/providers/Microsoft.Management/managementGroups/corp", "a management group"),
    ],
)
def test_role_assignment_scope_fires(dev: Plan, scope: str, what: str) -> None:
    found = only(violations_of(edited(dev, ROLE, set_input("scope", value=scope)), "dev", "role-assignment-scope"))
    assert found.message == (
        f"role assignment '{ROLE}': scope {scope!r} is {what}; scope it to a resource group or a resource"
    )


@pytest.mark.parametrize(("role_guid", "role"), [(OWNER, "Owner"), (CONTRIBUTOR, "Contributor")])
def test_privileged_role_for_a_workload_fires(dev: Plan, role_guid: str, role: str) -> None:
    role_id = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"
    regs = edited(dev, ROLE, set_input("roleDefinitionId", value=role_id))
    found = only(violations_of(regs, "dev", "role-assignment-no-privileged-workloads"))
    assert found.message == (
        f"role assignment '{ROLE}' grants {role} to a workload identity (principalType ServicePrincipal); "
        "grant the narrowest data-plane or built-in role the workload needs"
    )


def test_privileged_role_for_a_user_is_not_a_workload_finding(dev: Plan) -> None:
    role_id = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}"
    regs = edited(dev, ROLE, lambda i: i.update(roleDefinitionId=role_id, principalType="User"))
    assert violations_of(regs, "dev", "role-assignment-no-privileged-workloads") == []
