"""Checks of the stages: their order, and what validate, build and preview run. Each returns its problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from delivery.pipeline import MACRO, RUNTIME_EXPRESSION
from tests.support.azure_pipelines.checks_deploy import package_problems
from tests.support.azure_pipelines.expectations import (
    DEPLOYS,
    FOUNDATION_STACKS,
    FOUNDATION_STAGES,
    PACKAGE,
    PREVIEWS,
    PRIVATE_STACKS,
    PULL_REQUEST,
    STACKS,
    STAGES,
    Problems,
)
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
        **{k: [v] for k, v in {**PREVIEWS, **DEPLOYS, **FOUNDATION_STAGES}.items()},
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
        if "foundation/Pulumi.*.yaml" not in text or "--project-dir foundation" not in text:
            problems.append("the plan step does not plan every foundation stack (--project-dir foundation)")
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
    """Pull requests preview every stack and every foundation, post each preview to the pull request, and run on
    the build's package."""
    stage_ = stage(pipeline, "preview")
    problems: Problems = []
    when = condition(stage_)
    if not (when.startswith("and(succeeded(),") and PULL_REQUEST in when):
        problems.append(f"preview must run for pull requests only (condition {when})")
    previewed: list[str] = []
    foundations: list[str] = []
    for job in stage_.get("jobs", []):
        steps = job_steps(job)
        previews = [s for s in steps if re.search(r"^\s*pulumi preview\b", script(s), re.MULTILINE)]
        if len(previews) != 1:
            problems.append(f"{job.get('job')}: expected one step running `pulumi preview`")
            continue
        text = script(previews[0])
        if task(previews[0]) != "AzureCLI@2" or not inputs(previews[0]).get("azureSubscription"):
            problems.append(f"{job.get('job')}: `pulumi preview` must run in AzureCLI@2 on the service connection")
        if "--policy-pack" not in text:
            problems.append(f"{job.get('job')}: `pulumi preview` without the policy pack")
        if "python -m delivery.pull_request" not in text:
            problems.append(f"{job.get('job')}: the preview is not posted to the pull request")
        if not any("get.pulumi.com" in script(s) for s in steps):
            problems.append(f"{job.get('job')}: does not install the Pulumi CLI")
        stacks = [group.removeprefix("data-platform-") for group in groups_of(job)]
        (foundations if '--cwd "foundation"' in text or "--cwd foundation" in text else previewed).extend(stacks)
        problems += [f"{job.get('job')}: {p}" for p in package_problems(pipeline, job)]
    if sorted(previewed) != STACKS:
        problems.append(f"preview covers {sorted(previewed)}, expected every stack {STACKS}")
    if sorted(foundations) != FOUNDATION_STACKS:
        problems.append(f"preview covers the foundations of {sorted(foundations)}, expected {FOUNDATION_STACKS}")
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
    return problems


def pools(pipeline: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every job's pool as the job runs on it (its own, else the pipeline's), with where it is."""
    return [
        (f"{s.get('stage')}/{job.get('job') or job.get('deployment')}", job.get("pool") or pipeline.get("pool") or {})
        for s in pipeline.get("stages", [])
        for job in s.get("jobs", [])
    ]


def runtime_pool_name_problems(pipeline: dict[str, Any]) -> Problems:
    """No pool name is a runtime variable (`$(x)`) or expression (`$[ ]`): a deployment job's pool name must be known
    when the pipeline compiles ("Use only global level variables for defining a pool name",
    https://learn.microsoft.com/azure/devops/pipelines/process/deployment-jobs#schema)."""
    return [
        f"{where}: pool name {pool['name']!r} is read at runtime"
        for where, pool in pools(pipeline)
        if "name" in pool and (MACRO.search(str(pool["name"])) or RUNTIME_EXPRESSION.search(str(pool["name"])))
    ]


def deploy_pool_problems(pipeline: dict[str, Any], pool_names: dict[str, str]) -> Problems:
    """Test and prod preview and deploy on their own pool (`pool_names`, by stack); dev and every foundation on
    Microsoft-hosted agents."""
    problems: Problems = []
    for stack in STACKS:
        for name in (f"preview_{stack}", f"deploy_{stack}"):
            for job in stage(pipeline, name).get("jobs", []):
                pool = job.get("pool") or pipeline.get("pool") or {}
                if stack in PRIVATE_STACKS and pool != {"name": pool_names[stack]}:
                    problems.append(f"{name} runs on {pool}, not on its pool {pool_names[stack]}")
                if stack not in PRIVATE_STACKS and "vmImage" not in pool:
                    problems.append(f"{name} runs on {pool}, not on Microsoft-hosted agents")
    for name in FOUNDATION_STAGES:
        for job in stage(pipeline, name).get("jobs", []):
            pool = job.get("pool") or pipeline.get("pool") or {}
            if "vmImage" not in pool:
                problems.append(f"{name} runs on {pool}: a foundation deploys from Microsoft-hosted agents")
    return problems
