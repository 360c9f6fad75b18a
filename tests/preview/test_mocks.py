"""The offline engine's calls to the mock monitor: a long chain of dependencies plans, and a refusal fails the plan.

The SDK sends each registration from a thread of the event loop's executor. Answering on the loop's own thread
instead (a tempting speed-up: the mock answers at once) nests every link of a `depends_on` chain in one stack, so a
chain of a few hundred resources, such as the content of a factory with hundreds of pipelines, ran out of stack.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from preview.mocks import RecordingMonitor
from tests.support.component_plan import build


class Part(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Part", name, {}, opts)
        self.register_outputs({})


def _chain(length: int) -> None:
    previous: Part | None = None
    for index in range(length):
        previous = Part(f"part-{index}", pulumi.ResourceOptions(depends_on=[previous] if previous else []))


def test_a_chain_of_four_hundred_dependent_resources_plans() -> None:
    registered = [reg.name for reg in build(lambda: _chain(400)) if reg.type == "test:index:Part"]
    assert sorted(registered) == sorted(f"part-{index}" for index in range(400))


def test_a_registration_the_monitor_refuses_fails_the_plan_with_the_monitor_s_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = RecordingMonitor.RegisterResource

    def refuses_one(self: RecordingMonitor, request: Any) -> Any:
        if request.name == "part-1":
            raise RuntimeError(f"the monitor refuses {request.name}")
        return original(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", refuses_one)
    with pytest.raises(Exception, match="the monitor refuses part-1"):
        build(lambda: _chain(3))
