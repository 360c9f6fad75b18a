"""How `ops run --wait` shows a run's progress: a live view on a terminal, a line per change in CI logs."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from ops.run_result import RunResult

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

_STYLES = {"Succeeded": "green", "Failed": "bold red", "Cancelled": "yellow", "InProgress": "cyan", "Queued": "dim"}


class RunDisplay:
    """Progress for people: a rich live view on a terminal, else one plain line whenever something changes."""

    def __init__(self, console: Console | None = None, plain_stream: TextIO | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.plain_stream = plain_stream
        self._live: Live | None = None
        self._last_line: str | None = None
        self._started = time.monotonic()

    def __enter__(self) -> RunDisplay:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()

    def update(self, result: RunResult) -> None:
        if self.console.is_terminal:
            if self._live is None:
                # Started on the first update, after the run id is printed; stdout is left alone for it.
                from rich.live import Live

                self._live = Live(
                    console=self.console, refresh_per_second=4, redirect_stdout=False, redirect_stderr=False
                )
                self._live.start()
            self._live.update(self.render(result), refresh=True)
            return
        line = self.plain_line(result)
        if line != self._last_line:
            print(line, file=self.plain_stream or sys.stderr, flush=True)
            self._last_line = line

    @staticmethod
    def plain_line(result: RunResult) -> str:
        states = ", ".join(f"{a.name}: {a.status}" for a in result.activities) or "no activity started yet"
        return f"{result.pipeline} {result.status} | {states}"

    def render(self, result: RunResult) -> RenderableType:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        elapsed = int(time.monotonic() - self._started)
        header = Text.assemble(
            (result.pipeline, "bold"),
            f" run {result.run_id}  ",
            (result.status, _STYLES.get(result.status, "")),
            f"  {elapsed // 60}:{elapsed % 60:02d}",
        )
        table = Table.grid(padding=(0, 2))
        for activity in result.activities:
            table.add_row(
                Text(f"  {activity.name}"),
                Text(activity.type, style="dim"),
                Text(activity.status, style=_STYLES.get(activity.status, "")),
            )
        title: RenderableType = header if result.finished else Spinner("dots", text=header)
        return Group(title, table)
