"""Hand-made registrations and small plan views, for tests of the checks that need no whole-program plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from preview.mocks import MOCK_SUBSCRIPTION_ID, Registration
from preview.resource_types import ResourceType
from preview.view import PlanView
from stack.config import PlatformConfig

STACK = "t"
RESOURCE_GROUP = "rg"
"""The resource group the offline ARM ids of hand-made resources use (`preview.mocks.arm_id`'s default)."""
PROVIDERS = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers"
"""The start of the ARM id of every hand-made resource in that group."""


def urn(type_token: str, logical: str) -> str:
    return f"urn:pulumi:{STACK}::p::{type_token}::{logical}"


def reg(
    type_token: str,
    logical: str,
    *,
    parent: Registration | None = None,
    depends_on: Iterable[Registration] = (),
    feeds: dict[str, list[Registration]] | None = None,
    custom: bool = True,
    protect: bool = False,
    **inputs: Any,
) -> Registration:
    """A registration as the engine records it: `depends_on` are explicit dependencies, `feeds` the resources
    whose outputs feed each input (they are dependencies too, as the SDK sends them)."""
    feeding = {key: sorted(dep.urn for dep in deps) for key, deps in (feeds or {}).items()}
    dependencies = {dep.urn for dep in depends_on} | {u for urns in feeding.values() for u in urns}
    return Registration(
        urn=urn(type_token, logical),
        type=type_token,
        name=logical,
        custom=custom,
        parent=parent.urn if parent else None,
        depends_on=sorted(dependencies),
        protect=protect,
        inputs=inputs,
        property_dependencies=feeding,
    )


def component(logical: str, *, parent: Registration | None = None, **kwargs: Any) -> Registration:
    return reg("data-platform:test:Component", logical, parent=parent, custom=False, **kwargs)


def view_of(*regs: Registration, config: PlatformConfig | None = None) -> PlanView:
    return PlanView.of_registrations(regs, config=config)


def approved_managed_endpoint(target_id: str, group_id: str, name: str, factory: str = "adf-x") -> list[Registration]:
    """The factory's managed private endpoint (logical name `mpe`, Azure name `name`) to a target's sub-resource,
    and the program's approval of it on the target (components/endpoint_approval.py), which waits for it."""
    endpoint = reg(
        ResourceType.MANAGED_PRIVATE_ENDPOINT,
        "mpe",
        factoryName=factory,
        managedVirtualNetworkName="default",
        managedPrivateEndpointName=name,
        properties={"privateLinkResourceId": target_id, "groupId": group_id},
    )
    approval = reg(
        ResourceType.DYNAMIC,
        "approval",
        depends_on=[endpoint],
        kind="managed-private-endpoint-approval",
        targetResourceId=target_id,
    )
    return [endpoint, approval]
