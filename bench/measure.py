"""Run a command as a child process and report its CPU time, wall time and peak memory (max RSS)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass


def bytecode_cached_env() -> dict[str, str]:
    """This environment, with Python writing and reading its bytecode cache (`__pycache__`), as `make test` runs.

    Container images often set PYTHONDONTWRITEBYTECODE; then every process compiles the project's modules (and
    pytest rewrites the test modules) again, which is not what a developer's second run costs.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass(frozen=True)
class Measurement:
    seconds: float
    """Wall-clock time."""
    cpu_seconds: float
    """User plus system CPU time of the child: what the command costs, whatever else the machine runs."""
    peak_mb: float


def measure(command: list[str], cwd: str | None = None, env: dict[str, str] | None = None) -> Measurement:
    """Wall time, CPU time and peak RSS of one run; fails loudly if the command fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4 returns the resource usage of exactly this child (not of every child reaped so far).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr}")
    return Measurement(seconds=seconds, cpu_seconds=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Summary:
    """Median and worst of several runs of one command."""

    cpu_median: float
    cpu_worst: float
    wall_median: float
    wall_worst: float
    peak_mb: float

    @classmethod
    def of(cls, results: list[Measurement]) -> Summary:
        cpu = [r.cpu_seconds for r in results]
        wall = [r.seconds for r in results]
        return cls(
            cpu_median=statistics.median(cpu),
            cpu_worst=max(cpu),
            wall_median=statistics.median(wall),
            wall_worst=max(wall),
            peak_mb=max(r.peak_mb for r in results),
        )


def repeat(command: list[str], runs: int, cwd: str | None = None) -> tuple[float, float, float]:
    """(median wall seconds, worst wall seconds, peak MB) over `runs` runs after one warm-up."""
    measure(command, cwd)
    summary = Summary.of([measure(command, cwd) for _ in range(runs)])
    return summary.wall_median, summary.wall_worst, summary.peak_mb
