"""`python -m ops triggers stop|start`: stop a factory's triggers before a deployment, start them after.

What each action does, and why, is in `ops/triggers.py`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ops.cli.common import (
    Output,
    Report,
    add_command,
    add_factory_arguments,
    add_json_argument,
    coordinates,
    outputs_reader,
    seconds,
)

if TYPE_CHECKING:
    from ops.trigger_actions import Outcome

DESCRIPTION = "Stop a factory's triggers before a deployment and start them after."


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    add_factory_arguments(parser)
    parser.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="where `stop` records the started triggers and `start --restore` reads them "
        "(default: .triggers-STACK.json in the working directory)",
    )
    parser.add_argument(
        "--poll-seconds",
        type=seconds,
        default=5.0,
        metavar="SECONDS",
        help="interval between polls of Azure operations and event subscriptions (default: 5)",
    )
    add_json_argument(parser)


def _windows(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of windows (0 or more)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ops.backfill import MAX_BACKFILL_WINDOWS

    actions = parser.add_subparsers(dest="action", required=True, metavar="{stop,start}")
    stop = add_command(
        actions,
        "stop",
        help="record the started triggers, then stop them",
        description="Record the started triggers in the state file, then stop them.\n"
        "A repeated stop keeps the recording: it adds what is started now to what was\n"
        "recorded for the same factory, and never removes anything.",
    )
    _common_arguments(stop)
    start = add_command(
        actions,
        "start",
        help="start the triggers the stack enables (or, with --restore, the recorded ones)",
        description="Start the triggers the deployed stack enables (its enabled_triggers output),\n"
        "or with --restore those `stop` recorded; stop every other running trigger.\n"
        "Event triggers are subscribed to events and started once the subscription is Enabled.\n"
        "A start without errors deletes the recording.",
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
        metavar="SECONDS",
        help="how long to wait for event subscriptions to become Enabled (default: 300)",
    )


def _report(outcome: Outcome, verb: str, out: Output, factory_id: str | None) -> Report:
    summary = f"{verb}: started {len(outcome.started)}, stopped {len(outcome.stopped)}"
    if outcome.unchanged:
        summary += f", unchanged {len(outcome.unchanged)}"
    if outcome.failures:
        summary += f"; {len(outcome.failures)} failed: {', '.join(f.trigger for f in outcome.failures)}"
        out.warn(summary)
    else:
        out.say(summary)
    result = {
        "action": verb,
        "factory": factory_id,
        "started": outcome.started,
        "stopped": outcome.stopped,
        "unchanged": outcome.unchanged,
        "failed": [f.trigger for f in outcome.failures],
    }
    return Report(result, [f.error for f in outcome.failures])


def _stop(args: argparse.Namespace, out: Output) -> Report:
    from ops import triggers
    from ops.factory import NotDeployedError
    from ops.trigger_actions import Outcome
    from ops.trigger_state import default_state_file

    try:
        where = coordinates(args)
    except NotDeployedError as exc:
        # A first deployment: nothing runs yet, so nothing is stopped and nothing needs restoring.
        out.say(f"{exc}; nothing to stop")
        return _report(Outcome(), "stop", out, None)
    state_file = args.state_file or default_state_file(args.stack)
    outcome = triggers.stop(where, state_file, endpoint=args.endpoint, poll_seconds=args.poll_seconds, say=out.say)
    return _report(outcome, "stop", out, where.resource_id)


def _start(args: argparse.Namespace, out: Output) -> Report:
    from ops import triggers
    from ops.trigger_state import default_state_file

    state_file = args.state_file or default_state_file(args.stack)
    if args.restore:
        where = coordinates(args)
        targets = triggers.recorded_targets(state_file, where)
        out.say(f"restoring the {len(targets)} recorded trigger(s): {', '.join(targets) or 'none'}")
    else:
        outputs = _deployed_outputs(args)
        targets = triggers.enabled_triggers_output(outputs, args.stack)
        where = coordinates(args, outputs)
        out.say(f"stack {args.stack} enables {len(targets)} trigger(s): {', '.join(targets) or 'none'}")
    outcome = triggers.start(
        where,
        targets,
        state_file,
        restore=args.restore,
        max_backfill_windows=args.max_backfill_windows,
        event_wait_seconds=args.event_wait_seconds,
        poll_seconds=args.poll_seconds,
        endpoint=args.endpoint,
        say=out.say,
    )
    return _report(outcome, "restore" if args.restore else "start", out, where.resource_id)


def _deployed_outputs(args: argparse.Namespace) -> dict[str, Any]:
    """`start` needs the outputs even when flags name the factory: the enabled triggers are one of them."""
    from ops.stack_outputs import StackOutputsError

    try:
        return outputs_reader(args)()
    except StackOutputsError as exc:
        exc.add_note(
            "`triggers start` starts what the deployed stack enables (its enabled_triggers output), "
            "or with --restore what `triggers stop` recorded"
        )
        raise


def run(args: argparse.Namespace, out: Output) -> Report:
    return _stop(args, out) if args.action == "stop" else _start(args, out)
