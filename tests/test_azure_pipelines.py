"""The Azure DevOps pipeline: azure-pipelines.yml and its templates in .azure-pipelines/.

The pipeline cannot run here, so the tests compile it the way Azure DevOps does before a run: every `template:`
reference is replaced by the template's stages, jobs or steps, with `${{ parameters.x }}` bound to the parameters
it passes (or the template's defaults). The checks then read the compiled pipeline. Each check is a function that
returns the problems it finds; the mutation tests at the end hand it broken copies and expect it to complain.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = "azure-pipelines.yml"
TEMPLATE_DIR = ".azure-pipelines"

STAGES = [
    "validate",
    "build",
    "preview",
    *[f"{kind}_{env}" for env in ("dev", "test", "prod") for kind in ("preview", "deploy")],
]
DEPLOYS = {"deploy_dev": "preview_dev", "deploy_test": "preview_test", "deploy_prod": "preview_prod"}
PREVIEWS = {"preview_dev": "build", "preview_test": "deploy_dev", "preview_prod": "deploy_test"}
STACKS = sorted(path.name.split(".")[1] for path in ROOT.glob("Pulumi.*.yaml"))
MAIN_ONLY = "eq(variables['Build.SourceBranch'], 'refs/heads/main')"
NOT_PULL_REQUEST = "ne(variables['Build.Reason'], 'PullRequest')"
PULL_REQUEST = "eq(variables['Build.Reason'], 'PullRequest')"
PACKAGE = "dist/function.zip"

Files = dict[str, Any]
Pipeline = dict[str, Any]
Step = dict[str, Any]
Problems = list[str]


# --- compiling the pipeline ------------------------------------------------------------------------------------

_PARAMETER = re.compile(r"\$\{\{\s*parameters\.(\w+)\s*\}\}")
_MACRO = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")
_LIST_KEYS = ("stages", "jobs", "steps")


class TemplateError(Exception):
    """The pipeline would not compile: a missing template or parameter, or an unknown parameter."""


def read_files() -> Files:
    """The pipeline and every template, parsed (besides requirements.txt, all the tests read; all in the repository)."""
    paths = [ROOT / PIPELINE, *sorted((ROOT / TEMPLATE_DIR).glob("*.yml"))]
    return {path.relative_to(ROOT).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths}


def _substitute(node: Any, parameters: dict[str, Any], where: str) -> Any:
    def value(name: str) -> Any:
        if name not in parameters:
            raise TemplateError(f"{where}: ${{{{ parameters.{name} }}}} is not a declared parameter")
        return parameters[name]

    if isinstance(node, str):
        whole = _PARAMETER.fullmatch(node)
        if whole:
            return copy.deepcopy(value(whole.group(1)))
        return _PARAMETER.sub(lambda match: str(value(match.group(1))), node)
    if isinstance(node, dict):
        return {_substitute(k, parameters, where): _substitute(v, parameters, where) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(item, parameters, where) for item in node]
    return node


def _bind(declared: list[dict[str, Any]], given: dict[str, Any], where: str) -> dict[str, Any]:
    names = [parameter["name"] for parameter in declared]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise TemplateError(f"{where}: unknown parameters {unknown}")
    bound: dict[str, Any] = {}
    for parameter in declared:
        if parameter["name"] in given:
            bound[parameter["name"]] = given[parameter["name"]]
        elif "default" in parameter:
            bound[parameter["name"]] = parameter["default"]
        else:
            raise TemplateError(f"{where}: required parameter {parameter['name']!r} not passed")
    return bound


def _expand(node: Any, files: Files, directory: str) -> Any:
    if isinstance(node, list):
        return [_expand(item, files, directory) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _expand_list(key, value, files, directory)
        if key in _LIST_KEYS and isinstance(value, list)
        else _expand(value, files, directory)
        for key, value in node.items()
    }


def _expand_list(key: str, items: list[Any], files: Files, directory: str) -> list[Any]:
    expanded: list[Any] = []
    for item in items:
        if not (isinstance(item, dict) and "template" in item):
            expanded.append(_expand(item, files, directory))
            continue
        path = Path(directory, item["template"]).as_posix()
        if path not in files:
            raise TemplateError(f"{directory or '.'}: template {item['template']!r} not found")
        template = files[path]
        if set(template) - {"parameters", key}:
            raise TemplateError(f"{path}: a {key} template has only `parameters` and `{key}`")
        bound = _bind(template.get("parameters") or [], item.get("parameters") or {}, path)
        body = _substitute(template[key], bound, path)
        expanded.extend(_expand_list(key, body, files, str(Path(path).parent)))
    return expanded


def compile_pipeline(files: Files) -> dict[str, Any]:
    """The pipeline as Azure DevOps runs it: templates expanded, template parameters substituted."""
    root = files[PIPELINE]
    bound = _bind(root.get("parameters") or [], {}, PIPELINE)
    body = {key: value for key, value in root.items() if key != "parameters"}
    return dict(_expand(_substitute(body, bound, PIPELINE), files, ""))


# --- reading the compiled pipeline -----------------------------------------------------------------------------


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
        text = _MACRO.sub(lambda match: variables.get(match.group(1), match.group(0)), text)
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


# --- the checks ------------------------------------------------------------------------------------------------


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
    """Stop triggers → pulumi up → SQL → start (on success) / restore (on failure), each exactly once."""
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
    }
    for name, value in exports.items():
        pattern = rf"^\s*export {name}=" + re.escape(value) + "$" if value else rf"^\s*export {name}\b"
        if not re.search(pattern, text, re.MULTILINE):
            problems.append(f"does not export {name}" + (f"={value}" if value else ""))
    if not re.search(r'printf \'%s\' "\$idToken" > "\$token_file"', text):
        problems.append("does not write the federated token to AZURE_FEDERATED_TOKEN_FILE")
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
    pulumi = indices(steps, lambda s: is_up(s) or task(s) == "Pulumi@1")
    if not downloads or not pulumi or downloads[0] > pulumi[0]:
        return [f"does not download the artifact {artifact!r} into dist/ before Pulumi runs"]
    return []


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


_LITERAL_SECRETS = {
    "storage account key": re.compile(r"AccountKey=", re.IGNORECASE),
    "storage connection string": re.compile(r"DefaultEndpointsProtocol=", re.IGNORECASE),
    "SAS connection string": re.compile(r"SharedAccessSignature", re.IGNORECASE),
    "SAS signature": re.compile(r"[?&\s]sig=", re.IGNORECASE),
    "Pulumi access token": re.compile(r"\bpul-[0-9a-f]{40}\b"),
    "JWT": re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "long base64 value": re.compile(r"[A-Za-z0-9+/]{60,}={0,2}"),
}
_SECRET_NAME = r"[\w.-]*(?:password|passwd|pwd|secret|token|apikey|api_key|accesskey|access_key|accountkey|sas)[\w.-]*"
_ASSIGNMENT = re.compile(rf"(?i)\b({_SECRET_NAME})(?:=|:\s+)(\"[^\"]*\"|'[^']*'|[^\s;\]\"']+)")


def _literal(value: str) -> bool:
    """A value written out, as opposed to a reference: `$(macro)`, `$shell`/`${var}`, `${{ template }}`."""
    value = value.strip("\"'")
    return value not in ("", "true", "false") and not value.startswith("$")


def secret_problems(files: Files, pipeline: dict[str, Any]) -> Problems:
    """No credential in plain text: secrets arrive only as `$(macro)` values of `env:` or pipeline variables."""
    problems: Problems = []
    for path, document in files.items():
        for text in strings(document):
            problems += [f"{path}: {what} in {text[:60]!r}" for what, p in _LITERAL_SECRETS.items() if p.search(text)]
            problems += [
                f"{path}: {m.group(1)} assigned a literal" for m in _ASSIGNMENT.finditer(text) if _literal(m.group(2))
            ]

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "env" and isinstance(value, dict):
                    for name, mapped in value.items():
                        if re.fullmatch(_SECRET_NAME, name, re.IGNORECASE) and not _MACRO.fullmatch(str(mapped)):
                            problems.append(f"{where}: env {name} is not mapped from a pipeline variable")
                if key == "variables":
                    declared = variables_of({"variables": value})
                    for name, mapped in declared.items():
                        if re.fullmatch(_SECRET_NAME, name, re.IGNORECASE) and _literal(mapped):
                            problems.append(f"{where}: variable {name} has a literal value")
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk(pipeline, "pipeline")
    return problems


def deploy_template_problems(files: Files) -> Problems:
    """The three deploy stages are one template; stack (plus the chaining dependsOn) is all that differs."""
    uses = [s for s in files[PIPELINE].get("stages", []) if isinstance(s, dict) and "template" in s]
    templates = {u["template"] for u in uses}
    problems: Problems = [] if len(templates) == 1 else [f"deploy stages use templates {sorted(templates)}"]
    stacks = [u.get("parameters", {}).get("stack") for u in uses]
    if stacks != ["dev", "test", "prod"]:
        problems.append(f"deploy template used for stacks {stacks}, expected ['dev', 'test', 'prod']")
    common = [{k: v for k, v in u.get("parameters", {}).items() if k not in ("stack", "dependsOn")} for u in uses]
    if any(s != common[0] for s in common):
        problems.append(f"deploy stages differ in more than the stack: {common}")
    return problems


# --- the tests -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files() -> Files:
    return read_files()


@pytest.fixture(scope="module")
def pipeline(files: Files) -> dict[str, Any]:
    return compile_pipeline(files)


def test_every_file_parses_and_the_templates_are_used(files: Files) -> None:
    assert set(files) > {PIPELINE}, "no templates in .azure-pipelines/"
    for path, document in files.items():
        assert isinstance(document, dict), f"{path} is not a YAML mapping"
    referenced = {
        Path(directory, str(node["template"])).as_posix()
        for path, document in files.items()
        for directory in [str(Path(path).parent)]
        for node in dicts(document)
        if "template" in node
    }
    assert referenced == set(files) - {PIPELINE}, "a template is missing or unused"


def test_the_pipeline_compiles_completely(pipeline: dict[str, Any]) -> None:
    leftovers = [text for text in strings(pipeline) if "${{" in text]
    assert not leftovers, f"template expressions left after expansion: {leftovers[:3]}"
    assert not [node for node in dicts(pipeline) if "template" in node]


def test_triggers_on_main_and_pull_requests(files: Files) -> None:
    root = files[PIPELINE]
    assert root["trigger"]["branches"]["include"] == ["main"]
    assert root["pr"]["branches"]["include"] == ["main"]


def test_stages_in_order(pipeline: dict[str, Any]) -> None:
    assert stage_order_problems(pipeline) == []


@pytest.mark.parametrize("name", list(DEPLOYS))
def test_deploy_stage(pipeline: dict[str, Any], name: str) -> None:
    assert deploy_stage_problems(pipeline, name) == []


def test_deploy_stages_share_one_template(files: Files) -> None:
    assert deploy_template_problems(files) == []


def test_validate_stage(pipeline: dict[str, Any]) -> None:
    assert validate_stage_problems(pipeline) == []


def test_build_stage_publishes_the_package_once(pipeline: dict[str, Any]) -> None:
    assert build_stage_problems(pipeline) == []
    assert published_package(pipeline) == "function-package"


def test_preview_stage(pipeline: dict[str, Any]) -> None:
    assert preview_problems(pipeline) == []


def test_pulumi_cli_is_pinned(pipeline: dict[str, Any]) -> None:
    assert pulumi_pin_problems(pipeline) == []


def test_no_secret_in_plain_text(files: Files, pipeline: dict[str, Any]) -> None:
    assert secret_problems(files, pipeline) == []


def test_no_credential_shaped_text_even_in_comments() -> None:
    for path in [ROOT / PIPELINE, *sorted((ROOT / TEMPLATE_DIR).glob("*.yml"))]:
        text = path.read_text(encoding="utf-8")
        found = [what for what, pattern in _LITERAL_SECRETS.items() if pattern.search(text)]
        assert not found, f"{path.name}: {found}"


def test_pulumi_access_token_only_through_env(files: Files) -> None:
    for path, document in files.items():
        for text in strings(document):
            assert "pulumiAccessToken)" not in text or text == "$(pulumiAccessToken)", f"{path}: token in a script"
    mapped = [n["env"]["PULUMI_ACCESS_TOKEN"] for n in dicts(files) if "PULUMI_ACCESS_TOKEN" in n.get("env", {})]
    assert mapped and set(mapped) == {"$(pulumiAccessToken)"}


# --- mutations: the checks fail on a broken pipeline -----------------------------------------------------------


def _deploy_steps(p: Pipeline) -> list[Step]:
    return list(stage(p, "deploy_test")["jobs"][0]["strategy"]["runOnce"]["deploy"]["steps"])


def _set_deploy_steps(p: Pipeline, steps: list[Step]) -> None:
    stage(p, "deploy_test")["jobs"][0]["strategy"]["runOnce"]["deploy"]["steps"] = steps


def _drop_deploy_step(predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        _set_deploy_steps(p, [s for s in _deploy_steps(p) if not predicate(s)])

    return mutate


def _set_deploy_condition(predicate: Callable[[Step], bool], value: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in _deploy_steps(p):
            if predicate(step):
                step["condition"] = value

    return mutate


def _edit_deploy_script(predicate: Callable[[Step], bool], old: str, new: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in _deploy_steps(p):
            if predicate(step):
                step["inputs"]["inlineScript"] = script(step).replace(old, new)

    return mutate


def _move_start_before_up(p: Pipeline) -> None:
    steps = _deploy_steps(p)
    start = steps.pop(indices(steps, is_start)[0])
    steps.insert(indices(steps, is_up)[0], start)
    _set_deploy_steps(p, steps)


def _plain_job_instead_of_deployment(p: Pipeline) -> None:
    job = stage(p, "deploy_test")["jobs"][0]
    job["job"] = job.pop("deployment")
    job.pop("environment")


def _set_stage(name: str, **values: Any) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        stage(p, name).update(values)

    return mutate


def _drop_stage(name: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        p["stages"] = [s for s in p["stages"] if s["stage"] != name]

    return mutate


def _swap_stages(a: str, b: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        names = [s["stage"] for s in p["stages"]]
        i, j = names.index(a), names.index(b)
        p["stages"][i], p["stages"][j] = p["stages"][j], p["stages"][i]

    return mutate


def _edit_steps(
    name: str, predicate: Callable[[Step], bool], edit: Callable[[Step], None]
) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in stage_steps(p, name):
            if predicate(step):
                edit(step)

    return mutate


def _drop_steps(name: str, predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for job in stage(p, name)["jobs"]:
            job["steps"] = [s for s in job["steps"] if not predicate(s)]

    return mutate


def _is_task(name: str) -> Callable[[Step], bool]:
    return lambda step: task(step) == name


def _replace_in_bash(old: str, new: str) -> Callable[[Step], None]:
    def edit(step: Step) -> None:
        step["bash"] = step["bash"].replace(old, new)

    return edit


def _set_input(name: str, value: Any) -> Callable[[Step], None]:
    def edit(step: Step) -> None:
        step["inputs"][name] = value

    return edit


def _deploy_test_problems(p: Pipeline) -> Problems:
    return deploy_stage_problems(p, "deploy_test")


PIPELINE_MUTATIONS: dict[str, tuple[Callable[[Pipeline], Problems], Callable[[Pipeline], None]]] = {
    "stage removed": (stage_order_problems, _drop_stage("deploy_test")),
    "stages swapped": (stage_order_problems, _swap_stages("deploy_test", "deploy_prod")),
    "preview after the deploys": (stage_order_problems, _swap_stages("preview", "deploy_prod")),
    "dependsOn skips a stage": (stage_order_problems, _set_stage("deploy_prod", dependsOn="deploy_dev")),
    "deploy runs off main": (_deploy_test_problems, _set_stage("deploy_test", condition="succeeded()")),
    "deploy runs always": (
        _deploy_test_problems,
        _set_stage("deploy_test", condition=f"or(always(), and(succeeded(), {MAIN_ONLY}, {NOT_PULL_REQUEST}))"),
    ),
    "plain job instead of a deployment": (_deploy_test_problems, _plain_job_instead_of_deployment),
    "stop step removed": (_deploy_test_problems, _drop_deploy_step(is_stop)),
    "SQL step removed": (_deploy_test_problems, _drop_deploy_step(is_sql)),
    "pulumi up removed": (_deploy_test_problems, _drop_deploy_step(is_up)),
    "start step removed": (_deploy_test_problems, _drop_deploy_step(is_start)),
    "restore step removed": (_deploy_test_problems, _drop_deploy_step(is_restore)),
    "start before pulumi up": (_deploy_test_problems, _move_start_before_up),
    "restore not on failure": (_deploy_test_problems, _set_deploy_condition(is_restore, "always()")),
    "start also on failure": (_deploy_test_problems, _set_deploy_condition(is_start, "succeededOrFailed()")),
    "restore reads another state file": (
        _deploy_test_problems,
        _edit_deploy_script(is_restore, "$(triggerStateFile)", "/tmp/elsewhere.json"),
    ),
    "ops on the wrong stack": (
        _deploy_test_problems,
        _edit_deploy_script(is_stop, "--stack test", "--stack prod"),
    ),
    "no federated token for azure-identity": (
        _deploy_test_problems,
        _edit_deploy_script(is_up, "export AZURE_FEDERATED_TOKEN_FILE=", "AZURE_FEDERATED_TOKEN_FILE="),
    ),
    "deploy without the build's package": (
        _deploy_test_problems,
        _drop_deploy_step(_is_task("DownloadPipelineArtifact@2")),
    ),
    "tests without JUnit": (
        validate_stage_problems,
        _edit_steps("validate", lambda s: "pytest" in script(s), _replace_in_bash("--junitxml=", "--rootdir=")),
    ),
    "test results lost when tests fail": (
        validate_stage_problems,
        _edit_steps("validate", _is_task("PublishTestResults@2"), lambda s: s.pop("condition")),
    ),
    "one stack not planned": (
        validate_stage_problems,
        _edit_steps(
            "validate", lambda s: "ops plan" in script(s), _replace_in_bash("Pulumi.*.yaml", "Pulumi.dev.yaml")
        ),
    ),
    "plans not published": (validate_stage_problems, _drop_steps("validate", _is_task("PublishPipelineArtifact@1"))),
    "no Node": (validate_stage_problems, _drop_steps("validate", _is_task("NodeTool@0"))),
    "package not published": (build_stage_problems, _drop_steps("build", _is_task("PublishPipelineArtifact@1"))),
    "preview also on main": (preview_problems, _set_stage("preview", condition="succeeded()")),
    "preview without PR comment": (
        preview_problems,
        _edit_steps("preview", _is_task("Pulumi@1"), _set_input("createPrComment", False)),
    ),
    "preview of one stack missing": (
        preview_problems,
        lambda p: stage(p, "preview").update(jobs=stage(p, "preview")["jobs"][:-1]),
    ),
    "Pulumi task on the latest CLI": (
        pulumi_pin_problems,
        _edit_steps("preview", _is_task("Pulumi@1"), _set_input("versionSpec", "latest")),
    ),
}


@pytest.mark.parametrize("mutation", list(PIPELINE_MUTATIONS))
def test_checks_catch_a_broken_pipeline(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = PIPELINE_MUTATIONS[mutation]
    assert check(pipeline) == [], "the unmodified pipeline must pass"
    broken = copy.deepcopy(pipeline)
    mutate(broken)
    assert check(broken), f"{mutation}: not detected"


def test_pin_check_catches_an_unpinned_install(pipeline: Pipeline) -> None:
    broken = copy.deepcopy(pipeline)
    for step in _deploy_steps(broken):
        if "get.pulumi.com" in script(step):
            step["bash"] = script(step).replace('version="$(pulumiVersion)"', 'version="latest"')
    assert pulumi_pin_problems(broken)
    broken["variables"]["pulumiVersion"] = "latest"
    assert any("pulumiVersion" in problem for problem in pulumi_pin_problems(broken))


def _fake(*parts: str) -> str:
    """A credential-shaped value, assembled so that this file holds no credential-shaped literal."""
    return "".join(parts)


def _deploy_template_steps(files: Files) -> list[dict[str, Any]]:
    deploy = files[f"{TEMPLATE_DIR}/deploy-stage.yml"]["stages"][-1]["jobs"][0]
    return list(deploy["strategy"]["runOnce"]["deploy"]["steps"])


def _append_to_deploy_script(line: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        _deploy_template_steps(files)[-1]["parameters"]["script"] += line + "\n"

    return mutate


def _set_env(files: Files) -> None:
    files[PIPELINE]["stages"][0]["jobs"][0]["steps"][-1]["env"] = {"PULUMI_ACCESS_TOKEN": "literal-value"}


SECRET_MUTATIONS: dict[str, Callable[[Files], None]] = {
    "Pulumi token": _append_to_deploy_script(
        "export PULUMI_ACCESS_TOKEN=" + _fake("pul-", "0123456789abcdef" * 2, "0123abcd")
    ),
    "storage connection string": _append_to_deploy_script(
        _fake("x='DefaultEndpoints", "Protocol=https;Account", "Key=abc'")
    ),
    "SAS URL": _append_to_deploy_script(_fake("curl 'https://x.blob.core.windows.net/c?sv=2024-01-01&s", "ig=abc'")),
    "JWT": _append_to_deploy_script(
        _fake("curl -H 'Authorization: Bearer ey", "JhbGciOiJSUzI1.ey", "JzdWIiOiIxMjM0.sig'")
    ),
    "password assignment": _append_to_deploy_script("SQL_PASSWORD=hunter2 python -m ops sql apply --stack test"),
    "secret literal in env": _set_env,
    "secret pipeline variable": lambda f: f[PIPELINE]["variables"].update(pulumiAccessToken="literal-value"),
}


@pytest.mark.parametrize("mutation", list(SECRET_MUTATIONS))
def test_secret_check_catches_a_literal(files: Files, mutation: str) -> None:
    broken = copy.deepcopy(files)
    SECRET_MUTATIONS[mutation](broken)
    assert secret_problems(broken, compile_pipeline(broken)), f"{mutation}: not detected"


def _drop_stop_from_template(files: Files) -> None:
    deploy = files[f"{TEMPLATE_DIR}/deploy-stage.yml"]["stages"][-1]["jobs"][0]["strategy"]["runOnce"]["deploy"]
    deploy["steps"] = [s for s in deploy["steps"] if "triggers stop" not in str(s.get("parameters", {}).get("script"))]


TEMPLATE_MUTATIONS: dict[str, Callable[[Files], None]] = {
    "a deploy stage dropped from azure-pipelines.yml": lambda f: f[PIPELINE]["stages"].pop(),
    "a per-environment setting besides the stack": lambda f: f[PIPELINE]["stages"][-1]["parameters"].update(
        azureServiceConnection="prod-only-connection"
    ),
    "the stop step dropped from the deploy template": _drop_stop_from_template,
}


@pytest.mark.parametrize("mutation", list(TEMPLATE_MUTATIONS))
def test_checks_read_the_templates(files: Files, mutation: str) -> None:
    broken = copy.deepcopy(files)
    TEMPLATE_MUTATIONS[mutation](broken)
    compiled = compile_pipeline(broken)
    problems = deploy_template_problems(broken) + [x for name in DEPLOYS for x in deploy_stage_problems(compiled, name)]
    assert problems, f"{mutation}: not detected"


def test_compiling_fails_on_a_wrong_template_reference(files: Files) -> None:
    unknown = copy.deepcopy(files)
    unknown[PIPELINE]["stages"][-1]["parameters"]["environment"] = "prod"
    with pytest.raises(TemplateError, match="unknown parameters"):
        compile_pipeline(unknown)
    missing = copy.deepcopy(files)
    missing[PIPELINE]["stages"][-1]["template"] = ".azure-pipelines/nowhere.yml"
    with pytest.raises(TemplateError, match="not found"):
        compile_pipeline(missing)
