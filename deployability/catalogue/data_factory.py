"""Data Factory resources: the integration runtime's compute and the triggers' time zone format.

The content of pipelines, activities and triggers (names, limits, formats, nesting) is judged on the authoring
JSON by the ADF content checks; the rules here read the factory's resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from deployability.rule import Finding, Rule, number
from preview.view import PlanView, ResourceType, get, known_str
from stack.evidence import Source

DATA_FLOW_CORE_COUNTS = (8, 16, 32, 48, 80, 144, 272)
DATA_FLOW_COMPUTE_TYPES = ("General", "MemoryOptimized")
DATA_FLOW_TTL_MAX_MINUTES = 240
COPY_DIU_STEP, COPY_DIU_MIN, COPY_DIU_MAX = 4, 4, 256


def _runtime_compute(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.INTEGRATION_RUNTIME):
        compute = get(reg.inputs, "properties", "computeProperties") or {}
        flow = get(compute, "dataFlowProperties") or {}
        cores = number(get(flow, "coreCount"))
        if cores is not None and cores not in DATA_FLOW_CORE_COUNTS:
            yield (
                reg,
                f"dataFlowProperties.coreCount {cores:g} is not one of {', '.join(map(str, DATA_FLOW_CORE_COUNTS))}",
            )
        kind = known_str(get(flow, "computeType"))
        if kind and kind not in DATA_FLOW_COMPUTE_TYPES:
            yield reg, f"dataFlowProperties.computeType {kind!r} is not one of {', '.join(DATA_FLOW_COMPUTE_TYPES)}"
        ttl = number(get(flow, "timeToLive"))
        if ttl is not None and not 0 <= ttl <= DATA_FLOW_TTL_MAX_MINUTES:
            yield reg, f"dataFlowProperties.timeToLive {ttl:g} minutes is outside 0-{DATA_FLOW_TTL_MAX_MINUTES}"
        units = number(get(compute, "copyComputeScaleProperties", "dataIntegrationUnit"))
        if units is not None and (units % COPY_DIU_STEP or not COPY_DIU_MIN <= units <= COPY_DIU_MAX):
            yield (
                reg,
                (
                    f"copyComputeScaleProperties.dataIntegrationUnit {units:g} is not a multiple of {COPY_DIU_STEP} in "
                    f"{COPY_DIU_MIN}-{COPY_DIU_MAX} (2 DIU isn't supported in a managed virtual network)"
                ),
            )


_UTC_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def _trigger_local_times(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.TRIGGER):
        properties = reg.inputs.get("properties") or {}
        for where in (properties.get("recurrence"), properties):
            if not isinstance(where, dict) or where.get("timeZone") in (None, "UTC"):
                continue
            for key in ("startTime", "endTime"):
                value = known_str(where.get(key))
                if value and _UTC_SUFFIX.search(value):
                    yield reg, f"{key} {value} carries a UTC marker but timeZone is {where['timeZone']!r}"


RULES: tuple[Rule, ...] = (
    Rule(
        name="adf-integration-runtime-compute",
        types=(ResourceType.INTEGRATION_RUNTIME,),
        reason="A managed runtime's data flow cluster has 8, 16, 32, 48, 80, 144 or 272 cores of type General or "
        "MemoryOptimized and lives at most 4 hours; the copy compute reserves a multiple of 4 DIUs from 4 to 256.",
        fix="Use the allowed values in components/factory_network.py.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/data-factory/control-flow-execute-data-flow-activity",
                "compute.coreCount 8, 16, 32, 48, 80, 144, 272; computeType General or MemoryOptimized (older copies "
                "listed ComputeOptimized)",
            ),
            Source(
                "https://learn.microsoft.com/azure/templates/microsoft.datafactory/factories/integrationruntimes",
                "dataIntegrationUnit: supported values are multiples of 4 in range 4-256; coreCount 8, 16, 32, 48, "
                "80, 144 and 272",
            ),
            Source(
                "https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint",
                "2 DIU isn't supported for the Copy activity in a managed virtual network",
            ),
            Source(
                "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits",
                "Data Factory: data flow Azure IR TTL limit 4 hours",
            ),
        ),
        check=_runtime_compute,
    ),
    Rule(
        name="trigger-local-time-without-z",
        types=(ResourceType.TRIGGER,),
        reason="With a timeZone other than UTC, ADF takes startTime and endTime as local time without the 'Z' suffix.",
        fix="Write 'yyyy-MM-ddTHH:mm:ss' (no Z) for non-UTC zones, or use timeZone UTC.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/data-factory/how-to-create-schedule-trigger#time-zone-option",
                "UTC times are yyyy-MM-ddTHH:mm:ssZ; other time zones take yyyy-MM-ddTHH:mm:ss without Z",
            ),
        ),
        check=_trigger_local_times,
    ),
)
