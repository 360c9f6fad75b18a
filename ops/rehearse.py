"""`python -m ops rehearse --stack S [--from PREVIOUS]`: a stack's deploy replayed offline, every step printed.

The stack is planned as `ops plan` plans it, with one difference: without a built package at
`functionApp.packagePath`, an empty stand-in package is planned, so that the code publish, which `pulumi up`
runs only with a package, is rehearsed too. Then `rehearsal` replays the stack's stages (rehearsal/stages.py)
and each pipeline's first run. Exit 2 when an operation cannot reach what it needs when it runs.

`--from` takes the previous release's plan (`python -m ops plan --json`); it is read and checked here, and
classifying its transitions is left to `ops plan --from`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ops import exit_codes
from rehearsal import Rehearsal, rehearsal_of
from stack.config import FunctionAppConfig
from stack.errors import InputError
from stack.files import project_name, read_stack_config
from stack.paths import PROJECT_DIR


class PreviousPlanError(InputError):
    """`--from` names no readable plan written by `python -m ops plan --json`."""


def read_previous(path: Path) -> dict[str, Any]:
    """The previous release's plan, as `python -m ops plan --json` wrote it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PreviousPlanError(f"--from {path}: cannot be read ({error.strerror})") from None
    except ValueError as error:
        raise PreviousPlanError(f"--from {path}: not JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise PreviousPlanError(
            f"--from {path}: not a plan; expected the object `python -m ops plan --json` prints, "
            "with a 'resources' list"
        )
    return document


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


def rehearse_stack(stack: str, previous: Mapping[str, Any] | None = None, project_dir: Path = PROJECT_DIR) -> Rehearsal:
    """Plan `stack` (every check but the rehearsal itself) and rehearse its deploy."""
    from ops.plan import all_checks_but, run_plan
    from preview.view import PlanView

    with tempfile.TemporaryDirectory(prefix="rehearse-") as folder:
        overrides = stand_in_package(stack, project_dir, Path(folder))
        plan = run_plan(stack, project_dir, overrides, checks=all_checks_but("rehearsal"))
        result = rehearsal_of(PlanView.of(plan))
    if previous is not None:
        count = len(previous.get("resources", []))
        note = (
            f"--from: the previous plan has {count} resources; classifying its transitions is `ops plan --from`'s "
            "work, not part of this rehearsal"
        )
        return dataclasses.replace(result, lines=(*result.lines, note))
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    parser.add_argument(
        "--from",
        dest="previous",
        type=Path,
        metavar="PREVIOUS",
        help="the previous release's plan, as `python -m ops plan --json` wrote it",
    )


def main(args: argparse.Namespace) -> int:
    previous = read_previous(args.previous) if args.previous is not None else None
    result = rehearse_stack(args.stack, previous)
    print("\n".join(result.lines))
    if result.blocked:
        print(f"error: {len(result.blocked)} operation(s) cannot reach what they need when they run:", file=sys.stderr)
        for blocked in result.blocked:
            print(f"  - {blocked}", file=sys.stderr)
        return exit_codes.USAGE
    print("rehearsal passed: every operation reaches what it needs when it runs", file=sys.stderr)
    return exit_codes.OK
