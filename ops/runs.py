"""Running a pipeline: start a run and, if asked, follow it to its end; what `ops run` calls, and a backend can.

    from ops.runs import run_pipeline
    result = run_pipeline(coordinates, "PL_Ingest", {"day": "2025-01-31"}, wait=True)

`run_pipeline()` returns a RunResult (run id, status, each activity's state, the failing activity and its
error) and reports progress through a callback; Azure refusing anything raises `AzureRefusedError`. A run
that fails or is still going after its timeout is a result, not an error: the caller decides what it means.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ops.factory import DEFAULT_ENDPOINT, Factory, FactoryCoordinates, azure_refusals, connect
from ops.run_result import FAILED_STATUSES, ActivityState, RunResult
from stack.errors import InputError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.mgmt.datafactory.models import ActivityRun, PipelineRun

Progress = Callable[[RunResult], None]

JSON_OPENINGS = ("{", "[", '"')
"""A value that starts with one of these means JSON: if it does not parse, it is a mistake, not text."""


class ParameterError(InputError):
    """A pipeline parameter that cannot be sent: not NAME=VALUE, a name given twice, or broken JSON."""


def parse_parameter(text: str) -> tuple[str, Any]:
    """`NAME=VALUE`: VALUE is JSON when it parses (3, true, [1, 2], {...}, "text"), else the text as given.

    A VALUE that opens like JSON (`{`, `[`, `"`) but does not parse is refused, naming the parameter and
    the JSON error, rather than sent as text. NaN and Infinity are not JSON, so they stay text.
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParameterError(f"--param {text!r}: expected NAME=VALUE, e.g. --param day=2025-01-31")

    def no_constants(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return name, json.loads(raw, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        if raw.lstrip().startswith(JSON_OPENINGS):
            raise ParameterError(
                f"--param {name}: the value opens like JSON but is not JSON ({exc.msg} at line {exc.lineno} column "
                f'{exc.colno}); fix it, or send text that starts with {{, [ or " as a JSON string: '
                f"{name}={json.dumps(raw)}"
            ) from None
    except ValueError:
        pass
    return name, raw


def parse_parameters(texts: Sequence[str]) -> dict[str, Any]:
    """Every `NAME=VALUE`, by name. A name given twice, even in another letter case, is refused: ADF pipeline
    parameter names are case-insensitive and must be unique (https://learn.microsoft.com/azure/data-factory/naming-rules).
    """
    parameters: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for text in texts:
        name, value = parse_parameter(text)
        if name.lower() in seen:
            same = "" if seen[name.lower()] == name else f" (as {seen[name.lower()]}; parameter names ignore case)"
            raise ParameterError(f"--param {name} is given more than once{same}")
        seen[name.lower()] = name
        parameters[name] = value
    return parameters


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
    """Create a run of `pipeline`; with `wait`, follow it to its end. Azure's refusals raise AzureRefusedError.

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
    with azure_refusals(f"pipeline '{pipeline}'"):
        created = factory.client.pipelines.create_run(
            factory.resource_group, factory.name, pipeline, dict(parameters) if parameters else None
        )
    result = RunResult(pipeline, str(created.run_id), "Queued")
    if on_progress is not None:
        on_progress(result)
    if not wait:
        return result
    with azure_refusals(f"run {result.run_id} of pipeline '{pipeline}'"):
        return wait_for_run(
            factory,
            result.run_id,
            pipeline=pipeline,
            timeout_seconds=timeout_seconds,
            poll_seconds=poll_seconds,
            on_progress=on_progress,
        )
