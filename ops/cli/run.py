"""`python -m ops run PIPELINE --stack STACK`: start a pipeline run and, with `--wait`, follow it to its end.

    python -m ops run PL_Ingest --stack dev --param day=2025-01-31 --param full=true --wait

The run id goes to stdout (so `RUN=$(python -m ops run ...)` works); progress and errors go to
stderr: a live status with each activity's state on a terminal, a line per change elsewhere (CI logs).
"""

from __future__ import annotations

import argparse
import contextlib
from typing import TYPE_CHECKING, Any

from ops.cli.common import Output, Report, add_factory_arguments, add_json_argument, coordinates, seconds

if TYPE_CHECKING:
    from ops.run_result import RunResult

DESCRIPTION = "Start a pipeline run in the stack's factory; with --wait, follow it to its end."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline", help="the pipeline's name, as in pipelines_json/pipeline/")
    add_factory_arguments(parser)
    parser.add_argument(
        "--param",
        dest="params",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help='a pipeline parameter; VALUE is JSON when it parses (3, true, [1,2], {...}, "text"), else text; '
        'a VALUE that opens with {, [ or " must be valid JSON; repeatable, each NAME once (ignoring case)',
    )
    parser.add_argument("--wait", action="store_true", help="follow the run until it ends; exit 5 unless Succeeded")
    parser.add_argument(
        "--timeout-seconds",
        type=seconds,
        default=3600.0,
        metavar="SECONDS",
        help="with --wait, give up waiting after this long; the run goes on in Azure (default: 3600)",
    )
    parser.add_argument(
        "--poll-seconds", type=seconds, default=15.0, metavar="SECONDS", help="interval between polls (default: 15)"
    )
    add_json_argument(parser)


def _document(result: RunResult) -> dict[str, Any]:
    return {
        "pipeline": result.pipeline,
        "runId": result.run_id,
        "status": result.status,
        "activities": [
            {"name": a.name, "type": a.type, "status": a.status, "error": a.error} for a in result.activities
        ],
        "failedActivity": result.failed_activity,
        "error": result.error,
        "timedOut": result.timed_out,
    }


def _ending(result: RunResult, timeout_seconds: float, out: Output) -> list[Any]:
    """How a followed run ended, as the errors it means: none when it Succeeded."""
    from stack.errors import RunFailedError, TimedOutError

    name = f"{result.pipeline} run {result.run_id}"
    if result.timed_out:
        return [TimedOutError(f"{name} is still {result.status} after {timeout_seconds:g} s; it goes on in Azure")]
    if result.succeeded:
        out.warn(f"{name} Succeeded")
        return []
    if result.failed_activity:
        cause = f"activity '{result.failed_activity}' failed: {result.error or 'no error message'}"
    else:
        cause = result.error or "no error message"
    return [RunFailedError(f"{name} {result.status}: {cause}")]


def run(args: argparse.Namespace, out: Output) -> Report:
    from ops.cli.run_display import RunDisplay
    from ops.runs import parse_parameters, run_pipeline

    parameters = parse_parameters(args.params)
    where = coordinates(args)
    run_id: str | None = None
    display = RunDisplay()

    def progress(result: RunResult) -> None:
        nonlocal run_id
        if run_id is None:
            run_id = result.run_id
            out.say(run_id)
        if args.wait:
            display.update(result)

    try:
        with contextlib.ExitStack() as stack:
            if args.wait:
                stack.enter_context(display)
            result = run_pipeline(
                where,
                args.pipeline,
                parameters,
                wait=args.wait,
                timeout_seconds=args.timeout_seconds,
                poll_seconds=args.poll_seconds,
                on_progress=progress,
                endpoint=args.endpoint,
            )
    except KeyboardInterrupt as interrupt:
        if run_id:
            interrupt.add_note(f"stopped waiting; run {run_id} goes on in Azure")
        raise
    errors = _ending(result, args.timeout_seconds, out) if args.wait else []
    return Report(_document(result), errors)
