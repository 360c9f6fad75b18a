"""Which resources in the plan a CanNotDelete lock keeps from being deleted.

A lock is inherited by every child and extension resource of what it locks: diagnostic
settings, the lifecycle management policy, role assignments, Event Grid subscriptions
(which ADF creates for storage event triggers) and, through ARM, secrets and containers
(https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources#lock-inheritance).
Creating and updating them still works, so a plan cannot break this rule by itself: only
removing such a resource from the program (or replacing it) fails, with ScopeLocked. The
check therefore warns and names them; deployability/README.md says how such a change is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from preview.view import PlanView, Registration, ResourceType, get, known_str

# Where a resource names what it belongs to: extension resources by an ARM id, ADF event triggers by the
# storage account they subscribe to (ADF creates an Event Grid subscription on it).
_PARENT_ID_INPUTS = ("scope", "resourceUri")


@dataclass(frozen=True)
class LockedChildren:
    lock: Registration
    scope: str
    children: list[Registration]

    def __str__(self) -> str:
        names = ", ".join(f"{child.name} ({_what(child)})" for child in self.children)
        return (
            f"lock '{self.lock.name}' ({self.lock.inputs.get('level')} on {self.scope}) also keeps "
            f"{len(self.children)} child/extension resource(s) from being deleted: {names}; removing one from the "
            "program fails with ScopeLocked until the lock is removed first (deployability/README.md)"
        )


def _what(reg: Registration) -> str:
    kind = reg.type.removeprefix("azure-native:")
    return kind + ": its Event Grid subscription" if reg.type == ResourceType.TRIGGER else kind


def _points_into(view: PlanView, reg: Registration, scope: str) -> bool:
    refs = [reg.inputs.get(key) for key in _PARENT_ID_INPUTS]
    refs.append(get(reg.inputs, "properties", "scope") if get(reg.inputs, "properties", "type") else None)
    own = view.arm_id(reg)
    texts = [text.rstrip("/").lower() for text in (known_str(ref) for ref in refs) if text]
    if own and own != scope:
        texts.append(own)
    return any(text == scope or text.startswith(scope + "/") for text in texts)


def locked_children(view: PlanView) -> list[LockedChildren]:
    """For each CanNotDelete or ReadOnly lock in the view, the other resources below its scope."""
    found = []
    for lock in view.of_type(ResourceType.LOCK):
        scope = known_str(lock.inputs.get("scope"))
        if scope is None or lock.inputs.get("level") not in ("CanNotDelete", "ReadOnly"):
            continue
        scope = scope.rstrip("/").lower()
        children = [
            reg
            for reg in view.registrations
            if reg is not lock and reg.custom and reg.type != ResourceType.LOCK and _points_into(view, reg, scope)
        ]
        if children:
            found.append(LockedChildren(lock, scope, sorted(children, key=lambda reg: reg.name)))
    return found
