"""Build one component under the mock engine and return what it registered.

The same engine and mocks as `preview.plan.run_program`, without the program: a test builds one
component from its Args and asserts on its children, inputs and parents.
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preview import schema
from preview.mocks import PlatformMocks, RecordingMonitor, Registration, offline_program

PROJECT = "data-platform"


def build(program: Callable[[], object], stack: str = "test") -> list[Registration]:
    """Run `program` (which constructs resources) under the mocks; every registration, in order."""
    settings.reset_options(project=PROJECT, stack=stack, preview=True)
    monitor = RecordingMonitor(PlatformMocks(stack))
    pulumi_mocks.set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    try:
        _sync_await(run_pulumi_func(offline_program(lambda: _discard(program()))))
    finally:
        settings.reset_options()
    return monitor.registrations


def _discard(_result: object) -> None:
    return None


def schema_violations(registrations: list[Registration]) -> list[str]:
    """Every azure-native input the installed SDK does not know, as readable strings."""
    return [
        str(violation) for reg in registrations for violation in schema.check_inputs(reg.type, reg.inputs, reg.name)
    ]


def of_type(registrations: list[Registration], type_token: str) -> list[Registration]:
    return [reg for reg in registrations if reg.type == type_token]


def only(registrations: list[Registration], type_token: str) -> Registration:
    found = of_type(registrations, type_token)
    assert len(found) == 1, f"expected one {type_token}, found {[r.name for r in found]}"
    return found[0]
