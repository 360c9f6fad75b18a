"""Role assignments and locks, detail by detail, on hand-made registrations: every principal kind ARM takes, names
and ids compared as ARM compares them (without regard to case or a trailing slash), and each limit at its bound."""

from __future__ import annotations

from typing import Any

import pytest

from deployability import RULES, evaluate
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, identity_principal_id
from preview.view import PlanView, ResourceType
from tests.support.catalogue import fired
from tests.support.registrations import STACK, reg
from tests.support.stack_config import stack_config

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


FACTORY_PRINCIPAL = identity_principal_id(STACK, ResourceType.FACTORY, "factory")
FACTORY = reg(ResourceType.FACTORY, "factory", factoryName="adf-1", identity={"type": "SystemAssigned"})


@pytest.mark.parametrize("kind", ["User", "Group", "ForeignGroup", "Device"])
@pytest.mark.parametrize("principal", [FACTORY_PRINCIPAL, FACTORY_PRINCIPAL.upper()])
def test_a_managed_identity_sent_as_anything_but_a_service_principal_fires(kind: str, principal: str) -> None:
    regs = [FACTORY, assignment(principalId=principal, principalType=kind)]
    assert fired(regs, "role-assignment-principal-type") == [
        f"principal is the managed identity of 'factory' but principalType is {kind!r}"
    ]


def test_a_managed_identity_sent_as_a_service_principal_is_quiet() -> None:
    regs = [FACTORY, assignment(principalId=FACTORY_PRINCIPAL, principalType="ServicePrincipal")]
    assert fired(regs, "role-assignment-principal-type") == []


def principal_type_details(configured: str | None, kind: str) -> list[str]:
    config = stack_config("dev", **{"data-platform:deployerPrincipalType": configured})
    view = PlanView.of_registrations(
        [assignment(principalId=MOCK_DEPLOYER_OBJECT_ID, principalType=kind)], config=config
    )
    rule = next(rule for rule in RULES if rule.name == "role-assignment-principal-type")
    return [violation.detail for violation in evaluate(view, [rule])]


@pytest.mark.parametrize("configured", ["User", "Group", "ServicePrincipal"])
def test_the_deployer_is_sent_as_its_configured_type(configured: str) -> None:
    assert principal_type_details(configured, configured) == []
    other = "User" if configured != "User" else "ServicePrincipal"
    assert principal_type_details(configured, other) == [
        f"principal is the deployer (deployerPrincipalType {configured}) but principalType is {other!r}"
    ]


@pytest.mark.parametrize("kind", ["User", "Group", "ServicePrincipal"])
def test_a_deployer_type_left_to_detection_is_not_judged(kind: str) -> None:
    assert principal_type_details(None, kind) == []


GUID = "0f1e2d3c-4b5a-4697-8877-665544332211"


@pytest.mark.parametrize("name", [GUID, GUID.upper()])
def test_a_guid_in_either_case_is_a_role_assignment_name(name: str) -> None:
    assert fired([assignment(roleAssignmentName=name)], "role-assignment-name-unique-guid") == []


@pytest.mark.parametrize("name", ["grant-1", GUID[:-1], GUID + "0", "{" + GUID + "}", GUID.replace("-", "")])
def test_a_name_that_is_not_a_guid_fires(name: str) -> None:
    assert fired([assignment(roleAssignmentName=name)], "role-assignment-name-unique-guid") == [
        f"roleAssignmentName {name!r} is not a GUID"
    ]


@pytest.mark.parametrize(("first", "second"), [(GUID, GUID), (GUID, GUID.upper()), (GUID.upper(), GUID)])
def test_a_guid_used_twice_in_any_case_fires_once(first: str, second: str) -> None:
    regs = [
        assignment("a", roleAssignmentName=first, principalId="p-1"),
        assignment("b", roleAssignmentName=second, principalId="p-2"),
    ]
    assert fired(regs, "role-assignment-name-unique-guid") == [f"roleAssignmentName {second} is also the name of 'a'"]


def test_three_different_guids_are_quiet() -> None:
    names = [GUID, GUID.replace("0f1e", "1f1e"), GUID.replace("0f1e", "2f1e")]
    regs = [assignment(f"g{i}", roleAssignmentName=name) for i, name in enumerate(names)]
    assert fired(regs, "role-assignment-name-unique-guid") == []


@pytest.mark.parametrize(
    "second",
    [
        {"scope": SCOPE.upper()},
        {"scope": SCOPE + "/"},
        {"principalId": PRINCIPAL.upper()},
        {"roleDefinitionId": ROLE.upper()},
        {"roleDefinitionId": ROLE + "/"},
    ],
)
def test_the_same_grant_written_differently_fires(second: dict[str, str]) -> None:
    regs = [assignment("a"), assignment("b", roleAssignmentName=GUID.replace("0f1e", "1f1e"), **second)]
    assert fired(regs, "role-assignment-grant-once") == [
        "assigns the same role to the same principal on the same scope as 'a'"
    ]


@pytest.mark.parametrize(
    "second",
    [
        {"scope": SCOPE + "2"},
        {"principalId": PRINCIPAL[:-1] + "1"},
        {"roleDefinitionId": ROLE[:-1] + "f"},
    ],
)
def test_another_scope_principal_or_role_is_another_grant(second: dict[str, str]) -> None:
    regs = [assignment("a"), assignment("b", **second)]
    assert fired(regs, "role-assignment-grant-once") == []


@pytest.mark.parametrize("missing", ["scope", "principalId", "roleDefinitionId"])
def test_a_grant_with_a_part_not_known_is_not_compared(missing: str) -> None:
    regs = [assignment("a", **{missing: None}), assignment("b", **{missing: None})]
    assert fired(regs, "role-assignment-grant-once") == []


@pytest.mark.parametrize(("length", "fires"), [(2047, False), (2048, False), (2049, True)])
def test_a_description_holds_2048_characters(length: int, fires: bool) -> None:
    found = fired([assignment(description="d" * length)], "role-assignment-description-length")
    assert found == ([f"description is {length} characters; Azure allows 2048"] if fires else [])


def lock(logical: str, scope: str, **inputs: Any) -> Any:
    return reg(ResourceType.LOCK, logical, lockName=logical, scope=scope, level="CanNotDelete", **inputs)


@pytest.mark.parametrize(("length", "fires"), [(511, False), (512, False), (513, True)])
def test_lock_notes_hold_512_characters(length: int, fires: bool) -> None:
    found = fired([lock("l", SCOPE, notes="n" * length)], "management-lock-limits")
    assert found == ([f"notes are {length} characters; Azure allows 512"] if fires else [])


def scopes(count: int) -> list[str]:
    """One scope written `count` ways: in other cases and with a trailing slash, as ARM takes it."""
    forms = [SCOPE, SCOPE.upper(), SCOPE + "/", SCOPE.lower() + "/"]
    return [forms[i % len(forms)] for i in range(count)]


def test_twenty_locks_on_one_scope_are_quiet_and_the_21st_fires_however_the_scope_is_written() -> None:
    twenty = [lock(f"l{i}", scope) for i, scope in enumerate(scopes(20))]
    assert fired(twenty, "management-lock-limits") == []
    assert fired([*twenty, lock("l20", SCOPE.upper() + "/")], "management-lock-limits") == [
        "21 locks on one scope; Azure allows 20"
    ]


def test_locks_on_different_scopes_are_counted_apart() -> None:
    regs = [lock(f"l{i}", f"{SCOPE}{i % 2}") for i in range(40)]
    assert fired(regs, "management-lock-limits") == []
