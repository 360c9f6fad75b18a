"""A fake Azure Resource Manager for one Data Factory: HTTPS on 127.0.0.1, scriptable per test, records every request.

It follows the ARM REST contract the SDK (azure-mgmt-datafactory, api-version 2018-06-01)
relies on: paged lists with an absolute `nextLink`, ARM error bodies
(`{"error": {"code", "message"}}`) with real status codes, a bearer token on every request,
and long-running operations answered the way ARM answers them, so the SDK's own poller
does the work:

* trigger start/stop: 200 with `Azure-AsyncOperation` and `Location` headers; the
  operation-status URL says `InProgress`, then `Succeeded`, and only then does the trigger's
  state change; the poller finally GETs the `Location` (`lro="sync"`: a plain 200, done);
* subscribeToEvents: 202 with `Location`; the location answers 202 while the subscription
  is Provisioning and 200 with the status body once it is Enabled.

Azure's bearer policy refuses plain http, so the server speaks TLS with a throwaway
self-signed certificate for 127.0.0.1 (`make_certificate`); clients trust it through
`connection_verify=<cert>` or REQUESTS_CA_BUNDLE. One simplification: an event trigger
starts only once its subscription is Enabled (while Provisioning, with ADF's own error).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from azure.core.credentials import AccessToken
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ops.arm import API_VERSION, FactoryCoordinates

SUBSCRIPTION = "6f1f2a3b-0000-4000-8000-00000000d001"
RESOURCE_GROUP = "rg-data-platform-dev-weu"
FACTORY = "adf-data-platform-dev-weu"
TOKEN = "fake-arm-token"
EVENT_TYPES = frozenset({"BlobEventsTrigger", "CustomEventsTrigger"})
TERMINAL = frozenset({"Succeeded", "Failed", "Cancelled"})

Reply = tuple[int, dict[str, str], Any]


class FakeCredential:
    """A TokenCredential that hands out a fixed token and remembers the scopes asked for."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA, so it can be the whole trust bundle)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "arm-cert.pem", directory / "arm-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class FakeTrigger:
    """One trigger and how it behaves."""

    name: str
    type: str = "ScheduleTrigger"
    runtime_state: str = "Stopped"
    subscription: str = "Disabled"
    """Event triggers: the event subscription's status."""
    refuse_start: tuple[int, str, str] | None = None
    """(HTTP status, error code, message) with which ADF refuses to start it."""
    refuse_stop: tuple[int, str, str] | None = None
    subscribe_stuck: bool = False
    """subscribeToEvents leaves the subscription Provisioning for good."""
    provisioning_reads: int = 2
    """How many status reads a subscription stays Provisioning after subscribeToEvents."""
    reads_left: int = 0

    def resource(self, base: str) -> dict[str, Any]:
        if self.type in EVENT_TYPES:
            type_properties: dict[str, Any] = {
                "events": ["Microsoft.Storage.BlobCreated"],
                "blobPathBeginsWith": "/landing/blobs/events/",
                "scope": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
                "/providers/Microsoft.Storage/storageAccounts/stdataplatformdev",
            }
        else:
            type_properties = {
                "recurrence": {
                    "frequency": "Day",
                    "interval": 1,
                    "startTime": "2025-01-01T02:00:00Z",
                    "timeZone": "UTC",
                }
            }
        return {
            "id": f"{base}/triggers/{self.name}",
            "name": self.name,
            "type": "Microsoft.DataFactory/factories/triggers",
            "etag": uuid.uuid5(uuid.NAMESPACE_URL, f"{self.name}/{self.runtime_state}").hex,
            "properties": {
                "type": self.type,
                "runtimeState": self.runtime_state,
                "typeProperties": type_properties,
                "pipelines": [{"pipelineReference": {"referenceName": "PL_Ingest", "type": "PipelineReference"}}],
                "annotations": [],
            },
        }


@dataclass
class Activity:
    """An activity run as queryActivityruns reports it."""

    name: str
    status: str
    type: str = "Copy"
    error: dict[str, Any] | None = None
    started: float = 0
    """Seconds after the run started."""
    ended: float = 1
    """Seconds after the run started (reported once the activity is Succeeded, Failed or Cancelled)."""


@dataclass
class RunFrame:
    """What a pipeline run looks like at one poll."""

    status: str
    activities: list[Activity] = field(default_factory=list)
    message: str = ""


@dataclass
class FakeRun:
    run_id: str
    pipeline: str
    parameters: dict[str, Any]
    frames: list[RunFrame]
    shown: int = -1
    created: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None
    action: str
    """`METHOD path`, the path relative to the factory (`POST triggers/T/start`)."""


@dataclass
class _Operation:
    done: Callable[[], bool]
    finish: Callable[[], None] = lambda: None
    result: Callable[[], Any] = lambda: None
    polls_left: int = 1


def _error(status: int, code: str, message: str) -> Reply:
    return status, {}, {"error": {"code": code, "message": message}}


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class ArmServer:
    """The fake ARM: add triggers and scripted pipelines, `start()`, point a client at `endpoint`."""

    def __init__(
        self,
        cert: Path,
        key: Path,
        *,
        lro: str = "async",
        page_size: int = 50,
        activity_page_size: int = 50,
        lro_polls: int = 1,
    ) -> None:
        self.cert, self.key = cert, key
        self.lro = lro
        self.page_size = page_size
        self.activity_page_size = activity_page_size
        self.lro_polls = lro_polls
        self.coordinates = FactoryCoordinates(SUBSCRIPTION, RESOURCE_GROUP, FACTORY)
        self.base = self.coordinates.resource_id
        self.triggers: dict[str, FakeTrigger] = {}
        self.pipelines: dict[str, list[RunFrame]] = {}
        self.runs: dict[str, FakeRun] = {}
        self.requests: list[Recorded] = []
        self._operations: dict[str, _Operation] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ scripting

    def add_trigger(self, name: str, **behaviour: Any) -> FakeTrigger:
        trigger = FakeTrigger(name, **behaviour)
        self.triggers[name.lower()] = trigger
        return trigger

    def trigger(self, name: str) -> FakeTrigger:
        return self.triggers[name.lower()]

    def add_pipeline(self, name: str, frames: list[RunFrame] | None = None) -> None:
        """A pipeline whose runs go through `frames`, one per pipelineruns GET (default: quick success)."""
        self.pipelines[name.lower()] = frames or [RunFrame("Queued"), RunFrame("InProgress"), RunFrame("Succeeded")]

    def started(self) -> list[str]:
        return sorted(t.name for t in self.triggers.values() if t.runtime_state == "Started")

    def actions(self, prefix: str = "") -> list[str]:
        return [r.action for r in self.requests if r.action.startswith(prefix)]

    # ------------------------------------------------------------------ lifecycle

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ArmServer:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ArmServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ dispatch

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: Any) -> Reply:
        split = urlsplit(raw_path)
        path = unquote(split.path)
        query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        relative = path[len(self.base) + 1 :] if path.lower().startswith(self.base.lower() + "/") else path
        with self._lock:
            authorization = headers.get("authorization")
            self.requests.append(Recorded(method, path, query, body, authorization, f"{method} {relative}"))
            if not authorization or not authorization.startswith("Bearer "):
                return _error(
                    401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
                )
            if authorization != f"Bearer {TOKEN}":
                return _error(401, "InvalidAuthenticationToken", "The access token is invalid.")
            version = query.get("api-version")
            if version is None:
                return _error(
                    400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required."
                )
            if version != API_VERSION:
                return _error(
                    400,
                    "InvalidApiVersionParameter",
                    f"The api-version '{version}' is invalid. The supported versions are '{API_VERSION}'.",
                )
            parts = path.strip("/").split("/")
            if len(parts) < 8 or [p.lower() for p in parts[:5:2]] != ["subscriptions", "resourcegroups", "providers"]:
                return _error(404, "NotFound", f"No route for {method} {path}")
            if (
                parts[1] != SUBSCRIPTION
                or parts[3].lower() != RESOURCE_GROUP.lower()
                or parts[5].lower() != "microsoft.datafactory"
                or parts[6].lower() != "factories"
                or parts[7].lower() != FACTORY.lower()
            ):
                return _error(
                    404,
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.DataFactory/factories/{parts[7]}' under resource group "
                    f"'{parts[3]}' was not found.",
                )
            return self._route(method, parts[8:], query, body)

    def _route(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> Reply:
        kind = rest[0].lower() if rest else ""
        if method == "GET" and rest == ["triggers"]:
            return self._list_triggers(query)
        if kind == "triggers" and len(rest) in (2, 3):
            trigger = self.triggers.get(rest[1].lower())
            if trigger is None:
                return _error(404, "NotFound", f"Trigger '{rest[1]}' does not exist in factory '{FACTORY}'.")
            if method == "GET" and len(rest) == 2:
                return 200, {}, trigger.resource(self.base)
            if method == "POST" and len(rest) == 3:
                action = rest[2]
                handlers = {
                    "start": self._start,
                    "stop": self._stop,
                    "getEventSubscriptionStatus": self._subscription_status,
                    "subscribeToEvents": self._subscribe,
                }
                if action in handlers:
                    return handlers[action](trigger)
        if method == "POST" and kind == "pipelines" and len(rest) == 3 and rest[2] == "createRun":
            return self._create_run(rest[1], body)
        if kind == "pipelineruns" and len(rest) == 2 and method == "GET":
            return self._get_run(rest[1])
        if kind == "pipelineruns" and len(rest) == 3 and rest[2] == "queryActivityruns" and method == "POST":
            return self._query_activities(rest[1], body)
        if method == "GET" and kind in ("operationstatuses", "operationresults") and len(rest) == 2:
            return self._poll(kind, rest[1])
        return _error(404, "NotFound", f"No route for {method} {'/'.join(rest)}")

    # ------------------------------------------------------------------ triggers

    def _list_triggers(self, query: dict[str, str]) -> Reply:
        names = sorted(self.triggers)
        offset = int(query.get("$skipToken", "0"))
        page = [self.triggers[n].resource(self.base) for n in names[offset : offset + self.page_size]]
        document: dict[str, Any] = {"value": page}
        if offset + self.page_size < len(names):
            document["nextLink"] = (
                f"{self.endpoint}{self.base}/triggers?api-version={API_VERSION}&$skipToken={offset + self.page_size}"
            )
        return 200, {}, document

    def _lro(self, finish: Callable[[], None]) -> Reply:
        """ARM's answer to a trigger start/stop: done now (sync) or an operation the poller follows (async)."""
        if self.lro == "sync":
            finish()
            return 200, {}, None
        operation_id = uuid.uuid4().hex
        self._operations[operation_id] = _Operation(done=lambda: True, finish=finish, polls_left=self.lro_polls)
        return (
            200,
            {
                "Azure-AsyncOperation": f"{self.endpoint}{self.base}/operationStatuses/{operation_id}"
                f"?api-version={API_VERSION}",
                "Location": f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}",
            },
            None,
        )

    def _start(self, trigger: FakeTrigger) -> Reply:
        if trigger.refuse_start:
            return _error(*trigger.refuse_start)
        if trigger.type in EVENT_TYPES and trigger.subscription != "Enabled":
            if trigger.subscription == "Provisioning":
                return _error(400, "BadRequest", "Resource cannot be updated during provisioning")
            return _error(
                400,
                "BadRequest",
                f"The event subscription of trigger '{trigger.name}' is {trigger.subscription}; "
                "subscribe the trigger to events before starting it.",
            )

        def finish() -> None:
            trigger.runtime_state = "Started"

        return self._lro(finish)

    def _stop(self, trigger: FakeTrigger) -> Reply:
        if trigger.refuse_stop:
            return _error(*trigger.refuse_stop)

        def finish() -> None:
            trigger.runtime_state = "Stopped"

        return self._lro(finish)

    def _read_subscription(self, trigger: FakeTrigger) -> str:
        if trigger.subscription == "Provisioning" and not trigger.subscribe_stuck:
            trigger.reads_left -= 1
            if trigger.reads_left <= 0:
                trigger.subscription = "Enabled"
        return trigger.subscription

    def _subscription_status(self, trigger: FakeTrigger) -> Reply:
        return 200, {}, {"triggerName": trigger.name, "status": self._read_subscription(trigger)}

    def _subscribe(self, trigger: FakeTrigger) -> Reply:
        if trigger.type not in EVENT_TYPES:
            return _error(400, "BadRequest", f"Trigger '{trigger.name}' of type {trigger.type} has no events.")
        if trigger.subscription == "Enabled":
            return 200, {}, {"triggerName": trigger.name, "status": "Enabled"}
        trigger.subscription = "Provisioning"
        trigger.reads_left = trigger.provisioning_reads
        operation_id = uuid.uuid4().hex
        self._operations[operation_id] = _Operation(
            done=lambda: self._read_subscription(trigger) == "Enabled",
            result=lambda: {"triggerName": trigger.name, "status": trigger.subscription},
            polls_left=0,
        )
        location = f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}"
        return 202, {"Location": location}, None

    def _poll(self, kind: str, operation_id: str) -> Reply:
        operation = self._operations.get(operation_id)
        if operation is None:
            return _error(404, "NotFound", f"Operation '{operation_id}' does not exist.")
        if kind == "operationstatuses":
            if operation.polls_left > 0:
                operation.polls_left -= 1
                return 200, {}, {"id": operation_id, "status": "InProgress"}
            operation.finish()
            operation.finish = lambda: None
            return 200, {}, {"id": operation_id, "status": "Succeeded"}
        if operation.polls_left > 0 or not operation.done():
            return (
                202,
                {"Location": f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}"},
                None,
            )
        return 200, {}, operation.result()

    # ------------------------------------------------------------------ runs

    def _create_run(self, pipeline: str, body: Any) -> Reply:
        frames = self.pipelines.get(pipeline.lower())
        if frames is None:
            return _error(404, "PipelineNotFound", f"Pipeline '{pipeline}' does not exist in factory '{FACTORY}'.")
        run_id = str(uuid.uuid4())
        self.runs[run_id] = FakeRun(run_id, pipeline, body if isinstance(body, dict) else {}, frames)
        return 200, {}, {"runId": run_id}

    def _frame(self, run: FakeRun) -> RunFrame:
        return run.frames[max(run.shown, 0)]

    def _get_run(self, run_id: str) -> Reply:
        run = self.runs.get(run_id)
        if run is None:
            return _error(404, "PipelineRunNotFound", f"Pipeline run '{run_id}' does not exist.")
        run.shown = min(run.shown + 1, len(run.frames) - 1)
        frame = self._frame(run)
        now = datetime.datetime.now(datetime.UTC)
        document: dict[str, Any] = {
            "runId": run.run_id,
            "runGroupId": run.run_id,
            "isLatest": True,
            "pipelineName": run.pipeline,
            "parameters": {k: v if isinstance(v, str) else json.dumps(v) for k, v in run.parameters.items()},
            "invokedBy": {"name": "Manual", "id": uuid.uuid4().hex, "invokedByType": "Manual"},
            "lastUpdated": _iso(now),
            "runStart": _iso(run.created),
            "status": frame.status,
            "message": frame.message,
        }
        if frame.status in TERMINAL:
            document["runEnd"] = _iso(now)
            document["durationInMs"] = 1000
        return 200, {}, document

    def _query_activities(self, run_id: str, body: Any) -> Reply:
        run = self.runs.get(run_id)
        if run is None:
            return _error(404, "PipelineRunNotFound", f"Pipeline run '{run_id}' does not exist.")
        if not isinstance(body, dict) or "lastUpdatedAfter" not in body or "lastUpdatedBefore" not in body:
            return _error(400, "BadRequest", "lastUpdatedAfter and lastUpdatedBefore are required.")
        activities = self._frame(run).activities
        offset = int(body.get("continuationToken") or 0)
        page = activities[offset : offset + self.activity_page_size]
        run_start = run.created
        value = []
        for activity in page:
            item: dict[str, Any] = {
                "activityName": activity.name,
                "activityType": activity.type,
                "activityRunId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run_id}/{activity.name}")),
                "pipelineName": run.pipeline,
                "pipelineRunId": run_id,
                "status": activity.status,
                "activityRunStart": _iso(run_start + datetime.timedelta(seconds=activity.started)),
                "input": {},
                "output": {},
                "error": activity.error
                or {"errorCode": "", "message": "", "failureType": "", "target": activity.name, "details": ""},
            }
            if activity.status in TERMINAL:
                item["activityRunEnd"] = _iso(run_start + datetime.timedelta(seconds=activity.ended))
                item["durationInMs"] = int((activity.ended - activity.started) * 1000)
            value.append(item)
        document: dict[str, Any] = {"value": value}
        if offset + self.activity_page_size < len(activities):
            document["continuationToken"] = str(offset + self.activity_page_size)
        return 200, {}, document


def _handler_for(arm: ArmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 64 * 1024  # one write per response: headers and body apart would meet delayed ACKs (40 ms)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = raw.decode("utf-8", "replace")
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, extra, document = arm.handle(self.command, self.path, headers, body)
            payload = b"" if document is None else json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-ms-request-id", str(uuid.uuid4()))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve  # noqa: N815 - BaseHTTPRequestHandler's naming
        do_POST = _serve  # noqa: N815
        do_PUT = _serve  # noqa: N815
        do_DELETE = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads `arm.requests` instead."""

    return Handler
