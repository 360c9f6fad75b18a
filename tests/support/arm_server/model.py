"""The fake factory's state: triggers, scripted pipeline runs, recorded requests and ARM's reply shapes."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.arm_server.http import Reply

SUBSCRIPTION = "6f1f2a3b-0000-4000-8000-00000000d001"
RESOURCE_GROUP = "rg-data-platform-dev-weu"
FACTORY = "adf-data-platform-dev-weu"
TOKEN = "fake-arm-token"
EVENT_TYPES = frozenset({"BlobEventsTrigger", "CustomEventsTrigger"})
TUMBLING_WINDOW = "TumblingWindowTrigger"
TERMINAL = frozenset({"Succeeded", "Failed", "Cancelled"})


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
    start_time: str = "2026-12-01T00:00:00Z"
    """Tumbling windows: the first window's start (`typeProperties.startTime`)."""
    frequency: str = "Hour"
    interval: int = 1
    runs: list[str] = field(default_factory=list)
    """When ADF last updated each of its trigger runs (ISO 8601, UTC), for queryTriggerRuns."""

    def resource(self, base: str) -> dict[str, Any]:
        pipeline = {"pipelineReference": {"referenceName": "PL_Ingest", "type": "PipelineReference"}}
        if self.type == TUMBLING_WINDOW:
            # A tumbling window names one pipeline (`pipeline`, not `pipelines`).
            properties: dict[str, Any] = {
                "type": self.type,
                "runtimeState": self.runtime_state,
                "pipeline": {**pipeline, "parameters": {}},
                "typeProperties": {
                    "frequency": self.frequency,
                    "interval": self.interval,
                    "startTime": self.start_time,
                    "delay": "00:00:00",
                    "maxConcurrency": 4,
                    "retryPolicy": {"count": 0, "intervalInSeconds": 30},
                    "dependsOn": [],
                },
                "annotations": [],
            }
            return self._wrap(base, properties)
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
        return self._wrap(
            base,
            {
                "type": self.type,
                "runtimeState": self.runtime_state,
                "typeProperties": type_properties,
                "pipelines": [pipeline],
                "annotations": [],
            },
        )

    def _wrap(self, base: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"{base}/triggers/{self.name}",
            "name": self.name,
            "type": "Microsoft.DataFactory/factories/triggers",
            "etag": uuid.uuid5(uuid.NAMESPACE_URL, f"{self.name}/{self.runtime_state}").hex,
            "properties": properties,
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
class Operation:
    """A long-running operation the SDK's poller follows: done when `done()`, then `finish()` once."""

    done: Callable[[], bool]
    finish: Callable[[], None] = lambda: None
    result: Callable[[], Any] = lambda: None
    polls_left: int = 1


def error(status: int, code: str, message: str) -> Reply:
    return status, {}, {"error": {"code": code, "message": message}}


def iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
