"""overrides.json: sections per stack, any path, literal and stack values, replace/add/remove, safe wildcards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from adf import load as adf_load
from adf.load import load_content, pipeline_properties
from adf.model import AdfContent, AdfItem, AdfKind, ContentError
from adf.overrides import apply_overrides
from adf.stack_values import STACK_VALUE_KEYS
from preview.plan import run_program
from tests.support.adf_tree import fixture_files, load, problems_of, write
from tests.support.checkout import PIPELINES_DIR, PROJECT_DIR

DEV_LAKE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-konnektmack-dev-weu"
    "/providers/Microsoft.Storage/storageAccounts/stkonnektmackdevweu0000"
)
PARTNER_ACCOUNT = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-partner"
    "/providers/Microsoft.Storage/storageAccounts/stpartnerdrop"
)
TOPIC = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-partner"
    "/providers/Microsoft.EventGrid/topics/partner-events"
)
VALUES = {key: f"<{key}>" for key in STACK_VALUE_KEYS}
"""Stand-in stack values: each key resolves to a marker naming it."""


def load_for(root: Path, stack: str | None) -> AdfContent:
    return load_content(root, STACK_VALUE_KEYS, pipeline_properties(), stack)


def resolved(content: AdfContent, kind: str, name: str) -> dict[str, Any]:
    item = next(i for i in content.items if (i.kind, i.name) == (kind, name))
    return apply_overrides(item, content.overrides, VALUES).document


def lake_url(document: dict[str, Any]) -> Any:
    return document["properties"]["typeProperties"]["url"]


def test_errors_name_the_file_section_entry_and_what_is_allowed(tmp_path: Path) -> None:
    overrides = {
        "common": {
            "linkedService/LS_Missing": [{"path": "properties.typeProperties.url", "stackValue": "lake.dfsUrl"}],
            "linkedService/LS_Lake": [
                {"path": "properties.typeProperties.uri", "stackValue": "lake.dfsUrl"},
                {"path": "properties.typeProperties.url", "stackValue": "lake.dfsUri"},
            ],
            "pipelines/PL_Copy": [{"path": "properties.description", "value": "x"}],
        }
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert (
        "pipelines_json/overrides.json: common: linkedService/LS_Missing: no such linkedService; available: LS_Lake"
        in (message)
    )
    assert (
        "common: linkedService/LS_Lake[0]: properties.typeProperties.uri: does not exist in "
        "pipelines_json/linkedService/LS_Lake.json" in message
    )
    assert "common: linkedService/LS_Lake[1]: stackValue: unknown stack value 'lake.dfsUri'; allowed: " in message
    assert "environment, functionApp.url" in message
    assert "common: pipelines/PL_Copy: expected '<kind>/<name>' (or a wildcard name) with kind one of" in message


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"path": "properties.description", "action": "update", "value": 1}, "action: 'update' is not one of"),
        (
            {"path": "properties.description", "value": 1, "stackValue": "timeZone"},
            "a replace takes exactly one of 'value'",
        ),
        ({"path": "properties.description"}, "a replace takes exactly one of 'value' (any JSON) or 'stackValue'"),
        ({"action": "remove", "path": "properties.description", "value": 1}, "a remove takes no value"),
        ({"path": "name", "value": "PL_Other"}, "path: 'name' is not a path inside the item"),
        ({"path": "properties..x", "value": 1}, "path: 'properties..x' is not a path inside the item"),
        ({"path": "properties.description", "vaule": 1}, "unknown key(s) vaule; allowed: action, match, path"),
        ("properties.description", "expected an object with 'path' and 'value' or 'stackValue'"),
    ],
)
def test_a_malformed_entry_is_refused_with_what_is_allowed(tmp_path: Path, entry: Any, expected: str) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["description"] = "from dev"
    message = problems_of(tmp_path, files, {"common": {"pipeline/PL_Copy": [entry]}})
    assert f"pipelines_json/overrides.json: common: pipeline/PL_Copy[0]: {expected}" in message


def test_the_old_flat_format_is_refused_with_the_new_shape(tmp_path: Path) -> None:
    flat = {"linkedService/LS_Lake": {"properties.typeProperties.url": "lake.dfsUrl"}}
    message = problems_of(tmp_path, fixture_files(), flat)
    assert "pipelines_json/overrides.json: linkedService/LS_Lake: no such stack" not in message
    assert "linkedService/LS_Lake: properties.typeProperties.url: expected '<kind>/<name>'" in message


def test_a_section_must_name_a_stack_of_the_project(tmp_path: Path) -> None:
    for stack in ("dev", "prod"):
        (tmp_path / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    overrides = {"prd": {"linkedService/LS_Lake": [{"path": "properties.typeProperties.url", "value": "x"}]}}
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert "pipelines_json/overrides.json: prd: no such stack; sections are 'common' and a stack: dev, prod" in message


def test_a_stack_section_applies_to_its_stack_only_and_after_common(tmp_path: Path) -> None:
    prod_url = "https://stprodarchive.dfs.core.windows.net/"
    overrides = {
        "common": {"linkedService/LS_Lake": [{"path": "properties.typeProperties.url", "stackValue": "lake.dfsUrl"}]},
        "prod": {"linkedService/LS_Lake": [{"path": "properties.typeProperties.url", "value": prod_url}]},
    }
    root = write(tmp_path, fixture_files(), overrides)
    assert lake_url(resolved(load_for(root, "prod"), "linkedService", "LS_Lake")) == prod_url
    assert lake_url(resolved(load_for(root, "dev"), "linkedService", "LS_Lake")) == "<lake.dfsUrl>"
    assert lake_url(resolved(load_for(root, None), "linkedService", "LS_Lake")) == "<lake.dfsUrl>"


def test_every_section_is_validated_whichever_stack_is_deployed(tmp_path: Path) -> None:
    overrides = {"prod": {"linkedService/LS_Lake": [{"path": "properties.typeProperties.port", "value": 1}]}}
    with pytest.raises(ContentError) as info:
        load_for(write(tmp_path, fixture_files(), overrides), "dev")
    assert "prod: linkedService/LS_Lake[0]: properties.typeProperties.port: does not exist" in str(info.value)


def test_add_and_remove_change_the_document_and_literals_keep_their_json_type(tmp_path: Path) -> None:
    files = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["description"] = "from dev"
    overrides = {
        "test": {
            "pipeline/PL_Copy": [
                {"action": "remove", "path": "$.properties.description"},
                {"action": "add", "path": "properties.annotations", "value": ["test", {"owner": "ops"}]},
                {"path": "properties.parameters.folders.defaultValue", "value": ["x", "y"]},
                {"path": "properties.activities[1].policy.retry", "value": 5},
            ]
        }
    }
    document = resolved(load_for(write(tmp_path, files, overrides), "test"), "pipeline", "PL_Copy")
    properties = document["properties"]
    assert "description" not in properties
    assert properties["annotations"] == ["test", {"owner": "ops"}]
    assert properties["parameters"]["folders"]["defaultValue"] == ["x", "y"]
    assert properties["activities"][1]["policy"] == {"timeout": "0.01:00:00", "retry": 5, "retryIntervalInSeconds": 60}
    assert files["pipeline/PL_Copy"]["properties"]["description"] == "from dev"


def test_add_is_refused_where_the_key_exists_or_has_no_parent(tmp_path: Path) -> None:
    overrides = {
        "common": {
            "pipeline/PL_Copy": [
                {"action": "add", "path": "properties.parameters", "value": {}},
                {"action": "add", "path": "properties.folder.name", "value": "x"},
            ]
        }
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert "common: pipeline/PL_Copy[0]: properties.parameters: already exists in pipelines_json/pipeline" in message
    assert "common: pipeline/PL_Copy[1]: properties.folder.name: has no parent object to add it to" in message


def test_a_named_entry_whose_match_differs_from_the_file_is_an_error(tmp_path: Path) -> None:
    overrides = {
        "common": {
            "trigger/TR_Daily": [
                {"path": "properties.typeProperties.recurrence.timeZone", "stackValue": "timeZone", "match": "GMT"}
            ]
        }
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert "properties.typeProperties.recurrence.timeZone: holds 'UTC', not the match 'GMT' in" in message


def test_a_wildcard_replace_needs_match_and_must_apply_somewhere(tmp_path: Path) -> None:
    overrides = {
        "common": {
            "trigger/*": [
                {"path": "properties.typeProperties.recurrence.timeZone", "stackValue": "timeZone"},
                {"path": "properties.typeProperties.recurrence.timeZone", "stackValue": "timeZone", "match": "UCT"},
            ]
        }
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert "common: trigger/*[0]: a wildcard replace needs 'match', the authoring factory's value" in message
    assert (
        "common: trigger/*[1]: the wildcard applies to nothing: no item holds 'UCT' at "
        "properties.typeProperties.recurrence.timeZone" in message
    )


def test_wildcard_names_select_by_pattern_ignoring_case(tmp_path: Path) -> None:
    files = fixture_files()
    files["trigger/TR_Nightly"] = json.loads(json.dumps(files["trigger/TR_Daily"]).replace("TR_Daily", "TR_Nightly"))
    files["trigger/XX_Other"] = json.loads(json.dumps(files["trigger/TR_Daily"]).replace("TR_Daily", "XX_Other"))
    overrides = {
        "common": {"trigger/tr_*": [{"path": "properties.description", "action": "add", "value": "per stack"}]}
    }
    content = load(write(tmp_path, files, overrides))
    assert sorted(o.name for o in content.overrides) == ["TR_Daily", "TR_Nightly"]


# ---------------------------------------------------------------- the repository's own overrides


def _trigger(name: str, kind: str, type_properties: dict[str, Any]) -> dict[str, Any]:
    reference = {"pipelineReference": {"referenceName": "PL_Archive_SqlToLake", "type": "PipelineReference"}}
    return {"name": name, "properties": {"type": kind, "pipelines": [reference], "typeProperties": type_properties}}


@pytest.fixture(scope="module")
def repository_with_foreign_triggers(tmp_path_factory: pytest.TempPathFactory) -> AdfContent:
    """The repository's content and overrides.json, plus triggers the authoring factory wrote for elsewhere."""
    root = tmp_path_factory.mktemp("repo") / "pipelines_json"
    shutil.copytree(PIPELINES_DIR, root)
    foreign = {
        "TR_Partner_FileDropped": _trigger(
            "TR_Partner_FileDropped",
            "BlobEventsTrigger",
            {
                "blobPathBeginsWith": "/drop/blobs/",
                "ignoreEmptyBlobs": True,
                "scope": PARTNER_ACCOUNT,
                "events": ["Microsoft.Storage.BlobCreated"],
            },
        ),
        "TR_Partner_Event": _trigger(
            "TR_Partner_Event", "CustomEventsTrigger", {"scope": TOPIC, "events": ["PartnerFileReady"]}
        ),
        "TR_Berlin_Morning": _trigger(
            "TR_Berlin_Morning",
            "ScheduleTrigger",
            {
                "recurrence": {
                    "frequency": "Day",
                    "interval": 1,
                    "startTime": "2026-12-01T00:00:00",
                    "timeZone": "W. Europe Standard Time",
                    "schedule": {"hours": [7], "minutes": [0]},
                }
            },
        ),
    }
    for name, document in foreign.items():
        (root / "trigger" / f"{name}.json").write_text(json.dumps(document, indent=2))
    return load(root)


def type_properties(content: AdfContent, name: str) -> dict[str, Any]:
    result: dict[str, Any] = resolved(content, "trigger", name)["properties"]["typeProperties"]
    return result


def test_a_trigger_watching_another_storage_account_keeps_its_scope(
    repository_with_foreign_triggers: AdfContent,
) -> None:
    assert type_properties(repository_with_foreign_triggers, "TR_Partner_FileDropped")["scope"] == PARTNER_ACCOUNT
    assert type_properties(repository_with_foreign_triggers, "TR_Partner_Event")["scope"] == TOPIC
    assert type_properties(repository_with_foreign_triggers, "TR_Events_BronzeCreated")["scope"] == "<lake.accountId>"


def test_a_schedule_written_for_another_time_zone_keeps_its_zone(repository_with_foreign_triggers: AdfContent) -> None:
    berlin = type_properties(repository_with_foreign_triggers, "TR_Berlin_Morning")["recurrence"]
    assert (berlin["timeZone"], berlin["schedule"]["hours"]) == ("W. Europe Standard Time", [7])
    utc = type_properties(repository_with_foreign_triggers, "TR_Archive_DailyMidnight")["recurrence"]
    assert utc["timeZone"] == "<timeZone>"


def test_repository_content_loads_and_every_override_applies() -> None:
    content = load(PIPELINES_DIR)
    targets = {(o.kind, o.name) for o in content.overrides}
    assert {("linkedService", name) for name in content.names("linkedService")} <= targets
    for trigger in content.of_kind("trigger"):
        if trigger.adf_type in ("ScheduleTrigger", "BlobEventsTrigger"):
            assert ("trigger", trigger.name) in targets, f"{trigger.name} would keep the dev factory's values"


def test_the_program_deploys_the_section_of_the_stack_it_runs_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "pipelines_json"
    shutil.copytree(PIPELINES_DIR, root)
    overrides = json.loads((root / "overrides.json").read_text())
    for stack in ("dev", "prod"):
        entry = {"path": "properties.description", "value": f"{stack}'s own description"}
        overrides[stack] = {"pipeline/PL_Archive_SqlToLake": [entry]}
    (root / "overrides.json").write_text(json.dumps(overrides))
    real_load_content = adf_load.load_content

    def from_the_copy(_root: Path, *args: Any, **kwargs: Any) -> AdfContent:
        return real_load_content(root, *args, **kwargs)

    monkeypatch.setattr(adf_load, "load_content", from_the_copy)
    plan = run_program("dev", PROJECT_DIR)
    pipeline = next(r for r in plan.by_type("azure-native:datafactory:Pipeline") if "PL_Archive_SqlToLake" in r.name)
    assert pipeline.inputs["description"] == "dev's own description"


def test_apply_leaves_items_without_overrides_untouched() -> None:
    item = AdfItem(AdfKind.PIPELINE, "PL_X", "pipelines_json/pipeline/PL_X.json", {"name": "PL_X", "properties": {}})
    assert apply_overrides(item, (), VALUES) is item


def nested(levels: int) -> Any:
    """A JSON value `levels` deep: lists inside lists around a number."""
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


def test_overrides_json_nested_past_64_levels_is_refused_and_64_levels_are_read(tmp_path: Path) -> None:
    """The sections object is one level; a `$comment` section is read and skipped, whatever it holds."""
    deepest = {"$comment": nested(63)}
    content = load(write(tmp_path / "at", fixture_files(), deepest))
    assert content.overrides == ()
    message = problems_of(tmp_path / "past", fixture_files(), {"$comment": nested(64)})
    assert "pipelines_json/overrides.json: (root): nested too deeply; at most 64 levels of objects and lists" in message
