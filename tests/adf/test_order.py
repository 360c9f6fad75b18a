"""Creation order of the content and dependency cycles."""

from __future__ import annotations

from pathlib import Path

from tests.support.adf_tree import fixture_files, load, problems_of, write


def test_the_valid_fixture_loads_in_dependency_order(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    assert [(i.kind, i.name) for i in content.items] == [
        ("linkedService", "LS_Lake"),
        ("dataset", "DS_Files"),
        ("pipeline", "PL_Copy"),
        ("trigger", "TR_Daily"),
    ]


def test_linked_services_that_reference_each_other_are_ordered(tmp_path: Path) -> None:
    files = fixture_files()
    files["linkedService/AA_UsesVault"] = {
        "name": "AA_UsesVault",
        "properties": {
            "type": "AzureSqlDatabase",
            "typeProperties": {
                "connectionString": {
                    "type": "AzureKeyVaultSecret",
                    "store": {"referenceName": "ZZ_Vault", "type": "LinkedServiceReference"},
                    "secretName": "sql",
                }
            },
        },
    }
    files["linkedService/ZZ_Vault"] = {
        "name": "ZZ_Vault",
        "properties": {"type": "AzureKeyVault", "typeProperties": {"baseUrl": "https://kv.vault.azure.net/"}},
    }
    names = [i.name for i in load(write(tmp_path, files)).of_kind("linkedService")]
    assert names.index("ZZ_Vault") < names.index("AA_UsesVault")


def test_dependency_cycle(tmp_path: Path) -> None:
    files = fixture_files()
    activities = files["pipeline/PL_Copy"]["properties"]["activities"]
    activities[0]["dependsOn"] = [{"activity": "Probe", "dependencyConditions": ["Succeeded"]}]
    message = problems_of(tmp_path, files)
    assert "properties.activities: dependsOn forms a cycle: EachFolder -> Probe -> EachFolder" in message
