"""Trigger routes: paged lists, start/stop as ARM long-running operations, event subscriptions.

* start/stop: 200 with `Azure-AsyncOperation` and `Location` headers; the operation-status
  URL says `InProgress`, then `Succeeded`, and only then does the trigger's state change;
  the poller finally GETs the `Location` (`lro="sync"`: a plain 200, done);
* subscribeToEvents: 202 with `Location`; the location answers 202 while the subscription
  is Provisioning and 200 with the status body once it is Enabled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ops.factory import API_VERSION
from tests.support.arm_server.model import EVENT_TYPES, FakeTrigger, Operation, Reply, error
from tests.support.arm_server.state import ServerState


class TriggerRoutes(ServerState):
    def _list_triggers(self, query: dict[str, str]) -> Reply:
        names = sorted(self.triggers)
        offset = int(query.get("$skipToken", "0"))
        page = [self.triggers[n].resource(self.base) for n in names[offset : offset + self.page_size]]
        document: dict[str, Any] = {"value": page}
        if offset + self.page_size < len(names):
            document["nextLink"] = (
                f"{self.endpoint}{self.base}/triggers?api-version={API_VERSION}&$skipToken={offset + self.page_size}"
            )
        return 200, {}, document

    def _lro(self, finish: Callable[[], None]) -> Reply:
        """ARM's answer to a trigger start/stop: done now (sync) or an operation the poller follows (async)."""
        if self.lro == "sync":
            finish()
            return 200, {}, None
        operation_id = uuid.uuid4().hex
        self._operations[operation_id] = Operation(done=lambda: True, finish=finish, polls_left=self.lro_polls)
        return (
            200,
            {
                "Azure-AsyncOperation": f"{self.endpoint}{self.base}/operationStatuses/{operation_id}"
                f"?api-version={API_VERSION}",
                "Location": f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}",
            },
            None,
        )

    def _start(self, trigger: FakeTrigger) -> Reply:
        if trigger.refuse_start:
            return error(*trigger.refuse_start)
        if trigger.type in EVENT_TYPES and trigger.subscription != "Enabled":
            if trigger.subscription == "Provisioning":
                return error(400, "BadRequest", "Resource cannot be updated during provisioning")
            return error(
                400,
                "BadRequest",
                f"The event subscription of trigger '{trigger.name}' is {trigger.subscription}; "
                "subscribe the trigger to events before starting it.",
            )

        def finish() -> None:
            trigger.runtime_state = "Started"

        return self._lro(finish)

    def _stop(self, trigger: FakeTrigger) -> Reply:
        if trigger.refuse_stop:
            return error(*trigger.refuse_stop)

        def finish() -> None:
            trigger.runtime_state = "Stopped"

        return self._lro(finish)

    def _read_subscription(self, trigger: FakeTrigger) -> str:
        if trigger.subscription == "Provisioning" and not trigger.subscribe_stuck:
            trigger.reads_left -= 1
            if trigger.reads_left <= 0:
                trigger.subscription = "Enabled"
        return trigger.subscription

    def _subscription_status(self, trigger: FakeTrigger) -> Reply:
        return 200, {}, {"triggerName": trigger.name, "status": self._read_subscription(trigger)}

    def _subscribe(self, trigger: FakeTrigger) -> Reply:
        if trigger.type not in EVENT_TYPES:
            return error(400, "BadRequest", f"Trigger '{trigger.name}' of type {trigger.type} has no events.")
        if trigger.subscription == "Enabled":
            return 200, {}, {"triggerName": trigger.name, "status": "Enabled"}
        trigger.subscription = "Provisioning"
        trigger.reads_left = trigger.provisioning_reads
        operation_id = uuid.uuid4().hex
        self._operations[operation_id] = Operation(
            done=lambda: self._read_subscription(trigger) == "Enabled",
            result=lambda: {"triggerName": trigger.name, "status": trigger.subscription},
            polls_left=0,
        )
        location = f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}"
        return 202, {"Location": location}, None

    def _poll(self, kind: str, operation_id: str) -> Reply:
        operation = self._operations.get(operation_id)
        if operation is None:
            return error(404, "NotFound", f"Operation '{operation_id}' does not exist.")
        if kind == "operationstatuses":
            if operation.polls_left > 0:
                operation.polls_left -= 1
                return 200, {}, {"id": operation_id, "status": "InProgress"}
            operation.finish()
            operation.finish = lambda: None
            return 200, {}, {"id": operation_id, "status": "Succeeded"}
        if operation.polls_left > 0 or not operation.done():
            return (
                202,
                {"Location": f"{self.endpoint}{self.base}/operationResults/{operation_id}?api-version={API_VERSION}"},
                None,
            )
        return 200, {}, operation.result()
