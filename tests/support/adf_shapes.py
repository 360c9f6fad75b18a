"""A rich ADF Studio tree: every kind, the nested activity containers, both routes and both trigger shapes; the seed the
shape tests mutate one value at a time."""

from __future__ import annotations

from typing import Any

from tests.support.adf_tree import fixture_files


def rich_tree() -> dict[str, Any]:
    """The fixture tree plus a credential, a managed network and endpoint, two runtimes, a SQL service and dataset,
    a data flow, a pipeline with Switch, If, Until, Copy, stored procedure, data flow and Lookup activities, three
    more triggers and a factory file. It loads without a problem; four items take the lossless path."""
    files: dict[str, Any] = fixture_files()
    files["credential/CR_Identity"] = {
        "name": "CR_Identity",
        "properties": {"type": "ManagedIdentity", "typeProperties": {"resourceId": "/subscriptions/0/uami"}},
    }
    files["managedVirtualNetwork/default"] = {"name": "default", "properties": {"preventDataExfiltration": False}}
    files["managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake"] = {
        "name": "pe-lake",
        "properties": {"privateLinkResourceId": "/subscriptions/0/lake", "groupId": "dfs"},
    }
    files["integrationRuntime/ir-vnet"] = {
        "name": "ir-vnet",
        "properties": {
            "type": "Managed",
            "typeProperties": {"computeProperties": {"location": "AutoResolve"}},
            "managedVirtualNetwork": {"referenceName": "default", "type": "ManagedVirtualNetworkReference"},
        },
    }
    files["integrationRuntime/ir-linked"] = {
        "name": "ir-linked",
        "properties": {
            "type": "SelfHosted",
            "typeProperties": {"linkedInfo": {"resourceId": "/subscriptions/0/ir", "authorizationType": "Rbac"}},
        },
    }
    files["linkedService/LS_Sql"] = {
        "name": "LS_Sql",
        "properties": {
            "type": "AzureSqlDatabase",
            "connectVia": {"referenceName": "ir-vnet", "type": "IntegrationRuntimeReference"},
            "typeProperties": {
                "server": "s.database.windows.net",
                "database": "db",
                "authenticationType": "SystemAssignedManagedIdentity",
                "credential": {"referenceName": "CR_Identity", "type": "CredentialReference"},
            },
        },
    }
    files["dataset/DS_Sql"] = {
        "name": "DS_Sql",
        "properties": {
            "type": "AzureSqlTable",
            "linkedServiceName": {"referenceName": "LS_Sql", "type": "LinkedServiceReference"},
            "parameters": {"table": {"type": "string", "defaultValue": "users"}},
            "schema": [{"name": "id", "type": "int"}],
            "typeProperties": {"schema": "dbo", "table": {"value": "@dataset().table", "type": "Expression"}},
        },
    }
    files["dataflow/DF_Clean"] = {
        "name": "DF_Clean",
        "properties": {
            "type": "MappingDataFlow",
            "typeProperties": {
                "sources": [{"name": "src", "dataset": {"referenceName": "DS_Files", "type": "DatasetReference"}}],
                "sinks": [{"name": "sink", "dataset": {"referenceName": "DS_Sql", "type": "DatasetReference"}}],
                "transformations": [],
                "scriptLines": ["source(allowSchemaDrift: true) ~> src", "src sink() ~> sink"],
            },
        },
    }
    files["pipeline/PL_Child"] = {
        "name": "PL_Child",
        "properties": {
            "parameters": {"mode": {"type": "string", "defaultValue": "a"}},
            "activities": [
                {
                    "name": "Branch",
                    "type": "Switch",
                    "typeProperties": {
                        "on": {"value": "@pipeline().parameters.mode", "type": "Expression"},
                        "cases": [
                            {
                                "value": "a",
                                "activities": [
                                    {"name": "WaitA", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}
                                ],
                            }
                        ],
                        "defaultActivities": [
                            {"name": "WaitD", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}
                        ],
                    },
                },
                {
                    "name": "Check",
                    "type": "IfCondition",
                    "dependsOn": [{"activity": "Branch", "dependencyConditions": ["Succeeded"]}],
                    "typeProperties": {
                        "expression": {"value": "@equals(1, 1)", "type": "Expression"},
                        "ifTrueActivities": [
                            {"name": "WaitT", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}
                        ],
                        "ifFalseActivities": [],
                    },
                },
                {
                    "name": "Loop",
                    "type": "Until",
                    "typeProperties": {
                        "expression": {"value": "@equals(1, 1)", "type": "Expression"},
                        "timeout": "0.01:00:00",
                        "activities": [{"name": "WaitU", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}],
                    },
                },
                {
                    "name": "Load",
                    "type": "Copy",
                    "policy": {"timeout": "0.01:00:00", "retry": 1, "retryIntervalInSeconds": 60, "cancelAfter": {}},
                    "inputs": [
                        {"referenceName": "DS_Files", "type": "DatasetReference", "parameters": {"folder": "a"}}
                    ],
                    "outputs": [
                        {"referenceName": "DS_Sql", "type": "DatasetReference", "parameters": {"table": "users"}}
                    ],
                    "typeProperties": {
                        "source": {"type": "JsonSource"},
                        "sink": {
                            "type": "AzureSqlSink",
                            "preCopyScript": "TRUNCATE TABLE dbo.users",
                            "sqlWriterStoredProcedureName": "dbo.usp_load",
                        },
                        "cloudDataMovementUnits": 0,
                    },
                },
                {
                    "name": "Run",
                    "type": "SqlServerStoredProcedure",
                    "linkedServiceName": {"referenceName": "LS_Sql", "type": "LinkedServiceReference"},
                    "typeProperties": {"storedProcedureName": "[dbo].[usp_merge]"},
                },
                {
                    "name": "Clean",
                    "type": "ExecuteDataFlow",
                    "typeProperties": {"dataflow": {"referenceName": "DF_Clean", "type": "DataFlowReference"}},
                },
                {
                    "name": "Look",
                    "type": "Lookup",
                    "typeProperties": {
                        "source": {"type": "AzureSqlSource", "sqlReaderQuery": "SELECT id FROM dbo.users"},
                        "dataset": {"referenceName": "DS_Sql", "type": "DatasetReference"},
                    },
                },
            ],
        },
    }
    files["pipeline/PL_Copy"]["properties"]["activities"].append(
        {
            "name": "Child",
            "type": "ExecutePipeline",
            "typeProperties": {
                "pipeline": {"referenceName": "PL_Child", "type": "PipelineReference"},
                "parameters": {"mode": "b"},
                "waitOnCompletion": True,
            },
        }
    )
    files["trigger/TR_Window"] = {
        "name": "TR_Window",
        "properties": {
            "type": "TumblingWindowTrigger",
            "runtimeState": "Started",
            "pipeline": {
                "pipelineReference": {"referenceName": "PL_Child", "type": "PipelineReference"},
                "parameters": {"mode": "a"},
            },
            "typeProperties": {
                "frequency": "Hour",
                "interval": 1,
                "startTime": "2026-01-01T00:00:00Z",
                "maxConcurrency": 1,
                "dependsOn": [
                    {
                        "type": "TumblingWindowTriggerDependencyReference",
                        "referenceTrigger": {"referenceName": "TR_Other", "type": "TriggerReference"},
                        "offset": "-01:00:00",
                        "size": "01:00:00",
                    }
                ],
            },
        },
    }
    files["trigger/TR_Other"] = {
        "name": "TR_Other",
        "properties": {
            "type": "TumblingWindowTrigger",
            "pipeline": {"pipelineReference": {"referenceName": "PL_Child", "type": "PipelineReference"}},
            "typeProperties": {
                "frequency": "Hour",
                "interval": 1,
                "startTime": "2026-01-01T00:00:00Z",
                "maxConcurrency": 1,
            },
        },
    }
    files["trigger/TR_Blob"] = {
        "name": "TR_Blob",
        "properties": {
            "type": "BlobEventsTrigger",
            "pipelines": [
                {
                    "pipelineReference": {"referenceName": "PL_Copy", "type": "PipelineReference"},
                    "parameters": {"runDate": "@trigger().startTime"},
                }
            ],
            "typeProperties": {
                "blobPathBeginsWith": "/bronze/blobs/events/",
                "events": ["Microsoft.Storage.BlobCreated"],
                "scope": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/lake",
            },
        },
    }
    files["factory/adf-contoso-dev"] = {
        "name": "adf-contoso-dev",
        "location": "westeurope",
        "properties": {"globalParameters": {"region": {"type": "string", "value": "weu"}}},
    }
    return files
