"""Names per kind of object: lengths at their bounds, first characters, characters, uniqueness ignoring case; and
the loader's generic name check left to the kinds no page rules on, so no name is reported twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adf.model import AdfKind
from adf.rules import names
from tests.support.adf_items import findings, item, of_rule, pipeline
from tests.support.adf_tree import fixture_files, problems_of


def name_findings(kind: AdfKind, name: str) -> list[str]:
    properties: dict[str, Any] = {"activities": []} if kind == AdfKind.PIPELINE else {"type": "Anything"}
    return findings(item(kind, name, properties))


@pytest.mark.parametrize(
    ("kind", "name", "refused"),
    [
        (AdfKind.PIPELINE, "P" * 140, False),
        (AdfKind.PIPELINE, "P" * 141, True),
        (AdfKind.PIPELINE, "_Staging", False),
        (AdfKind.PIPELINE, "PL-Copy", False),
        (AdfKind.PIPELINE, "PL#Copy", True),
        (AdfKind.PIPELINE, "PL\tCopy", True),
        (AdfKind.TRIGGER, "T" * 260, False),
        (AdfKind.TRIGGER, "T" * 261, True),
        (AdfKind.TRIGGER, "_Daily", True),
        (AdfKind.TRIGGER, "TR-Daily", False),
        (AdfKind.TRIGGER, "TR+Daily", True),
        (AdfKind.DATASET, "DS_Files_2", False),
        (AdfKind.DATASET, "DS Files", True),
        (AdfKind.DATASET, "2DS", True),
        (AdfKind.DATASET, "D" * 261, True),
        (AdfKind.LINKED_SERVICE, "LS Lake", False),
        (AdfKind.LINKED_SERVICE, "_Lake", True),
        (AdfKind.LINKED_SERVICE, "LS(Lake)", True),
        (AdfKind.DATAFLOW, "DF_Events", False),
        (AdfKind.DATAFLOW, "DF.Events", True),
        (AdfKind.INTEGRATION_RUNTIME, "ir", True),
        (AdfKind.INTEGRATION_RUNTIME, "irv", False),
        (AdfKind.INTEGRATION_RUNTIME, "i" * 63, False),
        (AdfKind.INTEGRATION_RUNTIME, "i" * 64, True),
        (AdfKind.INTEGRATION_RUNTIME, "ir-vnet-1", False),
        (AdfKind.INTEGRATION_RUNTIME, "ir-", True),
        (AdfKind.INTEGRATION_RUNTIME, "-ir", True),
        (AdfKind.INTEGRATION_RUNTIME, "ir_vnet", True),
    ],
)
def test_names_by_kind(kind: AdfKind, name: str, refused: bool) -> None:
    assert bool(name_findings(kind, name)) is refused


def test_a_name_breaking_several_rules_gets_one_finding_per_reason() -> None:
    found = name_findings(AdfKind.DATASET, "1-" + "d" * 260)
    assert len(found) == 3
    assert "is 262 characters; allowed 1 to 260" in found[0]
    assert "starts with '1'; it must start with a letter" in found[1]
    assert "has '-'; allowed: letters, digits and _" in found[2]
    assert all(of_rule(names.NAME_DATASET, [finding]) for finding in found)


def test_variables_are_unique_ignoring_case_too() -> None:
    duplicated = pipeline([], variables={"status": {"type": "String"}, "STATUS": {"type": "String"}})
    (finding,) = findings(duplicated)
    assert finding.startswith(
        "pipelines_json/pipeline/PL_Test.json: properties.variables.STATUS: 'STATUS' is also declared as 'status'"
    )


def test_a_parameter_and_a_variable_may_share_a_name() -> None:
    shared = pipeline([], parameters={"day": {"type": "string"}}, variables={"day": {"type": "String"}})
    assert findings(shared) == []


def test_data_flow_transformation_names_are_unique_ignoring_case() -> None:
    flow = item(
        AdfKind.DATAFLOW,
        "DF_Events",
        {"type": "MappingDataFlow", "typeProperties": {"sources": [{"name": "Events"}], "sinks": [{"name": "events"}]}},
    )
    (finding,) = findings(flow)
    assert finding.startswith(
        "pipelines_json/dataflow/DF_Events.json: properties.typeProperties.sinks[0].name: 'events' is also the name "
        "at properties.typeProperties.sources[0].name"
    )


def test_a_pipeline_name_is_reported_once_by_the_rule_not_again_by_the_loader(tmp_path: Path) -> None:
    files = fixture_files()
    document = files.pop("pipeline/PL_Copy")
    document["name"] = "PL+Copy"
    files["pipeline/PL+Copy"] = document
    for entry in files["trigger/TR_Daily"]["properties"]["pipelines"]:
        entry["pipelineReference"]["referenceName"] = "PL+Copy"
    message = problems_of(tmp_path, files)
    assert message.count("pipelines_json/pipeline/PL+Copy.json: name:") == 1
    assert "(limit 140 characters, Pipelines and activities)" in message


def test_kinds_no_page_rules_on_keep_the_loaders_generic_check(tmp_path: Path) -> None:
    files = fixture_files()
    files["credential/cred+1"] = {"name": "cred+1", "properties": {"type": "ManagedIdentity", "typeProperties": {}}}
    assert "pipelines_json/credential/cred+1.json: name: 'cred+1' is not a valid ADF name" in problems_of(
        tmp_path, files
    )
