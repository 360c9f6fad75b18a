"""Each item's route: typed where azure-native represents the file exactly, an ARM deployment of its JSON where it
would drop or cannot express something, and a refusal only for what ADF would refuse too.

Each shape below is one that public ADF Studio repositories hold (written here by hand, smaller)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from adf import lossless
from adf.lossless import route
from adf.model import AdfItem, AdfKind, Route
from preview.schema import check_inputs
from tests.support.adf_tree import fixture_files, load, problems_of, write


def _route(tmp_path: Path, files: dict[str, Any], kind: str, name: str) -> Route:
    return load(write(tmp_path, files)).route(kind, name)


def _copy_activity(**type_properties: Any) -> dict[str, Any]:
    return {
        "name": "CopyRows",
        "type": "Copy",
        "inputs": [{"referenceName": "DS_Files", "type": "DatasetReference", "parameters": {"folder": "a"}}],
        "outputs": [{"referenceName": "DS_Files", "type": "DatasetReference", "parameters": {"folder": "b"}}],
        "typeProperties": {"source": {"type": "JsonSource"}, "sink": {"type": "JsonSink"}, **type_properties},
    }


def test_the_fixture_is_typed_throughout(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    assert content.routes and not any(route.arm for route in content.routes.values())


def test_a_legacy_copy_property_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"].append(_copy_activity(cloudDataMovementUnits=0))
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.describe() == (
        "ARM deployment: properties.activities[2].typeProperties.cloudDataMovementUnits: not a property of "
        "azure-native's CopyActivity"
    )


def test_an_extra_key_on_a_pipeline_parameter_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["runDate"]["identity"] = "runDate"
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.reasons == (
        "properties.parameters.runDate.identity: not a property of azure-native's ParameterSpecification",
    )


def test_a_value_azure_native_spells_otherwise_is_kept_as_written(tmp_path: Path) -> None:
    """ADF Studio writes a linked runtime's authorizationType as 'Rbac'; azure-native lists 'RBAC'."""
    files = fixture_files()
    files["integrationRuntime/OnPrem"] = {
        "name": "OnPrem",
        "properties": {
            "type": "SelfHosted",
            "typeProperties": {
                "linkedInfo": {"resourceId": "/subscriptions/0/ir", "authorizationType": "Rbac"},
            },
        },
    }
    route = _route(tmp_path, files, "integrationRuntime", "OnPrem")
    assert route.reasons == (
        "properties.typeProperties.linkedInfo.authorizationType: authorizationType 'Rbac', which azure-native "
        "spells 'RBAC'",
    )


def test_a_type_azure_native_does_not_list_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataflow/MarksFuncs"] = {"name": "MarksFuncs", "properties": {"type": "UDFLibrary"}}
    route = _route(tmp_path, files, "dataflow", "MarksFuncs")
    assert route.arm
    assert route.reasons[0].startswith("properties.type: type 'UDFLibrary' is not one azure-native lists (it lists ")


def test_an_expression_where_azure_native_takes_a_literal_list_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["typeProperties"]["fieldList"] = {
        "value": "@json('[\"exists\"]')",
        "type": "Expression",
    }
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.reasons == (
        "properties.activities[1].typeProperties.fieldList: an ADF expression where azure-native takes a literal list",
    )


def test_a_literal_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["typeProperties"]["fieldList"] = "exists"
    assert (
        "pipelines_json/pipeline/PL_Copy.json: properties.activities[1].typeProperties.fieldList: expected list, "
        "got string 'exists'"
    ) in problems_of(tmp_path, files)


def test_a_missing_required_property_is_refused_where_the_file_would_write_it(tmp_path: Path) -> None:
    files = fixture_files()
    del files["pipeline/PL_Copy"]["properties"]["activities"][0]["typeProperties"]["activities"][0]["typeProperties"]
    assert (
        "properties.activities[0].typeProperties.activities[0].typeProperties.waitTimeInSeconds: required property "
        "'waitTimeInSeconds' is missing"
    ) in problems_of(tmp_path, files)


def test_a_missing_required_property_of_an_inactive_activity_takes_the_lossless_path(tmp_path: Path) -> None:
    """ADF leaves an inactive activity out of validation and published one without `url` and `method`."""
    files = fixture_files()
    inactive = {"name": "Notify", "type": "WebActivity", "state": "Inactive", "onInactiveMarkAs": "Succeeded"}
    files["pipeline/PL_Copy"]["properties"]["activities"].append(inactive)
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.reasons == tuple(
        f"properties.activities[2].typeProperties.{key}: missing in the inactive activity 'Notify', which ADF leaves "
        f"out of validation and publishes as it is; azure-native requires it (required property '{key}' is missing)"
        for key in ("method", "url")
    )


def test_inside_an_inactive_container_too_but_not_in_an_active_one(tmp_path: Path) -> None:
    files = fixture_files()
    loop = files["pipeline/PL_Copy"]["properties"]["activities"][0]
    del loop["typeProperties"]["activities"][0]["typeProperties"]
    active = problems_of(tmp_path / "active", files)
    assert "waitTimeInSeconds: required property 'waitTimeInSeconds' is missing" in active
    loop["state"] = "Inactive"
    route = _route(tmp_path / "inactive", files, "pipeline", "PL_Copy")
    (reason,) = route.reasons
    assert reason.startswith(
        f"properties.activities[0].typeProperties.activities[0].typeProperties.waitTimeInSeconds: missing in the "
        f"inactive activity {loop['name']!r}"
    )


def test_a_tumbling_window_trigger_without_a_pipeline_takes_the_lossless_path(tmp_path: Path) -> None:
    """ADF published one (kromerm/makadfwestus2 trigger2); azure-native requires `pipeline`."""
    files = fixture_files()
    window = {"frequency": "Hour", "interval": 1, "startTime": "2026-01-01T00:00:00Z", "maxConcurrency": 1}
    files["trigger/TR_Window"] = {
        "name": "TR_Window",
        "properties": {"type": "TumblingWindowTrigger", "runtimeState": "Stopped", "typeProperties": window},
    }
    route = _route(tmp_path, files, "trigger", "TR_Window")
    assert route.reasons == (
        "properties.pipeline: a tumbling window trigger that runs no pipeline, which ADF publishes and azure-native "
        "refuses",
    )


def test_a_misspelt_required_property_is_refused_as_a_misspelling(tmp_path: Path) -> None:
    files = fixture_files()
    wait = files["pipeline/PL_Copy"]["properties"]["activities"][0]["typeProperties"]["activities"][0]
    wait["typeProperties"] = {"waitTimeInSecond": 1}
    message = problems_of(tmp_path, files)
    assert (
        "typeProperties.waitTimeInSecond: property 'waitTimeInSecond' does not exist on WaitActivityArgs; allowed: "
    ) in message
    assert "did you mean 'waitTimeInSeconds'?" in message


def test_an_empty_cancel_after_is_left_out_and_said_so(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["policy"] = {"timeout": "0.01:00:00", "cancelAfter": {}}
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.describe() == (
        "typed (properties.activities[1].policy.cancelAfter: {} left out: it is empty, so nothing is lost)"
    )


def test_a_cancel_after_that_holds_something_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["activities"][1]["policy"] = {"cancelAfter": {"minutes": 5}}
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.reasons == (
        "properties.activities[1].policy.cancelAfter: not a property of azure-native's ActivityPolicy",
    )


@pytest.mark.parametrize(("value", "arm"), [(2**53, False), (2**53 + 1, True), (-(2**53) - 1, True)])
def test_an_integer_beyond_two_to_the_53_takes_the_lossless_path(tmp_path: Path, value: int, arm: bool) -> None:
    """Pulumi's engine carries numbers as doubles, exact up to 2^53."""
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["batch"] = {"type": "int", "defaultValue": value}
    route = _route(tmp_path, files, "pipeline", "PL_Copy")
    assert route.arm is arm
    if arm:
        assert route.reasons == (
            f"properties.parameters.batch.defaultValue: the integer {value} is beyond 2^53, which Pulumi's engine "
            "carries only as a rounded double",
        )


def test_a_type_properties_key_that_is_also_set_outside_takes_the_lossless_path(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["typeProperties"]["description"] = "inside"
    files["dataset/DS_Files"]["properties"]["description"] = "outside"
    route = _route(tmp_path, files, "dataset", "DS_Files")
    assert route.reasons == (
        "properties.typeProperties.description: azure-native flattens typeProperties, where it is also set outside "
        "typeProperties",
    )


def test_an_item_with_a_problem_of_its_own_gets_no_route(tmp_path: Path) -> None:
    files = fixture_files()
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS_Nowhere"
    from adf.load import inspect_content
    from preview.schema import check_inputs

    found, _items, _overrides = inspect_content(write(tmp_path, files), typed_check=check_inputs)
    assert ("dataset", "ds_files") not in found.routes
    assert ("pipeline", "pl_copy") in found.routes


def test_the_items_that_take_the_lossless_path_are_told_once(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["runDate"]["identity"] = "runDate"
    content = load(write(tmp_path, files))
    assert [note for note in content.notes if "ARM deployments" in note] == [
        "1 item(s) deploy as ARM deployments of their own JSON, because azure-native's typed resources cannot "
        "express them (ops adf check says why, per file): pipeline/PL_Copy"
    ]


def _wait_pipeline(wait: int | None) -> AdfItem:
    """A pipeline with one Wait activity; without a wait it lacks a required property, which is refused."""
    activity = {"name": "Pause", "type": "Wait", "typeProperties": {} if wait is None else {"waitTimeInSeconds": wait}}
    document = {"name": "PL_Pause", "properties": {"activities": [activity]}}
    return AdfItem(AdfKind.PIPELINE, "PL_Pause", "pipelines_json/pipeline/PL_Pause.json", document)


def test_a_route_is_remembered_by_the_items_json_so_a_changed_file_is_routed_again() -> None:
    checked: list[str] = []

    def counting_check(type_token: str, inputs: Mapping[str, Any]) -> list[Any]:
        checked.append(type_token)
        return list(check_inputs(type_token, inputs))

    typed = route(_wait_pipeline(30), counting_check)
    assert route(_wait_pipeline(30), counting_check) == typed == (Route(arm=False), [])
    assert len(checked) == 1, "the same JSON is not checked again"
    _, problems = route(_wait_pipeline(None), counting_check)
    assert len(checked) == 2 and problems and "waitTimeInSeconds" in problems[0]
    problems.clear()
    assert route(_wait_pipeline(None), counting_check)[1], "a caller's change to the list it got is its own"


def test_the_routes_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lossless, "ROUTES_KEPT", 3)
    monkeypatch.setattr(lossless, "_routes", OrderedDict())
    for wait in range(5):
        route(_wait_pipeline(wait), check_inputs)
    assert [key[-1] for key in lossless._routes] == [lossless.item_digest(_wait_pipeline(wait)) for wait in (2, 3, 4)]


def test_a_route_is_remembered_per_check_so_another_check_routes_again() -> None:
    def refuses_everything(type_token: str, inputs: Mapping[str, Any]) -> list[Any]:
        return [SimpleNamespace(path="activities", reason="refused by this check", code=lossless.WRONG_TYPE)]

    assert route(_wait_pipeline(30), check_inputs)[1] == []
    _, problems = route(_wait_pipeline(30), refuses_everything)
    assert problems == ["pipelines_json/pipeline/PL_Pause.json: properties.activities: refused by this check"]
