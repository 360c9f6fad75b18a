"""Role assignment names: GUIDs seeded with scope, principal and role, so two deployments never share one."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from preview.plan import Plan

ROLE = "azure-native:authorization:RoleAssignment"


def names(plan: Plan) -> dict[str, str]:
    return {reg.name: reg.inputs["roleAssignmentName"] for reg in plan.by_type(ROLE)}


def test_every_assignment_name_is_a_guid_and_unique(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        found = names(plan)
        assert all(str(uuid.UUID(name)) == name for name in found.values())
        assert len(set(found.values())) == len(found)


def test_a_second_deployment_of_the_same_stack_elsewhere_gets_other_names(
    dev: Plan, plan_with: Callable[..., Plan]
) -> None:
    # Same project, stack and logical names; other resource names, so other scopes.
    elsewhere = names(plan_with("dev", **{"data-platform:prefix": "othercopy"}))
    here = names(dev)
    assert elsewhere.keys() == here.keys()
    assert not set(elsewhere.values()) & set(here.values())


def test_the_same_grant_keeps_its_name_across_plans(dev: Plan, plan_with: Callable[..., Plan]) -> None:
    assert names(plan_with("dev", **{"data-platform:owner": "someone-else"})) == names(dev)
