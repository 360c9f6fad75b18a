"""Time the offline plan of the dev stack: target under 3 s wall time and 300 MB peak memory."""

from __future__ import annotations

import sys

from bench.measure import repeat

RUNS = 5
TARGET_SECONDS = 3.0
TARGET_MB = 300.0


def run() -> str:
    command = [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--json"]
    median, worst, peak = repeat(command, RUNS)
    ok = worst < TARGET_SECONDS and peak < TARGET_MB
    return "\n".join(
        [
            "## Offline plan of the dev stack",
            "",
            f"`python -m ops plan --stack dev --json`, {RUNS} runs after a warm-up, each a fresh process.",
            "",
            "| metric | result | target |",
            "| --- | --- | --- |",
            f"| wall time, median | {median:.2f} s | |",
            f"| wall time, worst | {worst:.2f} s | < {TARGET_SECONDS:.0f} s |",
            f"| peak memory (max RSS) | {peak:.0f} MB | < {TARGET_MB:.0f} MB |",
            "",
            f"Result: {'PASS' if ok else 'FAIL'}",
        ]
    )


if __name__ == "__main__":
    print(run())
