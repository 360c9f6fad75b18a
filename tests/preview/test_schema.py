"""Behaviour of preview.schema against the installed provider SDKs (no network, no engine)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pulumi_azure_native.datafactory as adf
import pytest
from pulumi import _types as pulumi_types
from pulumi_azure_native import storage

from preview.schema import (
    SECRET,
    UNKNOWN,
    SchemaCheckError,
    SchemaViolation,
    assert_valid,
    check_inputs,
)
from preview.schema import resources as type_lookup

PIPELINE = "azure-native:datafactory:Pipeline"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
RANDOM_STRING = "random:index:RandomString"


def storage_account() -> dict[str, Any]:
    return {
        "resourceGroupName": "rg-data",
        "accountName": "stlake001",
        "location": "westeurope",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"},
        "accessTier": "Hot",
        "allowBlobPublicAccess": False,
        "isHnsEnabled": True,
        "minimumTlsVersion": "TLS1_2",
        "networkRuleSet": {
            "defaultAction": "Deny",
            "bypass": "AzureServices",
            "ipRules": [{"iPAddressOrRange": "203.0.113.7", "action": "Allow"}],
        },
        "encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": True}}},
        "tags": {"env": "dev", "owner": "data"},
    }


def key_vault() -> dict[str, Any]:
    return {
        "resourceGroupName": "rg-data",
        "vaultName": "kv-data-001",
        "location": "westeurope",
        "properties": {
            "tenantId": UNKNOWN,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 7,
            "enablePurgeProtection": True,
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
            "accessPolicies": [],
        },
        "tags": {"env": "dev"},
    }


def copy_activity(name: str = "copy_raw") -> dict[str, Any]:
    return {
        "name": name,
        "type": "Copy",
        "source": {
            "type": "DelimitedTextSource",
            "storeSettings": {"type": "AzureBlobFSReadSettings", "recursive": True},
        },
        "sink": {"type": "ParquetSink", "storeSettings": {"type": "AzureBlobFSWriteSettings"}},
        "inputs": [{"referenceName": "ds_raw", "type": "DatasetReference", "parameters": {"p": "@item().name"}}],
        "outputs": [{"referenceName": "ds_curated", "type": "DatasetReference"}],
        "dependsOn": [],
    }


def pipeline(*activities: Any) -> dict[str, Any]:
    return {
        "factoryName": "adf-data",
        "resourceGroupName": "rg-data",
        "pipelineName": "ingest",
        "parameters": {"runDate": {"type": "String", "defaultValue": "2024-01-01"}},
        "variables": {"files": {"type": "Array"}},
        "activities": list(activities),
    }


def nested_pipeline() -> dict[str, Any]:
    """Lookup -> ForEach(Copy, IfCondition(Wait | Fail)): exercises the recursive unions."""
    return pipeline(
        {
            "name": "list_files",
            "type": "Lookup",
            "source": {"type": "AzureSqlSource", "sqlReaderQuery": "select 1"},
            "dataset": {"referenceName": "ds_sql", "type": "DatasetReference"},
            "firstRowOnly": False,
            "policy": {"timeout": "0.01:00:00", "retry": 2, "retryIntervalInSeconds": 30},
        },
        {
            "name": "each_file",
            "type": "ForEach",
            "items": {"value": "@activity('list_files').output.value", "type": "Expression"},
            "isSequential": False,
            "batchCount": 4,
            "dependsOn": [{"activity": "list_files", "dependencyConditions": ["Succeeded"]}],
            "activities": [
                copy_activity(),
                {
                    "name": "check",
                    "type": "IfCondition",
                    "expression": {"value": "@true", "type": "Expression"},
                    "ifTrueActivities": [{"name": "pause", "type": "Wait", "waitTimeInSeconds": 5}],
                    "ifFalseActivities": [{"name": "boom", "type": "Fail", "message": "x", "errorCode": "1"}],
                },
            ],
        },
    )


def reasons(violations: list[SchemaViolation]) -> dict[str, str]:
    return {v.path: v.reason for v in violations}


# ------------------------------------------------------------------ valid inputs


@pytest.mark.parametrize(
    ("type_token", "inputs"),
    [
        (STORAGE_ACCOUNT, storage_account()),
        (VAULT, key_vault()),
        (PIPELINE, nested_pipeline()),
        (RANDOM_STRING, {"length": 16, "special": False, "upper": True}),
        ("random:index/randomString:RandomString", {"length": 16, "keepers": {"rg": "rg-data"}}),
        (
            "azure-native:monitor:ActionGroup",  # args class is ActionGroupInitArgs
            {
                "resourceGroupName": "rg",
                "groupShortName": "ops",
                "enabled": True,
                "emailReceivers": [{"name": "oncall", "emailAddress": "oncall@example.com"}],
            },
        ),
    ],
)
def test_valid_inputs_have_no_violations(type_token: str, inputs: dict[str, Any]) -> None:
    assert check_inputs(type_token, inputs, "r") == []


def test_names_are_learned_from_the_sdk() -> None:
    """The allowed list is exactly the SDK's getter names, e.g. allowBlobPublicAccess."""
    sdk_names = sorted(pulumi_types.input_type_py_to_pulumi_names(storage.StorageAccountArgs).values())
    assert "allowBlobPublicAccess" in sdk_names
    assert check_inputs(STORAGE_ACCOUNT, storage_account() | {"allowBlobPublicAccess": True}) == []

    [violation] = check_inputs(STORAGE_ACCOUNT, storage_account() | {"allowPublicBlobs": True})
    listed = violation.reason.split("; allowed: ", 1)[1].split("; ", 1)[0].split(", ")
    shown = [name for name in listed if not name.startswith("...")]
    assert shown == sdk_names[: len(shown)]
    assert len(shown) == len(sdk_names) or listed[-1] == f"... (+{len(sdk_names) - len(shown)} more)"


def test_discriminator_values_are_learned_from_the_sdk() -> None:
    """The values listed for a bad activity type are the constants the Args classes set."""
    wait = adf.WaitActivityArgs(name="w", type="ignored", wait_time_in_seconds=1)
    assert wait.type == "Wait"  # the SDK pins the discriminator itself
    [violation] = check_inputs(PIPELINE, pipeline({"name": "w", "type": "Wiat", "waitTimeInSeconds": 1}))
    assert "'Wait'" in violation.reason


# ------------------------------------------------------------ unknown properties


def test_unknown_top_level_property() -> None:
    inputs = storage_account() | {"allowPublicBlobs": True}
    [violation] = check_inputs(STORAGE_ACCOUNT, inputs, "lake")
    assert violation.path == "allowPublicBlobs"
    assert violation.reason.startswith("property 'allowPublicBlobs' does not exist on StorageAccountArgs; allowed: ")
    assert "allowBlobPublicAccess" in violation.reason


def test_unknown_nested_property_in_plain_object() -> None:
    inputs = storage_account()
    inputs["networkRuleSet"]["defaultActon"] = inputs["networkRuleSet"].pop("defaultAction")
    allowed = ", ".join(sorted(pulumi_types.input_type_py_to_pulumi_names(storage.NetworkRuleSetArgs).values()))
    assert reasons(check_inputs(STORAGE_ACCOUNT, inputs)) == {
        "networkRuleSet.defaultActon": "property 'defaultActon' does not exist on NetworkRuleSetArgs; "
        f"allowed: {allowed}; did you mean 'defaultAction'?",
    }


def test_leftover_type_properties_in_copy_activity() -> None:
    """azure-native flattens ADF typeProperties; a leftover wrapper must be flagged."""
    activity = copy_activity()
    activity["typeProperties"] = {"source": activity.pop("source"), "sink": activity.pop("sink")}
    found = reasons(check_inputs(PIPELINE, pipeline(activity)))
    assert found["activities[0].typeProperties"].startswith(
        "property 'typeProperties' does not exist on CopyActivityArgs; allowed: "
    )
    assert "move them up one level" in found["activities[0].typeProperties"]
    # ... and the flattened properties it swallowed are now missing.
    assert found["activities[0].source"] == "required property 'source' is missing"
    assert found["activities[0].sink"] == "required property 'sink' is missing"


def test_snake_case_key_suggests_camel_case() -> None:
    activity = copy_activity()
    activity["depends_on"] = activity.pop("dependsOn")
    [violation] = check_inputs(PIPELINE, pipeline(activity))
    assert violation.path == "activities[0].depends_on"
    assert violation.reason.endswith("did you mean 'dependsOn'?")


# ------------------------------------------------------------ required properties


def test_missing_required_top_level_property() -> None:
    inputs = storage_account()
    del inputs["resourceGroupName"]
    assert reasons(check_inputs(STORAGE_ACCOUNT, inputs)) == {
        "resourceGroupName": "required property 'resourceGroupName' is missing"
    }


def test_none_counts_as_missing_for_required_and_absent_for_optional() -> None:
    inputs = storage_account() | {"resourceGroupName": None, "accessTier": None, "etag": None}
    assert reasons(check_inputs(STORAGE_ACCOUNT, inputs)) == {
        "resourceGroupName": "required property 'resourceGroupName' is missing"
    }


def test_missing_required_nested_property() -> None:
    activity = copy_activity()
    del activity["sink"]
    inner = pipeline(
        {"name": "loop", "type": "ForEach", "items": {"value": "@x", "type": "Expression"}, "activities": [activity]}
    )
    assert reasons(check_inputs(PIPELINE, inner)) == {
        "activities[0].activities[0].sink": "required property 'sink' is missing"
    }


def test_missing_required_in_random_string() -> None:
    assert reasons(check_inputs(RANDOM_STRING, {"special": False})) == {
        "length": "required property 'length' is missing"
    }


# ------------------------------------------------------------------ unions


def test_wrong_discriminator_lists_allowed_values() -> None:
    [violation] = check_inputs(PIPELINE, pipeline(copy_activity() | {"type": "Coppy"}), "ingest")
    assert violation.path == "activities[0].type"
    assert violation.reason.startswith("type 'Coppy' is not one of: 'AppendVariable', ")
    assert "'Copy'" in violation.reason and "'ForEach'" in violation.reason
    assert violation.reason.endswith("did you mean 'Copy'?")


def test_wrong_discriminator_deep_inside_recursive_unions() -> None:
    inputs = nested_pipeline()
    if_activity = inputs["activities"][1]["activities"][1]
    if_activity["ifTrueActivities"][0]["type"] = "Sleep"
    [violation] = check_inputs(PIPELINE, inputs)
    assert violation.path == "activities[1].activities[1].ifTrueActivities[0].type"
    assert violation.reason.startswith("type 'Sleep' is not one of: ")


def test_wrong_discriminator_in_nested_source_union() -> None:
    activity = copy_activity()
    activity["source"]["type"] = "CsvSource"
    [violation] = check_inputs(PIPELINE, pipeline(activity))
    assert violation.path == "activities[0].source.type"
    assert "'DelimitedTextSource'" in violation.reason
    assert "(+" in violation.reason  # the long member list is truncated


def test_missing_discriminator() -> None:
    activity = copy_activity()
    del activity["type"]
    [violation] = check_inputs(PIPELINE, pipeline(activity))
    assert violation.path == "activities[0].type"
    assert violation.reason.startswith("required discriminator 'type' is missing; expected one of: ")


def test_union_member_is_validated_after_dispatch() -> None:
    wait = {"name": "pause", "type": "Wait", "waitTimeInSeconds": 5, "source": {"type": "AzureSqlSource"}}
    [violation] = check_inputs(PIPELINE, pipeline(wait))
    assert violation.path == "activities[0].source"
    assert violation.reason.startswith("property 'source' does not exist on WaitActivityArgs")


# -------------------------------------------------------------- value types


@pytest.mark.parametrize(
    ("type_token", "inputs", "path", "reason"),
    [
        (
            STORAGE_ACCOUNT,
            storage_account() | {"allowBlobPublicAccess": "false"},
            "allowBlobPublicAccess",
            "expected boolean, got string 'false'",
        ),
        (RANDOM_STRING, {"length": True}, "length", "expected integer, got boolean True"),
        (RANDOM_STRING, {"length": 12.5}, "length", "expected integer, got number 12.5"),
        (RANDOM_STRING, {"length": "16"}, "length", "expected integer, got string '16'"),
        (
            PIPELINE,
            pipeline() | {"activities": {"name": "x", "type": "Copy"}},
            "activities",
            "expected list, got object",
        ),
        (STORAGE_ACCOUNT, storage_account() | {"tags": {"env": 1}}, "tags.env", "expected string, got number 1"),
        (STORAGE_ACCOUNT, storage_account() | {"tags": ["env"]}, "tags", "expected map, got list"),
        (
            STORAGE_ACCOUNT,
            storage_account() | {"sku": "Standard_LRS"},
            "sku",
            "expected object (SkuArgs), got string 'Standard_LRS'",
        ),
        (PIPELINE, pipeline() | {"concurrency": "4"}, "concurrency", "expected integer, got string '4'"),
    ],
)
def test_wrong_value_type(type_token: str, inputs: dict[str, Any], path: str, reason: str) -> None:
    assert reasons(check_inputs(type_token, inputs)) == {path: reason}


def test_numbers_as_the_engine_sends_them() -> None:
    """Protobuf carries numbers as doubles: integral floats are ints, ints are floats."""
    assert check_inputs(RANDOM_STRING, {"length": 16.0}) == []


def test_free_form_any_fields_accept_anything() -> None:
    """``Any`` in the SDK (ADF expression-or-value fields) accepts any JSON value."""
    activity = copy_activity() | {"parallelCopies": {"value": "@p", "type": "Expression"}, "enableStaging": True}
    assert check_inputs(PIPELINE, pipeline(activity)) == []


# -------------------------------------------------------------------- enums


def test_enum_typed_field_rejects_unknown_value() -> None:
    allowed = ", ".join(repr(m.value) for m in sorted(storage.AccessTier, key=lambda m: m.value))
    assert reasons(check_inputs(STORAGE_ACCOUNT, storage_account() | {"accessTier": "Warm"})) == {
        "accessTier": f"'Warm' is not a valid AccessTier; allowed: {allowed}"
    }


def test_enum_typed_field_accepts_enum_value() -> None:
    for member in storage.AccessTier:
        assert check_inputs(STORAGE_ACCOUNT, storage_account() | {"accessTier": member.value}) == []


def test_string_or_enum_field_accepts_any_string() -> None:
    """``Union[str, 'Kind']`` in the SDK means the provider takes any string."""
    assert check_inputs(STORAGE_ACCOUNT, storage_account() | {"kind": "SomethingNew"}) == []


def test_nested_enum_in_key_vault() -> None:
    inputs = key_vault()
    inputs["properties"]["sku"]["name"] = "gold"
    assert reasons(check_inputs(VAULT, inputs)) == {
        "properties.sku.name": "'gold' is not a valid SkuName; allowed: 'premium', 'standard'"
    }


# ----------------------------------------------------------------- sentinels


def test_sentinels_are_accepted_for_any_type() -> None:
    inputs = storage_account() | {
        "allowBlobPublicAccess": SECRET,
        "accessTier": UNKNOWN,
        "sku": UNKNOWN,
        "tags": SECRET,
    }
    assert check_inputs(STORAGE_ACCOUNT, inputs) == []
    assert check_inputs(RANDOM_STRING, {"length": UNKNOWN, "special": SECRET}) == []
    unknown_activity = copy_activity() | {"type": UNKNOWN, "whatever": 1}
    assert check_inputs(PIPELINE, pipeline(unknown_activity, SECRET) | {"variables": UNKNOWN}) == []


# -------------------------------------------------------------- type tokens


def test_unknown_type_token() -> None:
    [violation] = check_inputs("azure-native:storage:StorageAcount", {}, "lake")
    assert violation.path == ""
    assert "no such resource type in the installed SDK (pulumi-azure-native " in violation.reason
    assert "did you mean 'azure-native:storage:StorageAccount'" in violation.reason
    assert str(violation).startswith("lake (azure-native:storage:StorageAcount): no such resource type")


def test_unknown_module_and_malformed_token() -> None:
    [missing] = check_inputs("azure-native:storagez:StorageAccount", {})
    assert "module 'storagez' does not exist" in missing.reason
    [malformed] = check_inputs("azure-native:StorageAccount", {})
    assert malformed.reason.startswith("malformed type token")


def test_other_packages_are_out_of_scope() -> None:
    assert check_inputs("pulumi:pulumi:Stack", {"anything": 1}) == []
    assert check_inputs("dataplatform:components:Lake", {"anything": 1}) == []


def test_random_invalid() -> None:
    found = reasons(check_inputs(RANDOM_STRING, {"length": 8, "specials": True}))
    assert found["specials"].startswith("property 'specials' does not exist on RandomStringArgs; allowed: ")
    assert "did you mean 'special'" in found["specials"]


# ------------------------------------------------------------------ reporting


def test_violation_str() -> None:
    violation = SchemaViolation("lake", STORAGE_ACCOUNT, "sku.name", "required property 'name' is missing")
    assert str(violation) == (
        "lake (azure-native:storage:StorageAccount): sku.name: required property 'name' is missing"
    )


def test_assert_valid_collects_every_violation() -> None:
    bad_account = storage_account() | {"allowPublicBlobs": True}
    bad_pipeline = pipeline(copy_activity() | {"type": "Coppy"})
    with pytest.raises(SchemaCheckError) as excinfo:
        assert_valid(
            [
                ("lake", STORAGE_ACCOUNT, bad_account),
                ("ingest", PIPELINE, bad_pipeline),
                ("ok", VAULT, key_vault()),
                ("suffix", RANDOM_STRING, {"length": True}),
            ]
        )
    error = excinfo.value
    assert [(v.resource, v.path) for v in error.violations] == [
        ("lake", "allowPublicBlobs"),
        ("ingest", "activities[0].type"),
        ("suffix", "length"),
    ]
    message = str(error)
    assert message.startswith("3 schema violation(s)")
    assert all(str(v) in message for v in error.violations)


def test_assert_valid_passes_valid_plan_and_does_not_mutate_inputs() -> None:
    resources = [
        ("lake", STORAGE_ACCOUNT, storage_account()),
        ("kv", VAULT, key_vault()),
        ("ingest", PIPELINE, nested_pipeline()),
    ]
    snapshot = copy.deepcopy(resources)
    assert_valid(resources)
    assert resources == snapshot


@pytest.fixture
def no_cached_targets() -> Iterator[None]:
    """Type tokens resolved afresh inside the test, and again after it."""
    type_lookup.target.cache_clear()
    yield
    type_lookup.target.cache_clear()


@pytest.mark.usefixtures("no_cached_targets")
def test_type_lookup_survives_without_the_sdk_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Convention lookup + the token literal in ``_internal_init`` back up the module registry."""
    registry_calls: list[tuple[str, str]] = []

    def no_registry(pkg: str, mod: str) -> None:
        registry_calls.append((pkg, mod))

    monkeypatch.setattr(type_lookup, "_registered_classes", no_registry)
    assert check_inputs(STORAGE_ACCOUNT, storage_account()) == []
    assert check_inputs(RANDOM_STRING, {"length": 8}) == []
    [violation] = check_inputs("azure-native:storage:Nope", {})
    assert violation.reason.startswith("no such resource type in the installed SDK")
    assert ("azure-native", "storage") in registry_calls  # the lookup really went without the registry
