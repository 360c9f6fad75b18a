"""Pipelines and activities in detail: counting through every container, nesting through every branch, the policy's
formats and bounds, and each activity type's own rule."""

from __future__ import annotations

from typing import Any

import pytest

from adf.rules import activities
from adf.rules.limits import DatedLimit
from tests.support.adf_items import (
    activity,
    copy,
    findings,
    for_each,
    if_condition,
    of_rule,
    pipeline,
    refusals,
    switch,
    until,
    warnings_of,
)

PL = "pipelines_json/pipeline/PL_Test.json"


def waits(count: int, prefix: str = "Wait") -> list[dict[str, Any]]:
    return [activity(f"{prefix}{index}") for index in range(count)]


# ---- the inputs the issue names


def test_a_foreach_in_a_foreach_is_refused_naming_file_path_limit_and_source() -> None:
    (finding,) = findings(pipeline([for_each("Outer", [for_each("Inner", waits(1))])]))
    assert finding == (
        f"{PL}: properties.activities[0].typeProperties.activities[0]: ForEach 'Inner' sits inside ForEach 'Outer' "
        "(limit one level of nesting, ForEach activity)"
    )


def test_a_timeout_that_is_not_a_time_span_is_refused_naming_file_path_limit_and_source() -> None:
    broken = activity("Probe", "GetMetadata", policy={"timeout": "ten minutes", "retry": 0})
    (finding,) = findings(pipeline([broken]))
    assert finding == (
        f"{PL}: properties.activities[0].policy.timeout: 'ten minutes' is not a time span d.hh:mm:ss or hh:mm:ss "
        "(limit [d.]hh:mm:ss, Data Factory REST API 2018-06-01)"
    )


def test_81_activities_pass_today_because_the_documented_limit_is_120() -> None:
    assert activities.ACTIVITIES_PER_PIPELINE.value == 120
    assert findings(pipeline(waits(81))) == []


def test_the_dated_limit_decides_so_the_2024_default_of_80_refuses_81(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activities, "ACTIVITIES_PER_PIPELINE", DatedLimit(80, (("2024-03-19", 80),)))
    (finding,) = findings(pipeline(waits(81)))
    assert finding.startswith(f"{PL}: properties.activities: 81 activities, counting those inside ForEach")
    assert findings(pipeline(waits(80))) == []


def test_121_activities_are_refused_with_the_count() -> None:
    (finding,) = findings(pipeline(waits(121)))
    assert finding == (
        f"{PL}: properties.activities: 121 activities, counting those inside ForEach, Until, If Condition and "
        "Switch (limit 120, Data Factory limits)"
    )


# ---- counting through every container


CONTAINERS = {
    "ForEach": lambda inner: for_each("Box", inner),
    "Until": lambda inner: until("Box", inner),
    "IfCondition true": lambda inner: if_condition("Box", inner),
    "IfCondition false": lambda inner: if_condition("Box", [], inner),
    "Switch case": lambda inner: switch("Box", [inner]),
    "Switch default": lambda inner: switch("Box", [], inner),
}


@pytest.mark.parametrize("container", CONTAINERS)
def test_inner_activities_count_toward_the_limit(container: str) -> None:
    # 118 at the top, the container itself, and 2 inside: 121.
    over = pipeline([*waits(118), CONTAINERS[container](waits(2, "Inner"))])
    assert len(of_rule(activities.ACTIVITY_COUNT, findings(over))) == 1
    at_limit = pipeline([*waits(117), CONTAINERS[container](waits(2, "Inner"))])
    assert findings(at_limit) == []


# ---- nesting through every branch

BRANCHES = {
    "IfCondition true": (lambda inner: if_condition("Branch", inner), "ifTrueActivities[0]"),
    "IfCondition false": (lambda inner: if_condition("Branch", [], inner), "ifFalseActivities[0]"),
    "Switch case": (lambda inner: switch("Branch", [inner]), "cases[0].activities[0]"),
    "Switch default": (lambda inner: switch("Branch", [], inner), "defaultActivities[0]"),
}
LOOPS = {"ForEach": lambda name, inner: for_each(name, inner), "Until": lambda name, inner: until(name, inner)}


@pytest.mark.parametrize("outer", LOOPS)
@pytest.mark.parametrize("inner", LOOPS)
def test_a_loop_directly_in_a_loop_is_refused(outer: str, inner: str) -> None:
    (finding,) = findings(pipeline([LOOPS[outer]("Outer", [LOOPS[inner]("Inner", waits(1))])]))
    assert finding.startswith(f"{PL}: properties.activities[0].typeProperties.activities[0]: {inner} 'Inner' ")
    assert of_rule(activities.NESTING_LOOP_IN_LOOP, [finding])


@pytest.mark.parametrize("branch", BRANCHES)
@pytest.mark.parametrize("outer", LOOPS)
def test_a_loop_in_a_branch_in_a_loop_is_a_loop_in_a_loop(outer: str, branch: str) -> None:
    build, where = BRANCHES[branch]
    nested = pipeline([LOOPS[outer]("Outer", [build([for_each("Inner", waits(1))])])])
    (finding,) = findings(nested)
    assert finding.startswith(f"{PL}: properties.activities[0].typeProperties.activities[0].typeProperties.{where}: ")
    assert f"ForEach 'Inner' sits inside {outer} 'Outer' > " in finding
    assert of_rule(activities.NESTING_LOOP_IN_LOOP, [finding])


@pytest.mark.parametrize("branch", BRANCHES)
def test_a_loop_in_a_branch_is_refused(branch: str) -> None:
    build, where = BRANCHES[branch]
    (finding,) = findings(pipeline([build([until("Poll", waits(1))])]))
    assert finding.startswith(f"{PL}: properties.activities[0].typeProperties.{where}: Until 'Poll' sits inside ")
    assert of_rule(activities.NESTING_LOOP_IN_BRANCH, [finding])


@pytest.mark.parametrize("outer", BRANCHES)
@pytest.mark.parametrize("inner", ["IfCondition", "Switch"])
def test_a_branch_in_a_branch_is_refused(outer: str, inner: str) -> None:
    build, where = BRANCHES[outer]
    nested = if_condition("Inner", waits(1)) if inner == "IfCondition" else switch("Inner", [waits(1)])
    (finding,) = findings(pipeline([build([nested])]))
    assert finding.startswith(f"{PL}: properties.activities[0].typeProperties.{where}: {inner} 'Inner' ")
    assert of_rule(activities.NESTING_BRANCH_IN_BRANCH, [finding])


@pytest.mark.parametrize("outer", LOOPS)
@pytest.mark.parametrize("branch", ["IfCondition", "Switch"])
def test_a_branch_in_a_loop_is_allowed(outer: str, branch: str) -> None:
    nested = if_condition("Check", waits(1)) if branch == "IfCondition" else switch("Mode", [waits(1)], waits(1, "D"))
    assert findings(pipeline([LOOPS[outer]("Outer", [nested])])) == []


def test_a_branch_in_a_branch_in_a_loop_is_still_refused() -> None:
    nested = pipeline([for_each("Outer", [if_condition("Check", [switch("Mode", [waits(1)])])])])
    (finding,) = findings(nested)
    assert "Switch 'Mode' sits inside ForEach 'Outer' > IfCondition 'Check'" in finding
    assert of_rule(activities.NESTING_BRANCH_IN_BRANCH, [finding])


@pytest.mark.parametrize("container", CONTAINERS)
def test_validation_inside_any_container_is_refused(container: str) -> None:
    (finding,) = findings(pipeline([CONTAINERS[container]([activity("Exists", "Validation")])]))
    assert of_rule(activities.NESTING_VALIDATION, [finding])


# ---- the activity policy


def policy(**values: Any) -> list[str]:
    return findings(pipeline([activity("Probe", "GetMetadata", policy=values)]))


@pytest.mark.parametrize(
    "timeout",
    ["0.00:10:00", "00:10:00", "7.00:00:00", "1.12:30:15", {"value": "@variables('t')", "type": "Expression"}],
)
def test_timeouts_within_10_minutes_and_7_days_or_expressions_pass(timeout: Any) -> None:
    assert policy(timeout=timeout) == []


@pytest.mark.parametrize("timeout", ["0.00:09:59", "00:09:59", "0.00:00:30", "7.00:00:01", "12.00:00:00"])
def test_timeouts_outside_10_minutes_and_7_days_warn_because_adf_published_such_timeouts(timeout: str) -> None:
    probe = pipeline([activity("Probe", "GetMetadata", policy={"timeout": timeout})])
    assert refusals(probe) == []
    (warning,) = warnings_of(probe)
    assert f"'{timeout}' is outside 0.00:10:00 to 7.00:00:00" in warning
    assert warning.endswith(
        "; ADF accepts it: published by ADF in mrpaulandrew/procfwk@8a7ecb8 (pipeline 04-Infant, "
        "timeouts 0.00:00:30 and 0.00:01:00))"
    )


@pytest.mark.parametrize("timeout", ["ten minutes", "00:61:00", "0.00:10", "P1D", "1:0:00", 600])
def test_timeouts_not_in_the_time_span_format_are_refused(timeout: Any) -> None:
    (finding,) = refusals(pipeline([activity("Probe", "GetMetadata", policy={"timeout": timeout})]))
    assert of_rule(activities.TIMEOUT_FORMAT, [finding])


@pytest.mark.parametrize(("timeout", "written"), [("1:00:00", "0.01:00:00"), ("2.0:01:00", "2.00:01:00")])
def test_a_time_span_with_a_one_digit_hour_warns_and_names_the_two_digit_form(timeout: str, written: str) -> None:
    probe = pipeline([activity("Probe", "GetMetadata", policy={"timeout": timeout})])
    assert refusals(probe) == []
    (warning,) = warnings_of(probe)
    assert f"'{timeout}' has an hour of one digit; write '{written}'" in warning
    assert of_rule(activities.TIMESPAN_ONE_DIGIT_HOUR, [warning])


def test_a_one_digit_hour_is_still_held_to_the_bounds() -> None:
    too_long = pipeline([until("Poll", waits(1), timeout="91.0:00:00")])
    assert of_rule(activities.UNTIL_TIMEOUT, refusals(too_long))
    assert of_rule(activities.TIMESPAN_ONE_DIGIT_HOUR, warnings_of(too_long))
    assert refusals(pipeline([until("Poll", waits(1), timeout="2.0:01:00")])) == []


@pytest.mark.parametrize("retry", ["3", True, -1, 1.5])
def test_retry_must_be_a_whole_number_of_at_least_0(retry: Any) -> None:
    assert of_rule(activities.RETRY, policy(retry=retry))


@pytest.mark.parametrize("retry", [0, 5, {"value": "@pipeline().parameters.retries", "type": "Expression"}])
def test_retry_whole_numbers_and_expressions_pass(retry: Any) -> None:
    assert policy(retry=retry) == []


@pytest.mark.parametrize(
    ("interval", "refused"), [(29, True), (30, False), (86400, False), (86401, True), ("60", True)]
)
def test_retry_interval_is_30_to_86400_seconds(interval: Any, refused: bool) -> None:
    assert bool(of_rule(activities.RETRY_INTERVAL_RULE, policy(retryIntervalInSeconds=interval))) is refused


def test_a_retry_interval_below_30_is_refused_naming_the_30_adf_studio_publishes_instead() -> None:
    (finding,) = refusals(pipeline([activity("Probe", "GetMetadata", policy={"retryIntervalInSeconds": 5})]))
    assert "5 is not a whole number from 30 to 86400; ADF Studio publishes 30 instead, so write 30" in finding


# ---- each activity type's own rule


@pytest.mark.parametrize(("count", "refused"), [(0, True), (1, False), (50, False), (51, True)])
def test_foreach_batch_count_is_1_to_50(count: int, refused: bool) -> None:
    found = findings(pipeline([for_each("Each", waits(1), batchCount=count)]))
    assert bool(of_rule(activities.BATCH_COUNT, found)) is refused


@pytest.mark.parametrize(
    ("timeout", "rule_fires"), [("ninety days", True), ("90.00:00:01", True), ("1.00:00:00", False)]
)
def test_until_timeout_has_its_own_90_day_maximum(timeout: str, rule_fires: bool) -> None:
    found = findings(pipeline([until("Poll", waits(1), timeout=timeout)]))
    assert bool(of_rule(activities.UNTIL_TIMEOUT, found)) is rule_fires
    assert not of_rule(activities.TIMEOUT_RANGE, found)


def test_web_http_request_timeout_must_be_a_time_span() -> None:
    web = activity("Call", "WebActivity", typeProperties={"httpRequestTimeout": "one minute"})
    assert of_rule(activities.HTTP_REQUEST_TIMEOUT, findings(pipeline([web])))


@pytest.mark.parametrize(
    ("units", "refused", "warned"),
    [(-1, True, False), (0, False, True), (1, False, True), (2, False, False), (256, False, False), (257, True, False)],
)
def test_copy_data_integration_units_are_at_most_256_and_below_2_only_warn(
    units: int, refused: bool, warned: bool
) -> None:
    copying = pipeline([copy(dataIntegrationUnits=units)])
    assert bool(of_rule(activities.COPY_DIU, refusals(copying))) is refused
    assert bool(of_rule(activities.COPY_DIU_MINIMUM, warnings_of(copying))) is warned


def test_copy_without_data_integration_units_is_auto_and_passes() -> None:
    assert findings(pipeline([copy()])) == []


@pytest.mark.parametrize("cores", [8, 16, 32, 48, 80, 144, 272])
def test_every_offered_core_count_passes(cores: int) -> None:
    reference = {"referenceName": "DF", "type": "DataFlowReference"}
    run = activity("Run", "ExecuteDataFlow", typeProperties={"dataflow": reference, "compute": {"coreCount": cores}})
    assert findings(pipeline([run])) == []


def test_execute_pipeline_invoking_its_own_pipeline_inside_a_container_is_refused() -> None:
    call = activity("Again", "ExecutePipeline", typeProperties={"pipeline": {"referenceName": "PL_Test"}})
    (finding,) = findings(pipeline([for_each("Each", [call])]))
    assert finding.startswith(
        f"{PL}: properties.activities[0].typeProperties.activities[0].typeProperties.pipeline.referenceName: "
        "invokes its own pipeline 'PL_Test'"
    )


def test_append_variable_to_an_undeclared_variable_is_refused_and_names_the_declared_ones() -> None:
    append = activity("Add", "AppendVariable", typeProperties={"variableName": "ghost", "value": "x"})
    (finding,) = findings(pipeline([append], variables={"files": {"type": "Array"}}))
    assert "'ghost' is not a variable of this pipeline; declared: files" in finding


def test_a_variable_is_found_whatever_the_case_of_its_name_and_an_empty_declaration_says_none() -> None:
    """ADF names ignore case; a pipeline that declares no variable (an empty object) has none to offer."""
    append = activity("Add", "AppendVariable", typeProperties={"variableName": "FILES", "value": "x"})
    assert findings(pipeline([append], variables={"files": {"type": "Array"}})) == []
    (finding,) = findings(pipeline([append], variables={}))
    assert "'FILES' is not a variable of this pipeline; declared: none" in finding


def test_setting_the_pipeline_return_value_needs_no_variable() -> None:
    returned = activity(
        "Return", "SetVariable", typeProperties={"variableName": "pipelineReturnValue", "setSystemVariable": True}
    )
    assert findings(pipeline([returned])) == []


# ---- activity names


@pytest.mark.parametrize(
    ("name", "refused"),
    [("_Copy", False), ("1Copy", False), ("Copy rows", False), ("-Copy", True), ("Copy.Rows", True), ("Copy:1", True)],
)
def test_activity_names_start_and_characters(name: str, refused: bool) -> None:
    assert bool(findings(pipeline([activity(name)]))) is refused


def test_activity_names_inside_containers_are_checked_at_their_path() -> None:
    (finding,) = findings(pipeline([if_condition("Check", [], [activity("Bad/Name")])]))
    assert finding.startswith(f"{PL}: properties.activities[0].typeProperties.ifFalseActivities[0].name: 'Bad/Name' ")


def test_a_branch_in_a_loop_in_a_branch_is_a_branch_in_a_branch_at_depth() -> None:
    nested = pipeline([if_condition("Outer", [for_each("Each", [if_condition("Inner", waits(1))])])])
    loop_finding, branch_finding = findings(nested)
    assert of_rule(activities.NESTING_LOOP_IN_BRANCH, [loop_finding])
    assert "IfCondition 'Inner' sits inside IfCondition 'Outer' > ForEach 'Each'" in branch_finding
    assert of_rule(activities.NESTING_BRANCH_IN_BRANCH, [branch_finding])
