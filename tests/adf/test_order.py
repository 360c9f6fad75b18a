"""Creation order of the content and dependency cycles."""

from __future__ import annotations

from pathlib import Path

from adf.order import dependency_order, find_cycle
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


def test_items_become_ready_in_waves_each_in_name_order() -> None:
    graph = {"A": ["Z"], "B": [], "Z": [], "C": ["A"]}
    assert dependency_order(graph) == ["B", "Z", "A", "C"]


def test_a_cycle_follows_the_dependencies_from_its_alphabetically_first_node() -> None:
    assert find_cycle({"x": ["c"], "c": ["b"], "b": ["d"], "d": ["c"]}) == ["b", "d", "c", "b"]
    assert find_cycle({"a": ["b"], "b": []}) is None


def test_linked_services_referencing_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    files = fixture_files()
    files["linkedService/LS_Vault"] = {
        "name": "LS_Vault",
        "properties": {
            "type": "AzureKeyVault",
            "typeProperties": {"baseUrl": {"referenceName": "LS_Lake", "type": "LinkedServiceReference"}},
        },
    }
    lake = files["linkedService/LS_Lake"]["properties"]["typeProperties"]
    lake["accountKey"] = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "LS_Vault", "type": "LinkedServiceReference"},
    }
    message = problems_of(tmp_path, files)
    assert (
        "pipelines_json/linkedService/LS_Lake.json: references linkedService items in a cycle: "
        "LS_Lake -> LS_Vault -> LS_Lake" in message
    )
