"""App settings of the generator Function app.

The infrastructure sets these on the Function app (all strings):

``LAKE_BLOB_ENDPOINT`` (required to write)
    Blob endpoint of the lake account, e.g. ``https://<account>.blob.core.windows.net/``.
    The app authenticates with ``DefaultAzureCredential`` (the app's managed
    identity in Azure); there is no connection string.
``GENERATOR_SCHEDULE`` (required by the Functions host)
    NCRONTAB schedule of the timer trigger, referenced as ``%GENERATOR_SCHEDULE%``.
    With the v2 programming model the host fails to index the timer function if
    the setting is missing, so the infrastructure always sets it; the documented
    default is every 15 minutes, ``0 */15 * * * *``.
``GENERATOR_DIRTY_SHARE`` (optional, default 0.05)
    Share of rows with one deliberate defect, from 0 to 1.
``GENERATOR_ROWS`` (optional, default 10000)
    Rows per timer batch.
``GENERATOR_WINDOW_MINUTES`` (optional, default 15, must divide a day's 1440)
    Event-time window of a timer batch: the minutes before the scheduled time.
    The infrastructure sets it to the schedule's period (15 for ``0 */15 * * * *``,
    60 hourly, 120 for ``0 0 */2 * * *``), so consecutive batches tile without gaps.
``GENERATOR_SEED`` (optional, default 0)
    Base seed mixed into each timer occurrence's seed.
``BRONZE_CONTAINER`` (optional, default ``bronze``)
    Container the batches land in.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_SCHEDULE = "0 */15 * * * *"
DEFAULT_CONTAINER = "bronze"
DEFAULT_TIMER_ROWS = 10_000
DEFAULT_WINDOW_MINUTES = 15
MINUTES_PER_DAY = 24 * 60
MAX_TIMER_ROWS = 5_000_000


class SettingsError(ValueError):
    """An app setting is missing or malformed; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    blob_endpoint: str | None
    container: str = DEFAULT_CONTAINER
    timer_rows: int = DEFAULT_TIMER_ROWS
    dirty_share: float = 0.05
    window_minutes: int = DEFAULT_WINDOW_MINUTES
    base_seed: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        endpoint = env.get("LAKE_BLOB_ENDPOINT", "").strip() or None
        if endpoint is not None and not endpoint.startswith(("https://", "http://")):
            raise SettingsError(f"LAKE_BLOB_ENDPOINT must be an http(s) URL, got {endpoint!r}")
        window = _int(env, "GENERATOR_WINDOW_MINUTES", DEFAULT_WINDOW_MINUTES, 1, MINUTES_PER_DAY)
        if MINUTES_PER_DAY % window:
            raise SettingsError(
                f"GENERATOR_WINDOW_MINUTES must divide a day's {MINUTES_PER_DAY} minutes "
                f"(e.g. 5, 15, 60, 120, 1440), got {window}"
            )
        return cls(
            blob_endpoint=endpoint,
            container=env.get("BRONZE_CONTAINER", "").strip() or DEFAULT_CONTAINER,
            timer_rows=_int(env, "GENERATOR_ROWS", DEFAULT_TIMER_ROWS, 1, MAX_TIMER_ROWS),
            dirty_share=_share(env, "GENERATOR_DIRTY_SHARE", 0.05),
            window_minutes=window,
            base_seed=_int(env, "GENERATOR_SEED", 0, 0, 2**63 - 1),
        )

    def require_endpoint(self) -> str:
        if not self.blob_endpoint:
            raise SettingsError("app setting LAKE_BLOB_ENDPOINT is not set (blob endpoint of the lake account)")
        return self.blob_endpoint


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer from {low} to {high}, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be an integer from {low} to {high}, got {value}")
    return value


def _share(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number from 0 to 1, got {raw!r}") from None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise SettingsError(f"{name} must be a number from 0 to 1, got {raw!r}")
    return value
