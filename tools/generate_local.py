"""Generate one batch into a throw-away local Azurite and show it.

    python -m tools.generate_local --rows 1000 --seed 42 --date 2024-05-01

Starts Azurite (``node_modules/.bin/azurite-blob``, installed by ``npm ci``) on
a free port of 127.0.0.1 with in-memory storage, creates the ``bronze``
container, writes the batch through the same code path as the Function app's
HTTP trigger (same parameter validation, same atomic upload), lists the blob,
prints its first lines and stops Azurite.

Azurite has no ``dfs`` endpoint; the function app only uses the blob endpoint.
The emulator's well-known development account key below is public, works only
against Azurite, and is used only here and in the tests: the Azure code path
authenticates with ``DefaultAzureCredential``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
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
    """An Azurite blob service process on 127.0.0.1.

    ``location=None`` keeps data in memory (lost when the process stops); with a
    directory, data survives a restart on the same port.
    """

    def __init__(self, *, port: int | None = None, location: Path | None = None, start_timeout: float = 30.0):
        if not AZURITE_BIN.exists():
            raise AzuriteError(
                f"Azurite is not installed ({AZURITE_BIN.relative_to(REPO_ROOT)} is missing): "
                "run `npm ci` in the repository root (package.json pins azurite as a dev dependency)"
            )
        if shutil.which("node") is None:
            raise AzuriteError("Azurite needs Node.js (`node` is not on PATH)")
        self.port = port or free_port()
        self.location = location
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
        ]  # fmt: skip
        if self.location is None:
            command += ["--inMemoryPersistence", "--extentMemoryLimit", "1024"]
        else:
            self.location.mkdir(parents=True, exist_ok=True)
            command += ["--location", str(self.location)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.location or REPO_ROOT,
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
        """Stop gracefully (SIGTERM lets Azurite flush its metadata), SIGKILL if it hangs."""
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

    def restart(self) -> Azurite:
        self.stop()
        return self.start()

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


@contextlib.contextmanager
def functions_on_path() -> Iterator[None]:
    """Import the app's modules the way the Functions host does (app root on sys.path)."""
    path = str(FUNCTIONS_DIR)
    added = path not in sys.path
    if added:
        sys.path.insert(0, path)
    try:
        yield
    finally:
        if added:
            sys.path.remove(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.generate_local", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000", help="rows to generate (1..1000000, default 1000)")
    parser.add_argument("--seed", default="42", help="seed (default 42)")
    parser.add_argument("--date", default=None, help="YYYY-MM-DD (a UTC day) or YYYY-MM-DDTHH:MM:SSZ (an hour)")
    parser.add_argument("--dirty-share", default=None, help="share of dirty rows, 0..1 (default 0.05)")
    parser.add_argument("--head", type=int, default=10, help="lines of the blob to print (default 10)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("azure").setLevel(logging.WARNING)

    with functions_on_path():
        from eventgen.batch import request_batch
        from eventgen.params import ParameterError, parse_generate_request
        from eventgen.service import write_batch
        from eventgen.storage import make_container_client

    query = {"rows": args.rows, "seed": args.seed}
    if args.date is not None:
        query["date"] = args.date
    if args.dirty_share is not None:
        query["dirty_share"] = args.dirty_share
    try:
        request = parse_generate_request(query, b"", default_rows=1000, default_dirty_share=0.05, now=datetime.now(UTC))
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    spec = request_batch(request)
    try:
        with Azurite() as azurite:
            print(f"Azurite blob endpoint: {azurite.account_url}")
            container = make_container_client(azurite.account_url, "bronze", credential=Azurite.credential())
            container.create_container()
            result = write_batch(spec, container)
            print(f"wrote {result.spec.rows} rows, {result.size} bytes, sha256 {result.sha256}")
            print("blobs in bronze:")
            for blob in container.list_blobs():
                print(f"  bronze/{blob.name}  {blob.size} bytes")
            head = container.download_blob(result.blob_name, offset=0, length=64 * 1024).readall()
            print(f"first {args.head} lines of bronze/{result.blob_name}:")
            for line in head.decode("utf-8", errors="replace").splitlines()[: args.head]:
                print(f"  {line}")
    except AzuriteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
