"""Uploads against Azurite: naming, idempotent re-runs, retries, and interrupted uploads.

"Never visible half-written" is checked from a second client, the way a
downstream reader (Data Factory) sees the container: while an upload is in
flight, and after it was interrupted at many points, the blob is either absent
or holds a complete batch (the previous one, for an overwrite) - never a part.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError
from azure.storage.blob import ContainerClient
from eventgen.batch import BatchSpec, http_batch, timer_batch
from eventgen.generator import generate_csv
from eventgen.service import write_batch
from eventgen.storage import RetryPolicy, UploadError, block_id, call_with_retry, is_transient, upload_atomically

from tests.functions.conftest import CONTAINER, blob_names, client, no_sleep
from tests.support.outage_relay import LOOPBACK, OutageRelay
from tools.azurite import AZURITE_ACCOUNT, Azurite, free_port

BLOCK = 64 * 1024  # small blocks: a ~1 MB batch is ~15 staged blocks
FAST_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.02)


def batch(rows: int = 9000, seed: int = 5, hour: int = 10) -> BatchSpec:
    start = datetime(2024, 5, 1, hour, tzinfo=UTC)
    return http_batch(rows=rows, seed=seed, window_start=start, window_end=start + timedelta(hours=1), dirty_share=0.05)


def expected_blocks(spec: BatchSpec) -> int:
    return -(-len(generate_csv(spec.generator_config())) // BLOCK)


def download(container: ContainerClient, name: str) -> bytes:
    return container.download_blob(name).readall()


class Crash(BaseException):
    """Simulated death of the process (not an Exception: nothing may catch and retry it)."""


# --- the happy path ------------------------------------------------------------------------------


def test_a_batch_lands_in_bronze_with_its_name_and_exact_content(bronze: ContainerClient) -> None:
    spec = batch()
    result = write_batch(spec, bronze, block_size=BLOCK)
    expected = generate_csv(spec.generator_config())
    assert blob_names(bronze) == [spec.blob_name]
    assert spec.blob_name == f"events/2024/05/01/10/events_{spec.run_id}.csv"
    assert download(bronze, spec.blob_name) == expected
    assert (result.size, result.blocks) == (len(expected), expected_blocks(spec))
    committed, uncommitted = bronze.get_blob_client(spec.blob_name).get_block_list("all")
    assert [b.id for b in committed] == [block_id(i) for i in range(result.blocks)]
    assert uncommitted == []
    props = bronze.get_blob_client(spec.blob_name).get_blob_properties()
    assert props.content_settings.content_type == "text/csv; charset=utf-8"
    assert props.metadata["sha256"] == result.sha256
    assert props.metadata["run_id"] == spec.run_id
    assert props.metadata["rows"] == str(spec.rows)


def test_a_retried_run_overwrites_its_own_blob(bronze: ContainerClient) -> None:
    occurrence = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    spec = timer_batch(occurrence, rows=4000, dirty_share=0.05, window_minutes=15, base_seed=0)
    first = write_batch(spec, bronze, block_size=BLOCK)
    again = timer_batch(occurrence, rows=4000, dirty_share=0.05, window_minutes=15, base_seed=0)
    second = write_batch(again, bronze, block_size=BLOCK)
    assert blob_names(bronze) == [spec.blob_name]
    assert first.sha256 == second.sha256
    assert download(bronze, spec.blob_name) == generate_csv(spec.generator_config())


def test_an_empty_batch_is_a_header_only_blob(bronze: ContainerClient) -> None:
    result = upload_atomically(bronze, "events/empty.csv", iter([b"h\n"]), block_size=BLOCK)
    assert result.blocks == 1
    assert download(bronze, "events/empty.csv") == b"h\n"


# --- retry policy ------------------------------------------------------------------------------------


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(initial_delay=0.5, multiplier=2.0, max_delay=8.0, jitter=0.2)
    assert [policy.backoff(n, lambda: 0.5) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert policy.backoff(3, lambda: 0.0) == pytest.approx(1.6)
    assert policy.backoff(3, lambda: 1.0) == pytest.approx(2.4)


def test_transient_errors_are_retried_a_bounded_number_of_times() -> None:
    calls: list[int] = []
    sleeps: list[float] = []

    def always_down() -> None:
        calls.append(1)
        raise ServiceRequestError("connection refused")

    with pytest.raises(UploadError) as caught:
        call_with_retry("stage_block", always_down, policy=RetryPolicy(max_attempts=4, jitter=0.0), sleep=sleeps.append)
    assert len(calls) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert caught.value.attempts == 4 and caught.value.transient
    assert isinstance(caught.value.__cause__, ServiceRequestError)


def test_a_transient_status_is_retried_until_it_succeeds() -> None:
    answers: list[Callable[[], str]] = [
        lambda: _raise(HttpResponseError(message="busy", response=_Status(503))),
        lambda: _raise(HttpResponseError(message="throttled", response=_Status(429))),
        lambda: "ok",
    ]
    result, attempts = call_with_retry("commit", lambda: answers.pop(0)(), policy=RetryPolicy(), sleep=no_sleep)
    assert (result, attempts) == ("ok", 3)


@pytest.mark.parametrize("status", [400, 403, 404, 409])
def test_permanent_errors_are_not_retried(status: int) -> None:
    calls: list[int] = []

    def refused() -> None:
        calls.append(1)
        raise HttpResponseError(message="no", response=_Status(status))

    with pytest.raises(HttpResponseError):
        call_with_retry("commit", refused, policy=RetryPolicy(), sleep=no_sleep)
    assert len(calls) == 1
    assert not is_transient(HttpResponseError(message="no", response=_Status(status)))


def test_the_sdk_does_not_retry_on_its_own() -> None:
    """Against a closed port, each of our attempts is exactly one HTTP request (SDK retries are off)."""
    sent: list[str] = []
    unreachable = f"http://127.0.0.1:{free_port()}/devstoreaccount1"
    from eventgen.storage import make_container_client

    container = make_container_client(
        unreachable,
        CONTAINER,
        credential=Azurite.credential(),
        raw_request_hook=lambda r: sent.append(r.http_request.url),
    )
    with pytest.raises(UploadError) as caught:
        upload_atomically(container, "events/x.csv", iter([b"a\n"]), policy=FAST_RETRY, sleep=no_sleep)
    assert caught.value.operation == "stage_block"
    assert len(sent) == FAST_RETRY.max_attempts


# --- interrupted uploads -------------------------------------------------------------------------------


def test_a_blob_is_invisible_while_its_blocks_are_staged(bronze: ContainerClient, azurite: Azurite) -> None:
    spec = batch()
    reader = client(azurite)
    seen: list[tuple[list[str], int]] = []

    def look(request: Any) -> None:
        if "comp=block&" in request.http_request.url or "comp=blocklist" in request.http_request.url:
            seen.append((blob_names(reader), _staged(reader, spec.blob_name)))

    writer = client(azurite, raw_request_hook=look)
    write_batch(spec, writer, block_size=BLOCK)
    blocks = expected_blocks(spec)
    # Before each request: nothing listed, and the staged blocks pile up unseen - until the commit.
    assert seen == [([], staged) for staged in range(blocks + 1)]
    assert blob_names(reader) == [spec.blob_name]


_containers = itertools.count()


@dataclass
class Account:
    """The emulator's account as the uploads reach it: through a relay that `stop` takes down (connections refused,
    the open ones reset) and `start` brings back on the same port, while Azurite keeps running with its data."""

    relay: OutageRelay

    @property
    def account_url(self) -> str:
        return f"http://{LOOPBACK}:{self.relay.port}/{AZURITE_ACCOUNT}"

    def stop(self) -> None:
        self.relay.stop()

    def start(self) -> None:
        self.relay.start()


@pytest.fixture
def outage(azurite: Azurite) -> Iterator[tuple[Account, str]]:
    """The account behind a relay that the test takes down and brings back, and a new, empty container of its own."""
    container = f"outage-{next(_containers)}"
    client(azurite, container).create_container()
    with OutageRelay(azurite.port) as relay:
        yield Account(relay), container


@pytest.mark.parametrize("overwrite", [False, True], ids=["new-blob", "overwrite"])
def test_an_outage_mid_upload_leaves_no_partial_blob(outage: tuple[Account, str], overwrite: bool) -> None:
    """The account goes away while blocks are being staged (the open connection reset, new ones refused), then
    comes back on the same address."""
    server, container = outage
    spec = batch(rows=12_000)
    expected = generate_csv(spec.generator_config())
    previous = generate_csv(batch(rows=3000, seed=77).generator_config())
    if overwrite:  # an older complete version of the same blob
        upload_atomically(client(server, container), spec.blob_name, iter([previous]), block_size=BLOCK)
    visible_before = previous if overwrite else None
    stage_requests = 0
    during: list[bytes | None] = []

    def stop_on_the_fourth_block(request: Any) -> None:
        nonlocal stage_requests
        if "comp=block&" in request.http_request.url:
            stage_requests += 1
            if stage_requests == 4:
                during.append(_visible(client(server, container), spec.blob_name))
                server.stop()

    writer = client(server, container, raw_request_hook=stop_on_the_fourth_block)
    with pytest.raises(UploadError) as caught:
        write_batch(spec, writer, policy=FAST_RETRY, sleep=no_sleep, block_size=BLOCK)
    assert caught.value.operation == "stage_block" and caught.value.transient
    assert during == [visible_before]  # mid-upload, a reader saw only the old state

    server.start()  # same address; the account kept what it had
    reader = client(server, container)
    assert blob_names(reader) == ([spec.blob_name] if overwrite else [])
    assert _visible(reader, spec.blob_name) == visible_before

    write_batch(spec, client(server, container), block_size=BLOCK)  # the retried run
    assert blob_names(reader) == [spec.blob_name]
    assert download(reader, spec.blob_name) == expected
    committed, uncommitted = reader.get_blob_client(spec.blob_name).get_block_list("all")
    assert (len(committed), uncommitted) == (expected_blocks(spec), [])


def test_an_outage_shorter_than_the_retry_budget_is_ridden_out(outage: tuple[Account, str]) -> None:
    server, container = outage
    spec = batch(rows=12_000)
    stage_requests = 0
    sleeps: list[float] = []

    def stop_on_the_third_block(request: Any) -> None:
        nonlocal stage_requests
        if "comp=block&" in request.http_request.url:
            stage_requests += 1
            if stage_requests == 3:
                server.stop()

    def restart_on_second_backoff(delay: float) -> None:
        sleeps.append(delay)
        if len(sleeps) == 2:
            server.start()

    writer = client(server, container, raw_request_hook=stop_on_the_third_block)
    result = write_batch(
        spec, writer, policy=RetryPolicy(max_attempts=5), sleep=restart_on_second_backoff, block_size=BLOCK
    )
    assert len(sleeps) == 2  # two failed attempts of the third block, then success
    assert result.requests == result.blocks + 1 + 2
    reader = client(server, container)
    assert blob_names(reader) == [spec.blob_name]
    assert download(reader, spec.blob_name) == generate_csv(spec.generator_config())


@pytest.mark.parametrize("seed", [11, 23, 37, 41, 59])
def test_uploads_interrupted_at_random_points_leave_no_partial_and_no_duplicate(
    bronze: ContainerClient, azurite: Azurite, seed: int
) -> None:
    """The writer dies before a request is sent, or after its response arrived, at a random request."""
    spec = batch(rows=6000, seed=seed)
    expected = generate_csv(spec.generator_config())
    requests = expected_blocks(spec) + 1  # stage every block, then commit
    chooser = random.Random(seed)
    victim = chooser.randrange(requests)
    phase = chooser.choice(["before_send", "after_response"])
    counter = {"before_send": 0, "after_response": 0}

    def hook(kind: str) -> Callable[[Any], None]:
        def maybe_die(_: Any) -> None:
            if counter[kind] == victim and kind == phase:
                raise Crash(f"{kind} #{victim}")
            counter[kind] += 1

        return maybe_die

    writer = client(azurite, raw_request_hook=hook("before_send"), raw_response_hook=hook("after_response"))
    with pytest.raises(Crash):
        write_batch(spec, writer, block_size=BLOCK)
    committed = victim == requests - 1 and phase == "after_response"  # died after the commit succeeded
    assert blob_names(bronze) == ([spec.blob_name] if committed else [])
    if committed:
        assert download(bronze, spec.blob_name) == expected

    write_batch(spec, client(azurite), block_size=BLOCK)  # the retried run
    assert blob_names(bronze) == [spec.blob_name]
    assert download(bronze, spec.blob_name) == expected


# --- helpers ---------------------------------------------------------------------------------------------


def _visible(container: ContainerClient, name: str) -> bytes | None:
    try:
        return download(container, name)
    except ResourceNotFoundError:
        return None


def _staged(container: ContainerClient, name: str) -> int:
    """Uncommitted blocks of a blob (404 while there are none and no committed blob)."""
    try:
        return len(container.get_blob_client(name).get_block_list("uncommitted")[1])
    except ResourceNotFoundError:
        return 0


def _raise(error: BaseException) -> str:
    raise error


class _Status:
    """The bits of an HTTP response that ``HttpResponseError`` reads."""

    def __init__(self, status: int) -> None:
        self.status_code = status
        self.reason = "test"
        self.headers: dict[str, str] = {}
        self.request = None

    def text(self) -> str:
        return ""
