"""`python -m ops run <pipeline> --stack <name>`: start a pipeline run and, with `--wait`, follow it to its end.

    python -m ops run PL_Ingest --stack dev --param day=2025-01-31 --param full=true --wait

The run id goes to stdout (so `RUN=$(python -m ops run ...)` works); progress and errors go
to stderr: a live status with each activity's state on a terminal, a line per change
elsewhere (CI logs). `run_pipeline()` is the same operation for code, e.g. a backend
service: it returns a RunResult and reports progress through a callback.

Exit codes: 0 the run was created (and, with --wait, Succeeded); 2 usage or config error
(bad flags, unknown stack, coordinates missing); 3 Azure refused an operation (e.g. no such
pipeline, sign-in failed); 4 --timeout-seconds passed with the run still going (it goes on
in Azure); 5 the run ended Failed or Cancelled; 130 interrupted (Ctrl-C) while waiting (the
run goes on in Azure).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError

from ops import exit_codes
from ops.factory import (
    DEFAULT_ENDPOINT,
    CoordinatesError,
    Factory,
    FactoryCoordinates,
    add_factory_arguments,
    connect,
    describe_error,
    resolve_coordinates,
    seconds,
)
from ops.run_display import RunDisplay
from ops.run_result import FAILED_STATUSES, ActivityState, RunResult

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.mgmt.datafactory.models import ActivityRun, PipelineRun

Progress = Callable[[RunResult], None]


def parse_param(text: str) -> tuple[str, Any]:
    """`name=value`; the value is JSON when it parses (numbers, true, objects), else the string as given."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")

    def no_constants(constant: str) -> Any:
        raise ValueError(constant)  # NaN and Infinity are not JSON; keep them as strings

    try:
        value: Any = json.loads(raw, parse_constant=no_constants)
    except ValueError:
        value = raw
    return name.strip(), value


def _error_text(error: Any) -> str | None:
    """An activity's error object (`errorCode`, `message`, ...) as `<code>: <message>`; None when empty."""
    if not error:
        return None
    if not isinstance(error, Mapping):
        return str(error)
    message = str(error.get("message") or "").strip()
    code = str(error.get("errorCode") or "").strip()
    if not message:
        return None
    return f"{code}: {message}" if code else message


def _sort_key(run: ActivityRun, index: int) -> tuple[float, int]:
    start = run.activity_run_start
    return (start.timestamp() if start else float("inf"), index)


def _summarise(pipeline: str, run: PipelineRun, activity_runs: list[ActivityRun]) -> RunResult:
    ordered = [r for _, r in sorted(enumerate(activity_runs), key=lambda pair: _sort_key(pair[1], pair[0]))]
    latest: dict[str, ActivityRun] = {}
    for activity_run in ordered:  # retries appear as more runs of the same activity: the last one counts
        latest[str(activity_run.activity_name)] = activity_run
    activities = tuple(
        ActivityState(
            name=name,
            type=str(item.activity_type or ""),
            status=str(item.status or ""),
            error=_error_text(item.error) if item.status in FAILED_STATUSES else None,
        )
        for name, item in latest.items()
    )
    status = str(run.status or "Queued")
    failed_activity: str | None = None
    error: str | None = None
    if status in FAILED_STATUSES:
        failed = [r for r in ordered if r.status == "Failed" and latest[str(r.activity_name)] is r]
        if failed:
            # A container (ForEach, Execute Pipeline) fails after what failed inside it: the first to end is the cause.
            def ended(item: ActivityRun) -> float:
                end = item.activity_run_end
                return end.timestamp() if end else float("inf")

            cause = min(failed, key=ended)
            failed_activity = str(cause.activity_name)
            error = _error_text(cause.error)
        error = error or (str(run.message).strip() if run.message else None)
    return RunResult(pipeline, str(run.run_id), status, activities, failed_activity, error)


def _activity_runs(factory: Factory, run_id: str, since: datetime.datetime) -> list[ActivityRun]:
    """All activity runs of the pipeline run, following continuation tokens."""
    from azure.mgmt.datafactory.models import RunFilterParameters

    found: list[ActivityRun] = []
    token: str | None = None
    while True:
        window = RunFilterParameters(
            last_updated_after=since,
            last_updated_before=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
            continuation_token=token,
        )
        page = factory.client.activity_runs.query_by_pipeline_run(factory.resource_group, factory.name, run_id, window)
        found.extend(page.value or [])
        token = page.continuation_token
        if not token:
            return found


def wait_for_run(
    factory: Factory,
    run_id: str,
    *,
    pipeline: str = "",
    timeout_seconds: float = 3600,
    poll_seconds: float = 15,
    on_progress: Progress | None = None,
) -> RunResult:
    """Poll the run and its activities until it ends or `timeout_seconds` pass (then `timed_out` is set)."""
    deadline = time.monotonic() + timeout_seconds
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    while True:
        run = factory.client.pipeline_runs.get(factory.resource_group, factory.name, run_id)
        if run.run_start is not None:
            since = run.run_start - datetime.timedelta(minutes=10)  # allow for clock skew
        result = _summarise(pipeline or str(run.pipeline_name or ""), run, _activity_runs(factory, run_id, since))
        if on_progress is not None:
            on_progress(result)
        if result.finished:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return replace(result, timed_out=True)
        time.sleep(min(poll_seconds, remaining))


def run_pipeline(
    factory: Factory | FactoryCoordinates,
    pipeline: str,
    parameters: Mapping[str, Any] | None = None,
    wait: bool = False,
    *,
    timeout_seconds: float = 3600,
    poll_seconds: float = 15,
    on_progress: Progress | None = None,
    credential: TokenCredential | None = None,
    endpoint: str = DEFAULT_ENDPOINT,
) -> RunResult:
    """Create a run of `pipeline`; with `wait`, follow it to its end. Azure's refusals raise AzureError.

    `factory` is a connected Factory or just coordinates (then DefaultAzureCredential, or
    `credential`, signs in). `on_progress` gets the new run (Queued) and then each poll's state.
    """
    if isinstance(factory, FactoryCoordinates):
        with connect(factory, credential=credential, endpoint=endpoint) as connected:
            return run_pipeline(
                connected,
                pipeline,
                parameters,
                wait,
                timeout_seconds=timeout_seconds,
                poll_seconds=poll_seconds,
                on_progress=on_progress,
            )
    created = factory.client.pipelines.create_run(
        factory.resource_group, factory.name, pipeline, dict(parameters) if parameters else None
    )
    result = RunResult(pipeline, str(created.run_id), "Queued")
    if on_progress is not None:
        on_progress(result)
    if not wait:
        return result
    return wait_for_run(
        factory,
        result.run_id,
        pipeline=pipeline,
        timeout_seconds=timeout_seconds,
        poll_seconds=poll_seconds,
        on_progress=on_progress,
    )


# ---------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`run <pipeline> --stack <name> [--param k=v ...] [--wait]`."""
    parser.description = "Start a pipeline run in the stack's factory; with --wait, follow it to its end."
    parser.epilog = exit_codes.HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("pipeline", help="the pipeline's name, as in pipelines_json/pipeline/")
    add_factory_arguments(parser)
    parser.add_argument(
        "--param",
        dest="params",
        action="append",
        type=parse_param,
        default=[],
        metavar="NAME=VALUE",
        help="a pipeline parameter; VALUE is JSON when it parses (3, true, [1,2], {...}), else a string; repeatable",
    )
    parser.add_argument("--wait", action="store_true", help="follow the run until it ends; exit 5 unless Succeeded")
    parser.add_argument(
        "--timeout-seconds", type=seconds, default=3600.0, help="give up waiting after this long (default: 3600)"
    )
    parser.add_argument("--poll-seconds", type=seconds, default=15.0, help="interval between polls (default: 15)")


def _final_report(result: RunResult, timeout_seconds: float) -> int:
    name = f"{result.pipeline} run {result.run_id}"
    if result.timed_out:
        print(
            f"error: {name} is still {result.status} after {timeout_seconds:g} s; it goes on in Azure",
            file=sys.stderr,
        )
        return exit_codes.TIMEOUT
    if result.succeeded:
        print(f"{name} Succeeded", file=sys.stderr)
        return exit_codes.OK
    if result.failed_activity:
        cause = f"activity '{result.failed_activity}' failed: {result.error or 'no error message'}"
    else:
        cause = result.error or "no error message"
    print(f"error: {name} {result.status}: {cause}", file=sys.stderr)
    return exit_codes.RUN_FAILED


def main(args: argparse.Namespace) -> int:
    """Run `run`; failures are reported, never raised (see the module docstring for exit codes)."""
    parameters: dict[str, Any] = {}
    for name, value in args.params:
        if name in parameters:
            print(f"error: --param {name} is given more than once", file=sys.stderr)
            return exit_codes.USAGE
        parameters[name] = value
    try:
        coordinates = resolve_coordinates(
            args.stack, args.project_dir, args.subscription, args.resource_group, args.factory
        )
    except CoordinatesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE

    run_id: str | None = None
    display = RunDisplay()

    def progress(result: RunResult) -> None:
        nonlocal run_id
        if run_id is None:
            run_id = result.run_id
            print(run_id, flush=True)
        if args.wait:
            display.update(result)

    try:
        with (
            connect(coordinates, endpoint=args.endpoint, polling_interval=args.poll_seconds) as factory,
            contextlib.ExitStack() as stack,
        ):
            if args.wait:
                stack.enter_context(display)
            result = run_pipeline(
                factory,
                args.pipeline,
                parameters,
                wait=args.wait,
                timeout_seconds=args.timeout_seconds,
                poll_seconds=args.poll_seconds,
                on_progress=progress,
            )
    except AzureError as exc:
        where = f"run {run_id} of pipeline '{args.pipeline}'" if run_id else f"pipeline '{args.pipeline}'"
        print(f"error: {where}: {describe_error(exc)}", file=sys.stderr)
        return exit_codes.AZURE
    except KeyboardInterrupt:
        if run_id:
            print(f"stopped waiting; run {run_id} goes on in Azure", file=sys.stderr)
        return exit_codes.INTERRUPTED
    if not args.wait:
        return exit_codes.OK
    return _final_report(result, args.timeout_seconds)
