"""Every rule of the catalogue, once where it fires and once where it stays quiet, one step either side of its limit.

A finding reads `<file>: <path in the file>: <what is wrong> (limit <n>, <source>)`; each firing case names the
exact file and path, and its quiet twin produces no finding at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from adf.model import AdfItem, AdfKind
from adf.rules import RULES, activities, names, objects, triggers
from adf.rules.rule import Rule
from tests.support.adf_items import (
    activity,
    blob_events,
    copy,
    file_of,
    findings,
    for_each,
    if_condition,
    item,
    of_rule,
    pipeline,
    refusals,
    schedule,
    switch,
    trigger,
    tumbling_window,
    until,
    warnings_of,
)

PL = file_of(AdfKind.PIPELINE, "PL_Test")
TW = file_of(AdfKind.TRIGGER, "TR_Window")
SCHEDULE = file_of(AdfKind.TRIGGER, "TR_Schedule")
BLOB = file_of(AdfKind.TRIGGER, "TR_Blob")
FIRST = "properties.activities[0]"


@dataclass(frozen=True)
class Case:
    rule: Rule
    fires: tuple[AdfItem, ...]
    at: str
    """`<file>: <path>` of the one finding."""
    quiet: tuple[AdfItem, ...]


def waits(count: int) -> list[dict[str, Any]]:
    return [activity(f"Wait{index}") for index in range(count)]


def with_policy(**policy: Any) -> AdfItem:
    base = {"timeout": "0.01:00:00", "retry": 0, "retryIntervalInSeconds": 30}
    return pipeline([activity("Probe", "GetMetadata", policy={**base, **policy})])


def dataflow(name: str, transformation: str) -> AdfItem:
    type_properties = {"sources": [{"name": "Source"}], "sinks": [{"name": "Sink"}]}
    type_properties["transformations"] = [{"name": transformation}]
    return item(AdfKind.DATAFLOW, name, {"type": "MappingDataFlow", "typeProperties": type_properties})


def wrangling(source: str) -> AdfItem:
    type_properties = {"sources": [{"name": source, "script": "source(...)"}], "script": "section Section1;"}
    return item(AdfKind.DATAFLOW, "DF_Taxi", {"type": "WranglingDataFlow", "typeProperties": type_properties})


def data_flow_activity(**compute: Any) -> AdfItem:
    reference = {"referenceName": "DF_Events", "type": "DataFlowReference"}
    base = {"coreCount": 8, "computeType": "General"}
    return pipeline(
        [activity("Run", "ExecuteDataFlow", typeProperties={"dataflow": reference, "compute": {**base, **compute}})]
    )


def executes(target: str) -> AdfItem:
    reference = {"referenceName": target, "type": "PipelineReference"}
    return pipeline([activity("Child", "ExecutePipeline", typeProperties={"pipeline": reference})])


def sets(variable: str) -> AdfItem:
    set_it = activity("Note", "SetVariable", typeProperties={"variableName": variable, "value": "x"})
    return pipeline([set_it], variables={"status": {"type": "String"}})


def depends_on(count: int, kind: str = "TumblingWindowTriggerDependencyReference", offset: str = "-01:00:00") -> list:
    reference = {"referenceName": "TR_Other", "type": "TriggerReference"}
    entry: dict[str, Any] = {"type": kind, "offset": offset}
    if kind == "TumblingWindowTriggerDependencyReference":
        entry["referenceTrigger"] = reference
    return [dict(entry) for _ in range(count)]


def other_trigger(type_: str) -> AdfItem:
    if type_ == "TumblingWindowTrigger":
        return tumbling_window(name="TR_Other")
    recurrence = {"frequency": "Day", "interval": 1, "startTime": "2026-01-01T00:00:00Z"}
    return trigger("ScheduleTrigger", {"recurrence": recurrence}, name="TR_Other")


def sized(characters: int) -> AdfItem:
    """A pipeline whose compact JSON is `characters` bytes long (ASCII)."""
    empty = pipeline([activity("Wait1")], description="")
    base = len(json.dumps(empty.document, separators=(",", ":")).encode())
    return pipeline([activity("Wait1")], description="d" * (characters - base))


def expression(length: int) -> AdfItem:
    text = "@concat('" + "x" * (length - len("@concat('')")) + "')"
    return pipeline(
        [activity("Note", "SetVariable", typeProperties={"variableName": "status", "value": text})],
        variables={"status": {"type": "String"}},
    )


CASES = [
    Case(
        names.NAME_PIPELINE,
        (pipeline(waits(1), name="PL.Copy"),),
        f"{file_of(AdfKind.PIPELINE, 'PL.Copy')}: name",
        (pipeline(waits(1), name="PL_Copy"),),
    ),
    Case(
        names.NAME_TRIGGER,
        (trigger("ScheduleTrigger", {"recurrence": {"frequency": "Day", "interval": 1}}, name="TR:Daily"),),
        f"{file_of(AdfKind.TRIGGER, 'TR:Daily')}: name",
        (trigger("ScheduleTrigger", {"recurrence": {"frequency": "Day", "interval": 1}}, name="TR_Daily"),),
    ),
    Case(
        names.NAME_DATASET,
        (item(AdfKind.DATASET, "DS.Files", {"type": "Json"}),),
        f"{file_of(AdfKind.DATASET, 'DS.Files')}: name",
        (item(AdfKind.DATASET, "DS_Files", {"type": "Json"}),),
    ),
    Case(
        names.NAME_DATASET_CHARACTERS,
        (item(AdfKind.DATASET, "DS-Files", {"type": "Json"}),),
        f"{file_of(AdfKind.DATASET, 'DS-Files')}: name",
        (item(AdfKind.DATASET, "DS_Files", {"type": "Json"}),),
    ),
    Case(
        names.NAME_LINKED_SERVICE,
        (item(AdfKind.LINKED_SERVICE, "LS:Lake", {"type": "AzureBlobFS"}),),
        f"{file_of(AdfKind.LINKED_SERVICE, 'LS:Lake')}: name",
        (item(AdfKind.LINKED_SERVICE, "LS Lake", {"type": "AzureBlobFS"}),),
    ),
    Case(
        names.NAME_LINKED_SERVICE_CHARACTERS,
        (item(AdfKind.LINKED_SERVICE, "LS-Lake", {"type": "AzureBlobFS"}),),
        f"{file_of(AdfKind.LINKED_SERVICE, 'LS-Lake')}: name",
        (item(AdfKind.LINKED_SERVICE, "LS Lake", {"type": "AzureBlobFS"}),),
    ),
    Case(
        names.NAME_DATAFLOW,
        (dataflow("DF.Events", "Keep"),),
        f"{file_of(AdfKind.DATAFLOW, 'DF.Events')}: name",
        (dataflow("DF_Events", "Keep"),),
    ),
    Case(
        names.NAME_DATAFLOW_CHARACTERS,
        (dataflow("DF-Events", "Keep"),),
        f"{file_of(AdfKind.DATAFLOW, 'DF-Events')}: name",
        (dataflow("DF_Events", "Keep"),),
    ),
    Case(
        names.NAME_INTEGRATION_RUNTIME,
        (item(AdfKind.INTEGRATION_RUNTIME, "ir--vnet", {"type": "Managed"}),),
        f"{file_of(AdfKind.INTEGRATION_RUNTIME, 'ir--vnet')}: name",
        (item(AdfKind.INTEGRATION_RUNTIME, "ir-vnet", {"type": "Managed"}),),
    ),
    Case(
        names.NAME_ACTIVITY, (pipeline([activity("A" * 56)]),), f"{PL}: {FIRST}.name", (pipeline([activity("A" * 55)]),)
    ),
    Case(
        names.NAME_PARAMETER_UNIQUE,
        (pipeline(waits(1), parameters={"runDate": {"type": "string"}, "RunDate": {"type": "string"}}),),
        f"{PL}: properties.parameters.RunDate",
        (pipeline(waits(1), parameters={"runDate": {"type": "string"}, "runTime": {"type": "string"}}),),
    ),
    Case(
        names.NAME_TRANSFORMATION,
        (dataflow("DF_Events", "Drop_Invalid"),),
        f"{file_of(AdfKind.DATAFLOW, 'DF_Events')}: properties.typeProperties.transformations[0].name",
        (dataflow("DF_Events", "DropInvalid"),),
    ),
    Case(
        names.NAME_WRANGLING_SOURCE,
        (wrangling("taxi_fare_input1"),),
        f"{file_of(AdfKind.DATAFLOW, 'DF_Taxi')}: properties.typeProperties.sources[0].name",
        (wrangling("taxiFareInput1"),),
    ),
    Case(activities.ACTIVITY_COUNT, (pipeline(waits(121)),), f"{PL}: properties.activities", (pipeline(waits(120)),)),
    Case(
        activities.PARAMETER_COUNT,
        (pipeline(waits(1), parameters={f"p{i}": {"type": "string"} for i in range(51)}),),
        f"{PL}: properties.parameters",
        (pipeline(waits(1), parameters={f"p{i}": {"type": "string"} for i in range(50)}),),
    ),
    Case(
        activities.NESTING_LOOP_IN_LOOP,
        (pipeline([for_each("Outer", [for_each("Inner", waits(1))])]),),
        f"{PL}: {FIRST}.typeProperties.activities[0]",
        (pipeline([for_each("Outer", [if_condition("Check", waits(1))])]),),
    ),
    Case(
        activities.NESTING_LOOP_IN_BRANCH,
        (pipeline([if_condition("Check", [until("Poll", waits(1))])]),),
        f"{PL}: {FIRST}.typeProperties.ifTrueActivities[0]",
        (pipeline([until("Poll", [if_condition("Check", waits(1))])]),),
    ),
    Case(
        activities.NESTING_BRANCH_IN_BRANCH,
        (pipeline([switch("Mode", [[if_condition("Check", waits(1))]])]),),
        f"{PL}: {FIRST}.typeProperties.cases[0].activities[0]",
        (pipeline([switch("Mode", [waits(1)])]),),
    ),
    Case(
        activities.NESTING_VALIDATION,
        (pipeline([if_condition("Check", [activity("Exists", "Validation")])]),),
        f"{PL}: {FIRST}.typeProperties.ifTrueActivities[0]",
        (pipeline([activity("Exists", "Validation")]),),
    ),
    Case(
        activities.TIMEOUT_FORMAT,
        (with_policy(timeout="ten minutes"),),
        f"{PL}: {FIRST}.policy.timeout",
        (with_policy(timeout="0.00:10:00"),),
    ),
    Case(
        activities.TIMEOUT_RANGE,
        (with_policy(timeout="7.00:00:01"),),
        f"{PL}: {FIRST}.policy.timeout",
        (with_policy(timeout="7.00:00:00"),),
    ),
    Case(
        activities.TIMESPAN_ONE_DIGIT_HOUR,
        (with_policy(timeout="1:00:00"),),
        f"{PL}: {FIRST}.policy.timeout",
        (with_policy(timeout="01:00:00"),),
    ),
    Case(activities.RETRY, (with_policy(retry=-1),), f"{PL}: {FIRST}.policy.retry", (with_policy(retry=0),)),
    Case(
        activities.RETRY_INTERVAL_RULE,
        (with_policy(retryIntervalInSeconds=29),),
        f"{PL}: {FIRST}.policy.retryIntervalInSeconds",
        (with_policy(retryIntervalInSeconds=30),),
    ),
    Case(
        activities.BATCH_COUNT,
        (pipeline([for_each("Each", waits(1), batchCount=51)]),),
        f"{PL}: {FIRST}.typeProperties.batchCount",
        (pipeline([for_each("Each", waits(1), batchCount=50)]),),
    ),
    Case(
        activities.SWITCH_CASES,
        (pipeline([switch("Mode", [[] for _ in range(26)])]),),
        f"{PL}: {FIRST}.typeProperties.cases",
        (pipeline([switch("Mode", [[] for _ in range(25)])]),),
    ),
    Case(
        activities.UNTIL_TIMEOUT,
        (pipeline([until("Poll", waits(1), timeout="90.00:00:01")]),),
        f"{PL}: {FIRST}.typeProperties.timeout",
        (pipeline([until("Poll", waits(1), timeout="90.00:00:00")]),),
    ),
    Case(
        activities.HTTP_REQUEST_TIMEOUT,
        (pipeline([activity("Call", "WebActivity", typeProperties={"httpRequestTimeout": "00:10:01"})]),),
        f"{PL}: {FIRST}.typeProperties.httpRequestTimeout",
        (pipeline([activity("Call", "WebActivity", typeProperties={"httpRequestTimeout": "00:10:00"})]),),
    ),
    Case(
        activities.COPY_DIU,
        (pipeline([copy(dataIntegrationUnits=257)]),),
        f"{PL}: {FIRST}.typeProperties.dataIntegrationUnits",
        (pipeline([copy(dataIntegrationUnits=256)]),),
    ),
    Case(
        activities.COPY_DIU_MINIMUM,
        (pipeline([copy(dataIntegrationUnits=1)]),),
        f"{PL}: {FIRST}.typeProperties.dataIntegrationUnits",
        (pipeline([copy(dataIntegrationUnits=2)]),),
    ),
    Case(
        activities.DATA_FLOW_CORES,
        (data_flow_activity(coreCount=12),),
        f"{PL}: {FIRST}.typeProperties.compute.coreCount",
        (data_flow_activity(coreCount=16),),
    ),
    Case(
        activities.DATA_FLOW_COMPUTE_TYPE,
        (data_flow_activity(computeType="Large"),),
        f"{PL}: {FIRST}.typeProperties.compute.computeType",
        (data_flow_activity(computeType="MemoryOptimized"),),
    ),
    Case(
        activities.EXECUTE_PIPELINE_SELF,
        (executes("pl_test"),),
        f"{PL}: {FIRST}.typeProperties.pipeline.referenceName",
        (executes("PL_Other"),),
    ),
    Case(
        activities.VARIABLE_DECLARED, (sets("ghost"),), f"{PL}: {FIRST}.typeProperties.variableName", (sets("Status"),)
    ),
    Case(
        triggers.TUMBLING_MIN_INTERVAL,
        (tumbling_window(frequency="Minute", interval=4),),
        f"{TW}: properties.typeProperties.interval",
        (tumbling_window(frequency="Minute", interval=5),),
    ),
    Case(
        triggers.TUMBLING_CONCURRENCY,
        (tumbling_window(maxConcurrency=51),),
        f"{TW}: properties.typeProperties.maxConcurrency",
        (tumbling_window(maxConcurrency=50),),
    ),
    Case(
        triggers.TUMBLING_RETRY,
        (tumbling_window(retryPolicy={"count": 1, "intervalInSeconds": 29}),),
        f"{TW}: properties.typeProperties.retryPolicy.intervalInSeconds",
        (tumbling_window(retryPolicy={"count": 1, "intervalInSeconds": 30}),),
    ),
    Case(
        triggers.TUMBLING_DELAY,
        (tumbling_window(delay="ten minutes"),),
        f"{TW}: properties.typeProperties.delay",
        (tumbling_window(delay="00:10:00"),),
    ),
    Case(
        triggers.TUMBLING_DEPENDENCIES,
        (tumbling_window(dependsOn=depends_on(6)),),
        f"{TW}: properties.typeProperties.dependsOn",
        (tumbling_window(dependsOn=depends_on(5)),),
    ),
    Case(
        triggers.TUMBLING_DEPENDENCY_WINDOW,
        (tumbling_window(dependsOn=depends_on(1, "SelfDependencyTumblingWindowTriggerReference", "01:00:00")),),
        f"{TW}: properties.typeProperties.dependsOn[0].offset",
        (tumbling_window(dependsOn=depends_on(1, "SelfDependencyTumblingWindowTriggerReference", "-01:00:00")),),
    ),
    Case(
        triggers.TUMBLING_DEPENDENCY_TARGET,
        (tumbling_window(dependsOn=depends_on(1)), other_trigger("ScheduleTrigger")),
        f"{TW}: properties.typeProperties.dependsOn[0].referenceTrigger.referenceName",
        (tumbling_window(dependsOn=depends_on(1)), other_trigger("TumblingWindowTrigger")),
    ),
    Case(
        triggers.SCHEDULE_INTERVAL,
        (schedule(interval=1001),),
        f"{SCHEDULE}: properties.typeProperties.recurrence.interval",
        (schedule(interval=1000),),
    ),
    Case(
        triggers.SCHEDULE_FIELDS,
        (schedule(frequency="Day", schedule={"weekDays": ["Monday"]}),),
        f"{SCHEDULE}: properties.typeProperties.recurrence.schedule.weekDays",
        (schedule(frequency="Week", schedule={"weekDays": ["Monday"]}),),
    ),
    Case(
        triggers.SCHEDULE_OCCURRENCES,
        (schedule(frequency="Month", schedule={"monthlyOccurrences": [{"day": "Friday", "occurrence": 6}]}),),
        f"{SCHEDULE}: properties.typeProperties.recurrence.schedule.monthlyOccurrences[0]",
        (schedule(frequency="Month", schedule={"monthlyOccurrences": [{"day": "Friday", "occurrence": 5}]}),),
    ),
    Case(
        triggers.BLOB_BEGINS,
        (blob_events(blobPathBeginsWith="/bronze/events/"),),
        f"{BLOB}: properties.typeProperties.blobPathBeginsWith",
        (blob_events(blobPathBeginsWith="/bronze/blobs/events/"),),
    ),
    Case(
        triggers.BLOB_ENDS,
        (blob_events(blobPathEndsWith="/bronze/events.csv"),),
        f"{BLOB}: properties.typeProperties.blobPathEndsWith",
        (blob_events(blobPathEndsWith="/bronze/blobs/events.csv"),),
    ),
    Case(
        triggers.CUSTOM_EVENT_TYPES,
        (trigger("CustomEventsTrigger", {"scope": "/topics/t", "events": []}),),
        f"{file_of(AdfKind.TRIGGER, 'TR_Test')}: properties.typeProperties.events",
        (trigger("CustomEventsTrigger", {"scope": "/topics/t", "events": ["Order.Created"]}),),
    ),
    Case(objects.OBJECT_SIZE, (sized(200 * 1024 + 1),), f"{PL}: properties", (sized(200 * 1024),)),
    Case(objects.EXPRESSION_LENGTH, (expression(8193),), f"{PL}: {FIRST}.typeProperties.value", (expression(8192),)),
]


def test_every_rule_has_a_case() -> None:
    assert sorted(case.rule.id for case in CASES) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.rule.id for case in CASES])
def test_the_rule_fires_once_at_the_path_naming_its_limit_and_source(case: Case) -> None:
    found = findings(*case.fires)
    assert len(found) == 1, found
    assert found[0].startswith(f"{case.at}: ")
    assert f" (limit {case.rule.limit}, {case.rule.sources[0].title}" in found[0]
    assert of_rule(case.rule, found) == found


@pytest.mark.parametrize("case", CASES, ids=[case.rule.id for case in CASES])
def test_a_rule_refuses_unless_adf_accepted_content_breaking_it_then_it_warns_naming_that_content(case: Case) -> None:
    if case.rule.accepted:
        assert refusals(*case.fires) == []
        (warning,) = warnings_of(*case.fires)
        assert warning.endswith(f"; ADF accepts it: {case.rule.accepted[0].title})")
    else:
        assert warnings_of(*case.fires) == []
        assert len(refusals(*case.fires)) == 1


@pytest.mark.parametrize("case", CASES, ids=[case.rule.id for case in CASES])
def test_the_rule_stays_quiet_one_step_inside_its_limit(case: Case) -> None:
    assert findings(*case.quiet) == []
