"""The content component: each item as the loader routed it, typed or as an ARM deployment of its own JSON, in an
order that follows the references whichever way each item goes."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pulumi

from adf.model import AdfContent
from adf.stack_values import StackValues
from components.data_factory_content import DataFactoryContent, DataFactoryContentArgs
from preview.mocks import Registration
from tests.support.adf_tree import fixture_files, load, write
from tests.support.component_plan import build, of_type, schema_violations

DEPLOYMENT = "azure-native:resources:Deployment"
PIPELINE = "azure-native:datafactory:Pipeline"
DATASET = "azure-native:datafactory:Dataset"
VALUES = StackValues(**{f.name: f"stack-{f.name}" for f in fields(StackValues)})


def _build(content: AdfContent, factory: str = "adf-contoso-dev") -> list[Registration]:
    def program() -> DataFactoryContent:
        return DataFactoryContent(
            "content",
            DataFactoryContentArgs(
                content=content,
                factory_name=pulumi.Output.from_input(factory),
                resource_group_name="rg-contoso-dev",
                stack_values=VALUES,
                tags={"owner": "data"},
            ),
        )

    return build(program)


def _named(registrations: list[Registration], suffix: str) -> Registration:
    (found,) = [reg for reg in registrations if reg.name.endswith(suffix)]
    return found


def _with_arm_dataset(files: dict[str, Any]) -> dict[str, Any]:
    """The fixture's dataset with a SQL schema name, which only the lossless path keeps (#2006)."""
    dataset = files["dataset/DS_Files"]["properties"]
    dataset["typeProperties"]["schema"] = "[raw]"
    dataset["schema"] = [{"name": "id", "type": "int"}]
    return files


def test_an_arm_routed_item_is_a_deployment_of_its_json_and_the_rest_stays_typed(tmp_path: Path) -> None:
    files = _with_arm_dataset(fixture_files())
    registrations = _build(load(write(tmp_path, files)))
    assert [reg.name for reg in of_type(registrations, DATASET)] == []
    deployment = _named(registrations, "-dataset-DS_Files")
    assert deployment.type == DEPLOYMENT
    properties = deployment.inputs["properties"]
    assert properties["mode"] == "Incremental"
    assert properties["parameters"] == {"factoryName": {"value": "adf-contoso-dev"}}
    (resource,) = properties["template"]["resources"]
    assert resource["type"] == "Microsoft.DataFactory/factories/datasets"
    assert resource["name"] == "[concat(parameters('factoryName'), '/DS_Files')]"
    written = files["dataset/DS_Files"]["properties"]
    assert resource["properties"] == {
        **written,
        "typeProperties": {**written["typeProperties"], "schema": "[[raw]"},  # ARM reads `[[raw]` as `[raw]`
    }
    assert deployment.inputs["deploymentName"].startswith("adf-dataset-DS_Files-")
    assert deployment.inputs["tags"] == {"owner": "data"}
    assert [reg.name for reg in of_type(registrations, PIPELINE)] == ["content-pipeline-PL_Copy"]
    assert schema_violations(registrations) == []


def test_references_order_creation_across_routes(tmp_path: Path) -> None:
    """A typed pipeline waits for its ARM-deployed dataset; an ARM-deployed pipeline for its typed dataset."""
    registrations = _build(load(write(tmp_path, _with_arm_dataset(fixture_files()))))
    dataset = _named(registrations, "-dataset-DS_Files")
    assert dataset.urn in _named(registrations, "-pipeline-PL_Copy").depends_on
    assert _named(registrations, "-linkedService-LS_Lake").urn in dataset.depends_on

    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["runDate"]["identity"] = "runDate"
    registrations = _build(load(write(tmp_path / "second", files)))
    pipeline = _named(registrations, "-pipeline-PL_Copy")
    assert pipeline.type == DEPLOYMENT
    assert _named(registrations, "-dataset-DS_Files").urn in pipeline.depends_on
    assert pipeline.urn in _named(registrations, "-trigger-TR_Daily").depends_on


def test_overrides_reach_the_template(tmp_path: Path) -> None:
    files = _with_arm_dataset(fixture_files())
    overrides = {
        "common": {
            "dataset/DS_Files": [{"path": "properties.typeProperties.location.fileSystem", "stackValue": "environment"}]
        }
    }
    registrations = _build(load(write(tmp_path, files, overrides)))
    (resource,) = _named(registrations, "-dataset-DS_Files").inputs["properties"]["template"]["resources"]
    assert resource["properties"]["typeProperties"]["location"]["fileSystem"] == "stack-environment"


def test_integers_keep_their_value_on_both_routes(tmp_path: Path) -> None:
    """Up to 2^53 a number passes Pulumi's engine exactly and stays typed; beyond, the template carries it as an
    expression ARM parses back into the same integer."""
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["small"] = {"type": "int", "defaultValue": 2**53}
    registrations = _build(load(write(tmp_path, files)))
    typed = _named(registrations, "-pipeline-PL_Copy")
    assert typed.type == PIPELINE
    assert typed.inputs["parameters"]["small"]["defaultValue"] == 2**53
    assert typed.inputs["activities"][1]["policy"]["retry"] == 2

    files["pipeline/PL_Copy"]["properties"]["parameters"]["big"] = {"type": "int", "defaultValue": 2**53 + 1}
    registrations = _build(load(write(tmp_path / "big", files)))
    (resource,) = _named(registrations, "-pipeline-PL_Copy").inputs["properties"]["template"]["resources"]
    assert resource["properties"]["parameters"]["big"]["defaultValue"] == "[json('9007199254740993')]"
    assert resource["properties"]["parameters"]["small"]["defaultValue"] == 2**53


def test_deployment_names_follow_the_factory(tmp_path: Path) -> None:
    content = load(write(tmp_path, _with_arm_dataset(fixture_files())))
    first = _named(_build(content, "adf-a"), "-dataset-DS_Files").inputs["deploymentName"]
    second = _named(_build(content, "adf-b"), "-dataset-DS_Files").inputs["deploymentName"]
    assert first != second
    assert first[:-8] == second[:-8]


def test_neither_route_deletes_an_object_when_its_file_goes(tmp_path: Path) -> None:
    """Typed resources are kept on delete, so an item whose route changes is not deleted after its new resource
    wrote it; a deployment record's deletion leaves its object anyway."""
    registrations = _build(load(write(tmp_path, _with_arm_dataset(fixture_files()))))
    typed = [reg for reg in registrations if reg.type.startswith("azure-native:datafactory:")]
    assert typed and all(reg.retain_on_delete for reg in typed)
    assert _named(registrations, "-dataset-DS_Files").type == DEPLOYMENT
