"""Checks of the stages: their order, and what validate, build and preview run. Each returns its problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.support.azure_pipelines.checks_deploy import package_problems
from tests.support.azure_pipelines.pipeline import DEPLOYS, PACKAGE, PREVIEWS, PULL_REQUEST, STACKS, STAGES, Problems
from tests.support.azure_pipelines.reading import (
    condition,
    depends_on,
    groups_of,
    indices,
    inputs,
    job_steps,
    requirements_pin,
    resolve,
    script,
    stage,
    stage_steps,
    task,
    variables_of,
)


def stage_order_problems(pipeline: dict[str, Any]) -> Problems:
    names = [s.get("stage") for s in pipeline.get("stages", [])]
    problems = [] if names == STAGES else [f"stages are {names}, expected {STAGES}"]
    expected_dependencies = {
        "build": ["validate"],
        "preview": ["build"],
        **{k: [v] for k, v in {**PREVIEWS, **DEPLOYS}.items()},
    }
    for name, expected in expected_dependencies.items():
        if name in names and depends_on(stage(pipeline, name)) != expected:
            problems.append(f"{name} depends on {depends_on(stage(pipeline, name))}, expected {expected}")
    return problems


def validate_stage_problems(pipeline: dict[str, Any]) -> Problems:
    variables = variables_of(pipeline)
    steps = stage_steps(pipeline, "validate")
    problems: Problems = []

    def first(predicate: Callable[[dict[str, Any]], bool], what: str) -> int:
        at = indices(steps, predicate)
        if not at:
            problems.append(f"validate does not {what}")
            return -1
        return at[0]

    python = [resolve(str(inputs(s).get("versionSpec")), variables) for s in steps if task(s) == "UsePythonVersion@0"]
    if python != ["3.11"]:
        problems.append(f"validate must use Python 3.11 (UsePythonVersion@0), uses {python}")
    node = [
        resolve(str(inputs(s).get("version", inputs(s).get("versionSpec"))), variables)
        for s in steps
        if task(s) in ("UseNode@1", "NodeTool@0")
    ]
    if len(node) != 1 or not node[0].startswith("20"):
        problems.append(f"validate must use Node 20, uses {node}")
    first(lambda s: "make install" in script(s) or "requirements.txt" in script(s), "install requirements.txt")
    first(lambda s: "ruff" in script(s) or "make lint" in script(s), "lint (ruff)")
    first(lambda s: "mypy" in script(s) or "make typecheck" in script(s), "type-check (mypy)")
    tests = first(lambda s: "pytest" in script(s) and "--junitxml=" in script(s), "run pytest with --junitxml")
    if tests >= 0:
        junit = re.search(r"--junitxml=\"?([^\"\s]+)", script(steps[tests]))
        publish = first(
            lambda s: (
                task(s) == "PublishTestResults@2"
                and inputs(s).get("testResultsFormat") == "JUnit"
                and junit is not None
                and inputs(s).get("testResultsFiles") == junit.group(1)
            ),
            "publish the JUnit results of pytest",
        )
        if publish >= 0 and (publish < tests or condition(steps[publish]) != "succeededOrFailed()"):
            problems.append("the test results must be published after the tests, with condition succeededOrFailed()")
    plan = first(lambda s: "-m ops plan --stack" in script(s) and "--json" in script(s), "plan the stacks")
    if plan >= 0:
        text = script(steps[plan])
        if "Pulumi.*.yaml" not in text and not all(re.search(rf"\b{s}\b", text) for s in STACKS):
            problems.append(f"the plan step does not cover every stack {STACKS}")
        output = re.search(r"--json\s*>\s*\"?([^\"\s]+)", text)
        first(
            lambda s: (
                task(s) == "PublishPipelineArtifact@1"
                and output is not None
                and output.group(1).startswith(str(inputs(s).get("targetPath")) + "/")
            ),
            "publish the plans as a pipeline artifact",
        )
    return problems


def build_stage_problems(pipeline: dict[str, Any]) -> Problems:
    steps = stage_steps(pipeline, "build")
    package = indices(steps, lambda s: "make package" in script(s))
    publish = indices(
        steps, lambda s: task(s) == "PublishPipelineArtifact@1" and inputs(s).get("targetPath") == PACKAGE
    )
    if len(package) != 1 or not publish or publish[0] < package[0]:
        return [f"build must run `make package` once and then publish {PACKAGE}"]
    return []


def preview_problems(pipeline: dict[str, Any]) -> Problems:
    stage_ = stage(pipeline, "preview")
    problems: Problems = []
    when = condition(stage_)
    if not (when.startswith("and(succeeded(),") and PULL_REQUEST in when):
        problems.append(f"preview must run for pull requests only (condition {when})")
    previewed = []
    for job in stage_.get("jobs", []):
        previewed += [group.removeprefix("data-platform-") for group in groups_of(job)]
        steps = job_steps(job)
        pulumi = [s for s in steps if task(s) == "Pulumi@1"]
        if len(pulumi) != 1:
            problems.append(f"{job.get('job')}: expected one Pulumi@1 task")
            continue
        settings = inputs(pulumi[0])
        if settings.get("command") != "preview" or settings.get("createPrComment") is not True:
            problems.append(f"{job.get('job')}: Pulumi@1 must run `preview` with createPrComment: true")
        if not settings.get("azureSubscription") or not settings.get("stack"):
            problems.append(f"{job.get('job')}: Pulumi@1 needs the service connection and the stack")
        if not any("get.pulumi.com" in script(s) for s in steps):
            problems.append(f"{job.get('job')}: does not install the Pulumi CLI")
        problems += [f"{job.get('job')}: {p}" for p in package_problems(pipeline, job)]
    if sorted(previewed) != STACKS:
        problems.append(f"preview covers {sorted(previewed)}, expected every stack {STACKS}")
    return problems


def pulumi_pin_problems(pipeline: dict[str, Any]) -> Problems:
    """One Pulumi CLI version, an exact one, equal to the SDK in requirements.txt, used by every install."""
    variables = variables_of(pipeline)
    pin = requirements_pin("pulumi")
    version = variables.get("pulumiVersion", "")
    problems = [] if version == pin else [f"pulumiVersion is {version!r}, requirements.txt pins pulumi=={pin}"]
    all_steps = [step for s in pipeline.get("stages", []) for job in s.get("jobs", []) for step in job_steps(job)]
    installs = [s for s in all_steps if "get.pulumi.com" in script(s)]
    if not installs:
        problems.append("the Pulumi CLI is never installed")
    for step in installs:
        if not re.search(r"(--version\s+|version=)\"?" + re.escape(pin) + r"\b", resolve(script(step), variables)):
            problems.append(f"the Pulumi CLI install is not pinned to {pin}: {script(step).strip()!r}")
    for step in all_steps:
        if task(step) == "Pulumi@1" and resolve(str(inputs(step).get("versionSpec")), variables) != pin:
            problems.append(f"Pulumi@1 versionSpec is not pinned to {pin}")
    return problems


PRIVATE_STACKS = ("test", "prod")
"""Stacks whose data planes are private: their deploy job must run on the stack's agent pool."""
POOL_VARIABLE = "$(agentPoolName)"


def deploy_pool_problems(pipeline: dict[str, Any]) -> Problems:
    """Test and prod deploy on their pool (named in the stack's variable group); dev on Microsoft-hosted agents."""
    problems: Problems = []
    for stack in STACKS:
        name = f"deploy_{stack}"
        stage_ = stage(pipeline, name)
        pools = [job.get("pool") or pipeline.get("pool") or {} for job in stage_.get("jobs", [])]
        if stack in PRIVATE_STACKS:
            if f"data-platform-{stack}" not in groups_of(stage_):
                problems.append(f"{name} does not read the variable group data-platform-{stack}")
            problems += [
                f"{name} runs on {pool}, not on pool name {POOL_VARIABLE}"
                for pool in pools
                if pool != {"name": POOL_VARIABLE}
            ]
        else:
            problems += [
                f"{name} runs on {pool}, not on Microsoft-hosted agents" for pool in pools if "vmImage" not in pool
            ]
    return problems
