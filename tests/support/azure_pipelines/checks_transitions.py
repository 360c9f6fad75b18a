"""Checks of the transitions check in the pipeline: each preview stage compares its release with the plan of the
release deployed last before the deploy stage's approval, and each deploy stage marks its run as that release once
`pulumi up` succeeded. Each returns its problems."""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import Any

from delivery.last_deployed import NONE, RESULTS, TAG_PREFIX, VARIABLE
from delivery.stages import command_lines
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.reading import (
    condition,
    depends_on,
    indices,
    inputs,
    is_up,
    job_steps,
    script,
    stage,
    stage_steps,
    task,
)

DOWNLOAD = "DownloadPipelineArtifact@2"
WHEN_DEPLOYED = f"and(succeeded(), ne(variables['{VARIABLE}'], '{NONE}'))"
"""The condition of the download and the check: only when a run deployed the release."""
ALLOWED_RESULTS = {
    "succeeded": None,
    "partiallySucceeded": "allowPartiallySucceededBuilds",
    "failed": "allowFailedBuilds",
}
"""Each result the lookup accepts, and the task input that makes the task accept it too (succeeded always is)."""


def validate_plans(pipeline: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """(the artifact the validate stage publishes its plans as, {project dir: the plan file's name pattern, `$s` for
    the stack}), read from its plan step and its publish step."""
    files: dict[str, str] = {}
    folder = None
    for step in stage_steps(pipeline, "validate"):
        joined = re.sub(r"\\\n\s*", "", script(step))
        for line in joined.splitlines():
            match = re.search(r"python -m ops plan (.*?)--json\s*>\s*\"?([^\"\s]+)", line)
            if match:
                project = re.search(r"--project-dir\s+\"?([^\"\s]+)", match.group(1))
                files[project.group(1) if project else "."] = posixpath.basename(match.group(2))
                folder = posixpath.dirname(match.group(2))
    artifact = next(
        (
            str(inputs(step).get("artifact"))
            for step in stage_steps(pipeline, "validate")
            if task(step) == "PublishPipelineArtifact@1" and inputs(step).get("targetPath") == folder
        ),
        None,
    )
    return artifact, files


def _is_lookup(step: dict[str, Any]) -> bool:
    return "python -m delivery.last_deployed" in script(step)


def _is_check(step: dict[str, Any]) -> bool:
    return any(line.startswith("python -m ops plan") and "--from" in line for line in command_lines(script(step)))


def _is_preview(step: dict[str, Any]) -> bool:
    return re.search(r"^\s*pulumi preview\b", script(step), re.MULTILINE) is not None


def _is_tag(step: dict[str, Any]) -> bool:
    return "##vso[build.addbuildtag]" in script(step)


def _flag(line: str, name: str) -> str | None:
    words = shlex.split(line)
    return words[words.index(name) + 1] if name in words and words.index(name) + 1 < len(words) else None


def preview_check_problems(
    pipeline: dict[str, Any], preview: str, deploy: str, stack: str, project_dir: str, release: str
) -> Problems:
    """In `preview` (a stage without an environment, which `deploy`, the stage with the approval, depends on): the
    lookup, the download of the validate stage's plan of `release` from the run tagged `deployed-<release>`, and
    `ops plan --from` that file, in this order, before `pulumi preview`."""
    problems: Problems = []
    preview_stage = stage(pipeline, preview)
    if any("environment" in job for job in preview_stage.get("jobs", [])):
        problems.append(f"{preview} waits for an environment's approval: the check must run before it")
    if preview not in depends_on(stage(pipeline, deploy)):
        problems.append(f"{deploy} does not depend on {preview}: its approval may come before the check")
    steps = [step for job in preview_stage.get("jobs", []) for step in job_steps(job)]
    found = {
        "lookup": indices(steps, _is_lookup),
        "download": indices(steps, lambda s: task(s) == DOWNLOAD and inputs(s).get("buildType") == "specific"),
        "check": indices(steps, _is_check),
        "preview": indices(steps, _is_preview),
    }
    missing = [f"{preview}: expected one {what} step, found {len(at)}" for what, at in found.items() if len(at) != 1]
    if missing:
        return problems + missing
    lookup, download, check, previewing = (steps[at[0]] for at in found.values())
    if not found["lookup"][0] < found["download"][0] < found["check"][0] < found["preview"][0]:
        problems.append(f"{preview}: the order must be lookup < download < check < pulumi preview")
    tag = f"{TAG_PREFIX}{release}"
    if f'--tag "{tag}"' not in script(lookup) and f"--tag {tag}" not in script(lookup):
        problems.append(f"{preview}: the lookup does not ask for the tag {tag}")
    if (lookup.get("env") or {}).get("SYSTEM_ACCESSTOKEN") != "$(System.AccessToken)":
        problems.append(f"{preview}: the lookup does not receive the job's access token")
    for what, step in (("download", download), ("check", check)):
        if condition(step) != WHEN_DEPLOYED:
            problems.append(f"{preview}: the {what} runs under {condition(step)}, not {WHEN_DEPLOYED}")
    problems += [f"{preview}: {p}" for p in _download_problems(pipeline, inputs(download), tag, project_dir, stack)]
    (line,) = [line for line in command_lines(script(check)) if "--from" in line]
    if _flag(line, "--stack") != stack or _flag(line, "--project-dir") != project_dir:
        problems.append(f"{preview}: the check plans {line!r}, not stack {stack} of {project_dir}")
    pattern = str(inputs(download).get("itemPattern"))
    expected = f"{inputs(download).get('targetPath')}/{pattern}"
    if _flag(line, "--from") != expected:
        problems.append(f"{preview}: the check reads {_flag(line, '--from')!r}, not the file downloaded, {expected}")
    if condition(previewing) != "succeeded()":
        problems.append(
            f"{preview}: `pulumi preview` runs under {condition(previewing)}, so a refusal would not stop it"
        )
    return problems


def _download_problems(
    pipeline: dict[str, Any], given: dict[str, Any], tag: str, project_dir: str, stack: str
) -> Problems:
    """The download takes the validate stage's plan of this release from the newest run on main with the tag, with
    the result filter the lookup uses; inputs spelt as the Azure Pipelines schema names them (the task's own names
    are aliases there, which a strict validation of the schema refuses)."""
    artifact, files = validate_plans(pipeline)
    expected = {
        "project": "$(System.TeamProjectId)",
        "definition": "$(System.DefinitionId)",
        "buildVersionToDownload": "latestFromBranch",
        "branchName": "refs/heads/main",
        "tags": tag,
        "artifactName": artifact,
        "itemPattern": files.get(project_dir, "").replace("$s", stack) or None,
    }
    problems = [
        f"{key} is {given.get(key)!r}, expected {value!r}" for key, value in expected.items() if given.get(key) != value
    ]
    for result in RESULTS:
        allowed = ALLOWED_RESULTS.get(result)
        if allowed is not None and given.get(allowed) is not True:
            problems.append(f"{allowed} is not true, so a run whose result is {result} is not found")
    return problems


def tag_problems(pipeline: dict[str, Any], deploy: str, release: str) -> Problems:
    """The deploy stage tags its run `deployed-<release>` in one step right after `pulumi up`, only when it (and
    everything before it) succeeded."""
    steps = stage_steps(pipeline, deploy)
    tags, ups = indices(steps, _is_tag), indices(steps, is_up)
    if len(tags) != 1 or len(ups) != 1:
        return [f"{deploy}: expected one tag step and one `pulumi up`, found {len(tags)} and {len(ups)}"]
    tag, up = tags[0], ups[0]
    problems: Problems = []
    if tag != up + 1:
        problems.append(f"{deploy}: the tag step is not the step right after `pulumi up`")
    if condition(steps[tag]) != "succeeded()":
        problems.append(f"{deploy}: the tag step runs under {condition(steps[tag])}, not only after success")
    expected = f'echo "##vso[build.addbuildtag]{TAG_PREFIX}{release}"'
    if script(steps[tag]).strip() != expected:
        problems.append(f"{deploy}: the tag step runs {script(steps[tag]).strip()!r}, not {expected!r}")
    return problems
