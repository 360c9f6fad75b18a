"""A TCP relay on 127.0.0.1 in front of a local service, that can go down and come back: an outage as the service's
clients see one, while the service behind it keeps running and keeps its state.

Down, the relay's port refuses connections and every connection that was open is reset; up again, it listens on the
same port. The outage tests of the generator's uploads use it in front of Azurite: stopping and starting the emulator
itself gave the same view to the client, at the cost of a Node.js start for every outage.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from types import TracebackType

LOOPBACK = "127.0.0.1"
_RESET = struct.pack("ii", 1, 0)
"""SO_LINGER on with a zero timeout: `close` then sends a reset instead of a FIN."""


class OutageRelay:
    """Relays 127.0.0.1:`port` to 127.0.0.1:`target_port`; `stop` is the outage, `start` the recovery."""

    def __init__(self, target_port: int, port: int = 0) -> None:
        self.target_port = target_port
        self.port = port
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._relays: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> OutageRelay:
        """Listen (again, on the same port once one was taken) and relay each connection."""
        if self._listener is not None:
            raise RuntimeError("the relay is already up")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """The outage: new connections are refused and the open ones reset, before this returns."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept
        listener.close()
        if self._acceptor is not None:
            self._acceptor.join(timeout=10)  # no connection is added after this
        with self._lock:
            upstreams = list(self._open)
        for upstream in upstreams:
            # Wakes its relay thread, which resets the client's side. A relay that closed its upstream meanwhile
            # ended that connection on its own.
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_RDWR)
        relays, self._relays = self._relays, []
        for relay in relays:
            relay.join(timeout=10)

    @property
    def is_up(self) -> bool:
        return self._listener is not None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the relay went down
                return
            try:
                upstream = socket.create_connection((LOOPBACK, self.target_port))
            except OSError:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
                client.close()
                continue
            with self._lock:
                self._open.add(upstream)
            relay = threading.Thread(target=self._relay, args=(client, upstream), daemon=True)
            self._relays.append(relay)
            relay.start()

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        """Copy bytes both ways until either side closes or the relay goes down (then the client is reset)."""
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            try:
                while True:
                    for key, _ in selector.select():
                        source: socket.socket = key.fileobj  # type: ignore[assignment]
                        data = source.recv(65536)
                        if not data:
                            raise ConnectionError("closed")
                        key.data.sendall(data)
            except OSError:
                pass
        with self._lock:
            self._open.discard(upstream)
        if self._listener is None:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
        client.close()
        upstream.close()

    def __enter__(self) -> OutageRelay:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
