"""queryTriggerRuns: a factory's trigger runs, filtered and paged as ADF's REST contract says.

https://learn.microsoft.com/rest/api/datafactory/trigger-runs/query-by-factory: POST
`.../factories/{f}/queryTriggerRuns` with RunFilterParameters (`lastUpdatedAfter` and
`lastUpdatedBefore` required, ISO 8601; optional `filters` of {operand, operator, values} and
`continuationToken`), answered with TriggerRunsQueryResponse (`value`, `continuationToken`).
The fake knows the TriggerName operand with Equals, NotEquals, In and NotIn.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from tests.support.arm_server.model import FakeTrigger, Reply, error
from tests.support.arm_server.state import ServerState

_OPERATORS = {
    "Equals": lambda name, values: name in values[:1],
    "NotEquals": lambda name, values: name not in values[:1],
    "In": lambda name, values: name in values,
    "NotIn": lambda name, values: name not in values,
}


def _moment(text: Any) -> datetime.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _run(trigger: FakeTrigger, timestamp: str) -> dict[str, Any]:
    return {
        "triggerRunId": uuid.uuid5(uuid.NAMESPACE_URL, f"{trigger.name}/{timestamp}").hex.upper(),
        "triggerName": trigger.name,
        "triggerType": trigger.type,
        "triggerRunTimestamp": timestamp,
        "status": "Succeeded",
        "message": "",
        "properties": {"TriggerTime": timestamp},
        "triggeredPipelines": {"PL_Ingest": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{trigger.name}/{timestamp}/run"))},
    }


class TriggerRunRoutes(ServerState):
    def _query_trigger_runs(self, body: Any) -> Reply:
        if not isinstance(body, dict):
            return error(400, "BadRequest", "The request body must be RunFilterParameters.")
        after, before = _moment(body.get("lastUpdatedAfter")), _moment(body.get("lastUpdatedBefore"))
        if after is None or before is None:
            return error(400, "BadRequest", "lastUpdatedAfter and lastUpdatedBefore are required (ISO 8601).")
        names = {t.name for t in self.triggers.values()}
        for query_filter in body.get("filters") or []:
            operand, operator = query_filter.get("operand"), query_filter.get("operator")
            if operand != "TriggerName" or operator not in _OPERATORS:
                return error(400, "BadRequest", f"Unsupported filter {operand} {operator}.")
            values = list(query_filter.get("values") or [])
            names = {n for n in names if _OPERATORS[operator](n, values)}
        runs = [
            _run(trigger, timestamp)
            for trigger in sorted(self.triggers.values(), key=lambda t: t.name)
            if trigger.name in names
            for timestamp in sorted(trigger.runs)
            if after <= (_moment(timestamp) or after) <= before
        ]
        offset = int(body.get("continuationToken") or 0)
        document: dict[str, Any] = {"value": runs[offset : offset + self.page_size]}
        if offset + self.page_size < len(runs):
            document["continuationToken"] = str(offset + self.page_size)
        return 200, {}, document
