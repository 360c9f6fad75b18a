"""Run ids, blob names, timer occurrences, request parameters and app settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from eventgen.batch import BatchSpec, blob_name, derive_seed, http_batch, scheduled_occurrence, timer_batch
from eventgen.params import MAX_ROWS, GenerateRequest, ParameterError, parse_generate_request
from eventgen.settings import Settings, SettingsError

NOW = datetime(2024, 5, 1, 10, 0, 0, 400_000, tzinfo=UTC)


def parse(query: dict[str, str] | None = None, body: object = None) -> GenerateRequest:
    raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return parse_generate_request(query or {}, raw, default_rows=10_000, default_dirty_share=0.05, now=NOW)


# --- blob names and run ids -------------------------------------------------------


def test_blob_name_is_partitioned_by_the_window_start_hour() -> None:
    start = datetime(2024, 5, 1, 9, 45, tzinfo=UTC)
    assert blob_name(start, "timer-20240501T1000Z") == "events/2024/05/01/09/events_timer-20240501T1000Z.csv"


@pytest.mark.parametrize(
    ("local_start", "expected"),
    [
        # 06:00 in India is 00:30 UTC the same day.
        (datetime(2024, 5, 1, 6, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))), "events/2024/05/01/00/"),
        # 16:30 on April 30th in California is 00:30 UTC on May 1st: the day, month and hour all change.
        (datetime(2024, 4, 30, 16, 30, tzinfo=timezone(timedelta(hours=-8))), "events/2024/05/01/00/"),
        # 23:59 at +05:30 is 18:29 UTC the same day.
        (datetime(2024, 5, 1, 23, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))), "events/2024/05/01/18/"),
    ],
)
def test_blob_name_partitions_an_offset_start_by_its_utc_hour(local_start: datetime, expected: str) -> None:
    assert blob_name(local_start, "x") == f"{expected}events_x.csv"


def test_timer_batch_is_a_function_of_the_occurrence() -> None:
    occurrence = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    a = timer_batch(occurrence, rows=100, dirty_share=0.05, window_minutes=15, base_seed=0)
    b = timer_batch(occurrence + timedelta(seconds=20), rows=100, dirty_share=0.05, window_minutes=15, base_seed=0)
    assert a == b
    assert a.run_id == "timer-20240501T1000Z"
    assert a.blob_name == "events/2024/05/01/09/events_timer-20240501T1000Z.csv"
    assert (a.window_start, a.window_end) == (occurrence - timedelta(minutes=15), occurrence)
    later = timer_batch(occurrence + timedelta(minutes=15), rows=100, dirty_share=0.05, window_minutes=15, base_seed=0)
    assert later.run_id != a.run_id and later.seed != a.seed
    other_base = timer_batch(occurrence, rows=100, dirty_share=0.05, window_minutes=15, base_seed=1)
    assert other_base.run_id == a.run_id and other_base.seed != a.seed


def test_http_batch_run_id_hashes_every_parameter() -> None:
    start = datetime(2024, 5, 1, tzinfo=UTC)

    def batch(rows: int = 10, seed: int = 1, hour: int = 0, dirty_share: float = 0.05) -> BatchSpec:
        window_start = start + timedelta(hours=hour)
        return http_batch(
            rows=rows,
            seed=seed,
            window_start=window_start,
            window_end=start + timedelta(days=1),
            dirty_share=dirty_share,
        )

    spec = batch()
    assert spec == batch()
    assert spec.run_id.startswith("http-") and len(spec.run_id) == 21
    assert spec.blob_name == f"events/2024/05/01/00/events_{spec.run_id}.csv"
    variants = [batch(rows=11), batch(seed=2), batch(dirty_share=0.1), batch(hour=1)]
    assert len({spec.run_id, *(v.run_id for v in variants)}) == 5


def test_derive_seed_is_stable_and_63_bit() -> None:
    assert derive_seed("timer", 0, "timer-20240501T1000Z") == derive_seed("timer", 0, "timer-20240501T1000Z")
    seeds = {derive_seed("x", i) for i in range(1000)}
    assert len(seeds) == 1000
    assert all(0 <= s < 2**63 for s in seeds)


# --- timer occurrences --------------------------------------------------------------


@pytest.mark.parametrize(
    "next_value",
    ["2024-05-01T10:00:00+00:00", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00", "2024-05-01T10:00:00.0000000+00:00"],
)
def test_occurrence_comes_from_the_schedule_status(next_value: str) -> None:
    status = {"Last": "2024-05-01T09:45:00+00:00", "Next": next_value, "LastUpdated": "2024-05-01T09:45:00+00:00"}
    assert scheduled_occurrence(status, NOW, 15) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_past_due_occurrence_is_kept_for_catch_up() -> None:
    status = {"Next": "2024-05-01T07:15:00+00:00"}
    assert scheduled_occurrence(status, NOW, 15) == datetime(2024, 5, 1, 7, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2024, 5, 1, 10, 0, 0, 500_000, tzinfo=UTC), datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        (datetime(2024, 5, 1, 9, 59, 59, 700_000, tzinfo=UTC), datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),  # fired early
        (datetime(2024, 5, 1, 10, 7, tzinfo=UTC), datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),  # a retry, later
        (datetime(2024, 5, 1, 10, 14, tzinfo=UTC), datetime(2024, 5, 1, 10, 15, tzinfo=UTC)),
    ],
)
def test_occurrence_falls_back_to_the_clock(now: datetime, expected: datetime) -> None:
    for status in (None, {}, {"Next": "0001-01-01T00:00:00"}, {"Next": "garbage"}, {"Next": "2019-01-01T00:00:00Z"}):
        assert scheduled_occurrence(status, now, 15) == expected


# --- HTTP parameters ------------------------------------------------------------------


def test_defaults() -> None:
    request = parse()
    assert request.rows == 10_000
    assert request.dirty_share == 0.05
    assert request.window_start == datetime(2024, 5, 1, tzinfo=UTC)
    assert request.window_end == datetime(2024, 5, 2, tzinfo=UTC)
    assert request.seed_was_given is False
    assert 0 <= request.seed < 2**63


def test_body_and_query_parameters() -> None:
    from_body = parse(body={"rows": 500, "seed": 3, "date": "2024-02-29", "dirty_share": 0.2})
    from_query = parse(query={"rows": "500", "seed": "3", "date": "2024-02-29", "dirty_share": "0.2", "code": "k"})
    mixed = parse(query={"rows": "500", "date": "2024-02-29"}, body={"seed": 3, "dirty_share": "0.2", "rows": 500})
    assert from_body == from_query == mixed
    assert from_body.window_start == datetime(2024, 2, 29, tzinfo=UTC)


def test_a_date_time_selects_one_utc_hour() -> None:
    request = parse(body={"date": "2024-05-01T15:30:00+05:30"})
    assert request.window_start == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert request.window_end == datetime(2024, 5, 1, 11, tzinfo=UTC)
    assert parse(body={"date": "2024-05-01T23Z"}).window_start == datetime(2024, 5, 1, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "body", "parameter", "fragment"),
    [
        ({"rows": "abc"}, None, "rows", f"an integer from 1 to {MAX_ROWS}"),
        ({"rows": "0"}, None, "rows", "from 1 to"),
        ({"rows": str(MAX_ROWS + 1)}, None, "rows", str(MAX_ROWS + 1)),
        (None, {"rows": -5}, "rows", "-5"),
        (None, {"rows": 10.5}, "rows", "10.5"),
        (None, {"rows": True}, "rows", "True"),
        (None, {"rows": "1e3"}, "rows", "1e3"),
        ({"seed": "-1"}, None, "seed", "from 0 to 9223372036854775807"),
        (None, {"seed": 2**63}, "seed", str(2**63)),
        ({"date": "2024-13-01"}, None, "date", "YYYY-MM-DD"),
        ({"date": "2024-02-30"}, None, "date", "2024-02-30"),
        ({"date": "yesterday"}, None, "date", "yesterday"),
        ({"date": "1999-12-31"}, None, "date", "from 2000-01-01 to 2099-12-31"),
        (None, {"date": 20240501}, "date", "20240501"),
        ({"dirty_share": "lots"}, None, "dirty_share", "a number from 0 to 1"),
        (None, {"dirty_share": 1.5}, "dirty_share", "1.5"),
        (None, {"dirty_share": -0.1}, "dirty_share", "-0.1"),
        ({"dirty_share": "nan"}, None, "dirty_share", "nan"),
        ({"row": "5"}, None, "row", "allowed: rows, seed, date, dirty_share"),
        (None, {"size": 5}, "size", "unknown parameter"),
        (None, b"{not json", "body", "JSON object"),
        (None, [1, 2], "body", "JSON object"),
        ({"rows": "5"}, {"rows": 6}, "rows", "different values"),
    ],
)
def test_bad_parameters_name_the_parameter_and_what_is_allowed(
    query: dict[str, str] | None, body: object, parameter: str, fragment: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        parse(query=query, body=body)
    assert caught.value.parameter == parameter
    assert fragment in str(caught.value)


# --- app settings -----------------------------------------------------------------------


def test_settings_defaults_and_values() -> None:
    assert Settings.from_env({}) == Settings(blob_endpoint=None)
    settings = Settings.from_env(
        {
            "LAKE_BLOB_ENDPOINT": "https://lake.blob.core.windows.net/",
            "GENERATOR_DIRTY_SHARE": "0.1",
            "GENERATOR_ROWS": "2500",
            "GENERATOR_WINDOW_MINUTES": "5",
            "GENERATOR_SEED": "9",
            "BRONZE_CONTAINER": "landing",
        }
    )
    assert settings == Settings("https://lake.blob.core.windows.net/", "landing", 2500, 0.1, 5, 9)
    assert settings.require_endpoint() == "https://lake.blob.core.windows.net/"


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"LAKE_BLOB_ENDPOINT": "lake.blob.core.windows.net"}, "LAKE_BLOB_ENDPOINT"),
        ({"GENERATOR_DIRTY_SHARE": "2"}, "GENERATOR_DIRTY_SHARE"),
        ({"GENERATOR_DIRTY_SHARE": "x"}, "GENERATOR_DIRTY_SHARE"),
        ({"GENERATOR_ROWS": "0"}, "GENERATOR_ROWS"),
        ({"GENERATOR_WINDOW_MINUTES": "7"}, "GENERATOR_WINDOW_MINUTES"),
        ({"GENERATOR_SEED": "-3"}, "GENERATOR_SEED"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


def test_writing_needs_the_lake_endpoint() -> None:
    with pytest.raises(SettingsError, match="LAKE_BLOB_ENDPOINT is not set"):
        Settings.from_env({}).require_endpoint()
