"""Plan time as ADF content grows: 10, 100 and 500 generated pipelines, each with a dataset and a trigger.

Target: linear growth, at most 8 ms per added resource, 500 pipelines planned in under 15 s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import measure
from preview.plan import copy_program

PROJECT = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 500)
TARGET_MS_PER_RESOURCE = 8.0
TARGET_SECONDS_500 = 15.0


def copy_project(target: Path) -> None:
    """The program and the dev stack, with only the linked services of the real content."""
    copy_program(target, PROJECT, packages=True)
    for folder in ("dataset", "dataflow", "pipeline", "trigger"):
        shutil.rmtree(target / "pipelines_json" / folder, ignore_errors=True)
    # Overrides of the removed triggers would apply to nothing, which is an error; the generated schedules keep
    # the time-zone override.
    overrides_file = target / "pipelines_json" / "overrides.json"
    overrides = json.loads(overrides_file.read_text())
    common = overrides["common"]
    common["trigger/*"] = [entry for entry in common["trigger/*"] if entry["path"].endswith("recurrence.timeZone")]
    overrides_file.write_text(json.dumps(overrides))


def documents(i: int, linked_service: str = "LS_DataLake") -> dict[str, dict[str, Any]]:
    """Pipeline number `i`: a dataset on `linked_service`, a pipeline that probes it and its daily trigger."""
    dataset, pipeline, trigger = f"DS_Gen_{i:04d}", f"PL_Gen_{i:04d}", f"TR_Gen_{i:04d}"
    lake = {"referenceName": linked_service, "type": "LinkedServiceReference"}
    location = {"type": "AzureBlobFSLocation", "fileSystem": "bronze", "folderPath": f"gen/{i}"}
    return {
        f"dataset/{dataset}": {
            "name": dataset,
            "properties": {
                "type": "DelimitedText",
                "linkedServiceName": lake,
                "typeProperties": {"location": location, "columnDelimiter": ",", "firstRowAsHeader": True},
            },
        },
        f"pipeline/{pipeline}": {
            "name": pipeline,
            "properties": {
                "parameters": {"runDate": {"type": "string", "defaultValue": "2026-01-01"}},
                "activities": [
                    {
                        "name": "Probe",
                        "type": "GetMetadata",
                        "policy": {"timeout": "0.00:10:00", "retry": 1, "retryIntervalInSeconds": 30},
                        "typeProperties": {
                            "dataset": {"referenceName": dataset, "type": "DatasetReference"},
                            "fieldList": ["exists"],
                        },
                    }
                ],
            },
        },
        f"trigger/{trigger}": {
            "name": trigger,
            "properties": {
                "type": "ScheduleTrigger",
                "pipelines": [
                    {
                        "pipelineReference": {"referenceName": pipeline, "type": "PipelineReference"},
                        "parameters": {"runDate": "@trigger().scheduledTime"},
                    }
                ],
                "typeProperties": {
                    "recurrence": {
                        "frequency": "Day",
                        "interval": 1,
                        "startTime": "2026-01-01T00:00:00Z",
                        "timeZone": "UTC",
                        "schedule": {"hours": [i % 24], "minutes": [0]},
                    }
                },
            },
        },
    }


def generate(content: Path, count: int) -> None:
    """`count` pipelines, each copying with its own dataset, each with a daily trigger."""
    for folder in ("dataset", "pipeline", "trigger"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        for key, document in documents(i).items():
            (content / f"{key}.json").write_text(json.dumps(document))


def plan_resources(project: Path) -> int:
    out = project / "plan.json"
    with out.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--json"],
            cwd=project,
            stdout=handle,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return len(json.loads(out.read_text())["resources"])


def run() -> str:
    rows = []
    for count in SIZES:
        with tempfile.TemporaryDirectory() as temp:
            project = Path(temp)
            copy_project(project)
            generate(project / "pipelines_json", count)
            resources = plan_resources(project)
            timing = min(
                (
                    measure([sys.executable, "-m", "ops", "plan", "--stack", "dev", "--json"], cwd=temp)
                    for _ in range(2)
                ),
                key=lambda m: m.seconds,
            )
            rows.append((count, resources, timing.seconds, timing.peak_mb))
    (_, r0, t0, _), (_, r1, t1, _), (_, r2, t2, _) = rows
    slope_small = (t1 - t0) / (r1 - r0) * 1000
    slope_large = (t2 - t1) / (r2 - r1) * 1000
    per_resource = (t2 - t0) / (r2 - r0) * 1000
    linear = slope_large <= 2 * max(slope_small, 0.1)
    ok = per_resource <= TARGET_MS_PER_RESOURCE and t2 < TARGET_SECONDS_500 and linear
    lines = [
        "## Planning ADF content at scale",
        "",
        "`python -m ops plan --stack dev --json` on a copy of the project with N generated pipelines,",
        "each with its own dataset and a schedule trigger (fastest of 2 runs, fresh process each).",
        "",
        "| pipelines | resources in plan | wall time | peak memory |",
        "| --- | --- | --- | --- |",
        *[f"| {n} | {r} | {t:.2f} s | {m:.0f} MB |" for n, r, t, m in rows],
        "",
        "| metric | result | target |",
        "| --- | --- | --- |",
        f"| cost per added resource, {SIZES[0]} to {SIZES[2]} pipelines | {per_resource:.2f} ms | <= 8 ms |",
        f"| cost per added resource, {SIZES[0]}-{SIZES[1]} vs {SIZES[1]}-{SIZES[2]} | "
        f"{slope_small:.2f} ms vs {slope_large:.2f} ms | linear (second at most 2x the first) |",
        f"| {SIZES[2]} pipelines | {t2:.2f} s | < 15 s |",
        "",
        f"Result: {'PASS' if ok else 'FAIL'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
