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

A tumbling-window trigger started for the first time runs every window since its startTime
(`dataFactory.triggerStartTime`) at once. So, without `--restore`, `start` refuses a stopped
tumbling-window trigger that has no trigger run since its startTime and would backfill more
than `--max-backfill-windows` windows (default 48, two days of hourly windows), and then
changes nothing: set `dataFactory.triggerStartTime` to a recent hour and deploy, or pass
`--max-backfill-windows N` to accept N windows. `--restore` starts triggers that ran before
and resume where they stopped, so it applies no bound (ops/backfill.py says why and what
is assumed).

Exit codes: 0 success; 2 usage error (bad flags, stack outputs unreadable, coordinates
missing, no or a malformed enabled_triggers output, no recording to restore, a target
trigger missing from the factory, a first start that would backfill too many windows);
3 Azure refused an operation (a trigger did not start or stop, sign-in failed, trigger
runs unreadable); 4 timed out waiting for an event subscription. With several kinds of
failure, the lowest code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError

from ops import exit_codes
from ops.backfill import MAX_BACKFILL_WINDOWS
from ops.factory import (
    CoordinatesError,
    NotDeployedError,
    add_factory_arguments,
    connect,
    connect_from_args,
    describe_error,
    resolve_coordinates,
    seconds,
)
from ops.stack_outputs import StackOutputsError, stack_outputs
from ops.trigger_actions import Outcome, start_triggers, stop_triggers
from ops.trigger_state import UsageError, default_state_file, discard_recording, read_recording


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
        "--max-backfill-windows",
        type=_windows,
        default=MAX_BACKFILL_WINDOWS,
        metavar="N",
        help="refuse the first start of a tumbling-window trigger that would run more than N past windows at once "
        f"(default: {MAX_BACKFILL_WINDOWS}, two days of hourly windows; not applied with --restore)",
    )
    start.add_argument(
        "--event-wait-seconds",
        type=seconds,
        default=300.0,
        help="how long to wait for event subscriptions to become Enabled (default: 300)",
    )


def _windows(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of windows (0 or more)")
    return value


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
            max_backfill_windows=None if args.restore else args.max_backfill_windows,
            event_wait_seconds=args.event_wait_seconds,
            poll_seconds=args.poll_seconds,
            say=_say,
        )
    if not outcome.failures:
        discard_recording(state_file, coordinates.resource_id, _say)
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
