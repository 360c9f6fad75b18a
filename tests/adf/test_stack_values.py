"""The stack values overrides.json may use: one typed object whose fields name their keys."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from adf.stack_values import STACK_VALUE_KEYS, StackValues
from tests.support.checkout import PIPELINES_DIR, PROJECT_DIR

VALUES = StackValues(
    lake_dfs_url="https://lake.dfs.core.windows.net/",
    lake_blob_url="https://lake.blob.core.windows.net/",
    lake_account_id="/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/lake",
    key_vault_uri="https://kv.vault.azure.net/",
    sql_server="sql.database.windows.net",
    sql_database="db",
    function_app_url="https://func.azurewebsites.net",
    time_zone="UTC",
    environment="dev",
    trigger_start_time="2026-12-01T00:00:00Z",
)


def test_each_value_is_found_under_its_overrides_key() -> None:
    assert VALUES.by_key() == {
        "lake.dfsUrl": "https://lake.dfs.core.windows.net/",
        "lake.blobUrl": "https://lake.blob.core.windows.net/",
        "lake.accountId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/lake",
        "keyVault.uri": "https://kv.vault.azure.net/",
        "sql.server": "sql.database.windows.net",
        "sql.database": "db",
        "functionApp.url": "https://func.azurewebsites.net",
        "timeZone": "UTC",
        "environment": "dev",
        "triggerStartTime": "2026-12-01T00:00:00Z",
    }


def test_the_allowed_keys_are_the_keys_of_the_fields() -> None:
    assert set(VALUES.by_key()) == STACK_VALUE_KEYS
    assert len(STACK_VALUE_KEYS) == len(fields(StackValues))


def test_every_value_is_required() -> None:
    with pytest.raises(TypeError, match="environment"):
        StackValues(**{f.name: "x" for f in fields(StackValues) if f.name != "environment"})


def test_overrides_json_uses_only_known_keys_and_points_at_where_they_are_defined() -> None:
    document = json.loads((PIPELINES_DIR / "overrides.json").read_text(encoding="utf-8"))
    used = {
        entry["stackValue"]
        for section, targets in document.items()
        if not section.startswith("$")
        for target, entries in targets.items()
        if not target.startswith("$")
        for entry in entries
        if "stackValue" in entry
    }
    assert used
    assert used <= STACK_VALUE_KEYS
    assert "adf/stack_values.py" in document["$comment"]
    assert (PROJECT_DIR / "adf" / "stack_values.py").is_file()
