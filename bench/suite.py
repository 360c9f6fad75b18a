"""The test suite's wall time on two workers (what `make test` and CI run), against its 30 s target.

The suite is CPU-bound, so it runs on two pytest-xdist workers, one per core of the CI machine; the
CPU time shows what the same run would cost in one process. Where the time goes is printed with
`python -m pytest -n 2 --durations=30`. The result is the median of RUNS runs.

Target: at most 30 s of wall time for the whole suite on 2 cores, on a quiet machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import Summary, bytecode_cached_env, measure

PROJECT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
COMMAND = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]


RUNS = 3
"""Runs measured (after the collection that fills the bytecode caches); the median is the result, since one run
moves by a few seconds with whatever else the machine does."""


def run() -> str:
    env = bytecode_cached_env()
    # Collecting imports every test module and what it imports: that fills the bytecode caches as a first run does.
    measure([*COMMAND, "--collect-only"], cwd=str(PROJECT), env=env)
    summary = Summary.of([measure(COMMAND, cwd=str(PROJECT), env=env) for _ in range(RUNS)])
    verdict = "PASS" if summary.wall_median <= TARGET_SECONDS else "FAIL"
    return "\n".join(
        [
            "## Test suite",
            "",
            f"`python -m pytest -q -n 2` (what `make test` runs after lint and types), {RUNS} runs after a collection "
            "that fills the bytecode caches; wall time includes interpreter start-up and collection.",
            "",
            "| wall, median | wall, worst | CPU, median (all processes) | peak memory of one process |",
            "|---|---|---|---|",
            f"| {summary.wall_median:.1f} s | {summary.wall_worst:.1f} s | {summary.cpu_median:.1f} s "
            f"| {summary.peak_mb:.0f} MB |",
            "",
            f"Target: at most {TARGET_SECONDS:.0f} s on 2 cores, on a quiet machine (the median). Result: {verdict}",
            "",
            "Where the time goes (`python -m pytest -n 2 --durations=0`, the CPU time of each test and of the",
            "processes it starts, and a sampling profile of the whole run): each worker collects the suite (about 2 s",
            "of CPU: importing pulumi, azure-native and the project), and pytest-xdist adds about 1 ms of reporting",
            "to each of the 3,480 tests. About a quarter of the CPU is whole-program plans that have a stack, config",
            "or content of their own (about 75, 0.15 to 0.45 s each, most of it in the Pulumi SDK's registration of",
            "each resource); about a third is processes the tests start on purpose: Azurite (once, in memory; an",
            "outage is a relay in front of it going down), the CLI cases (one warm interpreter per run, shared by the",
            "workers, a fork per case), the install test (a fresh plan from the packages built once per run for it",
            "and for the package-list and provider-host tests), the interrupted and piped plans, the dynamic",
            "providers' host, pip for the function package and Graphviz for the diagrams. The ADF shape tests (about",
            "1,800 variants of the rich trees through the loader, 3 ms each) take a tenth; the generator's",
            "statistical batches (100,000 rows) and some 3,350 tests of a few milliseconds each take most of the",
            "rest. The temporary folders are on tmpfs when /dev/shm has room, and the workers keep Python's cyclic",
            "garbage collector off and freeze their heap once their tests are done (tests/conftest.py); the",
            "providers' bounded waits run on virtual time (tests/support/fake_time.py).",
            "",
            "Reproduce: `make bench` (this section alone: `python -m bench.suite`).",
        ]
    )


if __name__ == "__main__":
    print(run())
