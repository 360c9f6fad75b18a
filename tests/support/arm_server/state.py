"""What the route handlers of the fake share."""

from __future__ import annotations

from tests.support.arm_server.model import FakeRun, FakeTrigger, Operation, RunFrame


class ServerState:
    """The attributes the route handlers share; ArmServer sets them."""

    base: str
    lro: str
    page_size: int
    activity_page_size: int
    lro_polls: int
    triggers: dict[str, FakeTrigger]
    pipelines: dict[str, list[RunFrame]]
    runs: dict[str, FakeRun]
    _operations: dict[str, Operation]

    @property
    def endpoint(self) -> str:
        raise NotImplementedError
