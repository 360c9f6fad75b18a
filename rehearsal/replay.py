"""Replaying a delivery over the plan's view: the pipeline's stages in order from empty state, each stage's commands
in order, each `pulumi up` in the engine's order.

What exists grows stage by stage: nothing before the first stage, and everything a stage's `pulumi up` creates
once that stage ends, so a private stack's platform stage finds its foundation (the VNet, the DNS zones and their
links, the pool) in place. A stage runs on its agent: a Microsoft-hosted agent always exists; a pool's agent only
once an earlier stage created the pool, which is how the rehearsal proves a pool is not needed by the deploy that
creates it.

Within a stage's `pulumi up` the engine creates a resource once everything it waits for exists
(`PlanView.waits_for`: its parent, its explicit `depends_on`, the resources whose outputs feed its inputs, a
component dependency standing for its children), and runs everything else in parallel
(https://www.pulumi.com/docs/iac/concepts/resources/options/dependson/). So the worst legal interleaving is the one
to rehearse: when an operation runs, exactly what it waits for, transitively, is sure to exist
(`PlanView.prerequisites`), besides what earlier stages created, and nothing else may.

Each network path an operation needs is checked against the reachability model (`reachability.model.routes`): a
path counts only when every resource it runs through exists at that moment. A failure names the operation, what it
cannot reach, what does not exist yet, and the dependency that would make it wait.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from delivery.stages import PLATFORM_PROJECT_DIR, AgentKind, CommandKind, Stage
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
from stack.foundation import FOUNDATION_DIR_NAME, FOUNDATION_PROJECT
from stack.private_dns import GroupId

PRIVATE_ENDPOINT_COMPONENT = "data-platform:network:PrivateEndpoint"
"""A data plane's private endpoint with its zone group (components/private_endpoint.py): what callers depend on."""
SUCCEEDED = "succeeded()"
"""The condition of a step on the path the rehearsal replays; others (`failed()`) run only after a failure."""
HOSTED_AGENT = "Microsoft-hosted agent"
FIRST_RUNS = "first runs"
WIDTH = 118

ARM_ONLY: dict[CommandKind, str] = {
    CommandKind.TRANSITIONS: "offline, no Azure call; it runs once a run has deployed the stack, so not from empty "
    "state",
    CommandKind.PULUMI_PREVIEW: "ARM and the state backend only, no network path to a data plane",
    CommandKind.REGISTER_PROVIDERS: "ARM only, no network path",
    CommandKind.TRIGGERS_STOP: "ARM only, no network path (on a first deployment there is no factory yet: nothing "
    "to stop)",
    CommandKind.TRIGGERS_START: "ARM only, no network path",
    CommandKind.TRIGGERS_RESTORE: "ARM only, no network path",
}
"""The commands that call ARM (or the state backend) only, or nothing: docs/networking.md, "The deploy path"."""


@dataclass(frozen=True)
class Blocked:
    """An operation that cannot reach what it needs when it runs, or a stage whose agent does not exist yet."""

    stage: str
    operation: str
    by: str
    """The planned resource (or the step, or the stage) that does it."""
    conversation: str
    """`<caller> -> <target> (<group id>)`, or the agent the stage runs on."""
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


@dataclass
class _Replay:
    """What the replay has found so far, and what exists at this point of the sequence."""

    view: PlanView
    stages: Sequence[Stage]
    existing: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)

    def add(self, line: str, blocked: Blocked | None = None) -> None:
        self.lines.append(line)
        if blocked is not None:
            self.blocked.append(blocked)


def _label(reg: Registration, view: PlanView) -> str:
    return view.own_name(reg) or reg.name


def project_of(reg: Registration) -> str:
    """`urn:pulumi:<stack>::<project>::...` -> `<project>`."""
    return reg.urn.split("::", 2)[1]


def works_on(stage: Stage, reg: Registration) -> bool:
    """Whether the stage's Pulumi project is the one that registers `reg`: the foundation's or the platform's."""
    return (project_of(reg) == FOUNDATION_PROJECT) == (stage.project_dir == FOUNDATION_DIR_NAME)


def _project_label(stage: Stage) -> str:
    return "the platform" if stage.project_dir == PLATFORM_PROJECT_DIR else f"{stage.project_dir}/"


def _pool_named(name: str, view: PlanView) -> Registration | None:
    return next(iter(view.named(ResourceType.AGENT_POOL, name)), None)


def _agent_on_pool(view: PlanView) -> Node:
    pool = next(iter(view.of_type(ResourceType.AGENT_POOL)), None)
    return Node(NodeKind.AGENT, "pool agent", pool)


def _creator(reg: Registration, replay: _Replay) -> Stage | None:
    """The stage whose `pulumi up` creates `reg`."""
    return next(
        (
            stage
            for stage in replay.stages
            if works_on(stage, reg) and any(command.kind is CommandKind.PULUMI_UP for command in stage.commands)
        ),
        None,
    )


def _place_agent(stage: Stage, replay: _Replay) -> Node | None:
    """The stage's agent, or None (and why, blocked) when it does not exist when the stage starts."""
    view = replay.view
    if stage.agent.kind is AgentKind.HOSTED:
        replay.add("  its agent: on the internet, in no VNet; it always exists")
        return Node(NodeKind.AGENT, HOSTED_AGENT, None)
    name = stage.agent.name
    pool = _pool_named(name, view)
    agent = f"pool agent {name}"
    if pool is None:
        planned = [_label(reg, view) for reg in view.of_type(ResourceType.AGENT_POOL)]
        fix = (
            f"run stage {stage.name} on the pool the stack's foundation creates: {', '.join(planned)}"
            if planned
            else f"create pool {name} in the stack's foundation, deployed before stage {stage.name}"
        )
        why = f"no planned resource is a pool named {name}"
        replay.add(f"  FAIL its agent: {why}", Blocked(stage.name, "the stage's agent", stage.name, agent, why, fix))
        return None
    if pool.urn not in replay.existing:
        creator = _creator(pool, replay)
        why = f"pool {name} does not exist yet: no earlier stage created it"
        if creator is None:
            fix = f"deploy the project that creates pool {name} before stage {stage.name}"
        elif creator is stage:
            fix = (
                f"stage {stage.name}'s own `pulumi up` creates pool {name}: deploy the pool first, from a "
                "Microsoft-hosted agent (ARM calls only), in a stage before it"
            )
        else:
            fix = f"run stage {stage.name} after stage {creator.name}, whose `pulumi up` creates the pool"
        replay.add(f"  FAIL its agent: {why}", Blocked(stage.name, "the stage's agent", stage.name, agent, why, fix))
        return None
    creator = _creator(pool, replay)
    made = f", created by stage {creator.name}" if creator is not None else ""
    replay.add(f"  its agent: in the pool's subnet of the VNet; pool {name} exists{made}")
    return Node(NodeKind.AGENT, agent, pool)


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


def _no_route_fix(edge: Edge, stage: str, hosted: bool, view: PlanView) -> str:
    if edge.caller.kind is NodeKind.AGENT and hosted:
        pooled = Edge(_agent_on_pool(view), edge.target, edge.group_id, edge.purpose)
        if routes(pooled, view):
            return f"run stage {stage} on the stack's agent pool, inside the VNet"
    return reachability_fix(edge)


@dataclass(frozen=True)
class _Verdict:
    line: str
    blocked: Blocked | None


@dataclass(frozen=True)
class _Call:
    """Who makes a call, and when: the stage, the operation, what does it, and what exists then."""

    stage: str
    hosted: bool
    """Whether the stage runs on a Microsoft-hosted agent."""
    operation: str
    by: str
    existing: frozenset[str] | None
    """What exists when it runs; None: everything planned."""
    waits: str = ""
    """What the resource that makes the call waits for, said when something may be missing."""


def _judge(call: _Call, edge: Edge, view: PlanView) -> _Verdict:
    """Whether the conversation has a path made only of what exists when the call is made."""
    found = routes(edge, view)
    conversation = _conversation(edge)
    if not found:
        reasons = _no_route_reasons(edge, view)
        fix = _no_route_fix(edge, call.stage, call.hosted, view)
        missing = f"there is no path at all ({reasons})"
        blocked = Blocked(call.stage, call.operation, call.by, conversation, missing, fix)
        return _Verdict(f"FAIL {conversation}: no path ({reasons})", blocked)
    existing = call.existing
    for route in found:
        if existing is None or all(part.urn in existing for part in route.parts):
            return _Verdict(f"ok   {conversation} through {_through(route)}", None)
    assert existing is not None
    best = min(found, key=lambda route: sum(part.urn not in existing for part in route.parts))
    missing_parts = [part for part in best.parts if part.urn not in existing]
    names = ", ".join(part.name for part in missing_parts)
    add = ", ".join(reg.name for reg in _dependencies_to_add(missing_parts, view))
    text = f"{names} may not exist yet ({call.waits})" if call.waits else f"{names} may not exist yet"
    blocked = Blocked(call.stage, call.operation, call.by, conversation, text, f"make {call.by} depend on {add}")
    return _Verdict(f"FAIL {conversation}: {names} may not exist yet", blocked)


def _wrapped(prefix: str, names: Iterable[str]) -> list[str]:
    return textwrap.wrap(", ".join(names), WIDTH, initial_indent=prefix, subsequent_indent=" " * len(prefix))


def _waves(view: PlanView, urns: set[str]) -> list[tuple[Registration, ...]]:
    """The creation order of some of the view's resources, as waves (the stage's project's)."""
    waves = (tuple(reg for reg in wave if reg.urn in urns) for wave in view.waves())
    return [wave for wave in waves if wave]


def _pulumi_up(stage: Stage, agent: Node, replay: _Replay) -> None:
    view = replay.view
    created = {reg.urn for reg in view.registrations if works_on(stage, reg)}
    before = frozenset(replay.existing)
    waves = _waves(view, created)
    operations = deploy_operations(view)
    replay.add(
        f"  {CommandKind.PULUMI_UP}: {len(created)} resources in {len(waves)} waves; each resource is created once "
        "what it waits for exists, in parallel with everything else"
    )
    if before:
        replay.add(f"    before it: {len(before)} resources exist already, from the stages before this one")
    calls = 0
    for number, wave in enumerate(waves, start=1):
        replay.lines.extend(_wrapped(f"    wave {number}: ", [reg.name for reg in wave]))
        for reg in wave:
            operation = operations.get(reg.urn)
            if operation is not None:
                calls += bool(operation.needs)
                _operation(stage, operation, agent, before, replay)
    if not calls:
        replay.add("    every resource through ARM: no operation of this `pulumi up` calls a data plane")
    publishes = any(op.what == "the code publish" and op.reg.urn in created for op in operations.values())
    if not publishes and any(reg.urn in created for reg in view.of_type(ResourceType.WEB_APP)):
        replay.add(
            "    the code publish is not in this plan (no package at functionApp.packagePath): `python -m ops "
            "rehearse` plans with a stand-in package to rehearse it"
        )
    replay.existing |= created


def _operation(stage: Stage, operation: Operation, agent: Node, before: frozenset[str], replay: _Replay) -> None:
    view = replay.view
    reg = operation.reg
    if not operation.needs:
        replay.add(f"      {operation.what} ({reg.name}): ARM only, no network path")
        return
    prerequisites = {dep.urn for dep in view.prerequisites(reg)}
    waits = f"{reg.name} waits only for its {len(prerequisites - before)} prerequisites"
    call = _Call(
        stage.name,
        stage.agent.kind is AgentKind.HOSTED,
        operation.what,
        reg.name,
        before | prerequisites | {reg.urn},
        waits,
    )
    replay.add(f"      {operation.what} ({reg.name}):")
    for need in operation.needs:
        edge = _edge(need, agent, view)
        if edge is not None:
            verdict = _judge(call, edge, view)
            replay.add(f"        {verdict.line}", verdict.blocked)


def _sql_apply(stage: Stage, agent: Node, replay: _Replay) -> None:
    view = replay.view
    server = nodes(view).get(NodeKind.SQL)
    if server is None or server.reg is None:
        replay.add(f"  {CommandKind.SQL_APPLY}: no SQL server in this plan")
        return
    need = Need(NodeKind.AGENT, None, server.reg, GroupId.SQL_SERVER, "the versioned SQL scripts")
    edge = _edge(need, agent, view)
    assert edge is not None
    hosted = stage.agent.kind is AgentKind.HOSTED
    call = _Call(stage.name, hosted, "the SQL scripts", str(CommandKind.SQL_APPLY), frozenset(replay.existing))
    verdict = _judge(call, edge, view)
    replay.add(f"  {CommandKind.SQL_APPLY}: {verdict.line}", verdict.blocked)


def _stage(stage: Stage, replay: _Replay) -> None:
    agent_label = (
        f"{HOSTED_AGENT} ({stage.agent.name})" if stage.agent.kind is AgentKind.HOSTED else f"pool {stage.agent.name}"
    )
    replay.add(f"stage {stage.name}: {_project_label(stage)} stack {stage.stack}, on {agent_label}")
    agent = _place_agent(stage, replay)
    if agent is None:
        replay.add("  its steps are not replayed: the stage cannot start (the stages after it are judged as if it ran)")
        if stage.deploys:
            replay.existing |= {reg.urn for reg in replay.view.registrations if works_on(stage, reg)}
        return
    for command in stage.commands:
        if command.kind is CommandKind.TRANSITIONS:
            replay.add(f"  {command.kind}: {ARM_ONLY[command.kind]}")
        elif command.condition != SUCCEEDED:
            replay.add(f"  {command.kind}: only when {command.condition}, not on the path a deploy takes")
        elif command.kind is CommandKind.PULUMI_UP:
            _pulumi_up(stage, agent, replay)
        elif command.kind is CommandKind.SQL_APPLY:
            _sql_apply(stage, agent, replay)
        else:
            replay.add(f"  {command.kind}: {ARM_ONLY[command.kind]}")


def _first_runs(replay: _Replay) -> None:
    view = replay.view
    factory = nodes(view).get(NodeKind.FACTORY)
    if factory is None:
        return
    replay.add("first run of each pipeline, on the runtime each connection runs on:")
    for pipeline in pipelines(view):
        name = pipeline.name
        replay.add(f"  {name}:")
        seen: set[tuple[str, str, str]] = set()
        for use in pipeline_uses(view, pipeline):
            target = node_of(use.target.reg, view)
            key = (use.runtime.name, use.target.reg.urn, use.target.group_id)
            if target is None or key in seen:
                continue
            seen.add(key)
            edge = Edge(factory, target, use.target.group_id, use.reason, use.runtime)
            call = _Call(FIRST_RUNS, False, f"the first run of {name}", use.reason, None)
            verdict = _judge(call, edge, view)
            replay.add(f"    {verdict.line}", verdict.blocked)


def rehearse(view: PlanView, stages: Sequence[Stage]) -> Rehearsal:
    """Replay the stages in order from empty state, then each pipeline's first run; every line, and every blocked
    operation."""
    replay = _Replay(view, stages)
    for stage in stages:
        _stage(stage, replay)
    _first_runs(replay)
    return Rehearsal(tuple(replay.lines), tuple(replay.blocked))
