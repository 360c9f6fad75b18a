"""The offline engine's calls: the SDK's requests reach the mock monitor on the event loop's own thread."""

from __future__ import annotations

import threading
from typing import Any

import pulumi
import pytest

from preview.mocks import RecordingMonitor
from tests.support.component_plan import build


class Pair(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Pair", name, {}, None)
        first = pulumi.ComponentResource("test:index:Part", f"{name}-first", {}, pulumi.ResourceOptions(parent=self))
        pulumi.ComponentResource("test:index:Part", f"{name}-second", {}, pulumi.ResourceOptions(depends_on=[first]))
        self.register_outputs({})


def test_every_registration_and_its_outputs_reach_the_monitor_on_the_program_s_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    for method in ("RegisterResource", "RegisterResourceOutputs"):
        original = getattr(RecordingMonitor, method)

        def recorded(self: RecordingMonitor, request: Any, method: str = method, original: Any = original) -> Any:
            calls.append((method, threading.get_ident()))
            return original(self, request)

        monkeypatch.setattr(RecordingMonitor, method, recorded)
    registered = build(lambda: Pair("pair"))
    assert {"pair", "pair-first", "pair-second"} <= {reg.name for reg in registered}
    assert {method for method, _ in calls} == {"RegisterResource", "RegisterResourceOutputs"}
    assert {thread for _, thread in calls} == {threading.get_ident()}


def test_a_registration_the_monitor_refuses_fails_the_plan_with_the_monitor_s_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = RecordingMonitor.RegisterResource

    def refuses_parts(self: RecordingMonitor, request: Any) -> Any:
        if request.name == "pair-first":
            raise RuntimeError(f"the monitor refuses {request.name}")
        return original(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", refuses_parts)
    with pytest.raises(Exception, match="the monitor refuses pair-first"):
        build(lambda: Pair("pair"))
