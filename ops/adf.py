"""`python -m ops adf <action>`: work with any ADF Studio git folder.

Each action is a module with `add_arguments(parser)` and `main(args) -> int`; adding one is one line in ACTIONS.
"""

from __future__ import annotations

import argparse
import importlib

ACTIONS = {
    "check": ("ops.adf_check", "validate an ADF Studio folder: is every file deployable, and if not, why"),
    "drift": (
        "ops.adf_drift",
        "list the factory's objects the source lacks; --delete deletes them in dependency order",
    ),
    "test-connection": (
        "ops.adf_test_connection",
        "test the factory's linked services as ADF Studio's Test connection does (adf.tools' Test-AdfLinkedService)",
    ),
}
"""Action -> (module, help)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    for name, (module_name, help_text) in ACTIONS.items():
        module = importlib.import_module(module_name)
        sub = actions.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(action_main=module.main)


def main(args: argparse.Namespace) -> int:
    return int(args.action_main(args))
