"""Virtual time for the providers' bounded waits (components/azure_http.py): checked in full, without waiting."""

from __future__ import annotations

from azure.core.pipeline.transport import RequestsTransport


class FakeTime:
    """A clock for a wait and transports whose pauses move it, and only they: a bound of minutes takes as many
    requests as its pauses allow, at once, and the same number on every run. The pauses are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def transport(self) -> RequestsTransport:
        clock = self

        class Pausing(RequestsTransport):
            def sleep(self, duration: float) -> None:
                clock.sleeps.append(duration)
                clock.now += duration

        return Pausing()
