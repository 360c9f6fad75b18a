"""Pipelines and their activities: counts, nesting, the activity policy, and each activity type's own bounds.

Every activity is visited once, with the containers it sits in (ForEach, Until, If Condition, Switch, through
any branch), so nesting is judged through branches too: a ForEach in an If in a ForEach is a ForEach in a ForEach.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adf.model import AdfItem
from adf.rules.limits import ACTIVITIES_PER_PIPELINE
from adf.rules.names import check_activity_name
from adf.rules.rule import Rule, is_expression, is_whole_number
from adf.rules.sources import (
    ACTIVITIES_TO_80,
    COPY_PERFORMANCE,
    DATA_FLOW_ACTIVITY,
    FOREACH,
    INVALID_REFERENCE_ERROR,
    LIMITS,
    LIMITS_2024,
    NESTED,
    PIPELINES,
    PUBLISHED_LONG_TIMEOUT,
    PUBLISHED_ONE_DIGIT_HOUR,
    PUBLISHED_RETRY_RAISED,
    PUBLISHED_SHORT_TIMEOUT_NUUDAY,
    PUBLISHED_SHORT_TIMEOUTS,
    PUBLISHED_ZERO_DIU,
    REST_API,
    RETRY_INTERVAL_ERROR,
    SET_VARIABLE,
    SWITCH,
    UNTIL,
    WEB,
)
from adf.rules.timespan import DAY, has_one_digit_hour, seconds, timespan
from adf.walk import nested_activity_lists

LOOPS = ("ForEach", "Until")
BRANCHES = ("IfCondition", "Switch")

MAX_PARAMETERS = 50
MAX_BATCH_COUNT = 50
MAX_SWITCH_CASES = 25
MIN_TIMEOUT = 10 * 60
MAX_TIMEOUT = 7 * DAY
MAX_UNTIL_TIMEOUT = 90 * DAY
MAX_HTTP_REQUEST_TIMEOUT = 10 * 60
RETRY_INTERVAL = (30, 86_400)
DIU = (0, 256)
DIU_PAGE_MINIMUM = 2
CORE_COUNTS = (8, 16, 32, 48, 80, 144, 272)
COMPUTE_TYPES = ("General", "MemoryOptimized", "ComputeOptimized")

ACTIVITY_COUNT = Rule(
    "pipeline-activities",
    "pipeline",
    str(ACTIVITIES_PER_PIPELINE.value),
    f"A pipeline holds at most {ACTIVITIES_PER_PIPELINE.value} activities, counting the activities inside "
    "ForEach, Until, If Condition and Switch; the limit counts activities defined, not run. Dated: 40 until "
    "March 2024, then 80 (120 on request), now 120 (default and maximum).",
    (LIMITS, LIMITS_2024, ACTIVITIES_TO_80),
    "The largest of the 2,234 pipeline versions ADF published in the templates searched holds 40 activities; "
    "no error text was found. The limit is the limits page's, dated.",
)
PARAMETER_COUNT = Rule(
    "pipeline-parameters",
    "pipeline",
    str(MAX_PARAMETERS),
    f"A pipeline declares at most {MAX_PARAMETERS} parameters.",
    (LIMITS,),
    "The published pipeline versions declare at most 13 parameters; no error text was found.",
)
NESTING_LOOP_IN_LOOP = Rule(
    "nesting-loop-in-loop",
    "ForEach, Until",
    "one level of nesting",
    "A ForEach or Until can't sit inside another ForEach or Until, directly or through an If Condition or "
    "Switch branch; call a child pipeline with Execute Pipeline instead.",
    (FOREACH, NESTED),
    "In the 2,234 pipeline versions ADF published, loops hold only If Condition (87) and Switch (93): no loop "
    "in a loop, nor a loop or branch in a branch (and ADF Studio's canvas does not offer one). Docs only.",
)
NESTING_LOOP_IN_BRANCH = Rule(
    "nesting-loop-in-branch",
    "ForEach, Until",
    "one level of nesting",
    "Only If Condition and Switch may sit inside another container (and only inside ForEach or Until): a "
    "ForEach or Until inside an If Condition or Switch branch is refused.",
    (NESTED,),
    "As for nesting-loop-in-loop: no published pipeline has a ForEach or Until inside an If Condition or Switch.",
)
NESTING_BRANCH_IN_BRANCH = Rule(
    "nesting-branch-in-branch",
    "If Condition, Switch",
    "one level of nesting",
    "An If Condition or Switch can't sit inside another If Condition or Switch, at any depth.",
    (NESTED,),
    "As for nesting-loop-in-loop: no published pipeline has an If Condition or Switch inside another; "
    "azure-docs#104111 restates the rule.",
)
NESTING_VALIDATION = Rule(
    "nesting-validation",
    "Validation",
    "top level only",
    "A Validation activity can't be placed inside a nested activity (ForEach, Until, If Condition, Switch).",
    (NESTED,),
    "No published pipeline has a Validation activity inside a container; docs only.",
)
TIMEOUT_FORMAT = Rule(
    "activity-timeout-format",
    "activity policy.timeout",
    "[d.]hh:mm:ss",
    "An activity's policy.timeout is a time span, d.hh:mm:ss or hh:mm:ss (or an expression).",
    (REST_API, PIPELINES),
    "Every policy.timeout ADF published is d.hh:mm:ss or hh:mm:ss; a value that is no time span at all "
    "('ten minutes') stays refused. ADF published an Until timeout with a one-digit hour, '2.0:01:00' "
    "(justanalytics/EPS-Datalake, adf_publish 1fa1af2): that form only warns (timespan-one-digit-hour).",
)
TIMEOUT_RANGE = Rule(
    "activity-timeout-range",
    "activity policy.timeout",
    f"{timespan(MIN_TIMEOUT)} to {timespan(MAX_TIMEOUT)}",
    "Pipeline activity runs time out after at least 10 minutes and at most 7 days (the default is 7 days).",
    (LIMITS, PIPELINES),
    "ADF published activity timeouts outside these bounds, unchanged: 0.00:00:30 and 0.00:01:00 "
    "(mrpaulandrew/procfwk, adf_publish 8a7ecb8), 0.00:01:40 (nuuday/nuudw, factory/adf_publish b52c387) and "
    "12.00:00:00 (justanalytics/EPS-Datalake, adf_publish 1fa1af2). The page's bounds hold at run time at most: "
    "a warning.",
    accepted=(PUBLISHED_SHORT_TIMEOUTS, PUBLISHED_SHORT_TIMEOUT_NUUDAY, PUBLISHED_LONG_TIMEOUT),
)
RETRY = Rule(
    "activity-retry",
    "activity policy.retry",
    "0 or more",
    "policy.retry, the maximum number of retries, is a whole number of at least 0 (or an expression).",
    (REST_API,),
    "Every retry ADF published is a whole number from 0 to 3; no error text was found.",
)
RETRY_INTERVAL_RULE = Rule(
    "activity-retry-interval",
    "activity policy.retryIntervalInSeconds",
    f"{RETRY_INTERVAL[0]} to {RETRY_INTERVAL[1]}",
    "policy.retryIntervalInSeconds, the wait between retries, is a whole number of seconds from 30 to 86400 "
    "(the REST specification's bounds; the concept page gives only the default, 30).",
    (REST_API, RETRY_INTERVAL_ERROR, PUBLISHED_RETRY_RAISED),
    "ADF Studio's factory validation refuses it: 'It must be between 30 and 86400' (azure-docs#31227). "
    "Publish does not keep a smaller value: procfwk's collaboration commit 3cf79ab has 5 in 04-Infant, and the "
    "template ADF published from it (adf_publish 8a7ecb8, 2022-10-27) has 30. None of the 38,949 values ADF "
    "published is below 30. Refused, naming 30 as the value ADF deploys.",
)
BATCH_COUNT = Rule(
    "foreach-batch-count",
    "ForEach typeProperties.batchCount",
    str(MAX_BATCH_COUNT),
    "A parallel ForEach runs at most 50 iterations at once: batchCount is 1 to 50 (default 20).",
    (FOREACH, LIMITS),
    "The batchCount values ADF published are 3 to 50; docs only.",
)
SWITCH_CASES = Rule(
    "switch-cases",
    "Switch typeProperties.cases",
    str(MAX_SWITCH_CASES),
    "A Switch activity has at most 25 cases (besides its default activities).",
    (SWITCH,),
    "The published Switch activities have at most 12 cases; docs only.",
)
UNTIL_TIMEOUT = Rule(
    "until-timeout",
    "Until typeProperties.timeout",
    timespan(MAX_UNTIL_TIMEOUT),
    "Until's own timeout is d.hh:mm:ss or hh:mm:ss, default 7 days, maximum 90 days.",
    (UNTIL,),
    "The Until timeouts ADF published are at most 7 days; the one-digit hour '2.0:01:00' it published warns "
    "(timespan-one-digit-hour) and is otherwise checked here.",
)
HTTP_REQUEST_TIMEOUT = Rule(
    "web-http-request-timeout",
    "Web typeProperties.httpRequestTimeout",
    "00:10:00",
    "A Web activity's httpRequestTimeout is hh:mm:ss, at most 10 minutes (default 1 minute).",
    (WEB,),
    "None of the 593 published Web activities sets httpRequestTimeout; docs only.",
)
COPY_DIU = Rule(
    "copy-data-integration-units",
    "Copy typeProperties.dataIntegrationUnits",
    f"{DIU[0]} to {DIU[1]}",
    "A copy activity run uses at most 256 data integration units (the limits page, default and maximum); the REST "
    "specification's minimum is 0. Leave the property out for Auto.",
    (LIMITS, REST_API, COPY_PERFORMANCE),
    "None of the values ADF published is above 256 (they are 0 and 32); docs only.",
)
COPY_DIU_MINIMUM = Rule(
    "copy-data-integration-units-minimum",
    "Copy typeProperties.dataIntegrationUnits",
    f"{DIU_PAGE_MINIMUM} to {DIU[1]}",
    "The copy performance page allows 2 to 256 data integration units.",
    (COPY_PERFORMANCE, REST_API),
    "ADF published dataIntegrationUnits 0 on 34 Copy activities (nuuday/nuudw, factory/adf_publish b52c387, "
    "2025-01-03; it wrote them for the legacy cloudDataMovementUnits 0 of the collaboration files), and the REST "
    "specification's minimum is 0: a warning.",
    accepted=(PUBLISHED_ZERO_DIU,),
)
TIMESPAN_ONE_DIGIT_HOUR = Rule(
    "timespan-one-digit-hour",
    "activity policy.timeout, Until and Web time spans, tumbling window delay",
    "[d.]hh:mm:ss",
    "The REST specification's time span pattern has two-digit hours, [d.]hh:mm:ss; 'd.h:mm:ss' and 'h:mm:ss' "
    "are outside it.",
    (REST_API,),
    "ADF published the Until timeout '2.0:01:00' unchanged (justanalytics/EPS-Datalake, adf_publish 1fa1af2, "
    "2021-01-18): a time span with a one-digit hour is accepted, with a warning, and its length checked.",
    accepted=(PUBLISHED_ONE_DIGIT_HOUR,),
)
DATA_FLOW_CORES = Rule(
    "data-flow-core-count",
    "ExecuteDataFlow typeProperties.compute.coreCount",
    ", ".join(map(str, CORE_COUNTS)),
    "A data flow activity's compute.coreCount is one of 8, 16, 32, 48, 80, 144, 272.",
    (DATA_FLOW_ACTIVITY, REST_API),
    "The core counts ADF published are 8, 32 and 80 (or expressions); docs and REST agree.",
)
DATA_FLOW_COMPUTE_TYPE = Rule(
    "data-flow-compute-type",
    "ExecuteDataFlow typeProperties.compute.computeType",
    ", ".join(COMPUTE_TYPES),
    "compute.computeType is General or MemoryOptimized (the REST specification still lists ComputeOptimized, "
    "which the page no longer offers).",
    (DATA_FLOW_ACTIVITY, REST_API),
    "The compute types ADF published are General and MemoryOptimized.",
)
EXECUTE_PIPELINE_SELF = Rule(
    "execute-pipeline-self",
    "ExecutePipeline typeProperties.pipeline",
    "another pipeline",
    "ADF checks references when an object is created: a pipeline whose Execute Pipeline activity invokes the "
    "pipeline itself names an object that does not exist yet ('The document creation or update failed because "
    "of invalid reference').",
    (INVALID_REFERENCE_ERROR,),
    "The error text is ADF's answer to a create that names a missing object; none of the 3,021 published "
    "Execute Pipeline activities invokes its own pipeline.",
)
VARIABLE_DECLARED = Rule(
    "set-variable-declared",
    "SetVariable, AppendVariable typeProperties.variableName",
    "a declared variable",
    "Set Variable and Append Variable set an existing variable of the pipeline (names ignore case); "
    "setSystemVariable (the pipeline return value) is the exception.",
    (SET_VARIABLE, PIPELINES),
    "None of the 1,805 published Set Variable activities sets an undeclared variable; docs only.",
)


@dataclass(frozen=True)
class Node:
    """One activity, where it is, and the containers around it, outermost first."""

    path: str
    activity: dict[str, Any]
    containers: tuple[tuple[str, str], ...]
    """(type, name) of each enclosing ForEach, Until, If Condition or Switch."""

    @property
    def type(self) -> str:
        return str(self.activity.get("type", ""))

    @property
    def name(self) -> str:
        return str(self.activity.get("name", ""))

    @property
    def type_properties(self) -> dict[str, Any]:
        value = self.activity.get("typeProperties")
        return value if isinstance(value, dict) else {}


def activity_tree(activities: Any, path: str, containers: tuple[tuple[str, str], ...] = ()) -> Iterator[Node]:
    """Every activity, depth first, with the containers it sits in."""
    for index, activity in enumerate(activities if isinstance(activities, list) else []):
        if not isinstance(activity, dict):
            continue
        node = Node(f"{path}[{index}]", activity, containers)
        yield node
        for nested_path, nested in nested_activity_lists(activity, node.path):
            yield from activity_tree(nested, nested_path, (*containers, (node.type, node.name)))


def check_pipeline(item: AdfItem, problems: list[str]) -> None:
    properties = item.properties
    nodes = list(activity_tree(properties.get("activities"), "properties.activities"))
    if len(nodes) > ACTIVITIES_PER_PIPELINE.value:
        problems.append(
            ACTIVITY_COUNT.finding(
                item.file,
                "properties.activities",
                f"{len(nodes)} activities, counting those inside ForEach, Until, If Condition and Switch",
            )
        )
    parameters = properties.get("parameters")
    if isinstance(parameters, dict) and len(parameters) > MAX_PARAMETERS:
        problems.append(PARAMETER_COUNT.finding(item.file, "properties.parameters", f"{len(parameters)} parameters"))
    variables = (
        {name.lower() for name in properties.get("variables") or {}}
        if isinstance(properties.get("variables"), dict)
        else set()
    )
    for node in nodes:
        check_activity_name(item.file, node.path, node.activity.get("name"), problems)
        _check_nesting(item.file, node, problems)
        _check_policy(item.file, node, problems)
        _check_type(item, node, variables, problems)


def _around(containers: tuple[tuple[str, str], ...]) -> str:
    return " > ".join(f"{kind} '{name}'" for kind, name in containers)


def _check_nesting(file: str, node: Node, problems: list[str]) -> None:
    if not node.containers:
        return
    kinds = [kind for kind, _name in node.containers]
    what = f"{node.type} '{node.name}' sits inside {_around(node.containers)}"
    if node.type in LOOPS:
        rule = NESTING_LOOP_IN_LOOP if any(kind in LOOPS for kind in kinds) else NESTING_LOOP_IN_BRANCH
        problems.append(rule.finding(file, node.path, what))
    elif node.type in BRANCHES and any(kind in BRANCHES for kind in kinds):
        problems.append(NESTING_BRANCH_IN_BRANCH.finding(file, node.path, what))
    elif node.type == "Validation":
        problems.append(NESTING_VALIDATION.finding(file, node.path, what))


def _check_timespan(
    file: str, path: str, value: Any, rules: tuple[Rule, Rule], bounds: tuple[int, int], problems: list[str]
) -> None:
    """A time span property: its format (the first rule; an hour of one digit only warns), then its bounds (the
    second)."""
    if value is None or is_expression(value):
        return
    total = seconds(value, one_digit_hour=True) if isinstance(value, str) else None
    if total is None:
        problems.append(rules[0].finding(file, path, f"{value!r} is not a time span d.hh:mm:ss or hh:mm:ss"))
        return
    if has_one_digit_hour(value):
        what = f"{value!r} has an hour of one digit; write {timespan(total)!r}"
        problems.append(TIMESPAN_ONE_DIGIT_HOUR.finding(file, path, what))
    if not bounds[0] <= total <= bounds[1]:
        problems.append(
            rules[1].finding(file, path, f"{value!r} is outside {timespan(bounds[0])} to {timespan(bounds[1])}")
        )


def _check_policy(file: str, node: Node, problems: list[str]) -> None:
    policy = node.activity.get("policy")
    if not isinstance(policy, dict):
        return
    path = f"{node.path}.policy"
    _check_timespan(
        file,
        f"{path}.timeout",
        policy.get("timeout"),
        (TIMEOUT_FORMAT, TIMEOUT_RANGE),
        (MIN_TIMEOUT, MAX_TIMEOUT),
        problems,
    )
    retry = policy.get("retry")
    if retry is not None and not is_expression(retry) and not (is_whole_number(retry) and retry >= 0):
        problems.append(RETRY.finding(file, f"{path}.retry", f"{retry!r} is not a whole number of at least 0"))
    interval = policy.get("retryIntervalInSeconds")
    low, high = RETRY_INTERVAL
    if interval is not None and not (is_whole_number(interval) and low <= interval <= high):
        what = f"{interval!r} is not a whole number from {low} to {high}"
        if is_whole_number(interval) and 0 <= interval < low:
            what += f"; ADF Studio publishes {low} instead, so write {low}"
        problems.append(RETRY_INTERVAL_RULE.finding(file, f"{path}.retryIntervalInSeconds", what))


def _bounded(value: Any, low: int, high: int) -> bool:
    """True when the value is an expression, absent, or a whole number within the bounds."""
    return value is None or is_expression(value) or (is_whole_number(value) and low <= value <= high)


def _check_type(item: AdfItem, node: Node, variables: set[str], problems: list[str]) -> None:
    file, props, where = item.file, node.type_properties, f"{node.path}.typeProperties"
    if node.type == "ForEach" and not _bounded(props.get("batchCount"), 1, MAX_BATCH_COUNT):
        what = f"{props['batchCount']!r} is not a whole number from 1 to {MAX_BATCH_COUNT}"
        problems.append(BATCH_COUNT.finding(file, f"{where}.batchCount", what))
    elif node.type == "Switch" and isinstance(props.get("cases"), list) and len(props["cases"]) > MAX_SWITCH_CASES:
        problems.append(SWITCH_CASES.finding(file, f"{where}.cases", f"{len(props['cases'])} cases"))
    elif node.type == "Until":
        _check_timespan(
            file,
            f"{where}.timeout",
            props.get("timeout"),
            (UNTIL_TIMEOUT, UNTIL_TIMEOUT),
            (0, MAX_UNTIL_TIMEOUT),
            problems,
        )
    elif node.type == "WebActivity":
        _check_timespan(
            file,
            f"{where}.httpRequestTimeout",
            props.get("httpRequestTimeout"),
            (HTTP_REQUEST_TIMEOUT, HTTP_REQUEST_TIMEOUT),
            (0, MAX_HTTP_REQUEST_TIMEOUT),
            problems,
        )
    elif node.type == "Copy" and not _bounded(props.get("dataIntegrationUnits"), *DIU):
        what = f"{props['dataIntegrationUnits']!r} is not a whole number from {DIU[0]} to {DIU[1]}"
        problems.append(COPY_DIU.finding(file, f"{where}.dataIntegrationUnits", what))
    elif node.type == "Copy" and not _bounded(props.get("dataIntegrationUnits"), DIU_PAGE_MINIMUM, DIU[1]):
        what = f"{props['dataIntegrationUnits']!r} is below {DIU_PAGE_MINIMUM}; leave the property out for Auto"
        problems.append(COPY_DIU_MINIMUM.finding(file, f"{where}.dataIntegrationUnits", what))
    elif node.type == "ExecuteDataFlow":
        _check_compute(file, where, props.get("compute"), problems)
    elif node.type == "ExecutePipeline":
        reference = props.get("pipeline")
        name = reference.get("referenceName") if isinstance(reference, dict) else None
        if isinstance(name, str) and name.lower() == item.name.lower():
            what = f"invokes its own pipeline '{item.name}'"
            problems.append(EXECUTE_PIPELINE_SELF.finding(file, f"{where}.pipeline.referenceName", what))
    elif node.type in ("SetVariable", "AppendVariable") and not props.get("setSystemVariable"):
        name = props.get("variableName")
        if isinstance(name, str) and name.lower() not in variables:
            what = f"'{name}' is not a variable of this pipeline; declared: {_declared(item)}"
            problems.append(VARIABLE_DECLARED.finding(file, f"{where}.variableName", what))


def _declared(item: AdfItem) -> str:
    variables = item.properties.get("variables")
    return ", ".join(sorted(variables)) if isinstance(variables, dict) and variables else "none"


def _check_compute(file: str, where: str, compute: Any, problems: list[str]) -> None:
    if not isinstance(compute, dict):
        return
    cores = compute.get("coreCount")
    if cores is not None and not is_expression(cores) and cores not in CORE_COUNTS:
        problems.append(DATA_FLOW_CORES.finding(file, f"{where}.compute.coreCount", f"{cores!r} is not offered"))
    kind = compute.get("computeType")
    if kind is not None and not is_expression(kind) and kind not in COMPUTE_TYPES:
        problems.append(
            DATA_FLOW_COMPUTE_TYPE.finding(file, f"{where}.compute.computeType", f"{kind!r} is not offered")
        )
