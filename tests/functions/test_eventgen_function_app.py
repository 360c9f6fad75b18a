"""The v2-model app: trigger/binding metadata, and the decorated functions invoked directly."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import azure.functions as func
import function_app
import pytest
from azure.functions.timer import TimerRequest
from azure.storage.blob import ContainerClient
from eventgen.batch import http_batch, timer_batch
from eventgen.generator import generate_csv
from eventgen.handlers import AppRuntime
from eventgen.storage import RetryPolicy, UploadError

from tests.functions.conftest import blob_names, no_sleep
from tools.azurite import Azurite, free_port

NOON = datetime(2024, 5, 1, 12, 0, 0, 250_000, tzinfo=UTC)


@functools.cache
def functions() -> dict[str, Any]:
    """The indexed functions, as the worker sees them (the app indexes only once per process)."""
    return {str(fn.get_function_name()): fn for fn in function_app.app.get_functions()}


def invoke_http(body: object = None, params: dict[str, str] | None = None, method: str = "POST") -> func.HttpResponse:
    raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = func.HttpRequest(method=method, url="/api/generate", params=params or {}, body=raw)
    response: func.HttpResponse = functions()["generate_on_demand"].get_user_function()(request)
    return response


def invoke_timer(next_occurrence: str | None, past_due: bool = False) -> None:
    status = None if next_occurrence is None else {"Last": "", "Next": next_occurrence, "LastUpdated": ""}
    timer = TimerRequest(past_due=past_due, schedule_status=status)  # what the worker decodes the trigger into
    functions()["generate_scheduled"].get_user_function()(timer)


def payload(response: func.HttpResponse) -> dict[str, Any]:
    assert response.mimetype == "application/json"
    body: dict[str, Any] = json.loads(response.get_body())
    return body


@pytest.fixture
def use_runtime(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppRuntime]:
    """Swap the app's process-wide runtime (settings, credential, clock, no-wait retries)."""

    def install(
        env: dict[str, str], clock: datetime = NOON, credential_factory: Callable[[], Any] = Azurite.credential
    ) -> AppRuntime:
        runtime = AppRuntime(
            environ=env,
            credential_factory=credential_factory,
            clock=lambda: clock,
            sleep=no_sleep,
            policy=RetryPolicy(max_attempts=2, initial_delay=0.01),
        )
        monkeypatch.setattr(function_app, "runtime", runtime)
        return runtime

    return install


@pytest.fixture
def lake(
    azurite: Azurite, bronze: ContainerClient, use_runtime: Callable[..., AppRuntime]
) -> Iterator[ContainerClient]:
    use_runtime({"LAKE_BLOB_ENDPOINT": azurite.account_url, "GENERATOR_ROWS": "3000"})
    yield bronze


# --- metadata -------------------------------------------------------------------------------


def test_the_app_defines_exactly_the_two_functions() -> None:
    assert sorted(functions()) == ["generate_on_demand", "generate_scheduled"]
    assert function_app.app.auth_level == func.AuthLevel.FUNCTION


def test_timer_trigger_reads_its_schedule_from_an_app_setting() -> None:
    fn = functions()["generate_scheduled"]
    trigger = fn.get_trigger()
    assert trigger.get_binding_name() == "timerTrigger"
    assert [json.loads(b) for b in fn.get_raw_bindings()] == [
        {
            "direction": "IN",
            "type": "timerTrigger",
            "name": "timer",
            "schedule": "%GENERATOR_SCHEDULE%",
            "runOnStartup": False,
            "useMonitor": True,
        }
    ]
    retry = fn.get_settings_dict("retry_policy")
    assert retry is not None
    assert retry["strategy"] == "exponential_backoff"
    assert retry["max_retry_count"] == "3"


def test_http_trigger_is_post_only_with_function_keys() -> None:
    fn = functions()["generate_on_demand"]
    assert fn.is_http_function()
    bindings = [json.loads(b) for b in fn.get_raw_bindings()]
    assert bindings == [
        {
            "direction": "IN",
            "type": "httpTrigger",
            "name": "req",
            "methods": ["POST"],
            "authLevel": "FUNCTION",
            "route": "generate",
        },
        {"direction": "OUT", "type": "http", "name": "$return"},
    ]


# --- HTTP: rejected requests never reach storage ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "params", "parameter", "fragment"),
    [
        ({"rows": "many"}, None, "rows", "rows must be an integer from 1 to 1000000, got 'many'"),
        ({"rows": 1_000_001}, None, "rows", "from 1 to 1000000"),
        (None, {"rows": "0"}, "rows", "from 1 to 1000000"),
        ({"seed": "x"}, None, "seed", "seed must be an integer from 0 to"),
        ({"date": "2024-02-30"}, None, "date", "date must be a date YYYY-MM-DD"),
        (None, {"date": "01/05/2024"}, "date", "01/05/2024"),
        ({"dirty_share": 2}, None, "dirty_share", "dirty_share must be a number from 0 to 1, got 2"),
        ({"dirty_share": "high"}, None, "dirty_share", "a number from 0 to 1"),
        ({"rows": 10, "colour": "red"}, None, "colour", "unknown parameter 'colour'"),
        (b"rows=10", None, "body", "must be a JSON object"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(
    use_runtime: Callable[..., AppRuntime], body: object, params: dict[str, str] | None, parameter: str, fragment: str
) -> None:
    credentials: list[int] = []

    def counting_credential() -> Any:
        credentials.append(1)
        return Azurite.credential()

    use_runtime({"LAKE_BLOB_ENDPOINT": "http://127.0.0.1:1/devstoreaccount1"}, credential_factory=counting_credential)
    response = invoke_http(body, params)
    assert response.status_code == 400
    answer = payload(response)
    assert answer["error"] == "invalid_parameter"
    assert answer["parameter"] == parameter
    assert fragment in answer["message"]
    assert credentials == []  # validation happens before any storage client exists


def test_a_missing_lake_setting_is_a_500_naming_it(use_runtime: Callable[..., AppRuntime]) -> None:
    use_runtime({})
    response = invoke_http({"rows": 10, "seed": 1})
    assert response.status_code == 500
    assert "LAKE_BLOB_ENDPOINT" in payload(response)["message"]


def test_unreachable_storage_is_a_503_after_bounded_retries(use_runtime: Callable[..., AppRuntime]) -> None:
    use_runtime({"LAKE_BLOB_ENDPOINT": f"http://127.0.0.1:{free_port()}/devstoreaccount1"})
    response = invoke_http({"rows": 10, "seed": 1})
    assert response.status_code == 503
    answer = payload(response)
    assert answer["error"] == "storage"
    assert "after 2 attempt(s)" in answer["message"]


# --- HTTP: success --------------------------------------------------------------------------------


def test_a_valid_request_writes_the_batch_and_returns_its_path_and_row_count(lake: ContainerClient) -> None:
    response = invoke_http({"rows": 2500, "seed": 7, "date": "2024-05-01"}, params={"code": "function-key"})
    assert response.status_code == 200
    answer = payload(response)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    spec = http_batch(rows=2500, seed=7, window_start=start, window_end=start + timedelta(days=1), dirty_share=0.05)
    assert answer["container"] == "bronze"
    assert answer["blob"] == spec.blob_name == f"events/2024/05/01/00/events_{spec.run_id}.csv"
    assert answer["rows"] == 2500
    assert answer["seed"] == 7
    assert (answer["window_start"], answer["window_end"]) == ("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")
    content = lake.download_blob(answer["blob"]).readall()
    assert content == generate_csv(spec.generator_config())
    assert answer["bytes"] == len(content)
    assert content.count(b"\n") == 2501
    assert blob_names(lake) == [answer["blob"]]


def test_repeating_a_seeded_request_rewrites_the_same_blob(lake: ContainerClient) -> None:
    first = payload(invoke_http({"rows": 300, "seed": 1, "date": "2024-05-01T08:00:00Z"}))
    second = payload(invoke_http(params={"rows": "300", "seed": "1", "date": "2024-05-01T08:00:00Z"}))
    assert first == second
    assert first["blob"].startswith("events/2024/05/01/08/")
    assert blob_names(lake) == [first["blob"]]


def test_without_a_seed_each_request_is_a_new_batch(lake: ContainerClient) -> None:
    first = payload(invoke_http({"rows": 100}))
    second = payload(invoke_http({"rows": 100}))
    assert first["seed"] != second["seed"]
    assert first["blob"].startswith("events/2024/05/01/00/")  # default: the current UTC day
    assert blob_names(lake) == sorted([first["blob"], second["blob"]])


# --- timer ----------------------------------------------------------------------------------------


def test_a_timer_occurrence_writes_its_batch(lake: ContainerClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="eventgen")
    invoke_timer("2024-05-01T12:00:00+00:00")
    spec = timer_batch(
        datetime(2024, 5, 1, 12, tzinfo=UTC), rows=3000, dirty_share=0.05, window_minutes=15, base_seed=0
    )
    assert blob_names(lake) == ["events/2024/05/01/11/events_timer-20240501T1200Z.csv"] == [spec.blob_name]
    assert lake.download_blob(spec.blob_name).readall() == generate_csv(spec.generator_config())
    written = [r for r in caplog.records if getattr(r, "event", None) == "batch_written"]
    assert len(written) == 1
    record: Any = written[0]
    assert (record.run_id, record.trigger, record.rows) == ("timer-20240501T1200Z", "timer", 3000)
    assert record.blob == f"bronze/{spec.blob_name}"
    assert record.bytes > 0 and record.blocks == 1
    assert json.loads(record.getMessage().split(" ", 1)[1])["run_id"] == "timer-20240501T1200Z"


def test_a_retried_timer_run_leaves_exactly_one_blob(
    lake: ContainerClient, use_runtime: Callable[..., AppRuntime], azurite: Azurite
) -> None:
    invoke_timer("2024-05-01T12:00:00+00:00")
    first = lake.download_blob(blob_names(lake)[0]).readall()
    # The host retries the invocation a minute later with the same trigger data.
    use_runtime(
        {"LAKE_BLOB_ENDPOINT": azurite.account_url, "GENERATOR_ROWS": "3000"}, clock=NOON + timedelta(minutes=1)
    )
    invoke_timer("2024-05-01T12:00:00+00:00")
    # Without a schedule status (first run ever), the clock gives the same occurrence.
    invoke_timer(None)
    assert blob_names(lake) == ["events/2024/05/01/11/events_timer-20240501T1200Z.csv"]
    assert lake.download_blob(blob_names(lake)[0]).readall() == first


def test_consecutive_occurrences_write_consecutive_batches(lake: ContainerClient) -> None:
    invoke_timer("2024-05-01T11:45:00+00:00")
    invoke_timer("2024-05-01T12:00:00+00:00")
    assert blob_names(lake) == [
        "events/2024/05/01/11/events_timer-20240501T1145Z.csv",
        "events/2024/05/01/11/events_timer-20240501T1200Z.csv",
    ]


def test_a_failed_timer_run_raises_so_the_host_retries_it(use_runtime: Callable[..., AppRuntime]) -> None:
    use_runtime({"LAKE_BLOB_ENDPOINT": f"http://127.0.0.1:{free_port()}/devstoreaccount1"})
    with pytest.raises(UploadError, match="after 2 attempt"):
        invoke_timer("2024-05-01T12:00:00+00:00")
