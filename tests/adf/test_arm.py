"""The ARM template of an item on the lossless path: its resource, its properties as ARM will read them back, and a
deployment name of its own."""

from __future__ import annotations

import re

import pytest

from adf.arm import TemplateItem, deployment_name, literal, resource_type, template, template_items, unliteral
from adf.model import AdfItem, AdfKind


def _item(kind: AdfKind, name: str, file: str | None = None) -> AdfItem:
    return AdfItem(kind, name, file or f"pipelines_json/{kind}/{name}.json", {"name": name, "properties": {}})


def test_a_pipeline_is_a_child_of_the_factory_with_its_properties_as_written() -> None:
    properties = {"activities": [], "parameters": {"p": {"type": "string", "identity": "p"}}}
    assert template(_item(AdfKind.PIPELINE, "PL_Load"), properties) == {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"factoryName": {"type": "string"}},
        "resources": [
            {
                "type": "Microsoft.DataFactory/factories/pipelines",
                "apiVersion": "2018-06-01",
                "name": "[concat(parameters('factoryName'), '/PL_Load')]",
                "properties": properties,
            }
        ],
    }


def test_a_managed_private_endpoint_is_named_under_its_network() -> None:
    item = _item(
        AdfKind.MANAGED_PRIVATE_ENDPOINT,
        "pe-lake",
        "pipelines_json/managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake.json",
    )
    (resource,) = template(item, {})["resources"]
    assert resource["type"] == "Microsoft.DataFactory/factories/managedVirtualNetworks/managedPrivateEndpoints"
    assert resource["name"] == "[concat(parameters('factoryName'), '/default', '/pe-lake')]"


def test_a_quote_in_a_name_is_doubled_inside_the_expression() -> None:
    (resource,) = template(_item(AdfKind.LINKED_SERVICE, "Bob's service"), {})["resources"]
    assert resource["name"] == "[concat(parameters('factoryName'), '/Bob''s service')]"


@pytest.mark.parametrize(
    ("kind", "collection"),
    [
        (AdfKind.CREDENTIAL, "credentials"),
        (AdfKind.MANAGED_VIRTUAL_NETWORK, "managedVirtualNetworks"),
        (AdfKind.INTEGRATION_RUNTIME, "integrationRuntimes"),
        (AdfKind.LINKED_SERVICE, "linkedservices"),
        (AdfKind.DATASET, "datasets"),
        (AdfKind.DATAFLOW, "dataflows"),
        (AdfKind.TRIGGER, "triggers"),
    ],
)
def test_each_kind_is_its_template_reference_type(kind: AdfKind, collection: str) -> None:
    assert resource_type(kind) == f"Microsoft.DataFactory/factories/{collection}"


def test_a_string_arm_would_evaluate_is_escaped_and_nothing_else_is() -> None:
    """ARM evaluates a string that starts with [ and ends with ]; `[[` makes it a literal."""
    written = {
        "tableName": "[dbo].[users]",
        "query": "[dbo].[users] WHERE 1 = 1",
        "list": ["[x]", "@concat('[', 'y', ']')"],
        "[key]": 1,
        "flag": True,
    }
    assert literal(written) == {
        "tableName": "[[dbo].[users]",
        "query": "[dbo].[users] WHERE 1 = 1",
        "list": ["[[x]", "@concat('[', 'y', ']')"],
        "[key]": 1,
        "flag": True,
    }


def test_an_integer_beyond_two_to_the_53_is_written_as_a_json_expression() -> None:
    assert literal({"big": 2**53 + 1, "small": 2**53, "negative": -(2**63) + 1, "real": 1.5}) == {
        "big": "[json('9007199254740993')]",
        "small": 9007199254740992,
        "negative": "[json('-9223372036854775807')]",
        "real": 1.5,
    }


def test_a_deployment_name_fits_and_is_the_same_every_run() -> None:
    item = _item(AdfKind.LINKED_SERVICE, "LS Very Long Name " + "x" * 80)
    name = deployment_name(item, "adf-konnektmack-dev-weu-ab12")
    assert len(name) <= 64
    assert re.fullmatch(r"[\w\-.()]+", name)
    assert name.startswith("adf-linkedService-LS_Very_Long_Name_")
    assert name == deployment_name(item, "adf-konnektmack-dev-weu-ab12")


def test_deployment_names_differ_by_factory_kind_and_name_but_not_by_letter_case() -> None:
    pipeline = _item(AdfKind.PIPELINE, "PL_Load")
    names = {
        deployment_name(pipeline, "factory-a"),
        deployment_name(pipeline, "factory-b"),
        deployment_name(_item(AdfKind.DATASET, "PL_Load"), "factory-a"),
        deployment_name(_item(AdfKind.PIPELINE, "PL_Other"), "factory-a"),
    }
    assert len(names) == 4
    assert deployment_name(_item(AdfKind.PIPELINE, "pl_load"), "factory-a").endswith(
        deployment_name(pipeline, "factory-a")[-9:]
    )


def test_what_a_template_holds_reads_back_as_the_file_wrote_it() -> None:
    """Whoever reads a planned deployment (the reachability model) sees the item ADF receives, not its escaping."""
    written = {
        "type": "AzureSqlTable",
        "typeProperties": {"tableName": "[dbo].[users]", "note": "[[already doubled]"},
        "annotations": [2**53 + 1, "[json('1')]", 7],
    }
    item = AdfItem(AdfKind.DATASET, "Bob's table", "pipelines_json/dataset/x.json", {"properties": written})
    assert template_items(template(item, written)) == [TemplateItem(AdfKind.DATASET, "Bob's table", None, written)]


def test_a_managed_private_endpoint_reads_back_under_its_network() -> None:
    item = _item(
        AdfKind.MANAGED_PRIVATE_ENDPOINT,
        "pe-lake",
        "pipelines_json/managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake.json",
    )
    assert template_items(template(item, {"groupId": "dfs"})) == [
        TemplateItem(AdfKind.MANAGED_PRIVATE_ENDPOINT, "pe-lake", "default", {"groupId": "dfs"})
    ]


@pytest.mark.parametrize(
    "document",
    [
        "[unknown]",
        {"resources": "x"},
        {"resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "st", "properties": {}}]},
        {"resources": [{"type": resource_type(AdfKind.PIPELINE), "name": "PL_Load", "properties": {}}]},
        {"resources": [{"type": resource_type(AdfKind.PIPELINE), "name": "[concat(parameters('factoryName'), '/P')]"}]},
    ],
)
def test_a_template_this_module_did_not_write_holds_no_item(document: object) -> None:
    assert template_items(document) == []


def test_unliteral_undoes_literal() -> None:
    written = {"a": ["[x]", "[[y]", 2**60, -(2**60), "plain", {"[k]": "[v]"}], "b": None}
    assert unliteral(literal(written)) == written
