"""Stopping and starting a factory's triggers through ARM; event triggers are subscribed to events first.

A trigger that fails does not stop the others: every failure is collected in the `Outcome`, as an error of
the `stack.errors` family that says what kind of failure it was.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError

from ops import backfill
from ops.factory import Factory, describe_error
from ops.trigger_state import Say, write_recording
from stack.errors import AzureRefusedError, InputError, PlatformError, TimedOutError

EVENT_TRIGGER_TYPES = frozenset({"BlobEventsTrigger", "CustomEventsTrigger"})
OPERATION_TIMEOUT_SECONDS = 300.0
"""Upper bound for one trigger start/stop operation; ADF finishes these in seconds."""


@dataclass(frozen=True)
class TriggerInfo:
    """A trigger as the factory reports it."""

    name: str
    type: str
    runtime_state: str
    window: backfill.TumblingWindow | None = None
    """A tumbling-window trigger's windows (startTime, frequency, interval); None for the other kinds."""

    @property
    def started(self) -> bool:
        return self.runtime_state == "Started"

    @property
    def is_event(self) -> bool:
        return self.type in EVENT_TRIGGER_TYPES


class TriggerMissingError(InputError):
    """A trigger the stack (or the recording) names does not exist in the factory."""


class BackfillRefusedError(InputError):
    """A first start of a tumbling-window trigger would run more past windows than allowed."""


@dataclass(frozen=True)
class Failure:
    """One trigger that did not end up as intended, and why: the error's kind says which kind of failure."""

    trigger: str
    error: PlatformError

    @classmethod
    def of(cls, trigger: str, kind: type[PlatformError], reason: str) -> Failure:
        return cls(trigger, kind(f"trigger '{trigger}': {reason}"))


@dataclass
class Outcome:
    """What a stop or start did."""

    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def _text(value: Any) -> str:
    """An SDK enum or string as its wire value."""
    return str(getattr(value, "value", value) or "")


def list_triggers(factory: Factory) -> dict[str, TriggerInfo]:
    """Every trigger in the factory (all pages), by name."""
    found: dict[str, TriggerInfo] = {}
    for resource in factory.client.triggers.list_by_factory(factory.resource_group, factory.name):
        properties = resource.properties
        name = str(resource.name)
        found[name] = TriggerInfo(
            name, _text(properties.type), _text(properties.runtime_state), backfill.tumbling_window(properties)
        )
    return found


def _run_lro(begin: Callable[..., Any], factory: Factory, name: str, verb: str) -> Failure | None:
    try:
        poller = begin(factory.resource_group, factory.name, name)
        poller.result(timeout=OPERATION_TIMEOUT_SECONDS)
        if not poller.done():
            reason = f"Azure did not finish the {verb} within {OPERATION_TIMEOUT_SECONDS:.0f} s"
            return Failure.of(name, TimedOutError, reason)
    except AzureError as exc:
        return Failure.of(name, AzureRefusedError, f"Azure refused to {verb} it: {describe_error(exc)}")
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
            outcome.failures.append(Failure.of(name, AzureRefusedError, reason))
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
                outcome.failures.append(Failure.of(name, AzureRefusedError, reason))
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
                outcome.failures.append(Failure.of(name, TimedOutError, reason))
            break
        if pending:
            time.sleep(min(poll_seconds, remaining))
    return ready


def clock() -> datetime.datetime:
    """Now, in UTC: what a first start of a tumbling window backfills up to (tests replace it)."""
    return datetime.datetime.now(datetime.UTC)


def _refuse_backfills(
    factory: Factory,
    triggers: dict[str, TriggerInfo],
    names: Sequence[str],
    limit: int,
    now: datetime.datetime,
    outcome: Outcome,
) -> None:
    """A failure for each stopped tumbling-window trigger whose first start would backfill too much."""
    for name in names:
        info = triggers[name]
        if info.started or info.window is None:
            continue
        try:
            reason = backfill.refusal(factory, name, info.window, now, limit)
        except AzureError as exc:
            reason = f"Azure refused to report its trigger runs, so its backfill is unknown: {describe_error(exc)}"
            outcome.failures.append(Failure.of(name, AzureRefusedError, reason))
            continue
        if reason:
            outcome.failures.append(Failure.of(name, BackfillRefusedError, reason))


def start_triggers(
    factory: Factory,
    targets: Sequence[str],
    *,
    fail_fast_on_missing: bool = True,
    max_backfill_windows: int | None = backfill.MAX_BACKFILL_WINDOWS,
    now: Callable[[], datetime.datetime] | None = None,
    event_wait_seconds: float = 300,
    poll_seconds: float = 5,
    say: Say = print,
) -> Outcome:
    """Make exactly `targets` run: stop every other running trigger, subscribe event triggers, start the rest.

    A target missing from the factory is a TriggerMissingError failure; a stopped tumbling-window trigger that
    never ran and would backfill more than `max_backfill_windows` windows up to `now()` (default: `clock`;
    None: no bound) is a BackfillRefusedError one. With `fail_fast_on_missing` nothing is changed then.
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
            outcome.failures.append(Failure.of(target, TriggerMissingError, reason))
        else:
            wanted.append(actual)
    if max_backfill_windows is not None:
        _refuse_backfills(factory, triggers, wanted, max_backfill_windows, (now or clock)(), outcome)
        refused = {f.trigger for f in outcome.failures}
        wanted = [name for name in wanted if name not in refused]
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
