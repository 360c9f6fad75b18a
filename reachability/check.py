"""The reachability check over a plan's view: a conversation without an allowed network path is a violation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from preview.view import PlanView
from reachability.model import Edge, NodeKind, edges, managed_path, private_path, public_path, trusted_path
from stack.errors import ViolationsError
from stack.private_dns import ZONE_BY_GROUP_ID


@dataclass(frozen=True)
class Violation:
    """A conversation with no allowed path."""

    edge: Edge
    reason: str
    fix: str

    def __str__(self) -> str:
        e = self.edge
        return (
            f"{e.caller.kind} {e.caller.name} -> {e.target.kind} {e.target.name} ({e.group_id}, {e.purpose}): "
            f"no allowed network path: {self.reason}. To open one: {self.fix}"
        )


class ReachabilityError(ViolationsError):
    """The plan leaves conversations without a network path; lists each with both ends and a fix."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        super().__init__(
            violations,
            "reachability violation(s): these callers could not reach their data planes once deployed "
            "(model and sources: reachability/model.py)",
        )


def fix(edge: Edge) -> str:
    """What would open a path for the conversation."""
    if edge.caller.kind == NodeKind.FACTORY:
        bypass = ", or bypass AzureServices on its firewall" if edge.target.kind != NodeKind.SQL else ""
        runtime = edge.runtime
        move = (
            ""
            if runtime is not None and runtime.managed_vnet
            else f"run the connection on a runtime in the factory's managed virtual network instead of "
            f"{runtime.name if runtime else 'its runtime'} (the linked service's `connectVia`, a data flow "
            "activity's `integrationRuntime`), with "
        )
        return (
            f"{move}a managed private endpoint ({edge.group_id}) from the factory's managed-VNet runtime, approved on "
            f"{edge.target.name}{bypass}"
        )
    where = (
        "VNet-integrate the Function app" if edge.caller.kind == NodeKind.FUNCTION else "run the step on the agent pool"
    )
    return (
        f"a private endpoint to {edge.target.name} ({edge.group_id}) registered in {ZONE_BY_GROUP_ID[edge.group_id]}, "
        f"that zone linked to the VNet, and {where} in that VNet"
    )


def check(view: PlanView) -> list[Violation]:
    """Every conversation of the plan that has no allowed path."""
    violations = []
    for edge in edges(view):
        public, public_why = public_path(edge.target, view)
        if public or trusted_path(edge):
            continue
        private, private_why = private_path(edge, view)
        managed, managed_why = managed_path(edge, view)
        if private or managed:
            continue
        reasons = "; ".join(why for why in (public_why, private_why, managed_why) if why)
        violations.append(Violation(edge, reasons, fix(edge)))
    return violations
