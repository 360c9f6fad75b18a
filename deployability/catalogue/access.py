"""Role assignments and management locks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from deployability.rule import Finding, Rule
from preview.view import PlanView, Registration, ResourceType, known_str
from stack.evidence import Source

PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")
"""What roleAssignments 2022-04-01 (the API version azure-native's RoleAssignment sends) takes as principalType."""
TEMPLATE_PAGE = "https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments"


def _principal_type(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        kind = reg.inputs.get("principalType")
        principal = reg.inputs.get("principalId")
        owner = view.workload_principal(principal)
        if kind not in PRINCIPAL_TYPES:
            yield reg, f"principalType is {kind!r}; it must be one of {', '.join(PRINCIPAL_TYPES)}"
        elif owner is not None and kind != "ServicePrincipal":
            yield reg, f"principal is the managed identity of '{owner.name}' but principalType is {kind!r}"
        elif (
            principal == view.deployer_object_id
            and view.deployer_principal_type
            and kind != view.deployer_principal_type
        ):
            yield (
                reg,
                f"principal is the deployer (deployerPrincipalType {view.deployer_principal_type}) but "
                + (f"principalType is {kind!r}"),
            )


_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _assignment_names(view: PlanView) -> Iterator[Finding]:
    seen: dict[str, Registration] = {}
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        name = known_str(reg.inputs.get("roleAssignmentName"))
        if name is None:
            continue
        if not _GUID.match(name):
            yield reg, f"roleAssignmentName {name!r} is not a GUID"
        elif name.lower() in seen:
            yield reg, f"roleAssignmentName {name} is also the name of '{seen[name.lower()].name}'"
        else:
            seen[name.lower()] = reg


def _grant_once(view: PlanView) -> Iterator[Finding]:
    seen: dict[tuple[str, ...], Registration] = {}
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        parts = [known_str(reg.inputs.get(k)) for k in ("scope", "principalId", "roleDefinitionId")]
        if not all(parts):
            continue
        key = tuple(str(part).rstrip("/").lower() for part in parts)
        if key in seen:
            yield reg, f"assigns the same role to the same principal on the same scope as '{seen[key].name}'"
        else:
            seen[key] = reg


ROLE_DESCRIPTION_MAX = 2048


def _assignment_description(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.ROLE_ASSIGNMENT):
        text = known_str(reg.inputs.get("description"))
        if text and len(text) > ROLE_DESCRIPTION_MAX:
            yield reg, f"description is {len(text)} characters; Azure allows {ROLE_DESCRIPTION_MAX}"


LOCK_NOTES_MAX = 512
LOCKS_PER_SCOPE = 20


def _locks(view: PlanView) -> Iterator[Finding]:
    per_scope: dict[str, list[Registration]] = {}
    for reg in view.of_type(ResourceType.LOCK):
        notes = known_str(reg.inputs.get("notes"))
        if notes and len(notes) > LOCK_NOTES_MAX:
            yield reg, f"notes are {len(notes)} characters; Azure allows {LOCK_NOTES_MAX}"
        scope = known_str(reg.inputs.get("scope"))
        if scope:
            per_scope.setdefault(scope.rstrip("/").lower(), []).append(reg)
    for locks in per_scope.values():
        for reg in locks[LOCKS_PER_SCOPE:]:
            yield reg, f"{len(locks)} locks on one scope; Azure allows {LOCKS_PER_SCOPE}"


LIMITS_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits"

RULES: tuple[Rule, ...] = (
    Rule(
        name="role-assignment-principal-type",
        types=(ResourceType.ROLE_ASSIGNMENT,),
        reason="The SDK sends principalType User when it is unset, and ARM refuses a type that does not match the "
        "principal (400 UnmatchedPrincipalType); a managed identity is a ServicePrincipal.",
        fix="Pass principal_type explicitly: ServicePrincipal for managed identities and the pipeline's identity "
        "(config deployerPrincipalType, or detected), User or Group otherwise.",
        sources=(
            Source(
                "https://github.com/Azure/azure-rest-api-specs/issues/21664",
                "the 2022-04-01 role assignment API defaults principalType to User",
            ),
            Source(
                "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal",
                "set principalType to ServicePrincipal for a service principal or managed identity",
            ),
            Source(TEMPLATE_PAGE, "principalType (2022-04-01): Device, ForeignGroup, Group, ServicePrincipal or User"),
        ),
        check=_principal_type,
    ),
    Rule(
        name="role-assignment-name-unique-guid",
        types=(ResourceType.ROLE_ASSIGNMENT,),
        reason="A role assignment name must be a GUID, unique within the tenant; a reused name fails.",
        fix="Name assignments with a GUID seeded with scope, principal and role (components.roles.assignment_guid, "
        "like Bicep's guid(scope, principalId, roleDefinitionId)).",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/role-based-access-control/role-assignments#name",
                "the name is a GUID, unique in the Microsoft Entra tenant, even at a narrower scope",
            ),
        ),
        check=_assignment_names,
    ),
    Rule(
        name="role-assignment-grant-once",
        types=(ResourceType.ROLE_ASSIGNMENT,),
        reason="The same role for the same principal on the same scope exists once; a second is refused with "
        "409 RoleAssignmentExists.",
        fix="Assign each (scope, principal, role) once.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting",
                "RoleAssignmentExists: the role assignment already exists",
            ),
        ),
        check=_grant_once,
    ),
    Rule(
        name="role-assignment-description-length",
        types=(ResourceType.ROLE_ASSIGNMENT,),
        reason="A role assignment's description holds at most 2,048 characters.",
        fix="Shorten the description.",
        sources=(Source(LIMITS_PAGE, "Azure RBAC: role assignment description 512 recommended, 2,048 maximum"),),
        check=_assignment_description,
    ),
    Rule(
        name="management-lock-limits",
        types=(ResourceType.LOCK,),
        reason="A lock's notes hold at most 512 characters, and one scope takes at most 20 locks.",
        fix="Shorten the notes; lock each scope once (components/protection.py).",
        sources=(
            Source(LIMITS_PAGE, "management locks per unique scope: 20"),
            Source(
                "https://learn.microsoft.com/rest/api/resources/management-locks/create-or-update-by-scope",
                "notes: notes about the lock, at most 512 characters",
            ),
        ),
        check=_locks,
    ),
)
