"""Build one component alone under the mock engine, and read back what it registered."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings

from components.shared import DiagnosticSettings, Lock, PlatformContext
from preview.mocks import PlatformMocks, RecordingMonitor, Registration, offline_program

PROJECT = "data-platform"
STACK = "unit"


class EchoMocks(pulumi_mocks.Mocks):
    """A provider that knows only the inputs: in a preview every output it does not echo is unknown."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}


class ComponentEngine:
    """Runs a function that builds components, as `pulumi up` (default) or `pulumi preview` would."""

    def run(self, build: Callable[[], Any], *, preview: bool = False) -> list[Registration]:
        """Build under mocks; a preview uses `EchoMocks`, so computed outputs stay unknown as in a real preview."""
        mocks: pulumi_mocks.Mocks = EchoMocks() if preview else PlatformMocks(STACK)
        monitor = RecordingMonitor(mocks)
        settings.reset_options(project=PROJECT, stack=STACK, preview=preview)
        pulumi_mocks.set_mocks(mocks, project=PROJECT, stack=STACK, preview=preview, monitor=monitor)
        try:
            pulumi.runtime.test(offline_program(build))()
        finally:
            settings.reset_options()
        return monitor.registrations


@pytest.fixture
def engine() -> Iterator[ComponentEngine]:
    """The mock engine for single-component tests; the global Pulumi settings are reset afterwards."""
    yield ComponentEngine()


def context(*, protect: bool = False) -> PlatformContext:
    """A placement with plain values, as if the resource group and workspace already existed."""
    return PlatformContext(
        resource_group_name="rg-unit",
        location="westeurope",
        tags={"environment": "dev", "managed-by": "pulumi"},
        protect=protect,
        lock=Lock() if protect else None,
        subscription_id="00000000-0000-0000-0000-000000000001",
        diagnostic_settings=DiagnosticSettings(
            workspace_id="/subscriptions/00000000-0000-0000-0000-000000000001/workspaces/log-unit"
        ),
    )


def registered(registrations: list[Registration], type_token: str, name: str) -> Registration:
    """The one registration of a type with this logical name."""
    found = [r for r in registrations if r.type == type_token and r.name == name]
    assert len(found) == 1, f"expected one {type_token} {name}, found {[r.name for r in registrations]}"
    return found[0]


__all__ = ["ComponentEngine", "EchoMocks", "context", "engine", "registered"]
