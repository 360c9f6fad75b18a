"""`python -m ops rehearse --stack S [--from PREVIOUS]`: a stack's deploy replayed offline, every step printed.

The stack is planned as `ops plan` plans it, with one difference: without a built package at
`functionApp.packagePath`, an empty stand-in package is planned, so that the code publish, which `pulumi up`
runs only with a package, is rehearsed too. Then `rehearsal` replays the stack's stages (rehearsal/stages.py)
and each pipeline's first run. With `--from` (a plan `python -m ops plan --json` wrote for the previous
release), the transitions from it are classified as `ops plan --from` classifies them (`transitions`), the
stand-in publish left out. Exit 2 when an operation cannot reach what it needs, or a transition is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops import exit_codes
from rehearsal import Rehearsal, rehearsal_of
from stack.config import FunctionAppConfig
from stack.files import project_name, read_stack_config
from stack.paths import PROJECT_DIR
from transitions import PreviousPlan, TransitionReport, read_previous, transitions


@dataclass(frozen=True)
class StackRehearsal:
    """A stack's rehearsal, and its transitions from the previous release when one was given."""

    rehearsal: Rehearsal
    transitions: TransitionReport | None = None


def stand_in_package(stack: str, project_dir: Path, folder: Path) -> dict[str, Any]:
    """Config overrides that plan an empty package when the stack's package is not built; none when it is."""
    values, _secrets = read_stack_config(project_dir, stack)
    key = f"{project_name(project_dir)}:functionApp"
    section = json.loads(values.get(key, "{}"))
    configured = section.get("packagePath") or FunctionAppConfig.model_fields["package_path"].default
    if (project_dir / configured).is_file():
        return {}
    package = folder / "stand-in-function.zip"
    with zipfile.ZipFile(package, "w"):
        pass
    return {key: {**section, "packagePath": str(package)}}


def rehearse_stack(stack: str, previous: PreviousPlan | None = None, project_dir: Path = PROJECT_DIR) -> StackRehearsal:
    """Plan `stack` (every check but the rehearsal itself), rehearse its deploy, and classify the transitions from
    `previous`."""
    from ops.plan import all_checks_but, run_plan
    from preview.view import PlanView

    with tempfile.TemporaryDirectory(prefix="rehearse-") as folder:
        overrides = stand_in_package(stack, project_dir, Path(folder))
        plan = run_plan(stack, project_dir, overrides, checks=all_checks_but("rehearsal"))
        stand_in = str(Path(folder) / "stand-in-function.zip") if overrides else None
    result = rehearsal_of(PlanView.of(plan))
    if previous is None:
        return StackRehearsal(result)
    # The stand-in publish is no change of the release: the transitions are judged without it.
    released = [reg for reg in plan.resources if stand_in is None or reg.inputs.get("package_path") != stand_in]
    view = PlanView.of_registrations(released, stack_urn=plan.stack_urn, config=plan.config)
    return StackRehearsal(result, transitions(previous, view, plan.config))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    parser.add_argument(
        "--from",
        dest="previous",
        type=Path,
        metavar="PREVIOUS",
        help="the previous release's plan, as `python -m ops plan --json` wrote it: its transitions are checked too",
    )


def main(args: argparse.Namespace) -> int:
    previous = read_previous(args.previous) if args.previous is not None else None
    found = rehearse_stack(args.stack, previous)
    print("\n".join(found.rehearsal.lines))
    if found.transitions is not None:
        print("\n".join(found.transitions.lines()))
    blocked = found.rehearsal.blocked
    if blocked:
        print(f"error: {len(blocked)} operation(s) cannot reach what they need when they run:", file=sys.stderr)
        for item in blocked:
            print(f"  - {item}", file=sys.stderr)
    if found.transitions is not None:
        found.transitions.check()  # a refused transition: TransitionsError, exit 2 like any bad input
    if blocked:
        return exit_codes.USAGE
    print("rehearsal passed: every operation reaches what it needs when it runs", file=sys.stderr)
    return exit_codes.OK
