"""Reading the compiled pipeline: stages, jobs, steps, variables, and what each step is."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from delivery.pipeline import MACRO
from tests.support.azure_pipelines.expectations import PACKAGE, ROOT


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from dicts(value)
    elif isinstance(node, list):
        for item in node:
            yield from dicts(item)


def variables_of(node: dict[str, Any]) -> dict[str, str]:
    """`variables:` of a pipeline, stage or job, in either form (mapping, or list of name/value and groups)."""
    declared = node.get("variables") or {}
    if isinstance(declared, dict):
        return {str(k): str(v) for k, v in declared.items()}
    return {str(v["name"]): str(v["value"]) for v in declared if isinstance(v, dict) and "name" in v}


def groups_of(node: dict[str, Any]) -> list[str]:
    """Variable groups a pipeline, stage or job links (`- group: name` in the list form of `variables:`)."""
    declared = node.get("variables") or []
    return (
        [str(v["group"]) for v in declared if isinstance(v, dict) and "group" in v]
        if isinstance(declared, list)
        else []
    )


def resolve(text: str, variables: dict[str, str]) -> str:
    """Expand `$(name)` macros of the variables the YAML defines (variable groups stay unexpanded)."""
    for _ in range(5):
        text = MACRO.sub(lambda match: variables.get(match.group(1), match.group(0)), text)
    return text


def stage(pipeline: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in pipeline.get("stages", []) if s.get("stage") == name]
    assert len(found) == 1, f"expected one stage {name!r}, found {len(found)}"
    return found[0]


def job_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    if "steps" in job:
        return list(job["steps"])
    run_once = (job.get("strategy") or {}).get("runOnce") or {}
    return [
        step for hook in ("preDeploy", "deploy", "routeTraffic") for step in (run_once.get(hook) or {}).get("steps", [])
    ]


def stage_steps(pipeline: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [step for job in stage(pipeline, name).get("jobs", []) for step in job_steps(job)]


def script(step: dict[str, Any]) -> str:
    """The shell text a step runs (script/bash, or an AzureCLI@2 inline script); empty for other steps."""
    text = step.get("script") or step.get("bash") or (step.get("inputs") or {}).get("inlineScript") or ""
    return str(text)


def task(step: dict[str, Any]) -> str:
    return str(step.get("task", ""))


def inputs(step: dict[str, Any]) -> dict[str, Any]:
    return dict(step.get("inputs") or {})


def condition(step_or_stage: dict[str, Any]) -> str:
    return " ".join(str(step_or_stage.get("condition", "succeeded()")).split())


def depends_on(stage_: dict[str, Any]) -> list[str]:
    value = stage_.get("dependsOn", [])
    return [value] if isinstance(value, str) else list(value)


def indices(steps: list[dict[str, Any]], predicate: Callable[[dict[str, Any]], bool]) -> list[int]:
    return [i for i, step in enumerate(steps) if predicate(step)]


def is_stop(step: dict[str, Any]) -> bool:
    return "-m ops triggers stop" in script(step)


def is_sql(step: dict[str, Any]) -> bool:
    return "-m ops sql apply" in script(step)


def is_up(step: dict[str, Any]) -> bool:
    return re.search(r"\bpulumi up\b", script(step)) is not None


def is_start(step: dict[str, Any]) -> bool:
    return "-m ops triggers start" in script(step) and "--restore" not in script(step)


def is_restore(step: dict[str, Any]) -> bool:
    return "-m ops triggers start" in script(step) and "--restore" in script(step)


def state_file(step: dict[str, Any], variables: dict[str, str]) -> str | None:
    match = re.search(r"--state-file\s+\"?([^\"\s]+)", script(step))
    return resolve(match.group(1), variables) if match else None


def published_package(pipeline: dict[str, Any]) -> str | None:
    """Name of the artifact the build stage publishes dist/function.zip as."""
    for step in stage_steps(pipeline, "build"):
        if task(step) == "PublishPipelineArtifact@1" and inputs(step).get("targetPath") == PACKAGE:
            return str(inputs(step).get("artifact"))
    return None


def requirements_pin(package: str) -> str:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(package)}==(\S+)", text, re.MULTILINE)
    assert match, f"{package} is not pinned in requirements.txt"
    return match.group(1)
