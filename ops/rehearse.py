"""A stack's deploy rehearsed offline, every step: what `python -m ops rehearse` prints (ops/cli/rehearse.py).

The stack is planned as `ops plan` plans it (a private stack with its foundation), with one difference: without a
built package at `functionApp.packagePath`, an empty stand-in package is planned, so that the code publish, which
`pulumi up` runs only with a package, is rehearsed too. Then `rehearsal` replays the pipeline's stages for the stack
over the environment's view (rehearsal/stages.py), and each pipeline's first run. With a previous release's plan, the
transitions from it are classified as `ops plan --from` classifies them (`transitions`), the stand-in publish left
out.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from delivery.stages import Stage
from rehearsal import Rehearsal, rehearse, stages_for
from stack.config import FunctionAppConfig
from stack.files import project_name, read_stack_config
from stack.foundation import is_foundation
from transitions import PreviousPlan, TransitionReport, transitions

STAND_IN_PACKAGE = "stand-in-function.zip"


@dataclass(frozen=True)
class StackRehearsal:
    """A stack's rehearsal, the stages it replayed, and its transitions from the previous release when one was
    given."""

    project: str
    stack: str
    stages: tuple[Stage, ...]
    rehearsal: Rehearsal
    transitions: TransitionReport | None = None


def stand_in_package(stack: str, project_dir: Path, folder: Path) -> dict[str, Any]:
    """Config overrides that plan an empty package when the stack's package is not built; none when it is, and none
    for the foundation, which publishes no code."""
    if is_foundation(project_dir):
        return {}
    values, _secrets = read_stack_config(project_dir, stack)
    key = f"{project_name(project_dir)}:functionApp"
    section = json.loads(values.get(key, "{}"))
    configured = section.get("packagePath") or FunctionAppConfig.model_fields["package_path"].default
    if (project_dir / configured).is_file():
        return {}
    package = folder / STAND_IN_PACKAGE
    with zipfile.ZipFile(package, "w"):
        pass
    return {key: {**section, "packagePath": str(package)}}


def rehearse_stack(stack: str, project_dir: Path, previous: PreviousPlan | None = None) -> StackRehearsal:
    """Plan `stack` (every check but the rehearsal itself), rehearse its deploy, and classify the transitions from
    `previous`. Raises the plan's `InputError`s; returns what the rehearsal found, blocked operations included."""
    from ops.plan import all_checks_but, run_plan
    from preview.view import PlanView

    with tempfile.TemporaryDirectory(prefix="rehearse-") as folder:
        overrides = stand_in_package(stack, project_dir, Path(folder))
        plan = run_plan(stack, project_dir, overrides, checks=all_checks_but("rehearsal"))
        stand_in = str(Path(folder) / STAND_IN_PACKAGE) if overrides else None
    environment = PlanView.of_environment(plan)
    stages = stages_for(environment)
    result = rehearse(environment, stages)
    if previous is None:
        return StackRehearsal(plan.project, stack, stages, result)
    # The stand-in publish is no change of the release: the transitions are judged without it.
    released = [reg for reg in plan.resources if stand_in is None or reg.inputs.get("package_path") != stand_in]
    view = PlanView.of_registrations(released, stack_urn=plan.stack_urn, config=plan.config)
    return StackRehearsal(plan.project, stack, stages, result, transitions(previous, view, plan.config))
