"""Names per kind of object: lengths at their bounds, first characters, characters, uniqueness ignoring case; and
the loader's generic name check left to the kinds no page rules on, so no name is reported twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adf.model import AdfKind
from adf.rules import names
from tests.support.adf_items import findings, item, of_rule, pipeline, refusals, warnings_of
from tests.support.adf_tree import fixture_files, problems_of


def name_findings(kind: AdfKind, name: str) -> list[str]:
    properties: dict[str, Any] = {"activities": []} if kind == AdfKind.PIPELINE else {"type": "Anything"}
    return findings(item(kind, name, properties))


REFUSED, WARNED, OK = "refused", "warned", "ok"


@pytest.mark.parametrize(
    ("kind", "name", "outcome"),
    [
        (AdfKind.PIPELINE, "P" * 140, OK),
        (AdfKind.PIPELINE, "P" * 141, REFUSED),
        (AdfKind.PIPELINE, "_Staging", OK),
        (AdfKind.PIPELINE, "PL-Copy", OK),
        (AdfKind.PIPELINE, "PL#Copy", REFUSED),
        (AdfKind.PIPELINE, "PL\tCopy", REFUSED),
        (AdfKind.PIPELINE, "PL\x7fCopy", REFUSED),
        (AdfKind.TRIGGER, "T" * 260, OK),
        (AdfKind.TRIGGER, "T" * 261, REFUSED),
        (AdfKind.TRIGGER, "_Daily", REFUSED),
        (AdfKind.TRIGGER, "TR-Daily", OK),
        (AdfKind.TRIGGER, "TR+Daily", REFUSED),
        (AdfKind.DATASET, "DS_Files_2", OK),
        (AdfKind.DATASET, "DS Files", WARNED),
        (AdfKind.DATASET, "DS-Files", WARNED),
        (AdfKind.DATASET, "DS#Files", REFUSED),
        (AdfKind.DATASET, "2DS", REFUSED),
        (AdfKind.DATASET, "D" * 261, REFUSED),
        (AdfKind.LINKED_SERVICE, "L" * 260, OK),
        (AdfKind.LINKED_SERVICE, "L" * 261, REFUSED),
        (AdfKind.LINKED_SERVICE, "LS Lake", OK),
        (AdfKind.LINKED_SERVICE, "_Lake", REFUSED),
        (AdfKind.LINKED_SERVICE, "LS(Lake)", WARNED),
        (AdfKind.LINKED_SERVICE, "vhreporting-kv-link", WARNED),
        (AdfKind.LINKED_SERVICE, "LS/Lake", REFUSED),
        (AdfKind.DATAFLOW, "D" * 260, OK),
        (AdfKind.DATAFLOW, "D" * 261, REFUSED),
        (AdfKind.DATASET, "D" * 260, OK),
        (AdfKind.DATAFLOW, "DF_Events", OK),
        (AdfKind.DATAFLOW, "driftflow-1", WARNED),
        (AdfKind.DATAFLOW, "DF.Events", REFUSED),
        (AdfKind.INTEGRATION_RUNTIME, "ir", REFUSED),
        (AdfKind.INTEGRATION_RUNTIME, "irv", OK),
        (AdfKind.INTEGRATION_RUNTIME, "i" * 63, OK),
        (AdfKind.INTEGRATION_RUNTIME, "i" * 64, REFUSED),
        (AdfKind.INTEGRATION_RUNTIME, "ir-vnet-1", OK),
        (AdfKind.INTEGRATION_RUNTIME, "ir-", REFUSED),
        (AdfKind.INTEGRATION_RUNTIME, "-ir", REFUSED),
        (AdfKind.INTEGRATION_RUNTIME, "ir_vnet", REFUSED),
    ],
)
def test_names_by_kind(kind: AdfKind, name: str, outcome: str) -> None:
    properties: dict[str, Any] = {"activities": []} if kind == AdfKind.PIPELINE else {"type": "Anything"}
    named = item(kind, name, properties)
    refused, warned = refusals(named), warnings_of(named)
    assert (REFUSED if refused else WARNED if warned else OK) == outcome, refused + warned


def test_a_name_breaking_several_rules_gets_one_finding_per_reason() -> None:
    found = name_findings(AdfKind.DATASET, "1-#" + "d" * 260)
    assert len(found) == 4
    assert "is 263 characters; allowed 1 to 260" in found[0]
    assert "starts with '1'; it must start with a letter" in found[1]
    assert "has '#'; allowed: none of" in found[2]
    assert "has '-'; allowed: letters, digits and _" in found[3]
    assert all(of_rule(names.NAME_DATASET, [finding]) for finding in found[:3])
    assert of_rule(names.NAME_DATASET_CHARACTERS, [found[3]])


def test_a_dash_in_a_dataset_name_warns_that_adf_refuses_the_dataset_when_a_pipeline_runs() -> None:
    (warning,) = warnings_of(item(AdfKind.DATASET, "DS-Files", {"type": "Json"}))
    assert "ADF deploys the name but refuses the dataset when a pipeline runs" in warning
    assert warning.endswith(f"; ADF accepts it: {names.NAME_DATASET_CHARACTERS.accepted[0].title})")


def test_a_wrangling_data_flow_source_with_an_underscore_warns_a_mapping_data_flow_one_is_refused() -> None:
    sources = {"sources": [{"name": "taxi_fare_data_input1"}]}
    wrangling = item(AdfKind.DATAFLOW, "TaxiWrangle", {"type": "WranglingDataFlow", "typeProperties": sources})
    mapping = item(AdfKind.DATAFLOW, "TaxiMap", {"type": "MappingDataFlow", "typeProperties": sources})
    assert refusals(wrangling) == []
    assert of_rule(names.NAME_WRANGLING_SOURCE, warnings_of(wrangling))
    assert warnings_of(mapping) == []
    assert of_rule(names.NAME_TRANSFORMATION, refusals(mapping))


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
