"""Role assignment rules: never wider than a resource group, never a privileged role for a workload."""

from __future__ import annotations

import re

from policy.rules.view import ROLE_ASSIGNMENT, Report, Resource, Rule
from policy.settings import PolicySettings
from policy.values import is_known
from stack.roles import PRIVILEGED_ROLES, ROLE_IDS

PRIVILEGED_ROLE_IDS = {role_id: name for name, role_id in ROLE_IDS.items() if name in PRIVILEGED_ROLES}
"""Role definition GUID -> name, for the roles no workload identity may hold."""

_RESOURCE_GROUP_SCOPE = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+(/.*)?$", re.IGNORECASE)
_SUBSCRIPTION_SCOPE = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
_MANAGEMENT_GROUP_SCOPE = re.compile(r"^/providers/Microsoft\.Management/managementGroups/", re.IGNORECASE)


def role_assignment_scope(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != ROLE_ASSIGNMENT:
        return
    scope = res.props.get("scope")
    if not isinstance(scope, str) or not is_known(scope) or _RESOURCE_GROUP_SCOPE.match(scope.strip()):
        return
    stripped = scope.strip()
    if stripped in ("", "/"):
        what = "the tenant root"
    elif _SUBSCRIPTION_SCOPE.match(stripped):
        what = "a whole subscription"
    elif _MANAGEMENT_GROUP_SCOPE.match(stripped):
        what = "a management group"
    else:
        what = "not a resource group or a resource"
    report(f"role assignment '{res.name}': scope {scope!r} is {what}; scope it to a resource group or a resource")


def role_assignment_no_privileged_workloads(res: Resource, report: Report, settings: PolicySettings) -> None:
    if res.type != ROLE_ASSIGNMENT:
        return
    role_id = res.props.get("roleDefinitionId")
    principal_type = res.props.get("principalType")
    if not isinstance(role_id, str) or not is_known(role_id):
        return
    role = PRIVILEGED_ROLE_IDS.get(role_id.rstrip("/").rsplit("/", 1)[-1].lower())
    if role is None or principal_type not in (None, "ServicePrincipal"):
        return
    who = "a workload identity (principalType ServicePrincipal)" if principal_type else "a principal of unset type"
    report(
        f"role assignment '{res.name}' grants {role} to {who}; "
        "grant the narrowest data-plane or built-in role the workload needs"
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "role-assignment-scope",
        "Role assignments are scoped to a resource group or a resource, never a subscription or above.",
        "Least privilege: subscription-wide grants reach every other workload in the subscription.",
        "resource",
        role_assignment_scope,
    ),
    Rule(
        "role-assignment-no-privileged-workloads",
        "Workload identities (principalType ServicePrincipal) are never granted Owner, Contributor or User Access "
        "Administrator.",
        "A compromised workload with a control-plane role can change, delete or re-permission the whole platform.",
        "resource",
        role_assignment_no_privileged_workloads,
    ),
)
