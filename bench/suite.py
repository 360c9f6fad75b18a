"""The test suite's wall time on two workers (what `make test` and CI run), against its 30 s target.

The suite is CPU-bound, so it runs on two pytest-xdist workers, one per core of the CI machine; the
CPU time shows what the same run would cost in one process. Where the time goes is printed with
`python -m pytest -n 2 --durations=30`.

Target: at most 30 s of wall time for the whole suite on 2 cores, on a quiet machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import bytecode_cached_env, measure

PROJECT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
COMMAND = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]


def run() -> str:
    # Collecting imports every test module and what it imports: that fills the bytecode caches as a first run does.
    measure([*COMMAND, "--collect-only"], cwd=str(PROJECT), env=bytecode_cached_env())
    result = measure(COMMAND, cwd=str(PROJECT), env=bytecode_cached_env())
    verdict = "PASS" if result.seconds <= TARGET_SECONDS else "FAIL"
    return "\n".join(
        [
            "## Test suite",
            "",
            "`python -m pytest -q -n 2` (what `make test` runs after lint and types), one run; wall time includes "
            "interpreter start-up and collection.",
            "",
            "| wall | CPU (all processes) | peak memory of one process |",
            "|---|---|---|",
            f"| {result.seconds:.1f} s | {result.cpu_seconds:.1f} s | {result.peak_mb:.0f} MB |",
            "",
            f"Target: at most {TARGET_SECONDS:.0f} s on 2 cores, on a quiet machine. Result: {verdict}",
            "",
            "Where the time goes (`python -m pytest -n 2 --durations=0`): each worker collects the suite (about",
            "6 s: importing pulumi, azure-native and the project) and plans the committed stacks it reads once",
            "(about 1 s each); the rest is tests that run the whole program under the mock engine with a config",
            "or content of their own (about 0.5 s a plan in a warm process), `python -m ops` cases answered by a",
            "warm interpreter's children, the ADF shape tests (every value of the rich trees, about 1,800",
            "variants, through the loader), the generator's statistical batches and the Azurite outage tests.",
            "",
            "Reproduce: `make bench` (this section alone: `python -m bench.suite`).",
        ]
    )


if __name__ == "__main__":
    print(run())
