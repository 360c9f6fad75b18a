"""overrides.json: targets that must exist, wildcards, and the repository's overrides."""

from __future__ import annotations

from pathlib import Path

from stack.paths import PIPELINES_DIR
from tests.support.adf_tree import fixture_files, load, problems_of, write


def test_overrides_must_target_existing_items_paths_and_stack_values(tmp_path: Path) -> None:
    overrides = {
        "linkedService/LS_Missing": {"properties.typeProperties.url": "lake.dfsUrl"},
        "linkedService/LS_Lake": {
            "properties.typeProperties.uri": "lake.dfsUrl",
            "properties.typeProperties.url": "lake.dfsUri",
        },
        "pipelines/PL_Copy": {"properties.description": "environment"},
    }
    message = problems_of(tmp_path, fixture_files(), overrides)
    assert (
        "pipelines_json/overrides.json: linkedService/LS_Missing: no such linkedService; available: LS_Lake" in message
    )
    assert "linkedService/LS_Lake.properties.typeProperties.uri: the path does not exist in" in message
    assert "unknown stack value 'lake.dfsUri'; allowed: " in message
    assert "pipelines/PL_Copy: expected '<kind>/<name>' with kind one of" in message


def test_wildcard_overrides_apply_only_where_the_property_exists(tmp_path: Path) -> None:
    overrides = {"trigger/*": {"properties.typeProperties.recurrence.timeZone": "timeZone"}}
    content = load(write(tmp_path, fixture_files(), overrides))
    assert [(o.name, o.value) for o in content.overrides] == [("TR_Daily", "timeZone")]


def test_repository_content_loads_and_every_override_applies() -> None:
    content = load(PIPELINES_DIR)
    targets = {(o.kind, o.name) for o in content.overrides}
    assert {("linkedService", name) for name in content.names("linkedService")} <= targets
    for trigger in content.of_kind("trigger"):
        if trigger.adf_type in ("ScheduleTrigger", "BlobEventsTrigger"):
            assert ("trigger", trigger.name) in targets, f"{trigger.name} would keep the dev factory's values"
