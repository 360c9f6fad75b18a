"""Delivery on main: each stack is previewed (with the policy pack) before its approval, deployed in the order
stop triggers → `pulumi up` → SQL → start, with a pinned CLI and exactly the locked Python packages.

The pipeline is compiled by the product's compiler (`delivery.pipeline`), as Azure DevOps expands templates.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from delivery.pipeline import compile_pipeline, read_files
from delivery.stages import command_lines

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ["dev", "test", "prod"]
PRIVATE = ("test", "prod")
DEV_TOOLS = {"pytest", "ruff", "mypy", "faker", "types-pyyaml"}
# The platform the deploy agents and the Function app run on: Linux x86_64, CPython 3.11.
TARGET = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def stages(pipeline: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["stage"]: s for s in pipeline["stages"]}


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    if "steps" in job:
        return list(job["steps"])
    return list(job["strategy"]["runOnce"]["deploy"]["steps"])


def all_steps(pipeline: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for stage in pipeline["stages"]:
        for job in stage["jobs"]:
            yield from steps_of(job)


def script(step: dict[str, Any]) -> str:
    return str(step.get("bash") or step.get("script") or (step.get("inputs") or {}).get("inlineScript") or "")


def depends_on(stage: dict[str, Any]) -> list[str]:
    value = stage.get("dependsOn", [])
    return [value] if isinstance(value, str) else list(value)


def pulumi_commands(pipeline: dict[str, Any]) -> list[str]:
    """Every `pulumi preview`/`pulumi up` the pipeline runs, continuation lines joined."""
    return [
        line
        for step in all_steps(pipeline)
        for line in command_lines(script(step))
        if line.startswith(("pulumi preview", "pulumi up"))
    ]


# --- the checks ------------------------------------------------------------------------------------------------


def approval_order_problems(pipeline: dict[str, Any]) -> list[str]:
    """On main, preview_<env> runs and publishes its preview before deploy_<env>, whose environment holds the
    approval. Approvals are evaluated before a stage starts, so the preview must be a stage of its own."""
    by_name = stages(pipeline)
    names = list(by_name)
    problems = []
    previous = "build"
    for env in ENVIRONMENTS:
        if env in PRIVATE:
            # A private stack's own preview comes after its foundation deployed, whose pool it runs on.
            if depends_on(by_name.get(f"preview_foundation_{env}", {})) != [previous]:
                problems.append(f"the foundation of {env} is not previewed right after {previous}")
            previous = f"deploy_foundation_{env}"
        preview, deploy = by_name.get(f"preview_{env}"), by_name.get(f"deploy_{env}")
        if preview is None or deploy is None:
            problems.append(f"no preview_{env} and deploy_{env} stages")
            continue
        if depends_on(preview) != [previous]:
            problems.append(f"preview_{env} depends on {depends_on(preview)}, expected [{previous!r}]")
        if depends_on(deploy) != [f"preview_{env}"]:
            problems.append(f"deploy_{env} depends on {depends_on(deploy)}, expected ['preview_{env}']")
        if names.index(f"preview_{env}") > names.index(f"deploy_{env}"):
            problems.append(f"preview_{env} comes after deploy_{env}")
        if any("environment" in job for job in preview["jobs"]):
            problems.append(f"preview_{env} uses an environment, so its approval would come before the preview")
        if "refs/heads/main" not in str(preview.get("condition")):
            problems.append(f"preview_{env} does not run on main")
        steps = [s for job in preview["jobs"] for s in steps_of(job)]
        previews = [s for s in steps if re.search(r"pulumi preview\b", script(s))]
        if len(previews) != 1 or f"data-platform-{env}" not in str(preview.get("variables")):
            problems.append(f"preview_{env} must run one `pulumi preview` with the group data-platform-{env}")
        published = [
            s
            for s in steps
            if s.get("task") == "PublishPipelineArtifact@1" and str(s["inputs"]["artifact"]) == f"preview-{env}"
        ]
        if not published or (previews and steps.index(published[0]) < steps.index(previews[0])):
            problems.append(f"preview_{env} does not publish its preview as the artifact preview-{env}")
        previous = f"deploy_{env}"
    return problems


def deploy_order_problems(pipeline: dict[str, Any], env: str) -> list[str]:
    """Triggers stop → pulumi up → ops sql apply → triggers start; restore (failed()) after all of them."""
    steps = steps_of(stages(pipeline)[f"deploy_{env}"]["jobs"][0])
    kinds = {
        "stop": lambda s: "ops triggers stop" in script(s),
        "up": lambda s: re.search(r"\bpulumi up\b", script(s)) is not None,
        "sql": lambda s: "ops sql apply" in script(s),
        "start": lambda s: "ops triggers start" in script(s) and "--restore" not in script(s),
        "restore": lambda s: "--restore" in script(s),
    }
    at = {kind: [i for i, s in enumerate(steps) if test(s)] for kind, test in kinds.items()}
    problems = [f"expected one {kind} step, found {len(found)}" for kind, found in at.items() if len(found) != 1]
    if problems:
        return problems
    order = sorted(kinds, key=lambda kind: at[kind][0])
    if order != ["stop", "up", "sql", "start", "restore"]:
        problems.append(f"deploy_{env} runs {order}, expected stop, up, sql, start, restore")
    if str(steps[at["restore"][0]].get("condition")) != "failed()":
        problems.append("the restore step must run on failure only")
    return problems


def cli_install_problems(pipeline: dict[str, Any]) -> list[str]:
    """No script downloaded and piped into a shell; the CLI archive is checked against its published checksum."""
    problems = []
    installs = [s for s in all_steps(pipeline) if "get.pulumi.com" in script(s)]
    if not installs:
        problems.append("the Pulumi CLI is never installed")
    for step in all_steps(pipeline):
        text = script(step)
        if re.search(r"curl[^\n|]*\|\s*(?:ba)?sh\b", text):
            problems.append(f"{step.get('displayName')}: pipes a download into a shell")
    for step in installs:
        if "sha256sum --check" not in script(step) or "$(pulumiVersion)" not in script(step):
            problems.append(f"{step.get('displayName')}: the CLI archive is not pinned and checksum-verified")
    return problems


# --- the tests -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline() -> dict[str, Any]:
    return compile_pipeline(read_files(ROOT))


def test_each_environment_is_previewed_and_published_before_its_approval(pipeline: dict[str, Any]) -> None:
    assert approval_order_problems(pipeline) == []


def test_a_preview_inside_the_deploy_stage_is_refused(pipeline: dict[str, Any]) -> None:
    broken = copy.deepcopy(pipeline)
    broken["stages"] = [s for s in broken["stages"] if s["stage"] != "preview_test"]
    stages(broken)["deploy_test"]["dependsOn"] = "deploy_dev"
    assert approval_order_problems(broken)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_sql_is_applied_after_pulumi_up_while_the_triggers_are_stopped(pipeline: dict[str, Any], env: str) -> None:
    assert deploy_order_problems(pipeline, env) == []


def test_sql_before_pulumi_up_is_refused(pipeline: dict[str, Any]) -> None:
    broken = copy.deepcopy(pipeline)
    broken_steps = steps_of(stages(broken)["deploy_dev"]["jobs"][0])
    sql = next(s for s in broken_steps if "ops sql apply" in script(s))
    broken_steps.remove(sql)
    broken_steps.insert(next(i for i, s in enumerate(broken_steps) if "pulumi up" in script(s)), sql)
    stages(broken)["deploy_dev"]["jobs"][0]["strategy"]["runOnce"]["deploy"]["steps"] = broken_steps
    assert deploy_order_problems(broken, "dev")


def test_every_real_preview_and_up_runs_the_policy_pack(pipeline: dict[str, Any]) -> None:
    commands = pulumi_commands(pipeline)
    # 5 pull-request previews; on main, 5 previews and 5 ups (dev, test, prod and the foundations of test and prod)
    assert len(commands) == 15, commands
    policy = re.compile(r'--policy-pack (?:policy|"\$\(Build\.SourcesDirectory\)/policy")(?: |$)')
    assert [c for c in commands if not policy.search(c)] == []


def test_the_pulumi_cli_is_installed_from_a_pinned_verified_archive(pipeline: dict[str, Any]) -> None:
    assert cli_install_problems(pipeline) == []
    broken = copy.deepcopy(pipeline)
    step = next(s for s in all_steps(broken) if "get.pulumi.com" in script(s))
    step["bash"] = "curl -fsSL https://get.pulumi.com | sh\n"
    assert cli_install_problems(broken)


# --- what the deploy installs ----------------------------------------------------------------------------------


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a requirements file, by canonical name; any other requirement line is an error."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert match, f"{path.name}: {line!r} is not pinned with =="
        found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def unpinned_dependencies(pinned: dict[str, str]) -> list[str]:
    """Dependencies (for Linux, CPython 3.11) of the pinned packages that the same set does not pin, read from the
    installed packages' metadata."""
    missing = []
    for name in pinned:
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is not None and not requirement.marker.evaluate(TARGET):
                continue
            if canonicalize_name(requirement.name) not in pinned:
                missing.append(f"{name} needs {requirement}")
    return missing


@pytest.mark.parametrize("path", ["requirements.txt", "functions/requirements.txt"])
def test_the_requirements_pin_every_transitive_package(path: str) -> None:
    assert unpinned_dependencies(pins(ROOT / path)) == []


def test_the_closure_check_notices_a_missing_transitive_pin() -> None:
    pinned = pins(ROOT / "functions/requirements.txt")
    del pinned["azure-core"]
    assert any("azure-core" in problem for problem in unpinned_dependencies(pinned))


def test_the_deploy_set_holds_no_dev_tools_and_make_installs_them_on_top() -> None:
    assert DEV_TOOLS.isdisjoint(pins(ROOT / "requirements.txt"))
    dev = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev.read_text(encoding="utf-8").splitlines()
    assert set(pins(dev)) >= DEV_TOOLS
    assert "-r requirements-dev.txt -c constraints.txt" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_pin_agrees_with_the_lock() -> None:
    lock = pins(ROOT / "constraints.txt")
    for path in ["requirements.txt", "requirements-dev.txt", "functions/requirements.txt"]:
        disagree = {n: v for n, v in pins(ROOT / path).items() if lock.get(n) != v}
        assert disagree == {}, f"{path} disagrees with constraints.txt: {disagree}"


def test_pulumi_runs_the_program_from_the_virtualenv_it_installs_requirements_into() -> None:
    options = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))["runtime"]["options"]
    assert options == {"toolchain": "pip", "virtualenv": ".venv"}
