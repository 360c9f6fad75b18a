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
  is Provisioning and 200 with the status body once it is Enabled;
* queryTriggerRuns: the trigger runs updated in [lastUpdatedAfter, lastUpdatedBefore],
  filtered by trigger name and paged with a continuationToken;
* the factory's system-assigned identity as its own resource
  (`<factory>/providers/Microsoft.ManagedIdentity/identities/default`, api-version 2023-01-31), whose
  `properties.clientId` is `identity_client_id` (None: a factory without one, ARM's 404);
* linked services and ADF Studio's connection test (`testConnectivity`), as azure.datafactory.tools calls it
  (`connectivity`).

Azure's bearer policy refuses plain http, so the server speaks TLS with a throwaway
self-signed certificate for 127.0.0.1 (`make_certificate`); clients trust it through
`connection_verify=<cert>` or REQUESTS_CA_BUNDLE. One simplification: an event trigger
starts only once its subscription is Enabled (while Provisioning, with ADF's own error).
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ops.factory import API_VERSION, FactoryCoordinates
from tests.support.arm_server.connectivity import ConnectivityRoutes
from tests.support.arm_server.http import HttpsServer
from tests.support.arm_server.model import (
    FACTORY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TOKEN,
    FakeRun,
    FakeTrigger,
    Operation,
    Recorded,
    Reply,
    RunFrame,
    error,
)
from tests.support.arm_server.runs import RunRoutes
from tests.support.arm_server.trigger_runs import TriggerRunRoutes
from tests.support.arm_server.triggers import TriggerRoutes

IDENTITY_SUFFIX = "/providers/Microsoft.ManagedIdentity/identities/default"
IDENTITY_API_VERSION = "2023-01-31"
IDENTITY_CLIENT_ID = "00112233-4455-6677-8899-aabbccddeeff"


class ArmServer(TriggerRoutes, TriggerRunRoutes, RunRoutes, ConnectivityRoutes):
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
        self.linked_services = {}
        self.tested = []
        self.identity_client_id: str | None = IDENTITY_CLIENT_ID
        self.requests: list[Recorded] = []
        self._operations: dict[str, Operation] = {}
        self._lock = threading.Lock()
        self._server: HttpsServer | None = None

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
        return f"https://127.0.0.1:{self._server.port}"

    def start(self) -> ArmServer:
        self._server = HttpsServer(self, self.cert, self.key)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()

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
                return error(
                    401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
                )
            if authorization != f"Bearer {TOKEN}":
                return error(401, "InvalidAuthenticationToken", "The access token is invalid.")
            version = query.get("api-version")
            if path.lower() == f"{self.base}{IDENTITY_SUFFIX}".lower():
                return self._identity(version)
            if version is None:
                return error(
                    400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required."
                )
            if version != API_VERSION:
                return error(
                    400,
                    "InvalidApiVersionParameter",
                    f"The api-version '{version}' is invalid. The supported versions are '{API_VERSION}'.",
                )
            parts = path.strip("/").split("/")
            if len(parts) < 8 or [p.lower() for p in parts[:5:2]] != ["subscriptions", "resourcegroups", "providers"]:
                return error(404, "NotFound", f"No route for {method} {path}")
            if (
                parts[1] != SUBSCRIPTION
                or parts[3].lower() != RESOURCE_GROUP.lower()
                or parts[5].lower() != "microsoft.datafactory"
                or parts[6].lower() != "factories"
                or parts[7].lower() != FACTORY.lower()
            ):
                return error(
                    404,
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.DataFactory/factories/{parts[7]}' under resource group "
                    f"'{parts[3]}' was not found.",
                )
            return self._route(method, parts[8:], query, body)

    def _identity(self, version: str | None) -> Reply:
        if version != IDENTITY_API_VERSION:
            return error(400, "InvalidApiVersionParameter", f"The api-version '{version}' is invalid.")
        if self.identity_client_id is None:
            return error(404, "ResourceNotFound", "The system-assigned identity of the factory was not found.")
        return 200, {}, {"id": f"{self.base}{IDENTITY_SUFFIX}", "properties": {"clientId": self.identity_client_id}}

    def _route(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> Reply:
        kind = rest[0].lower() if rest else ""
        if method == "GET" and rest == ["triggers"]:
            return self._list_triggers(query)
        if kind == "triggers" and len(rest) in (2, 3):
            trigger = self.triggers.get(rest[1].lower())
            if trigger is None:
                return error(404, "NotFound", f"Trigger '{rest[1]}' does not exist in factory '{FACTORY}'.")
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
        if method == "POST" and rest == ["queryTriggerRuns"]:
            return self._query_trigger_runs(body)
        if method == "POST" and kind == "pipelines" and len(rest) == 3 and rest[2] == "createRun":
            return self._create_run(rest[1], body)
        if kind == "pipelineruns" and len(rest) == 2 and method == "GET":
            return self._get_run(rest[1])
        if kind == "pipelineruns" and len(rest) == 3 and rest[2] == "queryActivityruns" and method == "POST":
            return self._query_activities(rest[1], body)
        if method == "GET" and kind in ("operationstatuses", "operationresults") and len(rest) == 2:
            return self._poll(kind, rest[1])
        connectivity = self._connectivity_route(method, rest, query, body)
        if connectivity is not None:
            return connectivity
        return error(404, "NotFound", f"No route for {method} {'/'.join(rest)}")
