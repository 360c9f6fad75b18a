"""Pipeline-run routes: createRun, the run as scripted frames, and paged activity runs."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from tests.support.arm_server.model import FACTORY, TERMINAL, FakeRun, Reply, RunFrame, error, iso
from tests.support.arm_server.state import ServerState


class RunRoutes(ServerState):
    def _create_run(self, pipeline: str, body: Any) -> Reply:
        frames = self.pipelines.get(pipeline.lower())
        if frames is None:
            return error(404, "PipelineNotFound", f"Pipeline '{pipeline}' does not exist in factory '{FACTORY}'.")
        run_id = str(uuid.uuid4())
        self.runs[run_id] = FakeRun(run_id, pipeline, body if isinstance(body, dict) else {}, frames)
        return 200, {}, {"runId": run_id}

    def _frame(self, run: FakeRun) -> RunFrame:
        return run.frames[max(run.shown, 0)]

    def _get_run(self, run_id: str) -> Reply:
        run = self.runs.get(run_id)
        if run is None:
            return error(404, "PipelineRunNotFound", f"Pipeline run '{run_id}' does not exist.")
        run.shown = min(run.shown + 1, len(run.frames) - 1)
        frame = self._frame(run)
        now = datetime.datetime.now(datetime.UTC)
        document: dict[str, Any] = {
            "runId": run.run_id,
            "runGroupId": run.run_id,
            "isLatest": True,
            "pipelineName": run.pipeline,
            "parameters": {k: v if isinstance(v, str) else json.dumps(v) for k, v in run.parameters.items()},
            "invokedBy": {"name": "Manual", "id": uuid.uuid4().hex, "invokedByType": "Manual"},
            "lastUpdated": iso(now),
            "runStart": iso(run.created),
            "status": frame.status,
            "message": frame.message,
        }
        if frame.status in TERMINAL:
            document["runEnd"] = iso(now)
            document["durationInMs"] = 1000
        return 200, {}, document

    def _query_activities(self, run_id: str, body: Any) -> Reply:
        run = self.runs.get(run_id)
        if run is None:
            return error(404, "PipelineRunNotFound", f"Pipeline run '{run_id}' does not exist.")
        if not isinstance(body, dict) or "lastUpdatedAfter" not in body or "lastUpdatedBefore" not in body:
            return error(400, "BadRequest", "lastUpdatedAfter and lastUpdatedBefore are required.")
        activities = self._frame(run).activities
        offset = int(body.get("continuationToken") or 0)
        page = activities[offset : offset + self.activity_page_size]
        run_start = run.created
        value = []
        for activity in page:
            item: dict[str, Any] = {
                "activityName": activity.name,
                "activityType": activity.type,
                "activityRunId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run_id}/{activity.name}")),
                "pipelineName": run.pipeline,
                "pipelineRunId": run_id,
                "status": activity.status,
                "activityRunStart": iso(run_start + datetime.timedelta(seconds=activity.started)),
                "input": {},
                "output": {},
                "error": activity.error
                or {"errorCode": "", "message": "", "failureType": "", "target": activity.name, "details": ""},
            }
            if activity.status in TERMINAL:
                item["activityRunEnd"] = iso(run_start + datetime.timedelta(seconds=activity.ended))
                item["durationInMs"] = int((activity.ended - activity.started) * 1000)
            value.append(item)
        document: dict[str, Any] = {"value": value}
        if offset + self.activity_page_size < len(activities):
            document["continuationToken"] = str(offset + self.activity_page_size)
        return 200, {}, document
