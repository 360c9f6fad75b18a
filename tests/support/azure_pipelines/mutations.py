"""Edits that break a compiled pipeline in one way each, for the tests that the checks notice."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from delivery.pipeline import Pipeline, Step
from tests.support.azure_pipelines.checks_deploy import deploy_stage_problems
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.reading import indices, is_start, is_up, script, stage, stage_steps, task


def deploy_steps(p: Pipeline) -> list[Step]:
    return list(stage(p, "deploy_test")["jobs"][0]["strategy"]["runOnce"]["deploy"]["steps"])


def set_deploy_steps(p: Pipeline, steps: list[Step]) -> None:
    stage(p, "deploy_test")["jobs"][0]["strategy"]["runOnce"]["deploy"]["steps"] = steps


def drop_deploy_step(predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        set_deploy_steps(p, [s for s in deploy_steps(p) if not predicate(s)])

    return mutate


def set_deploy_condition(predicate: Callable[[Step], bool], value: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in deploy_steps(p):
            if predicate(step):
                step["condition"] = value

    return mutate


def edit_deploy_script(predicate: Callable[[Step], bool], old: str, new: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in deploy_steps(p):
            if predicate(step):
                step["inputs"]["inlineScript"] = script(step).replace(old, new)

    return mutate


def move_start_before_up(p: Pipeline) -> None:
    steps = deploy_steps(p)
    start = steps.pop(indices(steps, is_start)[0])
    steps.insert(indices(steps, is_up)[0], start)
    set_deploy_steps(p, steps)


def plain_job_instead_of_deployment(p: Pipeline) -> None:
    job = stage(p, "deploy_test")["jobs"][0]
    job["job"] = job.pop("deployment")
    job.pop("environment")


def set_stage(name: str, **values: Any) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        stage(p, name).update(values)

    return mutate


def drop_stage(name: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        p["stages"] = [s for s in p["stages"] if s["stage"] != name]

    return mutate


def swap_stages(a: str, b: str) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        names = [s["stage"] for s in p["stages"]]
        i, j = names.index(a), names.index(b)
        p["stages"][i], p["stages"][j] = p["stages"][j], p["stages"][i]

    return mutate


def edit_steps(
    name: str, predicate: Callable[[Step], bool], edit: Callable[[Step], None]
) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for step in stage_steps(p, name):
            if predicate(step):
                edit(step)

    return mutate


def drop_steps(name: str, predicate: Callable[[Step], bool]) -> Callable[[Pipeline], None]:
    def mutate(p: Pipeline) -> None:
        for job in stage(p, name)["jobs"]:
            job["steps"] = [s for s in job["steps"] if not predicate(s)]

    return mutate


def is_task(name: str) -> Callable[[Step], bool]:
    return lambda step: task(step) == name


def replace_in_bash(old: str, new: str) -> Callable[[Step], None]:
    def edit(step: Step) -> None:
        step["bash"] = step["bash"].replace(old, new)

    return edit


def replace_in_inline_script(old: str, new: str) -> Callable[[Step], None]:
    def edit(step: Step) -> None:
        step["inputs"]["inlineScript"] = step["inputs"]["inlineScript"].replace(old, new)

    return edit


def set_input(name: str, value: Any) -> Callable[[Step], None]:
    def edit(step: Step) -> None:
        step["inputs"][name] = value

    return edit


def deploy_test_problems(p: Pipeline) -> Problems:
    return deploy_stage_problems(p, "deploy_test")


def assert_check_catches(
    check: Callable[[Pipeline], Problems], mutate: Callable[[Pipeline], None], pipeline: Pipeline, mutation: str
) -> None:
    """The check passes the real pipeline and finds a problem in a copy that `mutate` broke."""
    assert check(pipeline) == [], "the unmodified pipeline must pass"
    broken = copy.deepcopy(pipeline)
    mutate(broken)
    assert check(broken), f"{mutation}: not detected"
