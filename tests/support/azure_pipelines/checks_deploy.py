"""Checks of the deploy stages: main only, one deployment job, the trigger protocol around `pulumi up`."""

from __future__ import annotations

import re
from typing import Any

from delivery.pipeline import PIPELINE, Files
from tests.support.azure_pipelines.expectations import MAIN_ONLY, NOT_PULL_REQUEST, PACKAGE, Problems
from tests.support.azure_pipelines.reading import (
    condition,
    groups_of,
    indices,
    inputs,
    is_restore,
    is_sql,
    is_start,
    is_stop,
    is_up,
    job_steps,
    published_package,
    script,
    stage,
    state_file,
    task,
    variables_of,
)


def deploy_stage_problems(pipeline: dict[str, Any], name: str) -> Problems:
    """A deploy stage: main only, one deployment job on its environment, the trigger protocol around `pulumi up`."""
    env = name.removeprefix("deploy_")
    if name not in [s.get("stage") for s in pipeline.get("stages", [])]:
        return [f"no stage {name}"]
    stage_ = stage(pipeline, name)
    problems: Problems = []
    when = condition(stage_)
    if not (when.startswith("and(succeeded(),") and MAIN_ONLY in when and NOT_PULL_REQUEST in when):
        problems.append(f"{name} must run only after success, on main and not for pull requests (condition {when})")
    if "always()" in when or "or(" in when:
        problems.append(f"{name} condition {when} can run off main")
    jobs = stage_.get("jobs", [])
    if len(jobs) != 1 or "deployment" not in jobs[0]:
        return [*problems, f"{name} must have exactly one deployment job"]
    job = jobs[0]
    environment = job.get("environment")
    environment_name = environment.get("name") if isinstance(environment, dict) else environment
    if environment_name != f"data-platform-{env}":
        problems.append(f"{name} deploys to environment {environment_name!r}, expected 'data-platform-{env}'")
    if "runOnce" not in (job.get("strategy") or {}):
        problems.append(f"{name} must use the runOnce strategy")
    if f"data-platform-{env}" not in groups_of(stage_) + groups_of(job):
        problems.append(f"{name} does not use the variable group data-platform-{env}")
    variables = {**variables_of(pipeline), **variables_of(stage_), **variables_of(job)}
    return problems + trigger_protocol_problems(job_steps(job), env, variables) + package_problems(pipeline, job)


def trigger_protocol_problems(steps: list[dict[str, Any]], env: str, variables: dict[str, str]) -> Problems:
    """Stop triggers → SQL → pulumi up → start (on success) / restore (on failure), each exactly once."""
    found = {
        "stop": indices(steps, is_stop),
        "sql": indices(steps, is_sql),
        "up": indices(steps, is_up),
        "start": indices(steps, is_start),
        "restore": indices(steps, is_restore),
    }
    problems = [f"{what}: expected one step, found {len(at)}" for what, at in found.items() if len(at) != 1]
    if problems:
        return problems
    stop, sql, up, start, restore = (at[0] for at in found.values())
    if not stop < up < sql < start:
        problems.append(f"order must be stop < up < sql < start, got {stop}, {up}, {sql}, {start}")
    if not restore > sql:
        problems.append("the restore step must come after SQL, so that it runs when up or SQL fails")
    for what in ("stop", "sql", "up", "start"):
        if condition(steps[found[what][0]]) != "succeeded()":
            problems.append(f"{what} must run only when everything before succeeded")
    if condition(steps[restore]) != "failed()":
        problems.append(f"the restore step must have condition failed(), not {condition(steps[restore])}")
    for what in ("stop", "sql", "start", "restore"):
        if not re.search(rf"--stack\s+{env}\b", script(steps[found[what][0]])):
            problems.append(f"{what} does not pass --stack {env}")
    recorded, restored = state_file(steps[stop], variables), state_file(steps[restore], variables)
    if recorded is None or recorded != restored:
        problems.append(f"stop records to {recorded!r} but restore reads {restored!r}")
    elif not recorded.startswith("$(Agent.TempDirectory)/"):
        problems.append(f"the trigger state file {recorded!r} is not in $(Agent.TempDirectory)")
    if not re.search(r"pulumi up\b[^\n]*--yes[^\n]*--stack\s+\S+", script(steps[up])):
        problems.append("`pulumi up` must run with --yes --stack <org/project/stack>")
    for what, at in found.items():
        problems += [f"{what}: {p}" for p in azure_step_problems(steps[at[0]])]
    return problems


def azure_step_problems(step: dict[str, Any]) -> Problems:
    """An AzureCLI@2 step on the service connection that exports the identity for Pulumi and azure-identity."""
    if task(step) != "AzureCLI@2":
        return [f"runs in {task(step) or 'a plain script'}, not AzureCLI@2"]
    problems: Problems = []
    if not inputs(step).get("azureSubscription"):
        problems.append("no service connection (azureSubscription)")
    if inputs(step).get("addSpnToEnvironment") is not True:
        problems.append("addSpnToEnvironment is not true")
    text = script(step)
    exports = {
        "ARM_USE_OIDC": "true",
        "ARM_CLIENT_ID": '"$servicePrincipalId"',
        "ARM_TENANT_ID": '"$tenantId"',
        "ARM_OIDC_TOKEN": '"$idToken"',
        "AZURE_CLIENT_ID": '"$servicePrincipalId"',
        "AZURE_TENANT_ID": '"$tenantId"',
        "AZURE_FEDERATED_TOKEN_FILE": None,
        "ARM_SUBSCRIPTION_ID": None,
        # The provider reads the token file through the SDK's credential chain, so the refresher reaches it.
        "ARM_USE_DEFAULT_AZURE_CREDENTIAL": "true",
    }
    for name, value in exports.items():
        pattern = rf"^\s*export {name}=" + re.escape(value) + "$" if value else rf"^\s*export {name}\b"
        if not re.search(pattern, text, re.MULTILINE):
            problems.append(f"does not export {name}" + (f"={value}" if value else ""))
    if not re.search(r'printf \'%s\' "\$idToken" > "\$token_file"', text):
        problems.append("does not write the federated token to AZURE_FEDERATED_TOKEN_FILE")
    refresher = re.search(
        r'^\s*python -m delivery\.federated_token --file "\$token_file" &\n\s*refresher=\$!', text, re.M
    )
    if refresher is None or 'trap \'kill "$refresher"' not in text:
        problems.append("does not keep the token file fresh for the step and stop the refresher with it")
    return problems


def package_problems(pipeline: dict[str, Any], job: dict[str, Any]) -> Problems:
    """The job downloads the build stage's package into dist/ before it runs Pulumi."""
    artifact = published_package(pipeline)
    if artifact is None:
        return [f"the build stage does not publish {PACKAGE}"]
    steps = job_steps(job)
    downloads = indices(
        steps,
        lambda s: (
            task(s) == "DownloadPipelineArtifact@2"
            and inputs(s).get("artifactName", inputs(s).get("artifact")) == artifact
            and str(inputs(s).get("targetPath", "")).endswith("/dist")
        ),
    )
    pulumi = indices(steps, lambda s: re.search(r"\bpulumi (?:up|preview)\b", script(s)) is not None)
    if not downloads or not pulumi or downloads[0] > pulumi[0]:
        return [f"does not download the artifact {artifact!r} into dist/ before Pulumi runs"]
    return []


def deploy_template_problems(files: Files) -> Problems:
    """The three platform deploy stages are one template, and the foundations' stages another; the stack (plus the
    chaining dependsOn and, for a private stack, its pool: deploy_pool_problems) is all that differs."""
    uses = [s for s in files[PIPELINE].get("stages", []) if isinstance(s, dict) and "template" in s]
    templates = {u["template"] for u in uses}
    problems: Problems = []
    if templates != {DEPLOY_TEMPLATE, FOUNDATION_TEMPLATE}:
        problems.append(
            f"the stages use templates {sorted(templates)}, expected {DEPLOY_TEMPLATE} and {FOUNDATION_TEMPLATE}"
        )
    for template, expected in ((DEPLOY_TEMPLATE, ["dev", "test", "prod"]), (FOUNDATION_TEMPLATE, ["test", "prod"])):
        used = [u for u in uses if u["template"] == template]
        stacks = [u.get("parameters", {}).get("stack") for u in used]
        if stacks != expected:
            problems.append(f"{template} used for stacks {stacks}, expected {expected}")
        common = [
            {k: v for k, v in u.get("parameters", {}).items() if k not in ("stack", "dependsOn", "pool")} for u in used
        ]
        if any(s != common[0] for s in common):
            problems.append(f"the stages of {template} differ in more than the stack: {common}")
    return problems


DEPLOY_TEMPLATE = ".azure-pipelines/deploy-stage.yml"
FOUNDATION_TEMPLATE = ".azure-pipelines/foundation-stages.yml"


def _saved_plan(stage_: dict[str, Any]) -> tuple[str | None, str | None]:
    """(artifact, file name) of the update plan a preview stage saves and publishes."""
    steps = [step for job in stage_.get("jobs", []) for step in job_steps(job)]
    saved = next((m for s in steps if (m := re.search(r'--save-plan\s+"?\$out/([^"\s]+)', script(s)))), None)
    published = next(
        (
            s
            for s in steps
            if task(s) == "PublishPipelineArtifact@1"
            and inputs(s).get("targetPath") == "$(Build.ArtifactStagingDirectory)/preview"
        ),
        None,
    )
    staged = any('out="$(Build.ArtifactStagingDirectory)/preview"' in script(s) for s in steps)
    if saved is None or published is None or not staged:
        return None, None
    return str(inputs(published).get("artifact")), saved.group(1)


def approved_plan_problems(pipeline: dict[str, Any], preview: str, deploy: str) -> Problems:
    """The deploy applies the update plan its preview saved and published, nothing else: `pulumi up --plan` of the
    file the preview stage published, downloaded from that stage's artifact before `pulumi up`."""
    artifact, plan_file = _saved_plan(stage(pipeline, preview))
    if artifact is None:
        return [f"{preview} does not save an update plan (--save-plan) and publish it"]
    steps = [step for job in stage(pipeline, deploy).get("jobs", []) for step in job_steps(job)]
    downloads = indices(
        steps, lambda s: task(s) == "DownloadPipelineArtifact@2" and inputs(s).get("artifactName") == artifact
    )
    ups = indices(steps, is_up)
    if len(downloads) != 1 or len(ups) != 1 or downloads[0] > ups[0]:
        return [f"{deploy} does not download the artifact {artifact!r} of {preview} before `pulumi up`"]
    target = str(inputs(steps[downloads[0]]).get("targetPath"))
    if f'--plan "{target}/{plan_file}"' not in " ".join(script(steps[ups[0]]).split()):
        return [f"{deploy}: `pulumi up` does not apply {target}/{plan_file}, the plan {preview} saved"]
    return []
