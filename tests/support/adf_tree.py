"""A small valid `pipelines_json/` tree to break one way at a time, and loading it as the platform does."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from adf.load import load_content, pipeline_properties
from adf.model import AdfContent, ContentError
from adf.stack_values import STACK_VALUE_KEYS
from preview.schema import check_inputs

POLICY = {"timeout": "0.01:00:00", "retry": 2, "retryIntervalInSeconds": 60}


def fixture_files() -> dict[str, dict[str, Any]]:
    """A small valid tree: a linked service, a parameterised dataset, a pipeline with a ForEach, a trigger."""
    return {
        "linkedService/LS_Lake": {
            "name": "LS_Lake",
            "properties": {"type": "AzureBlobFS", "typeProperties": {"url": "https://lake.dfs.core.windows.net/"}},
        },
        "dataset/DS_Files": {
            "name": "DS_Files",
            "properties": {
                "type": "Json",
                "linkedServiceName": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"},
                "parameters": {"folder": {"type": "string"}},
                "typeProperties": {
                    "location": {
                        "type": "AzureBlobFSLocation",
                        "fileSystem": "bronze",
                        "folderPath": {"value": "@dataset().folder", "type": "Expression"},
                    }
                },
            },
        },
        "pipeline/PL_Copy": {
            "name": "PL_Copy",
            "properties": {
                "parameters": {"folders": {"type": "array", "defaultValue": ["a"]}, "runDate": {"type": "string"}},
                "variables": {"status": {"type": "String"}},
                "activities": [
                    {
                        "name": "EachFolder",
                        "type": "ForEach",
                        "typeProperties": {
                            "items": {"value": "@pipeline().parameters.folders", "type": "Expression"},
                            "activities": [
                                {
                                    "name": "Wait1",
                                    "type": "Wait",
                                    "typeProperties": {"waitTimeInSeconds": 1},
                                },
                                {
                                    "name": "Note",
                                    "type": "SetVariable",
                                    "dependsOn": [{"activity": "Wait1", "dependencyConditions": ["Succeeded"]}],
                                    "typeProperties": {"variableName": "status", "value": "@variables('status')"},
                                },
                            ],
                        },
                    },
                    {
                        "name": "Probe",
                        "type": "GetMetadata",
                        "policy": POLICY,
                        "dependsOn": [{"activity": "EachFolder", "dependencyConditions": ["Succeeded"]}],
                        "typeProperties": {
                            "dataset": {
                                "referenceName": "DS_Files",
                                "type": "DatasetReference",
                                "parameters": {"folder": "@pipeline().parameters.runDate"},
                            },
                            "fieldList": ["exists"],
                        },
                    },
                ],
            },
        },
        "trigger/TR_Daily": {
            "name": "TR_Daily",
            "properties": {
                "type": "ScheduleTrigger",
                "runtimeState": "Stopped",
                "pipelines": [
                    {
                        "pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"},
                        "parameters": {"runDate": "@trigger().scheduledTime"},
                    }
                ],
                "typeProperties": {
                    "recurrence": {
                        "frequency": "Day",
                        "interval": 1,
                        "startTime": "2026-01-01T00:00:00Z",
                        "timeZone": "UTC",
                        "schedule": {"hours": [2], "minutes": [0]},
                    }
                },
            },
        },
    }


def write(root: Path, files: dict[str, Any], overrides: dict[str, Any] | None = None) -> Path:
    content = root / "pipelines_json"
    for key, document in files.items():
        path = content / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    if overrides is not None:
        (content / "overrides.json").write_text(json.dumps(overrides))
    return content


@cache
def _pipeline_properties() -> frozenset[str]:
    """Read from the installed SDK's signature, which does not change while the tests run."""
    return pipeline_properties()


def load(root: Path) -> AdfContent:
    """Load as the program does: with the provider-schema check routing each item (adf/lossless.py)."""
    return load_content(root, STACK_VALUE_KEYS, _pipeline_properties(), typed_check=check_inputs)


def problems_of(tmp_path: Path, files: dict[str, Any], overrides: dict[str, Any] | None = None) -> str:
    with pytest.raises(ContentError) as info:
        load(write(tmp_path, files, overrides))
    return str(info.value)
