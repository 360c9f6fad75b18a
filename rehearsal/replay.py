"""Replaying a delivery over the plan's view: each stage's steps in order, `pulumi up` in the engine's order.

The engine creates a resource once everything it waits for exists (`PlanView.waits_for`: its parent, its explicit
`depends_on`, the resources whose outputs feed its inputs, a component dependency standing for its children), and
runs everything else in parallel (https://www.pulumi.com/docs/iac/concepts/resources/options/dependson/). So the
worst legal interleaving is the one to rehearse: when an operation runs, exactly what it waits for, transitively,
is sure to exist (`PlanView.prerequisites`), and nothing else may. Before the stage starts, its agent exists: on
the pool, the pool and everything it needs (its subnet, the VNet) exist already, since the stage runs on it.

Each network path an operation needs is checked against the reachability model (`reachability.model.routes`): a
path counts only when every resource it runs through exists at that moment. A failure names the operation, what it
cannot reach, what does not exist yet, and the dependency that would make it wait.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from preview.view import PlanView, Registration, ResourceType
from reachability.check import fix as reachability_fix
from reachability.factory import pipeline_uses, pipelines
from reachability.model import (
    Edge,
    Node,
    NodeKind,
    Route,
    managed_path,
    node_of,
    nodes,
    private_path,
    public_path,
    routes,
)
from rehearsal.operations import Need, Operation, deploy_operations
from rehearsal.stages import AgentLocation, Stage, Step
from stack.private_dns import GroupId

PRIVATE_ENDPOINT_COMPONENT = "data-platform:network:PrivateEndpoint"
"""A data plane's private endpoint with its zone group (components/private_endpoint.py): what callers depend on."""
WIDTH = 118


@dataclass(frozen=True)
class Blocked:
    """An operation that cannot reach what it needs when it runs."""

    stage: str
    operation: str
    by: str
    """The planned resource (or the step) that does it."""
    conversation: str
    """`<caller> -> <target> (<group id>)`."""
    missing: str
    """What does not exist yet when it runs, or why no path exists at all."""
    fix: str

    def __str__(self) -> str:
        return (
            f"{self.stage}: {self.operation} ({self.by}) cannot reach {self.conversation} when it runs: "
            f"{self.missing}. Fix: {self.fix}"
        )


@dataclass(frozen=True)
class Rehearsal:
    """The replayed sequence, line by line, and every operation that could not reach what it needed."""

    lines: tuple[str, ...]
    blocked: tuple[Blocked, ...]


def _label(reg: Registration, view: PlanView) -> str:
    return view.own_name(reg) or reg.name


def _agent(stage: Stage, view: PlanView) -> Node:
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    if stage.agent is AgentLocation.POOL:
        return Node(NodeKind.AGENT, f"pool agent {_label(pool, view)}" if pool else "pool agent", pool)
    return Node(NodeKind.AGENT, "Microsoft-hosted agent", None)


def _present_before(stage: Stage, view: PlanView) -> set[str]:
    """What exists before the stage starts: on the pool, the pool and what it needs."""
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    if stage.agent is not AgentLocation.POOL or pool is None:
        return set()
    return {pool.urn, *(reg.urn for reg in view.prerequisites(pool))}


def _edge(need: Need, agent: Node, view: PlanView) -> Edge | None:
    target = node_of(need.target, view)
    caller = agent if need.caller is NodeKind.AGENT else node_of(need.caller_reg, view) if need.caller_reg else None
    if target is None or caller is None:
        return None
    return Edge(caller, target, need.group_id, need.why)


def _conversation(edge: Edge) -> str:
    caller = edge.caller.name if edge.caller.kind is NodeKind.AGENT else f"{edge.caller.kind} {edge.caller.name}"
    runtime = f" on {edge.runtime.name}" if edge.runtime is not None else ""
    return f"{caller}{runtime} -> {edge.target.kind} {edge.target.name} ({edge.group_id})"


def _through(route: Route) -> str:
    shown = [part.name for part in route.parts[1:] if part.type != ResourceType.SUBNET]
    return route.kind + (f" ({', '.join(shown)})" if shown else "")


def _covered(reg: Registration, view: PlanView) -> set[str]:
    """What depending on `reg` makes sure exists: it (its custom descendants, for a component) and their
    prerequisites."""
    custom = [reg] if reg.custom else [child for child in view.descendants(reg) if child.custom]
    return {urn for item in custom for urn in (item.urn, *(dep.urn for dep in view.prerequisites(item)))}


def _dependencies_to_add(missing: Sequence[Registration], view: PlanView) -> list[Registration]:
    """The fewest planned resources whose dependency makes every missing part exist: a private endpoint's component
    for its endpoint and zone group, else the part itself; none that another already covers."""
    chosen: list[Registration] = []
    for part in missing:
        parent = view.parent(part)
        wanted = parent if parent is not None and parent.type == PRIVATE_ENDPOINT_COMPONENT else part
        if wanted not in chosen:
            chosen.append(wanted)
    return [reg for reg in chosen if not any(reg.urn in _covered(other, view) for other in chosen if other is not reg)]


def _no_route_reasons(edge: Edge, view: PlanView) -> str:
    reasons = [why for ok, why in (public_path(edge.target, view), private_path(edge, view)) if not ok and why]
    ok, why = managed_path(edge, view)
    if not ok and why:
        reasons.append(why)
    return "; ".join(reasons) or "no allowed path"


def _no_route_fix(edge: Edge, stage: Stage, view: PlanView) -> str:
    if edge.caller.kind is NodeKind.AGENT and stage.agent is AgentLocation.MICROSOFT_HOSTED:
        pooled = Edge(_agent_on_pool(view), edge.target, edge.group_id, edge.purpose)
        if routes(pooled, view):
            return f"run stage {stage.name} on the stack's agent pool, inside the VNet"
    return reachability_fix(edge)


def _agent_on_pool(view: PlanView) -> Node:
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    return Node(NodeKind.AGENT, "pool agent", pool)


@dataclass(frozen=True)
class _Verdict:
    line: str
    blocked: Blocked | None


def _judge(
    stage: Stage, operation: str, by: str, edge: Edge, view: PlanView, existing: set[str] | None, waits: str
) -> _Verdict:
    """Whether the conversation has a path made only of what exists (None: everything exists)."""
    found = routes(edge, view)
    conversation = _conversation(edge)
    if not found:
        reasons = _no_route_reasons(edge, view)
        fix = _no_route_fix(edge, stage, view)
        blocked = Blocked(stage.name, operation, by, conversation, f"there is no path at all ({reasons})", fix)
        return _Verdict(f"FAIL {conversation}: no path ({reasons})", blocked)
    for route in found:
        if existing is None or all(part.urn in existing for part in route.parts):
            return _Verdict(f"ok   {conversation} through {_through(route)}", None)
    assert existing is not None
    best = min(found, key=lambda route: sum(part.urn not in existing for part in route.parts))
    missing = [part for part in best.parts if part.urn not in existing]
    names = ", ".join(part.name for part in missing)
    add = ", ".join(reg.name for reg in _dependencies_to_add(missing, view))
    text = f"{names} may not exist yet ({waits})"
    blocked = Blocked(stage.name, operation, by, conversation, text, f"make {by} depend on {add}")
    return _Verdict(f"FAIL {conversation}: {names} may not exist yet", blocked)


def _wrapped(prefix: str, names: Iterable[str]) -> list[str]:
    return textwrap.wrap(", ".join(names), WIDTH, initial_indent=prefix, subsequent_indent=" " * len(prefix))


def _pulumi_up(stage: Stage, view: PlanView, agent: Node) -> tuple[list[str], list[Blocked]]:
    operations = deploy_operations(view)
    before = _present_before(stage, view)
    waves = view.waves()
    lines = [
        f"  {Step.PULUMI_UP}: {len(view.registrations)} resources in {len(waves)} waves; each resource is created "
        "once what it waits for exists, in parallel with everything else"
    ]
    if before:
        lines.append(f"    before it: {len(before)} resources exist already, the agent's pool and what it needs")
    blocked: list[Blocked] = []
    for number, wave in enumerate(waves, start=1):
        lines += _wrapped(f"    wave {number}: ", [reg.name for reg in wave])
        for reg in wave:
            operation = operations.get(reg.urn)
            if operation is None:
                continue
            lines += _operation_lines(stage, operation, view, agent, before, blocked)
    if not any(op.what == "the code publish" for op in operations.values()) and view.of_type(ResourceType.WEB_APP):
        lines.append(
            "    the code publish is not in this plan (no package at functionApp.packagePath): `python -m ops "
            "rehearse` plans with a stand-in package to rehearse it"
        )
    return lines, blocked


def _operation_lines(
    stage: Stage, operation: Operation, view: PlanView, agent: Node, before: set[str], blocked: list[Blocked]
) -> list[str]:
    reg = operation.reg
    if not operation.needs:
        return [f"      {operation.what} ({reg.name}): ARM only, no network path"]
    existing = before | {reg.urn} | {dep.urn for dep in view.prerequisites(reg)}
    waits = f"{reg.name} waits only for its {len(existing - before) - 1} prerequisites"
    lines = [f"      {operation.what} ({reg.name}):"]
    for need in operation.needs:
        edge = _edge(need, agent, view)
        if edge is None:
            continue
        verdict = _judge(stage, operation.what, reg.name, edge, view, existing, waits)
        lines.append(f"        {verdict.line}")
        if verdict.blocked is not None:
            blocked.append(verdict.blocked)
    return lines


def _sql_apply(stage: Stage, view: PlanView, agent: Node) -> tuple[list[str], list[Blocked]]:
    server = nodes(view).get(NodeKind.SQL)
    if server is None or server.reg is None:
        return [f"  {Step.SQL_APPLY}: no SQL server in this plan"], []
    need = Need(NodeKind.AGENT, None, server.reg, GroupId.SQL_SERVER, "the versioned SQL scripts")
    edge = _edge(need, agent, view)
    assert edge is not None
    verdict = _judge(stage, "the SQL scripts", str(Step.SQL_APPLY), edge, view, None, "")
    return [f"  {Step.SQL_APPLY}: {verdict.line}"], [verdict.blocked] if verdict.blocked else []


def _first_runs(view: PlanView) -> tuple[list[str], list[Blocked]]:
    factory = nodes(view).get(NodeKind.FACTORY)
    if factory is None:
        return [], []
    lines = ["first run of each pipeline, on the runtime each connection runs on:"]
    blocked: list[Blocked] = []
    stage = Stage("first runs", "", AgentLocation.MICROSOFT_HOSTED, ())
    for pipeline in pipelines(view):
        name = _label(pipeline, view)
        lines.append(f"  {name}:")
        seen: set[tuple[str, str, str]] = set()
        for use in pipeline_uses(view, pipeline):
            target = node_of(use.target.reg, view)
            key = (use.runtime.name, use.target.reg.urn, use.target.group_id)
            if target is None or key in seen:
                continue
            seen.add(key)
            edge = Edge(factory, target, use.target.group_id, use.reason, use.runtime)
            verdict = _judge(stage, f"the first run of {name}", use.reason, edge, view, None, "")
            lines.append(f"    {verdict.line}")
            if verdict.blocked is not None:
                blocked.append(verdict.blocked)
    return lines, blocked


def rehearse(view: PlanView, stages: Sequence[Stage]) -> Rehearsal:
    """Replay the stages over the plan, then each pipeline's first run; every line, and every blocked operation."""
    lines: list[str] = []
    blocked: list[Blocked] = []
    for stage in stages:
        agent = _agent(stage, view)
        lines.append(f"stage {stage.name} (stack {stage.stack}) on {agent.name}")
        if stage.agent is AgentLocation.POOL and agent.reg is None:
            lines.append("  the stage runs on a pool, but this plan has none: its private paths cannot be rehearsed")
        for step in stage.steps:
            if step is Step.PULUMI_UP:
                step_lines, step_blocked = _pulumi_up(stage, view, agent)
            elif step is Step.SQL_APPLY:
                step_lines, step_blocked = _sql_apply(stage, view, agent)
            else:
                step_lines, step_blocked = [f"  {step}: ARM only, no network path"], []
            lines += step_lines
            blocked += step_blocked
    run_lines, run_blocked = _first_runs(view)
    return Rehearsal(tuple(lines + run_lines), tuple(blocked + run_blocked))
