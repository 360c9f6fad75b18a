"""Protection of stateful resources: Pulumi `protect`, `retain_on_delete` and Azure delete locks."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization

from components.shared import Lock


def stateful_options(parent: pulumi.Resource, protect: bool) -> pulumi.ResourceOptions:
    """Options for a resource that holds data.

    `retain_on_delete` keeps the Azure resource (and its data) when it leaves the
    program, for example after a rename; `protect` refuses deletes in the plan. Without
    `protect` the option is left unset, so a caller who protects the whole component
    still protects this child (Pulumi inherits `protect` from the parent).
    """
    return pulumi.ResourceOptions(parent=parent, protect=True if protect else None, retain_on_delete=True)


def apply_lock(
    name: str, lock: Lock | None, *, scope: pulumi.Input[str], what: str, parent: pulumi.Resource
) -> authorization.ManagementLockByScope | None:
    """The caller's lock on one stateful resource, so that even a portal user cannot delete it by mistake."""
    if lock is None:
        return None
    return authorization.ManagementLockByScope(
        name,
        lock_name=lock.name,
        scope=scope,
        level=lock.kind,
        notes=f"Protects the {what}; remove the lock through the stack config, not the portal.",
        opts=pulumi.ResourceOptions(parent=parent),
    )
