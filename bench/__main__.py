"""`python -m bench`: run every benchmark and rewrite BENCHMARKS.md with the results."""

from __future__ import annotations

import importlib
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

SECTIONS = ("bench.plan", "bench.adf_scale", "bench.generator", "bench.adf_check", "bench.adf_corpus", "bench.suite")


def main() -> int:
    parts = [
        "# Benchmarks",
        "",
        "Reproduce with `make bench` (it installs everything first). Numbers below are from the last run:",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}.",
        "",
    ]
    failed = False
    for name in SECTIONS:
        module = importlib.import_module(name)
        print(f"running {name} ...", file=sys.stderr, flush=True)
        section = module.run()
        failed = failed or "Result: FAIL" in section
        parts += [section, ""]
    text = "\n".join(parts)
    Path(__file__).resolve().parent.parent.joinpath("BENCHMARKS.md").write_text(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
