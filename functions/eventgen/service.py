"""Generate one batch and upload it: the work shared by every trigger."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from azure.storage.blob import ContainerClient

from eventgen.batch import BatchSpec
from eventgen.generator import iter_csv_chunks
from eventgen.logs import log_event
from eventgen.storage import DEFAULT_BLOCK_SIZE, RetryPolicy, UploadError, upload_atomically

logger = logging.getLogger("eventgen")


@dataclass(frozen=True)
class BatchResult:
    spec: BatchSpec
    container: str
    blob_name: str
    size: int
    blocks: int
    requests: int
    sha256: str
    duration_s: float

    def as_json(self) -> dict[str, object]:
        return {
            "container": self.container,
            "blob": self.blob_name,
            "rows": self.spec.rows,
            "bytes": self.size,
            "run_id": self.spec.run_id,
            "seed": self.spec.seed,
            "dirty_share": self.spec.dirty_share,
            "window_start": self.spec.window_start.isoformat().replace("+00:00", "Z"),
            "window_end": self.spec.window_end.isoformat().replace("+00:00", "Z"),
            "sha256": self.sha256,
        }


def write_batch(
    spec: BatchSpec,
    container: ContainerClient,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> BatchResult:
    """Generate ``spec`` and upload it to ``spec.blob_name`` as one committed block blob."""
    dims = {
        "run_id": spec.run_id,
        "trigger": spec.trigger,
        "blob": f"{container.container_name}/{spec.blob_name}",
        "rows": spec.rows,
        "seed": spec.seed,
        "dirty_share": spec.dirty_share,
    }
    log_event(logger, logging.INFO, "batch_started", **dims)
    started = time.perf_counter()
    try:
        upload = upload_atomically(
            container,
            spec.blob_name,
            iter_csv_chunks(spec.generator_config()),
            block_size=block_size,
            policy=policy,
            sleep=sleep,
            metadata={"run_id": spec.run_id, "rows": str(spec.rows), "seed": str(spec.seed)},
            context={"run_id": spec.run_id},
        )
    except UploadError as error:
        log_event(
            logger,
            logging.ERROR,
            "batch_failed",
            operation=error.operation,
            attempts=error.attempts,
            error=str(error),
            **dims,
        )
        raise
    duration = time.perf_counter() - started
    log_event(
        logger,
        logging.INFO,
        "batch_written",
        bytes=upload.size,
        blocks=upload.blocks,
        requests=upload.requests,
        sha256=upload.sha256,
        duration_ms=round(duration * 1000, 1),
        rows_per_s=round(spec.rows / duration) if duration > 0 else None,
        **dims,
    )
    return BatchResult(
        spec=spec,
        container=container.container_name,
        blob_name=upload.blob_name,
        size=upload.size,
        blocks=upload.blocks,
        requests=upload.requests,
        sha256=upload.sha256,
        duration_s=duration,
    )
