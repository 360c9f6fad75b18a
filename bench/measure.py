"""Run a command as a child process and report its wall time and peak memory (max RSS)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float


def measure(command: list[str], cwd: str | None = None) -> Measurement:
    """Wall time and peak RSS of one run; fails loudly if the command fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr}")
    return Measurement(seconds=seconds, peak_mb=usage.ru_maxrss / 1024)


def repeat(command: list[str], runs: int, cwd: str | None = None) -> tuple[float, float, float]:
    """(median seconds, max seconds, max peak MB) over `runs` runs after one warm-up."""
    measure(command, cwd)
    results = [measure(command, cwd) for _ in range(runs)]
    times = [r.seconds for r in results]
    return statistics.median(times), max(times), max(r.peak_mb for r in results)
