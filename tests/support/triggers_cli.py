"""Helpers of the `ops triggers` tests: the parsed command line, the recording, a deployed stack's outputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ops.cli.main import main
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION

Cli = Callable[..., int]
REFUSAL = (400, "TriggerStartFailed", "Trigger TR_Daily cannot be started: pipeline 'PL_Ingest' is not published.")


def triggers_cli(argv: list[str]) -> int:
    """`python -m ops triggers ARGV`, in this process; returns the exit code."""
    return main(["triggers", *argv])


def recording(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def deployed_outputs(enabled_triggers: Any) -> dict[str, Any]:
    """The outputs of a deployed dev stack whose `enabled_triggers` output is the given value."""
    return {
        "subscription_id": SUBSCRIPTION,
        "resource_group_name": RESOURCE_GROUP,
        "factory_name": FACTORY,
        "enabled_triggers": enabled_triggers,
    }
