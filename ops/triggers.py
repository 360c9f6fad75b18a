"""`python -m ops triggers stop|start`: stop a factory's triggers around a deployment and start them after.

ADF refuses to update a started trigger (TriggerEnabledCannotUpdate), Pulumi creates
triggers stopped, and azure-native cannot start them; Microsoft's ADF CI/CD guidance
stops triggers before a deployment and starts them after. So a deployment runs:

    python -m ops triggers stop --stack prod      # records what was running, stops it
    pulumi up --stack prod
    python -m ops triggers start --stack prod     # starts what the stack enables
    # or, when the deployment failed:
    python -m ops triggers start --stack prod --restore

`stop` records the started triggers in the state file (`--state-file`, default
`.triggers-<stack>.json` in the working directory) before it stops anything. The recording
rule: a `stop` adds to a recording of the same factory and never removes from it (the new
set is the recorded one plus the triggers started now, and `recorded_at` stays), so a
repeated `stop`, which finds nothing started, keeps the original set. Only a `start` that
ends without any error deletes the file. A recording of another factory is an error.

`start` makes the factory's started set equal the target set: the triggers the deployed
stack enables (its `enabled_triggers` output, which the program computes from
`dataFactory.triggersEnabled` and `dataFactory.triggers` over pipelines_json/trigger/; read
with the factory's coordinates in one `pulumi stack output` call), or with `--restore` the
recorded set. Every other trigger that is running is stopped: the config is what
decides what runs. A target missing from
the factory is an error naming it; without `--restore` nothing changes then (the deploy
did not produce what the config describes), with `--restore` the rest is still restored.
Event triggers (BlobEventsTrigger, CustomEventsTrigger) are subscribed to events first
and started only once the subscription is Enabled, within `--event-wait-seconds`.
A trigger that fails does not stop the others; every failure is reported at the end.

Exit codes: 0 success; 2 usage error (bad flags, stack outputs unreadable, coordinates
missing, no or a malformed enabled_triggers output, no recording to restore, a target
trigger missing from the factory); 3 Azure refused an operation (a trigger did not start
or stop, sign-in failed); 4 timed out waiting for an event subscription. With several
kinds of failure, the lowest code.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError

from ops import exit_codes
from ops.factory import (
    CoordinatesError,
    Factory,
    NotDeployedError,
    add_factory_arguments,
    connect,
    connect_from_args,
    describe_error,
    resolve_coordinates,
    seconds,
)
from ops.stack_outputs import StackOutputsError, stack_outputs

EVENT_TRIGGER_TYPES = frozenset({"BlobEventsTrigger", "CustomEventsTrigger"})
OPERATION_TIMEOUT_SECONDS = 300.0
"""Upper bound for one trigger start/stop operation; ADF finishes these in seconds."""

Say = Callable[[str], None]


class UsageError(Exception):
    """Wrong input: the command cannot run as asked (exit code 2)."""


@dataclass(frozen=True)
class TriggerInfo:
    """A trigger as the factory reports it."""

    name: str
    type: str
    runtime_state: str

    @property
    def started(self) -> bool:
        return self.runtime_state == "Started"

    @property
    def is_event(self) -> bool:
        return self.type in EVENT_TRIGGER_TYPES


@dataclass(frozen=True)
class Failure:
    """One trigger that did not end up as intended, and why."""

    trigger: str
    reason: str
    exit_code: int


@dataclass
class Outcome:
    """What a stop or start did."""

    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return min((f.exit_code for f in self.failures), default=exit_codes.OK)


def _text(value: Any) -> str:
    """An SDK enum or string as its wire value."""
    return str(getattr(value, "value", value) or "")


def list_triggers(factory: Factory) -> dict[str, TriggerInfo]:
    """Every trigger in the factory (all pages), by name."""
    found: dict[str, TriggerInfo] = {}
    for resource in factory.client.triggers.list_by_factory(factory.resource_group, factory.name):
        properties = resource.properties
        name = str(resource.name)
        found[name] = TriggerInfo(name, _text(properties.type), _text(properties.runtime_state))
    return found


# ---------------------------------------------------------------------------- the recording


def default_state_file(stack: str) -> Path:
    return Path.cwd() / f".triggers-{stack}.json"


def read_recording(path: Path, factory_id: str) -> list[str] | None:
    """The recorded started triggers for this factory; None if there is no file; UsageError if it is unusable."""
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a trigger recording ({exc}); delete it or pass another --state-file") from exc
    started = document.get("started") if isinstance(document, dict) else None
    if not isinstance(started, list) or not all(isinstance(name, str) for name in started):
        raise UsageError(f"{path}: not a trigger recording (no 'started' list); delete it or pass another --state-file")
    recorded_for = document.get("factory_id")
    if str(recorded_for).lower() != factory_id.lower():
        raise UsageError(
            f"{path}: records the triggers of {recorded_for}, not of {factory_id}; "
            "restore that factory first, or delete the file if it is stale"
        )
    return list(started)


def write_recording(path: Path, factory_id: str, started: Iterable[str]) -> list[str]:
    """Record `started` plus whatever this factory's recording already holds; returns the recorded set."""
    previous = read_recording(path, factory_id)
    names = sorted(set(previous or []) | set(started))
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    recorded_at = now
    if previous is not None:
        existing = json.loads(path.read_text(encoding="utf-8"))
        recorded_at = str(existing.get("recorded_at") or now)
    document = {"factory_id": factory_id, "recorded_at": recorded_at, "updated_at": now, "started": names}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return names


# ---------------------------------------------------------------------------- operations


def _run_lro(begin: Callable[..., Any], factory: Factory, name: str, verb: str) -> Failure | None:
    try:
        poller = begin(factory.resource_group, factory.name, name)
        poller.result(timeout=OPERATION_TIMEOUT_SECONDS)
        if not poller.done():
            return Failure(
                name, f"Azure did not finish the {verb} within {OPERATION_TIMEOUT_SECONDS:.0f} s", exit_codes.TIMEOUT
            )
    except AzureError as exc:
        return Failure(name, f"Azure refused to {verb} it: {describe_error(exc)}", exit_codes.AZURE)
    return None


def _stop_each(factory: Factory, names: Sequence[str], outcome: Outcome, say: Say) -> None:
    for name in names:
        failure = _run_lro(factory.client.triggers.begin_stop, factory, name, "stop")
        if failure:
            outcome.failures.append(failure)
        else:
            outcome.stopped.append(name)
            say(f"stopped {name}")


def stop_triggers(factory: Factory, state_file: Path, say: Say = print) -> Outcome:
    """Record the started triggers (before touching any), then stop them."""
    triggers = list_triggers(factory)
    running = sorted(name for name, info in triggers.items() if info.started)
    recorded = write_recording(state_file, factory.coordinates.resource_id, running)
    say(f"recorded {len(recorded)} started trigger(s) in {state_file}: {', '.join(recorded) or 'none'}")
    outcome = Outcome(unchanged=sorted(set(triggers) - set(running)))
    _stop_each(factory, running, outcome, say)
    return outcome


def _subscription_status(factory: Factory, name: str) -> str:
    status = factory.client.triggers.get_event_subscription_status(factory.resource_group, factory.name, name)
    return _text(status.status)


def _request_subscriptions(factory: Factory, names: Sequence[str], outcome: Outcome, say: Say) -> dict[str, str]:
    """Subscribe the event triggers whose subscription is not Enabled; returns each one's status.

    The subscription's status, not the subscribe operation, says when a trigger can start
    (Microsoft's own deployment script polls it the same way); so the operation is sent
    without the SDK's poller, which could not be stopped when the wait runs out.
    """
    statuses: dict[str, str] = {}
    for name in names:
        try:
            status = _subscription_status(factory, name)
            if status != "Enabled":
                say(f"{name}: event subscription is {status}; subscribing to events")
                factory.client.triggers.begin_subscribe_to_events(
                    factory.resource_group, factory.name, name, polling=False
                )
            statuses[name] = status
        except AzureError as exc:
            reason = f"Azure refused to subscribe it to events: {describe_error(exc)}"
            outcome.failures.append(Failure(name, reason, exit_codes.AZURE))
    return statuses


def _await_subscriptions(
    factory: Factory,
    statuses: dict[str, str],
    wait_seconds: float,
    poll_seconds: float,
    outcome: Outcome,
    say: Say,
) -> list[str]:
    """Poll until every subscription is Enabled, with one deadline for all; returns the triggers ready to start."""
    ready = [name for name, status in statuses.items() if status == "Enabled"]
    pending = {name: status for name, status in statuses.items() if status != "Enabled"}
    deadline = time.monotonic() + wait_seconds
    while pending:
        for name in list(pending):
            try:
                pending[name] = _subscription_status(factory, name)
            except AzureError as exc:
                reason = f"Azure refused to report its event subscription: {describe_error(exc)}"
                outcome.failures.append(Failure(name, reason, exit_codes.AZURE))
                del pending[name]
                continue
            if pending[name] == "Enabled":
                say(f"{name}: event subscription is Enabled")
                ready.append(name)
                del pending[name]
        remaining = deadline - time.monotonic()
        if pending and remaining <= 0:
            for name, status in sorted(pending.items()):
                reason = (
                    f"its event subscription is still {status} after {wait_seconds:g} s; not started "
                    "(starting it before the subscription is Enabled fails with "
                    "'Resource cannot be updated during provisioning')"
                )
                outcome.failures.append(Failure(name, reason, exit_codes.TIMEOUT))
            break
        if pending:
            time.sleep(min(poll_seconds, remaining))
    return ready


def start_triggers(
    factory: Factory,
    targets: Sequence[str],
    *,
    fail_fast_on_missing: bool = True,
    event_wait_seconds: float = 300,
    poll_seconds: float = 5,
    say: Say = print,
) -> Outcome:
    """Make exactly `targets` run: stop every other running trigger, subscribe event triggers, start the rest.

    Targets missing from the factory are failures (exit 2); with `fail_fast_on_missing`
    nothing is changed then.
    """
    triggers = list_triggers(factory)
    by_lower = {name.lower(): name for name in triggers}
    outcome = Outcome()
    wanted: list[str] = []
    for target in dict.fromkeys(targets):
        actual = by_lower.get(target.lower())
        if actual is None:
            available = ", ".join(sorted(triggers)) or "none"
            reason = f"does not exist in factory {factory.name}; the factory has: {available}"
            outcome.failures.append(Failure(target, reason, exit_codes.USAGE))
        else:
            wanted.append(actual)
    if outcome.failures and fail_fast_on_missing:
        return outcome

    unwanted = sorted(name for name, info in triggers.items() if info.started and name not in wanted)
    for name in unwanted:
        say(f"{name}: running but not enabled for this stack; stopping it")
    _stop_each(factory, unwanted, outcome, say)

    outcome.unchanged.extend(name for name in sorted(wanted) if triggers[name].started)
    to_start = sorted(name for name in wanted if not triggers[name].started)
    events = [name for name in to_start if triggers[name].is_event]
    schedules = [name for name in to_start if not triggers[name].is_event]

    def start(names: Iterable[str]) -> None:
        for name in names:
            failure = _run_lro(factory.client.triggers.begin_start, factory, name, "start")
            if failure:
                outcome.failures.append(failure)
            else:
                outcome.started.append(name)
                say(f"started {name}")

    # Subscriptions take a while to provision: ask for them first, start the other triggers meanwhile.
    statuses = _request_subscriptions(factory, events, outcome, say)
    start(schedules)
    start(_await_subscriptions(factory, statuses, event_wait_seconds, poll_seconds, outcome, say))
    return outcome


def enabled_triggers_output(outputs: Mapping[str, Any], stack: str) -> list[str]:
    """The deployed stack's `enabled_triggers` output: what the program enabled when it last ran `pulumi up`."""
    if not outputs:
        raise UsageError(f"stack '{stack}' has no outputs: it has not been deployed, so there are no triggers to start")
    if "enabled_triggers" not in outputs:
        raise UsageError(
            f"stack '{stack}' has no output enabled_triggers: deploy it with this program "
            f"(`pulumi up --stack {stack}`), or start the recorded triggers with --restore"
        )
    value = outputs["enabled_triggers"]
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise UsageError(
            f"stack '{stack}': output enabled_triggers is not a list of trigger names ({json.dumps(value)}); "
            f"redeploy the stack (`pulumi up --stack {stack}`)"
        )
    return list(value)


def _deployed_outputs(stack: str, project_dir: Path) -> dict[str, Any]:
    """`start` needs the outputs even when flags name the factory: the enabled triggers are one of them."""
    try:
        return stack_outputs(stack, project_dir)
    except StackOutputsError as exc:
        raise UsageError(
            f"{exc}; `triggers start` starts what the deployed stack enables (its enabled_triggers output), "
            "or with --restore what `triggers stop` recorded"
        ) from exc


def _discard_recording(path: Path, factory_id: str, say: Say) -> None:
    """A start that ended well consumes this factory's recording (and leaves another factory's alone)."""
    try:
        if read_recording(path, factory_id) is None:
            return
    except UsageError:
        return
    path.unlink()
    say(f"removed the recording {path}")


# ---------------------------------------------------------------------------- CLI


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    add_factory_arguments(parser)
    parser.add_argument(
        "--state-file",
        type=Path,
        help="where `stop` records the started triggers and `start --restore` reads them "
        "(default: .triggers-<stack>.json in the working directory)",
    )
    parser.add_argument(
        "--poll-seconds",
        type=seconds,
        default=5.0,
        help="interval between polls of Azure operations and event subscriptions (default: 5)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`triggers stop` and `triggers start`, each with its own flags."""
    parser.description = "Stop a factory's triggers before a deployment and start them after."
    parser.epilog = exit_codes.HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = parser.add_subparsers(dest="action", required=True, metavar="{stop,start}")
    stop = actions.add_parser(
        "stop",
        help="record the started triggers, then stop them",
        description="Record the started triggers in the state file, then stop them.\n"
        "A repeated stop keeps the recording: it adds what is started now to what was\n"
        "recorded for the same factory, and never removes anything.",
        epilog=exit_codes.HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_arguments(stop)
    start = actions.add_parser(
        "start",
        help="start the triggers the stack enables (or, with --restore, the recorded ones)",
        description="Start the triggers the deployed stack enables (its enabled_triggers output),\n"
        "or with --restore those `stop` recorded; stop every other running trigger.\n"
        "Event triggers are subscribed to events and started once the subscription is Enabled.\n"
        "A start without errors deletes the recording.",
        epilog=exit_codes.HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_arguments(start)
    start.add_argument(
        "--restore", action="store_true", help="start the triggers recorded by `stop` instead of the enabled ones"
    )
    start.add_argument(
        "--event-wait-seconds",
        type=seconds,
        default=300.0,
        help="how long to wait for event subscriptions to become Enabled (default: 300)",
    )


def _say(line: str) -> None:
    print(line, flush=True)


def _report(outcome: Outcome, verb: str) -> int:
    for failure in outcome.failures:
        print(f"error: trigger '{failure.trigger}': {failure.reason}", file=sys.stderr)
    summary = f"{verb}: started {len(outcome.started)}, stopped {len(outcome.stopped)}"
    if outcome.unchanged:
        summary += f", unchanged {len(outcome.unchanged)}"
    if outcome.failures:
        summary += f"; {len(outcome.failures)} failed: {', '.join(f.trigger for f in outcome.failures)}"
    print(summary, file=sys.stderr if outcome.failures else sys.stdout)
    return outcome.exit_code


def _stop(args: argparse.Namespace) -> int:
    state_file = args.state_file or default_state_file(args.stack)
    try:
        factory_context = connect_from_args(args, polling_interval=args.poll_seconds)
    except NotDeployedError as exc:
        # A first deployment: nothing runs yet, so nothing is stopped and nothing needs restoring.
        _say(f"{exc}; nothing to stop")
        return exit_codes.OK
    with factory_context as factory:
        outcome = stop_triggers(factory, state_file, _say)
    return _report(outcome, "stop")


def _start(args: argparse.Namespace) -> int:
    state_file = args.state_file or default_state_file(args.stack)
    if args.restore:
        coordinates = resolve_coordinates(
            args.stack, args.project_dir, args.subscription, args.resource_group, args.factory
        )
        recorded = read_recording(state_file, coordinates.resource_id)
        if recorded is None:
            raise UsageError(
                f"{state_file}: no recording to restore; `triggers stop` writes it "
                "(pass --state-file if it is elsewhere, or start without --restore)"
            )
        targets = recorded
        _say(f"restoring the {len(targets)} recorded trigger(s): {', '.join(targets) or 'none'}")
    else:
        outputs = _deployed_outputs(args.stack, args.project_dir)
        targets = enabled_triggers_output(outputs, args.stack)
        coordinates = resolve_coordinates(
            args.stack, args.project_dir, args.subscription, args.resource_group, args.factory, outputs=outputs
        )
        _say(f"stack {args.stack} enables {len(targets)} trigger(s): {', '.join(targets) or 'none'}")
    with connect(coordinates, endpoint=args.endpoint, polling_interval=args.poll_seconds) as factory:
        outcome = start_triggers(
            factory,
            targets,
            fail_fast_on_missing=not args.restore,
            event_wait_seconds=args.event_wait_seconds,
            poll_seconds=args.poll_seconds,
            say=_say,
        )
    if not outcome.failures:
        _discard_recording(state_file, coordinates.resource_id, _say)
    return _report(outcome, "restore" if args.restore else "start")


def main(args: argparse.Namespace) -> int:
    """Run `triggers stop|start`; failures are reported, never raised (see the module docstring for exit codes)."""
    try:
        return _stop(args) if args.action == "stop" else _start(args)
    except (UsageError, CoordinatesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except AzureError as exc:
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return exit_codes.AZURE
