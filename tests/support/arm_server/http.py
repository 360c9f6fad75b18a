"""The HTTP plumbing: a threaded HTTPS server on 127.0.0.1 whose handler hands each request to a dispatcher."""

from __future__ import annotations

import json
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

Reply = tuple[int, dict[str, str], Any]


class Dispatcher(Protocol):
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: Any) -> Reply: ...


class HttpsServer:
    """Serves `dispatcher` over TLS on an ephemeral port, in a daemon thread."""

    def __init__(self, dispatcher: Dispatcher, cert: Path, key: Path) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(dispatcher))
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def handler_for(arm: Dispatcher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 64 * 1024  # one write per response: headers and body apart would meet delayed ACKs (40 ms)
        disable_nagle_algorithm = True

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
