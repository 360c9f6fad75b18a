"""Helpers of the `ops triggers` tests: the parsed command line, the recording, a deployed stack's outputs."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ops import triggers
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION

Cli = Callable[..., int]
REFUSAL = (400, "TriggerStartFailed", "Trigger TR_Daily cannot be started: pipeline 'PL_Ingest' is not published.")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ops triggers")
    triggers.add_arguments(parser)
    return parser.parse_args(argv)


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
