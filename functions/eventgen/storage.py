"""Atomic, retried uploads of a batch to Blob Storage.

A batch is uploaded as one block blob: the CSV stream is cut into fixed-size
blocks, each block is staged (``Put Block``), and the block list is committed
once at the end (``Put Block List``).  Staged blocks are invisible: until the
commit the blob either does not exist or keeps its previous complete content,
and the commit replaces the content atomically.  So a reader never sees a
half-written batch, whatever point an upload is interrupted at.

Retries are owned here, explicitly: every request is retried on transient
errors (connection failures, timeouts, 408/429/5xx) with exponential backoff,
a bounded number of times.  The SDK's own retry policy is switched off
(``retry_total=0``) so the two never multiply.  Block ids are a function of
the block's position, so re-staging a block after a failure replaces it, and a
re-run of the same batch stages and commits the same blocks again.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from azure.core.exceptions import (
    HttpResponseError,
    IncompleteReadError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import BlobBlock, BlobServiceClient, BlockState, ContainerClient, ContentSettings

from eventgen.logs import log_event

T = TypeVar("T")
logger = logging.getLogger("eventgen.storage")

DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024
TRANSIENT_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
CONNECTION_TIMEOUT_S = 20
READ_TIMEOUT_S = 120
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` tries per request; the n-th retry waits
    ``min(max_delay, initial_delay * multiplier**(n-1))`` seconds, +/- ``jitter``."""

    max_attempts: int = 5
    initial_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")

    def backoff(self, retry: int, uniform: Callable[[], float] = random.random) -> float:
        base = min(self.max_delay, self.initial_delay * self.multiplier ** (retry - 1))
        return base * (1.0 - self.jitter + 2.0 * self.jitter * uniform())


class UploadError(RuntimeError):
    """A request still failed after the retry policy's last attempt (``__cause__`` is the last error)."""

    def __init__(self, operation: str, attempts: int, error: BaseException) -> None:
        super().__init__(f"{operation} failed after {attempts} attempt(s): {type(error).__name__}: {error}")
        self.operation = operation
        self.attempts = attempts
        self.transient = is_transient(error)


def is_transient(error: BaseException) -> bool:
    """Errors worth retrying: the service was unreachable, the connection broke,
    or it answered with a status that says "try again later"."""
    if isinstance(error, ServiceRequestError | ServiceResponseError | IncompleteReadError):
        return True
    if isinstance(error, HttpResponseError):
        return error.status_code in TRANSIENT_STATUS_CODES
    return False


def call_with_retry(
    operation: str,
    request: Callable[[], T],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    context: dict[str, Any] | None = None,
) -> tuple[T, int]:
    """Run ``request`` under ``policy``; returns its result and the attempts used."""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return request(), attempt
        except Exception as error:
            if not is_transient(error):
                raise
            if attempt == policy.max_attempts:
                log_event(
                    logger,
                    logging.ERROR,
                    "storage_request_failed",
                    operation=operation,
                    attempt=attempt,
                    error=f"{type(error).__name__}: {error}",
                    **(context or {}),
                )
                raise UploadError(operation, attempt, error) from error
            delay = policy.backoff(attempt)
            log_event(
                logger,
                logging.WARNING,
                "storage_request_retry",
                operation=operation,
                attempt=attempt,
                delay_s=round(delay, 3),
                error=f"{type(error).__name__}: {error}",
                **(context or {}),
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class UploadResult:
    blob_name: str
    size: int
    blocks: int
    requests: int
    sha256: str
    etag: str


def block_id(index: int) -> str:
    """Deterministic, fixed-length block id of the block at ``index``."""
    return base64.b64encode(f"block-{index:08d}".encode("ascii")).decode("ascii")


def upload_atomically(
    container: ContainerClient,
    blob_name: str,
    chunks: Iterable[bytes],
    *,
    block_size: int = DEFAULT_BLOCK_SIZE,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    metadata: dict[str, str] | None = None,
    context: dict[str, Any] | None = None,
) -> UploadResult:
    """Stage ``chunks`` as fixed-size blocks, then commit them as ``blob_name`` in one request.

    Memory use is one block plus one chunk, whatever the blob size.
    """
    if block_size < 1:
        raise ValueError("block_size must be >= 1")
    policy = policy or RetryPolicy()
    blob = container.get_blob_client(blob_name)
    digest = hashlib.sha256()
    ids: list[str] = []
    requests = 0
    size = 0

    def stage(data: bytes) -> None:
        nonlocal requests
        block = block_id(len(ids))
        _, attempts = call_with_retry(
            "stage_block",
            lambda: blob.stage_block(block, data, length=len(data)),
            policy=policy,
            sleep=sleep,
            context={**(context or {}), "block": len(ids)},
        )
        requests += attempts
        ids.append(block)

    pending = bytearray()
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        pending += chunk
        while len(pending) >= block_size:
            stage(bytes(pending[:block_size]))
            del pending[:block_size]
    if pending or not ids:
        stage(bytes(pending))

    meta = {**(metadata or {}), "sha256": digest.hexdigest()}
    committed, attempts = call_with_retry(
        "commit_block_list",
        lambda: blob.commit_block_list(
            [BlobBlock(block_id=i, state=BlockState.LATEST) for i in ids],
            content_settings=ContentSettings(content_type=CSV_CONTENT_TYPE),
            metadata=meta,
        ),
        policy=policy,
        sleep=sleep,
        context=context,
    )
    return UploadResult(
        blob_name=blob_name,
        size=size,
        blocks=len(ids),
        requests=requests + attempts,
        sha256=digest.hexdigest(),
        etag=str(committed.get("etag", "")),
    )


def make_container_client(
    account_url: str, container: str, credential: Any | None = None, **client_options: Any
) -> ContainerClient:
    """Client of ``container``; the SDK's retries are off (``call_with_retry`` owns them).

    ``credential`` defaults to ``DefaultAzureCredential`` (the managed identity in
    Azure).  Other credentials are for the local emulator only.
    """
    if credential is None:
        from azure.identity import DefaultAzureCredential  # imported lazily: heavy, unused by local runs

        credential = DefaultAzureCredential()
    options: dict[str, Any] = {
        "retry_total": 0,
        "connection_timeout": CONNECTION_TIMEOUT_S,
        "read_timeout": READ_TIMEOUT_S,
        **client_options,
    }
    service = BlobServiceClient(account_url, credential=credential, **options)
    return service.get_container_client(container)
