"""Azure stood in for on 127.0.0.1: a managed-identity token endpoint, a vault's data plane, Kudu and ARM.

Code that takes a credential directly gets `StandInCredential`, whose tokens are the ones the endpoint issues.

One plain HTTP server answers every path from a script the test writes, in order, the last
answer repeating, and records each request. Tests give every case its own path (a vault, an
SCM site), so cases never see each other's answers.

The token endpoint follows App Service's managed identity protocol, which azure-identity's
DefaultAzureCredential uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set: GET
`?api-version=2019-08-01&resource=<audience>` with the X-IDENTITY-HEADER header
(https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference).
The token it issues names its audience, so a test can tell which audience a request carried.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from azure.core.credentials import AccessToken

TOKEN_PATH = "/msi/token"


def token_for(audience: str) -> str:
    """The access token the stand-in issues for an audience."""
    return f"stand-in-token-for:{audience}"


class StandInCredential:
    """A TokenCredential for code that takes one directly: the token the stand-in would issue for the scope."""

    def __init__(self) -> None:
        self.scopes: list[str] = []

    def get_token(self, *scopes: str, **_kwargs: Any) -> AccessToken:
        self.scopes.extend(scopes)
        return AccessToken(token_for(scopes[0].removesuffix("/.default")), int(time.time()) + 3600)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, value: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(value).encode(), {"Content-Type": "application/json", **headers})


def listkeys_path(app_id: str) -> str:
    """ARM's "Web Apps - List Host Keys" action of an app, below the ARM endpoint."""
    return f"{app_id}/host/default/listkeys"


def host_not_started(runtime_status: str = "ServiceUnavailable") -> Reply:
    """ARM's answer while the Functions host is not running yet (Azure/azure-functions-host#5722)."""
    message = f"Encountered an error ({runtime_status}) from host runtime."
    return Reply.json(
        400,
        {
            "Code": "BadRequest",
            "Message": message,
            "Target": None,
            "Details": [
                {"Message": message},
                {"Code": "BadRequest"},
                {"ErrorEntity": {"Code": "BadRequest", "Message": message}},
            ],
            "Innererror": None,
        },
    )


def host_keys(default_key: str) -> Reply:
    """The HostKeys body of a running host (https://learn.microsoft.com/rest/api/appservice/web-apps/list-host-keys)."""
    return Reply.json(
        200,
        {"masterKey": f"master-{default_key}", "functionKeys": {"default": default_key}, "systemKeys": {}},
    )


@dataclass(frozen=True)
class Seen:
    """One request as the stand-in received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class AzureStandIn:
    """The HTTP server, its scripts and what it saw."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no wait for the first one's ACK

            def do_GET(self) -> None:
                standin._answer(self)

            def do_POST(self) -> None:
                standin._answer(self)

            def do_PUT(self) -> None:
                standin._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    @contextmanager
    def running(self) -> Iterator[AzureStandIn]:
        # a short poll: `shutdown` waits for the serving loop to look again (0.5 s by default)
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()

    def identity_env(self, identity_header: str) -> dict[str, str]:
        """What App Service sets for its managed identity; each host gets its own header value."""
        return {"IDENTITY_ENDPOINT": self.url + TOKEN_PATH, "IDENTITY_HEADER": identity_header}

    def script(self, method: str, path: str, *replies: Reply) -> str:
        """Answer `method path` with these replies in order, then the last one again; return the full URL."""
        with self._lock:
            self._scripts[(method, path)] = list(replies)
        return self.url + path

    def requests(self, method: str, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.method == method and seen.path == path]

    def token_requests(self, identity_header: str) -> list[str]:
        """The audiences the host with this identity header asked tokens for, in order."""
        with self._lock:
            return [
                seen.query["resource"][0]
                for seen in self.seen
                if seen.path == TOKEN_PATH and seen.headers.get("X-IDENTITY-HEADER") == identity_header
            ]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        seen = Seen(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers=dict(handler.headers.items()),
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.seen.append(seen)
            if seen.path == TOKEN_PATH:
                reply = self._token(seen)
            else:
                replies = self._scripts.get((seen.method, seen.path))
                # 418: no script for this request; a status nothing retries, so a stray request fails fast.
                reply = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else Reply(418, b"unscripted")
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        handler.wfile.write(reply.body)

    @staticmethod
    def _token(seen: Seen) -> Reply:
        if not seen.headers.get("X-IDENTITY-HEADER") or seen.query.get("api-version") != ["2019-08-01"]:
            return Reply.json(400, {"error": "bad managed identity request"})
        audience = seen.query["resource"][0]
        return Reply.json(
            200,
            {
                "access_token": token_for(audience),
                "expires_on": str(int(time.time()) + 3600),
                "resource": audience,
                "token_type": "Bearer",
            },
        )
