"""A throw-away Azurite blob service on 127.0.0.1, for the local runner and the tests.

Azurite (``node_modules/.bin/azurite-blob``) is installed from npm by ``npm ci`` (package.json
pins it as a dev dependency). Azurite has no ``dfs`` endpoint; the function app only uses the
blob endpoint. The emulator's well-known development account key below is public, works only
against Azurite, and is used only here and in the tests: the Azure code path authenticates
with ``DefaultAzureCredential``.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
AZURITE_BIN = REPO_ROOT / "node_modules" / ".bin" / "azurite-blob"

# Azurite's documented development account (not a secret; emulator only).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
READY_LINE = "successfully listens on"


class AzuriteError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Azurite:
    """An Azurite blob service process on 127.0.0.1, its data in memory (gone when the process stops)."""

    def __init__(self, *, port: int | None = None, start_timeout: float = 30.0):
        if not AZURITE_BIN.exists():
            raise AzuriteError(
                f"Azurite is not installed ({AZURITE_BIN.relative_to(REPO_ROOT)} is missing): "
                "run `npm ci` in the repository root (package.json pins azurite as a dev dependency)"
            )
        if shutil.which("node") is None:
            raise AzuriteError("Azurite needs Node.js (`node` is not on PATH)")
        self.port = port or free_port()
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def account_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT}"

    @staticmethod
    def credential() -> Any:
        from azure.core.credentials import AzureNamedKeyCredential

        return AzureNamedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)

    def start(self) -> Azurite:
        if self.process is not None:
            raise AzuriteError("Azurite is already running")
        command = [
            str(AZURITE_BIN),
            "--blobHost", "127.0.0.1",
            "--blobPort", str(self.port),
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent",
            "--inMemoryPersistence", "--extentMemoryLimit", "1024",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=REPO_ROOT,
        )
        _running.add(self)
        lines: queue.Queue[str | None] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=_pump, args=(self.process.stdout, lines, self.output), daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise AzuriteError(f"Azurite did not report ready within {self.start_timeout:.0f}s: {self.output}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.process.wait()
                self.process = None
                raise AzuriteError(f"Azurite exited with code {code} before listening: {self.output}")
            if READY_LINE in line:
                return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop gracefully (SIGTERM), SIGKILL if it hangs."""
        process, self.process = self.process, None
        _running.discard(self)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def __enter__(self) -> Azurite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


_running: set[Azurite] = set()


@atexit.register
def _stop_all() -> None:
    """Never leave an emulator behind when the interpreter exits (e.g. on Ctrl-C)."""
    for server in list(_running):
        server.stop()


def _pump(stream: Any, lines: queue.Queue[str | None], output: list[str]) -> None:
    for line in stream:
        output.append(line.rstrip())
        lines.put(line)
    lines.put(None)
