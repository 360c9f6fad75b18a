"""Stopping a factory's triggers around a deployment and starting them after: what `ops triggers` runs.

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

A tumbling-window trigger started for the first time runs every window since its startTime
(`dataFactory.triggerStartTime`) at once. So, without `--restore`, `start` refuses a stopped
tumbling-window trigger that has no trigger run since its startTime and would backfill more
than `--max-backfill-windows` windows (default 48, two days of hourly windows), and then
changes nothing: set `dataFactory.triggerStartTime` to a recent hour and deploy, or pass
`--max-backfill-windows N` to accept N windows. `--restore` starts triggers that ran before
and resume where they stopped, so it applies no bound (ops/backfill.py says why and what
is assumed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ops.backfill import MAX_BACKFILL_WINDOWS
from ops.factory import DEFAULT_ENDPOINT, FactoryCoordinates, azure_refusals, connect
from ops.trigger_actions import Outcome, start_triggers, stop_triggers
from ops.trigger_state import RecordingError, Say, discard_recording, read_recording
from stack.errors import InputError


class EnabledTriggersError(InputError):
    """The deployed stack's `enabled_triggers` output is missing or not a list of names."""


def enabled_triggers_output(outputs: Mapping[str, Any], stack: str) -> list[str]:
    """The deployed stack's `enabled_triggers` output: what the program enabled when it last ran `pulumi up`."""
    if not outputs:
        raise EnabledTriggersError(
            f"stack '{stack}' has no outputs: it has not been deployed, so there are no triggers to start"
        )
    if "enabled_triggers" not in outputs:
        raise EnabledTriggersError(
            f"stack '{stack}' has no output enabled_triggers: deploy it with this program "
            f"(`pulumi up --stack {stack}`), or start the recorded triggers with --restore"
        )
    value = outputs["enabled_triggers"]
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise EnabledTriggersError(
            f"stack '{stack}': output enabled_triggers is not a list of trigger names ({json.dumps(value)}); "
            f"redeploy the stack (`pulumi up --stack {stack}`)"
        )
    return list(value)


def recorded_targets(state_file: Path, coordinates: FactoryCoordinates) -> list[str]:
    """What `stop` recorded for this factory: the targets of a restore; RecordingError when there is nothing."""
    recorded = read_recording(state_file, coordinates.resource_id)
    if recorded is None:
        raise RecordingError(
            f"{state_file}: no recording to restore; `triggers stop` writes it "
            "(pass --state-file if it is elsewhere, or start without --restore)"
        )
    return recorded


def stop(
    coordinates: FactoryCoordinates,
    state_file: Path,
    *,
    endpoint: str = DEFAULT_ENDPOINT,
    poll_seconds: float = 5,
    say: Say = print,
) -> Outcome:
    """Record the factory's started triggers in `state_file`, then stop them.

    AzureRefusedError when the factory cannot be read at all; a trigger that does not stop is a failure.
    """
    with azure_refusals(), connect(coordinates, endpoint=endpoint, polling_interval=poll_seconds) as factory:
        return stop_triggers(factory, state_file, say)


def start(
    coordinates: FactoryCoordinates,
    targets: list[str],
    state_file: Path,
    *,
    restore: bool = False,
    max_backfill_windows: int = MAX_BACKFILL_WINDOWS,
    event_wait_seconds: float = 300,
    poll_seconds: float = 5,
    endpoint: str = DEFAULT_ENDPOINT,
    say: Say = print,
) -> Outcome:
    """Make exactly `targets` run; a start that ends without a failure consumes the recording.

    Without `restore` a target missing from the factory changes nothing, and the backfill bound applies; a
    restore brings back every recorded trigger it can, and applies no bound (see ops/backfill.py).
    """
    with azure_refusals(), connect(coordinates, endpoint=endpoint, polling_interval=poll_seconds) as factory:
        outcome = start_triggers(
            factory,
            targets,
            fail_fast_on_missing=not restore,
            max_backfill_windows=None if restore else max_backfill_windows,
            event_wait_seconds=event_wait_seconds,
            poll_seconds=poll_seconds,
            say=say,
        )
    if not outcome.failures:
        discard_recording(state_file, coordinates.resource_id, say)
    return outcome
