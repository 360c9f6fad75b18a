"""Generate one batch into a throw-away local Azurite and show it.

    python -m tools.generate_local --rows 1000 --seed 42 --date 2024-05-01

Starts Azurite (``node_modules/.bin/azurite-blob``, installed by ``npm ci``) on
a free port of 127.0.0.1 with in-memory storage, creates the ``bronze``
container, writes the batch through the same code path as the Function app's
HTTP trigger (same parameter validation, same atomic upload), lists the blob,
prints its first lines and stops Azurite.

Azurite itself is started and stopped by ``tools/azurite.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

from tools.azurite import REPO_ROOT, Azurite, AzuriteError

FUNCTIONS_DIR = REPO_ROOT / "functions"


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
