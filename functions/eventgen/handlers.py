"""The triggers' logic, independent of the decorators in ``function_app.py``."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import azure.functions as func
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import ContainerClient

from eventgen.batch import BatchSpec, request_batch, scheduled_occurrence, timer_batch
from eventgen.logs import log_event
from eventgen.params import MAX_ROWS, ParameterError, parse_generate_request
from eventgen.service import BatchResult, write_batch
from eventgen.settings import Settings, SettingsError
from eventgen.storage import DEFAULT_BLOCK_SIZE, RetryPolicy, UploadError, make_container_client

logger = logging.getLogger("eventgen")


class TimerInfo(Protocol):
    """What the worker's timer request carries (``azure.functions.timer.TimerRequest``)."""

    @property
    def past_due(self) -> bool: ...

    @property
    def schedule_status(self) -> Mapping[str, Any] | None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class AppRuntime:
    """Process-wide dependencies of the functions.

    Settings are read per invocation (cheap); the storage client is built on
    first use and reused across invocations (connection pool, token cache).
    ``credential_factory`` defaults to ``DefaultAzureCredential`` (the managed
    identity); tests and the local runner inject the emulator's credential.
    """

    def __init__(
        self,
        *,
        environ: Mapping[str, str] | None = None,
        credential_factory: Callable[[], Any] | None = None,
        client_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        policy: RetryPolicy | None = None,
        block_size: int = DEFAULT_BLOCK_SIZE,
    ) -> None:
        self.environ = environ
        self.credential_factory = credential_factory
        self.client_options = dict(client_options or {})
        self.clock = clock
        self.sleep = sleep
        self.policy = policy or RetryPolicy()
        self.block_size = block_size
        self._clients: dict[tuple[str, str], ContainerClient] = {}
        self._lock = threading.Lock()

    def settings(self) -> Settings:
        return Settings.from_env(os.environ if self.environ is None else self.environ)

    def container(self, settings: Settings) -> ContainerClient:
        key = (settings.require_endpoint(), settings.container)
        with self._lock:
            if key not in self._clients:
                credential = self.credential_factory() if self.credential_factory else None
                self._clients[key] = make_container_client(*key, credential=credential, **self.client_options)
            return self._clients[key]

    def write(self, spec: BatchSpec, settings: Settings) -> BatchResult:
        return write_batch(
            spec, self.container(settings), policy=self.policy, sleep=self.sleep, block_size=self.block_size
        )


def handle_timer(timer: TimerInfo, runtime: AppRuntime) -> BatchResult:
    """One batch per timer occurrence; failures propagate so the host's retry policy re-runs it."""
    settings = runtime.settings()
    now = runtime.clock()
    occurrence = scheduled_occurrence(timer.schedule_status, now, settings.window_minutes)
    spec = timer_batch(
        occurrence,
        rows=settings.timer_rows,
        dirty_share=settings.dirty_share,
        window_minutes=settings.window_minutes,
        base_seed=settings.base_seed,
    )
    if timer.past_due:
        log_event(logger, logging.WARNING, "timer_past_due", run_id=spec.run_id, occurrence=occurrence.isoformat())
    return runtime.write(spec, settings)


def handle_http(req: func.HttpRequest, runtime: AppRuntime) -> func.HttpResponse:
    """POST /api/generate: validate, generate, upload, answer with the blob path and row count."""
    try:
        settings = runtime.settings()
    except SettingsError as error:
        return _json(500, {"error": "configuration", "message": str(error)})
    try:
        request = parse_generate_request(
            req.params,
            req.get_body(),
            default_rows=min(settings.timer_rows, MAX_ROWS),
            default_dirty_share=settings.dirty_share,
            now=runtime.clock(),
        )
    except ParameterError as error:
        log_event(logger, logging.INFO, "request_rejected", parameter=error.parameter, error=str(error))
        return _json(400, {"error": "invalid_parameter", "parameter": error.parameter, "message": str(error)})
    spec = request_batch(request)
    try:
        result = runtime.write(spec, settings)
    except SettingsError as error:
        return _json(500, {"error": "configuration", "message": str(error)})
    except UploadError as error:
        status = 503 if error.transient else 502
        return _json(status, {"error": "storage", "message": str(error), "run_id": spec.run_id})
    except HttpResponseError as error:
        return _json(502, {"error": "storage", "message": error.message, "run_id": spec.run_id})
    return _json(200, result.as_json())


def _json(status: int, payload: Mapping[str, object]) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(payload, sort_keys=True), status_code=status, mimetype="application/json", charset="utf-8"
    )
