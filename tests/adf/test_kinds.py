"""The one table of ADF kinds agrees with the SDK that deploys them and with what the loader asks of each file."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from pulumi_azure_native import datafactory

from adf.model import KIND_SPECS, KINDS, REFERENCE_KINDS, WITHOUT_TYPED_RESOURCE, AdfKind
from tests.support.adf_tree import fixture_files, load, problems_of, write

TYPED = [kind for kind in AdfKind if kind not in WITHOUT_TYPED_RESOURCE]


@pytest.mark.parametrize("kind", TYPED)
def test_each_kind_names_the_sdk_resource_that_deploys_it_and_its_name_argument(kind: AdfKind) -> None:
    spec = KIND_SPECS[kind]
    resource = getattr(datafactory, spec.resource)
    assert resource.pulumi_type == spec.type_token
    # The keyword arguments the generated constructor takes (its Args class is, for some kinds, a property type).
    arguments = inspect.signature(resource._internal_init).parameters
    assert {spec.name_input, "factory_name", "resource_group_name"} <= set(arguments)


def test_the_kind_azure_native_has_no_typed_resource_for_is_still_missing_from_the_sdk() -> None:
    """When azure-native gains the resource, this fails: the kind can then deploy typed."""
    assert list(WITHOUT_TYPED_RESOURCE) == [AdfKind.MANAGED_VIRTUAL_NETWORK]
    assert not hasattr(datafactory, KIND_SPECS[AdfKind.MANAGED_VIRTUAL_NETWORK].resource)


def test_kinds_are_in_creation_order_and_read_as_adf_studio_spells_them() -> None:
    assert [f"{kind}" for kind in KINDS] == [
        "credential",
        "managedVirtualNetwork",
        "managedPrivateEndpoint",
        "integrationRuntime",
        "linkedService",
        "dataset",
        "dataflow",
        "pipeline",
        "trigger",
    ]
    assert "pipeline" in KINDS and "pipelines" not in KINDS


def test_references_name_every_kind_but_managed_endpoints() -> None:
    assert REFERENCE_KINDS["LinkedServiceReference"] is AdfKind.LINKED_SERVICE
    assert REFERENCE_KINDS["IntegrationRuntimeReference"] is AdfKind.INTEGRATION_RUNTIME
    assert set(REFERENCE_KINDS.values()) == set(AdfKind) - {AdfKind.MANAGED_PRIVATE_ENDPOINT}
    assert all(
        name == f"{KIND_SPECS[kind].resource}Reference"
        for name, kind in REFERENCE_KINDS.items()
        if kind is not AdfKind.CREDENTIAL
    )
    assert KIND_SPECS[AdfKind.CREDENTIAL].reference == "CredentialReference"


def test_the_loader_reads_each_file_as_its_kind(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    assert {item.kind for item in content.items} == {
        AdfKind.LINKED_SERVICE,
        AdfKind.DATASET,
        AdfKind.PIPELINE,
        AdfKind.TRIGGER,
    }
    assert all(isinstance(item.kind, AdfKind) for item in content.items)
    assert {item.type_token for item in content.items if item.kind is AdfKind.PIPELINE} == {
        "azure-native:datafactory:Pipeline"
    }


@pytest.mark.parametrize("key", ["linkedService/LS_Lake", "dataset/DS_Files", "trigger/TR_Daily"])
def test_a_typed_kind_must_name_its_type(tmp_path: Path, key: str) -> None:
    files = fixture_files()
    del files[key]["properties"]["type"]
    kind = key.split("/")[0]
    assert f"pipelines_json/{key}.json: properties.type: missing; every {kind} names its type" in problems_of(
        tmp_path, files
    )


def test_a_pipeline_names_no_type(tmp_path: Path) -> None:
    files = fixture_files()
    assert "type" not in files["pipeline/PL_Copy"]["properties"]
    assert load(write(tmp_path, files)).names("pipeline") == ["PL_Copy"]
    assert [kind for kind in AdfKind if not KIND_SPECS[kind].typed] == [
        AdfKind.MANAGED_VIRTUAL_NETWORK,
        AdfKind.MANAGED_PRIVATE_ENDPOINT,
        AdfKind.PIPELINE,
    ]
