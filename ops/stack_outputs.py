"""A deployed stack's outputs, read with `pulumi stack output --json --stack <name>`.

The operator who has the Pulumi CLI only names the stack; every command that needs to know
what was deployed (the factory's coordinates, the enabled triggers, the database) reads it here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from stack.errors import InputError


class StackOutputsError(InputError):
    """The stack's outputs cannot be read: no Pulumi CLI, or it failed (so the operator must name what they name)."""


def stack_outputs(stack: str, project_dir: Path) -> dict[str, Any]:
    """The stack's outputs, from `pulumi stack output --json`; StackOutputsError when the CLI is missing or fails."""
    cannot = f"cannot read the outputs of stack '{stack}'"
    command = f"`pulumi stack output --json --stack {stack}`"
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise StackOutputsError(f"{cannot}: the Pulumi CLI is not installed (no `pulumi` on PATH)")
    try:
        completed = subprocess.run(
            [pulumi, "stack", "output", "--json", "--stack", stack],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StackOutputsError(f"{cannot}: {command} could not run ({exc})") from exc
    if completed.returncode != 0:
        detail = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
        reason = detail[-1] if detail else f"exit code {completed.returncode}"
        raise StackOutputsError(f"{cannot}: {command} failed ({reason})")
    try:
        outputs = json.loads(completed.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise StackOutputsError(f"{cannot}: {command} printed no JSON ({exc})") from exc
    if not isinstance(outputs, dict):
        raise StackOutputsError(f"{cannot}: {command} printed no JSON object")
    return outputs
