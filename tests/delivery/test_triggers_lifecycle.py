"""Around `pulumi up`: stop the triggers first, start them on success, restore the recorded ones on failure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from delivery.pipeline import Pipeline
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.mutations import (
    assert_check_catches,
    deploy_test_problems,
    drop_deploy_step,
    edit_deploy_script,
    move_start_before_up,
    set_deploy_condition,
)
from tests.support.azure_pipelines.reading import is_restore, is_start, is_stop

TRIGGER_MUTATIONS: dict[str, tuple[Callable[[Pipeline], Problems], Callable[[Pipeline], None]]] = {
    "stop step removed": (deploy_test_problems, drop_deploy_step(is_stop)),
    "start step removed": (deploy_test_problems, drop_deploy_step(is_start)),
    "restore step removed": (deploy_test_problems, drop_deploy_step(is_restore)),
    "start before pulumi up": (deploy_test_problems, move_start_before_up),
    "restore not on failure": (deploy_test_problems, set_deploy_condition(is_restore, "always()")),
    "start also on failure": (deploy_test_problems, set_deploy_condition(is_start, "succeededOrFailed()")),
    "restore reads another state file": (
        deploy_test_problems,
        edit_deploy_script(is_restore, "$(triggerStateFile)", "/tmp/elsewhere.json"),
    ),
    "ops on the wrong stack": (
        deploy_test_problems,
        edit_deploy_script(is_stop, "--stack test", "--stack prod"),
    ),
}


@pytest.mark.parametrize("mutation", list(TRIGGER_MUTATIONS))
def test_trigger_protocol_check_catches_a_broken_deploy_stage(pipeline: Pipeline, mutation: str) -> None:
    check, mutate = TRIGGER_MUTATIONS[mutation]
    assert_check_catches(check, mutate, pipeline, mutation)
